import { z } from "@hono/zod-openapi";
import { jobStatuses, qualityAuditTriggers, qualityFindingKinds } from "../db/schema";
import { TimestampField } from "../http/fields";
import { pageOf, PageQuery } from "../http/pagination";

export const findingEntityTypes = ["contact", "deal", "duplicate_cluster"] as const;

const Counts = z.partialRecord(z.enum(qualityFindingKinds), z.number().int()).openapi({
  description: "Findings per kind.",
  example: { missing_email: 3, missing_phone: 12, invalid_email: 1, invalid_phone: 0, inactive: 40, no_owner: 2, rotting_deal: 1, open_duplicates: 2, unknown_consent: 30 },
});

export const OwnerBreakdown = z
  .object({
    owner_id: z.string().nullable().openapi({ description: "null: records nobody owns." }),
    owner_name: z.string().nullable(),
    contacts: z.number().int().openapi({ description: "Live contacts this person owns." }),
    deals: z.number().int().openapi({ description: "Open deals this person owns (the base of rotting_deal)." }),
    records: z.number().int().openapi({ description: "Their records with at least one finding." }),
    findings: Counts,
    score: z.number().int().min(0).max(100),
  })
  .openapi("QualityOwnerBreakdown");

export const AuditSchema = z
  .object({
    id: z.string(),
    trigger: z.enum(qualityAuditTriggers),
    status: z.enum(jobStatuses),
    score: z.number().int().min(0).max(100).nullable().openapi({ description: "0–100 once done; see docs/api.md for the formula." }),
    contact_count: z.number().int().openapi({ description: "Contacts checked so far; all live contacts once done." }),
    deal_count: z.number().int().openapi({ description: "Open deals, once done (0 before)." }),
    totals: Counts.openapi({ description: "Findings per kind, every kind present once done; {} before." }),
    per_owner: z.array(OwnerBreakdown).openapi({ description: "Worst score first; empty until done." }),
    inactive_days: z.number().int().openapi({ description: "The workspace's inactivity threshold when the audit started." }),
    created_at: TimestampField,
    started_at: TimestampField.nullable(),
    finished_at: TimestampField.nullable(),
    error: z.string().nullable(),
  })
  .openapi("QualityAudit");

export const AuditPage = pageOf(AuditSchema, "QualityAuditPage");

export const FindingSchema = z
  .object({
    kind: z.enum(qualityFindingKinds),
    entity_type: z.enum(findingEntityTypes),
    entity_id: z.string(),
    owner_id: z.string().nullable(),
    detail: z
      .string()
      .nullable()
      .openapi({ description: "The bad value (`ona@gmial.com → ona@gmail.com`, `+3706123 (LT)`), days idle, or a cluster's size." }),
    label: z.string().nullable().openapi({ description: "The record's name now (contact, deal title, cluster members); null when it is gone." }),
    link: z.string().openapi({ description: "The web client's route where the finding is fixed.", example: "/contacts/con_01jd0000000000000000000000" }),
  })
  .openapi("QualityFinding");

export const FindingPage = pageOf(FindingSchema, "QualityFindingPage");

export const FindingQuery = PageQuery.extend({
  kind: z
    .enum(qualityFindingKinds)
    .optional()
    .openapi({ param: { name: "kind", in: "query" } }),
  owner_id: z
    .string()
    .max(64)
    .refine((value) => value === "none" || value.startsWith("usr_"), "Use a user id (usr_…) or none.")
    .optional()
    .openapi({ param: { name: "owner_id", in: "query" }, description: "A user id, or `none` for records nobody owns." }),
});

export type Audit = z.infer<typeof AuditSchema>;
export type Finding = z.infer<typeof FindingSchema>;
export type FindingListInput = z.infer<typeof FindingQuery>;
export type AuditListInput = z.infer<typeof PageQuery>;
export type OwnerBreakdownItem = z.infer<typeof OwnerBreakdown>;
