import { z } from "@hono/zod-openapi";
import { TimestampField } from "../http/fields";
import { pageOf, PageQuery } from "../http/pagination";

export const AuditEntrySchema = z
  .object({
    id: z.string(),
    actor_type: z.enum(["user", "api_key", "system"]),
    actor_id: z.string().nullable(),
    actor_name: z.string().nullable().openapi({ description: "The person's or API key's current name; null for the system." }),
    action: z.string(),
    entity_type: z.string(),
    entity_id: z.string(),
    diff: z.object({ before: z.record(z.string(), z.unknown()).nullable(), after: z.record(z.string(), z.unknown()).nullable() }),
    request_id: z.string().nullable(),
    at: TimestampField,
  })
  .openapi("AuditEntry");

export const AuditPage = pageOf(AuditEntrySchema, "AuditPage");

export const AuditQuery = PageQuery.extend({
  entity_type: z.string().max(40).optional().openapi({ param: { name: "entity_type", in: "query" } }),
  entity_id: z.string().max(64).optional().openapi({ param: { name: "entity_id", in: "query" } }),
});

export type AuditEntry = z.infer<typeof AuditEntrySchema>;
