import { and, eq, isNull, sql } from "drizzle-orm";
import { auditInsert } from "../audit/audit.service";
import type { Database } from "../db/client";
import { newId } from "../db/ids";
import { campaignRecipients, campaigns, consentRecords, contacts, emailSuppressions, languages, type Language } from "../db/schema";
import { contactLanguage } from "./render";

// One recipient leaving the list through their signed link (GET page, POST form or RFC 8058
// one-click POST). Everything happens in one D1 batch, and every statement is written so that a
// second POST (a double click, a mail client retrying) changes nothing: the counter moves only
// while the recipient row is still not unsubscribed, the suppression is an upsert, and the
// consent change is recorded only when the contact was not already denied.

export type UnsubscribeTarget = {
  recipientId: string;
  workspaceId: string;
  campaignId: string;
  contactId: string;
  email: string | null;
  language: Language;
  unsubscribedAt: number | null;
  contactConsent: string | null;
  contactVersion: number | null;
};

export async function findUnsubscribeTarget(db: Database, recipientId: string): Promise<UnsubscribeTarget | null> {
  const [row] = await db
    .select({ recipient: campaignRecipients, contactLanguage: contacts.language, consent: contacts.consentStatus, version: contacts.version, deletedAt: contacts.deletedAt })
    .from(campaignRecipients)
    .leftJoin(contacts, and(eq(contacts.id, campaignRecipients.contactId), eq(contacts.workspaceId, campaignRecipients.workspaceId)))
    .where(eq(campaignRecipients.id, recipientId))
    .limit(1);
  if (!row) return null;
  const { recipient } = row;
  return {
    recipientId: recipient.id,
    workspaceId: recipient.workspaceId,
    campaignId: recipient.campaignId,
    contactId: recipient.contactId,
    email: recipient.email,
    // The language the email was sent in, else the contact's, else English.
    language: contactLanguage(recipient.language) ?? contactLanguage(row.contactLanguage) ?? languages[0],
    unsubscribedAt: recipient.unsubscribedAt,
    contactConsent: row.deletedAt === null ? row.consent : null,
    contactVersion: row.deletedAt === null ? row.version : null,
  };
}

/** Records the unsubscribe; returns whether this call changed anything (false on a repeat). */
export async function unsubscribe(db: Database, target: UnsubscribeTarget, now: number): Promise<boolean> {
  if (target.unsubscribedAt !== null) return false;
  const ctx = { db, actor: { type: "system" as const, id: null, workspaceId: target.workspaceId }, requestId: null, now };
  const source = `unsubscribe_link:${target.campaignId}`;
  const consentChanges =
    target.contactConsent !== null && target.contactConsent !== "denied"
      ? [
          db.insert(consentRecords).values({
            id: newId("consent", now),
            workspaceId: target.workspaceId,
            contactId: target.contactId,
            status: "denied",
            source: "unsubscribe_link",
            legalBasis: null,
            actorType: "system",
            actorId: null,
            at: now,
          }),
          db
            .update(contacts)
            .set({ consentStatus: "denied", consentAt: now, consentSource: "unsubscribe_link", updatedAt: now, version: sql`${contacts.version} + 1` })
            .where(and(eq(contacts.id, target.contactId), eq(contacts.workspaceId, target.workspaceId))),
          auditInsert(ctx, { action: "contact.updated", entityType: "contact", entityId: target.contactId, before: { consent_status: target.contactConsent }, after: { consent_status: "denied", consent_source: "unsubscribe_link" } }),
        ]
      : [];
  const results = await db.batch([
    // First, while the recipient row still says "not unsubscribed": a repeat finds it set and moves nothing.
    db
      .update(campaigns)
      .set({ unsubscribedCount: sql`${campaigns.unsubscribedCount} + 1` })
      .where(
        and(
          eq(campaigns.id, target.campaignId),
          sql`EXISTS (SELECT 1 FROM ${campaignRecipients} WHERE ${campaignRecipients.id} = ${target.recipientId} AND ${campaignRecipients.unsubscribedAt} IS NULL)`,
        ),
      ),
    db
      .update(campaignRecipients)
      .set({ unsubscribedAt: now })
      .where(and(eq(campaignRecipients.id, target.recipientId), isNull(campaignRecipients.unsubscribedAt)))
      .returning({ id: campaignRecipients.id }),
    ...(target.email
      ? [
          db
            .insert(emailSuppressions)
            .values({ workspaceId: target.workspaceId, email: target.email.toLowerCase(), reason: "unsubscribed", source, createdAt: now })
            .onConflictDoNothing({ target: [emailSuppressions.workspaceId, emailSuppressions.email] }),
        ]
      : []),
    ...consentChanges,
  ]);
  const marked = results[1];
  return Array.isArray(marked) && marked.length > 0;
}

export async function unsubscribedCount(db: Database, campaignId: string): Promise<number> {
  const [row] = await db.select({ n: campaigns.unsubscribedCount }).from(campaigns).where(eq(campaigns.id, campaignId)).limit(1);
  return row?.n ?? 0;
}
