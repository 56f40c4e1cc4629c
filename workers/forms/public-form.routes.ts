import { Hono, type Context } from "hono";
import { z } from "zod";
import type { AppEnv } from "../env";
import { createDatabase } from "../db/client";
import { newId } from "../db/ids";
import { formSubmissions } from "../db/schema";
import { clientIp } from "../http/context";
import { problemResponse, problems } from "../http/problem";
import { sha256Hex } from "../lib/crypto";
import { eq } from "drizzle-orm";
import { getWorkspaceRow } from "../workspaces/workspace.service";
import { checkFillToken, issueFillToken } from "./fill-token";
import { findFormByKey, parseFormFields, parseHiddenFields, parseStrings, type FormRow } from "./form.service";
import { embedScript } from "./embed-script";
import { errorPage, hostedFormPage, hostedPageCsp, notFoundPage, thankYouPage } from "./hosted-pages";
import { attributionOf, controlFields, flattenPayload, validateLead } from "./lead";
import { runLeadProcessing } from "./lead-runner";
import { verifyTurnstile } from "./turnstile";

// The public face of a form: no credentials, any origin the form allows. A post is stored before
// anything else can go wrong, then checked for spam, validated and processed; whatever happens
// after the insert, the submission is in D1 with its status.

const maxFormBytes = 256 * 1024;
const jsonType = /^application\/([\w.-]+\+)?json$/i;

function isHtmlPost(c: Context<AppEnv>): boolean {
  const type = (c.req.header("content-type") ?? "").split(";")[0]?.trim().toLowerCase() ?? "";
  const wantsJson = (c.req.header("accept") ?? "").includes("application/json");
  return (type === "application/x-www-form-urlencoded" || type === "multipart/form-data") && !wantsJson;
}

function allowedOrigin(c: Context<AppEnv>, form: FormRow): string | null | false {
  const origin = c.req.header("origin");
  if (!origin || origin === "null") return null;
  const own = new URL(c.req.url).origin;
  if (origin === own) return origin;
  return parseStrings(form.allowedOrigins).includes(origin.toLowerCase()) ? origin : false;
}

function withCors(response: Response, origin: string | null) {
  if (origin) {
    response.headers.set("access-control-allow-origin", origin);
    response.headers.append("vary", "Origin");
  }
  return response;
}

function html(body: string, status: number) {
  return new Response(body, { status, headers: { "content-type": "text/html; charset=utf-8", "content-security-policy": hostedPageCsp, "x-content-type-options": "nosniff", "cache-control": "no-store" } });
}

async function readPayload(c: Context<AppEnv>): Promise<Record<string, string>> {
  const type = (c.req.header("content-type") ?? "").split(";")[0]?.trim().toLowerCase() ?? "";
  const length = Number(c.req.header("content-length") ?? "0");
  if (length > maxFormBytes) throw problems.payloadTooLarge(maxFormBytes);
  if (jsonType.test(type)) {
    let body: unknown;
    try {
      body = await c.req.json();
    } catch {
      throw problems.badRequest("The body is not valid JSON.");
    }
    const parsed = z.record(z.string(), z.unknown()).safeParse(body);
    if (!parsed.success) throw problems.validation([{ pointer: "", code: "invalid_type", detail: "Send the fields as one JSON object." }]);
    return flattenPayload(Object.entries(parsed.data));
  }
  if (type === "application/x-www-form-urlencoded" || type === "multipart/form-data") {
    let data: FormData;
    try {
      data = await c.req.formData();
    } catch {
      throw problems.badRequest("The form data could not be read.");
    }
    return flattenPayload(data.entries());
  }
  throw problems.unsupportedMediaType(type);
}

