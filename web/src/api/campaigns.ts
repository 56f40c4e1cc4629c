// Segments, email templates and campaigns (issue 9): runtime shapes of what the API returns and
// the calls, on the one client (cookies, CSRF, refresh and bookmarks stay in client.ts).
import type { Contact } from "../../../workers/contacts/contact.schema";
import { array, boolean, type Decoder, DecodeError, isRecord, nullable, number, object, oneOf, page, record, string } from "../lib/decode";
import {
  campaignStatuses,
  type FilterCondition,
  type FilterGroup,
  recipientStatuses,
  scheduleModes,
  segmentFields,
  type ScheduleBody,
  templateLanguages,
} from "../lib/campaigns";
import { type Page, request } from "./client";
import { decodeContact } from "./decoders";

const text = nullable(string);
/** A member the server may leave out (older rows, fields added later) reads as null. */
const optional = <T>(inner: Decoder<T>): Decoder<T | null> => (value, path = "") => (value === undefined || value === null ? null : inner(value, path));

const decodeCondition: Decoder<FilterCondition> = (value, path = "") => {
  const source = record(value, path);
  const field = oneOf(segmentFields)(source.field, `${path}.field`);
  const op = string(source.op, `${path}.op`);
  if (field === "created_at" || field === "last_activity_at") {
    if (op === "before" || op === "after") return { field, op, value: string(source.value, `${path}.value`) };
    if (op === "within_last_days" || op === "not_within_last_days") return { field, op, value: number(source.value, `${path}.value`) };
    throw new DecodeError(`${path}.op`, "a date operator");
  }
  return { field, op, value: array(nullable(string))(source.value, `${path}.value`) };
};

export const decodeFilter: Decoder<FilterGroup> = (value, path = "") => {
  const source = record(value, path);
  const op = oneOf(["and", "or"] as const)(source.op, `${path}.op`);
  const conditions = array<FilterCondition | FilterGroup>((item, at = "") => (isRecord(item) && "conditions" in item ? decodeFilter(item, at) : decodeCondition(item, at)))(source.conditions, `${path}.conditions`);
  return { op, conditions };
};

export type Segment = { id: string; name: string; description: string | null; filter: FilterGroup; created_at: string; updated_at: string; version: number };
const decodeSegment: Decoder<Segment> = object({ id: string, name: string, description: text, filter: decodeFilter, created_at: string, updated_at: string, version: number });

export type SegmentPreview = { count: number; data: Contact[] | null };
// The count is what the builder is for; if the sample contacts do not decode, the count is still
// shown (with a note) rather than hiding both behind one error.
const decodePreview: Decoder<SegmentPreview> = (value, path = "") => {
  const source = record(value, path);
  const total = number(source.count, `${path}.count`);
  try {
    return { count: total, data: array(decodeContact)(source.data, `${path}.data`) };
  } catch {
    return { count: total, data: null };
  }
};

const language = oneOf(templateLanguages);
export type Variant = { language: (typeof templateLanguages)[number]; subject: string; html: string; text: string | null };
const decodeVariant: Decoder<Variant> = object({ language, subject: string, html: string, text: optional(string) });
export type Template = { id: string; name: string; default_language: Variant["language"]; variants: Variant[]; created_at: string; updated_at: string; version: number };
const decodeTemplate: Decoder<Template> = object({ id: string, name: string, default_language: language, variants: array(decodeVariant), created_at: string, updated_at: string, version: number });
export type RenderedEmail = { language: string; subject: string; html: string; text: string };
const decodeRendered: Decoder<RenderedEmail> = object({ language: string, subject: string, html: string, text: string });

const count = (value: unknown, path = "") => (value === undefined ? 0 : number(value, path));
export type CampaignCounts = { recipients: number; sent: number; failed: number; skipped: number; unsubscribed: number; pending: number; opened: number; clicked: number };
const decodeCounts: Decoder<CampaignCounts> = object({ recipients: count, sent: count, failed: count, skipped: count, unsubscribed: count, pending: count, opened: count, clicked: count });

