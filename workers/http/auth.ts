import type { Context, MiddlewareHandler } from "hono";
import { verifyAccessToken } from "../auth/access-token";
import { authenticateApiKey } from "../api-keys/api-key.service";
import { cookieNames, csrfHeader, readCookie } from "../auth/cookies";
import { findMembership } from "../team/member.service";
import type { Role } from "../db/schema";
import type { AppEnv } from "../env";
import { constantTimeEqual } from "../lib/crypto";
import { hasRole, type Principal } from "../auth/principal";
import { problems } from "./problem";

const unsafeMethods = new Set(["POST", "PUT", "PATCH", "DELETE"]);
const resolved = new WeakMap<Request, Promise<Principal | null>>();

export function tokenConfig(env: AppEnv["Bindings"]) {
  return { secret: env.JWT_SECRET, issuer: env.JWT_ISSUER, audience: env.JWT_AUDIENCE };
}

async function principalFromJwt(c: Context<AppEnv>, token: string, via: "cookie" | "bearer"): Promise<Principal | null> {
  const claims = await verifyAccessToken(tokenConfig(c.env), token, Date.now());
  if (!claims) return null;
  // The role is read on every request, so a removed member or a changed role takes effect at once.
  const membership = await findMembership(c.var.db, claims.workspaceId, claims.userId);
  if (!membership) return null;
  return { kind: "user", id: claims.userId, workspaceId: claims.workspaceId, role: membership.role, membershipId: membership.id, via };
}

async function resolve(c: Context<AppEnv>): Promise<Principal | null> {
  const authorization = c.req.header("authorization");
  if (authorization !== undefined) {
    const match = /^Bearer\s+(\S+)$/i.exec(authorization);
    if (!match?.[1]) throw problems.unauthorized("Use the Authorization: Bearer <token> scheme.");
    const credential = match[1];
    const principal = credential.startsWith("rk_")
      ? await authenticateApiKey(c.var.db, credential, Date.now())
      : await principalFromJwt(c, credential, "bearer");
    if (!principal) throw problems.unauthorized("The token is invalid, expired or revoked.");
    return principal;
  }
  const cookie = readCookie(c, cookieNames.access);
  if (cookie === undefined) return null;
  const principal = await principalFromJwt(c, cookie, "cookie");
  if (!principal) throw problems.unauthorized("Your session has expired. Sign in again.");
  return principal;
}

/** Resolves the caller once per request; null when the request carries no credential at all. */
export function resolvePrincipal(c: Context<AppEnv>): Promise<Principal | null> {
  let pending = resolved.get(c.req.raw);
  if (!pending) {
    pending = resolve(c);
    resolved.set(c.req.raw, pending);
  }
  return pending;
}

/** Double-submit check for unsafe requests that ride on the session cookie. */
export function assertCsrf(c: Context<AppEnv>): void {
  const cookie = readCookie(c, cookieNames.csrf);
  const header = c.req.header(csrfHeader);
  if (!cookie || !header || !constantTimeEqual(cookie, header)) throw problems.csrf();
}

// Route guard factory: authenticates, applies the CSRF defence to cookie sessions, and checks
// that the caller's role (or API key scope) is at least `minimum`.
export function requireRole(minimum: Role): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const principal = await resolvePrincipal(c);
    if (!principal) throw problems.unauthorized();
    if (principal.kind === "user" && principal.via === "cookie" && unsafeMethods.has(c.req.method)) assertCsrf(c);
    if (!hasRole(principal.role, minimum)) {
      throw problems.forbidden(`This needs the ${minimum} role or higher; you are ${principal.kind === "api_key" ? `an API key with ${principal.scope} scope` : principal.role}.`);
    }
    c.set("principal", principal);
    await next();
  };
}

export function requireUser(c: Context<AppEnv>) {
  const principal = c.var.principal;
  if (principal.kind !== "user") throw problems.forbidden("This needs a signed-in person, not an API key.");
  return principal;
}
