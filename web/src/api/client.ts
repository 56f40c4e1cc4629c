// The one door to the API. Cookie sessions: the browser holds httpOnly tokens, this module echoes
// the CSRF cookie on unsafe requests, refreshes once on 401 and keeps the D1 bookmark so that
// reads after a write see the write even when they hit a replica.
import type { ApiKey, CreatedApiKey } from "../../../workers/api-keys/api-key.schema";
import type { AuditEntry } from "../../../workers/audit/audit.schema";
import type { Company, CompanyCreateInput, CompanyPatchInput } from "../../../workers/companies/company.schema";
import type { Board, Deal, DealCreateInput, DealMoveInput, DealPatchInput, ExchangeRate, StageChange } from "../../../workers/deals/deal.schema";
import type { Pipeline, PipelineCreateInput, PipelinePatchInput } from "../../../workers/pipelines/pipeline.schema";
import type { ConsentRecord, Contact, ContactBulkInput, ContactCreateInput, ContactPatchInput } from "../../../workers/contacts/contact.schema";
import type { Me, Session, User } from "../../../workers/auth/auth.schema";
import type { CreatedInvitation, Invitation, InvitationPreview } from "../../../workers/team/invitation.schema";
import type { Member } from "../../../workers/team/member.schema";
import type { Workspace } from "../../../workers/workspaces/workspace.schema";
import type { Form, FormCreateInput, FormPatchInput, Submission } from "../../../workers/forms/form.schema";
import { readCookie } from "../lib/cookies";
import { type Decoder, page } from "../lib/decode";
import type { Language } from "../lib/language";
import { ApiError, toApiError } from "../lib/problem";
import * as d from "./decoders";
import * as td from "./task-decoders";

export { ApiError };
export type Page<T> = { data: T[]; next_cursor: string | null };
type Method = "GET" | "POST" | "PATCH" | "PUT" | "DELETE";
type Options = { body?: unknown; headers?: Record<string, string>; query?: Record<string, string | number | undefined>; signal?: AbortSignal };
type Raw = { status: number; headers: Headers; body: unknown };

const base = "/api/v1";
let bookmark: string | null = null;
let refreshing: Promise<boolean> | null = null;
let onExpired: () => void = () => undefined;

/** Called once when a session cannot be renewed, so the app can show the sign-in screen. */
export function onSessionExpired(handler: () => void): void {
  onExpired = handler;
}

function csrfToken(): string | null {
  return readCookie(document.cookie, "rapport_csrf");
}

function urlOf(path: string, query: Options["query"]): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query ?? {})) if (value !== undefined) params.set(key, String(value));
  const search = params.toString();
  return `${base}${path}${search ? `?${search}` : ""}`;
}

async function readBody(response: Response): Promise<unknown> {
  if (response.status === 204) return null;
  const type = response.headers.get("content-type") ?? "";
  if (!type.includes("json")) return await response.text();
  try {
    const parsed: unknown = await response.json();
    return parsed;
  } catch {
    return null;
  }
}

