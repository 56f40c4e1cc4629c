import { and, asc, desc, eq, inArray, isNull, lt, or, sql, type SQL } from "drizzle-orm";
import type { Database } from "../db/client";
import { newId } from "../db/ids";
import { contacts, duplicateClusters, duplicateDismissals, duplicateScans, workspaces } from "../db/schema";
import { isoTime } from "../http/fields";
import { problems } from "../http/problem";
import { publishToWorkspace } from "../hub/publish";
import { sendJobs } from "../jobs/enqueue";
import type { ServiceContext } from "../lib/service-context";
import { findDuplicateClusters, memberKey, type FoundCluster } from "./cluster";
import type { Scan } from "./duplicate.schema";
import { prepareRecord, type PreparedRecord } from "./match";
import { loadMatchRows, toMatchInput, type MatchRow } from "./records";

// The workspace scan: read every live contact in keyset pages, block and score in memory, and
// store the clusters found. Runs in the queue consumer (duplicates.scan); nightly one per
// workspace (duplicates.nightly), on demand from POST /duplicates/scan.

export type ScanRow = typeof duplicateScans.$inferSelect;

/** Contacts read per D1 round trip. */
export const scanPageSize = 5_000;
/** Clusters written per statement: one JSON parameter, well under D1's 2 MB value limit. */
const clustersPerStatement = 400;
/** A queued or running manual scan younger than this is returned instead of starting another. */
const scanReuseMs = 15 * 60 * 1000;

export function toScan(row: ScanRow): Scan {
  return {
    id: row.id,
    trigger: row.trigger,
    status: row.status,
    contacts_scanned: row.contactsScanned,
    comparisons: row.comparisons,
    clusters_found: row.clustersFound,
    consumer_ms: row.consumerMs,
    created_at: isoTime(row.createdAt),
    started_at: isoTime(row.startedAt),
    finished_at: isoTime(row.finishedAt),
    error: row.error,
  };
}

export async function getScan(db: Database, workspaceId: string, id: string): Promise<Scan> {
  const [row] = await db
    .select()
    .from(duplicateScans)
    .where(and(eq(duplicateScans.workspaceId, workspaceId), eq(duplicateScans.id, id)))
    .limit(1);
  if (!row) throw problems.notFound("duplicate scan");
  return toScan(row);
}

export async function lastScan(db: Database, workspaceId: string): Promise<Scan | null> {
  const [row] = await db.select().from(duplicateScans).where(eq(duplicateScans.workspaceId, workspaceId)).orderBy(desc(duplicateScans.id)).limit(1);
  return row ? toScan(row) : null;
}

/**
 * POST /duplicates/scan: a manual scan, queued. While one is already queued or running (and not
 * stale) that one is returned, so double clicks and impatient retries do not stack scans.
 */
export async function requestScan(env: Env, ctx: ServiceContext): Promise<Scan> {
  const workspaceId = ctx.actor.workspaceId;
  const [pending] = await ctx.db
    .select()
    .from(duplicateScans)
    .where(and(eq(duplicateScans.workspaceId, workspaceId), inArray(duplicateScans.status, ["queued", "running"])))
    .orderBy(desc(duplicateScans.id))
    .limit(1);
  if (pending && pending.createdAt > ctx.now - scanReuseMs) return toScan(pending);
  const row: ScanRow = {
    id: newId("duplicateScan", ctx.now),
    workspaceId,
    trigger: "manual",
    window: null,
    status: "queued",
    contactsScanned: 0,
    comparisons: 0,
    clustersFound: 0,
    consumerMs: null,
    error: null,
    createdBy: ctx.actor.id,
    createdAt: ctx.now,
    startedAt: null,
    finishedAt: null,
  };
  await ctx.db.insert(duplicateScans).values(row);
  await sendJobs(env, [{ type: "duplicates.scan", scan_id: row.id }]);
  return toScan(row);
}

