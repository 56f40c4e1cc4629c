import type { MiddlewareHandler } from "hono";
import type { AppEnv } from "../env";

// API responses are data, never documents: nothing may frame, sniff or script them.
// The web client's own headers live in web/public/_headers (served by Workers Static Assets).
export const apiContentSecurityPolicy = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'";

export function securityHeaders(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    await next();
    const headers = c.res.headers;
    if (!headers.has("content-security-policy")) headers.set("content-security-policy", apiContentSecurityPolicy);
    headers.set("x-content-type-options", "nosniff");
    headers.set("referrer-policy", "no-referrer");
    // A document meant for the app's own frames (a template preview) says SAMEORIGIN itself.
    if (!headers.has("x-frame-options")) headers.set("x-frame-options", "DENY");
    if (!headers.has("cache-control")) headers.set("cache-control", "no-store");
  };
}
