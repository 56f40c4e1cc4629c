import { and, asc, eq, isNull, lte, sql } from "drizzle-orm";
import type { Database } from "../db/client";
import { taskReminders, tasks, users } from "../db/schema";
import { notifyUser } from "../notifications/notify";
import { sendJobs } from "./enqueue";

export const reminderPageSize = 500;
// Beyond this many in one tick the rest waits a minute: one invocation stays well inside D1's
// query budget, and the next tick continues from the oldest due row.
export const remindersPerTick = 5000;

/**
 * Every minute: due reminders not yet enqueued, oldest first, read through the partial index
 * task_reminders_due_idx (only unenqueued rows are in it, so the read is the size of what is
 * due), sent as task.remind messages, then marked enqueued. Marking after sending means a crash
 * in between sends a row again next minute; the consumer's dedupe key absorbs the duplicate.
 * Marking first could lose a reminder, which is worse.
 */
export async function enqueueDueReminders(env: Env, db: Database, now: number, cap = remindersPerTick): Promise<number> {
  let enqueued = 0;
  while (enqueued < cap) {
    const due = await db
      .select({ id: taskReminders.id })
      .from(taskReminders)
      .where(and(isNull(taskReminders.enqueuedAt), lte(taskReminders.fireAt, now)))
      .orderBy(asc(taskReminders.fireAt))
      .limit(Math.min(reminderPageSize, cap - enqueued));
    if (due.length === 0) break;
    const ids = due.map((row) => row.id);
    await sendJobs(
      env,
      ids.map((id) => ({ type: "task.remind" as const, reminder_id: id })),
    );
    // One bound parameter for the whole page: D1 allows 100 per statement.
    await db
      .update(taskReminders)
      .set({ enqueuedAt: now })
      .where(sql`${taskReminders.id} IN (SELECT value FROM json_each(${JSON.stringify(ids)}))`);
    enqueued += ids.length;
    if (due.length < reminderPageSize) break;
  }
  return enqueued;
}

/**
 * Tells the assignee about one due reminder. The reminder row must still exist (a task that
 * changed or closed loses its pending rows) and the task must be open and not deleted; otherwise
 * there is nothing to say and the message is simply done.
 */
export async function remindTask(env: Env, db: Database, reminderId: string, now: number): Promise<void> {
  const [row] = await db
    .select({
      reminder: taskReminders,
      title: tasks.title,
      dueAt: tasks.dueAt,
      status: tasks.status,
      deletedAt: tasks.deletedAt,
      assigneeId: tasks.assigneeId,
      timeZone: users.timeZone,
    })
    .from(taskReminders)
    .innerJoin(tasks, and(eq(tasks.id, taskReminders.taskId), eq(tasks.workspaceId, taskReminders.workspaceId)))
    .leftJoin(users, eq(users.id, tasks.assigneeId))
    .where(eq(taskReminders.id, reminderId))
    .limit(1);
  if (!row || row.status !== "open" || row.deletedAt !== null || row.assigneeId === null) return;
  const timeZone = row.timeZone ?? "UTC";
  const due = row.dueAt ?? row.reminder.fireAt;
  await notifyUser(env, db, {
    workspaceId: row.reminder.workspaceId,
    userId: row.assigneeId,
    // Worded by notifyUser in the assignee's language and zone.
    message: { type: "task.reminder", title: row.title, dueAt: due },
    dedupeKey: `task.reminder:${row.reminder.id}`,
    link: "/tasks",
    // Language-neutral: clients render their own words and local time from these.
    data: { task_id: row.reminder.taskId, reminder_id: row.reminder.id, title: row.title, due_at: new Date(due).toISOString(), time_zone: timeZone },
    now,
  });
}
