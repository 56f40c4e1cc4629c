import { and, desc, eq, inArray, isNull, lt, sql } from "drizzle-orm";
import type { Database } from "../db/client";
import { notificationPreferences, notifications, notificationTypes } from "../db/schema";
import { toPage } from "../http/pagination";
import type { Preference } from "./notification.schema";
import { defaultPreference, toNotification } from "./notify";

// A person's own notifications: every query is scoped by workspace AND user, so nobody reads
// someone else's bell, whatever ids they send.

/**
 * The unread count reads the partial unread index and stops at this many: a badge shows "999+"
 * long before anyone would count further, and the cost stays bounded for a neglected inbox.
 */
export const unreadCountCap = 1000;

function unreadCountQuery(db: Database, workspaceId: string, userId: string) {
  return db
    .select({ n: sql<number>`count(*)` })
    .from(
      db
        .select({ one: sql`1` })
        .from(notifications)
        .where(and(eq(notifications.workspaceId, workspaceId), eq(notifications.userId, userId), isNull(notifications.readAt)))
        .limit(unreadCountCap)
        .as("unread"),
    );
}

export async function listNotifications(
  db: Database,
  workspaceId: string,
  userId: string,
  options: { limit: number; afterId: string | null; unread: boolean },
) {
  const conditions = [eq(notifications.workspaceId, workspaceId), eq(notifications.userId, userId)];
  if (options.unread) conditions.push(isNull(notifications.readAt));
  if (options.afterId) conditions.push(lt(notifications.id, options.afterId));
  // Ids are time-sortable, so id order is newest first; both indexes end in id.
  const [rows, count] = await db.batch([
    db
      .select()
      .from(notifications)
      .where(and(...conditions))
      .orderBy(desc(notifications.id))
      .limit(options.limit + 1),
    unreadCountQuery(db, workspaceId, userId),
  ]);
  return { ...toPage(rows, options.limit, (row) => [row.id], toNotification), unread_count: count[0]?.n ?? 0 };
}

/** Marks the given notifications (or all) read; ids that are not the caller's are ignored. */
export async function markRead(db: Database, workspaceId: string, userId: string, target: { ids: string[] } | { all: true }, now: number) {
  const mine = [eq(notifications.workspaceId, workspaceId), eq(notifications.userId, userId), isNull(notifications.readAt)];
  // json_each keeps a 200-id request at one bound parameter (D1 allows 100 per statement).
  const scope = "ids" in target ? inArray(notifications.id, sql`(SELECT value FROM json_each(${JSON.stringify(target.ids)}))`) : undefined;
  const [, count] = await db.batch([
    db
      .update(notifications)
      .set({ readAt: now })
      .where(and(...mine, scope)),
    unreadCountQuery(db, workspaceId, userId),
  ]);
  return { unread_count: count[0]?.n ?? 0 };
}

export async function getPreferences(db: Database, workspaceId: string, userId: string): Promise<Preference[]> {
  const stored = await db
    .select()
    .from(notificationPreferences)
    .where(and(eq(notificationPreferences.workspaceId, workspaceId), eq(notificationPreferences.userId, userId)));
  const byType = new Map(stored.map((row) => [row.type, row]));
  return notificationTypes.map((type) => {
    const row = byType.get(type);
    const preference = row ? { inApp: row.inApp, email: row.email } : defaultPreference(type);
    return { type, in_app: preference.inApp, email: preference.email };
  });
}

/** Stores only deviations from the defaults; a type set back to its default loses its row. */
export async function setPreferences(db: Database, workspaceId: string, userId: string, input: Preference[], now: number): Promise<Preference[]> {
  const key = (type: Preference["type"]) =>
    and(eq(notificationPreferences.workspaceId, workspaceId), eq(notificationPreferences.userId, userId), eq(notificationPreferences.type, type));
  const writes = input.map((preference) => {
    const defaults = defaultPreference(preference.type);
    if (defaults.inApp === preference.in_app && defaults.email === preference.email) {
      return db.delete(notificationPreferences).where(key(preference.type));
    }
    return db
      .insert(notificationPreferences)
      .values({ workspaceId, userId, type: preference.type, inApp: preference.in_app, email: preference.email, updatedAt: now })
      .onConflictDoUpdate({
        target: [notificationPreferences.workspaceId, notificationPreferences.userId, notificationPreferences.type],
        set: { inApp: preference.in_app, email: preference.email, updatedAt: now },
      });
  });
  const [first, ...rest] = writes;
  if (first) await db.batch([first, ...rest]);
  return getPreferences(db, workspaceId, userId);
}
