import type { Database } from "../db/client";
import { newId } from "../db/ids";
import { emailOutbox } from "../db/schema";
import type { EmailTransport, OutgoingEmail, SendOutcome } from "./transport";

/**
 * Stores each email in `email_outbox` with status `stored` and goes no further. The unique
 * (workspace_id, dedupe_key) index turns a second send of the same email into a no-op, so a
 * redelivered queue message cannot store it twice.
 */
export class OutboxTransport implements EmailTransport {
  constructor(
    private readonly db: Database,
    private readonly clock: () => number = Date.now,
  ) {}

  async send(message: OutgoingEmail): Promise<void> {
    await this.db.insert(emailOutbox).values(outboxRow(message, this.clock(), "stored")).onConflictDoNothing({ target: [emailOutbox.workspaceId, emailOutbox.dedupeKey] });
  }

  /** One D1 batch for the whole list (7 rows a statement: D1 binds at most 100 parameters). */
  async sendMany(messages: readonly OutgoingEmail[]): Promise<SendOutcome[]> {
    const now = this.clock();
    const rows = messages.map((message) => outboxRow(message, now, "stored"));
    const statements = [];
    for (let i = 0; i < rows.length; i += 7) {
      statements.push(this.db.insert(emailOutbox).values(rows.slice(i, i + 7)).onConflictDoNothing({ target: [emailOutbox.workspaceId, emailOutbox.dedupeKey] }));
    }
    const [first, ...rest] = statements;
    if (!first) return [];
    try {
      await this.db.batch([first, ...rest]);
      return messages.map(() => ({ ok: true, alreadySent: false }));
    } catch (error) {
      const text = error instanceof Error ? error.message : String(error);
      return messages.map(() => ({ ok: false, error: text }));
    }
  }

}

/** An email as an `email_outbox` row: stored (the outbox transport) or the SMTP transport's record of a single send. */
export function outboxRow(message: OutgoingEmail, now: number, status: "stored" | "queued"): typeof emailOutbox.$inferInsert {
  // The outbox has no reply-to column; the stored headers show it as the email would.
  const headers = message.replyTo ? { ...message.headers, "Reply-To": message.replyTo } : (message.headers ?? {});
  return {
    id: newId("email", now),
    workspaceId: message.workspaceId,
    dedupeKey: message.dedupeKey,
    kind: message.kind,
    fromAddress: message.from,
    toAddress: message.to,
    toName: message.toName,
    subject: message.subject,
    text: message.text,
    html: message.html ?? null,
    headers: JSON.stringify(headers),
    status,
    createdAt: now,
  };
}
