import { and, eq, isNull, sql } from "drizzle-orm";
import type { Database } from "../db/client";
import { newId } from "../db/ids";
import { memberships, notificationPreferences, notifications, users, type NotificationType } from "../db/schema";
import { transportFor } from "../email/transport";
import { hubFor } from "../hub/client";
import { isoTime } from "../http/fields";
import type { Notification } from "./notification.schema";
import { renderNotification, type NotificationMessage } from "./wording";

// The one way anything tells a person something: a scheduled job, a lead assignment, a task
// handed to someone. Every step is keyed by `dedupeKey`, because producers run from queue
// messages that may arrive twice or crash half-way and be retried.

export type NotifyInput = {
  workspaceId: string;
  userId: string;
  /** What happened, in raw values; worded here in the recipient's language (its `type` is the notification's). */
  message: NotificationMessage;
  /** What happened, e.g. "task.reminder:rem_…"; unique per user. */
  dedupeKey: string;
  link: string | null;
  /** Language-neutral facts for clients that render their own words. */
  data: Record<string, unknown>;
  now: number;
};

/** `notificationId` is the notification this call pushed (null when there was nothing new to push). */
export type NotifyResult = { notificationId: string | null; pushed: boolean; emailed: boolean };

/** Email is on by default only for what people act on by the clock: reminders and the digest. */
export function defaultPreference(type: NotificationType): { inApp: boolean; email: boolean } {
  return { inApp: true, email: type === "task.reminder" || type === "task.digest" || type === "quality.digest" };
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
 * Inserts the notification once, pushes it live once, emails it once. Calling it again with the
 * same dedupe key finishes what an earlier, interrupted call left undone and repeats nothing.
 * Only members of the workspace are told (an owner who left gets nothing).
 *
 * First the recipient is read (membership, language, time zone, address, preference): the words
 * depend on them. Then one D1 batch (one round trip, one transaction) inserts the notification
 * if they are still a member who wants it in-app, and claims its push (pushed_at) if nobody has;
 * then the push, then the email. An email failure throws, so the message is retried: the retry
 * finds the notification stored and pushed and sends only the email.
 */
export async function notifyUser(env: Env, db: Database, input: NotifyInput): Promise<NotifyResult> {
  const type: NotificationType = input.message.type;
  const defaults = defaultPreference(type);
  const preferenceOf = and(
    eq(notificationPreferences.workspaceId, memberships.workspaceId),
    eq(notificationPreferences.userId, memberships.userId),
    eq(notificationPreferences.type, type),
  );
  const [recipient] = await db
    .select({
      email: users.email,
      name: users.name,
      language: users.language,
      timeZone: users.timeZone,
      wantsEmail: notificationPreferences.email,
    })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .leftJoin(notificationPreferences, preferenceOf)
    .where(and(eq(memberships.workspaceId, input.workspaceId), eq(memberships.userId, input.userId)))
    .limit(1);
  if (!recipient) return { notificationId: null, pushed: false, emailed: false };
  const rendered = renderNotification(input.message, { language: recipient.language, timeZone: recipient.timeZone });

  const mine = and(eq(notifications.workspaceId, input.workspaceId), eq(notifications.userId, input.userId), eq(notifications.dedupeKey, input.dedupeKey));
  const [, claimed] = await db.batch([
    // Insert ... select: the row is written only for a member who wants this type in-app; the
    // membership is checked again here, in the write, not only in the read before it.
    db
      .insert(notifications)
      .select(
        db
          .select({
            id: sql<string>`${newId("notification", input.now)}`.as("id"),
            // Qualified by hand: drizzle names plain columns unqualified here, and the join makes them ambiguous.
            workspaceId: sql<string>`${memberships.workspaceId}`.as("workspace_id"),
            userId: sql<string>`${memberships.userId}`.as("user_id"),
            type: sql<NotificationType>`${type}`.as("type"),
            dedupeKey: sql<string>`${input.dedupeKey}`.as("dedupe_key"),
            text: sql<string>`${rendered.text}`.as("text"),
            link: sql<string | null>`${input.link}`.as("link"),
            data: sql<string>`${JSON.stringify(input.data)}`.as("data"),
            createdAt: sql<number>`${input.now}`.as("created_at"),
            readAt: sql<null>`NULL`.as("read_at"),
            pushedAt: sql<null>`NULL`.as("pushed_at"),
          })
          .from(memberships)
          .leftJoin(notificationPreferences, preferenceOf)
          .where(
            and(
              eq(memberships.workspaceId, input.workspaceId),
              eq(memberships.userId, input.userId),
              sql`coalesce(${notificationPreferences.inApp}, ${defaults.inApp ? 1 : 0}) = 1`,
            ),
          ),
      )
      .onConflictDoNothing({ target: [notifications.workspaceId, notifications.userId, notifications.dedupeKey] }),
    // Claiming before pushing means two concurrent deliveries of one message push once.
    db
      .update(notifications)
      .set({ pushedAt: input.now })
      .where(and(mine, isNull(notifications.pushedAt)))
      .returning(),
  ]);

  const row = claimed[0];
  const pushed = row ? await push(env, db, row) : false;

  let emailed = false;
  if (recipient.wantsEmail === null ? defaults.email : recipient.wantsEmail) {
    await transportFor(env, db).send({
      workspaceId: input.workspaceId,
      dedupeKey: emailDedupeKey(input.userId, input.dedupeKey),
      kind: type,
      from: env.MAIL_FROM,
      to: recipient.email,
      toName: recipient.name,
      subject: rendered.subject,
      text: rendered.body,
      // Tell mail systems (and vacation auto-replies) that nobody typed this.
      headers: { "Auto-Submitted": "auto-generated" },
    });
    emailed = true;
  }
  return { notificationId: row?.id ?? null, pushed, emailed };
}

// The push was claimed (pushed_at set); if the hub cannot be reached the claim is released so a
// redelivery can try again. The notification is stored either way, and the bell shows it on
// the next list.
async function push(env: Env, db: Database, row: typeof notifications.$inferSelect): Promise<boolean> {
  try {
    await hubFor(env, row.workspaceId).notify(row.userId, toNotification(row));
    return true;
  } catch (error) {
    console.error("Notification not pushed live", row.id, error);
    await db.update(notifications).set({ pushedAt: null }).where(eq(notifications.id, row.id));
    return false;
  }
}
