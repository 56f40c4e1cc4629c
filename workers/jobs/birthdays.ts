import { and, asc, eq, gt, inArray, isNotNull, isNull, sql } from "drizzle-orm";
import type { Database } from "../db/client";
import { contacts, workspaces } from "../db/schema";
import { isValidTimeZone, localParts } from "../lib/zoned-time";
import { notifyUser } from "../notifications/notify";
import { sendJobs } from "./enqueue";

const dayMs = 24 * 60 * 60 * 1000;
const greetFromHour = 8;
// Contacts handled per message; a longer list continues in a follow-up message (after_id).
export const birthdaysPerMessage = 100;

const monthDay = (ms: number) => new Date(ms).toISOString().slice(5, 10);
const isLeapYear = (year: number) => (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;

/**
 * Every zone's local date is within a day of the UTC date, so yesterday, today and tomorrow in
 * UTC cover everyone's "today". 29 February birthdays are kept on 28 February in other years.
 */
export function candidateMonthDays(now: number): string[] {
  const days = [monthDay(now - dayMs), monthDay(now), monthDay(now + dayMs)];
  if (days.includes("02-28")) days.push("02-29");
  return days;
}

/** Whether the contact's birthday (YYYY-MM-DD) is the local date `local`, counting 29 Feb on 28 Feb in common years. */
export function isBirthdayOn(birthday: string, local: { year: number; month: number; day: number }): boolean {
  const md = birthday.slice(5);
  const today = `${String(local.month).padStart(2, "0")}-${String(local.day).padStart(2, "0")}`;
  return md === today || (md === "02-29" && today === "02-28" && !isLeapYear(local.year));
}

/**
 * Hourly: owners of contacts whose birthday is today in the contact's time zone (else the
 * workspace's), from 08:00 local on, once per year (the dedupe key carries the local year).
 * Candidates come from contacts_birthday_idx on substr(birthday, 6), so the read is the
 * contacts with a birthday around today, not the table.
 */
export async function scanBirthdays(env: Env, db: Database, window: string, afterId: string | undefined, now: number): Promise<number> {
  const monthDayExpr = sql`substr(${contacts.birthday}, 6)`;
  const candidates = await db
    .select({
      id: contacts.id,
      workspaceId: contacts.workspaceId,
      firstName: contacts.firstName,
      lastName: contacts.lastName,
      birthday: contacts.birthday,
      ownerId: contacts.ownerId,
      contactZone: contacts.timeZone,
      workspaceZone: workspaces.timeZone,
    })
    .from(contacts)
    .innerJoin(workspaces, eq(workspaces.id, contacts.workspaceId))
    .where(
      and(
        isNotNull(contacts.birthday),
        isNull(contacts.deletedAt),
        inArray(monthDayExpr, candidateMonthDays(now)),
        afterId ? gt(contacts.id, afterId) : undefined,
      ),
    )
    .orderBy(asc(contacts.id))
    .limit(birthdaysPerMessage + 1);
  const page = candidates.slice(0, birthdaysPerMessage);
  let told = 0;
  for (const contact of page) {
    if (contact.ownerId === null || contact.birthday === null) continue;
    const zone = contact.contactZone && isValidTimeZone(contact.contactZone) ? contact.contactZone : contact.workspaceZone;
    const local = localParts(now, zone);
    if (!isBirthdayOn(contact.birthday, local) || local.hour < greetFromHour) continue;
    // Null for a contact without a name: the words for "a contact" are the recipient's language's.
    const name = [contact.firstName, contact.lastName].filter((part) => part).join(" ") || null;
    await notifyUser(env, db, {
      workspaceId: contact.workspaceId,
      userId: contact.ownerId,
      message: { type: "contact.birthday", name },
      dedupeKey: `contact.birthday:${contact.id}:${local.year}`,
      link: `/contacts/${contact.id}`,
      data: { contact_id: contact.id, birthday: contact.birthday, time_zone: zone },
      now,
    });
    told += 1;
  }
  const last = page.at(-1);
  if (candidates.length > birthdaysPerMessage && last) await sendJobs(env, [{ type: "contacts.birthday_scan", window, after_id: last.id }]);
  return told;
}
