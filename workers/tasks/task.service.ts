import { and, asc, desc, eq, gt, gte, isNotNull, isNull, lt, sql, type SQL } from "drizzle-orm";
import type { BatchItem } from "drizzle-orm/batch";
import { auditInsert } from "../audit/audit.service";
import type { Actor } from "../auth/principal";
import type { Database } from "../db/client";
import { isUniqueViolation } from "../db/errors";
import { newId } from "../db/ids";
import { companies, contacts, deals, memberships, taskReminders, tasks, users, workspaces } from "../db/schema";
import { isVersionConflict, versionGuard } from "../db/version-guard";
import { assertVersion } from "../http/etag";
import { isoTime } from "../http/fields";
import { decodeCursor, toPage } from "../http/pagination";
import { problems, type FieldError } from "../http/problem";
import type { ServiceContext } from "../lib/service-context";
import { notifyUser } from "../notifications/notify";
import { nextDueAt } from "./recurrence";
import { normalizeOffsets, parseOffsets, reminderFireTimes } from "./reminders";
import type { Task, TaskCreateInput, TaskListInput, TaskPatchInput } from "./task.schema";

type TaskRow = typeof tasks.$inferSelect;

/** The names a task is shown with: its assignee's and those of the records it is linked to. */
export type TaskNames = { assigneeName: string | null; contactName: string | null; companyName: string | null; dealTitle: string | null };
type LinkNames = Omit<TaskNames, "assigneeName">;
type TaskWithNames = TaskNames & { row: TaskRow };
const noLinkNames: LinkNames = { contactName: null, companyName: null, dealTitle: null };

/** What a write produced: the task, the next one of a repeating series, and whom to tell. */
export type TaskWrite = {
  task: Task;
  /** The follow-up task created by completing a repeating one. */
  next: Task | null;
  /** Set when the task was handed to someone other than the person who acted. */
  assignedTo: string | null;
  /** False for a PATCH that changed nothing (nothing to announce). */
  changed: boolean;
};

export function toTask(row: TaskRow, names: TaskNames): Task {
  return {
    id: row.id,
    title: row.title,
    description: row.description,
    due_at: isoTime(row.dueAt),
    reminder_offsets: parseOffsets(row.reminderOffsets),
    assignee_id: row.assigneeId,
    assignee_name: row.assigneeId === null ? null : names.assigneeName,
    priority: row.priority,
    contact_id: row.contactId,
    company_id: row.companyId,
    deal_id: row.dealId,
    contact_name: row.contactId === null ? null : names.contactName,
    company_name: row.companyId === null ? null : names.companyName,
    deal_title: row.dealId === null ? null : names.dealTitle,
    status: row.status,
    recurrence: row.recurrence,
    previous_id: row.previousId,
    completed_at: isoTime(row.completedAt),
    created_by: row.createdBy,
    created_at: isoTime(row.createdAt),
    updated_at: isoTime(row.updatedAt),
    version: row.version,
  };
}

/** The task's own fields, without the names of others (those are no part of its history). */
function snapshot(row: TaskRow) {
  const {
    id: _id,
    created_at: _c,
    updated_at: _u,
    version: _v,
    created_by: _cb,
    assignee_name: _n,
    contact_name: _cn,
    company_name: _con,
    deal_title: _dt,
    ...fields
  } = toTask(row, { assigneeName: null, ...noLinkNames });
  return fields;
}

// First and last name, else the primary email; a contact with neither reads null. A record
// that is deleted or in another workspace joins as no row, so its name reads null too.
const contactName = sql<string | null>`coalesce(nullif(trim(coalesce(${contacts.firstName}, '') || ' ' || coalesce(${contacts.lastName}, '')), ''), ${contacts.primaryEmail})`;

/**
 * LEFT JOIN conditions for the linked records' names, exported for the timeline's task query.
 * Each is a primary-key lookup (the id), with the workspace and deleted_at checked on that row.
 */
export const taskContactJoin = and(eq(contacts.id, tasks.contactId), eq(contacts.workspaceId, tasks.workspaceId), isNull(contacts.deletedAt));
export const taskCompanyJoin = and(eq(companies.id, tasks.companyId), eq(companies.workspaceId, tasks.workspaceId), isNull(companies.deletedAt));
export const taskDealJoin = and(eq(deals.id, tasks.dealId), eq(deals.workspaceId, tasks.workspaceId), isNull(deals.deletedAt));
export const taskLinkNames = { contactName, companyName: companies.name, dealTitle: deals.title };

