import { and, desc, eq, isNull, sql } from "drizzle-orm";
import { z } from "zod";
import { auditInsert } from "../audit/audit.service";
import type { Database } from "../db/client";
import { companies, contactEmails, contactPhones, contacts, duplicateClusters, duplicateDismissals } from "../db/schema";
import { toContact } from "../contacts/contact.mapper";
import type { Contact } from "../contacts/contact.schema";
import { normalizePhone } from "../contacts/normalize";
import { contactsFts } from "../contacts/search-index";
import { isoTime } from "../http/fields";
import { keysetAfter, orderBy } from "../http/keyset";
import { decodeCursor, toPage } from "../http/pagination";
import { problems } from "../http/problem";
import type { ServiceContext } from "../lib/service-context";
import { getWorkspaceRow } from "../workspaces/workspace.service";
import { orderedPair } from "./cluster";
import type { CheckInput, Cluster, ClusterListInput, PairReason } from "./duplicate.schema";
import { prepareRecord, scorePair } from "./match";
import { inJson, loadMatchRows, toMatchInput } from "./records";
import { lastScan } from "./scan.service";

export type ClusterRow = typeof duplicateClusters.$inferSelect;

const StoredIds = z.array(z.string());
const StoredPairs = z.array(z.object({ a: z.string(), b: z.string(), score: z.number(), reasons: z.array(z.string()) }));

export function clusterIds(row: Pick<ClusterRow, "contactIds">): string[] {
  return StoredIds.parse(JSON.parse(row.contactIds));
}

export function clusterPairs(row: Pick<ClusterRow, "reasons">): PairReason[] {
  return StoredPairs.parse(JSON.parse(row.reasons));
}

/** Live contacts by id (with their company), in one query whatever the number of ids. */
export async function liveContacts(db: Database, workspaceId: string, ids: readonly string[]): Promise<Map<string, Contact>> {
  if (ids.length === 0) return new Map();
  const rows = await db
    .select({ contact: contacts, company: { id: companies.id, name: companies.name } })
    .from(contacts)
    .leftJoin(companies, and(eq(companies.id, contacts.companyId), isNull(companies.deletedAt)))
    .where(and(eq(contacts.workspaceId, workspaceId), isNull(contacts.deletedAt), inJson(contacts.id, [...new Set(ids)])));
  return new Map(rows.map((row) => [row.contact.id, toContact(row.contact, row.company)]));
}

async function toClusters(db: Database, workspaceId: string, rows: ClusterRow[]): Promise<Cluster[]> {
  const ids = rows.map(clusterIds);
  const live = await liveContacts(db, workspaceId, ids.flat());
  return rows.map((row, index) => {
    const members = ids[index] ?? [];
    return {
      id: row.id,
      contact_ids: members,
      contacts: members.flatMap((id) => live.get(id) ?? []),
      score: row.score,
      reasons: clusterPairs(row),
      status: row.status,
      created_at: isoTime(row.createdAt),
      updated_at: isoTime(row.updatedAt),
    };
  });
}

/** Clusters of one status, highest score first (duplicate_clusters_status_idx), with the latest scan. */
export async function listClusters(db: Database, workspaceId: string, query: ClusterListInput) {
  const cursor = decodeCursor(query.cursor);
  const after = keysetAfter(sql`${duplicateClusters.score}`, duplicateClusters.id, "desc", cursor);
  const rows = await db
    .select()
    .from(duplicateClusters)
    .where(and(eq(duplicateClusters.workspaceId, workspaceId), eq(duplicateClusters.status, query.status), ...(after ? [after] : [])))
    .orderBy(...orderBy(sql`${duplicateClusters.score}`, duplicateClusters.id, "desc"))
    .limit(query.limit + 1);
  const page = toPage(rows, query.limit, (row) => [row.score, row.id], (row) => row);
  return { data: await toClusters(db, workspaceId, page.data), next_cursor: page.next_cursor, last_scan: await lastScan(db, workspaceId) };
}

export async function getClusterRow(db: Database, workspaceId: string, id: string): Promise<ClusterRow> {
  const [row] = await db
    .select()
    .from(duplicateClusters)
    .where(and(eq(duplicateClusters.workspaceId, workspaceId), eq(duplicateClusters.id, id)))
    .limit(1);
  if (!row) throw problems.notFound("duplicate cluster");
  return row;
}

export async function getCluster(db: Database, workspaceId: string, id: string): Promise<Cluster> {
  const [cluster] = await toClusters(db, workspaceId, [await getClusterRow(db, workspaceId, id)]);
  if (!cluster) throw problems.notFound("duplicate cluster");
  return cluster;
}

/** Every pair of the members, smaller id first: what a dismissal remembers. */
export function allPairs(ids: readonly string[]): [string, string][] {
  const pairs: [string, string][] = [];
  for (let i = 0; i < ids.length; i++) for (let j = i + 1; j < ids.length; j++) pairs.push(orderedPair(ids[i] ?? "", ids[j] ?? ""));
  return pairs;
}

/**
 * "Not duplicates": the cluster is dismissed and every pair of its members remembered, so no
 * later scan or entry-path suggestion proposes any of them together again. Dismissing twice is
 * harmless; a merged cluster cannot be dismissed.
 */
