// Duplicate review (issue 8): runtime shapes of scans, clusters, merges and the create-form check,
// and the calls that fetch them. Typed with the worker's own types, so a schema change fails the
// web type check until it is handled here; kept beside decoders.ts so the record decoders stay
// untouched. Contacts inside a cluster reuse decodeContact.
import type { Contact } from "../../../workers/contacts/contact.schema";
import type { Cluster, Merge, MergeInput, PairReason, Scan } from "../../../workers/duplicates/duplicate.schema";
import { array, type Decoder, nullable, number, object, oneOf, record, string } from "../lib/decode";
import { request, type Page } from "./client";
import { decodeContact } from "./decoders";

export const scanStatuses = ["queued", "running", "done", "failed"] as const;
export const clusterStatuses = ["open", "dismissed", "merged"] as const;
export type ClusterStatus = (typeof clusterStatuses)[number];
export type { Cluster, Merge, PairReason, Scan };
export type ClusterPage = Page<Cluster> & { last_scan: Scan | null };
export type MergeBody = MergeInput;
export type DuplicateMatch = { contact: Contact; score: number; reasons: string[] };

const text = nullable(string);

export const decodeScan: Decoder<Scan> = object({
  id: string,
  trigger: oneOf(["nightly", "manual"] as const),
  status: oneOf(scanStatuses),
  contacts_scanned: number,
  comparisons: number,
  clusters_found: number,
  consumer_ms: nullable(number),
  created_at: string,
  started_at: text,
  finished_at: text,
  error: text,
});

const decodePairReason: Decoder<PairReason> = object({ a: string, b: string, score: number, reasons: array(string) });

export const decodeCluster: Decoder<Cluster> = object({
  id: string,
  contact_ids: array(string),
  contacts: array(decodeContact),
  score: number,
  reasons: array(decodePairReason),
  status: oneOf(clusterStatuses),
  created_at: string,
  updated_at: string,
});

export const decodeClusterPage: Decoder<ClusterPage> = object({
  data: array(decodeCluster),
  next_cursor: text,
  last_scan: nullable(decodeScan),
});

const stringMap: Decoder<Record<string, string>> = (value, path = "") =>
  Object.fromEntries(Object.entries(record(value, path)).map(([key, item]) => [key, string(item, `${path}.${key}`)]));

export const decodeMerge: Decoder<Merge> = object({
  id: string,
  primary_id: string,
  duplicate_ids: array(string),
  fields: stringMap,
  created_at: string,
  undo_until: string,
  undone_at: text,
});

export const decodeMergeResult: Decoder<{ merge: Merge; contact: Contact }> = object({ merge: decodeMerge, contact: decodeContact });
export const decodeUndoResult: Decoder<{ merge: Merge; contacts: Contact[] }> = object({ merge: decodeMerge, contacts: array(decodeContact) });

export const decodeDuplicateMatches: Decoder<{ data: DuplicateMatch[] }> = object({
  data: array(object({ contact: decodeContact, score: number, reasons: array(string) })),
});

const id = (value: string) => encodeURIComponent(value);

export const duplicatesApi = {
  clusters: (query: { status?: ClusterStatus; cursor?: string | undefined; limit?: number } = {}) =>
    request.json(decodeClusterPage, "GET", "/duplicates", { query: { status: query.status ?? "open", cursor: query.cursor, limit: query.limit ?? 50 } }),
  cluster: (clusterId: string) => request.json(decodeCluster, "GET", `/duplicates/${id(clusterId)}`),
  dismiss: (clusterId: string) => request.json(decodeCluster, "POST", `/duplicates/${id(clusterId)}/dismiss`),
  scan: () => request.json(decodeScan, "POST", "/duplicates/scan"),
  scanStatus: (scanId: string) => request.json(decodeScan, "GET", `/duplicates/scans/${id(scanId)}`),
  merge: (body: MergeBody) => request.json(decodeMergeResult, "POST", "/contacts/merge", { body }),
  undoMerge: (mergeId: string) => request.json(decodeUndoResult, "POST", `/merges/${id(mergeId)}/undo`),
  check: (query: Record<string, string | undefined>, signal?: AbortSignal) =>
    request.json(decodeDuplicateMatches, "GET", "/duplicates/check", { query, ...(signal ? { signal } : {}) }),
};