export type Campaign = {
  id: string;
  name: string;
  kind: "newsletter" | "birthday";
  status: (typeof campaignStatuses)[number];
  segment_id: string | null;
  template_id: string | null;
  from_name: string;
  from_address: string;
  reply_to: string | null;
  schedule_mode: (typeof scheduleModes)[number];
  scheduled_at: string | null;
  send_local_date: string | null;
  send_local_time: string | null;
  quiet_start: string | null;
  quiet_end: string | null;
  throttle_per_minute: number | null;
  tracking_enabled: boolean;
  counts: CampaignCounts;
  started_at: string | null;
  finished_at: string | null;
  created_at: string;
  updated_at: string;
  version: number;
};
const decodeCampaign: Decoder<Campaign> = object({
  id: string,
  name: string,
  kind: oneOf(["newsletter", "birthday"] as const),
  status: oneOf(campaignStatuses),
  segment_id: optional(string),
  template_id: optional(string),
  from_name: string,
  from_address: string,
  reply_to: optional(string),
  schedule_mode: oneOf(scheduleModes),
  scheduled_at: optional(string),
  send_local_date: optional(string),
  send_local_time: optional(string),
  quiet_start: optional(string),
  quiet_end: optional(string),
  throttle_per_minute: optional(number),
  tracking_enabled: (value, path) => (value === undefined ? false : boolean(value, path)),
  counts: decodeCounts,
  started_at: optional(string),
  finished_at: optional(string),
  created_at: string,
  updated_at: string,
  version: number,
});

export type Recipient = {
  id: string;
  contact_id: string;
  email: string | null;
  status: (typeof recipientStatuses)[number];
  skip_reason: string | null;
  error: string | null;
  send_at: string | null;
  sent_at: string | null;
  unsubscribed_at: string | null;
  opened_at: string | null;
  clicked_at: string | null;
};
const decodeRecipient: Decoder<Recipient> = object({
  id: string,
  contact_id: string,
  email: optional(string),
  status: oneOf(recipientStatuses),
  skip_reason: optional(string),
  error: optional(string),
  send_at: optional(string),
  sent_at: optional(string),
  unsubscribed_at: optional(string),
  opened_at: optional(string),
  clicked_at: optional(string),
});

/** One campaign in a contact's history (GET /contacts/{id}/campaigns). */
export type ContactCampaign = Omit<Recipient, "id" | "contact_id" | "send_at"> & { campaign_id: string; campaign_name: string; campaign_status: (typeof campaignStatuses)[number]; tracking_enabled: boolean };
const decodeContactCampaign: Decoder<ContactCampaign> = object({
  campaign_id: string,
  campaign_name: string,
  campaign_status: oneOf(campaignStatuses),
  tracking_enabled: boolean,
  email: optional(string),
  status: oneOf(recipientStatuses),
  skip_reason: optional(string),
  error: optional(string),
  sent_at: optional(string),
  unsubscribed_at: optional(string),
  opened_at: optional(string),
  clicked_at: optional(string),
});

/** A tracked link of a campaign: people who followed it, and all clicks. */
export type CampaignLink = { url: string; recipients: number; clicks: number };
const decodeLink: Decoder<CampaignLink> = object({ url: string, recipients: number, clicks: number });

export type SegmentInput = { name: string; description?: string | null; filter: FilterGroup };
export type TemplateInput = { name: string; default_language: Variant["language"]; variants: { language: Variant["language"]; subject: string; html: string }[] };
export type CampaignInput = {
  name: string;
  segment_id: string;
  template_id: string;
  from_name: string;
  from_address: string;
  reply_to: string | null;
  quiet_start: string | null;
  quiet_end: string | null;
  throttle_per_minute: number | null;
  tracking_enabled: boolean;
};

/** Lists: segments come as {data}; templates and campaigns page with next_cursor. Both read the same. */
const list = <T>(item: Decoder<T>): Decoder<Page<T>> => object({ data: array(item), next_cursor: optional(string) });

const id = (value: string) => encodeURIComponent(value);
const ignore = async (promise: Promise<unknown>): Promise<void> => {
  await promise;
};

