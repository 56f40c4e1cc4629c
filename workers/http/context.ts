import type { Context } from "hono";
import { actorOf } from "../auth/principal";
import type { AppEnv } from "../env";
import type { ServiceContext } from "../lib/service-context";

/** The service context for an authenticated request: its database session, actor, request id. */
export function serviceContext(c: Context<AppEnv>): ServiceContext {
  return { db: c.var.db, actor: actorOf(c.var.principal), requestId: c.var.requestId, now: Date.now() };
}

export function clientIp(c: Context<AppEnv>): string {
  return c.req.header("cf-connecting-ip") ?? c.req.header("x-real-ip") ?? "local";
}

export function appOrigin(c: Context<AppEnv>): string {
  return new URL(c.req.url).origin;
}
