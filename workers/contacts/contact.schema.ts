import { z } from "@hono/zod-openapi";
import { consentStatuses, lifecycleStages } from "../db/schema";
import { CountryField, EmailField, TimeZoneField, TimestampField } from "../http/fields";
import { pageOf, PageQuery } from "../http/pagination";

const text = (max: number) => z.string().trim().max(max);
const optionalText = (max: number) => text(max).nullable().optional();

export const TagField = z.string().trim().min(1).max(50).openapi({ example: "vip" });
export const BirthdayField = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, "Use YYYY-MM-DD.")
  .refine((value) => {
    const date = new Date(`${value}T00:00:00Z`);
    return !Number.isNaN(date.getTime()) && date.toISOString().startsWith(value) && value >= "1900-01-01" && date.getTime() <= Date.now();
  }, "Use a real date in the past.")
  .openapi({ example: "1988-04-17" });
export const ContactLanguageField = z
  .string()
  .regex(/^[a-z]{2,3}(-[A-Z]{2})?$/, "Use a language code such as lt, en or pt-BR.")
  .openapi({ example: "lt" });
export const UrlField = z.url({ protocol: /^https?$/, message: "Use a full http(s) address." }).max(2000);

export const PhoneInput = z
  .object({ number: z.string().trim().min(1, "Enter a phone number.").max(40), label: text(30).optional() })
  .strict()
  .openapi("PhoneInput");

export const ConsentInput = z
  .object({
    status: z.enum(consentStatuses),
    source: text(200).optional(),
    legal_basis: text(200).optional().openapi({ example: "consent (GDPR art. 6(1)(a))" }),
  })
  .strict()
  .openapi("ConsentInput");

const contactFields = {
  first_name: optionalText(100),
  last_name: optionalText(100),
  emails: z.array(EmailField).max(10).optional().openapi({ description: "All emails; the first is the primary one." }),
  phones: z.array(PhoneInput).max(10).optional().openapi({ description: "All phones; the first is the primary one." }),
  company_id: z.string().startsWith("cmp_").max(64).nullable().optional(),
  job_title: optionalText(120),
  lifecycle_stage: z.enum(lifecycleStages).optional(),
  lead_status: optionalText(60),
  owner_id: z.string().startsWith("usr_").max(64).nullable().optional().openapi({ description: "A member's user id." }),
  tags: z.array(TagField).max(50).optional(),
  source: optionalText(100),
  utm_source: optionalText(200),
  utm_medium: optionalText(200),
  utm_campaign: optionalText(200),
  utm_term: optionalText(200),
  utm_content: optionalText(200),
  referrer: UrlField.nullable().optional(),
  landing_page: UrlField.nullable().optional(),
  city: optionalText(100),
  country: CountryField.nullable().optional(),
  time_zone: TimeZoneField.nullable().optional(),
  language: ContactLanguageField.nullable().optional(),
  birthday: BirthdayField.nullable().optional(),
  consent: ConsentInput.optional(),
};

export const ContactCreate = z
  .object(contactFields)
  .strict()
  .refine((body) => Boolean(body.first_name || body.last_name || body.emails?.length || body.phones?.length), {
    message: "Give the contact a name, an email or a phone.",
    path: ["first_name"],
  })
  .openapi("ContactCreate");

export const ContactPatch = z.object(contactFields).strict().openapi("ContactPatch");

export const PhoneSchema = z.object({ e164: z.string(), raw: z.string(), label: z.string().nullable() }).openapi("Phone");

export const ContactSchema = z
  .object({
    id: z.string(),
    first_name: z.string().nullable(),
    last_name: z.string().nullable(),
    display_name: z.string(),
    email: z.string().nullable().openapi({ description: "The primary email." }),
    emails: z.array(z.string()),
    phone: z.string().nullable().openapi({ description: "The primary phone, E.164." }),
    phones: z.array(PhoneSchema),
    company: z.object({ id: z.string(), name: z.string() }).nullable(),
    job_title: z.string().nullable(),
    lifecycle_stage: z.enum(lifecycleStages),
    lead_status: z.string().nullable(),
    owner_id: z.string().nullable(),
    tags: z.array(z.string()),
    source: z.string().nullable(),
    utm_source: z.string().nullable(),
    utm_medium: z.string().nullable(),
    utm_campaign: z.string().nullable(),
    utm_term: z.string().nullable(),
    utm_content: z.string().nullable(),
    referrer: z.string().nullable(),
    landing_page: z.string().nullable(),
    first_seen_at: TimestampField.nullable(),
    last_seen_at: TimestampField.nullable(),
    city: z.string().nullable(),
    country: z.string().nullable(),
    time_zone: z.string().nullable(),
    language: z.string().nullable(),
    birthday: z.string().nullable(),
    consent: z.object({
      status: z.enum(consentStatuses),
      at: TimestampField.nullable(),
      source: z.string().nullable(),
      legal_basis: z.string().nullable(),
    }),
    last_activity_at: TimestampField.nullable(),
    created_by: z.string().nullable(),
    updated_by: z.string().nullable(),
    created_at: TimestampField,
    updated_at: TimestampField,
    version: z.number().int(),
    deleted_at: TimestampField.nullable(),
  })
  .openapi("Contact");

