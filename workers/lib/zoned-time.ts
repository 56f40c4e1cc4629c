// Wall-clock arithmetic in IANA time zones with nothing but Intl.DateTimeFormat (present in
// workerd with full ICU data), so reminders, recurrence, digests and birthdays agree on one
// reading of "08:00 in Vilnius" without a time-zone library in the bundle.

/** A local calendar date and wall-clock time (month 1–12, hour 0–23). */
export type LocalDateTime = { year: number; month: number; day: number; hour: number; minute: number };

/** `weekday` is ISO: Monday = 1 … Sunday = 7. */
export type LocalParts = LocalDateTime & { weekday: number };

const WEEKDAYS: Readonly<Record<string, number>> = { Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6, Sun: 7 };
const DAY_MS = 86_400_000;

// Building a DateTimeFormat is far more expensive than using one; a Worker isolate sees only a
// handful of zones, so they are kept for the isolate's life.
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat("en-US", {
      timeZone,
      // h23, not hour12:false: some engines print midnight as "24" with the latter.
      hourCycle: "h23",
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "numeric",
      second: "numeric",
      weekday: "short",
      era: "short",
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

type RawParts = LocalParts & { second: number };

function readParts(ms: number, timeZone: string): RawParts {
  const out: Record<string, string> = {};
  for (const part of formatterFor(timeZone).formatToParts(new Date(ms))) out[part.type] = part.value;
  const year = Number(out.year);
  return {
    // Years before the common era come back as positive numbers with era "BC"; the sign keeps
    // the arithmetic below monotonic even for absurd inputs.
    year: out.era === "BC" || out.era === "B" ? 1 - year : year,
    month: Number(out.month),
    day: Number(out.day),
    hour: Number(out.hour),
    minute: Number(out.minute),
    second: Number(out.second),
    weekday: WEEKDAYS[out.weekday ?? ""] ?? 0,
  };
}

/** True when `timeZone` is an IANA name this runtime knows. */
export function isValidTimeZone(timeZone: string): boolean {
  try {
    formatterFor(timeZone);
    return true;
  } catch {
    return false;
  }
}

/** The local calendar date, wall-clock time and ISO weekday of instant `ms` in `timeZone`. */
export function localParts(ms: number, timeZone: string): LocalParts {
  const { second: _second, ...parts } = readParts(ms, timeZone);
  return parts;
}

/** The local calendar date of instant `ms` in `timeZone`, as "YYYY-MM-DD". */
export function localDate(ms: number, timeZone: string): string {
  const { year, month, day } = readParts(ms, timeZone);
  return `${String(year).padStart(4, "0")}-${String(month).padStart(2, "0")}-${String(day).padStart(2, "0")}`;
}

// Milliseconds to add to UTC to get the zone's wall clock at instant `ms` (+3 h → 10_800_000).
// Sub-minute precision is dropped on purpose: historic LMT offsets like +01:35:36 still line up.
function offsetAt(ms: number, timeZone: string): number {
  const p = readParts(ms, timeZone);
  const wall = utcFromFields(p.year, p.month, p.day, p.hour, p.minute) + p.second * 1000;
  return wall - Math.floor(ms / 1000) * 1000;
}

function utcFromFields(year: number, month: number, day: number, hour: number, minute: number): number {
  // setUTCFullYear instead of Date.UTC, which reads years 0–99 as 1900–1999; both roll over
  // out-of-range months, days, hours and minutes.
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  date.setUTCHours(hour, minute, 0, 0);
  return date.getTime();
}

/**
 * The UTC instant at which the wall clock in `timeZone` shows `local`. Out-of-range fields roll
 * over like Date.UTC does (day 32 of January is 1 February); callers that want clamping, such as
 * monthly recurrence, clamp first.
 *
 * Around daylight-saving changes this behaves like Temporal's "compatible" disambiguation:
 * - a time that happens twice (clocks go back) resolves to the first occurrence, the earlier
 *   instant, so a reminder is never later than the user expects;
 * - a time that never happens (clocks go forward) moves forward by the length of the gap, so
 *   03:30 on the night Vilnius jumps from 03:00 to 04:00 becomes 04:30.
 */
export function zonedTimeToUtc(local: LocalDateTime, timeZone: string): number {
  const wall = utcFromFields(local.year, local.month, local.day, local.hour, local.minute);
  // Zones change offset at most once in any 48 hours, so the offsets a day either side of the
  // wall time are the only two candidates.
  const before = offsetAt(wall - DAY_MS, timeZone);
  const after = offsetAt(wall + DAY_MS, timeZone);
  const earlier = wall - Math.max(before, after);
  const later = wall - Math.min(before, after);
  for (const candidate of [earlier, later]) {
    if (candidate + offsetAt(candidate, timeZone) === wall) return candidate;
  }
  // In a gap: read the wall time with the offset in force before the change.
  return wall - before;
}
