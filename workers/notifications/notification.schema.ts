import { z } from "@hono/zod-openapi";
import { notificationTypes } from "../db/schema";
import { TimestampField } from "../http/fields";
import { PageQuery } from "../http/pagination";

export const NotificationTypeField = z.enum(notificationTypes).openapi({ example: "task.reminder" });

export const NotificationSchema = z
  .object({
    id: z.string().openapi({ example: "ntf_01jd3x0000abcdefghjkmnpqrs" }),
    type: NotificationTypeField,
    text: z.string().openapi({ example: "Reminder: Call Ona about the offer" }),
    link: z.string().nullable().openapi({ description: "Client route the notification opens, e.g. /tasks or /deals/deal_…", example: "/tasks" }),
    data: z.record(z.string(), z.unknown()).openapi({ description: "Ids and values the text refers to, for clients that render their own text." }),
    created_at: TimestampField,
    read_at: TimestampField.nullable(),
  })
  .openapi("Notification");

export const NotificationPage = z
  .object({
    data: z.array(NotificationSchema),
    next_cursor: z.string().nullable(),
    unread_count: z.number().int().openapi({ description: "All unread notifications of the caller, not only this page." }),
  })
  .openapi("NotificationPage");

export const NotificationListQuery = PageQuery.extend({
  unread: z
    .enum(["true", "false"])
    .optional()
    .transform((value) => value === "true")
    .openapi({ param: { name: "unread", in: "query" }, description: "Only unread notifications." }),
});

export const MarkReadInput = z
  .union([
    z.object({ ids: z.array(z.string().max(64)).min(1).max(200) }).strict(),
    z.object({ all: z.literal(true) }).strict(),
  ])
  .openapi("MarkNotificationsRead");

export const UnreadCount = z.object({ unread_count: z.number().int() }).openapi("UnreadCount");

export const PreferenceSchema = z
  .object({
    type: NotificationTypeField,
    in_app: z.boolean(),
    email: z.boolean(),
  })
  .strict()
  .openapi("NotificationPreference");

export const PreferenceList = z.object({ data: z.array(PreferenceSchema) }).openapi("NotificationPreferences");

export const PreferenceInput = z
  .object({
    data: z
      .array(PreferenceSchema)
      .max(notificationTypes.length)
      .refine((items) => new Set(items.map((item) => item.type)).size === items.length, "Each type may appear once."),
  })
  .strict()
  .openapi("NotificationPreferencesInput");

export type Notification = z.infer<typeof NotificationSchema>;
export type Preference = z.infer<typeof PreferenceSchema>;
