import { z } from "zod";

// Every message on the `jobs` queue. Messages are validated on the way out and on the way in:
// a malformed message is acknowledged and logged, never retried forever.
export const JobMessage = z.discriminatedUnion("type", [
  z.object({
    type: z.literal("maintenance.purge"),
    // The cron window this run belongs to (ISO date), so duplicate deliveries are harmless.
    window: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
  }),
  // A form submission whose processing failed (or was replayed by an admin).
  z.object({ type: z.literal("form.process"), submission_id: z.string().startsWith("sub_").max(64) }),
]);

export type JobMessage = z.infer<typeof JobMessage>;
