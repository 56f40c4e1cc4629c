import { describe, expect, it } from "vitest";
import { afterQuietHours, atLocalTime, birthdaySendAt, localSendAt } from "./send-time";

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
const ten = { hour: 10, minute: 0 };
const quiet = { start: { hour: 21, minute: 0 }, end: { hour: 8, minute: 0 } };

describe("sending at a local hour", () => {
  it("reaches Vilnius, Ljubljana, Moscow and London at 10:00 their time, on either side of the spring change", () => {
    // 2026-03-29: EU clocks go forward (Vilnius 03:00→04:00, Ljubljana 02:00→03:00, London 01:00→02:00); Moscow has no DST.
    const zones = ["Europe/Vilnius", "Europe/Ljubljana", "Europe/Moscow", "Europe/London"];
    expect(zones.map((zone) => iso(atLocalTime("2026-03-28", ten, zone)))).toEqual([
      "2026-03-28T08:00:00.000Z",
      "2026-03-28T09:00:00.000Z",
      "2026-03-28T07:00:00.000Z",
      "2026-03-28T10:00:00.000Z",
    ]);
    expect(zones.map((zone) => iso(atLocalTime("2026-03-29", ten, zone)))).toEqual([
      "2026-03-29T07:00:00.000Z",
      "2026-03-29T08:00:00.000Z",
      "2026-03-29T07:00:00.000Z",
      "2026-03-29T09:00:00.000Z",
    ]);
  });

  it("is right across the autumn change too (25 October 2026)", () => {
    expect(iso(atLocalTime("2026-10-24", ten, "Europe/Vilnius"))).toBe("2026-10-24T07:00:00.000Z");
    expect(iso(atLocalTime("2026-10-25", ten, "Europe/Vilnius"))).toBe("2026-10-25T08:00:00.000Z");
    expect(iso(atLocalTime("2026-10-25", ten, "Europe/London"))).toBe("2026-10-25T10:00:00.000Z");
  });

  it("moves a wall time that does not exist that night forward by the gap", () => {
    // 03:30 never happens in Vilnius on 2026-03-29.
    expect(iso(atLocalTime("2026-03-29", { hour: 3, minute: 30 }, "Europe/Vilnius"))).toBe("2026-03-29T01:30:00.000Z");
  });

  it("sends the next day at the same local hour when that hour has already passed for the reader", () => {
    // Scheduled at 07:30 UTC for 10:00 local: Moscow's 10:00 (07:00 UTC) has passed, London's has not.
    const scheduledAt = Date.parse("2026-11-23T07:30:00Z");
    expect(iso(localSendAt("2026-11-23", ten, "Europe/Moscow", scheduledAt))).toBe("2026-11-24T07:00:00.000Z");
    expect(iso(localSendAt("2026-11-23", ten, "Europe/London", scheduledAt))).toBe("2026-11-23T10:00:00.000Z");
  });
});

describe("quiet hours", () => {
  it("holds a late-evening send until the reader's morning, across midnight", () => {
    // 22:30 in Vilnius on 23 Nov → 08:00 on 24 Nov (06:00 UTC).
    expect(iso(afterQuietHours(Date.parse("2026-11-23T20:30:00Z"), quiet, "Europe/Vilnius"))).toBe("2026-11-24T06:00:00.000Z");
    // 05:00 in Vilnius → 08:00 the same day.
    expect(iso(afterQuietHours(Date.parse("2026-11-23T03:00:00Z"), quiet, "Europe/Vilnius"))).toBe("2026-11-23T06:00:00.000Z");
  });

  it("lets daytime sends through, and treats the window as start-inclusive, end-exclusive", () => {
    const noon = Date.parse("2026-11-23T10:00:00Z");
    expect(afterQuietHours(noon, quiet, "Europe/Vilnius")).toBe(noon);
    const eight = Date.parse("2026-11-23T06:00:00Z"); // 08:00 Vilnius
    expect(afterQuietHours(eight, quiet, "Europe/Vilnius")).toBe(eight);
    expect(iso(afterQuietHours(Date.parse("2026-11-23T19:00:00Z"), quiet, "Europe/Vilnius"))).toBe("2026-11-24T06:00:00.000Z");
    expect(afterQuietHours(noon, null, "Europe/Vilnius")).toBe(noon);
  });

  it("ends quiet hours at the morning's wall time even when the clocks change that night", () => {
    // 23:00 Vilnius on 28 March → 08:00 on 29 March, which is already summer time (05:00 UTC).
    expect(iso(afterQuietHours(Date.parse("2026-03-28T21:00:00Z"), quiet, "Europe/Vilnius"))).toBe("2026-03-29T05:00:00.000Z");
  });

  it("supports a window within one day", () => {
    const lunch = { start: { hour: 12, minute: 0 }, end: { hour: 13, minute: 30 } };
    expect(iso(afterQuietHours(Date.parse("2026-11-23T10:15:00Z"), lunch, "Europe/Vilnius"))).toBe("2026-11-23T11:30:00.000Z");
  });
});

describe("birthday greetings", () => {
  it("greets on the birthday at the chosen local hour", () => {
    expect(iso(birthdaySendAt("1990-06-15", 2026, ten, "Europe/Ljubljana"))).toBe("2026-06-15T08:00:00.000Z");
  });

  it("greets 29 February birthdays on 28 February in common years", () => {
    expect(iso(birthdaySendAt("2000-02-29", 2027, ten, "Europe/Vilnius"))).toBe("2027-02-28T08:00:00.000Z");
    expect(iso(birthdaySendAt("2000-02-29", 2028, ten, "Europe/Vilnius"))).toBe("2028-02-29T08:00:00.000Z");
  });

  it("refuses values that are not dates", () => {
    expect(birthdaySendAt("15.06.1990", 2026, ten, "UTC")).toBeNull();
    expect(birthdaySendAt("1990-13-01", 2026, ten, "UTC")).toBeNull();
    expect(birthdaySendAt("1990-04-31", 2026, ten, "UTC")).toBeNull();
  });
});
