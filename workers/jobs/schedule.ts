import { dispatchCampaigns } from "../campaigns/dispatch";
import { createDatabase } from "../db/client";
import { enqueueDigests } from "./digest";
import { sendJobs } from "./enqueue";
import type { JobMessage } from "./messages";
import { enqueueDueReminders } from "./task-reminders";

export const everyMinute = "* * * * *";

// Cron only enqueues; the queue consumer does the work. Each cron expression in wrangler.toml
// maps to the messages it produces for its time window.
const dateWindow = (ms: number) => new Date(ms).toISOString().slice(0, 10);

export const cronJobs: Record<string, (scheduledTime: number) => JobMessage[]> = {
  "17 3 * * *": (scheduledTime) => [
    { type: "maintenance.purge", window: dateWindow(scheduledTime) },
    { type: "duplicates.nightly", window: dateWindow(scheduledTime) },
  ],
  // Half an hour after the duplicate scans, so the audit counts tonight's clusters.
  "47 3 * * *": (scheduledTime) => [{ type: "quality.nightly", window: dateWindow(scheduledTime) }],
};

/** The hour a scheduled time belongs to, e.g. "2026-11-22T08" (UTC). */
export const hourWindow = (ms: number) => new Date(ms).toISOString().slice(0, 13);

/**
 * The per-minute tick. Due reminders every minute; at :00/:15/:30/:45 the 08:00-local digest
 * fan-out; at :00 the rotting and birthday scans for the hour. Each step runs even if an earlier
 * one failed (a broken digest must not hold back reminders); the tick still fails afterwards so
 * the failure is visible. Every step is safe to repeat: the consumers dedupe.
 */
export async function runMinute(env: Env, scheduledTime: number): Promise<void> {
  const db = createDatabase(env.DB);
  // Cron fires at the start of the minute; scheduledTime may carry seconds in tests or when late.
  const minute = new Date(scheduledTime).getUTCMinutes();
  const steps: [string, () => Promise<unknown>][] = [
    ["reminders", () => enqueueDueReminders(env, db, scheduledTime)],
    // Campaigns: start those whose time has come, hand due recipients to the queue, close finished ones.
    ["campaigns", () => dispatchCampaigns(env, db, scheduledTime)],
  ];
  if (minute % 15 === 0) steps.push(["digests", () => enqueueDigests(env, db, scheduledTime)]);
  if (minute === 0) {
    const window = hourWindow(scheduledTime);
    steps.push([
      "hourly scans",
      () =>
        sendJobs(env, [
          { type: "deals.rotting_scan", window },
          { type: "contacts.birthday_scan", window },
        ]),
    ]);
  }
  const failures: unknown[] = [];
  for (const [name, step] of steps) {
    try {
      await step();
    } catch (error) {
      console.error("Scheduled step failed", name, error);
      failures.push(error);
    }
  }
  if (failures.length > 0) throw new AggregateError(failures, "Scheduled work failed");
}

export async function enqueueScheduled(controller: ScheduledController, env: Env) {
  if (controller.cron === everyMinute) {
    await runMinute(env, controller.scheduledTime);
    return;
  }
  const produce = cronJobs[controller.cron];
  if (!produce) {
    console.error("No jobs for cron", controller.cron);
    return;
  }
  const messages = produce(controller.scheduledTime);
  if (messages.length > 0) await sendJobs(env, messages);
}
