import { and, isNotNull, lt, or } from "drizzle-orm";
import { purgeLoginFailures } from "../auth/login-throttle";
import type { Database } from "../db/client";
import { idempotencyKeys, refreshTokens } from "../db/schema";
import { purgeExpiredPreviews } from "../campaigns/template.service";
import { purgeExpiredExports } from "../exports/export.service";

// Deletes what has outlived its purpose: expired or revoked refresh tokens, idempotency
// records past their 24 hours, old sign-in failures. Deleting twice is harmless, so the job is
// idempotent by nature.
export async function purgeExpired(db: Database, now: number) {
  const weekAgo = now - 7 * 24 * 60 * 60 * 1000;
  await db.batch([
    db.delete(refreshTokens).where(or(lt(refreshTokens.expiresAt, now), and(isNotNull(refreshTokens.revokedAt), lt(refreshTokens.revokedAt, weekAgo)))),
    db.delete(idempotencyKeys).where(lt(idempotencyKeys.expiresAt, now)),
  ]);
  await purgeLoginFailures(db, now);
  // Exports keep personal data outside the records' own lifecycle: gone 7 days after they were asked for.
  await purgeExpiredExports(db, now);
  // Template previews live 10 minutes; a workspace's own next preview clears most, this the rest.
  await purgeExpiredPreviews(db, now);
}