async function send(method: Method, path: string, options: Options): Promise<Raw> {
  const headers = new Headers({ accept: "application/json", ...options.headers });
  // A FormData body (a file upload) sets its own multipart content type with the boundary.
  const multipart = options.body instanceof FormData;
  if (options.body !== undefined && !multipart) headers.set("content-type", "application/json");
  if (method !== "GET") {
    const csrf = csrfToken();
    if (csrf) headers.set("x-csrf-token", csrf);
  }
  if (bookmark) headers.set("x-d1-bookmark", bookmark);
  let response: Response;
  try {
    response = await fetch(urlOf(path, options.query), {
      method,
      headers,
      credentials: "same-origin",
      ...(options.body instanceof FormData ? { body: options.body } : options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
    });
  } catch (error) {
    // A cancelled search is not a failure: callers recognise the AbortError and drop it.
    if (options.signal?.aborted) throw error;
    throw new ApiError(0, "network_error", "The server cannot be reached.", {}, [], null);
  }
  const nextBookmark = response.headers.get("x-d1-bookmark");
  if (nextBookmark) bookmark = nextBookmark;
  return { status: response.status, headers: response.headers, body: await readBody(response) };
}

async function postRefresh(): Promise<boolean> {
  try {
    const raw = await send("POST", "/auth/refresh", {});
    return raw.status === 200;
  } catch {
    return false;
  }
}

// Refresh tokens rotate and a reused one revokes the whole family, so two tabs must never
// refresh with the same token: a Web Lock orders tabs, and a tab that finds the CSRF cookie
// changed while it waited knows another tab already refreshed.
function refreshSession(csrfBefore: string | null): Promise<boolean> {
  refreshing ??= (async () => {
    try {
      const locks = "locks" in navigator ? navigator.locks : undefined;
      const run = async () => (csrfToken() !== csrfBefore && csrfToken() !== null ? true : await postRefresh());
      return locks ? await locks.request("rapport-refresh", run) : await run();
    } finally {
      refreshing = null;
    }
  })();
  return refreshing;
}

async function call(method: Method, path: string, options: Options = {}): Promise<Raw> {
  const csrfBefore = csrfToken();
  let raw = await send(method, path, options);
  if (raw.status === 401 && !path.startsWith("/auth/")) {
    if (await refreshSession(csrfBefore)) raw = await send(method, path, options);
    if (raw.status === 401) onExpired();
  }
  if (raw.status >= 400) throw toApiError(raw.status, raw.body, raw.headers.get("retry-after"));
  return raw;
}

async function json<T>(decoder: Decoder<T>, method: Method, path: string, options?: Options): Promise<T> {
  return decoder((await call(method, path, options)).body);
}

async function withEtag<T>(decoder: Decoder<T>, method: Method, path: string, options?: Options): Promise<{ data: T; etag: string | null }> {
  const raw = await call(method, path, options);
  return { data: decoder(raw.body), etag: raw.headers.get("etag") };
}

type PageQuery = { cursor?: string | undefined; limit?: number };
type ListQuery = Record<string, string | number | undefined>;
const id = (value: string) => encodeURIComponent(value);
const ifMatch = (etag: string | null) => (etag ? { headers: { "if-match": etag } } : {});

export const api = {
  signup: (body: { workspace_name: string; name: string; email: string; password: string; language: Language; time_zone?: string }) =>
    json<Session>(d.decodeSession, "POST", "/auth/signup", { body }),
  login: (body: { email: string; password: string }) => json<Session>(d.decodeSession, "POST", "/auth/login", { body }),
  logout: async () => {
    await call("POST", "/auth/logout");
  },
  me: () => json<Me>(d.decodeMe, "GET", "/me"),
  updateMe: (body: { language?: Language; name?: string; time_zone?: string }) => json<User>(d.decodeUser, "PATCH", "/me", { body }),

  workspace: () => withEtag<Workspace>(d.decodeWorkspace, "GET", "/workspace"),
  updateWorkspace: (body: Partial<Pick<Workspace, "name" | "default_currency" | "time_zone" | "default_phone_country" | "language">>, etag: string | null) =>
    withEtag<Workspace>(d.decodeWorkspace, "PATCH", "/workspace", { body, ...(etag ? { headers: { "if-match": etag } } : {}) }),

  members: (query: PageQuery = {}) => json<Page<Member>>(page(d.decodeMember), "GET", "/members", { query: { limit: 200, ...query } }),
  changeRole: (id: string, role: "admin" | "member" | "viewer") => json<Member>(d.decodeMember, "PATCH", `/members/${encodeURIComponent(id)}`, { body: { role } }),
  removeMember: async (id: string) => {
    await call("DELETE", `/members/${encodeURIComponent(id)}`);
  },

  invitations: (query: PageQuery = {}) => json<Page<Invitation>>(page(d.decodeInvitation), "GET", "/invitations", { query: { limit: 50, ...query } }),
  invite: (body: { email: string; role: "admin" | "member" | "viewer" }) => json<CreatedInvitation>(d.decodeCreatedInvitation, "POST", "/invitations", { body }),
  revokeInvitation: async (id: string) => {
    await call("DELETE", `/invitations/${encodeURIComponent(id)}`);
  },
  previewInvitation: (token: string) => json<InvitationPreview>(d.decodeInvitationPreview, "GET", `/invitations/${encodeURIComponent(token)}`),
  acceptInvitation: (token: string, body: { name?: string; password: string }) =>
    json<Session>(d.decodeSession, "POST", `/invitations/${encodeURIComponent(token)}/accept`, { body }),

  apiKeys: (query: PageQuery = {}) => json<Page<ApiKey>>(page(d.decodeApiKey), "GET", "/api-keys", { query: { limit: 200, ...query } }),
  createApiKey: (body: { name: string; scope: "read" | "write" | "admin" }) => json<CreatedApiKey>(d.decodeCreatedApiKey, "POST", "/api-keys", { body }),
  revokeApiKey: async (id: string) => {
    await call("DELETE", `/api-keys/${encodeURIComponent(id)}`);
  },

  auditLog: (query: PageQuery = {}) => json<Page<AuditEntry>>(page(d.decodeAuditEntry), "GET", "/audit-log", { query: { limit: 50, ...query } }),

  contacts: (query: ListQuery, signal?: AbortSignal) =>
    json<Page<Contact>>(page(d.decodeContact), "GET", "/contacts", { query: { limit: 50, ...query }, ...(signal ? { signal } : {}) }),
  contact: (contactId: string) => withEtag<Contact>(d.decodeContact, "GET", `/contacts/${id(contactId)}`),
  createContact: (body: ContactCreateInput) => json<Contact>(d.decodeContact, "POST", "/contacts", { body }),
  updateContact: (contactId: string, body: ContactPatchInput, etag: string | null) =>
    withEtag<Contact>(d.decodeContact, "PATCH", `/contacts/${id(contactId)}`, { body, ...ifMatch(etag) }),
  deleteContact: async (contactId: string) => {
    await call("DELETE", `/contacts/${id(contactId)}`);
  },
  restoreContact: (contactId: string) => json<Contact>(d.decodeContact, "POST", `/contacts/${id(contactId)}/restore`),
  consents: (contactId: string) => json<{ data: ConsentRecord[] }>(d.decodeConsentList, "GET", `/contacts/${id(contactId)}/consents`),
  bulkContacts: (body: ContactBulkInput) => json<{ updated: number }>(d.decodeBulkResult, "POST", "/contacts/bulk", { body }),

  companies: (query: ListQuery, signal?: AbortSignal) =>
    json<Page<Company>>(page(d.decodeCompany), "GET", "/companies", { query: { limit: 50, ...query }, ...(signal ? { signal } : {}) }),
  company: (companyId: string) => withEtag<Company>(d.decodeCompany, "GET", `/companies/${id(companyId)}`),
  createCompany: (body: CompanyCreateInput) => json<Company>(d.decodeCompany, "POST", "/companies", { body }),
  updateCompany: (companyId: string, body: CompanyPatchInput, etag: string | null) =>
    withEtag<Company>(d.decodeCompany, "PATCH", `/companies/${id(companyId)}`, { body, ...ifMatch(etag) }),
  deleteCompany: async (companyId: string) => {
    await call("DELETE", `/companies/${id(companyId)}`);
  },
  restoreCompany: (companyId: string) => json<Company>(d.decodeCompany, "POST", `/companies/${id(companyId)}/restore`),
  companyContacts: (companyId: string, query: PageQuery = {}) =>
    json<Page<Contact>>(page(d.decodeContact), "GET", `/companies/${id(companyId)}/contacts`, { query: { limit: 50, ...query } }),

  pipelines: () => json<{ data: Pipeline[] }>(d.decodePipelineList, "GET", "/pipelines"),
  createPipeline: (body: PipelineCreateInput) => json<Pipeline>(d.decodePipeline, "POST", "/pipelines", { body }),
  updatePipeline: (pipelineId: string, body: PipelinePatchInput) => json<Pipeline>(d.decodePipeline, "PATCH", `/pipelines/${id(pipelineId)}`, { body }),
  deletePipeline: async (pipelineId: string, moveDealsTo?: string) => {
    await call("DELETE", `/pipelines/${id(pipelineId)}`, { query: { move_deals_to: moveDealsTo } });
  },
  board: (pipelineId: string) => json<Board>(d.decodeBoard, "GET", `/pipelines/${id(pipelineId)}/board`),

  deals: (query: ListQuery) => json<Page<Deal>>(page(d.decodeDeal), "GET", "/deals", { query: { limit: 50, ...query } }),
  deal: (dealId: string) => withEtag<Deal>(d.decodeDeal, "GET", `/deals/${id(dealId)}`),
  createDeal: (body: DealCreateInput) => json<Deal>(d.decodeDeal, "POST", "/deals", { body }),
  updateDeal: (dealId: string, body: DealPatchInput, etag: string | null) => withEtag<Deal>(d.decodeDeal, "PATCH", `/deals/${id(dealId)}`, { body, ...ifMatch(etag) }),
  deleteDeal: async (dealId: string) => {
    await call("DELETE", `/deals/${id(dealId)}`);
  },
  moveDeal: (dealId: string, body: DealMoveInput) => json<Deal>(d.decodeDeal, "POST", `/deals/${id(dealId)}/move`, { body }),
  dealHistory: (dealId: string) => json<{ data: StageChange[] }>(d.decodeStageChangeList, "GET", `/deals/${id(dealId)}/history`),

  forms: () => json<{ data: Form[] }>(d.decodeFormList, "GET", "/forms"),
  form: (formId: string) => withEtag<Form>(d.decodeForm, "GET", `/forms/${id(formId)}`),
  createForm: (body: FormCreateInput) => json<Form>(d.decodeForm, "POST", "/forms", { body }),
  updateForm: (formId: string, body: FormPatchInput, etag: string | null) => withEtag<Form>(d.decodeForm, "PATCH", `/forms/${id(formId)}`, { body, ...ifMatch(etag) }),
  deleteForm: async (formId: string) => {
    await call("DELETE", `/forms/${id(formId)}`);
  },
  submissions: (formId: string, query: ListQuery = {}) =>
    json<Page<Submission>>(page(d.decodeSubmission), "GET", `/forms/${id(formId)}/submissions`, { query: { limit: 25, ...query } }),
  replaySubmission: (formId: string, submissionId: string) =>
    json<Submission>(d.decodeSubmission, "POST", `/forms/${id(formId)}/submissions/${id(submissionId)}/replay`),

  exchangeRates: () => json<{ base_currency: string; rates: ExchangeRate[] }>(d.decodeExchangeRates, "GET", "/exchange-rates"),
  putExchangeRates: (rates: ExchangeRate[]) => json<{ base_currency: string; rates: ExchangeRate[] }>(d.decodeExchangeRates, "PUT", "/exchange-rates", { body: { rates } }),

  // Tasks, notifications and the outbox (issue 6).
  tasks: (query: ListQuery, signal?: AbortSignal) =>
    json<Page<td.Task>>(page(td.decodeTask), "GET", "/tasks", { query: { limit: 100, ...query }, ...(signal ? { signal } : {}) }),
  task: (taskId: string) => withEtag<td.Task>(td.decodeTask, "GET", `/tasks/${id(taskId)}`),
  createTask: (body: td.TaskCreateInput) => json<td.Task>(td.decodeTask, "POST", "/tasks", { body }),
  updateTask: (taskId: string, body: td.TaskInput, etag: string | null) => withEtag<td.Task>(td.decodeTask, "PATCH", `/tasks/${id(taskId)}`, { body, ...ifMatch(etag) }),
  deleteTask: async (taskId: string) => {
    await call("DELETE", `/tasks/${id(taskId)}`);
  },
  notifications: (query: PageQuery & { unread?: boolean } = {}) =>
    json(td.decodeNotificationPage, "GET", "/notifications", { query: { limit: query.limit ?? 20, cursor: query.cursor, unread: query.unread ? "true" : undefined } }),
  markNotificationsRead: (body: { ids: string[] } | { all: true }) => json(td.decodeUnreadCount, "POST", "/notifications/read", { body }),
  notificationPreferences: () => json(td.decodePreferences, "GET", "/notifications/preferences"),
  putNotificationPreferences: (data: { type: td.NotificationType; in_app: boolean; email: boolean }[]) =>
    json(td.decodePreferences, "PUT", "/notifications/preferences", { body: { data } }),
  outbox: (query: PageQuery = {}) => json<Page<td.OutboxSummary>>(page(td.decodeOutboxSummary), "GET", "/outbox", { query: { limit: 50, ...query } }),
  outboxEmail: (emailId: string) => json<td.OutboxEmail>(td.decodeOutboxEmail, "GET", `/outbox/${id(emailId)}`),
};

// Feature modules (api/activities.ts, …) build their calls on the same door, so cookies, CSRF,
// refresh and bookmarks stay in one place while this file does not grow a line per route.
export const request = { call, json, withEtag, ifMatch };
