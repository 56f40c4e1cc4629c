import { describe, expect, it } from "vitest";
import { countryOptions, currencyOptions, formatDateTime, timeZoneOptions } from "./format";

describe("formatDateTime", () => {
  it("applies the reader's time zone", () => {
    const iso = "2026-11-22T22:30:00.000Z";
    expect(formatDateTime(iso, "en-GB", "Europe/Vilnius")).toContain("23 Nov 2026");
    expect(formatDateTime(iso, "en-GB", "UTC")).toContain("22 Nov 2026");
  });

  it("falls back to UTC for an unknown zone and to empty for a bad date", () => {
    expect(formatDateTime("2026-11-22T10:00:00Z", "en-GB", "Mars/Olympus")).toContain("22 Nov 2026");
    expect(formatDateTime("not a date", "en", "UTC")).toBe("");
  });
});

describe("picker options", () => {
  it("names countries and currencies in the reader's language", () => {
    expect(countryOptions("lt").find((option) => option.value === "LT")?.label).toBe("Lietuva");
    const codes = countryOptions("en").map((option) => option.value);
    expect(codes).not.toContain("ZZ");
    expect(codes).not.toContain("EU");
    expect(codes).toContain("XK");
    expect(codes).toContain("SI");
    expect(currencyOptions("en").find((option) => option.value === "EUR")?.label).toMatch(/^EUR — Euro/);
  });

  it("keeps the current zone even if Intl does not list it", () => {
    expect(timeZoneOptions("Europe/Vilnius")).toContain("Europe/Vilnius");
    expect(timeZoneOptions("UTC")).toContain("UTC");
  });
});
