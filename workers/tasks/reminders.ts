import type { TaskStatus } from "../db/schema";

// When a task's reminders fire. Kept pure so the rules (open tasks only, future times only, no
// second reminder for a moment that was already sent) are tested without a database.

/** A reminder whose time passed less than this long ago is still sent: the write that created
 * it may have taken a moment, and the per-minute scan picks it up on its next run. */
export const reminderGraceMs = 60_000;
export const maxReminderOffsetMinutes = 43_200;
export const maxReminders = 5;

export type ReminderPlanInput = {
  status: TaskStatus;
  dueAt: number | null;
  /** Minutes before the due time. */
  offsets: readonly number[];
  now: number;
  /** Fire times of this task's reminders that were already enqueued (sent or being sent). */
  alreadyEnqueued?: readonly number[];
};

/** The fire times (UTC ms, ascending, distinct) of the reminder rows a task should have now. */
export function reminderFireTimes(input: ReminderPlanInput): number[] {
  if (input.status !== "open" || input.dueAt === null) return [];
  const enqueued = new Set(input.alreadyEnqueued ?? []);
  const times = new Set<number>();
  for (const offset of input.offsets) {
    const fireAt = input.dueAt - offset * 60_000;
    if (fireAt >= input.now - reminderGraceMs && !enqueued.has(fireAt)) times.add(fireAt);
  }
  return [...times].sort((a, b) => a - b);
}

/** Offsets as stored: distinct, ascending. */
export function normalizeOffsets(offsets: readonly number[]): number[] {
  return [...new Set(offsets)].sort((a, b) => a - b);
}

/** Offsets from the JSON column; anything unreadable counts as "remind at the due time". */
export function parseOffsets(json: string): number[] {
  try {
    const parsed: unknown = JSON.parse(json);
    if (Array.isArray(parsed)) {
      return normalizeOffsets(parsed.filter((value): value is number => Number.isInteger(value) && value >= 0 && value <= maxReminderOffsetMinutes));
    }
  } catch {
    // fall through
  }
  return [0];
}