export const campaignsApi = {
  segments: () => request.json<Page<Segment>>(list(decodeSegment), "GET", "/segments"),
  segment: (segmentId: string) => request.withEtag(decodeSegment, "GET", `/segments/${id(segmentId)}`),
  createSegment: (body: SegmentInput) => request.json(decodeSegment, "POST", "/segments", { body }),
  updateSegment: (segmentId: string, body: SegmentInput, etag: string | null) =>
    request.withEtag(decodeSegment, "PATCH", `/segments/${id(segmentId)}`, { body, ...request.ifMatch(etag) }),
  deleteSegment: (segmentId: string) => ignore(request.call("DELETE", `/segments/${id(segmentId)}`)),
  previewFilter: (filter: FilterGroup, signal?: AbortSignal) =>
    request.json(decodePreview, "POST", "/segments/preview", { body: { filter, limit: 5 }, ...(signal ? { signal } : {}) }),
  previewSegment: (segmentId: string, limit = 5) => request.json(decodePreview, "GET", `/segments/${id(segmentId)}/preview`, { query: { limit } }),

  templates: (query: { cursor?: string; limit?: number } = {}) => request.json<Page<Template>>(list(decodeTemplate), "GET", "/templates", { query: { limit: 100, ...query } }),
  template: (templateId: string) => request.withEtag(decodeTemplate, "GET", `/templates/${id(templateId)}`),
  createTemplate: (body: TemplateInput) => request.json(decodeTemplate, "POST", "/templates", { body }),
  updateTemplate: (templateId: string, body: TemplateInput, etag: string | null) =>
    request.withEtag(decodeTemplate, "PATCH", `/templates/${id(templateId)}`, { body, ...request.ifMatch(etag) }),
  deleteTemplate: (templateId: string) => ignore(request.call("DELETE", `/templates/${id(templateId)}`)),
  previewTemplate: (templateId: string, body: { contact_id: string; language?: string }) => request.json(decodeRendered, "POST", `/templates/${id(templateId)}/preview`, { body }),
  testTemplate: (templateId: string, body: { language?: string }) => ignore(request.call("POST", `/templates/${id(templateId)}/test`, { body })),

  campaigns: (query: { cursor?: string; limit?: number } = {}) => request.json<Page<Campaign>>(list(decodeCampaign), "GET", "/campaigns", { query: { limit: 50, ...query } }),
  campaign: (campaignId: string) => request.withEtag(decodeCampaign, "GET", `/campaigns/${id(campaignId)}`),
  createCampaign: (body: CampaignInput) => request.withEtag(decodeCampaign, "POST", "/campaigns", { body }),
  updateCampaign: (campaignId: string, body: Partial<CampaignInput>, etag: string | null) =>
    request.withEtag(decodeCampaign, "PATCH", `/campaigns/${id(campaignId)}`, { body, ...request.ifMatch(etag) }),
  deleteCampaign: (campaignId: string) => ignore(request.call("DELETE", `/campaigns/${id(campaignId)}`)),
  schedule: (campaignId: string, body: ScheduleBody) => request.json(decodeCampaign, "POST", `/campaigns/${id(campaignId)}/schedule`, { body }),
  pause: (campaignId: string) => request.json(decodeCampaign, "POST", `/campaigns/${id(campaignId)}/pause`),
  resume: (campaignId: string) => request.json(decodeCampaign, "POST", `/campaigns/${id(campaignId)}/resume`),
  cancel: (campaignId: string) => request.json(decodeCampaign, "POST", `/campaigns/${id(campaignId)}/cancel`),
  testCampaign: (campaignId: string) => ignore(request.call("POST", `/campaigns/${id(campaignId)}/test`, { body: {} })),
  recipients: (campaignId: string, query: { status?: string; cursor?: string; limit?: number } = {}) =>
    request.json<Page<Recipient>>(page(decodeRecipient), "GET", `/campaigns/${id(campaignId)}/recipients`, { query: { limit: 25, ...query } }),
  contactCampaigns: (contactId: string, limit = 10) =>
    request.json<Page<ContactCampaign>>(page(decodeContactCampaign), "GET", `/contacts/${id(contactId)}/campaigns`, { query: { limit } }),
  links: (campaignId: string, limit = 10) => request.json(object({ data: array(decodeLink) }), "GET", `/campaigns/${id(campaignId)}/links`, { query: { limit } }),
};
