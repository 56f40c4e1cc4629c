import { z } from "@hono/zod-openapi";
import { submissionStatuses } from "../db/schema";
import { TimestampField } from "../http/fields";
import { pageOf, PageQuery } from "../http/pagination";
import { ActivitySchema } from "../activities/activity.schema";
import { TaskSchema } from "../tasks/task.schema";

export const timelineKinds = ["activity", "task", "submission", "stage_change", "change"] as const;
export type TimelineKind = (typeof timelineKinds)[number];

const common = {
  id: z.string().openapi({ description: "The id of the underlying record (act_, tsk_, sub_, dsh_ or aud_)." }),
  at: TimestampField,
  actor_id: z.string().nullable(),
  actor_name: z.string().nullable().openapi({ description: "The person's or API key's current name; null for the system or a website visitor." }),
};

const TimelineActivity = z
  .object({ kind: z.literal("activity"), ...common, activity: ActivitySchema })
  .openapi("TimelineActivity", { description: "An activity; `at` is when it occurred." });

const TimelineTask = z
  .object({ kind: z.literal("task"), ...common, task: TaskSchema })
  .openapi("TimelineTask", { description: "A task; `at` is when it was created." });

const TimelineSubmission = z
  .object({ kind: z.literal("submission"), ...common, form_id: z.string(), form_name: z.string().nullable(), status: z.enum(submissionStatuses) })
  .openapi("TimelineSubmission", { description: "A form post by the contact; `at` is when it was received." });

const TimelineStageChange = z
  .object({
    kind: z.literal("stage_change"),
    ...common,
    deal_id: z.string(),
    deal_title: z.string(),
    from_stage_id: z.string().nullable(),
    from_stage_name: z.string().nullable().openapi({ description: "Null when the deal was created, or when the stage has since been removed." }),
    to_stage_id: z.string(),
    to_stage_name: z.string().nullable(),
  })
  .openapi("TimelineStageChange", { description: "A deal entering a stage (the deal itself, or a deal of the contact or company)." });

const TimelineChange = z
  .object({
    kind: z.literal("change"),
    ...common,
    action: z.string().openapi({ example: "contact.updated" }),
    diff: z.object({ before: z.record(z.string(), z.unknown()).nullable(), after: z.record(z.string(), z.unknown()).nullable() }),
  })
  .openapi("TimelineChange", { description: "An audit-log entry of the record itself: only the fields that changed." });

export const TimelineItemSchema = z
  .discriminatedUnion("kind", [TimelineActivity, TimelineTask, TimelineSubmission, TimelineStageChange, TimelineChange])
  .openapi("TimelineItem");

export const TimelinePage = pageOf(TimelineItemSchema, "TimelinePage");

const kindList = new RegExp(`^(${timelineKinds.join("|")})(,(${timelineKinds.join("|")}))*$`);

export const TimelineQuery = PageQuery.extend({
  types: z
    .string()
    .max(200)
    .regex(kindList, `Use a comma-separated list of ${timelineKinds.join(", ")}.`)
    .optional()
    .openapi({ param: { name: "types", in: "query" }, description: "Only these kinds (comma-separated); all by default.", example: "activity,task" }),
});

export type TimelineItem = z.infer<typeof TimelineItemSchema>;
export type TimelineInput = z.infer<typeof TimelineQuery>;
