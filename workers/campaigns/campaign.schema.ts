import { z } from "@hono/zod-openapi";
import { campaignKinds, campaignRecipientStatuses, campaignScheduleModes, campaignStatuses, languages } from "../db/schema";
import { EmailField, TimestampField } from "../http/fields";
import { pageOf, PageQuery } from "../http/pagination";

// Campaigns: who (a segment), what (a template), from whom, when (now, at an instant, or at a
// local hour in each recipient's zone), how fast (a throttle) and within which hours (quiet hours).

const ClockField = z
  .string()
  .regex(/^([01]\d|2[0-3]):[0-5]\d$/, "Use a 24-hour time, for example 09:30.")
  .openapi({ example: "10:00" });

const segmentId = z.string().startsWith("seg_", "Use a segment id (seg_…).").max(64);
const templateId = z.string().startsWith("tpl_", "Use a template id (tpl_…).").max(64);

/** The most a throttle may allow: the dispatcher's own per-minute ceiling (workers/campaigns/dispatch.ts). */
export const maxThrottlePerMinute = 30_000;

const campaignFields = {
  name: z.string().trim().min(1, "Give the campaign a name.").max(200),
  segment_id: segmentId.nullable().optional(),
  template_id: templateId.nullable().optional(),
  from_name: z.string().trim().min(1, "Enter the sender's name.").max(120).openapi({ example: "Acme Baltic" }),
  from_address: EmailField.openapi({ example: "news@acme.lt" }),
  reply_to: EmailField.nullable().optional(),
  quiet_start: ClockField.nullable().optional().openapi({ description: "Quiet hours start in each recipient's zone; set both or neither. 21:00–08:00 spans midnight." }),
  quiet_end: ClockField.nullable().optional(),
  throttle_per_minute: z
    .number()
    .int()
    .min(1)
    .max(maxThrottlePerMinute)
    .nullable()
    .optional()
    .openapi({ description: `At most this many emails a minute; null for the dispatcher's own pace (up to ${maxThrottlePerMinute} a minute).` }),
  tracking_enabled: z.boolean().optional().openapi({ description: "Open and click tracking; off by default (privacy by default)." }),
  send_local_time: ClockField.nullable().optional().openapi({ description: "Birthday campaigns: the local hour each greeting goes out at." }),
};

export const CampaignCreate = z
  .object({ ...campaignFields, kind: z.enum(campaignKinds).optional().openapi({ description: "newsletter (default) or birthday" }) })
  .strict()
  .openapi("CampaignCreate");

export const CampaignPatch = z
  .object({
    ...campaignFields,
    kind: z.enum(campaignKinds).optional(),
    name: campaignFields.name.optional(),
    from_name: campaignFields.from_name.optional(),
    from_address: campaignFields.from_address.optional(),
  })
  .strict()
  .openapi("CampaignPatch");

export const CampaignSchedule = z
  .object({
    mode: z.enum(campaignScheduleModes),
    at: z.iso.datetime({ offset: true, message: "Use an ISO 8601 time, for example 2026-11-22T09:00:00+02:00." }).optional(),
    local_date: z
      .string()
      .regex(/^\d{4}-\d{2}-\d{2}$/, "Use a date like 2026-11-24.")
      .refine((value) => !Number.isNaN(Date.parse(`${value}T00:00:00Z`)) && new Date(`${value}T00:00:00Z`).toISOString().startsWith(value), "This is not a calendar date.")
      .optional(),
    local_time: ClockField.optional(),
  })
  .strict()
  .openapi("CampaignSchedule", {
    description:
      "`now`; `at` with `at`; `local_time` with `local_date` and `local_time` (each recipient's own zone, else the workspace's). Birthday campaigns: `local_time` with `local_time` only.",
  });

export const CampaignTest = z
  .object({ language: z.enum(languages).optional().openapi({ description: "The variant to send; defaults to your own language." }) })
  .strict()
  .openapi("CampaignTest");

