import { and, desc, eq, isNull, sql, type SQL } from "drizzle-orm";
import { auditInsert } from "../audit/audit.service";
import type { Database } from "../db/client";
import { newId } from "../db/ids";
import { activities, apiKeys, companies, contacts, deals, users } from "../db/schema";
import { isVersionConflict, versionGuard } from "../db/version-guard";
import { assertVersion } from "../http/etag";
import { isoTime } from "../http/fields";
import { keysetAfter, orderBy } from "../http/keyset";
import { decodeCursor, toPage } from "../http/pagination";
import { problems, type FieldError } from "../http/problem";
import type { ServiceContext } from "../lib/service-context";
import type { Activity, ActivityCreateInput, ActivityListInput, ActivityPatchInput, Communication } from "./activity.schema";
import { communicationMetrics } from "./communication";
import { latestActivitySql, latestContactActivitySql } from "./latest-activity";

// Activities: calls, emails, meetings, notes and messages linked to a contact, company and/or
// deal. Writing one also keeps `last_activity_at` current on the linked contact and company (in
// the same batch); the linked deal is touched or settled by the caller through the workspace
// hub, the single writer of deals.

export type ActivityRow = typeof activities.$inferSelect;
type Links = { contactId: string | null; companyId: string | null; dealId: string | null };

// The author's current name: a person's, or an API key's.
export const authorName = sql<string | null>`coalesce(${users.name}, ${apiKeys.name})`;

export function toActivity(row: ActivityRow, author: string | null): Activity {
  return {
    id: row.id,
    type: row.type,
    direction: row.direction,
    subject: row.subject,
    body: row.body,
    occurred_at: isoTime(row.occurredAt),
    duration_seconds: row.durationSeconds,
    outcome: row.outcome,
    contact_id: row.contactId,
    company_id: row.companyId,
    deal_id: row.dealId,
    author_id: row.authorId,
    author_name: author,
    created_at: isoTime(row.createdAt),
    updated_at: isoTime(row.updatedAt),
    version: row.version,
  };
}

// What the audit log records: the activity's own fields, derived from its JSON (as companies
// do) so that a field added to the activity cannot be forgotten here.
function snapshot(row: ActivityRow) {
  const { id: _id, author_id: _a, author_name: _n, created_at: _c, updated_at: _u, version: _v, ...fields } = toActivity(row, null);
  return fields;
}

function selectWithAuthor(db: Database) {
  return db
    .select({ activity: activities, author: authorName })
    .from(activities)
    .leftJoin(users, eq(users.id, activities.authorId))
    .leftJoin(apiKeys, eq(apiKeys.id, activities.authorId));
}

export async function getActivityRow(db: Database, workspaceId: string, id: string) {
  const [row] = await selectWithAuthor(db)
    .where(and(eq(activities.workspaceId, workspaceId), eq(activities.id, id), isNull(activities.deletedAt)))
    .limit(1);
  if (!row) throw problems.notFound("activity");
  return row;
}

export async function getActivity(db: Database, workspaceId: string, id: string): Promise<Activity> {
  const row = await getActivityRow(db, workspaceId, id);
  return toActivity(row.activity, row.author);
}

// Every filter combination is served by one of the activities_* indexes (workspace, link,
// occurred_at, id): the most selective link given leads, the others and `type` filter the rows
// the index yields, newest first, from the cursor on.
export async function listActivities(db: Database, workspaceId: string, query: ActivityListInput) {
  const where: SQL[] = [eq(activities.workspaceId, workspaceId), isNull(activities.deletedAt)];
  if (query.contact_id) where.push(eq(activities.contactId, query.contact_id));
  if (query.deal_id) where.push(eq(activities.dealId, query.deal_id));
  if (query.company_id) where.push(eq(activities.companyId, query.company_id));
  if (query.type) where.push(eq(activities.type, query.type));
  const after = keysetAfter(activities.occurredAt, activities.id, "desc", decodeCursor(query.cursor));
  if (after) where.push(after);
  const rows = await selectWithAuthor(db)
    .where(and(...where))
    .orderBy(...orderBy(activities.occurredAt, activities.id, "desc"))
    .limit(query.limit + 1);
  return toPage(rows, query.limit, (row) => [row.activity.occurredAt, row.activity.id], (row) => toActivity(row.activity, row.author));
}

