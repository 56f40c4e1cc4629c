import { and, eq, inArray, sql, type SQL } from "drizzle-orm";
import { z } from "zod";
import type { Database } from "../db/client";
import { constraintMessage } from "../db/errors";
import { newId } from "../db/ids";
import { qualityAudits, qualityFindingKinds, qualityFindings, users, workspaces, type QualityFindingKind } from "../db/schema";
import { publishToWorkspace } from "../hub/publish";
import { sendJobs } from "../jobs/enqueue";
import { notifyUser } from "../notifications/notify";
import { checkEmail, emailDetail } from "./email-check";
import { checkPhone, phoneDetail } from "./phone-check";
import { oldestKeptAuditId, type AuditRow } from "./quality.service";
import { qualityScore } from "./score";

// The audit job. An audit walks through phases, each step one D1 batch that writes its findings
// and moves quality_audits.cursor on, so a redelivered message resumes where the last committed
// step left off and a step that runs twice writes nothing twice (findings are INSERT OR IGNORE on
// their primary key). A long audit continues in a new message after a time budget.
//
//   contacts   keyset pages of live contacts by (created_at, id): set-based INSERT … SELECT for
//              what SQL decides over the page's key range, and one json_each insert for what
//              needs code (email syntax and typos, phone validity)
//   records    rotting deals and open duplicate clusters, one INSERT … SELECT each
//   finish     counts, per-owner breakdown, score; status done; audit.finished
//   digest     nightly audits only: quality.digest to every owner with findings
//   prune      findings of audits older than the latest few are deleted (scores stay)

export type AuditLimits = { contactsPerStep: number; budgetMs: number; prunePerStatement: number };
export const defaultAuditLimits: AuditLimits = { contactsPerStep: 500, budgetMs: 20_000, prunePerStatement: 5_000 };

const dayMs = 24 * 60 * 60 * 1000;

const Cursor = z.discriminatedUnion("phase", [
  z.object({ phase: z.literal("contacts"), after: z.tuple([z.number(), z.string()]).nullable(), checked: z.number().int() }),
  z.object({ phase: z.literal("records"), checked: z.number().int() }),
  z.object({ phase: z.literal("finish"), checked: z.number().int() }),
  z.object({ phase: z.literal("digest") }),
  z.object({ phase: z.literal("prune") }),
]);
type Cursor = z.infer<typeof Cursor>;

