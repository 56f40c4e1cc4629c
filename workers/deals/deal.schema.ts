import { z } from "@hono/zod-openapi";
import { dealStatuses } from "../db/schema";
import { CurrencyField, TimestampField } from "../http/fields";
import { pageOf, PageQuery } from "../http/pagination";
import { TagField } from "../contacts/contact.schema";
import { StageSchema } from "../pipelines/pipeline.schema";

const DateField = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, "Use YYYY-MM-DD.")
  .refine((value) => !Number.isNaN(Date.parse(`${value}T00:00:00Z`)) && new Date(`${value}T00:00:00Z`).toISOString().startsWith(value), "Use a real date.");

const dealFields = {
  title: z.string().trim().min(1, "Name the deal.").max(200),
  value: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).openapi({ description: "Minor units (cents)." }),
  currency: CurrencyField,
  pipeline_id: z.string().startsWith("pip_").max(64),
  stage_id: z.string().startsWith("stg_").max(64),
  primary_contact_id: z.string().startsWith("con_").max(64).nullable(),
  contact_ids: z.array(z.string().startsWith("con_").max(64)).max(50).openapi({ description: "Other people on the deal." }),
  company_id: z.string().startsWith("cmp_").max(64).nullable(),
  owner_id: z.string().startsWith("usr_").max(64).nullable(),
  expected_close_date: DateField.nullable(),
  lost_reason: z.string().trim().max(300).nullable(),
  source: z.string().trim().max(100).nullable(),
  tags: z.array(TagField).max(50),
};

export const DealCreate = z
  .object({
    ...dealFields,
    value: dealFields.value.default(0),
    currency: dealFields.currency.optional().openapi({ description: "Defaults to the workspace's currency." }),
    pipeline_id: dealFields.pipeline_id.optional().openapi({ description: "Defaults to the default pipeline." }),
    stage_id: dealFields.stage_id.optional().openapi({ description: "Defaults to the pipeline's first stage." }),
    primary_contact_id: dealFields.primary_contact_id.optional(),
    contact_ids: dealFields.contact_ids.optional(),
    company_id: dealFields.company_id.optional(),
    owner_id: dealFields.owner_id.optional(),
    expected_close_date: dealFields.expected_close_date.optional(),
    lost_reason: dealFields.lost_reason.optional(),
    source: dealFields.source.optional(),
    tags: dealFields.tags.optional(),
  })
  .strict()
  .openapi("DealCreate");

export const DealPatch = z
  .object({
    title: dealFields.title.optional(),
    value: dealFields.value.optional(),
    currency: dealFields.currency.optional(),
    primary_contact_id: dealFields.primary_contact_id.optional(),
    contact_ids: dealFields.contact_ids.optional(),
    company_id: dealFields.company_id.optional(),
    owner_id: dealFields.owner_id.optional(),
    expected_close_date: dealFields.expected_close_date.optional(),
    lost_reason: dealFields.lost_reason.optional(),
    source: dealFields.source.optional(),
    tags: dealFields.tags.optional(),
  })
  .strict()
  .openapi("DealPatch");

export const DealMove = z
  .object({
    stage_id: z.string().startsWith("stg_").max(64),
    before_id: z.string().startsWith("deal_").max(64).optional().openapi({ description: "Place the deal just before this one." }),
    after_id: z.string().startsWith("deal_").max(64).optional().openapi({ description: "Place the deal just after this one." }),
    version: z.number().int().min(1).openapi({ description: "The version you saw; a stale one answers 409 with the current deal." }),
    lost_reason: z.string().trim().max(300).optional(),
  })
  .strict()
  .refine((body) => !(body.before_id && body.after_id), { message: "Send before_id or after_id, not both.", path: ["after_id"] })
  .openapi("DealMove");

const Ref = z.object({ id: z.string(), name: z.string() });

