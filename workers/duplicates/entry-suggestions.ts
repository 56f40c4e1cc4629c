import { and, eq, isNull, or, sql } from "drizzle-orm";
import { createDatabase, type Database } from "../db/client";
import { newId } from "../db/ids";
import { companies, contactPhones, contacts, duplicateClusters, duplicateDismissals } from "../db/schema";
import { publishToWorkspace } from "../hub/publish";
import { maxClusterSize, memberKey, orderedPair, type PairEvidence } from "./cluster";
import { clusterIds, clusterPairs } from "./cluster.service";
import { duplicateThreshold, prepareRecord, scorePair, type PreparedRecord } from "./match";
import { inJson, loadMatchRows, toMatchInput } from "./records";

// Entry-path suggestions: right after contacts are created (API and web, form leads, imports),
// those sharing a phone with an existing contact, or a name at the same company, become open
// clusters for review at once instead of waiting for the nightly scan. The exact email is not
// here: every entry path refuses (409) or merges it already.

/** New contacts handled per round of queries (an import chunk has ~500): about eight queries a round. */
const idsPerRound = 500;
/** Colleagues read per round: enough for the name match, bounded for companies of thousands. */
const colleaguesPerRound = 5_000;

type Found = { ids: Set<string>; pairs: PairEvidence[]; absorbed: string[] };

/**
 * Scores each just-created contact against the contacts sharing one of its phones and those at
 * its company (also company records with the same name key: "UAB Alfa" and "Alfa, UAB"), and
 * stores each match as an open cluster (joined with any open cluster one of them is in already,
 * up to ten members). Dismissed pairs are never proposed. Returns how many clusters it created.
 */
export async function suggestDuplicatesFor(db: Database, workspaceId: string, contactIds: readonly string[], now: number): Promise<number> {
  let created = 0;
  for (let start = 0; start < contactIds.length; start += idsPerRound) {
    created += await suggestRound(db, workspaceId, [...new Set(contactIds.slice(start, start + idsPerRound))], now);
  }
  return created;
}

