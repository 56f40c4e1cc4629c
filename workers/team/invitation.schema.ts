import { z } from "@hono/zod-openapi";
import { EmailField, PersonNameField, TimestampField } from "../http/fields";
import { pageOf } from "../http/pagination";
import { assignableRoles } from "./member.schema";
import { SessionSchema } from "../auth/auth.schema";

export const invitationStatuses = ["pending", "accepted", "revoked", "expired"] as const;

export const InvitationSchema = z
  .object({
    id: z.string(),
    email: z.string(),
    role: z.enum(assignableRoles),
    status: z.enum(invitationStatuses),
    invited_by: z.string(),
    invited_by_name: z.string().nullable(),
    created_at: TimestampField,
    expires_at: TimestampField,
  })
  .openapi("Invitation");

export const InvitationPage = pageOf(InvitationSchema, "InvitationPage");

export const CreatedInvitationSchema = InvitationSchema.extend({
  token: z.string().openapi({ description: "Shown once. The link to share is invite_url." }),
  invite_url: z.string(),
}).openapi("CreatedInvitation");

export const InvitationBody = z.object({ email: EmailField, role: z.enum(assignableRoles) }).strict().openapi("InvitationBody");

export const InvitationPreviewSchema = z
  .object({
    workspace_name: z.string(),
    email: z.string(),
    role: z.enum(assignableRoles),
    invited_by_name: z.string(),
    expires_at: TimestampField,
    account_exists: z.boolean(),
  })
  .openapi("InvitationPreview");

export const AcceptInvitationBody = z
  .object({
    name: PersonNameField.optional().openapi({ description: "Required when the email has no Rapport account yet." }),
    password: z.string().min(1, "Enter a password.").max(256).openapi({
      description: "The new account's password (at least 10 characters), or the existing account's password.",
    }),
  })
  .strict()
  .openapi("AcceptInvitationBody");

export const AcceptedInvitationSchema = SessionSchema.openapi("AcceptedInvitation");

export const TokenParam = z.object({
  token: z.string().min(10).max(128).openapi({ param: { name: "token", in: "path" }, example: "inv_tok_example000000000000000000" }),
});

export type Invitation = z.infer<typeof InvitationSchema>;
export type CreatedInvitation = z.infer<typeof CreatedInvitationSchema>;
export type InvitationPreview = z.infer<typeof InvitationPreviewSchema>;
