import type { Database } from "../db/client";
import { newId } from "../db/ids";
import { emailOutbox } from "../db/schema";
import type { EmailTransport, OutgoingEmail } from "./transport";

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
    const now = this.clock();
    await this.db
      .insert(emailOutbox)
      .values({
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
        headers: JSON.stringify(message.headers ?? {}),
        status: "stored",
        createdAt: now,
      })
      .onConflictDoNothing({ target: [emailOutbox.workspaceId, emailOutbox.dedupeKey] });
  }
}