export const CampaignCounts = z
  .object({
    recipients: z.number().int(),
    sent: z.number().int(),
    failed: z.number().int(),
    skipped: z.number().int(),
    unsubscribed: z.number().int(),
    pending: z.number().int().openapi({ description: "Recipients not yet sent, failed or skipped (waiting for their time, or on the queue)." }),
    opened: z.number().int().openapi({ description: "Recipients who opened the email at least once (the tracking pixel, or a click). Always 0 unless tracking_enabled." }),
    clicked: z.number().int().openapi({ description: "Recipients who followed a tracked link at least once. Always 0 unless tracking_enabled." }),
  })
  .openapi("CampaignCounts");

export const CampaignSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    kind: z.enum(campaignKinds),
    segment_id: z.string().nullable(),
    template_id: z.string().nullable(),
    from_name: z.string(),
    from_address: z.string(),
    reply_to: z.string().nullable(),
    schedule_mode: z.enum(campaignScheduleModes),
    scheduled_at: TimestampField.nullable(),
    send_local_date: z.string().nullable(),
    send_local_time: z.string().nullable(),
    quiet_start: z.string().nullable(),
    quiet_end: z.string().nullable(),
    throttle_per_minute: z.number().int().nullable(),
    tracking_enabled: z.boolean(),
    status: z.enum(campaignStatuses),
    counts: CampaignCounts,
    materialized_at: TimestampField.nullable().openapi({ description: "When every recipient had been listed; null while that runs." }),
    started_at: TimestampField.nullable(),
    finished_at: TimestampField.nullable(),
    created_by: z.string().nullable(),
    created_at: TimestampField,
    updated_at: TimestampField,
    version: z.number().int(),
  })
  .openapi("Campaign");

export const CampaignPage = pageOf(CampaignSchema, "CampaignPage");

export const CampaignListQuery = PageQuery.extend({
  status: z
    .enum(campaignStatuses)
    .optional()
    .openapi({ param: { name: "status", in: "query" } }),
});

export const RecipientSchema = z
  .object({
    id: z.string(),
    contact_id: z.string(),
    email: z.string().nullable(),
    language: z.string().nullable(),
    status: z.enum(campaignRecipientStatuses),
    skip_reason: z.string().nullable().openapi({ description: "no_consent, no_email, unsubscribed, suppressed, bounced, invalid_email, deleted, cancelled" }),
    error: z.string().nullable(),
    send_at: TimestampField,
    sent_at: TimestampField.nullable(),
    unsubscribed_at: TimestampField.nullable(),
    opened_at: TimestampField.nullable().openapi({ description: "First open (tracking on only)." }),
    clicked_at: TimestampField.nullable().openapi({ description: "First click on a tracked link (tracking on only)." }),
  })
  .openapi("CampaignRecipient");

export const RecipientPage = pageOf(RecipientSchema, "CampaignRecipientPage");

export const RecipientListQuery = PageQuery.extend({
  status: z
    .enum(campaignRecipientStatuses)
    .optional()
    .openapi({ param: { name: "status", in: "query" }, description: "Without it, recipients come grouped by status." }),
});

export const CampaignLinkSchema = z
  .object({
    url: z.string(),
    recipients: z.number().int().openapi({ description: "Recipients who followed the link at least once." }),
    clicks: z.number().int().openapi({ description: "Every click, repeats included." }),
  })
  .openapi("CampaignLink");

export const CampaignLinks = z.object({ data: z.array(CampaignLinkSchema) }).openapi("CampaignLinks");

export const CampaignLinksQuery = z.object({
  limit: z.coerce
    .number()
    .int()
    .min(1)
    .max(200)
    .default(20)
    .openapi({ param: { name: "limit", in: "query" }, example: 20 }),
});

export const TestSendResult = z
  .object({ to: z.string(), language: z.enum(languages), subject: z.string() })
  .openapi("CampaignTestResult");

export type Campaign = z.infer<typeof CampaignSchema>;
export type CampaignCreateInput = z.infer<typeof CampaignCreate>;
export type CampaignPatchInput = z.infer<typeof CampaignPatch>;
export type CampaignScheduleInput = z.infer<typeof CampaignSchedule>;
export type CampaignListInput = z.infer<typeof CampaignListQuery>;
export type RecipientListInput = z.infer<typeof RecipientListQuery>;
