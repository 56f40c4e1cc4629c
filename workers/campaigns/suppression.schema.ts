import { z } from "@hono/zod-openapi";
import { suppressionReasons } from "../db/schema";
import { EmailField, TimestampField } from "../http/fields";
import { pageOf, PageQuery } from "../http/pagination";

export const SuppressionSchema = z
  .object({
    email: z.string().openapi({ example: "ona@example.lt" }),
    reason: z.enum(suppressionReasons),
    source: z.string().nullable().openapi({ description: "Where it came from: unsubscribe_link:{campaign_id}, or the user who added it." }),
    created_at: TimestampField,
  })
  .openapi("Suppression");

export const SuppressionPage = pageOf(SuppressionSchema, "SuppressionPage");
export const SuppressionCreate = z.object({ email: EmailField, reason: z.literal("manual").default("manual") }).strict().openapi("SuppressionCreate");
export const SuppressionQuery = PageQuery.extend({
  reason: z.enum(suppressionReasons).optional().openapi({ param: { name: "reason", in: "query" } }),
});
export const SuppressionEmailParam = z.object({
  email: z.string().max(320).openapi({ param: { name: "email", in: "path" }, example: "ona@example.lt" }),
});

export type Suppression = z.infer<typeof SuppressionSchema>;
