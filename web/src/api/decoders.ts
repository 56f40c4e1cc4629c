// Runtime shapes of the API's responses. Each decoder is typed with the worker's own type, so a
// field added to or renamed in a schema fails the web type check until it is handled here.
import type { ApiKey, CreatedApiKey } from "../../../workers/api-keys/api-key.schema";
import type { AuditEntry } from "../../../workers/audit/audit.schema";
import type { Me, Session, User } from "../../../workers/auth/auth.schema";
import type { CreatedInvitation, Invitation, InvitationPreview } from "../../../workers/team/invitation.schema";
import type { Member } from "../../../workers/team/member.schema";
import type { Workspace } from "../../../workers/workspaces/workspace.schema";
import { array, boolean, type Decoder, literal, nullable, number, object, oneOf, record, string } from "../lib/decode";

const role = oneOf(["owner", "admin", "member", "viewer"] as const);
const assignableRole = oneOf(["admin", "member", "viewer"] as const);
const scope = oneOf(["read", "write", "admin"] as const);
const language = oneOf(["en", "lt", "lv", "sl", "ru"] as const);

export const decodeUser: Decoder<User> = object({ id: string, email: string, name: string, language, time_zone: string });

export const decodeSession: Decoder<Session> = object({
  access_token: string,
  token_type: literal("Bearer"),
  expires_in: number,
  user: decodeUser,
  workspace_id: string,
  role,
});

export const decodeMe: Decoder<Me> = object({
  user: nullable(decodeUser),
  api_key: nullable(object({ id: string, scope })),
  workspace: object({ id: string, name: string }),
  role,
  workspaces: array(object({ id: string, name: string, role })),
});

export const decodeWorkspace: Decoder<Workspace> = object({
  id: string,
  name: string,
  default_currency: string,
  time_zone: string,
  default_phone_country: string,
  language,
  version: number,
  created_at: string,
  updated_at: string,
});

export const decodeMember: Decoder<Member> = object({
  id: string,
  user_id: string,
  name: string,
  email: string,
  role,
  version: number,
  joined_at: string,
});

const invitationFields = {
  id: string,
  email: string,
  role: assignableRole,
  status: oneOf(["pending", "accepted", "revoked", "expired"] as const),
  invited_by: string,
  invited_by_name: nullable(string),
  created_at: string,
  expires_at: string,
};
export const decodeInvitation: Decoder<Invitation> = object(invitationFields);
export const decodeCreatedInvitation: Decoder<CreatedInvitation> = object({ ...invitationFields, token: string, invite_url: string });

export const decodeInvitationPreview: Decoder<InvitationPreview> = object({
  workspace_name: string,
  email: string,
  role: assignableRole,
  invited_by_name: string,
  expires_at: string,
  account_exists: boolean,
});

const apiKeyFields = {
  id: string,
  name: string,
  scope,
  prefix: string,
  created_by: string,
  created_at: string,
  last_used_at: nullable(string),
};
export const decodeApiKey: Decoder<ApiKey> = object(apiKeyFields);
export const decodeCreatedApiKey: Decoder<CreatedApiKey> = object({ ...apiKeyFields, key: string });

export const decodeAuditEntry: Decoder<AuditEntry> = object({
  id: string,
  actor_type: oneOf(["user", "api_key", "system"] as const),
  actor_id: nullable(string),
  actor_name: nullable(string),
  action: string,
  entity_type: string,
  entity_id: string,
  diff: object({ before: nullable(record), after: nullable(record) }),
  request_id: nullable(string),
  at: string,
});