function readCursor(text: string | null): Cursor | null {
  if (text === null) return null;
  try {
    const parsed = Cursor.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

/**
 * First statement of every step's batch: fails (NOT NULL on status) when the cursor is no longer
 * the one the step started from, so a step that lost a race with a second delivery of the same
 * audit commits nothing — the same trick as versionGuard.
 */
function cursorGuard(db: Database, auditId: string, cursor: string | null) {
  return db
    .update(qualityAudits)
    .set({ status: sql`NULL` })
    .where(and(eq(qualityAudits.id, auditId), sql`${qualityAudits.cursor} IS NOT ${cursor}`));
}

/**
 * INSERT OR IGNORE INTO quality_findings <select>: the select's columns are the table's, in order
 * (audit_id, kind, entity_type, entity_id, owner_id, detail), and it needs a WHERE clause (SQLite
 * reads "ON CONFLICT" after a bare FROM as a join constraint). Built with drizzle's insert so it
 * can go into a batch.
 */
function insertFindings(db: Database, select: SQL) {
  return db.insert(qualityFindings).select(select).onConflictDoNothing();
}

function isCursorConflict(error: unknown): boolean {
  const message = constraintMessage(error);
  return message.includes("NOT NULL constraint failed") && message.includes("quality_audits.status");
}

/** Whole days from `since` to `now`, as the finding's text detail (D1 binds numbers as REAL, hence the casts). */
function wholeDaysSince(now: number, since: SQL): SQL {
  return sql`CAST(CAST((${now} - ${since}) / ${sql.raw(String(dayMs))} AS INTEGER) AS TEXT)`;
}

type Finding = { k: QualityFindingKind; id: string; o: string | null; d: string | null };

const storedStrings = z.array(z.string());
const storedPhones = z.array(z.object({ e164: z.string() }));

function parseList<T>(schema: z.ZodType<T[]>, text: string | null): T[] {
  if (text === null) return [];
  try {
    const parsed = schema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : [];
  } catch {
    return [];
  }
}

type ContactPageRow = { id: string; createdAt: number; ownerId: string | null; emails: string; phones: string; tablePhones: string | null };

/** What needs code rather than SQL: the first bad address and the first bad phone of each contact. */
export function codeFindings(rows: ContactPageRow[]): Finding[] {
  const out: Finding[] = [];
  for (const row of rows) {
    for (const address of parseList(storedStrings, row.emails)) {
      const problem = checkEmail(address);
      if (!problem) continue;
      out.push({ k: "invalid_email", id: row.id, o: row.ownerId, d: emailDetail(address, problem) });
      break;
    }
    // The JSON copy and contact_phones should agree; reading both catches a writer that kept one only.
    const phones = new Set([...parseList(storedPhones, row.phones).map((phone) => phone.e164), ...parseList(storedStrings, row.tablePhones)]);
    for (const e164 of phones) {
      const problem = checkPhone(e164);
      if (!problem) continue;
      out.push({ k: "invalid_phone", id: row.id, o: row.ownerId, d: phoneDetail(e164, problem) });
      break;
    }
  }
  return out;
}

type Step = { next: Cursor | null; changes: Partial<typeof qualityAudits.$inferInsert> };

async function contactsStep(db: Database, audit: AuditRow, cursor: Extract<Cursor, { phase: "contacts" }>, limits: AuditLimits, cursorText: string | null): Promise<Step | "lost"> {
  const workspaceId = audit.workspaceId;
  const after = cursor.after;
  const afterClause = after ? sql`AND (c.created_at, c.id) > (${after[0]}, ${after[1]})` : sql``;
  // Through contacts_created_idx (workspace, created_at, id, live only): a page costs its rows.
  const page = await db.all<ContactPageRow>(sql`
    SELECT c.id AS id, c.created_at AS createdAt, c.owner_id AS ownerId, c.emails AS emails, c.phones AS phones,
      (SELECT json_group_array(p.e164) FROM contact_phones p WHERE p.contact_id = c.id) AS tablePhones
    FROM contacts c
    WHERE c.workspace_id = ${workspaceId} AND c.deleted_at IS NULL ${afterClause}
    ORDER BY c.created_at, c.id
    LIMIT ${limits.contactsPerStep}`);
  const last = page.at(-1);
  const checked = cursor.checked + page.length;
  const next: Cursor = page.length < limits.contactsPerStep || !last ? { phase: "records", checked } : { phase: "contacts", after: [last.createdAt, last.id], checked };
  if (!last) {
    await db.batch([cursorGuard(db, audit.id, cursorText), db.update(qualityAudits).set({ cursor: JSON.stringify(next), contactCount: checked }).where(eq(qualityAudits.id, audit.id))]);
    return { next, changes: { contactCount: checked, cursor: JSON.stringify(next) } };
  }

  const now = audit.startedAt ?? audit.createdAt;
  // The page's key range: the same rows the select returned (plus any contact created into the
  // range since, which is still a true finding).
  const range = sql`c.workspace_id = ${workspaceId} AND c.deleted_at IS NULL ${afterClause} AND (c.created_at, c.id) <= (${last.createdAt}, ${last.id})`;
  const insert = (kind: QualityFindingKind, condition: SQL, detail: SQL = sql`NULL`) =>
    insertFindings(db, sql`SELECT ${audit.id}, ${kind}, 'contact', c.id, c.owner_id, ${detail} FROM contacts c WHERE ${range} AND (${condition})`);
  const fromCode = codeFindings(page);
  await db.batch([
    cursorGuard(db, audit.id, cursorText),
    insert("missing_email", sql`c.primary_email IS NULL`),
    insert("missing_phone", sql`c.primary_phone IS NULL`),
    insert("unknown_consent", sql`c.consent_status = 'unknown'`),
    // No owner, or an owner who is no longer a member of the workspace (nobody looks after it).
    insert(
      "no_owner",
      sql`c.owner_id IS NULL OR NOT EXISTS (SELECT 1 FROM memberships m WHERE m.workspace_id = c.workspace_id AND m.user_id = c.owner_id)`,
      sql`CASE WHEN c.owner_id IS NULL THEN NULL ELSE 'former_member' END`,
    ),
    // Idle since the last activity, or since creation for a contact nobody ever touched; detail = days.
    insert("inactive", sql`coalesce(c.last_activity_at, c.created_at) < ${now - audit.inactiveDays * dayMs}`, wholeDaysSince(now, sql`coalesce(c.last_activity_at, c.created_at)`)),
    insertFindings(
      db,
      sql`SELECT ${audit.id}, json_extract(value, '$.k'), 'contact', json_extract(value, '$.id'), json_extract(value, '$.o'), json_extract(value, '$.d')
        FROM json_each(${JSON.stringify(fromCode)}) WHERE true`,
    ),
    db
      .update(qualityAudits)
      .set({ cursor: JSON.stringify(next), contactCount: checked })
      .where(eq(qualityAudits.id, audit.id)),
  ]);
  return { next, changes: { contactCount: checked, cursor: JSON.stringify(next) } };
}

async function recordsStep(db: Database, audit: AuditRow, cursor: Extract<Cursor, { phase: "records" }>, cursorText: string | null): Promise<Step> {
  const now = audit.startedAt ?? audit.createdAt;
  const next: Cursor = { phase: "finish", checked: cursor.checked };
  await db.batch([
    cursorGuard(db, audit.id, cursorText),
    // The rotting rule of the hourly scan (workers/jobs/deal-rotting.ts): an open deal in an open
    // stage with rotting days, idle since the later of entering the stage and its last activity.
    // Read per stage through deals_board_idx; detail = days idle.
    insertFindings(
      db,
      sql`SELECT ${audit.id}, 'rotting_deal', 'deal', d.id, d.owner_id,
        ${wholeDaysSince(now, sql`max(d.stage_entered_at, coalesce(d.last_activity_at, 0))`)}
      FROM stages s
      JOIN deals d ON d.workspace_id = s.workspace_id AND d.pipeline_id = s.pipeline_id AND d.stage_id = s.id AND d.deleted_at IS NULL
      WHERE s.workspace_id = ${audit.workspaceId} AND s.kind = 'open' AND s.rotting_days IS NOT NULL AND d.status = 'open'
        AND max(d.stage_entered_at, coalesce(d.last_activity_at, 0)) <= ${now} - s.rotting_days * ${dayMs}`,
    ),
    // Open duplicate clusters, owned by the owner of their first member; detail = members.
    insertFindings(
      db,
      sql`SELECT ${audit.id}, 'open_duplicates', 'duplicate_cluster', d.id,
        (SELECT c.owner_id FROM contacts c WHERE c.id = substr(d.member_key, 1, instr(d.member_key || ',', ',') - 1)),
        CAST(length(d.member_key) - length(replace(d.member_key, ',', '')) + 1 AS TEXT)
      FROM duplicate_clusters d
      WHERE d.workspace_id = ${audit.workspaceId} AND d.status = 'open'`,
    ),
    db
      .update(qualityAudits)
      .set({ cursor: JSON.stringify(next) })
      .where(eq(qualityAudits.id, audit.id)),
  ]);
  return { next, changes: { cursor: JSON.stringify(next) } };
}

function zeroCounts(): Record<QualityFindingKind, number> {
  return { missing_email: 0, missing_phone: 0, invalid_email: 0, invalid_phone: 0, inactive: 0, no_owner: 0, rotting_deal: 0, open_duplicates: 0, unknown_consent: 0 };
}

type OwnerCount = { ownerId: string | null; n: number };
type FindingCount = { ownerId: string | null; kind: string; n: number; members: number | null };

const ownerKey = (id: string | null) => id ?? "";
const kindSet: ReadonlySet<string> = new Set(qualityFindingKinds);
const isKind = (value: string): value is QualityFindingKind => kindSet.has(value);

/** The breakdown and scores from the committed findings; only aggregates travel back from D1. */
async function summarise(db: Database, audit: AuditRow) {
  const [contactRows, dealRows, findingRows, recordRows] = await Promise.all([
    db.all<OwnerCount>(sql`SELECT owner_id AS ownerId, count(*) AS n FROM contacts WHERE workspace_id = ${audit.workspaceId} AND deleted_at IS NULL GROUP BY owner_id`),
    db.all<OwnerCount>(sql`SELECT owner_id AS ownerId, count(*) AS n FROM deals WHERE workspace_id = ${audit.workspaceId} AND deleted_at IS NULL AND status = 'open' GROUP BY owner_id`),
    db.all<FindingCount>(sql`SELECT owner_id AS ownerId, kind, count(*) AS n,
        sum(CASE WHEN kind = 'open_duplicates' THEN CAST(detail AS INTEGER) ELSE 0 END) AS members
      FROM quality_findings WHERE audit_id = ${audit.id} GROUP BY owner_id, kind`),
    db.all<OwnerCount>(sql`SELECT owner_id AS ownerId, count(DISTINCT entity_id) AS n FROM quality_findings WHERE audit_id = ${audit.id} GROUP BY owner_id`),
  ]);
  type Tally = { ownerId: string | null; contacts: number; deals: number; records: number; findings: Partial<Record<QualityFindingKind, number>>; affected: Partial<Record<QualityFindingKind, number>> };
  const owners = new Map<string, Tally>();
  const tally = (ownerId: string | null): Tally => {
    let entry = owners.get(ownerKey(ownerId));
    if (!entry) {
      entry = { ownerId, contacts: 0, deals: 0, records: 0, findings: {}, affected: {} };
      owners.set(ownerKey(ownerId), entry);
    }
    return entry;
  };
  for (const row of contactRows) tally(row.ownerId).contacts += row.n;
  for (const row of dealRows) tally(row.ownerId).deals += row.n;
  for (const row of recordRows) tally(row.ownerId).records += row.n;
  const totals = zeroCounts();
  const affected: Partial<Record<QualityFindingKind, number>> = {};
  for (const row of findingRows) {
    if (!isKind(row.kind)) continue;
    const entry = tally(row.ownerId);
    entry.findings[row.kind] = (entry.findings[row.kind] ?? 0) + row.n;
    const hit = row.kind === "open_duplicates" ? (row.members ?? row.n) : row.n;
    entry.affected[row.kind] = (entry.affected[row.kind] ?? 0) + hit;
    totals[row.kind] += row.n;
    affected[row.kind] = (affected[row.kind] ?? 0) + hit;
  }
  const contactCount = contactRows.reduce((sum, row) => sum + row.n, 0);
  const dealCount = dealRows.reduce((sum, row) => sum + row.n, 0);
  const ids = [...owners.values()].map((entry) => entry.ownerId).filter((id): id is string => id !== null);
  const names = ids.length === 0 ? [] : await db.select({ id: users.id, name: users.name }).from(users).where(inArray(users.id, sql`(SELECT value FROM json_each(${JSON.stringify(ids)}))`));
  const nameOf = new Map(names.map((row) => [row.id, row.name]));
  const perOwner = [...owners.values()]
    .map((entry) => ({
      owner_id: entry.ownerId,
      owner_name: entry.ownerId === null ? null : (nameOf.get(entry.ownerId) ?? null),
      contacts: entry.contacts,
      deals: entry.deals,
      records: entry.records,
      findings: { ...zeroCounts(), ...entry.findings },
      score: qualityScore({ contacts: entry.contacts, openDeals: entry.deals, affected: entry.affected }),
    }))
    // Worst first, then the bigger book, then by name (nobody's records last among equals).
    .sort((a, b) => a.score - b.score || b.contacts - a.contacts || (a.owner_name ?? "\uffff").localeCompare(b.owner_name ?? "\uffff"));
  return { totals, perOwner, contactCount, dealCount, score: qualityScore({ contacts: contactCount, openDeals: dealCount, affected }) };
}

async function finishStep(env: Env, db: Database, audit: AuditRow, cursorText: string | null, wallNow: number): Promise<Step> {
  const summary = await summarise(db, audit);
  const next: Cursor = audit.trigger === "nightly" ? { phase: "digest" } : { phase: "prune" };
  const changes = {
    status: "done" as const,
    score: summary.score,
    totals: JSON.stringify(summary.totals),
    perOwner: JSON.stringify(summary.perOwner),
    contactCount: summary.contactCount,
    dealCount: summary.dealCount,
    finishedAt: wallNow,
    cursor: JSON.stringify(next),
  };
  await db.batch([cursorGuard(db, audit.id, cursorText), db.update(qualityAudits).set(changes).where(eq(qualityAudits.id, audit.id))]);
  // Only the delivery that committed "done" gets here, so the event goes out once.
  await publishToWorkspace(env, audit.workspaceId, {
    type: "audit.finished",
    id: audit.id,
    actor: audit.createdBy,
    data: { status: "done", score: summary.score, trigger: audit.trigger },
  });
  return { next, changes };
}

const storedOwners = z.array(z.object({ owner_id: z.string().nullable(), records: z.number() }));

/** Each owner with findings is told once per audit (the dedupe key); a retry repeats nobody. */
async function digestStep(env: Env, db: Database, audit: AuditRow, cursorText: string | null, wallNow: number): Promise<Step> {
  const [previous] = await db
    .select({ score: qualityAudits.score })
    .from(qualityAudits)
    .where(and(eq(qualityAudits.workspaceId, audit.workspaceId), eq(qualityAudits.status, "done"), sql`${qualityAudits.id} < ${audit.id}`))
    .orderBy(sql`${qualityAudits.id} desc`)
    .limit(1);
  const score = audit.score ?? 0;
  const previousScore = previous?.score ?? null;
  for (const owner of parseList(storedOwners, audit.perOwner)) {
    if (owner.owner_id === null || owner.records === 0) continue;
    await notifyUser(env, db, {
      workspaceId: audit.workspaceId,
      userId: owner.owner_id,
      message: { type: "quality.digest", score, previousScore, ownFindings: owner.records },
      dedupeKey: `quality.digest:${audit.id}`,
      link: "/quality",
      data: { audit_id: audit.id, score, previous_score: previousScore, own_findings: owner.records },
      now: wallNow,
    });
  }
  const next: Cursor = { phase: "prune" };
  await db.batch([cursorGuard(db, audit.id, cursorText), db.update(qualityAudits).set({ cursor: JSON.stringify(next) }).where(eq(qualityAudits.id, audit.id))]);
  return { next, changes: { cursor: JSON.stringify(next) } };
}

/**
 * Deletes, a bounded number of rows per statement, the findings of this workspace's audits older
 * than the oldest one whose findings are kept. Returns whether everything old is gone.
 */
async function pruneSome(db: Database, workspaceId: string, limits: AuditLimits): Promise<boolean> {
  const oldestKept = await oldestKeptAuditId(db, workspaceId);
  if (oldestKept === null) return true;
  const result = await db.run(sql`DELETE FROM quality_findings WHERE rowid IN (
      SELECT f.rowid FROM quality_audits a JOIN quality_findings f ON f.audit_id = a.id
      WHERE a.workspace_id = ${workspaceId} AND a.id < ${oldestKept}
      LIMIT ${limits.prunePerStatement})`);
  return (result.meta.changes ?? 0) < limits.prunePerStatement;
}

async function loadAudit(db: Database, auditId: string): Promise<AuditRow | null> {
  const [row] = await db.select().from(qualityAudits).where(eq(qualityAudits.id, auditId)).limit(1);
  return row ?? null;
}

export type AuditRunResult = "finished" | "continued" | "idle" | "lost";

/**
 * Runs an audit from wherever its cursor stands until it is finished or the time budget is
 * spent (then it continues in a new quality.audit message). `now` is the wall clock; the rules
 * (inactivity, rotting) measure from the audit's start, so every page of one audit judges by the
 * same instant.
 */
export async function runAudit(env: Env, db: Database, auditId: string, now: number, limits: AuditLimits = defaultAuditLimits): Promise<AuditRunResult> {
  const started = Date.now();
  let audit = await loadAudit(db, auditId);
  if (!audit) return "idle";
  if (audit.status === "queued") {
    const first: Cursor = { phase: "contacts", after: null, checked: 0 };
    const [claimed] = await db
      .update(qualityAudits)
      .set({ status: "running", startedAt: now, cursor: JSON.stringify(first) })
      .where(and(eq(qualityAudits.id, audit.id), eq(qualityAudits.status, "queued")))
      .returning();
    audit = claimed ?? (await loadAudit(db, auditId));
    if (!audit) return "idle";
  }
  while (true) {
    const cursorText = audit.cursor;
    const cursor = readCursor(cursorText);
    if (cursor === null) return audit.status === "done" ? "finished" : "idle";
    let step: Step | "lost";
    try {
      switch (cursor.phase) {
        case "contacts":
          step = await contactsStep(db, audit, cursor, limits, cursorText);
          break;
        case "records":
          step = await recordsStep(db, audit, cursor, cursorText);
          break;
        case "finish":
          step = await finishStep(env, db, audit, cursorText, now);
          break;
        case "digest":
          step = await digestStep(env, db, audit, cursorText, now);
          break;
        case "prune": {
          const clean = await pruneSome(db, audit.workspaceId, limits);
          step = { next: clean ? null : cursor, changes: {} };
          if (clean) {
            await db.batch([cursorGuard(db, audit.id, cursorText), db.update(qualityAudits).set({ cursor: null }).where(eq(qualityAudits.id, audit.id))]);
            step.changes = { cursor: null };
          }
          break;
        }
      }
    } catch (error) {
      // Another delivery of this audit moved it on first: it carries on, this one stops.
      if (isCursorConflict(error)) return "lost";
      throw error;
    }
    if (step === "lost") return "lost";
    audit = { ...audit, ...step.changes };
    if (step.next === null) return "finished";
    if (Date.now() - started >= limits.budgetMs) {
      await sendJobs(env, [{ type: "quality.audit", audit_id: audit.id }]);
      return "continued";
    }
  }
}

/** Workspaces handled per statement by the nightly fan-out. */
export const nightlyPageSize = 500;

/**
 * Nightly: one audit per workspace for the date, created set-based (the unique index on
 * (workspace, window) makes a repeated cron or a redelivered message create nothing new), then a
 * quality.audit message for every audit of the window that is still queued — which re-sends the
 * ones an interrupted earlier delivery created but did not send; the audit job ignores repeats.
 */
export async function fanOutNightlyAudits(env: Env, db: Database, window: string, now: number): Promise<number> {
  // One time part for the whole run, 16 random hex characters per row: sortable ids like newId's.
  const timePart = newId("qualityAudit", now).slice(3, 13);
  let after = "";
  let sent = 0;
  while (true) {
    const page = await db
      .select({ id: workspaces.id })
      .from(workspaces)
      .where(sql`${workspaces.id} > ${after}`)
      .orderBy(workspaces.id)
      .limit(nightlyPageSize);
    const last = page.at(-1);
    if (!last) break;
    const ids = JSON.stringify(page.map((row) => row.id));
    await db.run(sql`INSERT OR IGNORE INTO quality_audits (id, workspace_id, "trigger", window_key, status, inactive_days, totals, per_owner, contact_count, deal_count, created_at)
      SELECT 'qa_' || ${timePart} || lower(hex(randomblob(8))), w.id, 'nightly', ${window}, 'queued', w.quality_inactive_days, '{}', '[]', 0, 0, ${now}
      FROM workspaces w WHERE w.id IN (SELECT value FROM json_each(${ids}))`);
    const queued = await db
      .select({ id: qualityAudits.id })
      .from(qualityAudits)
      .where(and(inArray(qualityAudits.workspaceId, sql`(SELECT value FROM json_each(${ids}))`), eq(qualityAudits.window, window), eq(qualityAudits.status, "queued")));
    await sendJobs(
      env,
      queued.map((row) => ({ type: "quality.audit" as const, audit_id: row.id })),
    );
    sent += queued.length;
    after = last.id;
    if (page.length < nightlyPageSize) break;
  }
  return sent;
}
