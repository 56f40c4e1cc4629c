import { z } from "@hono/zod-openapi";
import { ContactSchema } from "../contacts/contact.schema";
import { TimestampField } from "../http/fields";
import { SegmentFilter } from "./segment-filter";

// A segment is a saved, dynamic filter over contacts: evaluated whenever it is used (a campaign,
// a preview, the contacts list's saved view), never a frozen list.

const SegmentName = z.string().trim().min(1, "Enter a name.").max(120);
const Description = z.string().trim().max(1000).nullable();

export const SegmentSchema = z
  .object({
    id: z.string().openapi({ example: "seg_01jd3x0000abcdefghjkmnpqrs" }),
    name: z.string(),
    description: z.string().nullable(),
    filter: SegmentFilter,
    created_at: TimestampField,
    updated_at: TimestampField,
    version: z.number().int(),
  })
  .openapi("Segment");

export const SegmentCreate = z.object({ name: SegmentName, description: Description.default(null), filter: SegmentFilter }).strict().openapi("SegmentCreate");
export const SegmentPatch = z.object({ name: SegmentName.optional(), description: Description.optional(), filter: SegmentFilter.optional() }).strict().openapi("SegmentPatch");
export const SegmentList = z.object({ data: z.array(SegmentSchema) }).openapi("SegmentList");

export const PreviewQuery = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(20).openapi({ param: { name: "limit", in: "query" }, example: 20 }),
});
export const SegmentPreviewBody = z.object({ filter: SegmentFilter, limit: z.number().int().min(1).max(200).default(20) }).strict().openapi("SegmentPreviewBody");
export const SegmentPreviewSchema = z
  .object({
    count: z.number().int().openapi({ description: "How many live contacts match now (exact)." }),
    data: z.array(ContactSchema).openapi({ description: "The first matching contacts by name." }),
  })
  .openapi("SegmentPreview");

export type Segment = z.infer<typeof SegmentSchema>;
export type SegmentCreateInput = z.infer<typeof SegmentCreate>;
export type SegmentPatchInput = z.infer<typeof SegmentPatch>;
export type SegmentPreview = z.infer<typeof SegmentPreviewSchema>;