async function suggestRound(db: Database, workspaceId: string, newIds: string[], now: number): Promise<number> {
  const fresh = await db
    .select({ id: contacts.id, companyId: contacts.companyId, phones: sql<string | null>`(SELECT group_concat(value ->> 'e164', ' ') FROM json_each(${contacts.phones}))` })
    .from(contacts)
    .where(and(eq(contacts.workspaceId, workspaceId), isNull(contacts.deletedAt), inJson(contacts.id, newIds)));
  if (fresh.length === 0) return 0;
  const phones = [...new Set(fresh.flatMap((row) => (row.phones ? row.phones.split(" ") : [])))];
  const companyIds = [...new Set(fresh.flatMap((row) => (row.companyId ? [row.companyId] : [])))];

  const candidateIds = new Set<string>(fresh.map((row) => row.id));
  if (phones.length > 0) {
    const rows = await db
      .select({ id: contactPhones.contactId })
      .from(contactPhones)
      .where(and(eq(contactPhones.workspaceId, workspaceId), inJson(contactPhones.e164, phones)));
    for (const row of rows) candidateIds.add(row.id);
  }
  if (companyIds.length > 0) {
    // The same company typed twice is two company records with the same name key.
    const sameName = await db
      .select({ id: companies.id })
      .from(companies)
      .where(
        and(
          eq(companies.workspaceId, workspaceId),
          isNull(companies.deletedAt),
          sql`${companies.nameSort} IN (SELECT name_sort FROM companies WHERE workspace_id = ${workspaceId} AND id IN (SELECT value FROM json_each(${JSON.stringify(companyIds)})))`,
        ),
      )
      .limit(1_000);
    const rows = await db
      .select({ id: contacts.id })
      .from(contacts)
      .where(and(eq(contacts.workspaceId, workspaceId), isNull(contacts.deletedAt), inJson(contacts.companyId, [...new Set([...companyIds, ...sameName.map((row) => row.id)])])))
      .limit(colleaguesPerRound);
    for (const row of rows) candidateIds.add(row.id);
  }
  if (candidateIds.size <= 1) return 0;

  const rows = await loadMatchRows(db, workspaceId, [inJson(contacts.id, [...candidateIds])]);
  const records = new Map<string, PreparedRecord>(rows.map((row) => [row.id, prepareRecord(toMatchInput(row))]));
  const involved = [...records.keys()];
  const dismissed = await db
    .select({ a: duplicateDismissals.contactA, b: duplicateDismissals.contactB })
    .from(duplicateDismissals)
    .where(and(eq(duplicateDismissals.workspaceId, workspaceId), or(inJson(duplicateDismissals.contactA, involved), inJson(duplicateDismissals.contactB, involved))));
  const isDismissed = new Set(dismissed.map((row) => `${row.a}|${row.b}`));

  // Each new contact is scored against those sharing a phone or its company only (not every
  // candidate of the round: an import chunk of 500 at big companies would be millions of pairs).
  const sharing = new Map<string, string[]>();
  const keysOf = (record: PreparedRecord) => [...record.phones.map((phone) => `p:${phone}`), ...(record.company ? [`c:${record.company}`] : [])];
  for (const [id, record] of records) {
    for (const key of keysOf(record)) {
      const ids = sharing.get(key);
      if (ids) ids.push(id);
      else sharing.set(key, [id]);
    }
  }
  const isNew = new Set(newIds);
  const pairs: PairEvidence[] = [];
  for (const id of newIds) {
    const record = records.get(id);
    if (!record) continue;
    const others = new Set(keysOf(record).flatMap((key) => sharing.get(key) ?? []));
    for (const otherId of others) {
      const other = records.get(otherId);
      if (!other || otherId === id || (isNew.has(otherId) && otherId < id)) continue;
      const { score, reasons } = scorePair(record, other);
      const [a, b] = orderedPair(id, otherId);
      if (score >= duplicateThreshold && !isDismissed.has(`${a}|${b}`)) pairs.push({ a, b, score, reasons });
    }
  }
  if (pairs.length === 0) return 0;

  // Open clusters any matched contact is in already: the new contact joins them.
  const open = await db
    .select()
    .from(duplicateClusters)
    .where(
      and(
        eq(duplicateClusters.workspaceId, workspaceId),
        eq(duplicateClusters.status, "open"),
        sql`EXISTS (SELECT 1 FROM json_each(${duplicateClusters.contactIds}) WHERE value IN (SELECT value FROM json_each(${JSON.stringify(involved)})))`,
      ),
    );
  const groups: Found[] = [];
  const groupOf = (id: string) => groups.find((group) => group.ids.has(id));
  for (const cluster of open) groups.push({ ids: new Set(clusterIds(cluster)), pairs: clusterPairs(cluster), absorbed: [cluster.id] });
  const fromOpen = new Set(groups);
  for (const pair of pairs.sort((x, y) => y.score - x.score)) {
    const left = groupOf(pair.a);
    const right = groupOf(pair.b);
    if (left && left === right) {
      if (!left.pairs.some((known) => known.a === pair.a && known.b === pair.b)) left.pairs.push(pair);
      continue;
    }
    const size = (left?.ids.size ?? 1) + (right?.ids.size ?? 1);
    if (size > maxClusterSize) continue;
    // Never back together in one cluster: a pair someone dismissed.
    const leftIds = [...(left?.ids ?? [pair.a])];
    const rightIds = [...(right?.ids ?? [pair.b])];
    if (leftIds.some((x) => rightIds.some((y) => isDismissed.has(orderedPair(x, y).join("|"))))) continue;
    const joined: Found = {
      ids: new Set([...(left?.ids ?? [pair.a]), ...(right?.ids ?? [pair.b])]),
      pairs: [...(left?.pairs ?? []), ...(right?.pairs ?? []), pair],
      absorbed: [...(left?.absorbed ?? []), ...(right?.absorbed ?? [])],
    };
    for (const old of [left, right]) if (old) groups.splice(groups.indexOf(old), 1);
    groups.push(joined);
  }
  const changed = groups.filter((group) => !fromOpen.has(group));
  if (changed.length === 0) return 0;

  const writes = changed.map((group) => {
    const ids = [...group.ids].sort();
    const score = Math.round((group.pairs.reduce((sum, pair) => sum + pair.score, 0) / group.pairs.length) * 100) / 100;
    return db
      .insert(duplicateClusters)
      .values({
        id: newId("duplicateCluster", now),
        workspaceId,
        memberKey: memberKey(ids),
        contactIds: JSON.stringify(ids),
        score,
        reasons: JSON.stringify(group.pairs),
        status: "open",
        scanId: null,
        createdAt: now,
        updatedAt: now,
      })
      .onConflictDoNothing();
  });
  const absorbed = changed.flatMap((group) => group.absorbed);
  const [first, ...rest] = writes;
  if (!first) return 0;
  await db.batch([first, ...rest, ...(absorbed.length > 0 ? [db.delete(duplicateClusters).where(and(eq(duplicateClusters.workspaceId, workspaceId), inJson(duplicateClusters.id, absorbed)))] : [])]);
  return changed.length;
}

/**
 * For request handlers and jobs that must not fail or slow down because of a suggestion: runs
 * suggestDuplicatesFor, announces new clusters (duplicates.updated), and logs failures (the
 * nightly scan finds what a failed suggestion missed).
 */
export async function suggestAndAnnounce(env: Env, workspaceId: string, contactIds: readonly string[]): Promise<number> {
  try {
    const created = await suggestDuplicatesFor(createDatabase(env.DB), workspaceId, contactIds, Date.now());
    if (created > 0) await publishToWorkspace(env, workspaceId, { type: "duplicates.updated", id: contactIds[0] ?? workspaceId, actor: null, data: { suggested: created, contact_ids: contactIds.slice(0, 50) } });
    return created;
  } catch (error) {
    console.error("Duplicate suggestion failed", workspaceId, error);
    return 0;
  }
}
