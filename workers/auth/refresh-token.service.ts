import { and, eq, isNull, sql } from "drizzle-orm";
import type { Database } from "../db/client";
import { newId } from "../db/ids";
import { refreshTokens } from "../db/schema";
import { problems } from "../http/problem";
import { randomToken, sha256Hex } from "../lib/crypto";

export const refreshTokenTtlMs = 30 * 24 * 60 * 60 * 1000;

// Refresh tokens are opaque random strings; only their SHA-256 is stored. Each is used once:
// using it issues a successor in the same family. Presenting a used token again means it was
// stolen (or replayed), so the whole family is revoked and everyone holding it must sign in.
// Returns the insert unexecuted so that callers can put it in the same batch as related writes.
export async function prepareRefreshToken(db: Database, input: { userId: string; workspaceId: string; familyId?: string; now: number }) {
  const token = `rt_${randomToken(32)}`;
  const familyId = input.familyId ?? newId("tokenFamily", input.now);
  const insert = db.insert(refreshTokens).values({
    id: newId("refreshToken", input.now),
    workspaceId: input.workspaceId,
    userId: input.userId,
    familyId,
    tokenHash: await sha256Hex(token),
    createdAt: input.now,
    expiresAt: input.now + refreshTokenTtlMs,
  });
  return { token, familyId, insert };
}

export async function rotateRefreshToken(db: Database, presented: string, now: number) {
  const [stored] = await db
    .select()
    .from(refreshTokens)
    .where(eq(refreshTokens.tokenHash, await sha256Hex(presented)))
    .limit(1);
  if (!stored || stored.revokedAt !== null || stored.expiresAt <= now) throw problems.unauthorized("The session has ended. Sign in again.");
  if (stored.usedAt !== null) {
    await revokeFamily(db, stored.familyId, now);
    throw problems.unauthorized("This session was used from somewhere else and has been ended for safety. Sign in again.");
  }
  // Claim and successor commit together: the successor exists exactly when this request won the
  // claim, so a racing request that lost and revokes the family revokes the successor too.
  const token = `rt_${randomToken(32)}`;
  const tokenHash = await sha256Hex(token);
  const [claimed] = await db.batch([
    db
      .update(refreshTokens)
      .set({ usedAt: now })
      .where(and(eq(refreshTokens.id, stored.id), isNull(refreshTokens.usedAt)))
      .returning({ id: refreshTokens.id }),
    db.insert(refreshTokens).select(
      db
        .select({
          id: sql<string>`${newId("refreshToken", now)}`.as("id"),
          workspaceId: refreshTokens.workspaceId,
          userId: refreshTokens.userId,
          familyId: refreshTokens.familyId,
          tokenHash: sql<string>`${tokenHash}`.as("token_hash"),
          createdAt: sql<number>`${now}`.as("created_at"),
          expiresAt: sql<number>`${now + refreshTokenTtlMs}`.as("expires_at"),
          usedAt: sql<number | null>`NULL`.as("used_at"),
          revokedAt: sql<number | null>`NULL`.as("revoked_at"),
        })
        .from(refreshTokens)
        .where(and(eq(refreshTokens.id, stored.id), eq(refreshTokens.usedAt, now), isNull(refreshTokens.revokedAt))),
    ),
  ]);
  if (claimed.length === 0) {
    await revokeFamily(db, stored.familyId, now);
    throw problems.unauthorized("This session was used from somewhere else and has been ended for safety. Sign in again.");
  }
  const next = { token };
  return { userId: stored.userId, workspaceId: stored.workspaceId, refreshToken: next.token };
}

export async function revokeFamily(db: Database, familyId: string, now: number) {
  await db
    .update(refreshTokens)
    .set({ revokedAt: now })
    .where(and(eq(refreshTokens.familyId, familyId), isNull(refreshTokens.revokedAt)))
    .run();
}

export async function revokeByToken(db: Database, presented: string, now: number) {
  const [stored] = await db
    .select({ familyId: refreshTokens.familyId })
    .from(refreshTokens)
    .where(eq(refreshTokens.tokenHash, await sha256Hex(presented)))
    .limit(1);
  if (stored) await revokeFamily(db, stored.familyId, now);
}

export async function revokeUserSessions(db: Database, workspaceId: string, userId: string, now: number) {
  await db
    .update(refreshTokens)
    .set({ revokedAt: now })
    .where(and(eq(refreshTokens.workspaceId, workspaceId), eq(refreshTokens.userId, userId), isNull(refreshTokens.revokedAt)))
    .run();
}
