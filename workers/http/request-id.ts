import type { MiddlewareHandler } from "hono";
import type { AppEnv } from "../env";

const incomingRequestId = /^[A-Za-z0-9._:-]{8,128}$/;

// Every response carries X-Request-Id. A well-formed id from the caller (or Cloudflare's ray id)
// is kept so that logs can be joined across hops; anything else is replaced.
export function requestId(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const incoming = c.req.header("x-request-id") ?? c.req.header("cf-ray");
    const id = incoming && incomingRequestId.test(incoming) ? incoming : `req_${crypto.randomUUID().replaceAll("-", "")}`;
    c.set("requestId", id);
    await next();
    c.res.headers.set("x-request-id", id);
  };
}
