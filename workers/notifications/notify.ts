import { and, eq, isNull } from "drizzle-orm";
import type { Database } from "../db/client";
import { newId } from "../db/ids";
import { memberships, notificationPreferences, notifications, users, type NotificationType } from "../db/schema";
import { transportFor } from "../email/transport";
import { hubFor } from "../hub/client";
import { isoTime } from "../http/fields";
import type { Notification } from "./notification.schema";

// The one way anything tells a person something: a scheduled job, a lead assignment, a task
// handed to someone. Every step is keyed by `dedupeKey`, because producers run from queue
// messages that may arrive twice or crash half-way and be retried.

export type NotifyInput = {
  workspaceId: string;
  userId: string;
  type: NotificationType;
  /** What happened, e.g. "task.reminder:rem_…"; unique per user. */
  dedupeKey: string;
  text: string;
  link: string | null;
  data: Record<string, unknown>;
  /** Sent when the person's preference for `type` allows email. */
  email?: { subject: string; text: string } | undefined;
  now: number;
};

export type NotifyResult = { notificationId: string | null; pushed: boolean; emailed: boolean };

/** Email is on by default only for what people act on by the clock: reminders and the digest. */
export function defaultPreference(type: NotificationType): { inApp: boolean; email: boolean } {
  return { inApp: true, email: type === "task.reminder" || type === "task.digest" };
}

export function toNotification(row: typeof notifications.$inferSelect): Notification {
  let data: Record<string, unknown> = {};
  try {
    const parsed: unknown = JSON.parse(row.data);
    if (parsed !== null && typeof parsed === "object" && !Array.isArray(parsed)) data = Object.fromEntries(Object.entries(parsed));
  } catch {
    data = {};
  }
  return { id: row.id, type: row.type, text: row.text, link: row.link, data, created_at: isoTime(row.createdAt), read_at: isoTime(row.readAt) };
}

/** The email's own dedupe key: the outbox key is per workspace, a notification's per person. */
export function emailDedupeKey(userId: string, dedupeKey: string) {
  return `notification:${userId}:${dedupeKey}`;
}

/**
 * Inserts the notification once, emails it once, pushes it live once. Calling it again with the
 * same dedupe key finishes what an earlier, interrupted call left undone and repeats nothing.
 * Only members of the workspace are told (an owner who left gets nothing).
 */
export async function notifyUser(env: Env, db: Database, input: NotifyInput): Promise<NotifyResult> {
  const [recipient] = await db
    .select({ email: users.email, name: users.name, inApp: notificationPreferences.inApp, wantsEmail: notificationPreferences.email })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .leftJoin(
      notificationPreferences,
      and(
        eq(notificationPreferences.workspaceId, memberships.workspaceId),
        eq(notificationPreferences.userId, memberships.userId),
        eq(notificationPreferences.type, input.type),
      ),
    )
    .where(and(eq(memberships.workspaceId, input.workspaceId), eq(memberships.userId, input.userId)))
    .limit(1);
  if (!recipient) return { notificationId: null, pushed: false, emailed: false };
  const defaults = defaultPreference(input.type);
  const inApp = recipient.inApp ?? defaults.inApp;
  const wantsEmail = recipient.wantsEmail ?? defaults.email;

  let row: typeof notifications.$inferSelect | undefined;
  if (inApp) {
    const key = and(eq(notifications.workspaceId, input.workspaceId), eq(notifications.userId, input.userId), eq(notifications.dedupeKey, input.dedupeKey));
    // Insert-or-keep and read back in one round trip: the read sees the row whichever call made it.
    const [, existing] = await db.batch([
      db
        .insert(notifications)
        .values({
          id: newId("notification", input.now),
          workspaceId: input.workspaceId,
          userId: input.userId,
          type: input.type,
          dedupeKey: input.dedupeKey,
          text: input.text,
          link: input.link,
          data: JSON.stringify(input.data),
          createdAt: input.now,
        })
        .onConflictDoNothing({ target: [notifications.workspaceId, notifications.userId, notifications.dedupeKey] }),
      db.select().from(notifications).where(key).limit(1),
    ]);
    row = existing[0];
  }

  let emailed = false;
  if (wantsEmail && input.email) {
    await transportFor(env, db).send({
      workspaceId: input.workspaceId,
      dedupeKey: emailDedupeKey(input.userId, input.dedupeKey),
      kind: input.type,
      from: env.MAIL_FROM,
      to: recipient.email,
      toName: recipient.name,
      subject: input.email.subject,
      text: input.email.text,
      // Tell mail systems (and vacation auto-replies) that nobody typed this.
      headers: { "Auto-Submitted": "auto-generated" },
    });
    emailed = true;
  }

  let pushed = false;
  if (row && row.pushedAt === null) pushed = await pushOnce(env, db, row, input.now);
  return { notificationId: row?.id ?? null, pushed, emailed };
}

// Claims the push by setting pushed_at first, so two concurrent deliveries of the same message
// push once; if the hub cannot be reached the claim is released for a later redelivery. The
// notification is already stored either way, and the bell shows it on the next list.
async function pushOnce(env: Env, db: Database, row: typeof notifications.$inferSelect, now: number): Promise<boolean> {
  const claimed = await db
    .update(notifications)
    .set({ pushedAt: now })
    .where(and(eq(notifications.id, row.id), isNull(notifications.pushedAt)))
    .returning({ id: notifications.id });
  if (claimed.length === 0) return false;
  try {
    await hubFor(env, row.workspaceId).notify(row.userId, toNotification(row));
    return true;
  } catch (error) {
    console.error("Notification not pushed live", row.id, error);
    await db
      .update(notifications)
      .set({ pushedAt: null })
      .where(eq(notifications.id, row.id));
    return false;
  }
}