/** Tasks with every name they are shown with, in the one query that reads them. */
function selectTasks(db: Database) {
  return db
    .select({ row: tasks, assigneeName: users.name, ...taskLinkNames })
    .from(tasks)
    .leftJoin(users, eq(users.id, tasks.assigneeId))
    .leftJoin(contacts, taskContactJoin)
    .leftJoin(companies, taskCompanyJoin)
    .leftJoin(deals, taskDealJoin);
}

export async function getTask(db: Database, workspaceId: string, id: string): Promise<TaskWithNames> {
  const [found] = await selectTasks(db)
    .where(and(eq(tasks.workspaceId, workspaceId), eq(tasks.id, id), isNull(tasks.deletedAt)))
    .limit(1);
  if (!found) throw problems.notFound("task");
  return found;
}

// ---------------------------------------------------------------------------------------------
// Listing

const undatedMarker = "none";

/**
 * The queries behind a list page, unexecuted so tests can read their plans. Open work is listed
 * by due time with undated tasks last; SQLite sorts NULL first, so rather than an ORDER BY
 * expression (which no index serves) the page is read in two index ranges: dated tasks in
 * (due_at, id) order, then undated ones in id order. Lists of one record's tasks use that
 * record's index, newest first, like the record's timeline.
 */
export function taskListPlan(db: Database, actor: Actor, query: TaskListInput) {
  const where: SQL[] = [eq(tasks.workspaceId, actor.workspaceId), isNull(tasks.deletedAt), eq(tasks.status, query.status)];
  if (query.assignee_id !== undefined) {
    if (query.assignee_id === "me" && actor.type !== "user") {
      throw problems.validation([{ parameter: "assignee_id", detail: "Only a signed-in person has tasks of their own; name a user id instead of me." }]);
    }
    where.push(eq(tasks.assigneeId, query.assignee_id === "me" ? (actor.id ?? "") : query.assignee_id));
  }
  if (query.due_after !== undefined) where.push(gte(tasks.dueAt, Date.parse(query.due_after)));
  if (query.due_before !== undefined) where.push(lt(tasks.dueAt, Date.parse(query.due_before)));
  const cursor = decodeCursor(query.cursor);
  const select = () => selectTasks(db);

  const linked = query.contact_id ?? query.company_id ?? query.deal_id;
  if (linked !== undefined) {
    if (query.contact_id !== undefined) where.push(eq(tasks.contactId, query.contact_id), isNotNull(tasks.contactId));
    if (query.company_id !== undefined) where.push(eq(tasks.companyId, query.company_id), isNotNull(tasks.companyId));
    if (query.deal_id !== undefined) where.push(eq(tasks.dealId, query.deal_id), isNotNull(tasks.dealId));
    const afterId = cursor === null ? null : cursorId(cursor);
    return {
      kind: "recent" as const,
      recent: select()
        .where(and(...where, ...(afterId === null ? [] : [lt(tasks.id, afterId)])))
        .orderBy(desc(tasks.id))
        .limit(query.limit + 1),
    };
  }

  const inUndatedPhase = cursor !== null && cursor[0] === undatedMarker;
  const dated = inUndatedPhase
    ? null
    : select()
        .where(and(...where, isNotNull(tasks.dueAt), ...(cursor === null ? [] : [sql`(${tasks.dueAt}, ${tasks.id}) > (${datedCursorValue(cursor)}, ${cursorId(cursor)})`])))
        .orderBy(asc(tasks.dueAt), asc(tasks.id))
        .limit(query.limit + 1);
  // A due-date range leaves undated tasks out by definition.
  const undated = (remaining: number) =>
    query.due_after !== undefined || query.due_before !== undefined
      ? null
      : select()
          .where(and(...where, isNull(tasks.dueAt), ...(inUndatedPhase && cursor ? [gt(tasks.id, cursorId(cursor))] : [])))
          .orderBy(asc(tasks.id))
          .limit(remaining);
  return { kind: "due" as const, dated, undated };
}

function badCursor(): never {
  throw problems.validation([{ parameter: "cursor", detail: "This cursor is not one the API returned." }]);
}

