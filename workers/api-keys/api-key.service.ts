import { and, desc, eq, isNull, lt } from "drizzle-orm";
import { auditInsert } from "../audit/audit.service";
import { roleForScope, type Principal } from "../auth/principal";
import type { Database } from "../db/client";
import { newId } from "../db/ids";
import { apiKeys, type ApiKeyScope } from "../db/schema";
import { isoTime } from "../http/fields";
import { problems } from "../http/problem";
import { randomToken, sha256Hex } from "../lib/crypto";
import type { ServiceContext } from "../lib/service-context";
import type { ApiKey, CreatedApiKey } from "./api-key.schema";

type ApiKeyRow = typeof apiKeys.$inferSelect;
const lastUsedResolutionMs = 60_000;

export function toApiKey(row: ApiKeyRow): ApiKey {
  return {
    id: row.id,
    name: row.name,
    scope: row.scope,
    prefix: row.prefix,
    created_by: row.createdBy,
    created_at: isoTime(row.createdAt),
    last_used_at: isoTime(row.lastUsedAt),
  };
}

export async function listApiKeys(db: Database, workspaceId: string, options: { limit: number; beforeId: string | null }) {
  const conditions = [eq(apiKeys.workspaceId, workspaceId), isNull(apiKeys.revokedAt)];
  if (options.beforeId) conditions.push(lt(apiKeys.id, options.beforeId));
  return db
    .select()
    .from(apiKeys)
    .where(and(...conditions))
    .orderBy(desc(apiKeys.id))
    .limit(options.limit + 1);
}

// Keys are 256 random bits, so a plain SHA-256 is a safe way to store them (no salt or slow
// hash needed, unlike passwords), and lookup by hash stays one indexed read.
export async function createApiKey(ctx: ServiceContext, input: { name: string; scope: ApiKeyScope }): Promise<CreatedApiKey> {
  const key = `rk_${randomToken(32)}`;
  const row: ApiKeyRow = {
    id: newId("apiKey", ctx.now),
    workspaceId: ctx.actor.workspaceId,
    name: input.name,
    scope: input.scope,
    prefix: key.slice(0, 10),
    keyHash: await sha256Hex(key),
    createdBy: ctx.actor.id ?? "system",
    createdAt: ctx.now,
    lastUsedAt: null,
    revokedAt: null,
  };
  await ctx.db.batch([
    ctx.db.insert(apiKeys).values(row),
    auditInsert(ctx, { action: "api_key.created", entityType: "api_key", entityId: row.id, before: null, after: { name: row.name, scope: row.scope, prefix: row.prefix } }),
  ]);
  return { ...toApiKey(row), key };
}

export async function revokeApiKey(ctx: ServiceContext, id: string) {
  const [row] = await ctx.db
    .select()
    .from(apiKeys)
    .where(and(eq(apiKeys.workspaceId, ctx.actor.workspaceId), eq(apiKeys.id, id), isNull(apiKeys.revokedAt)))
    .limit(1);
  if (!row) throw problems.notFound("API key");
  await ctx.db.batch([
    ctx.db.update(apiKeys).set({ revokedAt: ctx.now }).where(eq(apiKeys.id, row.id)),
    auditInsert(ctx, { action: "api_key.revoked", entityType: "api_key", entityId: row.id, before: { name: row.name, scope: row.scope }, after: null }),
  ]);
}

export async function authenticateApiKey(db: Database, key: string, now: number): Promise<Principal | null> {
  const [row] = await db
    .select()
    .from(apiKeys)
    .where(eq(apiKeys.keyHash, await sha256Hex(key)))
    .limit(1);
  if (!row || row.revokedAt !== null) return null;
  // last_used_at is kept to the minute, so a busy integration does not turn every read into a write.
  if (row.lastUsedAt === null || now - row.lastUsedAt > lastUsedResolutionMs) {
    await db.update(apiKeys).set({ lastUsedAt: now }).where(eq(apiKeys.id, row.id)).run();
  }
  return { kind: "api_key", id: row.id, workspaceId: row.workspaceId, role: roleForScope[row.scope], scope: row.scope };
}
