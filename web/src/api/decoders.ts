// Runtime shapes of the API's responses. Each decoder is typed with the worker's own type, so a
// field added to or renamed in a schema fails the web type check until it is handled here.
import type { ApiKey, CreatedApiKey } from "../../../workers/api-keys/api-key.schema";
import type { AuditEntry } from "../../../workers/audit/audit.schema";
import type { Company } from "../../../workers/companies/company.schema";
import type { Board, BoardColumn, Deal, ExchangeRate, StageChange } from "../../../workers/deals/deal.schema";
import type { Pipeline, Stage } from "../../../workers/pipelines/pipeline.schema";
import type { ConsentRecord, Contact } from "../../../workers/contacts/contact.schema";
import type { Me, Session, User } from "../../../workers/auth/auth.schema";
import type { CreatedInvitation, Invitation, InvitationPreview } from "../../../workers/team/invitation.schema";
import type { Member } from "../../../workers/team/member.schema";
import type { Workspace } from "../../../workers/workspaces/workspace.schema";
import type { Form, Submission } from "../../../workers/forms/form.schema";
import { array, boolean, type Decoder, literal, nullable, number, object, oneOf, record, string } from "../lib/decode";
import { consentStatuses, lifecycleStages, sizeBands } from "../lib/records";
import { formFieldNames, submissionStatuses } from "../lib/forms";

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
  quality_inactive_days: number,
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

const actorType = oneOf(["user", "api_key", "system"] as const);
const consentStatus = oneOf(consentStatuses);
const text = nullable(string);

export const decodeContact: Decoder<Contact> = object({
  id: string,
  first_name: text,
  last_name: text,
  display_name: string,
  email: text,
  emails: array(string),
  phone: text,
  phones: array(object({ e164: string, raw: string, label: text })),
  company: nullable(object({ id: string, name: string })),
  job_title: text,
  lifecycle_stage: oneOf(lifecycleStages),
  lead_status: text,
  owner_id: text,
  tags: array(string),
  source: text,
  utm_source: text,
  utm_medium: text,
  utm_campaign: text,
  utm_term: text,
  utm_content: text,
  referrer: text,
  landing_page: text,
  first_seen_at: text,
  last_seen_at: text,
  city: text,
  country: text,
  time_zone: text,
  language: text,
  birthday: text,
  consent: object({ status: consentStatus, at: text, source: text, legal_basis: text }),
  last_activity_at: text,
  created_by: text,
  updated_by: text,
  created_at: string,
  updated_at: string,
  version: number,
  deleted_at: text,
});

export const decodeConsentRecord: Decoder<ConsentRecord> = object({
  id: string,
  status: consentStatus,
  source: text,
  legal_basis: text,
  actor_type: actorType,
  actor_id: text,
  at: string,
});
export const decodeConsentList: Decoder<{ data: ConsentRecord[] }> = object({ data: array(decodeConsentRecord) });
export const decodeBulkResult: Decoder<{ updated: number }> = object({ updated: number });

export const decodeCompany: Decoder<Company> = object({
  id: string,
  name: string,
  domain: text,
  industry: text,
  size_band: nullable(oneOf(sizeBands)),
  annual_revenue: nullable(object({ amount: number, currency: string })),
  phone: nullable(object({ e164: string, raw: string })),
  website: text,
  address: text,
  city: text,
  country: text,
  owner_id: text,
  tags: array(string),
  last_activity_at: text,
  created_by: text,
  updated_by: text,
  created_at: string,
  updated_at: string,
  version: number,
  deleted_at: text,
});

const stageKind = oneOf(["open", "won", "lost"] as const);
const stageFields = { id: string, name: string, position: number, probability: number, kind: stageKind, rotting_days: nullable(number) };
export const decodeStage: Decoder<Stage> = object(stageFields);

export const decodePipeline: Decoder<Pipeline> = object({
  id: string,
  name: string,
  position: number,
  is_default: boolean,
  stages: array(decodeStage),
  version: number,
  created_at: string,
  updated_at: string,
});
export const decodePipelineList: Decoder<{ data: Pipeline[] }> = object({ data: array(decodePipeline) });

const ref = nullable(object({ id: string, name: string }));
export const decodeDeal: Decoder<Deal> = object({
  id: string,
  title: string,
  value: number,
  currency: string,
  pipeline_id: string,
  stage_id: string,
  position: string,
  primary_contact: ref,
  contact_ids: array(string),
  company: ref,
  owner_id: text,
  expected_close_date: text,
  status: oneOf(["open", "won", "lost"] as const),
  lost_reason: text,
  closed_at: text,
  stage_entered_at: string,
  last_activity_at: text,
  source: text,
  tags: array(string),
  created_by: text,
  created_at: string,
  updated_at: string,
  version: number,
});

const decodeColumn: Decoder<BoardColumn> = object({ ...stageFields, deals: array(decodeDeal), count: number, total: number, weighted_total: number });
export const decodeBoard: Decoder<Board> = object({ pipeline_id: string, base_currency: string, seq: number, columns: array(decodeColumn), missing_rates: array(string) });

export const decodeStageChange: Decoder<StageChange> = object({ id: string, from_stage_id: text, to_stage_id: string, actor_type: actorType, actor_id: text, at: string });
export const decodeStageChangeList: Decoder<{ data: StageChange[] }> = object({ data: array(decodeStageChange) });

export const decodeExchangeRate: Decoder<ExchangeRate> = object({ currency: string, rate: string, valid_from: string });
export const decodeExchangeRates: Decoder<{ base_currency: string; rates: ExchangeRate[] }> = object({ base_currency: string, rates: array(decodeExchangeRate) });

const optionalString: Decoder<string | undefined> = (value, path = "") => (value === undefined ? undefined : string(value, path));
const stringRecord: Decoder<Record<string, string>> = (value, path = "") => {
  const source = record(value, path);
  return Object.fromEntries(Object.entries(source).map(([key, item]) => [key, string(item, `${path}.${key}`)]));
};

const formFieldConfig = (value: unknown, path = "") => {
  const decoded = object({ field: oneOf(formFieldNames), required: boolean, label: optionalString })(value, path);
  return decoded.label === undefined ? { field: decoded.field, required: decoded.required } : { field: decoded.field, required: decoded.required, label: decoded.label };
};

export const decodeForm: Decoder<Form> = object({
  id: string,
  name: string,
  public_key: string,
  post_url: string,
  hosted_url: string,
  fields: array(formFieldConfig),
  hidden_fields: array(object({ name: string, value: string })),
  allowed_origins: array(string),
  redirect_url: text,
  thank_you_message: text,
  owner_mode: oneOf(["none", "fixed", "round_robin"] as const),
  owner_ids: array(string),
  lifecycle_stage: oneOf(lifecycleStages),
  tags: array(string),
  deal_pipeline_id: text,
  deal_stage_id: text,
  consent_text: text,
  consent_legal_basis: text,
  has_turnstile: boolean,
  min_fill_seconds: number,
  version: number,
  created_at: string,
  updated_at: string,
});
export const decodeFormList: Decoder<{ data: Form[] }> = object({ data: array(decodeForm) });

export const decodeSubmission: Decoder<Submission> = object({
  id: string,
  form_id: string,
  status: oneOf(submissionStatuses),
  reason: text,
  attempts: number,
  payload: stringRecord,
  attribution: stringRecord,
  origin: text,
  contact_id: text,
  deal_id: text,
  received_at: string,
  processed_at: text,
});