function cursorId(cursor: readonly (string | number)[]): string {
  const id = cursor.at(-1);
  return typeof id === "string" && id.startsWith("tsk_") ? id : badCursor();
}

function datedCursorValue(cursor: readonly (string | number)[]): number {
  const [value] = cursor;
  return typeof value === "number" && cursor.length === 2 ? value : badCursor();
}

export async function listTasks(db: Database, actor: Actor, query: TaskListInput) {
  const plan = taskListPlan(db, actor, query);
  const shape = (found: TaskWithNames) => toTask(found.row, found);
  if (plan.kind === "recent") {
    return toPage(await plan.recent, query.limit, (found) => [found.row.id], shape);
  }
  const rows = plan.dated ? await plan.dated : [];
  if (rows.length <= query.limit) {
    const undated = plan.undated(query.limit + 1 - rows.length);
    if (undated) rows.push(...(await undated));
  }
  return toPage(rows, query.limit, (found) => (found.row.dueAt === null ? [undatedMarker, found.row.id] : [found.row.dueAt, found.row.id]), shape);
}

// ---------------------------------------------------------------------------------------------
// Checks on what a task points at

/** The assignee must belong to the workspace; returns their name for the response. */
async function assigneeName(db: Database, workspaceId: string, userId: string): Promise<string> {
  const [member] = await db
    .select({ name: users.name })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(and(eq(memberships.workspaceId, workspaceId), eq(memberships.userId, userId)))
    .limit(1);
  if (!member) throw problems.validation([{ pointer: "/assignee_id", code: "unknown_member", detail: "The assignee must be a member of this workspace." }]);
  return member.name;
}

type Links = { contactId: string | null; companyId: string | null; dealId: string | null };

// Records of another workspace look exactly like unknown ones: 422 naming the field. Returns the
// names of the records it checked (null for those it was not asked about), for the response.
async function assertLinksExist(db: Database, workspaceId: string, links: Partial<Links>): Promise<LinkNames> {
  const [contact, company, deal] = await Promise.all([
    links.contactId
      ? db.select({ name: contactName }).from(contacts).where(and(eq(contacts.workspaceId, workspaceId), eq(contacts.id, links.contactId), isNull(contacts.deletedAt))).limit(1)
      : null,
    links.companyId
      ? db.select({ name: companies.name }).from(companies).where(and(eq(companies.workspaceId, workspaceId), eq(companies.id, links.companyId), isNull(companies.deletedAt))).limit(1)
      : null,
    links.dealId ? db.select({ name: deals.title }).from(deals).where(and(eq(deals.workspaceId, workspaceId), eq(deals.id, links.dealId), isNull(deals.deletedAt))).limit(1) : null,
  ]);
  const errors: FieldError[] = [];
  if (contact && contact.length === 0) errors.push({ pointer: "/contact_id", code: "unknown_contact", detail: "No contact with that id in this workspace." });
  if (company && company.length === 0) errors.push({ pointer: "/company_id", code: "unknown_company", detail: "No company with that id in this workspace." });
  if (deal && deal.length === 0) errors.push({ pointer: "/deal_id", code: "unknown_deal", detail: "No deal with that id in this workspace." });
  if (errors.length > 0) throw problems.validation(errors);
  return { contactName: contact?.[0]?.name ?? null, companyName: company?.[0]?.name ?? null, dealTitle: deal?.[0]?.name ?? null };
}

function assertRepeatHasDueTime(recurrence: TaskRow["recurrence"], dueAt: number | null, pointer: string) {
  if (recurrence !== "none" && dueAt === null) {
    throw problems.validation([{ pointer, code: "recurrence_needs_due_at", detail: "A repeating task needs a due time to repeat from." }]);
  }
}

// ---------------------------------------------------------------------------------------------
// Reminder rows, always written in the same batch as the task

function reminderInserts(ctx: ServiceContext, task: TaskRow, alreadyEnqueued: readonly number[]): BatchItem<"sqlite">[] {
  const times = reminderFireTimes({ status: task.status, dueAt: task.dueAt, offsets: parseOffsets(task.reminderOffsets), now: ctx.now, alreadyEnqueued });
  if (times.length === 0) return [];
  // At most five rows of five columns: far below D1's 100 bound parameters.
  return [ctx.db.insert(taskReminders).values(times.map((fireAt) => ({ id: newId("reminder", ctx.now), workspaceId: task.workspaceId, taskId: task.id, fireAt, enqueuedAt: null })))];
}

