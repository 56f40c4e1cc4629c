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

describe("money", () => {
  it("formats minor units in the reader's locale", async () => {
    const { formatMoney } = await import("./format");
    expect(formatMoney({ amount: 123450, currency: "EUR" }, "en-GB")).toBe("€1,234.50");
    expect(formatMoney({ amount: 123450, currency: "EUR" }, "lt").replace(/\s/g, " ")).toBe("1 234,50 €");
    expect(formatMoney({ amount: 1500, currency: "JPY" }, "en")).toBe("¥1,500");
  });

  it("reads typed amounts into minor units", async () => {
    const { parseMoneyInput, moneyInputText } = await import("./format");
    expect(parseMoneyInput("1 234,56", "EUR")).toBe(123456);
    expect(parseMoneyInput("1,234.56", "EUR")).toBe(123456);
    expect(parseMoneyInput("1.234.567", "EUR")).toBe(123456700);
    expect(parseMoneyInput("2500000", "EUR")).toBe(250000000);
    expect(parseMoneyInput("12,5", "EUR")).toBe(1250);
    expect(parseMoneyInput("1500", "JPY")).toBe(1500);
    expect(parseMoneyInput("€ 99", "EUR")).toBe(9900);
    expect(parseMoneyInput("-5", "EUR")).toBeNull();
    expect(parseMoneyInput("abc", "EUR")).toBeNull();
    expect(parseMoneyInput("1.234", "EUR")).toBe(123400);
    expect(moneyInputText({ amount: 123456, currency: "EUR" }, "lt")).toBe("1234,56");
  });
});

describe("phones, countries and calendar dates", () => {
  it("formats for reading", async () => {
    const { formatPhone, countryName, formatCalendarDate } = await import("./format");
    expect(formatPhone("+37061234567")).toBe("+370 612 34567");
    expect(formatPhone("not a phone")).toBe("not a phone");
    expect(countryName("LV", "ru")).toBe("Латвия");
    expect(formatCalendarDate("1988-04-17", "en-GB")).toBe("17 April 1988");
  });
});
