import { and, eq } from "drizzle-orm";
import type { MiddlewareHandler } from "hono";
import { z } from "zod";
import { idempotencyKeys } from "../db/schema";
import type { AppEnv } from "../env";
import { sha256Hex } from "../lib/crypto";
import { resolvePrincipal } from "./auth";
import { problems } from "./problem";

export const idempotencyTtlMs = 24 * 60 * 60 * 1000;
const keyPattern = /^[\x21-\x7e]{1,255}$/;
const replayedHeaders = ["content-type", "location", "etag"];
const storedHeaders = z.record(z.string(), z.string());

// `Idempotency-Key` on an authenticated POST: the first response (if not a 5xx) is stored for
// 24 hours and replayed for the same key; the same key with a different request is a 422.
// Keys are scoped to the caller, so one caller's key never replays another's response.
export function idempotency(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const key = c.req.header("idempotency-key");
    if (c.req.method !== "POST" || key === undefined) return next();
    if (!keyPattern.test(key)) throw problems.validation([{ parameter: "Idempotency-Key", detail: "Use 1 to 255 visible ASCII characters." }]);
    const principal = await resolvePrincipal(c);
    if (!principal) return next();

    const db = c.var.db;
    const now = Date.now();
    const requestHash = await sha256Hex(`${c.req.method} ${c.req.path}\n${await c.req.text()}`);
    const scope = and(
      eq(idempotencyKeys.workspaceId, principal.workspaceId),
      eq(idempotencyKeys.principalId, principal.id),
      eq(idempotencyKeys.key, key),
    );
    const [existing] = await db.select().from(idempotencyKeys).where(scope).limit(1);
    if (existing && existing.expiresAt <= now) await db.delete(idempotencyKeys).where(scope);
    else if (existing) {
      if (existing.requestHash !== requestHash) {
        throw problems.unprocessable("idempotency_key_reused", "This Idempotency-Key was already used for a different request.");
      }
      if (existing.status === null) {
        throw problems.conflict("idempotency_request_in_progress", "The first request with this Idempotency-Key is still running.");
      }
      const headers = new Headers(storedHeaders.parse(JSON.parse(existing.responseHeaders ?? "{}")));
      headers.set("idempotency-replayed", "true");
      c.res = new Response(existing.responseBody, { status: existing.status, headers });
      return;
    }

    const claimed = await db
      .insert(idempotencyKeys)
      .values({ workspaceId: principal.workspaceId, principalId: principal.id, key, requestHash, createdAt: now, expiresAt: now + idempotencyTtlMs })
      .onConflictDoNothing()
      .run();
    if (claimed.meta.changes === 0) {
      throw problems.conflict("idempotency_request_in_progress", "The first request with this Idempotency-Key is still running.");
    }

    try {
      await next();
    } finally {
      // Only completed requests are remembered; a failed one may be retried with the same key.
      if (c.res.status >= 500 || c.error) {
        await db.delete(idempotencyKeys).where(scope);
      } else {
        const headers: Record<string, string> = {};
        for (const name of replayedHeaders) {
          const value = c.res.headers.get(name);
          if (value !== null) headers[name] = value;
        }
        await db
          .update(idempotencyKeys)
          .set({ status: c.res.status, responseBody: await c.res.clone().text(), responseHeaders: JSON.stringify(headers) })
          .where(scope);
      }
    }
  };
}
