import { and, eq, sql } from "drizzle-orm";
import type { Database } from "../db/client";
import { campaignRecipients, campaigns, companies, contacts, emailSuppressions, emailTemplates, emailTemplateVariants, users } from "../db/schema";
import { transportFor, type EmailTransport, type OutgoingEmail, type SendOutcome } from "../email/transport";
import { emailSettings } from "../email/email-config";
import { rawBatch } from "../imports/raw-batch";
import { finishIfDone } from "./dispatch";
import { signLink } from "./link-token";
import { announceProgress } from "./materialize";
import { renderForRecipient, unsubscribeUrl, type RenderableTemplate } from "./render";
import { trackLinks } from "./tracking";

// The `campaign.send` consumer: up to 100 recipients of one campaign. Each recipient is leased
// (claimed_until) before it is rendered and sent, so two deliveries of the same message running
// at once cannot both send it; each is marked sent right after its chunk went out, with the
// campaign's counter in the same batch, so a consumer that fails half-way resends nothing it had
// marked; and the transport is called with the idempotency key campaign:{campaign}:{contact},
// which the outbox turns into at most one stored email and SMTP into a stable Message-ID. What
// remains is the moment between the server's "250 queued" and the batch that marks it: a
// consumer killed exactly there resends that chunk's accepted emails (at most sendChunk), which
// receivers can fold by Message-ID. SMTP offers no way to close that window.

/**
 * A lease lasts as long as a queue consumer may run (15 minutes of wall time), so while the
 * consumer that took a recipient could still be sending to it, no other delivery takes it; a
 * slow server (the end of data may take minutes) cannot outlast it. A consumer that died leaves
 * rows the minute tick queues again once the lease is over.
 */
export const leaseMs = 15 * 60_000;
/** Sends per recipient before it is marked failed; below the queue's max_retries, so the last try marks it. */
export const maxSendAttempts = 5;
/**
 * Recipients sent over one SMTP connection between two status writes: the most a consumer killed
 * mid-chunk could resend. 25 rather than 10: each connection costs a greeting, EHLO and QUIT.
 */
export const sendChunk = 25;

/** Thrown to have the queue redeliver the message later (with backoff). */
export class RetryLater extends Error {}

type Claimed = { id: string; contact_id: string; email: string | null; attempts: number; year: number };

type ContactForSend = {
  id: string;
  firstName: string | null;
  lastName: string | null;
  primaryEmail: string | null;
  jobTitle: string | null;
  city: string | null;
  country: string | null;
  language: string | null;
  consentStatus: string;
  deletedAt: number | null;
  companyName: string | null;
  ownerName: string | null;
};

const idsJson = (ids: readonly string[]) => JSON.stringify(ids);
const inIds = (ids: readonly string[]) => sql`(SELECT value FROM json_each(${idsJson(ids)}))`;

const errorText = (error: unknown) => (error instanceof Error ? error.message : String(error)).slice(0, 500);

/** One SMTP connection per chunk (sendMany); any throw counts as every message of the chunk failing. */
export async function deliver(transport: EmailTransport, messages: readonly OutgoingEmail[]): Promise<SendOutcome[]> {
  try {
    return await transport.sendMany(messages);
  } catch (error) {
    return messages.map(() => ({ ok: false, error: errorText(error) }));
  }
}

export async function loadTemplateForSend(db: Database, templateId: string | null): Promise<RenderableTemplate | null> {
  if (!templateId) return null;
  const [template] = await db.select({ defaultLanguage: emailTemplates.defaultLanguage }).from(emailTemplates).where(eq(emailTemplates.id, templateId)).limit(1);
  if (!template) return null;
  const variants = await db
    .select({ language: emailTemplateVariants.language, subject: emailTemplateVariants.subject, html: emailTemplateVariants.html, text: emailTemplateVariants.text })
    .from(emailTemplateVariants)
    .where(eq(emailTemplateVariants.templateId, templateId));
  return { defaultLanguage: template.defaultLanguage, variants };
}