/** Links must name live records of this workspace; all wrong ones are reported at once. */
async function assertLinks(db: Database, workspaceId: string, links: Partial<Links>) {
  const errors: FieldError[] = [];
  const checks: Promise<void>[] = [];
  const check = (id: string | null | undefined, table: typeof contacts | typeof companies | typeof deals, pointer: string, code: string, entity: string) => {
    if (!id) return;
    checks.push(
      db
        .select({ id: table.id })
        .from(table)
        .where(and(eq(table.workspaceId, workspaceId), eq(table.id, id), isNull(table.deletedAt)))
        .limit(1)
        .then(([found]) => {
          if (!found) errors.push({ pointer, code, detail: `No ${entity} with that id in this workspace.` });
        }),
    );
  };
  check(links.contactId, contacts, "/contact_id", "unknown_contact", "contact");
  check(links.companyId, companies, "/company_id", "unknown_company", "company");
  check(links.dealId, deals, "/deal_id", "unknown_deal", "deal");
  await Promise.all(checks);
  if (errors.length > 0) throw problems.validation(errors.sort((a, b) => (a.pointer ?? "").localeCompare(b.pointer ?? "")));
}

// Creating an activity only ever moves last_activity_at forward: the new activity cannot lower
// anyone's latest, so max(current, occurred_at) equals a recompute and needs no lookup.
// A plain UPDATE, no version bump: an activity does not change the contact or company itself, so
// it must not make someone's open edit of that record stale.
function touchRecords(ctx: ServiceContext, links: Links, at: number) {
  const workspaceId = ctx.actor.workspaceId;
  const writes = [];
  if (links.contactId) {
    writes.push(
      ctx.db
        .update(contacts)
        .set({ lastActivityAt: sql`max(coalesce(last_activity_at, 0), ${at})` })
        .where(and(eq(contacts.workspaceId, workspaceId), eq(contacts.id, links.contactId))),
    );
  }
  if (links.companyId) {
    writes.push(
      ctx.db
        .update(companies)
        .set({ lastActivityAt: sql`max(coalesce(last_activity_at, 0), ${at})` })
        .where(and(eq(companies.workspaceId, workspaceId), eq(companies.id, links.companyId))),
    );
  }
  return writes;
}

/**
 * Works last_activity_at out again on every contact and company these activity versions were
 * linked to: after a delete, a back-dating or an unlinking the old value may name an activity
 * that is gone, and moving forward alone cannot lower it. Each is an UPDATE … SET = (index
 * lookup), run in the same batch as the activity write so it sees that write and nothing can
 * slip in between; no version bump, for the same reason as touchRecords.
 */
function recomputeRecords(ctx: ServiceContext, versions: Links[]) {
  const workspaceId = ctx.actor.workspaceId;
  const contactIds = new Set(versions.flatMap((links) => (links.contactId ? [links.contactId] : [])));
  const companyIds = new Set(versions.flatMap((links) => (links.companyId ? [links.companyId] : [])));
  return [
    ...[...contactIds].map((id) =>
      ctx.db
        .update(contacts)
        .set({ lastActivityAt: latestContactActivitySql(workspaceId, id) })
        .where(and(eq(contacts.workspaceId, workspaceId), eq(contacts.id, id))),
    ),
    ...[...companyIds].map((id) =>
      ctx.db
        .update(companies)
        .set({ lastActivityAt: latestActivitySql("company", workspaceId, id) })
        .where(and(eq(companies.workspaceId, workspaceId), eq(companies.id, id))),
    ),
  ];
}

/** The deals whose last_activity_at the caller must have the hub settle (recompute) afterwards. */
function dealsOf(versions: Links[]): string[] {
  return [...new Set(versions.flatMap((links) => (links.dealId ? [links.dealId] : [])))];
}

function occurredAt(value: string | undefined, fallback: number): number {
  return value === undefined ? fallback : Date.parse(value);
}

export async function createActivity(ctx: ServiceContext, input: ActivityCreateInput): Promise<Activity> {
  const workspaceId = ctx.actor.workspaceId;
  const links: Links = { contactId: input.contact_id ?? null, companyId: input.company_id ?? null, dealId: input.deal_id ?? null };
  await assertLinks(ctx.db, workspaceId, links);
  const row: ActivityRow = {
    id: newId("activity", ctx.now),
    workspaceId,
    type: input.type,
    direction: input.direction ?? null,
    subject: input.subject || null,
    body: input.body || null,
    occurredAt: occurredAt(input.occurred_at, ctx.now),
    durationSeconds: input.duration_seconds ?? null,
    outcome: input.outcome || null,
    ...links,
    authorId: ctx.actor.id,
    createdAt: ctx.now,
    updatedAt: ctx.now,
    version: 1,
    deletedAt: null,
  };
  await ctx.db.batch([
    ctx.db.insert(activities).values(row),
    ...touchRecords(ctx, links, row.occurredAt),
    auditInsert(ctx, { action: "activity.created", entityType: "activity", entityId: row.id, before: null, after: snapshot(row) }),
  ]);
  return getActivity(ctx.db, workspaceId, row.id);
}

