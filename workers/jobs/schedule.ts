import type { JobMessage } from "./messages";

// Cron only enqueues; the queue consumer does the work. Each cron expression in wrangler.toml
// maps to the messages it produces for its time window.
export const cronJobs: Record<string, (scheduledTime: number) => JobMessage[]> = {
  "17 3 * * *": (scheduledTime) => [{ type: "maintenance.purge", window: new Date(scheduledTime).toISOString().slice(0, 10) }],
};

export async function enqueueScheduled(controller: ScheduledController, env: Env) {
  const produce = cronJobs[controller.cron];
  if (!produce) {
    console.error("No jobs for cron", controller.cron);
    return;
  }
  const messages = produce(controller.scheduledTime);
  if (messages.length > 0) await env.JOBS.sendBatch(messages.map((body) => ({ body })));
}
