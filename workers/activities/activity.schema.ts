import { z } from "@hono/zod-openapi";
import { activityDirections, activityTypes } from "../db/schema";
import { TimestampField } from "../http/fields";
import { pageOf, PageQuery } from "../http/pagination";

const optionalText = (max: number) => z.string().trim().max(max).nullable().optional();
const linkId = (prefix: string) => z.string().startsWith(`${prefix}_`, `Use an id that starts with ${prefix}_.`).max(64).nullable().optional();

const activityFields = {
  type: z.enum(activityTypes),
  direction: z.enum(activityDirections).nullable().optional().openapi({ description: "Who reached out: inbound (the contact) or outbound (us); null for notes." }),
  subject: optionalText(300),
  body: z.string().max(20_000).nullable().optional().openapi({ description: "Plain text. Clients render it as text, never as HTML." }),
  occurred_at: TimestampField.optional().openapi({ description: "When it happened; defaults to now." }),
  duration_seconds: z.number().int().min(0).max(7 * 24 * 3600).nullable().optional(),
  outcome: optionalText(200),
  contact_id: linkId("con"),
  company_id: linkId("cmp"),
  deal_id: linkId("deal"),
};

export const ActivityCreate = z
  .object(activityFields)
  .strict()
  .refine((body) => Boolean(body.contact_id || body.company_id || body.deal_id), {
    message: "Link the activity to a contact, a company or a deal.",
    path: ["contact_id"],
  })
  .openapi("ActivityCreate");

export const ActivityPatch = z
  .object({ ...activityFields, type: activityFields.type.optional() })
  .strict()
  .openapi("ActivityPatch");

export const ActivitySchema = z
  .object({
    id: z.string(),
    type: z.enum(activityTypes),
    direction: z.enum(activityDirections).nullable(),
    subject: z.string().nullable(),
    body: z.string().nullable(),
    occurred_at: TimestampField,
    duration_seconds: z.number().int().nullable(),
    outcome: z.string().nullable(),
    contact_id: z.string().nullable(),
    company_id: z.string().nullable(),
    deal_id: z.string().nullable(),
    author_id: z.string().nullable(),
    author_name: z.string().nullable().openapi({ description: "The author's current name (a person or an API key)." }),
    created_at: TimestampField,
    updated_at: TimestampField,
    version: z.number().int(),
  })
  .openapi("Activity");

export const ActivityPage = pageOf(ActivitySchema, "ActivityPage");

export const ActivityListQuery = PageQuery.extend({
  contact_id: z.string().max(64).optional().openapi({ param: { name: "contact_id", in: "query" } }),
  company_id: z.string().max(64).optional().openapi({ param: { name: "company_id", in: "query" } }),
  deal_id: z.string().max(64).optional().openapi({ param: { name: "deal_id", in: "query" } }),
  type: z.enum(activityTypes).optional().openapi({ param: { name: "type", in: "query" } }),
});

const channelCounts = z.object(Object.fromEntries(activityTypes.map((type) => [type, z.number().int()])) as Record<(typeof activityTypes)[number], z.ZodNumber>);

export const CommunicationSchema = z
  .object({
    inbound: channelCounts,
    outbound: channelCounts,
    first_response: z.object({
      median_seconds: z.number().int().nullable(),
      average_seconds: z.number().int().nullable(),
      samples: z.number().int().openapi({ description: "How many inbound activities (or runs of them) were answered." }),
    }),
    preferred_channel: z.enum(activityTypes).nullable().openapi({ description: "The channel the contact reaches out on most; null before they ever did." }),
    activities_considered: z.number().int().openapi({ description: "How many of the contact's latest activities were read (at most 2,000)." }),
  })
  .openapi("Communication");

export type Activity = z.infer<typeof ActivitySchema>;
export type ActivityCreateInput = z.infer<typeof ActivityCreate>;
export type ActivityPatchInput = z.infer<typeof ActivityPatch>;
export type ActivityListInput = z.infer<typeof ActivityListQuery>;
export type Communication = z.infer<typeof CommunicationSchema>;
