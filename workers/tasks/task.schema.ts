import { z } from "@hono/zod-openapi";
import { taskPriorities, taskRecurrences, taskStatuses } from "../db/schema";
import { TimestampField } from "../http/fields";
import { pageOf, PageQuery } from "../http/pagination";
import { maxReminderOffsetMinutes, maxReminders } from "./reminders";

const linkId = (prefix: string) => z.string().startsWith(`${prefix}_`, `Use an id that starts with ${prefix}_.`).max(64).nullable().optional();

// Integrators send times with their own offset ("2026-03-30T09:00:00+03:00"); stored as UTC ms.
const DueAtField = z.iso
  .datetime({ offset: true, message: "Use an ISO 8601 time, for example 2026-11-22T09:00:00+02:00." })
  .openapi({ example: "2026-11-22T07:00:00.000Z", description: "When the task is due (UTC or with an offset); shown in the assignee's time zone." });

const ReminderOffsetsField = z
  .array(z.number().int().min(0).max(maxReminderOffsetMinutes, "At most 30 days (43200 minutes) before the due time."))
  .max(maxReminders, `At most ${maxReminders} reminders.`)
  .openapi({ description: "Minutes before the due time at which to remind the assignee; [0] reminds at the due time.", example: [0, 15] });

const taskFields = {
  title: z.string().trim().min(1, "Give the task a title.").max(300),
  description: z.string().max(10_000).nullable().optional().openapi({ description: "Plain text." }),
  due_at: DueAtField.nullable().optional(),
  reminder_offsets: ReminderOffsetsField.optional(),
  assignee_id: z
    .string()
    .startsWith("usr_", "Use a member's user id (usr_…).")
    .max(64)
    .nullable()
    .optional()
    .openapi({ description: "A member's user id; defaults to the person creating the task." }),
  priority: z.enum(taskPriorities).optional(),
  contact_id: linkId("con"),
  company_id: linkId("cmp"),
  deal_id: linkId("deal"),
  recurrence: z.enum(taskRecurrences).optional().openapi({ description: "Completing a repeating task creates the next one, at the same local time in the assignee's time zone." }),
};

export const TaskCreate = z.object(taskFields).strict().openapi("TaskCreate");

export const TaskPatch = z
  .object({ ...taskFields, title: taskFields.title.optional(), status: z.enum(taskStatuses).optional() })
  .strict()
  .openapi("TaskPatch");

export const TaskSchema = z
  .object({
    id: z.string(),
    title: z.string(),
    description: z.string().nullable(),
    due_at: TimestampField.nullable(),
    reminder_offsets: z.array(z.number().int()),
    assignee_id: z.string().nullable(),
    assignee_name: z.string().nullable(),
    priority: z.enum(taskPriorities),
    contact_id: z.string().nullable(),
    company_id: z.string().nullable(),
    deal_id: z.string().nullable(),
    contact_name: z
      .string()
      .nullable()
      .openapi({ description: "The linked contact's first and last name, else their primary email; null when there is no linked contact, it has neither, or it was deleted." }),
    company_name: z.string().nullable().openapi({ description: "The linked company's name; null when there is none or it was deleted." }),
    deal_title: z.string().nullable().openapi({ description: "The linked deal's title; null when there is none or it was deleted." }),
    status: z.enum(taskStatuses),
    recurrence: z.enum(taskRecurrences),
    previous_id: z.string().nullable().openapi({ description: "The repeating task this one follows." }),
    completed_at: TimestampField.nullable(),
    created_by: z.string().nullable(),
    created_at: TimestampField,
    updated_at: TimestampField,
    version: z.number().int(),
  })
  .openapi("Task");

export const TaskPage = pageOf(TaskSchema, "TaskPage");

const query = (name: string) => ({ param: { name, in: "query" as const } });

export const TaskListQuery = PageQuery.extend({
  assignee_id: z
    .string()
    .max(64)
    .refine((value) => value === "me" || value.startsWith("usr_"), "Use a user id (usr_…) or me.")
    .optional()
    .openapi({ ...query("assignee_id"), description: "A user id, or `me` for the caller's own tasks." }),
  status: z
    .enum(taskStatuses)
    .default("open")
    .openapi({ ...query("status"), description: "Defaults to open." }),
  due_before: DueAtField.optional().openapi({ ...query("due_before"), description: "Only tasks due before this time (exclusive)." }),
  due_after: DueAtField.optional().openapi({ ...query("due_after"), description: "Only tasks due at or after this time." }),
  contact_id: z.string().max(64).optional().openapi(query("contact_id")),
  company_id: z.string().max(64).optional().openapi(query("company_id")),
  deal_id: z.string().max(64).optional().openapi(query("deal_id")),
});

export type Task = z.infer<typeof TaskSchema>;
export type TaskCreateInput = z.infer<typeof TaskCreate>;
export type TaskPatchInput = z.infer<typeof TaskPatch>;
export type TaskListInput = z.infer<typeof TaskListQuery>;
