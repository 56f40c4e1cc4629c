// Data-quality audits (issue 8): runtime shapes of audits and findings, and the calls that fetch
// them, on the one client. Typed with the workers' own schema types, so a server change fails
// the web type check until it is handled here.
import type { Audit, Finding, OwnerBreakdownItem } from "../../../workers/quality/quality.schema";
import type { Workspace } from "../../../workers/workspaces/workspace.schema";
import { array, type Decoder, DecodeError, nullable, number, object, oneOf, page, record, string } from "../lib/decode";
import { findingKinds, type FindingKind } from "../lib/quality";
import { type Page, request } from "./client";
import { decodeWorkspace } from "./decoders";

export type { Audit, Finding, OwnerBreakdownItem };

const text = nullable(string);
const kind = oneOf(findingKinds);

/** {kind: count} for the kinds the client knows; any other key is a server drift, not a crash. */
const counts: Decoder<Partial<Record<FindingKind, number>>> = (value, path = "") => {
  const source = record(value, path);
  const out: Partial<Record<FindingKind, number>> = {};
  for (const key of findingKinds) {
    const n = source[key];
    if (n !== undefined) out[key] = number(n, `${path}.${key}`);
  }
  return out;
};

const decodeOwner: Decoder<OwnerBreakdownItem> = object({
  owner_id: text,
  owner_name: text,
  contacts: number,
  deals: number,
  records: number,
  findings: counts,
  score: number,
});

export const decodeAudit: Decoder<Audit> = object({
  id: string,
  trigger: oneOf(["nightly", "manual"] as const),
  status: oneOf(["queued", "running", "done", "failed"] as const),
  score: nullable(number),
  contact_count: number,
  deal_count: number,
  totals: counts,
  per_owner: array(decodeOwner),
  inactive_days: number,
  created_at: string,
  started_at: text,
  finished_at: text,
  error: text,
});

const decodeFinding: Decoder<Finding> = object({
  kind,
  entity_type: oneOf(["contact", "deal", "duplicate_cluster"] as const),
  entity_id: string,
  owner_id: text,
  detail: text,
  label: text,
  // Only client routes are followed: a link from the server is used as an href, so it must be a path.
  link: (value, path = "") => {
    const link = string(value, path);
    if (!link.startsWith("/") || link.startsWith("//")) throw new DecodeError(path, "an app path");
    return link;
  },
});

const id = (value: string) => encodeURIComponent(value);

export type FindingQuery = { kind?: FindingKind; owner_id?: string; cursor?: string; limit?: number };

export const qualityApi = {
  runAudit: () => request.json(decodeAudit, "POST", "/audits/run"),
  audits: (query: { cursor?: string; limit?: number } = {}) => request.json<Page<Audit>>(page(decodeAudit), "GET", "/audits", { query: { limit: 30, ...query } }),
  audit: (auditId: string) => request.json(decodeAudit, "GET", `/audits/${id(auditId)}`),
  findings: (auditId: string, query: FindingQuery = {}) =>
    request.json<Page<Finding>>(page(decodeFinding), "GET", `/audits/${id(auditId)}/findings`, { query: { limit: 10, ...query } }),
  workspace: () => request.withEtag<Workspace>(decodeWorkspace, "GET", "/workspace"),
  setInactiveDays: (days: number, etag: string | null) =>
    request.withEtag<Workspace>(decodeWorkspace, "PATCH", "/workspace", { body: { quality_inactive_days: days }, ...request.ifMatch(etag) }),
};
