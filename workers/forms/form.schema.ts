import { z } from "@hono/zod-openapi";
import { lifecycleStages, submissionStatuses } from "../db/schema";
import { TimestampField } from "../http/fields";
import { pageOf } from "../http/pagination";
import { TagField, UrlField } from "../contacts/contact.schema";

export const formFieldNames = ["first_name", "last_name", "email", "phone", "company", "job_title", "city", "country", "message"] as const;
export type FormFieldName = (typeof formFieldNames)[number];

export const FormFieldSchema = z
  .object({ field: z.enum(formFieldNames), required: z.boolean().default(false), label: z.string().trim().max(100).optional() })
  .strict()
  .openapi("FormField");

const OriginField = z
  .string()
  .max(200)
  .regex(/^https?:\/\/[a-z0-9.-]+(:\d{1,5})?$/i, "Use an origin such as https://example.com (scheme, host and optional port).")
  .transform((origin) => origin.toLowerCase());

const formFields = {
  name: z.string().trim().min(1, "Name the form.").max(100),
  fields: z
    .array(FormFieldSchema)
    .min(1)
    .max(formFieldNames.length)
    .refine((list) => new Set(list.map((f) => f.field)).size === list.length, "Each field once.")
    .refine((list) => list.some((f) => f.field === "email" || f.field === "phone"), "Collect an email or a phone, or the lead cannot be reached."),
  hidden_fields: z
    .array(z.object({ name: z.string().regex(/^[a-z][a-z0-9_]{0,39}$/, "Use lower-case letters, digits and _."), value: z.string().max(200) }).strict())
    .max(20)
    .openapi({ description: "Sent with every post of this form, e.g. source=webinar." }),
  allowed_origins: z.array(OriginField).max(20).openapi({ description: "Sites allowed to post with fetch (CORS). The hosted form is always allowed." }),
  redirect_url: UrlField.nullable().openapi({ description: "Where an HTML post goes afterwards; null shows the hosted thank-you page." }),
  thank_you_message: z.string().trim().max(500).nullable(),
  owner_mode: z.enum(["none", "fixed", "round_robin"]),
  owner_ids: z.array(z.string().startsWith("usr_").max(64)).max(50).openapi({ description: "One member for fixed, several for round-robin." }),
  lifecycle_stage: z.enum(lifecycleStages),
  tags: z.array(TagField).max(20),
  deal_stage_id: z.string().startsWith("stg_").max(64).nullable().openapi({ description: "Create a deal in this stage for every new lead." }),
  consent_text: z.string().trim().max(500).nullable().openapi({ description: "Shown beside the consent checkbox; null for no checkbox." }),
  consent_legal_basis: z.string().trim().max(200).nullable(),
  turnstile_secret: z.string().trim().max(200).nullable().openapi({ description: "Write-only. When set, posts must carry a valid cf-turnstile-response." }),
  min_fill_seconds: z.number().int().min(0).max(600),
};

export const FormCreate = z
  .object({
    name: formFields.name,
    fields: formFields.fields,
    hidden_fields: formFields.hidden_fields.default([]),
    allowed_origins: formFields.allowed_origins.default([]),
    redirect_url: formFields.redirect_url.default(null),
    thank_you_message: formFields.thank_you_message.default(null),
    owner_mode: formFields.owner_mode.default("none"),
    owner_ids: formFields.owner_ids.default([]),
    lifecycle_stage: formFields.lifecycle_stage.default("lead"),
    tags: formFields.tags.default([]),
    deal_stage_id: formFields.deal_stage_id.default(null),
    consent_text: formFields.consent_text.default(null),
    consent_legal_basis: formFields.consent_legal_basis.default(null),
    turnstile_secret: formFields.turnstile_secret.default(null),
    min_fill_seconds: formFields.min_fill_seconds.default(3),
  })
  .strict()
  .openapi("FormCreate");

export const FormPatch = z.object(formFields).partial().strict().openapi("FormPatch");

export const FormSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    public_key: z.string(),
    post_url: z.string(),
    hosted_url: z.string(),
    fields: z.array(z.object({ field: z.enum(formFieldNames), required: z.boolean(), label: z.string().optional() })),
    hidden_fields: z.array(z.object({ name: z.string(), value: z.string() })),
    allowed_origins: z.array(z.string()),
    redirect_url: z.string().nullable(),
    thank_you_message: z.string().nullable(),
    owner_mode: z.enum(["none", "fixed", "round_robin"]),
    owner_ids: z.array(z.string()),
    lifecycle_stage: z.enum(lifecycleStages),
    tags: z.array(z.string()),
    deal_pipeline_id: z.string().nullable(),
    deal_stage_id: z.string().nullable(),
    consent_text: z.string().nullable(),
    consent_legal_basis: z.string().nullable(),
    has_turnstile: z.boolean(),
    min_fill_seconds: z.number().int(),
    version: z.number().int(),
    created_at: TimestampField,
    updated_at: TimestampField,
  })
  .openapi("Form");

export const FormList = z.object({ data: z.array(FormSchema) }).openapi("FormList");

export const SubmissionSchema = z
  .object({
    id: z.string(),
    form_id: z.string(),
    status: z.enum(submissionStatuses),
    reason: z.string().nullable(),
    attempts: z.number().int(),
    payload: z.record(z.string(), z.string()),
    attribution: z.record(z.string(), z.string()),
    origin: z.string().nullable(),
    contact_id: z.string().nullable(),
    deal_id: z.string().nullable(),
    received_at: TimestampField,
    processed_at: TimestampField.nullable(),
  })
  .openapi("Submission");

export const SubmissionPage = pageOf(SubmissionSchema, "SubmissionPage");

export type Form = z.infer<typeof FormSchema>;
export type FormCreateInput = z.infer<typeof FormCreate>;
export type FormPatchInput = z.infer<typeof FormPatch>;
export type FormFieldConfig = z.infer<typeof FormFieldSchema>;
export type Submission = z.infer<typeof SubmissionSchema>;
