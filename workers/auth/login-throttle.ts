import { and, asc, eq, gt, lt } from "drizzle-orm";
import type { Database } from "../db/client";
import { loginFailures } from "../db/schema";
import { problems } from "../http/problem";
import { sha256Hex } from "../lib/crypto";

// At most 5 failed sign-ins per (email, IP) in 15 minutes; the 6th attempt gets a 429 with
// Retry-After until the oldest failure leaves the window. A success clears the count.
export const loginThrottle = { maxFailures: 5, windowMs: 15 * 60 * 1000 } as const;

export function throttleSubject(email: string, ip: string): Promise<string> {
  return sha256Hex(`${email}|${ip}`);
}

export async function assertNotThrottled(db: Database, subjectHash: string, now: number) {
  const recent = await db
    .select({ at: loginFailures.at })
    .from(loginFailures)
    .where(and(eq(loginFailures.subjectHash, subjectHash), gt(loginFailures.at, now - loginThrottle.windowMs)))
    .orderBy(asc(loginFailures.at))
    .limit(loginThrottle.maxFailures);
  if (recent.length < loginThrottle.maxFailures) return;
  const oldest = recent[0]?.at ?? now;
  throw problems.tooManyRequests((oldest + loginThrottle.windowMs - now) / 1000, "Too many failed sign-ins. Wait a few minutes and try again.");
}

export async function recordLoginFailure(db: Database, subjectHash: string, now: number) {
  await db.insert(loginFailures).values({ subjectHash, at: now }).run();
}

export async function clearLoginFailures(db: Database, subjectHash: string) {
  await db.delete(loginFailures).where(eq(loginFailures.subjectHash, subjectHash)).run();
}

export async function purgeLoginFailures(db: Database, now: number) {
  await db.delete(loginFailures).where(lt(loginFailures.at, now - loginThrottle.windowMs)).run();
}
