import type { MiddlewareHandler } from "hono";
import { openSession } from "../db/client";
import type { AppEnv } from "../env";

export const bookmarkHeader = "x-d1-bookmark";
const safeMethods = new Set(["GET", "HEAD", "OPTIONS"]);
// D1 bookmarks look like 00000000-00000005-00000000-<32 hex>; anything else is ignored rather
// than handed to D1, so a garbled header cannot turn into a 500.
const bookmarkPattern = /^[0-9a-f]{8}-[0-9a-f]{8}-[0-9a-f]{8}-[0-9a-f]{32}$/i;

// Opens a D1 session per request. Reads start from the caller's bookmark (so a client reads its
// own writes even from a replica); writes start at the primary. The new bookmark goes back in
// X-D1-Bookmark for the client to send on its next request.
export function database(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const incoming = c.req.header(bookmarkHeader);
    const start = safeMethods.has(c.req.method) ? (incoming && bookmarkPattern.test(incoming) ? incoming : "first-unconstrained") : "first-primary";
    const session = openSession(c.env.DB, start);
    c.set("db", session.db);
    await next();
    const bookmark = session.bookmark();
    if (bookmark) c.res.headers.set(bookmarkHeader, bookmark);
  };
}
