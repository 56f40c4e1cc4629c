import { describe, expect, it } from "vitest";
import { interpolate, isLanguage, pickLanguage } from "./language";

describe("pickLanguage", () => {
  it("prefers the remembered language, then the browser's, then English", () => {
    expect(pickLanguage("lv", ["ru-RU"])).toBe("lv");
    expect(pickLanguage(null, ["de-DE", "sl-SI", "ru"])).toBe("sl");
    expect(pickLanguage("xx", ["de"])).toBe("en");
  });

  it("only accepts the five languages", () => {
    expect(isLanguage("lt")).toBe(true);
    expect(isLanguage("de")).toBe(false);
    expect(isLanguage(3)).toBe(false);
  });
});

describe("interpolate", () => {
  it("fills placeholders and leaves unknown ones visible", () => {
    expect(interpolate("Welcome, {name} ({role})", { name: "Ona" })).toBe("Welcome, Ona ({role})");
    expect(interpolate("{n} s", { n: 5 })).toBe("5 s");
  });
});
