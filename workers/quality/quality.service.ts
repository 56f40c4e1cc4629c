import { and, asc, desc, eq, inArray, isNull, lt, sql } from "drizzle-orm";
import { z } from "zod";
import { displayName } from "../contacts/normalize";
import type { Database } from "../db/client";
import { newId } from "../db/ids";
import { contacts, deals, duplicateClusters, qualityAudits, qualityFindingKinds, qualityFindings, workspaces, type QualityFindingKind } from "../db/schema";
import { sendJobs } from "../jobs/enqueue";
import { isoTime } from "../http/fields";
import { decodeCursor, idCursor, toPage } from "../http/pagination";
import { problems } from "../http/problem";
import type { ServiceContext } from "../lib/service-context";
import type { Audit, AuditListInput, Finding, FindingListInput, OwnerBreakdownItem } from "./quality.schema";

export type AuditRow = typeof qualityAudits.$inferSelect;

/** Findings are kept for this many finished audits per workspace; older ones keep only their score. */
export const keptFindingAudits = 5;

/** An audit still queued or running this long after it was created is taken as lost (its messages dead-lettered). */
export const staleAuditMs = 60 * 60 * 1000;

const kindSet: ReadonlySet<string> = new Set(qualityFindingKinds);
const storedTotals = z.record(z.string(), z.number());
const storedOwners = z.array(
  z.object({
    owner_id: z.string().nullable(),
    owner_name: z.string().nullable(),
    contacts: z.number(),
    deals: z.number(),
    records: z.number(),
    findings: z.record(z.string(), z.number()),
    score: z.number(),
  }),
);

function countsOf(value: Record<string, number>): Partial<Record<QualityFindingKind, number>> {
  const out: Partial<Record<QualityFindingKind, number>> = {};
  for (const kind of qualityFindingKinds) {
    const n = value[kind];
    if (n !== undefined) out[kind] = n;
  }
  return out;
}

function parseJson<T>(schema: z.ZodType<T>, text: string, fallback: T): T {
  try {
    const parsed = schema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : fallback;
  } catch {
    return fallback;
  }
}

export function toAudit(row: AuditRow): Audit {
  const owners: OwnerBreakdownItem[] = parseJson(storedOwners, row.perOwner, []).map((owner) => ({ ...owner, findings: countsOf(owner.findings) }));
  return {
    id: row.id,
    trigger: row.trigger,
    status: row.status,
    score: row.score,
    contact_count: row.contactCount ?? 0,
    deal_count: row.dealCount ?? 0,
    totals: countsOf(parseJson(storedTotals, row.totals, {})),
    per_owner: owners,
    inactive_days: row.inactiveDays,
    created_at: isoTime(row.createdAt),
    started_at: isoTime(row.startedAt),
    finished_at: isoTime(row.finishedAt),
    error: row.error,
  };
}

export async function getAuditRow(db: Database, workspaceId: string, auditId: string): Promise<AuditRow> {
  const [row] = await db
    .select()
    .from(qualityAudits)
    .where(and(eq(qualityAudits.workspaceId, workspaceId), eq(qualityAudits.id, auditId)))
    .limit(1);
  if (!row) throw problems.notFound("audit");
  return row;
}

const inFlight = (row: AuditRow) => row.status === "queued" || row.status === "running";

/**
 * Starts an audit of the caller's workspace, or returns the one already queued or running (a
 * second click, or the nightly run, must not start a parallel audit over the same records). An
 * audit stuck in flight for an hour lost its messages to the dead-letter queue: it is marked
 * failed and a new one starts.
 */
export async function startAudit(env: Env, ctx: ServiceContext): Promise<{ audit: Audit; started: boolean }> {
  const workspaceId = ctx.actor.workspaceId;
  // The newest few are enough: an in-flight audit is always among the latest.
  const recent = await ctx.db
    .select()
    .from(qualityAudits)
    .where(eq(qualityAudits.workspaceId, workspaceId))
    .orderBy(desc(qualityAudits.id))
    .limit(3);
  for (const row of recent) {
    if (!inFlight(row)) continue;
    if (row.createdAt > ctx.now - staleAuditMs) return { audit: toAudit(row), started: false };
    await ctx.db
      .update(qualityAudits)
      .set({ status: "failed", error: "timed_out", finishedAt: ctx.now, cursor: null })
      .where(and(eq(qualityAudits.id, row.id), inArray(qualityAudits.status, ["queued", "running"])));
  }
  const [workspace] = await ctx.db.select({ inactiveDays: workspaces.qualityInactiveDays }).from(workspaces).where(eq(workspaces.id, workspaceId)).limit(1);
  if (!workspace) throw problems.notFound("workspace");
  const row: AuditRow = {
    id: newId("qualityAudit", ctx.now),
    workspaceId,
    trigger: "manual",
    window: null,
    status: "queued",
    score: null,
    contactCount: 0,
    dealCount: 0,
    totals: "{}",
    perOwner: "[]",
    inactiveDays: workspace.inactiveDays,
    cursor: null,
    error: null,
    createdBy: ctx.actor.id,
    createdAt: ctx.now,
    startedAt: null,
    finishedAt: null,
  };
  await ctx.db.insert(qualityAudits).values(row);
  try {
    await sendJobs(env, [{ type: "quality.audit", audit_id: row.id }]);
  } catch (error) {
    console.error("Audit not queued", row.id, error);
    await ctx.db.update(qualityAudits).set({ status: "failed", error: "not_queued", finishedAt: ctx.now }).where(eq(qualityAudits.id, row.id));
    throw problems.unavailable("The audit could not be queued. Try again in a moment.");
  }
  return { audit: toAudit(row), started: true };
}

