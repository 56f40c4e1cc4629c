import { z } from "@hono/zod-openapi";
import { duplicateClusterStatuses, duplicateScanTriggers, jobStatuses } from "../db/schema";
import { ContactSchema } from "../contacts/contact.schema";
import { EmailField, TimestampField } from "../http/fields";
import { PageQuery } from "../http/pagination";
import { maxClusterSize } from "./cluster";

const query = (name: string) => ({ param: { name, in: "query" as const } });

export const ScanSchema = z
  .object({
    id: z.string(),
    trigger: z.enum(duplicateScanTriggers),
    status: z.enum(jobStatuses),
    contacts_scanned: z.number().int(),
    comparisons: z.number().int().openapi({ description: "Pairs scored: only contacts that share a blocking key are compared." }),
    clusters_found: z.number().int(),
    consumer_ms: z.number().int().nullable().openapi({ description: "Time the queue consumer spent on the scan." }),
    created_at: TimestampField,
    started_at: TimestampField.nullable(),
    finished_at: TimestampField.nullable(),
    error: z.string().nullable(),
  })
  .openapi("DuplicateScan");

export const PairReasonSchema = z
  .object({
    a: z.string(),
    b: z.string(),
    score: z.number(),
    reasons: z.array(z.string()).openapi({
      description:
        "Evidence codes: same_email, same_phone, same_name, similar_name, swapped_name, partial_name, different_name, same_company, different_company, same_city, different_city, same_birthday, different_birthday.",
    }),
  })
  .openapi("DuplicatePair");

export const ClusterSchema = z
  .object({
    id: z.string(),
    contact_ids: z.array(z.string()),
    contacts: z.array(ContactSchema).openapi({ description: "The members that are still live, in contact_ids order." }),
    score: z.number().openapi({ description: "0–1: the mean score of the pairs that joined the cluster." }),
    reasons: z.array(PairReasonSchema),
    status: z.enum(duplicateClusterStatuses),
    created_at: TimestampField,
    updated_at: TimestampField,
  })
  .openapi("DuplicateCluster");

export const ClusterListQuery = PageQuery.extend({
  status: z.enum(duplicateClusterStatuses).default("open").openapi(query("status")),
});

export const ClusterPage = z
  .object({ data: z.array(ClusterSchema), next_cursor: z.string().nullable(), last_scan: ScanSchema.nullable() })
  .openapi("DuplicateClusterPage");

const optionalQueryText = (max: number) => z.string().trim().max(max).optional();

export const CheckQuery = z.object({
  email: EmailField.optional().openapi(query("email")),
  phone: optionalQueryText(40).openapi(query("phone")),
  first_name: optionalQueryText(100).openapi(query("first_name")),
  last_name: optionalQueryText(100).openapi(query("last_name")),
  company_id: z.string().startsWith("cmp_").max(64).optional().openapi(query("company_id")),
  city: optionalQueryText(100).openapi(query("city")),
});

export const CheckResult = z
  .object({ data: z.array(z.object({ contact: ContactSchema, score: z.number(), reasons: z.array(z.string()) })) })
  .openapi("DuplicateCheck");

// Fields whose surviving value a merge can take from any of the contacts. "name" is first and
// last name together; email/phone choose whose primary address/number comes first (all are kept).
export const mergeFields = [
  "name",
  "first_name",
  "last_name",
  "email",
  "phone",
  "company_id",
  "job_title",
  "lifecycle_stage",
  "lead_status",
  "owner_id",
  "source",
  "utm_source",
  "utm_medium",
  "utm_campaign",
  "utm_term",
  "utm_content",
  "referrer",
  "landing_page",
  "city",
  "country",
  "time_zone",
  "language",
  "birthday",
  "consent",
] as const;
export type MergeField = (typeof mergeFields)[number];

const contactId = z.string().startsWith("con_", "Use a contact id (con_…).").max(64);

export const MergeBody = z
  .object({
    primary_id: contactId,
    duplicate_ids: z
      .array(contactId)
      .min(1, "Name at least one duplicate.")
      .max(maxClusterSize - 1, `At most ${maxClusterSize - 1} duplicates at once.`)
      .refine((ids) => new Set(ids).size === ids.length, "Name each duplicate once."),
    fields: z
      .partialRecord(z.enum(mergeFields), contactId)
      .optional()
      .openapi({ description: "Field → the contact whose value survives. Unnamed fields keep the primary's value, or the first duplicate's when the primary has none." }),
    cluster_id: z.string().startsWith("dup_").max(64).optional(),
  })
  .strict()
  .openapi("MergeBody");

export const MergeSchema = z
  .object({
    id: z.string(),
    primary_id: z.string(),
    duplicate_ids: z.array(z.string()),
    fields: z.record(z.string(), z.string()),
    created_at: TimestampField,
    undo_until: TimestampField,
    undone_at: TimestampField.nullable(),
  })
  .openapi("Merge");

export const MergeResult = z.object({ merge: MergeSchema, contact: ContactSchema }).openapi("MergeResult");
export const UndoResult = z.object({ merge: MergeSchema, contacts: z.array(ContactSchema) }).openapi("MergeUndoResult");

export type Scan = z.infer<typeof ScanSchema>;
export type Cluster = z.infer<typeof ClusterSchema>;
export type PairReason = z.infer<typeof PairReasonSchema>;
export type ClusterListInput = z.infer<typeof ClusterListQuery>;
export type CheckInput = z.infer<typeof CheckQuery>;
export type MergeInput = z.infer<typeof MergeBody>;
export type Merge = z.infer<typeof MergeSchema>;
