import { describe, expect, it } from "vitest";
import { localParts } from "../lib/zoned-time";
import { nextDueAt } from "./recurrence";

const at = (iso: string) => Date.parse(iso);
const iso = (ms: number) => new Date(ms).toISOString();

describe("nextDueAt across daylight-saving changes", () => {
  it("keeps 09:00 in Vilnius when summer time starts (the next day is 23 hours later)", () => {
    // 2025-03-29 09:00 EET = 07:00Z; 2025-03-30 09:00 EEST = 06:00Z.
    expect(iso(nextDueAt(at("2025-03-29T07:00:00Z"), "daily", "Europe/Vilnius"))).toBe("2025-03-30T06:00:00.000Z");
  });

  it("keeps 09:00 in Vilnius when summer time ends (the next day is 25 hours later)", () => {
    expect(iso(nextDueAt(at("2025-10-25T06:00:00Z"), "daily", "Europe/Vilnius"))).toBe("2025-10-26T07:00:00.000Z");
  });

  it("keeps 14:30 in Ljubljana a week later across the spring change", () => {
    // 2025-03-27 14:30 CET = 13:30Z; 2025-04-03 14:30 CEST = 12:30Z.
    expect(iso(nextDueAt(at("2025-03-27T13:30:00Z"), "weekly", "Europe/Ljubljana"))).toBe("2025-04-03T12:30:00.000Z");
  });

  it("keeps 08:00 in Ljubljana a month later across the autumn change", () => {
    // 2025-10-15 08:00 CEST = 06:00Z; 2025-11-15 08:00 CET = 07:00Z.
    expect(iso(nextDueAt(at("2025-10-15T06:00:00Z"), "monthly", "Europe/Ljubljana"))).toBe("2025-11-15T07:00:00.000Z");
  });

  it("moves exactly 24 hours in Moscow, which no longer changes clocks", () => {
    expect(nextDueAt(at("2025-03-29T06:00:00Z"), "daily", "Europe/Moscow") - at("2025-03-29T06:00:00Z")).toBe(86_400_000);
    expect(localParts(nextDueAt(at("2025-10-25T06:00:00Z"), "daily", "Europe/Moscow"), "Europe/Moscow")).toMatchObject({ day: 26, hour: 9 });
  });

  it("follows Moscow's own history: 2014's change from UTC+4 to UTC+3", () => {
    // 2014-10-25 10:00 MSK (+4) = 06:00Z; 2014-10-26 10:00 MSK (+3) = 07:00Z.
    expect(iso(nextDueAt(at("2014-10-25T06:00:00Z"), "daily", "Europe/Moscow"))).toBe("2014-10-26T07:00:00.000Z");
  });

  it("moves a time the clocks skip forward by the gap", () => {
    // 2025-03-29 03:30 EET = 01:30Z; 03:30 does not exist on 30 March in Vilnius → 04:30 EEST = 01:30Z.
    const next = nextDueAt(at("2025-03-29T01:30:00Z"), "daily", "Europe/Vilnius");
    expect(localParts(next, "Europe/Vilnius")).toMatchObject({ day: 30, hour: 4, minute: 30 });
  });
});

describe("nextDueAt at month ends", () => {
  it("moves 31 January to the last day of February, in common and leap years", () => {
    expect(localParts(nextDueAt(at("2025-01-31T08:00:00Z"), "monthly", "Europe/Vilnius"), "Europe/Vilnius")).toMatchObject({ year: 2025, month: 2, day: 28, hour: 10 });
    expect(localParts(nextDueAt(at("2024-01-31T08:00:00Z"), "monthly", "Europe/Vilnius"), "Europe/Vilnius")).toMatchObject({ year: 2024, month: 2, day: 29, hour: 10 });
  });

  it("moves 31 March to 30 April and December into January of the next year", () => {
    expect(localParts(nextDueAt(at("2025-03-31T07:00:00Z"), "monthly", "UTC"), "UTC")).toMatchObject({ month: 4, day: 30, hour: 7 });
    expect(localParts(nextDueAt(at("2025-12-15T07:00:00Z"), "monthly", "UTC"), "UTC")).toMatchObject({ year: 2026, month: 1, day: 15 });
  });

  it("uses the local calendar date, not the UTC one", () => {
    // 2025-01-31 00:30 in Vilnius is still 30 January in UTC; the next month is 28 February local.
    const next = nextDueAt(at("2025-01-30T22:30:00Z"), "monthly", "Europe/Vilnius");
    expect(localParts(next, "Europe/Vilnius")).toMatchObject({ month: 2, day: 28, hour: 0, minute: 30 });
  });

  it("rolls daily and weekly tasks over month and year ends", () => {
    expect(localParts(nextDueAt(at("2025-12-31T12:00:00Z"), "daily", "UTC"), "UTC")).toMatchObject({ year: 2026, month: 1, day: 1 });
    expect(localParts(nextDueAt(at("2024-02-26T12:00:00Z"), "weekly", "UTC"), "UTC")).toMatchObject({ month: 3, day: 4 });
  });
});
