import { createDatabase, type Database } from "../db/client";
import { emailSettings } from "./email-config";
import { OutboxTransport } from "./outbox-transport";
import { parseSmtpUrl, SmtpTransport } from "./smtp-transport";

/** One email on its way out. `dedupeKey` makes sending idempotent: the same key is sent once per workspace. */
export type OutgoingEmail = {
  workspaceId: string;
  dedupeKey: string;
  /** What the email is (a notification type, later a campaign), for the outbox list and filtering. */
  kind: string;
  from: string;
  to: string;
  toName: string | null;
  replyTo?: string | null | undefined;
  subject: string;
  text: string;
  html?: string | undefined;
  headers?: Record<string, string> | undefined;
};

/**
 * What happened to one message of a batch: sent (now or by an earlier delivery of the same key)
 * or not, and why; `final` when it must not be sent again: the server refused the recipient or
 * the message for good (5xx), or took the whole message without confirming it (a resend could
 * deliver it twice); `bounced` when the refusal was of the address itself, which takes no mail.
 */
export type SendOutcome = { ok: true; alreadySent: boolean } | { ok: false; error: string; final?: boolean; bounced?: boolean };

/**
 * Every email Rapport sends leaves through this interface. Sending the same dedupe key twice
 * must be harmless (queue delivery is at least once), so implementations key their effect on it.
 */
export interface EmailTransport {
  /** One email; throws when it could not be sent (the queue retries the job). */
  send(message: OutgoingEmail): Promise<void>;
  /**
   * A batch (campaign sends): one connection for all, never throws for a message, one outcome per
   * message in order. The caller owns idempotency across calls (campaign recipients are leased
   * and marked); within one call a repeated key goes out once.
   */
  sendMany(messages: readonly OutgoingEmail[]): Promise<SendOutcome[]>;
}

/**
 * Chooses the transport for this deployment from EMAIL_TRANSPORT (var) and SMTP_URL (secret):
 * `outbox` (the default: stored, readable by admins, so reminders are visible with no mail
 * server) or `smtp` (Rapport's SMTP client over cloudflare:sockets; for single emails the outbox
 * row stays the record of what was sent, queued → sent | failed). See docs/decisions.md and the README.
 */
export function transportFor(env: Env, db: Database = createDatabase(env.DB)): EmailTransport {
  const settings = emailSettings(env);
  if (settings.transport === "smtp") {
    if (!settings.smtpUrl) throw new Error("EMAIL_TRANSPORT is smtp but the SMTP_URL secret is not set");
    return new SmtpTransport(db, parseSmtpUrl(settings.smtpUrl));
  }
  return new OutboxTransport(db);
}
