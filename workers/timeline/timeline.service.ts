import { and, desc, eq, isNull, lt, notInArray, sql, type SQL, type SQLWrapper } from "drizzle-orm";
import { alias } from "drizzle-orm/sqlite-core";
import type { Database } from "../db/client";
import { idPrefixes, newId, type IdKind } from "../db/ids";
import { activities, apiKeys, auditLog, companies, contacts, deals, dealStageHistory, formSubmissions, forms, stages, tasks, users } from "../db/schema";
import { isoTime } from "../http/fields";
import { keysetAfter } from "../http/keyset";
import { decodeCursor, encodeCursor } from "../http/pagination";
import { problems } from "../http/problem";
import { authorName, toActivity } from "../activities/activity.service";
import { taskCompanyJoin, taskContactJoin, taskDealJoin, taskLinkNames, toTask } from "../tasks/task.service";
import { mergeNewestFirst, type TimelineKey } from "./merge";
import { timelineKinds, type TimelineInput, type TimelineItem, type TimelineKind } from "./timeline.schema";

// One timeline for a contact, company or deal, built from five sources. Each source reads at
// most `limit + 1` rows older than the cursor through an index of its own, newest first; the
// pure merge (merge.ts) interleaves them and cuts the page. The cursor is (at, id) of the last
// item shown, so every source can resume exactly where the page ended.
//
// Tasks, submissions and audit entries are read in id order (their indexes end in id): ids
// start with their creation time, which is exactly their `at` (created_at, received_at, at), so
// id order is time order and `id < <prefix>_<time(cursor.at + 1)>` seeks straight to the
// cursor's position. Stage changes are read in `at` order instead: they are few per deal, and
// some of their ids (stage removals) are not time-prefixed.

export type TimelineSubject = { type: "contact" | "company" | "deal"; id: string };
type Entry = TimelineKey & { item: TimelineItem };

const actorName = sql<string | null>`coalesce(${users.name}, ${apiKeys.name})`;

/** Every id of this kind created at or before `at` sorts below the returned string. */
function idsUpTo(kind: IdKind, at: number): string {
  return newId(kind, at + 1).slice(0, idPrefixes[kind].length + 1 + 10);
}

function olderThan(at: SQLWrapper, id: SQLWrapper, cursor: TimelineKey | null): SQL[] {
  const after = keysetAfter(at, id, "desc", cursor === null ? null : [cursor.at, cursor.id]);
  return after ? [after] : [];
}

function timelineCursor(cursor: string | undefined): TimelineKey | null {
  const key = decodeCursor(cursor);
  if (key === null) return null;
  const [at, id] = key;
  if (typeof at !== "number" || typeof id !== "string") throw problems.validation([{ parameter: "cursor", detail: "This cursor is not one the API returned." }]);
  return { at, id };
}

async function assertSubject(db: Database, workspaceId: string, subject: TimelineSubject) {
  const table = subject.type === "contact" ? contacts : subject.type === "company" ? companies : deals;
  const [found] = await db
    .select({ id: table.id })
    .from(table)
    .where(and(eq(table.workspaceId, workspaceId), eq(table.id, subject.id), isNull(table.deletedAt)))
    .limit(1);
  if (!found) throw problems.notFound(subject.type);
}

async function activityEntries(db: Database, workspaceId: string, subject: TimelineSubject, cursor: TimelineKey | null, limit: number): Promise<Entry[]> {
  const link = subject.type === "contact" ? activities.contactId : subject.type === "company" ? activities.companyId : activities.dealId;
  const rows = await db
    .select({ activity: activities, author: authorName })
    .from(activities)
    .leftJoin(users, eq(users.id, activities.authorId))
    .leftJoin(apiKeys, eq(apiKeys.id, activities.authorId))
    .where(and(eq(activities.workspaceId, workspaceId), eq(link, subject.id), isNull(activities.deletedAt), ...olderThan(activities.occurredAt, activities.id, cursor)))
    .orderBy(desc(activities.occurredAt), desc(activities.id))
    .limit(limit + 1);
  return rows.map(({ activity, author }) => ({
    at: activity.occurredAt,
    id: activity.id,
    item: { kind: "activity", id: activity.id, at: isoTime(activity.occurredAt), actor_id: activity.authorId, actor_name: author, activity: toActivity(activity, author) },
  }));
}

const assignees = alias(users, "assignees");

