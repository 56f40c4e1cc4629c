import { JobMessage } from "./messages";

/** Queues.sendBatch takes at most 100 messages (and 256 KB) per call. */
export const maxMessagesPerSend = 100;

/** Validates and sends messages in chunks of at most 100, in order. */
export async function sendJobs(env: Env, messages: JobMessage[]): Promise<void> {
  for (let start = 0; start < messages.length; start += maxMessagesPerSend) {
    const chunk = messages.slice(start, start + maxMessagesPerSend).map((message) => ({ body: JobMessage.parse(message) }));
    await env.JOBS.sendBatch(chunk);
  }
}
