import { and, desc, eq, lt } from "drizzle-orm";
import type { Database } from "../db/client";
import { newId } from "../db/ids";
import { apiKeys, auditLog, users } from "../db/schema";
import type { ServiceContext } from "../lib/service-context";
import { diffSnapshots, type Snapshot } from "./diff";

export type AuditChange = {
  action: string;
  entityType: string;
  entityId: string;
  before: Snapshot | null;
  after: Snapshot | null;
};

// Returns the insert rather than running it, so that callers put it in the same batch() as the
// change itself: the change and its audit entry commit together or not at all.
export function auditInsert(ctx: ServiceContext, change: AuditChange) {
  return ctx.db.insert(auditLog).values({
    id: newId("audit", ctx.now),
    workspaceId: ctx.actor.workspaceId,
    actorType: ctx.actor.type,
    actorId: ctx.actor.id,
    action: change.action,
    entityType: change.entityType,
    entityId: change.entityId,
    diff: JSON.stringify(diffSnapshots(change.before, change.after)),
    requestId: ctx.requestId,
    at: ctx.now,
  });
}

export async function listAuditEntries(
  db: Database,
  workspaceId: string,
  options: { limit: number; afterId: string | null; entityType?: string | undefined; entityId?: string | undefined },
) {
  const conditions = [eq(auditLog.workspaceId, workspaceId)];
  if (options.entityType) conditions.push(eq(auditLog.entityType, options.entityType));
  if (options.entityId) conditions.push(eq(auditLog.entityId, options.entityId));
  if (options.afterId) conditions.push(lt(auditLog.id, options.afterId));
  return db
    .select({ entry: auditLog, userName: users.name, apiKeyName: apiKeys.name })
    .from(auditLog)
    .leftJoin(users, eq(users.id, auditLog.actorId))
    .leftJoin(apiKeys, eq(apiKeys.id, auditLog.actorId))
    .where(and(...conditions))
    .orderBy(desc(auditLog.id))
    .limit(options.limit + 1);
}