async function taskEntries(db: Database, workspaceId: string, subject: TimelineSubject, cursor: TimelineKey | null, limit: number): Promise<Entry[]> {
  const link = subject.type === "contact" ? tasks.contactId : subject.type === "company" ? tasks.companyId : tasks.dealId;
  const rows = await db
    .select({ task: tasks, assigneeName: assignees.name, creatorName: actorName, ...taskLinkNames })
    .from(tasks)
    .leftJoin(assignees, eq(assignees.id, tasks.assigneeId))
    .leftJoin(users, eq(users.id, tasks.createdBy))
    .leftJoin(apiKeys, eq(apiKeys.id, tasks.createdBy))
    // The linked records' names, as on /tasks: primary-key lookups, one row each.
    .leftJoin(contacts, taskContactJoin)
    .leftJoin(companies, taskCompanyJoin)
    .leftJoin(deals, taskDealJoin)
    .where(
      and(
        eq(tasks.workspaceId, workspaceId),
        eq(link, subject.id),
        isNull(tasks.deletedAt),
        ...(cursor ? [lt(tasks.id, idsUpTo("task", cursor.at))] : []),
        ...olderThan(tasks.createdAt, tasks.id, cursor),
      ),
    )
    .orderBy(desc(tasks.id))
    .limit(limit + 1);
  return rows.map(({ task, creatorName, ...names }) => ({
    at: task.createdAt,
    id: task.id,
    item: { kind: "task", id: task.id, at: isoTime(task.createdAt), actor_id: task.createdBy, actor_name: creatorName, task: toTask(task, names) },
  }));
}

async function submissionEntries(db: Database, workspaceId: string, contactId: string, cursor: TimelineKey | null, limit: number): Promise<Entry[]> {
  const rows = await db
    .select({ id: formSubmissions.id, formId: formSubmissions.formId, status: formSubmissions.status, receivedAt: formSubmissions.receivedAt, formName: forms.name })
    .from(formSubmissions)
    .leftJoin(forms, eq(forms.id, formSubmissions.formId))
    .where(
      and(
        eq(formSubmissions.workspaceId, workspaceId),
        eq(formSubmissions.contactId, contactId),
        ...(cursor ? [lt(formSubmissions.id, idsUpTo("submission", cursor.at))] : []),
        ...olderThan(formSubmissions.receivedAt, formSubmissions.id, cursor),
      ),
    )
    .orderBy(desc(formSubmissions.id))
    .limit(limit + 1);
  return rows.map((row) => ({
    at: row.receivedAt,
    id: row.id,
    item: { kind: "submission", id: row.id, at: isoTime(row.receivedAt), actor_id: null, actor_name: null, form_id: row.formId, form_name: row.formName, status: row.status },
  }));
}

const fromStages = alias(stages, "from_stages");
const toStages = alias(stages, "to_stages");

/** The deals whose stage changes belong on the subject's timeline. */
function dealsOf(workspaceId: string, subject: TimelineSubject): SQL {
  if (subject.type === "deal") return sql`${dealStageHistory.dealId} = ${subject.id}`;
  if (subject.type === "company") {
    return sql`${dealStageHistory.dealId} IN (SELECT id FROM deals WHERE workspace_id = ${workspaceId} AND company_id = ${subject.id} AND deleted_at IS NULL)`;
  }
  // The contact's deals: those it is the primary contact of, and those it was added to.
  return sql`${dealStageHistory.dealId} IN (SELECT id FROM deals WHERE workspace_id = ${workspaceId} AND primary_contact_id = ${subject.id} AND deleted_at IS NULL
    UNION SELECT deal_id FROM deal_contacts WHERE workspace_id = ${workspaceId} AND contact_id = ${subject.id})`;
}

// The unary plus keeps SQLite off deal_stage_history_at_idx (the whole workspace's history in
// time order, filtered row by row): the few rows of the subject's deals come from
// deal_stage_history_deal_idx and are sorted, however much history the rest of the workspace has.
const unindexedAt = sql`+${dealStageHistory.at}`;