/** Rows not yet handed to the queue; enqueued ones stay, they are the sent reminders' keys. */
function deletePendingReminders(ctx: ServiceContext, taskId: string) {
  return ctx.db.delete(taskReminders).where(and(eq(taskReminders.taskId, taskId), isNull(taskReminders.enqueuedAt)));
}

async function enqueuedFireTimes(db: Database, taskId: string): Promise<number[]> {
  const rows = await db
    .select({ fireAt: taskReminders.fireAt })
    .from(taskReminders)
    .where(and(eq(taskReminders.taskId, taskId), isNotNull(taskReminders.enqueuedAt)));
  return rows.map((row) => row.fireAt);
}

// ---------------------------------------------------------------------------------------------
// Writes

function dueAtOf(value: string | null | undefined): number | null {
  return value === undefined || value === null ? null : Date.parse(value);
}

export async function createTask(ctx: ServiceContext, input: TaskCreateInput): Promise<TaskWrite> {
  const workspaceId = ctx.actor.workspaceId;
  const assigneeId = input.assignee_id === undefined ? (ctx.actor.type === "user" ? ctx.actor.id : null) : input.assignee_id;
  const dueAt = dueAtOf(input.due_at);
  const recurrence = input.recurrence ?? "none";
  assertRepeatHasDueTime(recurrence, dueAt, "/recurrence");
  const [name, linkNames] = await Promise.all([
    assigneeId === null ? null : assigneeName(ctx.db, workspaceId, assigneeId),
    assertLinksExist(ctx.db, workspaceId, { contactId: input.contact_id ?? null, companyId: input.company_id ?? null, dealId: input.deal_id ?? null }),
  ]);
  const row: TaskRow = {
    id: newId("task", ctx.now),
    workspaceId,
    title: input.title,
    description: input.description || null,
    dueAt,
    reminderOffsets: JSON.stringify(normalizeOffsets(input.reminder_offsets ?? [0])),
    assigneeId,
    priority: input.priority ?? "normal",
    contactId: input.contact_id ?? null,
    companyId: input.company_id ?? null,
    dealId: input.deal_id ?? null,
    status: "open",
    recurrence,
    previousId: null,
    completedAt: null,
    createdBy: ctx.actor.id,
    updatedBy: ctx.actor.id,
    createdAt: ctx.now,
    updatedAt: ctx.now,
    version: 1,
    deletedAt: null,
  };
  await ctx.db.batch([
    ctx.db.insert(tasks).values(row),
    ...reminderInserts(ctx, row, []),
    auditInsert(ctx, { action: "task.created", entityType: "task", entityId: row.id, before: null, after: snapshot(row) }),
  ]);
  return { task: toTask(row, { assigneeName: name, ...linkNames }), next: null, assignedTo: assigneeId !== null && assigneeId !== ctx.actor.id ? assigneeId : null, changed: true };
}

/** Whose clock a repeating task follows: its assignee's, or the workspace's when nobody has it. */
async function timeZoneFor(db: Database, workspaceId: string, assigneeId: string | null): Promise<string> {
  const [found] = await db
    .select({ workspace: workspaces.timeZone, user: users.timeZone })
    .from(workspaces)
    .leftJoin(users, eq(users.id, assigneeId ?? ""))
    .where(eq(workspaces.id, workspaceId))
    .limit(1);
  return found?.user ?? found?.workspace ?? "UTC";
}

/** The task moved on between reading it and writing the change. */
class LostRace extends Error {}

export async function updateTask(ctx: ServiceContext, id: string, patch: TaskPatchInput, expectedVersion: number | null): Promise<TaskWrite> {
  // Without If-Match the caller asked for "make it so", not "change version n": a lost race is
  // replayed on the fresh row. With the no-op short cut below, that is what makes a completion
  // PATCH sent twice answer 200 both times while the repeat is created once.
  for (let attempt = 1; ; attempt++) {
    try {
      return await applyUpdate(ctx, id, patch, expectedVersion);
    } catch (error) {
      if (!(error instanceof LostRace)) throw error;
      if (expectedVersion !== null) throw problems.preconditionFailed((await getTask(ctx.db, ctx.actor.workspaceId, id)).row.version);
      if (attempt >= 3) throw problems.conflict("concurrent_change", "Others are changing this task at the same moment. Reload it and try again.");
    }
  }
}

