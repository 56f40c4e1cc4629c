import { describe, expect, it } from "vitest";
import { badgeText, onceEach, safeLink } from "./notifications";

describe("onceEach", () => {
  it("says yes the first time an id is seen and no for a repeat", () => {
    const first = onceEach();
    expect(first("ntf_1")).toBe(true);
    expect(first("ntf_1")).toBe(false);
    expect(first("ntf_2")).toBe(true);
  });

  it("forgets the oldest ids beyond its limit", () => {
    const first = onceEach(2);
    first("a");
    first("b");
    first("c");
    expect(first("a")).toBe(true);
    expect(first("c")).toBe(false);
  });
});

describe("badgeText and safeLink", () => {
  it("shows nothing for zero and caps large counts", () => {
    expect(badgeText(0)).toBe("");
    expect(badgeText(7)).toBe("7");
    expect(badgeText(150)).toBe("99+");
  });

  it("follows only client routes", () => {
    expect(safeLink("/tasks")).toBe("/tasks");
    expect(safeLink("https://evil.example")).toBeNull();
    expect(safeLink("//evil.example")).toBeNull();
    expect(safeLink(null)).toBeNull();
  });
});
