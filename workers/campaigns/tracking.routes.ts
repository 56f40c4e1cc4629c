import { Hono, type Context } from "hono";
import { createDatabase } from "../db/client";
import type { AppEnv } from "../env";
import { ProblemError, problemResponse } from "../http/problem";
import { verifyClickLink, verifyLink } from "./link-token";
import { recordClick, recordOpen } from "./tracking.service";

// The public ends of open and click tracking (campaigns with tracking_enabled). No session: the
// signed token is the only credential and says which recipient and, for a click, which URL.
//   GET /t/c/{token}      302 to the signed URL, recording the click (and an open).
//   GET /t/o/{token}.gif  a 1×1 transparent GIF, recording the open.
// Recording never stands between a reader and their link: a failed write is logged and the
// redirect still happens. The pixel is the same GIF whatever the token, so an image loader learns
// nothing about validity; only a genuine token records. HEAD requests (link checkers, scanners
// that only peek) and obvious robots are answered but not counted.

// The smallest transparent GIF: 43 bytes.
const gif = Uint8Array.from(atob("R0lGODlhAQABAIAAAP///wAAACH5BAEAAAAALAAAAAABAAEAAAICRAEAOw=="), (char) => char.charCodeAt(0));

const maxTokenLength = 3200;

// Security gateways and previewers that fetch links and images before (or instead of) a person.
const robotAgents = /\b(bot|crawler|spider|slurp|preview|scanner|linkcheck|barracuda|proofpoint|mimecast|python-requests|curl|wget|go-http-client)\b/i;

function counts(c: Context<AppEnv>): boolean {
  if (c.req.method !== "GET") return false;
  return !robotAgents.test(c.req.header("user-agent") ?? "");
}

async function safely(c: Context<AppEnv>, what: string, record: () => Promise<void>): Promise<void> {
  try {
    await record();
  } catch (error) {
    console.error(`[${c.var.requestId}] recording a tracked ${what} failed`, error);
  }
}

const invalidLink = new ProblemError({
  status: 404,
  code: "invalid_link",
  title: "Link not valid",
  detail: "This link is not valid. Copy the whole link from the email.",
});

const privateHeaders = { "cache-control": "no-store", "referrer-policy": "no-referrer", "x-content-type-options": "nosniff" };

export const trackingRoutes = new Hono<AppEnv>()
  .get("/c/:token", async (c) => {
    const token = c.req.param("token");
    const click = token.length <= maxTokenLength ? await verifyClickLink(c.env.JWT_SECRET, token) : null;
    let target: URL | null = null;
    try {
      target = click ? new URL(click.url) : null;
    } catch {
      target = null;
    }
    if (!click || !target || (target.protocol !== "http:" && target.protocol !== "https:")) {
      const response = problemResponse(invalidLink.problem, c.var.requestId, c.req.path);
      for (const [name, value] of Object.entries(privateHeaders)) response.headers.set(name, value);
      return response;
    }
    if (counts(c)) await safely(c, "click", () => recordClick(createDatabase(c.env.DB), click.recipientId, click.url, Date.now()));
    // no-referrer: the site reached does not see the tracked link (and its recipient id).
    return new Response(null, { status: 302, headers: { location: target.href, ...privateHeaders } });
  })
  .get("/o/:file", async (c) => {
    const file = c.req.param("file");
    const token = file.endsWith(".gif") ? file.slice(0, -".gif".length) : "";
    if (counts(c) && token.length > 0 && token.length <= 300) {
      const recipientId = await verifyLink(c.env.JWT_SECRET, "open", token);
      if (recipientId !== null) await safely(c, "open", () => recordOpen(createDatabase(c.env.DB), recipientId, Date.now()));
    }
    return new Response(c.req.method === "HEAD" ? null : gif, { status: 200, headers: { "content-type": "image/gif", "content-length": String(gif.length), ...privateHeaders } });
  });