/**
 * duplicates.nightly: one scan per workspace that has live contacts, unique per (workspace,
 * window) so a repeated cron or a redelivered message creates nothing twice; every scan of the
 * window still queued is (re)sent, which is harmless because a scan that is done ignores it.
 */
export async function fanOutNightlyScans(env: Env, db: Database, window: string, now: number): Promise<number> {
  let after = "";
  let sent = 0;
  for (;;) {
    const page = await db
      .select({ id: workspaces.id })
      .from(workspaces)
      .where(and(sql`${workspaces.id} > ${after}`, sql`EXISTS (SELECT 1 FROM ${contacts} WHERE ${contacts.workspaceId} = ${workspaces.id} AND ${contacts.deletedAt} IS NULL)`))
      .orderBy(asc(workspaces.id))
      .limit(100);
    if (page.length === 0) break;
    after = page[page.length - 1]?.id ?? after;
    const payload = JSON.stringify(page.map((workspace) => ({ id: newId("duplicateScan", now), ws: workspace.id })));
    await db.run(sql`INSERT OR IGNORE INTO ${duplicateScans} (id, workspace_id, trigger, window_key, status, created_at)
      SELECT value ->> 'id', value ->> 'ws', 'nightly', ${window}, 'queued', ${now} FROM json_each(${payload})`);
    const queued = await db
      .select({ id: duplicateScans.id })
      .from(duplicateScans)
      .where(and(inArray(duplicateScans.workspaceId, page.map((workspace) => workspace.id)), eq(duplicateScans.window, window), eq(duplicateScans.status, "queued")));
    await sendJobs(env, queued.map((scan) => ({ type: "duplicates.scan" as const, scan_id: scan.id })));
    sent += queued.length;
    if (page.length < 100) break;
  }
  return sent;
}

/**
 * Every live contact of the workspace, oldest first, read in keyset pages over
 * contacts_created_idx. The next page is already being read while this one is prepared.
 */
async function loadWorkspace(db: Database, workspaceId: string): Promise<PreparedRecord[]> {
  const records: PreparedRecord[] = [];
  const pageAfter = (cursor: { createdAt: number; id: string } | null) =>
    loadMatchRows(db, workspaceId, cursor ? [sql`(${contacts.createdAt}, ${contacts.id}) > (${cursor.createdAt}, ${cursor.id})`] : [], scanPageSize);
  let pending: Promise<MatchRow[]> | null = pageAfter(null);
  while (pending) {
    const page: MatchRow[] = await pending;
    const last = page[page.length - 1];
    pending = last && page.length === scanPageSize ? pageAfter({ createdAt: last.createdAt, id: last.id }) : null;
    for (const row of page) records.push(prepareRecord(toMatchInput(row)));
  }
  return records;
}

async function loadDismissals(db: Database, workspaceId: string): Promise<Set<string>> {
  const rows = await db.select({ a: duplicateDismissals.contactA, b: duplicateDismissals.contactB }).from(duplicateDismissals).where(eq(duplicateDismissals.workspaceId, workspaceId));
  return new Set(rows.map((row) => `${row.a}|${row.b}`));
}

/** The JSON one cluster row is written from (json_each reads it inside the INSERT). */
function clusterPayload(cluster: FoundCluster, now: number) {
  return { id: newId("duplicateCluster", now), key: memberKey(cluster.ids), ids: JSON.stringify(cluster.ids), score: cluster.score, reasons: JSON.stringify(cluster.pairs) };
}

/**
 * Writes found clusters by member key: a new group is inserted open; the same group found
 * again keeps its id and status (an open one gets the new score and reasons; a dismissed or
 * merged one is left as it is).
 */
