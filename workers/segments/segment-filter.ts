import { z } from "@hono/zod-openapi";
import { companySizeBands, consentStatuses, dealStatuses, lifecycleStages } from "../db/schema";
import { CountryField, TimestampField } from "../http/fields";
import { TagField } from "../contacts/contact.schema";

// The segment filter language: conditions on a contact (and its company and deals) joined by
// and/or groups. It is JSON so that the web builder, the API and saved segments share one shape,
// and zod validates it like every other input: an unknown field or a wrong type is a 422 with a
// pointer into the filter.

const list = <T extends z.ZodTypeAny>(item: T, max: number) => z.array(item).min(1).max(max);
const membership = z.enum(["in", "not_in"]);

// Relative dates keep a saved segment current: "last activity within 90 days" means the 90 days
// before each evaluation, not before the day it was saved.
const dateCondition = <F extends string>(field: F) =>
  z.discriminatedUnion("op", [
    z.object({ field: z.literal(field), op: z.enum(["before", "after"]), value: TimestampField }).strict(),
    z.object({ field: z.literal(field), op: z.enum(["within_last_days", "not_within_last_days"]), value: z.number().int().min(1).max(3650) }).strict(),
  ]);

export const SegmentCondition = z.discriminatedUnion("field", [
  z.object({ field: z.literal("lifecycle_stage"), op: membership, value: list(z.enum(lifecycleStages), lifecycleStages.length) }).strict(),
  z.object({ field: z.literal("tags"), op: z.enum(["has_any", "has_all", "has_none"]), value: list(TagField, 20) }).strict(),
  // null stands for "no owner".
  z.object({ field: z.literal("owner_id"), op: membership, value: list(z.string().startsWith("usr_").max(64).nullable(), 50) }).strict(),
  z.object({ field: z.literal("country"), op: membership, value: list(CountryField, 50) }).strict(),
  z.object({ field: z.literal("city"), op: membership, value: list(z.string().trim().min(1).max(100), 50) }).strict(),
  z.object({ field: z.literal("company_industry"), op: membership, value: list(z.string().trim().min(1).max(100), 50) }).strict(),
  z.object({ field: z.literal("company_size"), op: membership, value: list(z.enum(companySizeBands), companySizeBands.length) }).strict(),
  z.object({ field: z.literal("consent"), op: membership, value: list(z.enum(consentStatuses), consentStatuses.length) }).strict(),
  // Whether the contact is on a deal in one of these states (as primary contact or one of its contacts).
  z.object({ field: z.literal("deal_status"), op: z.enum(["has_any", "has_none"]), value: list(z.enum(dealStatuses), dealStatuses.length) }).strict(),
  dateCondition("created_at"),
  dateCondition("last_activity_at"),
]);
export type SegmentCondition = z.infer<typeof SegmentCondition>;
export const segmentFields = ["lifecycle_stage", "tags", "owner_id", "country", "city", "company_industry", "company_size", "consent", "deal_status", "created_at", "last_activity_at"] as const;

export type SegmentGroup = { op: "and" | "or"; conditions: (SegmentCondition | SegmentGroup)[] };

/** Groups nest at most this deep and hold at most this many conditions in all: a filter stays one readable, fast query. */
export const maxDepth = 3;
export const maxConditions = 30;

// A group has `conditions`, a condition has `field`: dispatching on that (rather than a plain
// union) makes an error point into the condition that is wrong, e.g. /conditions/0/field.
const isGroupLike = (value: unknown) => typeof value === "object" && value !== null && "conditions" in value;

const GroupShape: z.ZodType<SegmentGroup> = z.lazy(() =>
  z
    .object({
      op: z.enum(["and", "or"]),
      conditions: z.array(FilterItem).max(maxConditions),
    })
    .strict(),
);

const FilterItem: z.ZodType<SegmentCondition | SegmentGroup> = z.unknown().transform((value, ctx): SegmentCondition | SegmentGroup => {
  const parsed = isGroupLike(value) ? GroupShape.safeParse(value) : SegmentCondition.safeParse(value);
  if (parsed.success) return parsed.data;
  for (const issue of parsed.error.issues) ctx.addIssue({ code: "custom", message: issue.message, path: issue.path });
  return z.NEVER;
});

function depthAndCount(group: SegmentGroup, depth = 1): { depth: number; count: number } {
  let deepest = depth;
  let count = 0;
  for (const item of group.conditions) {
    if ("conditions" in item) {
      const inner = depthAndCount(item, depth + 1);
      deepest = Math.max(deepest, inner.depth);
      count += inner.count;
    } else {
      count += 1;
    }
  }
  return { depth: deepest, count };
}

export const SegmentFilter = GroupShape.superRefine((group, ctx) => {
  const { depth, count } = depthAndCount(group);
  if (depth > maxDepth) ctx.addIssue({ code: "custom", message: `Groups nest at most ${maxDepth} deep.`, path: ["conditions"] });
  if (count > maxConditions) ctx.addIssue({ code: "custom", message: `A filter has at most ${maxConditions} conditions.`, path: ["conditions"] });
}).openapi("SegmentFilter", {
  example: { op: "and", conditions: [{ field: "city", op: "in", value: ["Vilnius"] }, { field: "consent", op: "in", value: ["granted"] }] },
});
