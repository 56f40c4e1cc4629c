import { z } from "@hono/zod-openapi";
import { roles } from "../db/schema";
import { TimestampField } from "../http/fields";
import { pageOf } from "../http/pagination";

export const assignableRoles = ["admin", "member", "viewer"] as const;

export const MemberSchema = z
  .object({
    id: z.string(),
    user_id: z.string(),
    name: z.string(),
    email: z.string(),
    role: z.enum(roles),
    version: z.number().int(),
    joined_at: TimestampField,
  })
  .openapi("Member");

export const MemberPage = pageOf(MemberSchema, "MemberPage");

export const MemberPatch = z.object({ role: z.enum(assignableRoles) }).strict().openapi("MemberPatch");

export type Member = z.infer<typeof MemberSchema>;