async function stageChangeEntries(db: Database, workspaceId: string, subject: TimelineSubject, cursor: TimelineKey | null, limit: number): Promise<Entry[]> {
  const rows = await db
    .select({ change: dealStageHistory, dealTitle: deals.title, fromName: fromStages.name, toName: toStages.name, actor: actorName })
    .from(dealStageHistory)
    .innerJoin(deals, and(eq(deals.id, dealStageHistory.dealId), isNull(deals.deletedAt)))
    .leftJoin(fromStages, eq(fromStages.id, dealStageHistory.fromStageId))
    .leftJoin(toStages, eq(toStages.id, dealStageHistory.toStageId))
    .leftJoin(users, eq(users.id, dealStageHistory.actorId))
    .leftJoin(apiKeys, eq(apiKeys.id, dealStageHistory.actorId))
    .where(and(eq(dealStageHistory.workspaceId, workspaceId), dealsOf(workspaceId, subject), ...olderThan(unindexedAt, dealStageHistory.id, cursor)))
    .orderBy(desc(unindexedAt), desc(dealStageHistory.id))
    .limit(limit + 1);
  return rows.map(({ change, dealTitle, fromName, toName, actor }) => ({
    at: change.at,
    id: change.id,
    item: {
      kind: "stage_change",
      id: change.id,
      at: isoTime(change.at),
      actor_id: change.actorId,
      actor_name: actor,
      deal_id: change.dealId,
      deal_title: dealTitle,
      from_stage_id: change.fromStageId,
      from_stage_name: fromName,
      to_stage_id: change.toStageId,
      to_stage_name: toName,
    },
  }));
}

// A deal's moves are already stage changes, and reordering cards within a column is not news.
const hiddenChanges: Record<TimelineSubject["type"], string[]> = { contact: [], company: [], deal: ["deal.moved", "deal.reordered"] };

function parseDiff(text: string): { before: Record<string, unknown> | null; after: Record<string, unknown> | null } {
  const parsed: unknown = JSON.parse(text);
  if (parsed !== null && typeof parsed === "object" && "before" in parsed && "after" in parsed) {
    const { before, after } = parsed;
    const record = (value: unknown) => (value !== null && typeof value === "object" && !Array.isArray(value) ? Object.fromEntries(Object.entries(value)) : null);
    return { before: record(before), after: record(after) };
  }
  return { before: null, after: null };
}

async function changeEntries(db: Database, workspaceId: string, subject: TimelineSubject, cursor: TimelineKey | null, limit: number): Promise<Entry[]> {
  const hidden = hiddenChanges[subject.type];
  const rows = await db
    .select({ entry: auditLog, actor: actorName })
    .from(auditLog)
    .leftJoin(users, eq(users.id, auditLog.actorId))
    .leftJoin(apiKeys, eq(apiKeys.id, auditLog.actorId))
    .where(
      and(
        eq(auditLog.workspaceId, workspaceId),
        eq(auditLog.entityType, subject.type),
        eq(auditLog.entityId, subject.id),
        ...(hidden.length > 0 ? [notInArray(auditLog.action, hidden)] : []),
        ...(cursor ? [lt(auditLog.id, idsUpTo("audit", cursor.at))] : []),
        ...olderThan(auditLog.at, auditLog.id, cursor),
      ),
    )
    .orderBy(desc(auditLog.id))
    .limit(limit + 1);
  return rows.map(({ entry, actor }) => ({
    at: entry.at,
    id: entry.id,
    item: { kind: "change", id: entry.id, at: isoTime(entry.at), actor_id: entry.actorId, actor_name: actor, action: entry.action, diff: parseDiff(entry.diff) },
  }));
}

export function parseKinds(types: string | undefined): Set<TimelineKind> {
  if (types === undefined) return new Set(timelineKinds);
  return new Set(timelineKinds.filter((kind) => types.split(",").includes(kind)));
}

export async function timeline(db: Database, workspaceId: string, subject: TimelineSubject, query: TimelineInput) {
  const cursor = timelineCursor(query.cursor);
  await assertSubject(db, workspaceId, subject);
  const kinds = parseKinds(query.types);
  const { limit } = query;
  const sources: Promise<Entry[]>[] = [];
  if (kinds.has("activity")) sources.push(activityEntries(db, workspaceId, subject, cursor, limit));
  if (kinds.has("task")) sources.push(taskEntries(db, workspaceId, subject, cursor, limit));
  // Submissions are the contact's own: form_submissions is indexed by contact only.
  if (kinds.has("submission") && subject.type === "contact") sources.push(submissionEntries(db, workspaceId, subject.id, cursor, limit));
  if (kinds.has("stage_change")) sources.push(stageChangeEntries(db, workspaceId, subject, cursor, limit));
  if (kinds.has("change")) sources.push(changeEntries(db, workspaceId, subject, cursor, limit));
  const { page, next } = mergeNewestFirst(await Promise.all(sources), limit, cursor);
  return { data: page.map((entry) => entry.item), next_cursor: next === null ? null : encodeCursor([next.at, next.id]) };
}
