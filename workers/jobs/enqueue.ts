import { JobMessage } from "./messages";

/** Queues.sendBatch takes at most 100 messages (and 256 KB) per call. */
export const maxMessagesPerSend = 100;

/** Campaign sends go to their own queue (wrangler.toml): a big newsletter never delays other jobs. */
const queueFor = (env: Env, message: JobMessage): Queue => (message.type === "campaign.send" ? env.CAMPAIGN_SENDS : env.JOBS);

/** Validates and sends messages in chunks of at most 100 per queue, in order within each queue. */
export async function sendJobs(env: Env, messages: JobMessage[]): Promise<void> {
  const byQueue = new Map<Queue, { body: JobMessage }[]>();
  for (const message of messages) {
    const queue = queueFor(env, message);
    const list = byQueue.get(queue) ?? [];
    list.push({ body: JobMessage.parse(message) });
    byQueue.set(queue, list);
  }
  for (const [queue, list] of byQueue) {
    for (let start = 0; start < list.length; start += maxMessagesPerSend) await queue.sendBatch(list.slice(start, start + maxMessagesPerSend));
  }
}