async function loadContacts(db: Database, workspaceId: string, ids: readonly string[]): Promise<Map<string, ContactForSend>> {
  const rows = await db
    .select({
      id: contacts.id,
      firstName: contacts.firstName,
      lastName: contacts.lastName,
      primaryEmail: contacts.primaryEmail,
      jobTitle: contacts.jobTitle,
      city: contacts.city,
      country: contacts.country,
      language: contacts.language,
      consentStatus: contacts.consentStatus,
      deletedAt: contacts.deletedAt,
      companyName: companies.name,
      ownerName: users.name,
    })
    .from(contacts)
    .leftJoin(companies, and(eq(companies.id, contacts.companyId), sql`${companies.deletedAt} IS NULL`))
    .leftJoin(users, eq(users.id, contacts.ownerId))
    .where(and(eq(contacts.workspaceId, workspaceId), sql`${contacts.id} IN ${inIds(ids)}`));
  return new Map(rows.map((row) => [row.id, row]));
}

async function loadSuppressions(db: Database, workspaceId: string, emails: readonly string[]): Promise<Map<string, string>> {
  if (emails.length === 0) return new Map();
  const rows = await db
    .select({ email: emailSuppressions.email, reason: emailSuppressions.reason })
    .from(emailSuppressions)
    .where(and(eq(emailSuppressions.workspaceId, workspaceId), sql`${emailSuppressions.email} IN ${inIds(emails)}`));
  return new Map(rows.map((row) => [row.email, row.reason]));
}

const suppressionSkip: Record<string, string> = { unsubscribed: "unsubscribed", bounced: "bounced", invalid: "invalid_email", complained: "suppressed", manual: "suppressed" };

/** Why this recipient must not get the email now (things change between listing and sending), or null. */
function skipReason(contact: ContactForSend | undefined, suppressions: Map<string, string>): string | null {
  if (!contact || contact.deletedAt !== null) return "deleted";
  if (!contact.primaryEmail) return "no_email";
  const suppressed = suppressions.get(contact.primaryEmail.toLowerCase());
  if (suppressed) return suppressionSkip[suppressed] ?? "suppressed";
  if (contact.consentStatus !== "granted") return "no_consent";
  return null;
}

type Mark = { id: string; value: string };

/** Statements moving leased recipients to a final status, each followed by its counter (+changes()). */
function finalMarks(campaignId: string, now: number, sent: readonly string[], skipped: readonly Mark[], failed: readonly Mark[]) {
  const statements = [];
  if (sent.length > 0) {
    statements.push(
      sql`UPDATE ${campaignRecipients} SET status = 'sent', sent_at = ${now}, error = NULL, claimed_until = NULL WHERE id IN ${inIds(sent)} AND status = 'queued'`,
      sql`UPDATE ${campaigns} SET sent_count = sent_count + changes() WHERE id = ${campaignId}`,
    );
  }
  for (const [status, counter, column, marks] of [
    ["skipped", "skipped_count", "skip_reason", skipped],
    ["failed", "failed_count", "error", failed],
  ] as const) {
    if (marks.length === 0) continue;
    const json = JSON.stringify(marks);
    statements.push(
      sql`UPDATE ${campaignRecipients} SET status = ${status}, ${sql.raw(column)} = (SELECT json_extract(m.value, '$.value') FROM json_each(${json}) AS m WHERE json_extract(m.value, '$.id') = ${campaignRecipients}.id), claimed_until = NULL
        WHERE id IN (SELECT json_extract(value, '$.id') FROM json_each(${json})) AND status = 'queued'`,
      sql`UPDATE ${campaigns} SET ${sql.raw(counter)} = ${sql.raw(counter)} + changes() WHERE id = ${campaignId}`,
    );
  }
  return statements;
}

/** Gives leased recipients back: to pending (paused), or skipped as cancelled. */
async function releaseLeased(db: Database, campaignId: string, ids: readonly string[], status: string) {
  if (ids.length === 0) return;
  if (status === "cancelled") {
    await rawBatch(
      db,
      finalMarks(
        campaignId,
        0,
        [],
        ids.map((id) => ({ id, value: "cancelled" })),
        [],
      ),
    );
    return;
  }
  await db.run(sql`UPDATE ${campaignRecipients} SET status = 'pending', enqueued_at = NULL, claimed_until = NULL WHERE id IN ${inIds(ids)} AND status = 'queued'`);
}

export type SendResult = { sent: number; skipped: number; failed: number; retry: number };