export const publicFormRoutes = new Hono<AppEnv>()
  .get("/embed.js", (c) =>
    c.body(embedScript, 200, { "content-type": "text/javascript; charset=utf-8", "cache-control": "public, max-age=3600", "access-control-allow-origin": "*" }),
  )
  .get("/:key", async (c) => {
    const db = createDatabase(c.env.DB);
    const form = await findFormByKey(db, c.req.param("key"));
    if (!form) return html(notFoundPage(), 404);
    const fillToken = await issueFillToken(c.env.JWT_SECRET, form.publicKey, Date.now());
    return html(
      hostedFormPage({ name: form.name, action: `/f/${form.publicKey}`, fields: parseFormFields(form), hidden: parseHiddenFields(form), fillToken, consentText: form.consentText }),
      200,
    );
  })
  .get("/:key/thanks", async (c) => {
    const form = await findFormByKey(createDatabase(c.env.DB), c.req.param("key"));
    return form ? html(thankYouPage(form.name, form.thankYouMessage), 200) : html(notFoundPage(), 404);
  })
  .get("/:key/token", async (c) => {
    const form = await findFormByKey(createDatabase(c.env.DB), c.req.param("key"));
    if (!form) return problemResponse(problems.notFound("form").problem, c.var.requestId);
    const origin = allowedOrigin(c, form);
    if (origin === false) return problemResponse(problems.forbidden("This site may not use the form.").problem, c.var.requestId);
    const response = Response.json({ token: await issueFillToken(c.env.JWT_SECRET, form.publicKey, Date.now()) }, { headers: { "cache-control": "no-store" } });
    return withCors(response, origin);
  })
  .options("/:key/*", async (c) => preflight(c))
  .options("/:key", async (c) => preflight(c))
  .post("/:key", async (c) => {
    const htmlMode = isHtmlPost(c);
    const db = createDatabase(c.env.DB);
    const form = await findFormByKey(db, c.req.param("key"));
    if (!form) return htmlMode ? html(notFoundPage(), 404) : problemResponse(problems.notFound("form").problem, c.var.requestId);
    const allowed = allowedOrigin(c, form);
    const origin = allowed === false ? null : allowed;

    const payload = await readPayload(c);
    const honeypot = payload[controlFields.honeypot] ?? "";
    const fillToken = payload[controlFields.fillToken];
    const turnstileToken = payload[controlFields.turnstile];
    for (const field of Object.values(controlFields)) if (field !== controlFields.consent) delete payload[field];
    // Configured hidden values win over anything a visitor sends under the same name.
    for (const hidden of parseHiddenFields(form)) payload[hidden.name] = hidden.value;

    const now = Date.now();
    const ip = clientIp(c);
    const submissionId = newId("submission", now);
    // Stored first: from here on, nothing the visitor sent can be lost.
    await db.insert(formSubmissions).values({
      id: submissionId,
      workspaceId: form.workspaceId,
      formId: form.id,
      status: "received",
      payload: JSON.stringify(payload),
      attribution: JSON.stringify(attributionOf(payload, c.req.header("referer"))),
      origin: c.req.header("origin") ?? null,
      userAgent: c.req.header("user-agent")?.slice(0, 300) ?? null,
      ipHash: await sha256Hex(`${form.id}|${ip}`),
      receivedAt: now,
    });
    const quarantine = (reason: string) => db.update(formSubmissions).set({ status: "spam", reason }).where(eq(formSubmissions.id, submissionId));
    const accepted = () =>
      htmlMode
        ? c.redirect(form.redirectUrl ?? `/f/${form.publicKey}/thanks`, 303)
        : withCors(Response.json({ submission_id: submissionId }, { status: 201 }), origin);

    // A site that is not on the form's list gets no CORS answer, but what it sent is kept
    // (quarantined) so that an admin who forgot to list a landing page loses no lead.
    if (allowed === false) {
      await quarantine("origin_not_allowed");
      return problemResponse(problems.forbidden("This site is not among the form's allowed origins.").problem, c.var.requestId);
    }
    // Spam is stored with its reason and answered like a success, so bots learn nothing;
    // the rate limit answers 429 because a person may be behind it.
    if (honeypot.trim() !== "") {
      await quarantine("honeypot");
      return accepted();
    }
    const { success: withinLimit } = await c.env.FORM_RATE_LIMIT.limit({ key: `${form.id}:${ip}` });
    if (!withinLimit) {
      await quarantine("rate_limited");
      const problem = problems.tooManyRequests(60, "Too many posts from this address. Try again in a minute.");
      return withCors(problemResponse(problem.problem, c.var.requestId), origin);
    }
    if (fillToken !== undefined) {
      const fill = await checkFillToken(c.env.JWT_SECRET, form.publicKey, fillToken, form.minFillSeconds, now);
      if (!fill.ok) {
        await quarantine(fill.reason);
        return accepted();
      }
    }
    if (form.turnstileSecret) {
      const verified = await verifyTurnstile(form.turnstileSecret, turnstileToken, ip);
      if (!verified) {
        await quarantine("turnstile_failed");
        return accepted();
      }
    }

    const workspace = await getWorkspaceRow(db, form.workspaceId);
    const errors = validateLead(payload, parseFormFields(form), workspace.defaultPhoneCountry);
    if (errors.length > 0) {
      await db.update(formSubmissions).set({ status: "invalid", reason: JSON.stringify(errors).slice(0, 2000) }).where(eq(formSubmissions.id, submissionId));
      if (htmlMode) return html(errorPage(form.name, `/f/${form.publicKey}`, errors.map((e) => ({ field: (e.pointer ?? "").slice(1), detail: e.detail }))), 422);
      return withCors(problemResponse(problems.validation(errors).problem, c.var.requestId), origin);
    }

    await runLeadProcessing(c.env, submissionId);
    return accepted();
  });

async function preflight(c: Context<AppEnv>) {
  const form = await findFormByKey(createDatabase(c.env.DB), c.req.param("key") ?? "");
  const origin = form ? allowedOrigin(c, form) : false;
  if (!form || !origin) return new Response(null, { status: 403 });
  return new Response(null, {
    status: 204,
    headers: {
      "access-control-allow-origin": origin,
      "access-control-allow-methods": "POST, GET",
      "access-control-allow-headers": "content-type, accept",
      "access-control-max-age": "600",
      vary: "Origin",
    },
  });
}
