import { localParts, zonedTimeToUtc } from "../lib/zoned-time";

// When one recipient's email goes out. A campaign sent "at 10:00 local time" reaches a reader in
// Vilnius at their 10:00 and one in London at theirs; quiet hours hold a send until the reader's
// morning. Pure functions of instants and IANA zones, tested across daylight-saving changes.

export type ClockTime = { hour: number; minute: number };
/** Quiet hours in the recipient's zone; `start` after `end` spans midnight (21:00–08:00). */
export type QuietHours = { start: ClockTime; end: ClockTime };

const DAY_MS = 24 * 60 * 60 * 1000;

function addDays(isoDate: string, days: number): string {
  const ms = Date.parse(`${isoDate}T00:00:00Z`) + days * DAY_MS;
  return new Date(ms).toISOString().slice(0, 10);
}

function localIsoDate(ms: number, timeZone: string): string {
  const p = localParts(ms, timeZone);
  return `${String(p.year).padStart(4, "0")}-${String(p.month).padStart(2, "0")}-${String(p.day).padStart(2, "0")}`;
}

/** The instant the recipient's wall clock shows `time` on `isoDate` (a time skipped by DST moves forward by the gap). */
export function atLocalTime(isoDate: string, time: ClockTime, timeZone: string): number {
  const [year = 0, month = 1, day = 1] = isoDate.split("-").map(Number);
  return zonedTimeToUtc({ year, month, day, hour: time.hour, minute: time.minute }, timeZone);
}

/**
 * The send instant for a "local time" campaign scheduled for `isoDate` at `time`: that wall
 * time in the recipient's zone, or, when it has already passed there by `notBefore` (the reader
 * lives east of whoever scheduled it), the same wall time the next day — never at a random hour.
 */
export function localSendAt(isoDate: string, time: ClockTime, timeZone: string, notBefore: number): number {
  const first = atLocalTime(isoDate, time, timeZone);
  return first >= notBefore ? first : atLocalTime(addDays(isoDate, 1), time, timeZone);
}

const minutesOf = (time: ClockTime) => time.hour * 60 + time.minute;

/** Whether the wall-clock minute-of-day `minute` falls inside quiet hours (start inclusive, end exclusive). */
function isQuiet(minute: number, quiet: QuietHours): boolean {
  const start = minutesOf(quiet.start);
  const end = minutesOf(quiet.end);
  if (start === end) return false;
  return start < end ? minute >= start && minute < end : minute >= start || minute < end;
}

/** `at`, or the end of the recipient's quiet hours when `at` falls inside them. */
export function afterQuietHours(at: number, quiet: QuietHours | null, timeZone: string): number {
  if (!quiet) return at;
  const local = localParts(at, timeZone);
  const minute = local.hour * 60 + local.minute;
  if (!isQuiet(minute, quiet)) return at;
  const today = localIsoDate(at, timeZone);
  // Inside a window that spans midnight, before midnight the quiet ends tomorrow morning.
  const endsTomorrow = minutesOf(quiet.start) > minutesOf(quiet.end) && minute >= minutesOf(quiet.start);
  return atLocalTime(endsTomorrow ? addDays(today, 1) : today, quiet.end, timeZone);
}

/**
 * A birthday greeting's send instant in `year`: the contact's birthday (YYYY-MM-DD, the year ignored)
 * at `time` in their zone. 29 February is greeted on 28 February in other years. Null for a
 * value that is not a date.
 */
export function birthdaySendAt(birthday: string, year: number, time: ClockTime, timeZone: string): number | null {
  const match = /^\d{4}-(\d{2})-(\d{2})$/.exec(birthday);
  if (!match) return null;
  const month = Number(match[1]);
  let day = Number(match[2]);
  if (month < 1 || month > 12 || day < 1 || day > 31) return null;
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  if (month === 2 && day === 29 && !leap) day = 28;
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  if (day > daysInMonth) return null;
  return atLocalTime(`${year}-${String(month).padStart(2, "0")}-${String(day).padStart(2, "0")}`, time, timeZone);
}