async function applyUpdate(ctx: ServiceContext, id: string, patch: TaskPatchInput, expectedVersion: number | null): Promise<TaskWrite> {
  const workspaceId = ctx.actor.workspaceId;
  const { row: current, ...currentNames } = await getTask(ctx.db, workspaceId, id);
  assertVersion(expectedVersion, current.version);

  const assigneeId = patch.assignee_id === undefined ? current.assigneeId : patch.assignee_id;
  const dueAt = patch.due_at === undefined ? current.dueAt : dueAtOf(patch.due_at);
  const status = patch.status ?? current.status;
  const recurrence = patch.recurrence ?? current.recurrence;
  assertRepeatHasDueTime(recurrence, dueAt, patch.due_at === null ? "/due_at" : "/recurrence");
  const [name, checkedNames] = await Promise.all([
    assigneeId === current.assigneeId ? currentNames.assigneeName : assigneeId === null ? null : assigneeName(ctx.db, workspaceId, assigneeId),
    assertLinksExist(ctx.db, workspaceId, {
      contactId: patch.contact_id && patch.contact_id !== current.contactId ? patch.contact_id : null,
      companyId: patch.company_id && patch.company_id !== current.companyId ? patch.company_id : null,
      dealId: patch.deal_id && patch.deal_id !== current.dealId ? patch.deal_id : null,
    }),
  ]);

  const next: TaskRow = {
    ...current,
    title: patch.title ?? current.title,
    description: patch.description === undefined ? current.description : patch.description || null,
    dueAt,
    reminderOffsets: patch.reminder_offsets === undefined ? current.reminderOffsets : JSON.stringify(normalizeOffsets(patch.reminder_offsets)),
    assigneeId,
    priority: patch.priority ?? current.priority,
    contactId: patch.contact_id === undefined ? current.contactId : patch.contact_id,
    companyId: patch.company_id === undefined ? current.companyId : patch.company_id,
    dealId: patch.deal_id === undefined ? current.dealId : patch.deal_id,
    status,
    recurrence,
    completedAt: status === "done" ? (current.status === "done" ? current.completedAt : ctx.now) : null,
    updatedBy: ctx.actor.id,
    updatedAt: ctx.now,
    version: current.version + 1,
  };

  // Nothing to change (a repeated PATCH): answer with the task as it is, write nothing.
  if (JSON.stringify(snapshot(next)) === JSON.stringify(snapshot(current))) return { task: toTask(current, currentNames), next: null, assignedTo: null, changed: false };

  // A link left as it was keeps the name read with the task; a new one was named by the check.
  const names: TaskNames = {
    assigneeName: name,
    contactName: next.contactId === current.contactId ? currentNames.contactName : checkedNames.contactName,
    companyName: next.companyId === current.companyId ? currentNames.companyName : checkedNames.companyName,
    dealTitle: next.dealId === current.dealId ? currentNames.dealTitle : checkedNames.dealTitle,
  };

  const remindersChange =
    next.dueAt !== current.dueAt || next.reminderOffsets !== current.reminderOffsets || next.status !== current.status || next.assigneeId !== current.assigneeId;
  const [alreadyEnqueued, successor] = await Promise.all([
    remindersChange && next.status === "open" && next.dueAt !== null ? enqueuedFireTimes(ctx.db, id) : [],
    current.status !== "done" && next.status === "done" ? successorOf(ctx, next) : null,
  ]);

  const writes: BatchItem<"sqlite">[] = [ctx.db.update(tasks).set(changesOf(next)).where(eq(tasks.id, id))];
  if (remindersChange) writes.push(deletePendingReminders(ctx, id), ...reminderInserts(ctx, next, alreadyEnqueued));
  writes.push(auditInsert(ctx, { action: "task.updated", entityType: "task", entityId: id, before: snapshot(current), after: snapshot(next) }));
  if (successor) {
    writes.push(
      ctx.db.insert(tasks).values(successor),
      ...reminderInserts(ctx, successor, []),
      auditInsert(ctx, { action: "task.created", entityType: "task", entityId: successor.id, before: null, after: snapshot(successor) }),
    );
  }
  await ctx.db.batch([versionGuard(ctx.db, tasks, id, current.version), ...writes]).catch((error: unknown) => {
    // tasks_previous_unique: someone else completed this task and created its follow-up first.
    if (isVersionConflict(error) || (successor && isUniqueViolation(error))) throw new LostRace();
    throw error;
  });
  const assignedTo = next.assigneeId !== null && next.assigneeId !== current.assigneeId && next.assigneeId !== ctx.actor.id && next.status === "open" ? next.assigneeId : null;
  return { task: toTask(next, names), next: successor ? toTask(successor, names) : null, assignedTo, changed: true };
}

