import { createExecutionContext, createMessageBatch, createScheduledController, getQueueResult } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { expect, vi } from "vitest";
import worker from "../../workers/index";
import { JobMessage as JobMessageSchema, type JobMessage } from "../../workers/jobs/messages";

// Driving the jobs queue by hand in tests: capture what the code under test enqueues instead of
// letting the local queue deliver it at its own pace, then deliver it (or a duplicate, or a
// replay) to the real consumer and read what it acked and retried. Restore the spy with
// vi.restoreAllMocks() (an afterEach in the test file).

/**
 * From now on, messages sent with sendBatch to the jobs queue or the campaign-sends queue land in
 * the returned array (validated, in order) instead of the queue. Both queues have the same consumer.
 */
export function captureJobSends(): JobMessage[] {
  const sent: JobMessage[] = [];
  for (const queue of [env.JOBS, env.CAMPAIGN_SENDS]) {
    vi.spyOn(queue, "sendBatch").mockImplementation(async (messages) => {
      const list = [...messages];
      // Queues refuse more than 100 messages per sendBatch.
      expect(list.length).toBeLessThanOrEqual(100);
      for (const message of list) sent.push(JobMessageSchema.parse(message.body));
      return { metadata: { metrics: { backlogCount: 0, backlogBytes: 0 } } };
    });
  }
  return sent;
}

let delivered = 0;

/** Delivers `bodies` as one batch to the Worker's queue consumer and returns the acks and retries. */
export async function deliverJobs(bodies: readonly JobMessage[], attempts = 1) {
  const messages = bodies.map((body) => ({ id: `test-msg-${(delivered += 1)}`, timestamp: new Date(), attempts, body }));
  const batch = createMessageBatch("rapport-jobs", messages);
  const ctx = createExecutionContext();
  await worker.queue(batch, env);
  return getQueueResult(batch, ctx);
}

/** Delivers the captured messages, and the ones they send in turn, until none are left; none may be retried. */
export async function drainJobs(sent: JobMessage[], maxRounds = 100): Promise<void> {
  for (let round = 0; sent.length > 0; round += 1) {
    expect(round).toBeLessThan(maxRounds);
    const result = await deliverJobs(sent.splice(0, sent.length));
    expect(result.retryMessages).toEqual([]);
  }
}

/** Runs the Worker's scheduled handler as the cron trigger would at `scheduledTime` (the minute tick by default). */
export async function runScheduled(scheduledTime: number, cron = "* * * * *"): Promise<void> {
  await worker.scheduled(createScheduledController({ scheduledTime, cron }), env);
}