export async function dismissCluster(ctx: ServiceContext, id: string): Promise<Cluster> {
  const workspaceId = ctx.actor.workspaceId;
  const row = await getClusterRow(ctx.db, workspaceId, id);
  if (row.status === "merged") throw problems.conflict("cluster_merged", "These contacts were merged already; undo the merge to review them again.");
  if (row.status === "open") {
    const pairs = allPairs(clusterIds(row)).map(([a, b]) => ({ a, b }));
    await ctx.db.batch([
      ctx.db
        .update(duplicateClusters)
        .set({ status: "dismissed", resolvedAt: ctx.now, resolvedBy: ctx.actor.id, updatedAt: ctx.now })
        .where(and(eq(duplicateClusters.id, id), eq(duplicateClusters.status, "open"))),
      ctx.db
        .insert(duplicateDismissals)
        .select(sql`SELECT ${workspaceId}, value ->> 'a', value ->> 'b', ${ctx.actor.id}, ${ctx.now} FROM json_each(${JSON.stringify(pairs)}) WHERE true`)
        .onConflictDoNothing(),
      auditInsert(ctx, { action: "duplicates.dismissed", entityType: "duplicate_cluster", entityId: id, before: { status: "open" }, after: { status: "dismissed" } }),
    ]);
  }
  return getCluster(ctx.db, workspaceId, id);
}

// ---- the create form's check -------------------------------------------------------------------

/** Below this a candidate is not shown, unless it shares the email or phone (which the form must mention). */
const checkFloor = 0.6;
const checkLimit = 10;

/** FTS words for a name: each word's first four letters (a typo later in the word still matches). */
function nameSearch(firstName: string | undefined, lastName: string | undefined): string | null {
  const words = [firstName, lastName]
    .join(" ")
    .normalize("NFKD")
    .replace(/\p{M}+/gu, "")
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter((word) => word.length >= 2)
    .slice(0, 4);
  if (words.length === 0) return null;
  return `name : (${words.map((word) => `"${word.slice(0, 4).replaceAll('"', '""')}"*`).join(" AND ")})`;
}

async function companyOf(db: Database, workspaceId: string, companyId: string) {
  const [company] = await db
    .select({ id: companies.id, name: companies.name })
    .from(companies)
    .where(and(eq(companies.workspaceId, workspaceId), eq(companies.id, companyId), isNull(companies.deletedAt)))
    .limit(1);
  if (!company) throw problems.validation([{ parameter: "company_id", code: "unknown_company", detail: "No company with that id in this workspace." }]);
  return company;
}

/**
 * GET /duplicates/check: the contacts that a record about to be created would duplicate. The
 * candidates are those with the same email or phone, at the same company, or whose name starts
 * like it (the search index); each is scored with the scan's rules.
 */
export async function checkDuplicates(db: Database, workspaceId: string, query: CheckInput): Promise<{ contact: Contact; score: number; reasons: string[] }[]> {
  const phone = query.phone ? normalizePhone(query.phone, (await getWorkspaceRow(db, workspaceId)).defaultPhoneCountry) : null;
  const company = query.company_id ? await companyOf(db, workspaceId, query.company_id) : null;
  const candidates = new Set<string>();
  if (query.email) {
    const rows = await db.select({ id: contactEmails.contactId }).from(contactEmails).where(and(eq(contactEmails.workspaceId, workspaceId), eq(contactEmails.email, query.email))).limit(1);
    for (const row of rows) candidates.add(row.id);
  }
  if (phone) {
    const rows = await db.select({ id: contactPhones.contactId }).from(contactPhones).where(and(eq(contactPhones.workspaceId, workspaceId), eq(contactPhones.e164, phone.e164))).limit(50);
    for (const row of rows) candidates.add(row.id);
  }
  if (company) {
    const rows = await db
      .select({ id: contacts.id })
      .from(contacts)
      .where(and(eq(contacts.workspaceId, workspaceId), eq(contacts.companyId, company.id), isNull(contacts.deletedAt)))
      .limit(200);
    for (const row of rows) candidates.add(row.id);
  }
  const match = nameSearch(query.first_name, query.last_name);
  if (match) {
    const rows = await db
      .select({ id: contacts.id })
      .from(contactsFts)
      .innerJoin(contacts, eq(contacts.searchRowid, contactsFts.rowid))
      .where(and(sql`contacts_fts MATCH ${match}`, eq(contacts.workspaceId, workspaceId), isNull(contacts.deletedAt)))
      .orderBy(desc(contactsFts.rowid))
      .limit(100);
    for (const row of rows) candidates.add(row.id);
  }
  if (candidates.size === 0) return [];
  const probe = prepareRecord({
    id: "",
    firstName: query.first_name ?? null,
    lastName: query.last_name ?? null,
    emails: query.email ? [query.email] : [],
    phones: phone ? [phone.e164] : [],
    companyName: company?.name ?? null,
    city: query.city ?? null,
    birthday: null,
  });
  const rows = await loadMatchRows(db, workspaceId, [inJson(contacts.id, [...candidates])]);
  const scored = rows
    .map((row) => ({ id: row.id, ...scorePair(probe, prepareRecord(toMatchInput(row))) }))
    .filter((hit) => hit.score >= checkFloor || hit.reasons.includes("same_email") || hit.reasons.includes("same_phone"))
    .sort((a, b) => b.score - a.score || (a.id < b.id ? -1 : 1))
    .slice(0, checkLimit);
  const live = await liveContacts(db, workspaceId, scored.map((hit) => hit.id));
  return scored.flatMap((hit) => {
    const contact = live.get(hit.id);
    return contact ? [{ contact, score: hit.score, reasons: hit.reasons }] : [];
  });
}

