import { and, asc, eq, gt } from "drizzle-orm";
import { auditInsert } from "../audit/audit.service";
import type { Database } from "../db/client";
import { emailSuppressions, type SuppressionReason } from "../db/schema";
import { isoTime } from "../http/fields";
import { idCursor, toPage } from "../http/pagination";
import { problems } from "../http/problem";
import type { ServiceContext } from "../lib/service-context";
import type { Suppression } from "./suppression.schema";

// The workspace's suppression list: addresses no marketing email goes to, whatever the contact's
// consent says later. Keyed by (workspace, lower-cased address); listed by address (the primary
// key's order, so paging needs no other index).

type Row = typeof emailSuppressions.$inferSelect;

export function toSuppression(row: Row): Suppression {
  return { email: row.email, reason: row.reason, source: row.source, created_at: isoTime(row.createdAt) };
}

export async function listSuppressions(db: Database, workspaceId: string, query: { limit: number; cursor?: string | undefined; reason?: SuppressionReason | undefined }) {
  const after = idCursor(query.cursor);
  const rows = await db
    .select()
    .from(emailSuppressions)
    .where(
      and(
        eq(emailSuppressions.workspaceId, workspaceId),
        ...(query.reason ? [eq(emailSuppressions.reason, query.reason)] : []),
        ...(after !== null ? [gt(emailSuppressions.email, after)] : []),
      ),
    )
    .orderBy(asc(emailSuppressions.email))
    .limit(query.limit + 1);
  return toPage(rows, query.limit, (row) => [row.email], toSuppression);
}

/** Adds an address by hand; one already listed keeps its first reason (201 either way, the list is what matters). */
export async function addSuppression(ctx: ServiceContext, email: string): Promise<Row> {
  const row: Row = { workspaceId: ctx.actor.workspaceId, email: email.toLowerCase(), reason: "manual", source: ctx.actor.id, createdAt: ctx.now };
  await ctx.db.batch([
    ctx.db.insert(emailSuppressions).values(row).onConflictDoNothing({ target: [emailSuppressions.workspaceId, emailSuppressions.email] }),
    auditInsert(ctx, { action: "suppression.added", entityType: "suppression", entityId: row.email, before: null, after: { reason: "manual" } }),
  ]);
  const [stored] = await ctx.db
    .select()
    .from(emailSuppressions)
    .where(and(eq(emailSuppressions.workspaceId, ctx.actor.workspaceId), eq(emailSuppressions.email, row.email)))
    .limit(1);
  return stored ?? row;
}

/** Lets marketing email reach an address again (only consented contacts get it, as always). */
export async function removeSuppression(ctx: ServiceContext, email: string): Promise<void> {
  const address = email.trim().toLowerCase();
  const [current] = await ctx.db
    .select()
    .from(emailSuppressions)
    .where(and(eq(emailSuppressions.workspaceId, ctx.actor.workspaceId), eq(emailSuppressions.email, address)))
    .limit(1);
  if (!current) throw problems.notFound("suppressed address");
  await ctx.db.batch([
    ctx.db.delete(emailSuppressions).where(and(eq(emailSuppressions.workspaceId, ctx.actor.workspaceId), eq(emailSuppressions.email, address))),
    auditInsert(ctx, { action: "suppression.removed", entityType: "suppression", entityId: address, before: { reason: current.reason, source: current.source }, after: null }),
  ]);
}
