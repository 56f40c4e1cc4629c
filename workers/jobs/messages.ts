import { z } from "zod";

const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);
// The hour a scan belongs to, e.g. "2026-11-22T08" (UTC): cron keys hourly work by it.
const hourWindow = z.string().regex(/^\d{4}-\d{2}-\d{2}T\d{2}$/);
const prefixedId = (prefix: string) => z.string().startsWith(`${prefix}_`).max(64);

// Every message on the `jobs` queue. Messages are validated on the way out and on the way in:
// a malformed message is acknowledged and logged, never retried forever.
export const JobMessage = z.discriminatedUnion("type", [
  z.object({
    type: z.literal("maintenance.purge"),
    // The cron window this run belongs to (ISO date), so duplicate deliveries are harmless.
    window: isoDate,
  }),
  // A form submission whose processing failed (or was replayed by an admin).
  z.object({ type: z.literal("form.process"), submission_id: prefixedId("sub") }),
  // One due task reminder (a task_reminders row); its id is the notification's dedupe key.
  z.object({ type: z.literal("task.remind"), reminder_id: prefixedId("rem") }),
  // One person's morning digest in one workspace, for their local date.
  z.object({ type: z.literal("digest.send"), workspace_id: prefixedId("ws"), user_id: prefixedId("usr"), local_date: isoDate }),
  // Hourly: without stage_id, find the stages that can rot and fan out one message per stage;
  // with it, tell the owners of that stage's idle deals.
  z.object({ type: z.literal("deals.rotting_scan"), window: hourWindow, stage_id: prefixedId("stg").optional() }),
  // Hourly: contacts whose birthday is today in their time zone; after_id continues a long run.
  z.object({ type: z.literal("contacts.birthday_scan"), window: hourWindow, after_id: prefixedId("con").optional() }),
  // Data quality. An import runs its chunks in order; a long import continues in a new message.
  z.object({ type: z.literal("import.run"), import_id: prefixedId("imp") }),
  // Nightly: one duplicates.scan per workspace for the date (the scan row is unique per window).
  z.object({ type: z.literal("duplicates.nightly"), window: isoDate }),
  z.object({ type: z.literal("duplicates.scan"), scan_id: prefixedId("dsc") }),
  // Nightly, after the duplicate scans: one quality.audit per workspace for the date.
  z.object({ type: z.literal("quality.nightly"), window: isoDate }),
  z.object({ type: z.literal("quality.audit"), audit_id: prefixedId("qa") }),
  z.object({ type: z.literal("export.run"), export_id: prefixedId("exp") }),
  // Campaigns. Recipients are materialised in pages (the cursor lives on the campaign row);
  // due recipients are sent in bounded batches, each recipient keyed (campaign, contact).
  z.object({ type: z.literal("campaign.materialize"), campaign_id: prefixedId("cpg") }),
  z.object({ type: z.literal("campaign.send"), campaign_id: prefixedId("cpg"), recipient_ids: z.array(prefixedId("rcp")).min(1).max(100) }),
  // Hands the next pages of a campaign's due recipients to the sends queue without waiting for
  // the minute tick; re-sends itself while full pages keep coming (dispatch.ts).
  z.object({ type: z.literal("campaign.dispatch"), campaign_id: prefixedId("cpg") }),
]);

export type JobMessage = z.infer<typeof JobMessage>;