/** Handles one `campaign.send` message; throws RetryLater when some recipients should be tried again. */
export async function sendCampaignBatch(env: Env, db: Database, campaignId: string, recipientIds: readonly string[], now: number, transport?: EmailTransport): Promise<SendResult> {
  const result: SendResult = { sent: 0, skipped: 0, failed: 0, retry: 0 };
  const [campaign] = await db.select().from(campaigns).where(eq(campaigns.id, campaignId)).limit(1);
  if (!campaign || campaign.deletedAt !== null) return result;
  if (campaign.status === "paused" || campaign.status === "cancelled") {
    // Not leased by anyone: give them back (paused) or close them (cancelled).
    const free = await db.all<{ id: string }>(
      sql`SELECT id FROM ${campaignRecipients} WHERE id IN ${inIds(recipientIds)} AND campaign_id = ${campaignId} AND status = 'queued' AND (claimed_until IS NULL OR claimed_until < ${now})`,
    );
    await releaseLeased(
      db,
      campaignId,
      free.map((row) => row.id),
      campaign.status,
    );
    return result;
  }
  if (campaign.status !== "sending") return result;

  // The lease: only rows still queued and not leased by a live consumer are ours.
  const claimed = await db.all<Claimed>(sql`UPDATE ${campaignRecipients} SET claimed_until = ${now + leaseMs}, attempts = attempts + 1
    WHERE id IN ${inIds(recipientIds)} AND campaign_id = ${campaignId} AND status = 'queued' AND (claimed_until IS NULL OR claimed_until < ${now})
    RETURNING id, contact_id, email, attempts, year`);
  // Ids this message names that another consumer holds right now: try again after it is done.
  const heldElsewhere =
    claimed.length < recipientIds.length
      ? await countHeld(
          db,
          campaignId,
          recipientIds,
          claimed.map((r) => r.id),
          now,
        )
      : 0;
  if (claimed.length > 0) {
    await sendClaimed(env, db, campaign, claimed, now, transport ?? transportFor(env, db), result);
    await announceProgress(env, db, campaignId);
    await finishIfDone(env, db, campaignId, Date.now());
  }
  if (result.retry > 0 || heldElsewhere > 0) throw new RetryLater(`${result.retry} to retry, ${heldElsewhere} held by another delivery of campaign ${campaignId}`);
  return result;
}

async function countHeld(db: Database, campaignId: string, ids: readonly string[], mine: readonly string[], now: number): Promise<number> {
  const [row] = await db.all<{ n: number }>(
    sql`SELECT COUNT(*) AS n FROM ${campaignRecipients} WHERE id IN ${inIds(ids)} AND id NOT IN ${inIds(mine)} AND campaign_id = ${campaignId} AND status = 'queued' AND claimed_until >= ${now}`,
  );
  return row?.n ?? 0;
}