export async function listAudits(db: Database, workspaceId: string, query: AuditListInput) {
  const after = idCursor(query.cursor);
  const rows = await db
    .select()
    .from(qualityAudits)
    .where(and(eq(qualityAudits.workspaceId, workspaceId), after === null ? undefined : lt(qualityAudits.id, after)))
    .orderBy(desc(qualityAudits.id))
    .limit(query.limit + 1);
  return toPage(rows, query.limit, (row) => [row.id], toAudit);
}

/**
 * The oldest audit whose findings are still kept: the keptFindingAudits-th newest finished one.
 * Findings of audits before it are pruned (their scores stay). Null while fewer have finished.
 */
export async function oldestKeptAuditId(db: Database, workspaceId: string): Promise<string | null> {
  const [row] = await db
    .select({ id: qualityAudits.id })
    .from(qualityAudits)
    .where(and(eq(qualityAudits.workspaceId, workspaceId), eq(qualityAudits.status, "done")))
    .orderBy(desc(qualityAudits.id))
    .limit(1)
    .offset(keptFindingAudits - 1);
  return row?.id ?? null;
}

export function findingLink(entityType: Finding["entity_type"], entityId: string): string {
  if (entityType === "deal") return `/deals/${entityId}`;
  if (entityType === "duplicate_cluster") return "/duplicates";
  return `/contacts/${entityId}`;
}

/** Names for a page of findings: each record's current name, read by primary key (one query per entity type). */
async function labelsFor(db: Database, workspaceId: string, rows: { entityType: string; entityId: string }[]): Promise<Map<string, string>> {
  const labels = new Map<string, string>();
  const idsOf = (type: string) => rows.filter((row) => row.entityType === type).map((row) => row.entityId);
  const clusterIds = idsOf("duplicate_cluster");
  const clusters =
    clusterIds.length === 0
      ? []
      : await db
          .select({ id: duplicateClusters.id, memberKey: duplicateClusters.memberKey })
          .from(duplicateClusters)
          .where(and(eq(duplicateClusters.workspaceId, workspaceId), inArray(duplicateClusters.id, sql`(SELECT value FROM json_each(${JSON.stringify(clusterIds)}))`)));
  // A cluster is named by its first three members.
  const membersOf = new Map(clusters.map((cluster) => [cluster.id, cluster.memberKey.split(",").filter(Boolean).slice(0, 3)]));
  const contactIds = [...new Set([...idsOf("contact"), ...[...membersOf.values()].flat()])];
  const dealIds = idsOf("deal");
  const [people, dealRows] = await Promise.all([
    contactIds.length === 0
      ? Promise.resolve([])
      : db
          .select({ id: contacts.id, firstName: contacts.firstName, lastName: contacts.lastName, email: contacts.primaryEmail, phone: contacts.primaryPhone })
          .from(contacts)
          .where(and(eq(contacts.workspaceId, workspaceId), isNull(contacts.deletedAt), inArray(contacts.id, sql`(SELECT value FROM json_each(${JSON.stringify(contactIds)}))`))),
    dealIds.length === 0
      ? Promise.resolve([])
      : db
          .select({ id: deals.id, title: deals.title })
          .from(deals)
          .where(and(eq(deals.workspaceId, workspaceId), isNull(deals.deletedAt), inArray(deals.id, sql`(SELECT value FROM json_each(${JSON.stringify(dealIds)}))`))),
  ]);
  for (const person of people) labels.set(person.id, displayName(person));
  for (const deal of dealRows) labels.set(deal.id, deal.title);
  for (const [clusterId, members] of membersOf) {
    const names = members.map((id) => labels.get(id)).filter((name): name is string => name !== undefined);
    if (names.length > 0) labels.set(clusterId, names.join(" · "));
  }
  return labels;
}

/**
 * One page of an audit's findings, by kind then record id. 410 once the audit's findings were
 * pruned (only the latest audits keep them).
 */
export async function listFindings(db: Database, workspaceId: string, auditId: string, query: FindingListInput) {
  const audit = await getAuditRow(db, workspaceId, auditId);
  const oldestKept = await oldestKeptAuditId(db, workspaceId);
  if (oldestKept !== null && audit.id < oldestKept) {
    throw problems.gone("findings_pruned", `Findings are kept for the latest ${keptFindingAudits} audits; this audit keeps only its score and totals.`);
  }
  const key = decodeCursor(query.cursor);
  if (key !== null && (key.length !== 2 || typeof key[0] !== "string" || !kindSet.has(key[0]) || typeof key[1] !== "string")) {
    throw problems.validation([{ parameter: "cursor", detail: "This cursor is not one the API returned." }]);
  }
  const owner = query.owner_id === undefined ? undefined : query.owner_id === "none" ? isNull(qualityFindings.ownerId) : eq(qualityFindings.ownerId, query.owner_id);
  const rows = await db
    .select()
    .from(qualityFindings)
    .where(
      and(
        eq(qualityFindings.auditId, audit.id),
        query.kind ? eq(qualityFindings.kind, query.kind) : undefined,
        owner,
        key === null ? undefined : sql`(${qualityFindings.kind}, ${qualityFindings.entityId}) > (${key[0]}, ${key[1]})`,
      ),
    )
    .orderBy(asc(qualityFindings.kind), asc(qualityFindings.entityId))
    .limit(query.limit + 1);
  const labels = await labelsFor(db, workspaceId, rows.slice(0, query.limit));
  return toPage(
    rows,
    query.limit,
    (row) => [row.kind, row.entityId],
    (row): Finding => ({
      kind: row.kind,
      entity_type: row.entityType,
      entity_id: row.entityId,
      owner_id: row.ownerId,
      detail: row.detail,
      label: labels.get(row.entityId) ?? null,
      link: findingLink(row.entityType, row.entityId),
    }),
  );
}
