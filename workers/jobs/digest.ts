import { and, asc, eq, isNull, lt, sql } from "drizzle-orm";
import type { Database } from "../db/client";
import { memberships, tasks, users } from "../db/schema";
import { isValidTimeZone, localParts, zonedTimeToUtc } from "../lib/zoned-time";
import { notifyUser } from "../notifications/notify";
import { sendJobs } from "./enqueue";
import type { JobMessage } from "./messages";

const digestHour = 8;
const membershipPageSize = 500;
// How many tasks the digest lists by name; the counts always cover all of them.
const listedTasks = 20;
// A person with thousands of overdue tasks gets "500+" rather than a digest that reads them all.
const countedTasks = 500;

/**
 * The distinct time zones of all users, each found with one seek in users_time_zone_idx (a
 * "loose index scan"): the read is the number of zones, not the number of users.
 */
export async function distinctTimeZones(db: Database): Promise<string[]> {
  const rows = await db.all<{ zone: string }>(sql`
    WITH RECURSIVE zones(zone) AS (
      SELECT min(time_zone) FROM users
      UNION ALL
      SELECT (SELECT min(time_zone) FROM users WHERE time_zone > zones.zone) FROM zones WHERE zones.zone IS NOT NULL
    )
    SELECT zone FROM zones WHERE zone IS NOT NULL`);
  return rows.map((row) => row.zone);
}

/** The local date in each zone where the wall clock at `now` reads 08:00–08:14. */
export function zonesAtDigestTime(zones: string[], now: number): Map<string, string> {
  const due = new Map<string, string>();
  for (const zone of zones) {
    if (!isValidTimeZone(zone)) continue;
    const local = localParts(now, zone);
    if (local.hour === digestHour && local.minute < 15) {
      due.set(zone, `${String(local.year).padStart(4, "0")}-${String(local.month).padStart(2, "0")}-${String(local.day).padStart(2, "0")}`);
    }
  }
  return due;
}

/**
 * Every quarter hour: one digest.send per membership of each person for whom it is now 08:00–08:14.
 * Quarter-hour ticks meet every zone's 08:00 once a day, also the +05:30 and +05:45 ones.
 */
export async function enqueueDigests(env: Env, db: Database, now: number): Promise<number> {
  const due = zonesAtDigestTime(await distinctTimeZones(db), now);
  let sent = 0;
  for (const [zone, localDate] of due) {
    let after: [string, string] | null = null;
    for (;;) {
      const page: { userId: string; workspaceId: string }[] = await db
        .select({ userId: users.id, workspaceId: memberships.workspaceId })
        .from(users)
        .innerJoin(memberships, eq(memberships.userId, users.id))
        .where(and(eq(users.timeZone, zone), after ? sql`(${users.id}, ${memberships.workspaceId}) > (${after[0]}, ${after[1]})` : undefined))
        .orderBy(asc(users.id), asc(memberships.workspaceId))
        .limit(membershipPageSize);
      await sendJobs(
        env,
        page.map((row) => ({ type: "digest.send" as const, workspace_id: row.workspaceId, user_id: row.userId, local_date: localDate })),
      );
      sent += page.length;
      const last = page.at(-1);
      if (!last || page.length < membershipPageSize) break;
      after = [last.userId, last.workspaceId];
    }
  }
  return sent;
}

function nextDate(isoDate: string): { year: number; month: number; day: number } {
  const next = new Date(`${isoDate}T00:00:00Z`);
  next.setUTCDate(next.getUTCDate() + 1);
  return { year: next.getUTCFullYear(), month: next.getUTCMonth() + 1, day: next.getUTCDate() };
}

/**
 * One person's digest: their open tasks in the workspace that are overdue or due before the end
 * of their local day, read through tasks_assignee_idx. Nothing due → no notification.
 */
export async function sendDigest(env: Env, db: Database, message: Extract<JobMessage, { type: "digest.send" }>, now: number): Promise<void> {
  const [user] = await db.select({ timeZone: users.timeZone }).from(users).where(eq(users.id, message.user_id)).limit(1);
  if (!user) return;
  const timeZone = isValidTimeZone(user.timeZone) ? user.timeZone : "UTC";
  const endOfDay = zonedTimeToUtc({ ...nextDate(message.local_date), hour: 0, minute: 0 }, timeZone);
  const rows = await db
    .select({ id: tasks.id, title: tasks.title, dueAt: tasks.dueAt })
    .from(tasks)
    .where(
      and(
        eq(tasks.workspaceId, message.workspace_id),
        eq(tasks.assigneeId, message.user_id),
        eq(tasks.status, "open"),
        lt(tasks.dueAt, endOfDay),
        isNull(tasks.deletedAt),
      ),
    )
    .orderBy(asc(tasks.dueAt), asc(tasks.id))
    .limit(countedTasks + 1);
  if (rows.length === 0) return;
  const capped = rows.length > countedTasks;
  if (capped) rows.length = countedTasks;
  const overdue = rows.filter((row) => row.dueAt !== null && row.dueAt < now);
  const today = rows.length - overdue.length;
  const listed = rows.slice(0, listedTasks);
  await notifyUser(env, db, {
    workspaceId: message.workspace_id,
    userId: message.user_id,
    // Worded by notifyUser in the person's language; the "+" on a capped count is added there.
    message: {
      type: "task.digest",
      localDate: message.local_date,
      overdue: overdue.length,
      dueToday: today,
      capped,
      tasks: listed.map((row) => ({ title: row.title, dueAt: row.dueAt ?? now })),
      more: rows.length - listed.length,
    },
    dedupeKey: `task.digest:${message.local_date}`,
    link: "/tasks",
    data: { local_date: message.local_date, overdue: overdue.length, due_today: today, capped, task_ids: listed.map((row) => row.id) },
    now,
  });
}
