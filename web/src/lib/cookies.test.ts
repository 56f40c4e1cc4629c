import { describe, expect, it } from "vitest";
import { readCookie } from "./cookies";

describe("readCookie", () => {
  it("finds a cookie among others, by exact name", () => {
    const jar = "theme=dark; rapport_csrf=abc%2Fdef; xrapport_csrf=wrong";
    expect(readCookie(jar, "rapport_csrf")).toBe("abc/def");
    expect(readCookie(jar, "missing")).toBeNull();
    expect(readCookie("", "rapport_csrf")).toBeNull();
  });

  it("keeps values that are not valid URI encodings", () => {
    expect(readCookie("a=%E0%A4%A", "a")).toBe("%E0%A4%A");
  });
});
