import { Hono, type Context } from "hono";
import { createDatabase } from "../db/client";
import { languages, type Language } from "../db/schema";
import type { AppEnv } from "../env";
import { publishToWorkspace } from "../hub/publish";
import { verifyLink } from "./link-token";
import { contactLanguage } from "./render";
import { previewLinkSubject } from "./template.routes";
import { confirmPage, donePage, invalidLinkPage, previewPage, unsubscribePageCsp } from "./unsubscribe-pages";
import { findUnsubscribeTarget, unsubscribe, unsubscribedCount } from "./unsubscribe.service";

// GET /u/{token} shows the confirmation in the recipient's language; POST /u/{token} (the page's
// button, or a mail client's RFC 8058 `List-Unsubscribe=One-Click` POST) unsubscribes. No session:
// the signed token is the only credential, and it only ever unsubscribes its own recipient.

function html(body: string, status: 200 | 404) {
  return new Response(body, {
    status,
    headers: { "content-type": "text/html; charset=utf-8", "content-security-policy": unsubscribePageCsp, "x-content-type-options": "nosniff", "cache-control": "no-store", "referrer-policy": "no-referrer" },
  });
}

/** For pages without a recipient: the browser's first language Rapport speaks, else English. */
function browserLanguage(c: Context<AppEnv>): Language {
  for (const part of (c.req.header("accept-language") ?? "").split(",")) {
    const language = contactLanguage(part.split(";")[0] ?? "");
    if (language) return language;
  }
  return languages[0];
}

type Resolved = { kind: "invalid" } | { kind: "preview" } | { kind: "recipient"; target: NonNullable<Awaited<ReturnType<typeof findUnsubscribeTarget>>> };

async function resolve(c: Context<AppEnv>, token: string): Promise<Resolved> {
  // A forged or mangled token is refused before any read.
  const subject = token.length <= 300 ? await verifyLink(c.env.JWT_SECRET, "unsubscribe", token) : null;
  if (subject === null) return { kind: "invalid" };
  if (subject === previewLinkSubject) return { kind: "preview" };
  const target = await findUnsubscribeTarget(createDatabase(c.env.DB), subject);
  return target ? { kind: "recipient", target } : { kind: "invalid" };
}

export const unsubscribeRoutes = new Hono<AppEnv>()
  .get("/:token", async (c) => {
    const resolved = await resolve(c, c.req.param("token"));
    if (resolved.kind === "invalid") return html(invalidLinkPage(browserLanguage(c)), 404);
    if (resolved.kind === "preview") return html(previewPage(browserLanguage(c)), 200);
    const { target } = resolved;
    // Already out: say so rather than offer a button that does nothing.
    return html(target.unsubscribedAt === null ? confirmPage(target.language, target.email) : donePage(target.language, target.email), 200);
  })
  .post("/:token", async (c) => {
    const resolved = await resolve(c, c.req.param("token"));
    if (resolved.kind === "invalid") return html(invalidLinkPage(browserLanguage(c)), 404);
    if (resolved.kind === "preview") return html(previewPage(browserLanguage(c)), 200);
    const { target } = resolved;
    const db = createDatabase(c.env.DB);
    // The body (`List-Unsubscribe=One-Click` or the page's form) is not needed: the POST itself is the request.
    const changed = await unsubscribe(db, target, Date.now());
    if (changed) {
      const campaignId = target.campaignId;
      c.executionCtx.waitUntil(
        (async () => {
          const unsubscribed = await unsubscribedCount(db, campaignId);
          await publishToWorkspace(c.env, target.workspaceId, { type: "campaign.progress", id: campaignId, actor: null, data: { unsubscribed } });
          await publishToWorkspace(c.env, target.workspaceId, { type: "contact.updated", id: target.contactId, actor: null, data: { consent_status: "denied" } });
        })(),
      );
    }
    return html(donePage(target.language, target.email), 200);
  });
