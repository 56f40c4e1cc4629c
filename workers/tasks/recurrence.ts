import type { TaskRecurrence } from "../db/schema";
import { localParts, zonedTimeToUtc } from "../lib/zoned-time";

// A repeating task comes back at the same wall-clock time in the assignee's zone: a call booked
// for 09:00 in Vilnius stays at 09:00 after the clocks change, which "+24 h" would not do.

export type RepeatingRecurrence = Exclude<TaskRecurrence, "none">;

function daysInMonth(year: number, month: number): number {
  // Day 0 of the next month is the last day of this one.
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/**
 * The due time of the task that follows one due at `dueAt`: one day, week or month later on the
 * calendar of `timeZone`, at the same local time. A monthly task due on a day the next month
 * lacks (31 January) falls on that month's last day (28 or 29 February). A local time the clocks
 * skip (a DST gap) moves forward by the gap; a repeated one resolves to its first occurrence.
 */
export function nextDueAt(dueAt: number, recurrence: RepeatingRecurrence, timeZone: string): number {
  const local = localParts(dueAt, timeZone);
  let { year, month, day } = local;
  if (recurrence === "monthly") {
    month += 1;
    if (month > 12) {
      month = 1;
      year += 1;
    }
    day = Math.min(day, daysInMonth(year, month));
  } else {
    const date = new Date(Date.UTC(2000, 0, 1));
    date.setUTCFullYear(year, month - 1, day + (recurrence === "daily" ? 1 : 7));
    year = date.getUTCFullYear();
    month = date.getUTCMonth() + 1;
    day = date.getUTCDate();
  }
  return zonedTimeToUtc({ year, month, day, hour: local.hour, minute: local.minute }, timeZone);
}