export const DealSchema = z
  .object({
    id: z.string(),
    title: z.string(),
    value: z.number().int(),
    currency: z.string(),
    pipeline_id: z.string(),
    stage_id: z.string(),
    position: z.string(),
    primary_contact: Ref.nullable(),
    contact_ids: z.array(z.string()),
    company: Ref.nullable(),
    owner_id: z.string().nullable(),
    expected_close_date: z.string().nullable(),
    status: z.enum(dealStatuses),
    lost_reason: z.string().nullable(),
    closed_at: TimestampField.nullable(),
    stage_entered_at: TimestampField,
    last_activity_at: TimestampField.nullable().openapi({ description: "When the latest activity on the deal happened; with stage_entered_at it says how long the deal has been idle." }),
    source: z.string().nullable(),
    tags: z.array(z.string()),
    created_by: z.string().nullable(),
    created_at: TimestampField,
    updated_at: TimestampField,
    version: z.number().int(),
  })
  .openapi("Deal");

export const DealPage = pageOf(DealSchema, "DealPage");

export const DealListQuery = PageQuery.extend({
  pipeline_id: z.string().max(64).optional().openapi({ param: { name: "pipeline_id", in: "query" } }),
  stage_id: z.string().max(64).optional().openapi({ param: { name: "stage_id", in: "query" } }),
  owner_id: z.string().max(64).optional().openapi({ param: { name: "owner_id", in: "query" } }),
  status: z.enum(dealStatuses).optional().openapi({ param: { name: "status", in: "query" } }),
  contact_id: z.string().max(64).optional().openapi({ param: { name: "contact_id", in: "query" } }),
  company_id: z.string().max(64).optional().openapi({ param: { name: "company_id", in: "query" } }),
});

export const BoardColumnSchema = StageSchema.extend({
  deals: z.array(DealSchema),
  count: z.number().int(),
  total: z.number().int().openapi({ description: "Sum of deal values in the base currency, minor units." }),
  weighted_total: z.number().int().openapi({ description: "total × the stage's probability." }),
}).openapi("BoardColumn");

export const BoardSchema = z
  .object({
    pipeline_id: z.string(),
    base_currency: z.string(),
    seq: z.number().int().openapi({ description: "The workspace's event sequence number this snapshot reflects." }),
    columns: z.array(BoardColumnSchema),
    missing_rates: z.array(z.string()).openapi({ description: "Currencies without an exchange rate; their deals are left out of totals." }),
  })
  .openapi("Board");

export const StageChangeSchema = z
  .object({
    id: z.string(),
    from_stage_id: z.string().nullable(),
    to_stage_id: z.string(),
    actor_type: z.enum(["user", "api_key", "system"]),
    actor_id: z.string().nullable(),
    at: TimestampField,
  })
  .openapi("StageChange");

export const StageChangeList = z.object({ data: z.array(StageChangeSchema) }).openapi("StageChangeList");

export const ExchangeRateSchema = z
  .object({
    currency: CurrencyField,
    rate: z.string().regex(/^\d{1,9}(\.\d{1,9})?$/, "Use a positive decimal such as 0.92.").refine((v) => Number(v) > 0, "Use a positive rate."),
    valid_from: DateField,
  })
  .openapi("ExchangeRate");

export const ExchangeRatesBody = z.object({ rates: z.array(ExchangeRateSchema.strict()).max(200) }).strict().openapi("ExchangeRatesBody");
export const ExchangeRateList = z.object({ base_currency: z.string(), rates: z.array(ExchangeRateSchema) }).openapi("ExchangeRateList");

export type Deal = z.infer<typeof DealSchema>;
export type DealCreateInput = z.infer<typeof DealCreate>;
export type DealPatchInput = z.infer<typeof DealPatch>;
export type DealMoveInput = z.infer<typeof DealMove>;
export type Board = z.infer<typeof BoardSchema>;
export type BoardColumn = z.infer<typeof BoardColumnSchema>;
export type StageChange = z.infer<typeof StageChangeSchema>;
export type ExchangeRate = z.infer<typeof ExchangeRateSchema>;