async function sendClaimed(env: Env, db: Database, campaign: typeof campaigns.$inferSelect, claimed: readonly Claimed[], now: number, transport: EmailTransport, result: SendResult) {
  const [template, people] = await Promise.all([
    loadTemplateForSend(db, campaign.templateId),
    loadContacts(
      db,
      campaign.workspaceId,
      claimed.map((r) => r.contact_id),
    ),
  ]);
  const suppressions = await loadSuppressions(
    db,
    campaign.workspaceId,
    [...people.values()].flatMap((c) => (c.primaryEmail ? [c.primaryEmail.toLowerCase()] : [])),
  );
  // PUBLIC_URL when configured (the address people reach Rapport on), else the origin the
  // campaign was scheduled from.
  const settings = emailSettings(env);
  const origin = settings.publicUrl ?? campaign.linkOrigin ?? "http://localhost:8787";
  const fromDomain = campaign.fromAddress.slice(campaign.fromAddress.lastIndexOf("@") + 1);

  // Re-check every recipient first: consent withdrawn, unsubscribed, suppressed or deleted since
  // the list was made means no email.
  const skipped: Mark[] = [];
  const failed: Mark[] = [];
  const toSend: { recipient: Claimed; message: OutgoingEmail }[] = [];
  for (const recipient of claimed) {
    const contact = people.get(recipient.contact_id);
    const reason = skipReason(contact, suppressions);
    if (reason || !contact?.primaryEmail) {
      skipped.push({ id: recipient.id, value: reason ?? "no_email" });
      continue;
    }
    if (!template) {
      failed.push({ id: recipient.id, value: "The campaign's template no longer exists." });
      continue;
    }
    const dedupeKey = `campaign:${campaign.id}:${recipient.contact_id}${recipient.year > 0 ? `:${recipient.year}` : ""}`;
    try {
      const token = await signLink(env.JWT_SECRET, "unsubscribe", recipient.id);
      const rendered = renderForRecipient(template, contact, {
        unsubscribeUrl: unsubscribeUrl(origin, token),
        ownerName: contact.ownerName,
        companyName: contact.companyName,
        unsubscribeMailto: settings.unsubscribeMailto,
        idempotencyKey: dedupeKey,
        messageIdDomain: fromDomain,
      });
      // Tracking is the campaign's choice, off by default: only then are links signed redirects
      // and an open pixel added (tracking.ts).
      if (campaign.trackingEnabled) rendered.html = await trackLinks(rendered.html, { secret: env.JWT_SECRET, origin, recipientId: recipient.id });
      toSend.push({
        recipient,
        message: {
          workspaceId: campaign.workspaceId,
          dedupeKey,
          kind: "campaign",
          from: `${campaign.fromName.replace(/[\r\n"<>]/g, " ").trim()} <${campaign.fromAddress}>`,
          to: contact.primaryEmail,
          toName: [contact.firstName, contact.lastName].filter(Boolean).join(" ") || null,
          replyTo: campaign.replyTo,
          subject: rendered.subject,
          text: rendered.text,
          html: rendered.html,
          headers: rendered.headers,
        },
      });
    } catch (error) {
      // A template that does not render will not render on a retry either.
      failed.push({ id: recipient.id, value: errorText(error) });
    }
  }
  if (skipped.length > 0 || failed.length > 0) {
    await rawBatch(db, finalMarks(campaign.id, now, [], skipped, failed));
    result.skipped += skipped.length;
    result.failed += failed.length;
  }

  for (let start = 0; start < toSend.length; start += sendChunk) {
    const chunk = toSend.slice(start, start + sendChunk);
    // Paused or cancelled while this message ran: stop before the next chunk.
    const [current] = await db.select({ status: campaigns.status }).from(campaigns).where(eq(campaigns.id, campaign.id)).limit(1);
    if (current?.status !== "sending") {
      await releaseLeased(
        db,
        campaign.id,
        toSend.slice(start).map((item) => item.recipient.id),
        current?.status ?? "cancelled",
      );
      return;
    }
    const outcomes = await deliver(
      transport,
      chunk.map((item) => item.message),
    );
    const sent: string[] = [];
    const gaveUp: Mark[] = [];
    const again: Mark[] = [];
    const bounced: string[] = [];
    chunk.forEach((item, i) => {
      const outcome = outcomes[i] ?? { ok: false, error: "no outcome from the transport" };
      if (outcome.ok) sent.push(item.recipient.id);
      // A 5xx refusal (no such mailbox, policy) will not change on a retry, and an email the
      // server took without confirming may have arrived: neither is sent again.
      else if (outcome.final === true || item.recipient.attempts >= maxSendAttempts) gaveUp.push({ id: item.recipient.id, value: outcome.error });
      else again.push({ id: item.recipient.id, value: outcome.error });
      if (!outcome.ok && outcome.bounced === true) bounced.push(item.message.to.toLowerCase());
    });
    const statements = finalMarks(campaign.id, Date.now(), sent, [], gaveUp);
    if (bounced.length > 0) {
      // An address the server refused outright takes no mail: later campaigns skip it as
      // `bounced` (materialize.ts and skipReason read the suppression list) until someone removes it.
      statements.push(
        sql`INSERT INTO ${emailSuppressions} (workspace_id, email, reason, source, created_at)
          SELECT ${campaign.workspaceId}, value, 'bounced', ${`bounce:${campaign.id}`}, ${Date.now()} FROM json_each(${JSON.stringify(bounced)})
          WHERE 1 ON CONFLICT (workspace_id, email) DO NOTHING`,
      );
    }
    if (again.length > 0) {
      // Still queued, lease released, the error kept for the report; the redelivery retries.
      const json = JSON.stringify(again);
      statements.push(
        sql`UPDATE ${campaignRecipients} SET claimed_until = NULL, error = (SELECT json_extract(m.value, '$.value') FROM json_each(${json}) AS m WHERE json_extract(m.value, '$.id') = ${campaignRecipients}.id)
          WHERE id IN (SELECT json_extract(value, '$.id') FROM json_each(${json})) AND status = 'queued'`,
      );
    }
    if (statements.length > 0) await rawBatch(db, statements);
    result.sent += sent.length;
    result.failed += gaveUp.length;
    result.retry += again.length;
  }
}
