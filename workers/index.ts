import { createApp } from "./app";
import type { Bindings } from "./env";
import { consumeJobs } from "./jobs/consumer";
import { deadLetterQueue, settleDeadLetters } from "./jobs/dead-letters";
import { enqueueScheduled } from "./jobs/schedule";

export { WorkspaceHub } from "./hub/workspace-hub";

const app = createApp();

export default {
  fetch: app.fetch,
  queue: (batch, env) => (batch.queue === deadLetterQueue ? settleDeadLetters(batch, env) : consumeJobs(batch, env)),
  scheduled: (controller, env) => enqueueScheduled(controller, env),
} satisfies ExportedHandler<Bindings>;
