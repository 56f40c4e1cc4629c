import { z } from "@hono/zod-openapi";
import { emailStatuses } from "../db/schema";
import { TimestampField } from "../http/fields";
import { pageOf } from "../http/pagination";

export const OutboxEmailSchema = z
  .object({
    id: z.string().openapi({ example: "eml_01jd3x0000abcdefghjkmnpqrs" }),
    kind: z.string().openapi({ description: "What the email is: a notification type, later a campaign.", example: "task.reminder" }),
    from_address: z.string().openapi({ example: "Rapport <no-reply@rapport.localhost>" }),
    to_address: z.string().openapi({ example: "ona@example.com" }),
    to_name: z.string().nullable(),
    subject: z.string(),
    text: z.string(),
    html: z.string().nullable().openapi({ description: "As stored; clients must not render it as trusted HTML." }),
    headers: z.record(z.string(), z.string()),
    status: z.enum(emailStatuses),
    created_at: TimestampField,
    sent_at: TimestampField.nullable(),
  })
  .openapi("OutboxEmail");

export const OutboxPage = pageOf(OutboxEmailSchema, "OutboxPage");

export type OutboxEmail = z.infer<typeof OutboxEmailSchema>;