function changesOf(row: TaskRow) {
  const { id: _id, workspaceId: _ws, createdAt: _c, createdBy: _cb, previousId: _p, ...changes } = row;
  return changes;
}

/**
 * The follow-up of a repeating task being completed, or null when it has none or already got
 * one (a task completed, reopened and completed again repeats once; tasks_previous_unique makes
 * that hold under races too).
 */
async function successorOf(ctx: ServiceContext, completed: TaskRow): Promise<TaskRow | null> {
  if (completed.recurrence === "none" || completed.dueAt === null) return null;
  const [existing, timeZone] = await Promise.all([
    ctx.db.select({ id: tasks.id }).from(tasks).where(eq(tasks.previousId, completed.id)).limit(1),
    timeZoneFor(ctx.db, completed.workspaceId, completed.assigneeId),
  ]);
  if (existing.length > 0) return null;
  return {
    ...completed,
    id: newId("task", ctx.now),
    dueAt: nextDueAt(completed.dueAt, completed.recurrence, timeZone),
    status: "open",
    previousId: completed.id,
    completedAt: null,
    createdBy: ctx.actor.id,
    updatedBy: ctx.actor.id,
    createdAt: ctx.now,
    updatedAt: ctx.now,
    version: 1,
    deletedAt: null,
  };
}

export async function deleteTask(ctx: ServiceContext, id: string): Promise<void> {
  const { row: current } = await getTask(ctx.db, ctx.actor.workspaceId, id);
  await ctx.db
    .batch([
      versionGuard(ctx.db, tasks, id, current.version),
      ctx.db.update(tasks).set({ deletedAt: ctx.now, updatedAt: ctx.now, updatedBy: ctx.actor.id, version: current.version + 1 }).where(eq(tasks.id, id)),
      deletePendingReminders(ctx, id),
      auditInsert(ctx, { action: "task.deleted", entityType: "task", entityId: id, before: { deleted_at: null }, after: { deleted_at: isoTime(ctx.now) } }),
    ])
    .catch((error: unknown) => {
      if (isVersionConflict(error)) throw problems.conflict("concurrent_change", "Someone changed this task at the same moment. Reload it and try again.");
      throw error;
    });
}

// ---------------------------------------------------------------------------------------------
// Telling the assignee

/**
 * Notifies the person a task was handed to. Runs after the response (waitUntil), so it never
 * throws: the task stands either way, and the dedupe key (task and version) makes a retry safe.
 */
export async function notifyTaskAssigned(env: Env, db: Database, input: { workspaceId: string; task: Task; assigneeId: string; actor: Actor; now: number }) {
  try {
    const [by] = input.actor.type === "user" && input.actor.id ? await db.select({ name: users.name }).from(users).where(eq(users.id, input.actor.id)).limit(1) : [];
    await notifyUser(env, db, {
      workspaceId: input.workspaceId,
      userId: input.assigneeId,
      // Worded by notifyUser in the assignee's language, the due time in their zone; no name
      // (an API key or the system) reads as "an integration" there.
      message: { type: "task.assigned", title: input.task.title, dueAt: input.task.due_at ? Date.parse(input.task.due_at) : null, byName: by?.name ?? null },
      dedupeKey: `task.assigned:${input.task.id}:${input.task.version}`,
      link: "/tasks",
      data: { task_id: input.task.id, title: input.task.title, due_at: input.task.due_at, assigned_by: input.actor.id },
      now: input.now,
    });
  } catch (error) {
    console.error("Task assignment not notified", input.task.id, error);
  }
}