export function upsertClusters(db: Database, workspaceId: string, clusters: readonly FoundCluster[], scanId: string | null, now: number) {
  const statements = [];
  for (let start = 0; start < clusters.length; start += clustersPerStatement) {
    const payload = JSON.stringify(clusters.slice(start, start + clustersPerStatement).map((cluster) => clusterPayload(cluster, now)));
    statements.push(
      db
        .insert(duplicateClusters)
        .select(
          sql`SELECT value ->> 'id', ${workspaceId}, value ->> 'key', value ->> 'ids', value ->> 'score', value ->> 'reasons', 'open', ${scanId}, ${now}, ${now}, NULL, NULL
            FROM json_each(${payload}) WHERE true`,
        )
        .onConflictDoUpdate({
          target: [duplicateClusters.workspaceId, duplicateClusters.memberKey],
          set: { score: sql`excluded.score`, reasons: sql`excluded.reasons`, scanId: sql`excluded.scan_id`, updatedAt: sql`excluded.updated_at` },
          setWhere: eq(duplicateClusters.status, "open"),
        }),
    );
  }
  return statements;
}

export type ScanOutcome = { contactsScanned: number; comparisons: number; clustersFound: number; consumerMs: number } | null;

/**
 * duplicates.scan: runs a queued scan. Open clusters this scan no longer finds are removed (they
 * hold no decision of anyone's; dismissed and merged ones are history and stay), except those
 * written after the scan started (an entry-path suggestion made meanwhile). Results, stale
 * removal and the scan's own row commit in one batch. A redelivered message for a finished scan
 * does nothing; one for a scan left running by a crashed consumer runs it again (the writes are
 * keyed by member key, so that is harmless).
 */
export async function runScan(env: Env, db: Database, scanId: string): Promise<ScanOutcome> {
  const [scan] = await db.select().from(duplicateScans).where(eq(duplicateScans.id, scanId)).limit(1);
  if (!scan || scan.status === "done" || scan.status === "failed") return null;
  const workspaceId = scan.workspaceId;
  const startedAt = Date.now();
  await db.update(duplicateScans).set({ status: "running", startedAt, error: null }).where(eq(duplicateScans.id, scanId));
  try {
    const records = await loadWorkspace(db, workspaceId);
    const dismissed = await loadDismissals(db, workspaceId);
    const result = findDuplicateClusters(records, { isDismissed: (a, b) => dismissed.has(a < b ? `${a}|${b}` : `${b}|${a}`) });
    const now = Date.now();
    // The counts commit with the clusters they describe; the scan is marked done afterwards.
    await db.batch([
      db.update(duplicateScans).set({ contactsScanned: records.length, comparisons: result.comparisons, clustersFound: result.clusters.length }).where(eq(duplicateScans.id, scanId)),
      ...upsertClusters(db, workspaceId, result.clusters, scanId, now),
      db
        .delete(duplicateClusters)
        .where(
          and(
            eq(duplicateClusters.workspaceId, workspaceId),
            eq(duplicateClusters.status, "open"),
            lt(duplicateClusters.updatedAt, startedAt),
            or(isNull(duplicateClusters.scanId), sql`${duplicateClusters.scanId} != ${scanId}`),
          ),
        ),
    ]);
    const finishedAt = Date.now();
    const outcome = { contactsScanned: records.length, comparisons: result.comparisons, clustersFound: result.clusters.length, consumerMs: finishedAt - startedAt };
    await db
      .update(duplicateScans)
      .set({ status: "done", consumerMs: outcome.consumerMs, finishedAt })
      .where(eq(duplicateScans.id, scanId));
    await publishToWorkspace(env, workspaceId, { type: "duplicates.updated", id: scanId, actor: null, data: { scan_id: scanId, status: "done", clusters_found: outcome.clustersFound } });
    return outcome;
  } catch (error) {
    // A scan that failed once would fail the same way on every retry (the data is the data):
    // it is marked failed for the person who asked, and a new scan can be requested.
    console.error("Duplicate scan failed", scanId, error);
    const message = error instanceof Error ? error.message.slice(0, 500) : "scan failed";
    await db.update(duplicateScans).set({ status: "failed", error: message, finishedAt: Date.now(), consumerMs: Date.now() - startedAt }).where(eq(duplicateScans.id, scanId));
    await publishToWorkspace(env, workspaceId, { type: "duplicates.updated", id: scanId, actor: null, data: { scan_id: scanId, status: "failed" } });
    return null;
  }
}