export const ContactPage = pageOf(ContactSchema, "ContactPage");

export const contactSorts = ["name", "-name", "created_at", "-created_at", "updated_at", "-updated_at", "last_activity_at", "-last_activity_at"] as const;

const booleanQuery = z.enum(["true", "false"]).transform((value) => value === "true");
const query = (name: string) => ({ param: { name, in: "query" as const } });

export const ContactListQuery = PageQuery.extend({
  q: z.string().trim().max(200).optional().openapi({ ...query("q"), description: "Word-prefix search over name, email, phone and company; results newest first." }),
  lifecycle_stage: z.enum(lifecycleStages).optional().openapi(query("lifecycle_stage")),
  owner_id: z.string().max(64).optional().openapi(query("owner_id")),
  tag: TagField.optional().openapi(query("tag")),
  company_id: z.string().max(64).optional().openapi(query("company_id")),
  country: CountryField.optional().openapi(query("country")),
  consent: z.enum(consentStatuses).optional().openapi(query("consent")),
  has_email: booleanQuery.optional().openapi(query("has_email")),
  has_phone: booleanQuery.optional().openapi(query("has_phone")),
  created_after: TimestampField.optional().openapi(query("created_after")),
  created_before: TimestampField.optional().openapi(query("created_before")),
  updated_after: TimestampField.optional().openapi(query("updated_after")),
  updated_before: TimestampField.optional().openapi(query("updated_before")),
  segment_id: z.string().startsWith("seg_").max(64).optional().openapi({ ...query("segment_id"), description: "Only the contacts a saved segment matches now (a saved view)." }),
  sort: z.enum(contactSorts).default("name").openapi({ ...query("sort"), description: "A leading - sorts descending." }),
  deleted: booleanQuery.optional().openapi({ ...query("deleted"), description: "true lists the contacts deleted in the last 30 days." }),
});

const bulkIds = z.array(z.string().startsWith("con_").max(64)).min(1).max(500);
export const ContactBulkBody = z
  .discriminatedUnion("action", [
    z.object({ action: z.literal("set_owner"), ids: bulkIds, owner_id: z.string().startsWith("usr_").max(64).nullable() }).strict(),
    z.object({ action: z.literal("add_tags"), ids: bulkIds, tags: z.array(TagField).min(1).max(20) }).strict(),
    z.object({ action: z.literal("remove_tags"), ids: bulkIds, tags: z.array(TagField).min(1).max(20) }).strict(),
    z.object({ action: z.literal("set_lifecycle_stage"), ids: bulkIds, lifecycle_stage: z.enum(lifecycleStages) }).strict(),
    z.object({ action: z.literal("delete"), ids: bulkIds }).strict(),
    z.object({ action: z.literal("restore"), ids: bulkIds }).strict(),
  ])
  .openapi("ContactBulkBody");

export const BulkResultSchema = z.object({ updated: z.number().int() }).openapi("BulkResult");

export const ConsentRecordSchema = z
  .object({
    id: z.string(),
    status: z.enum(consentStatuses),
    source: z.string().nullable(),
    legal_basis: z.string().nullable(),
    actor_type: z.enum(["user", "api_key", "system"]),
    actor_id: z.string().nullable(),
    at: TimestampField,
  })
  .openapi("ConsentRecord");

export const ConsentRecordList = z.object({ data: z.array(ConsentRecordSchema) }).openapi("ConsentRecordList");

export type Contact = z.infer<typeof ContactSchema>;
export type ContactCreateInput = z.infer<typeof ContactCreate>;
export type ContactPatchInput = z.infer<typeof ContactPatch>;
export type ContactListInput = z.infer<typeof ContactListQuery>;
export type ContactBulkInput = z.infer<typeof ContactBulkBody>;
export type ConsentRecord = z.infer<typeof ConsentRecordSchema>;
export type ContactSort = (typeof contactSorts)[number];