export type ActivityChange = { activity: Activity; dealsToSettle: string[] };

export async function updateActivity(ctx: ServiceContext, id: string, patch: ActivityPatchInput, expectedVersion: number | null): Promise<ActivityChange> {
  const workspaceId = ctx.actor.workspaceId;
  const { activity: current } = await getActivityRow(ctx.db, workspaceId, id);
  assertVersion(expectedVersion, current.version);
  const next: ActivityRow = {
    ...current,
    type: patch.type ?? current.type,
    direction: patch.direction === undefined ? current.direction : patch.direction,
    subject: patch.subject === undefined ? current.subject : patch.subject || null,
    body: patch.body === undefined ? current.body : patch.body || null,
    occurredAt: occurredAt(patch.occurred_at, current.occurredAt),
    durationSeconds: patch.duration_seconds === undefined ? current.durationSeconds : patch.duration_seconds,
    outcome: patch.outcome === undefined ? current.outcome : patch.outcome || null,
    contactId: patch.contact_id === undefined ? current.contactId : patch.contact_id,
    companyId: patch.company_id === undefined ? current.companyId : patch.company_id,
    dealId: patch.deal_id === undefined ? current.dealId : patch.deal_id,
    updatedAt: ctx.now,
    version: current.version + 1,
  };
  if (!next.contactId && !next.companyId && !next.dealId) {
    throw problems.validation([{ pointer: "/contact_id", code: "no_link", detail: "Link the activity to a contact, a company or a deal." }]);
  }
  // Only links that change are checked: a record deleted since keeps its old activities editable.
  await assertLinks(ctx.db, workspaceId, {
    contactId: next.contactId !== current.contactId ? next.contactId : null,
    companyId: next.companyId !== current.companyId ? next.companyId : null,
    dealId: next.dealId !== current.dealId ? next.dealId : null,
  });
  const { id: _id, workspaceId: _ws, createdAt: _c, authorId: _a, ...changes } = next;
  // Only a new time or new links can change anyone's last activity; then both the records it
  // left and the ones it now names are worked out again (a subject or outcome edit costs nothing).
  const moved =
    next.occurredAt !== current.occurredAt || next.contactId !== current.contactId || next.companyId !== current.companyId || next.dealId !== current.dealId;
  const affected = moved ? [current, next] : [];
  await ctx.db
    .batch([
      versionGuard(ctx.db, activities, id, current.version),
      ctx.db.update(activities).set(changes).where(eq(activities.id, id)),
      ...recomputeRecords(ctx, affected),
      auditInsert(ctx, { action: "activity.updated", entityType: "activity", entityId: id, before: snapshot(current), after: snapshot(next) }),
    ])
    .catch(async (error: unknown) => {
      if (isVersionConflict(error)) throw problems.preconditionFailed((await getActivityRow(ctx.db, workspaceId, id)).activity.version);
      throw error;
    });
  return { activity: await getActivity(ctx.db, workspaceId, id), dealsToSettle: dealsOf(affected) };
}

/** Returns the deleted row; its deal_id is the deal the caller must have the hub settle. */
export async function deleteActivity(ctx: ServiceContext, id: string): Promise<ActivityRow> {
  const { activity: current } = await getActivityRow(ctx.db, ctx.actor.workspaceId, id);
  await ctx.db
    .batch([
      versionGuard(ctx.db, activities, id, current.version),
      ctx.db.update(activities).set({ deletedAt: ctx.now, updatedAt: ctx.now, version: current.version + 1 }).where(eq(activities.id, id)),
      // After the soft delete in the same batch, so the recompute no longer counts this activity.
      ...recomputeRecords(ctx, [current]),
      auditInsert(ctx, { action: "activity.deleted", entityType: "activity", entityId: id, before: snapshot(current), after: null }),
    ])
    .catch((error: unknown) => {
      if (isVersionConflict(error)) throw problems.conflict("concurrent_change", "Someone changed this activity at the same moment. Reload it and try again.");
      throw error;
    });
  return current;
}

/** How many of a contact's latest activities the metrics read, so the cost stays bounded. */
export const communicationWindow = 2000;

export async function contactCommunication(db: Database, workspaceId: string, contactId: string): Promise<Communication> {
  // One range of activities_contact_idx, newest first; only the columns the metrics need.
  const rows = await db
    .select({ type: activities.type, direction: activities.direction, occurredAt: activities.occurredAt })
    .from(activities)
    .where(and(eq(activities.workspaceId, workspaceId), eq(activities.contactId, contactId), isNull(activities.deletedAt)))
    .orderBy(desc(activities.occurredAt), desc(activities.id))
    .limit(communicationWindow);
  return { ...communicationMetrics(rows), activities_considered: rows.length };
}
