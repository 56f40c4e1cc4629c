import { describe, expect, it } from "vitest";
import { isValidTimeZone, localDate, localParts, zonedTimeToUtc } from "./zoned-time";

const at = (iso: string) => Date.parse(iso);

describe("localParts", () => {
  it("reads the wall clock and ISO weekday in each zone", () => {
    // 2025-01-15T06:30Z is a Wednesday.
    expect(localParts(at("2025-01-15T06:30:00Z"), "Europe/Vilnius")).toEqual({
      year: 2025, month: 1, day: 15, hour: 8, minute: 30, weekday: 3,
    });
    expect(localParts(at("2025-01-15T06:30:00Z"), "Europe/Ljubljana")).toMatchObject({ hour: 7, minute: 30 });
    expect(localParts(at("2025-01-15T06:30:00Z"), "Europe/Moscow")).toMatchObject({ hour: 9, minute: 30 });
    expect(localParts(at("2025-01-19T12:00:00Z"), "UTC").weekday).toBe(7);
  });

  it("shows midnight as hour 0, not 24", () => {
    expect(localParts(at("2025-03-01T22:00:00Z"), "Europe/Vilnius")).toMatchObject({ day: 2, hour: 0, minute: 0 });
  });

  it("follows summer time", () => {
    expect(localParts(at("2025-07-01T05:00:00Z"), "Europe/Vilnius")).toMatchObject({ hour: 8 });
    expect(localParts(at("2025-07-01T06:00:00Z"), "Europe/Ljubljana")).toMatchObject({ hour: 8 });
    // Moscow has kept UTC+3 all year since 2014.
    expect(localParts(at("2025-07-01T05:00:00Z"), "Europe/Moscow")).toMatchObject({ hour: 8 });
  });
});

describe("localDate", () => {
  it("gives the calendar date in the zone, which can differ from the UTC date", () => {
    expect(localDate(at("2025-12-31T22:30:00Z"), "Europe/Vilnius")).toBe("2026-01-01");
    expect(localDate(at("2025-12-31T22:30:00Z"), "Europe/Ljubljana")).toBe("2025-12-31");
    expect(localDate(at("2025-12-31T20:59:00Z"), "Europe/Moscow")).toBe("2025-12-31");
    expect(localDate(at("2025-12-31T21:00:00Z"), "Europe/Moscow")).toBe("2026-01-01");
  });
});

describe("zonedTimeToUtc", () => {
  it("is the inverse of localParts on ordinary days", () => {
    expect(zonedTimeToUtc({ year: 2025, month: 1, day: 15, hour: 8, minute: 30 }, "Europe/Vilnius")).toBe(at("2025-01-15T06:30:00Z"));
    expect(zonedTimeToUtc({ year: 2025, month: 7, day: 1, hour: 8, minute: 0 }, "Europe/Vilnius")).toBe(at("2025-07-01T05:00:00Z"));
    expect(zonedTimeToUtc({ year: 2025, month: 7, day: 1, hour: 8, minute: 0 }, "Europe/Ljubljana")).toBe(at("2025-07-01T06:00:00Z"));
    expect(zonedTimeToUtc({ year: 2025, month: 7, day: 1, hour: 8, minute: 0 }, "Europe/Moscow")).toBe(at("2025-07-01T05:00:00Z"));
    expect(zonedTimeToUtc({ year: 2025, month: 7, day: 1, hour: 8, minute: 0 }, "UTC")).toBe(at("2025-07-01T08:00:00Z"));
  });

  it("round-trips every quarter hour across a whole year in Vilnius, Ljubljana and Moscow", () => {
    for (const zone of ["Europe/Vilnius", "Europe/Ljubljana", "Europe/Moscow"]) {
      for (let ms = at("2025-01-01T00:00:00Z"); ms < at("2026-01-01T00:00:00Z"); ms += 15 * 60_000 * 37) {
        const p = localParts(ms, zone);
        const back = zonedTimeToUtc(p, zone);
        // In the repeated autumn hour the first occurrence wins, so only that hour may differ.
        if (back !== ms) expect(ms - back, `${zone} ${new Date(ms).toISOString()}`).toBe(3_600_000);
        else expect(back).toBe(ms);
      }
    }
  });

  it("moves a time inside the spring-forward gap forward by the gap", () => {
    // Vilnius jumps from 03:00 EET to 04:00 EEST on 2025-03-30 (01:00Z).
    expect(zonedTimeToUtc({ year: 2025, month: 3, day: 30, hour: 3, minute: 30 }, "Europe/Vilnius")).toBe(at("2025-03-30T01:30:00Z"));
    expect(localParts(at("2025-03-30T01:30:00Z"), "Europe/Vilnius")).toMatchObject({ hour: 4, minute: 30 });
    // Ljubljana jumps from 02:00 CET to 03:00 CEST the same night.
    expect(zonedTimeToUtc({ year: 2025, month: 3, day: 30, hour: 2, minute: 15 }, "Europe/Ljubljana")).toBe(at("2025-03-30T01:15:00Z"));
  });

  it("picks the first occurrence of a time that happens twice in autumn", () => {
    // Vilnius goes back from 04:00 EEST to 03:00 EET on 2025-10-26 (01:00Z): 03:30 happens at 00:30Z and 01:30Z.
    expect(zonedTimeToUtc({ year: 2025, month: 10, day: 26, hour: 3, minute: 30 }, "Europe/Vilnius")).toBe(at("2025-10-26T00:30:00Z"));
    expect(zonedTimeToUtc({ year: 2025, month: 10, day: 26, hour: 2, minute: 30 }, "Europe/Ljubljana")).toBe(at("2025-10-26T00:30:00Z"));
    // Moscow's last change, 2014-10-26 02:00 MSK+4 → 01:00 MSK+3: 01:30 happened at 21:30Z and 22:30Z.
    expect(zonedTimeToUtc({ year: 2014, month: 10, day: 26, hour: 1, minute: 30 }, "Europe/Moscow")).toBe(at("2014-10-25T21:30:00Z"));
  });

  it("uses the right offset on either side of a change", () => {
    expect(zonedTimeToUtc({ year: 2025, month: 3, day: 30, hour: 2, minute: 59 }, "Europe/Vilnius")).toBe(at("2025-03-30T00:59:00Z"));
    expect(zonedTimeToUtc({ year: 2025, month: 3, day: 30, hour: 4, minute: 0 }, "Europe/Vilnius")).toBe(at("2025-03-30T01:00:00Z"));
    expect(zonedTimeToUtc({ year: 2025, month: 10, day: 26, hour: 4, minute: 0 }, "Europe/Vilnius")).toBe(at("2025-10-26T02:00:00Z"));
  });

  it("rolls out-of-range days over like Date.UTC", () => {
    expect(zonedTimeToUtc({ year: 2025, month: 1, day: 32, hour: 12, minute: 0 }, "UTC")).toBe(at("2025-02-01T12:00:00Z"));
  });
});

describe("isValidTimeZone", () => {
  it("accepts IANA names and refuses anything else", () => {
    expect(isValidTimeZone("Europe/Vilnius")).toBe(true);
    expect(isValidTimeZone("Mars/Olympus")).toBe(false);
  });
});
