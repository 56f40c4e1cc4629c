import { and, desc, eq, lt } from "drizzle-orm";
import { z } from "zod";
import type { Database } from "../db/client";
import { emailOutbox } from "../db/schema";
import { isoTime } from "../http/fields";
import { problems } from "../http/problem";
import type { OutboxEmail } from "./outbox.schema";

const storedHeaders = z.record(z.string(), z.string());

function parseHeaders(json: string): Record<string, string> {
  try {
    const parsed = storedHeaders.safeParse(JSON.parse(json));
    return parsed.success ? parsed.data : {};
  } catch {
    return {};
  }
}

export function toOutboxEmail(row: typeof emailOutbox.$inferSelect): OutboxEmail {
  return {
    id: row.id,
    kind: row.kind,
    from_address: row.fromAddress,
    to_address: row.toAddress,
    to_name: row.toName,
    subject: row.subject,
    text: row.text,
    html: row.html,
    headers: parseHeaders(row.headers),
    status: row.status,
    created_at: isoTime(row.createdAt),
    sent_at: isoTime(row.sentAt),
  };
}

/** Newest first through email_outbox_workspace_idx (ids are time-sortable). */
export function listOutbox(db: Database, workspaceId: string, options: { limit: number; afterId: string | null }) {
  const conditions = [eq(emailOutbox.workspaceId, workspaceId)];
  if (options.afterId) conditions.push(lt(emailOutbox.id, options.afterId));
  return db
    .select()
    .from(emailOutbox)
    .where(and(...conditions))
    .orderBy(desc(emailOutbox.id))
    .limit(options.limit + 1);
}

export async function getOutboxEmail(db: Database, workspaceId: string, id: string) {
  const [row] = await db
    .select()
    .from(emailOutbox)
    .where(and(eq(emailOutbox.workspaceId, workspaceId), eq(emailOutbox.id, id)))
    .limit(1);
  if (!row) throw problems.notFound("email");
  return row;
}
