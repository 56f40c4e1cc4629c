import { createDatabase, type Database } from "../db/client";
import { OutboxTransport } from "./outbox-transport";

/** One email on its way out. `dedupeKey` makes sending idempotent: the same key is sent once per workspace. */
export type OutgoingEmail = {
  workspaceId: string;
  dedupeKey: string;
  /** What the email is (a notification type, later a campaign), for the outbox list and filtering. */
  kind: string;
  from: string;
  to: string;
  toName: string | null;
  subject: string;
  text: string;
  html?: string | undefined;
  headers?: Record<string, string> | undefined;
};

/**
 * Every email Rapport sends leaves through this interface. Sending the same dedupe key twice
 * must be harmless (queue delivery is at least once), so implementations key their effect on it.
 */
export interface EmailTransport {
  send(message: OutgoingEmail): Promise<void>;
}

/**
 * Chooses the transport for this deployment. The outbox (stored, readable by admins) is the only
 * one today, and the local default so reminders are visible with no mail server. Campaigns will
 * add SMTP delivery behind the same interface, chosen here from configuration; the outbox row
 * then stays the record of what was sent (status queued → sent | failed). See docs/decisions.md.
 */
export function transportFor(env: Env, db: Database = createDatabase(env.DB)): EmailTransport {
  return new OutboxTransport(db);
}
