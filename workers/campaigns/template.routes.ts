import { createRoute, z } from "@hono/zod-openapi";
import { eq } from "drizzle-orm";
import { getContactRow } from "../contacts/contact.service";
import type { Database } from "../db/client";
import { users } from "../db/schema";
import { emailSettings, publicOrigin } from "../email/email-config";
import { parseMailbox } from "../email/smtp-transport";
import { emailDocumentResponse } from "../email/email-document";
import { transportFor } from "../email/transport";
import { requireRole } from "../http/auth";
import { serviceContext } from "../http/context";
import { etagFor, IfMatchHeader, parseIfMatch } from "../http/etag";
import { idParam } from "../http/fields";
import { authenticated, createRouter, jsonBody, jsonContent, problemResponses } from "../http/openapi";
import { problems } from "../http/problem";
import { announce } from "../hub/publish";
import { signLink } from "./link-token";
import { isoTime } from "../http/fields";
import { renderForRecipient, unsubscribeUrl, type RenderableTemplate, type RenderedEmail } from "./render";
import {
  RenderedEmailSchema,
  TemplateCreate,
  TemplateDraftPreviewBody,
  TemplateList,
  TemplatePatch,
  TemplatePreviewBody,
  TemplatePreviewDocument,
  TemplateSchema,
  TemplateTestBody,
  TemplateTestResult,
} from "./template.schema";
import { createTemplate, deleteTemplate, getTemplate, listTemplates, loadPreview, storePreview, toRenderable, toTemplate, updateTemplate } from "./template.service";

const tags = ["Templates"];
const TemplateId = idParam("tpl", "01jd0000000000000000000000");
const PreviewId = idParam("tpv", "01jd0000000000000000000000");

// Previews and test sends carry a real-looking unsubscribe link whose subject is "preview": the
// unsubscribe page says it is a sample and changes nothing.
export const previewLinkSubject = "preview";

async function userName(db: Database, id: string | null): Promise<string | null> {
  if (!id) return null;
  const [row] = await db.select({ name: users.name }).from(users).where(eq(users.id, id)).limit(1);
  return row?.name ?? null;
}

/** The email one contact would get from this template (their language unless one is asked for). */
async function renderPreview(
  env: Env,
  db: Database,
  workspaceId: string,
  requestUrl: string,
  template: RenderableTemplate,
  contactId: string,
  language: RenderedEmail["language"] | undefined,
): Promise<RenderedEmail> {
  const { contact, company } = await getContactRow(db, workspaceId, contactId).catch(() => {
    // The contact is a body field: an unknown one is the request's fault, with a pointer.
    throw problems.validation([{ pointer: "/contact_id", code: "unknown_contact", detail: "No contact with that id in this workspace." }]);
  });
  const token = await signLink(env.JWT_SECRET, "unsubscribe", previewLinkSubject);
  return renderForRecipient(template, contact, {
    unsubscribeUrl: unsubscribeUrl(publicOrigin(env, requestUrl), token),
    ownerName: await userName(db, contact.ownerId),
    companyName: company?.name ?? null,
    language,
  });
}

export const templateRoutes = createRouter()
  .openapi(
    createRoute({
      method: "get",
      path: "/templates",
      tags,
      summary: "The workspace's email templates by name, with every language version",
      security: authenticated,
      middleware: [requireRole("viewer")] as const,
      responses: { 200: jsonContent(TemplateList, "Templates"), ...problemResponses(401) },
    }),
    async (c) => c.json({ data: (await listTemplates(c.var.db, c.var.principal.workspaceId)).map(toTemplate) }, 200),
  )
  .openapi(
    createRoute({
      method: "post",
      path: "/templates",
      tags,
      summary: "Create a template; an unknown merge field is a 422 pointing at /variants/<i>/subject|html|text",
      security: authenticated,
      middleware: [requireRole("member")] as const,
      request: {
        body: jsonBody(TemplateCreate, {
          name: "November newsletter",
          default_language: "en",
          variants: [
            { language: "en", subject: "News for {{first_name | default: \"you\"}}", html: "<p>Hello {{first_name | default: \"there\"}},</p><p><a href=\"{{unsubscribe_url}}\">Unsubscribe</a></p>", text: null },
            { language: "lt", subject: "Naujienos, {{first_name | default: \"drauge\"}}", html: "<p>Labas, {{first_name | default: \"drauge\"}},</p><p><a href=\"{{unsubscribe_url}}\">Atsisakyti</a></p>", text: null },
          ],
        }),
      },
      responses: { 201: jsonContent(TemplateSchema, "Created"), ...problemResponses(400, 401, 403, 415, 422) },
    }),
    async (c) => {
      const template = toTemplate(await createTemplate(serviceContext(c), c.req.valid("json")));
      announce(c, "template.changed", template.id, { version: template.version });
      c.header("etag", etagFor(template.version));
      c.header("location", `/api/v1/templates/${template.id}`);
      return c.json(template, 201);
    },
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/templates/{id}",
      tags,
      summary: "One template",
      security: authenticated,
      middleware: [requireRole("viewer")] as const,
      request: { params: TemplateId },
      responses: { 200: jsonContent(TemplateSchema, "The template"), ...problemResponses(401, 404) },
    }),
    async (c) => {
      const template = toTemplate(await getTemplate(c.var.db, c.var.principal.workspaceId, c.req.valid("param").id));
      c.header("etag", etagFor(template.version));
      return c.json(template, 200);
    },
  )
  .openapi(
    createRoute({
      method: "patch",
      path: "/templates/{id}",
      tags,
      summary: "Change a template (If-Match); variants, when given, replace all language versions",
      security: authenticated,
      middleware: [requireRole("member")] as const,
      request: { params: TemplateId, headers: IfMatchHeader, body: jsonBody(TemplatePatch, { name: "November newsletter (final)" }) },
      responses: { 200: jsonContent(TemplateSchema, "Updated"), ...problemResponses(400, 401, 403, 404, 412, 415, 422) },
    }),
    async (c) => {
      const template = toTemplate(await updateTemplate(serviceContext(c), c.req.valid("param").id, c.req.valid("json"), parseIfMatch(c.req.valid("header")["if-match"])));
      announce(c, "template.changed", template.id, { version: template.version });
      c.header("etag", etagFor(template.version));
      return c.json(template, 200);
    },
  )
  .openapi(
    createRoute({
      method: "delete",
      path: "/templates/{id}",
      tags,
      summary: "Delete a template; 409 while an unfinished campaign uses it",
      security: authenticated,
      middleware: [requireRole("member")] as const,
      request: { params: TemplateId },
      responses: { 204: { description: "Deleted" }, ...problemResponses(401, 403, 404, 409) },
    }),
    async (c) => {
      const { id } = c.req.valid("param");
      await deleteTemplate(serviceContext(c), id);
      announce(c, "template.changed", id, { deleted: true });
      return c.body(null, 204);
    },
  )
  .openapi(
    createRoute({
      method: "post",
      path: "/templates/{id}/preview",
      tags,
      summary: "The email as one contact would get it: their language (or the one asked for), their merge values",
      security: authenticated,
      middleware: [requireRole("viewer")] as const,
      request: { params: TemplateId, body: jsonBody(TemplatePreviewBody, { contact_id: "con_01jd0000000000000000000000" }) },
      responses: { 200: jsonContent(RenderedEmailSchema, "The rendered email"), ...problemResponses(400, 401, 404, 415, 422) },
    }),
    async (c) => {
      const workspaceId = c.var.principal.workspaceId;
      const { contact_id, language } = c.req.valid("json");
      const template = await getTemplate(c.var.db, workspaceId, c.req.valid("param").id);
      const email = await renderPreview(c.env, c.var.db, workspaceId, c.req.url, toRenderable(template), contact_id, language);
      return c.json({ language: email.language, subject: email.subject, html: email.html, text: email.text }, 200);
    },
  )
  .openapi(
    createRoute({
      method: "post",
      path: "/templates/previews",
      tags,
      summary: "Render the editor's draft for one contact as a short-lived HTML document (10 minutes) to show in a sandboxed iframe",
      description:
        "The body is the draft as it stands, saved or not, checked like a save (an unknown merge field is a 422 at /variants/<i>/…). The returned url serves the email with its own Content-Security-Policy, so its inline styles apply in the preview as they do in the sent email.",
      security: authenticated,
      middleware: [requireRole("viewer")] as const,
      request: {
        body: jsonBody(TemplateDraftPreviewBody, {
          default_language: "en",
          variants: [{ language: "en", subject: "News for {{first_name | default: \"you\"}}", html: "<p style=\"color: #c80000\">Hello {{first_name | default: \"there\"}},</p>", text: null }],
          contact_id: "con_01jd0000000000000000000000",
        }),
      },
      responses: { 201: jsonContent(TemplatePreviewDocument, "The preview's address"), ...problemResponses(400, 401, 415, 422) },
    }),
    async (c) => {
      const workspaceId = c.var.principal.workspaceId;
      const { default_language, variants, contact_id, language } = c.req.valid("json");
      const email = await renderPreview(c.env, c.var.db, workspaceId, c.req.url, { defaultLanguage: default_language, variants }, contact_id, language);
      const stored = await storePreview(c.var.db, workspaceId, email.html, Date.now());
      const url = `/api/v1/templates/previews/${stored.id}`;
      c.header("location", url);
      return c.json({ url, language: email.language, subject: email.subject, expires_at: isoTime(stored.expiresAt) }, 201);
    },
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/templates/previews/{id}",
      tags,
      summary: "A rendered preview as an HTML document with its own restrictive Content-Security-Policy (410 once expired)",
      // The browser loads this as an iframe navigation, which carries the SameSite=Strict session
      // cookie (same site all the way up), so it is authenticated and workspace-scoped like any
      // other read; the random id is not the only thing standing between a guess and the HTML.
      security: authenticated,
      middleware: [requireRole("viewer")] as const,
      request: { params: PreviewId },
      responses: { 200: { description: "The email as HTML", content: { "text/html": { schema: z.string() } } }, ...problemResponses(401, 404, 410) },
    }),
    async (c) => {
      const html = await loadPreview(c.var.db, c.var.principal.workspaceId, c.req.valid("param").id, Date.now());
      return emailDocumentResponse(html, { remoteImages: true });
    },
  )
  .openapi(
    createRoute({
      method: "post",
      path: "/templates/{id}/test",
      tags,
      summary: "Send the rendered email to yourself through the configured transport (you stand in for the contact)",
      security: authenticated,
      middleware: [requireRole("member")] as const,
      request: { params: TemplateId, body: jsonBody(TemplateTestBody, { language: "lt" }) },
      responses: { 202: jsonContent(TemplateTestResult, "Handed to the transport"), ...problemResponses(400, 401, 403, 404, 415, 422, 503) },
    }),
    async (c) => {
      const workspaceId = c.var.principal.workspaceId;
      const template = await getTemplate(c.var.db, workspaceId, c.req.valid("param").id);
      const [me] = await c.var.db.select().from(users).where(eq(users.id, c.var.principal.id)).limit(1);
      // API keys act for the workspace, not a person with a mailbox.
      if (!me) throw problems.forbidden("A test send goes to the signed-in person's own address; API keys have none.");
      const [firstName = null, ...rest] = me.name.trim().split(/\s+/);
      const token = await signLink(c.env.JWT_SECRET, "unsubscribe", previewLinkSubject);
      const from = c.env.MAIL_FROM;
      const now = Date.now();
      const idempotencyKey = `template-test:${template.template.id}:${me.id}:${now}`;
      const email = renderForRecipient(
        toRenderable(template),
        { firstName, lastName: rest.join(" ") || null, primaryEmail: me.email, jobTitle: null, city: null, country: null, language: me.language },
        {
          unsubscribeUrl: unsubscribeUrl(publicOrigin(c.env, c.req.url), token),
          ownerName: me.name,
          companyName: null,
          unsubscribeMailto: emailSettings(c.env).unsubscribeMailto,
          idempotencyKey,
          messageIdDomain: parseMailbox(from).email.split("@").pop(),
          language: c.req.valid("json").language,
        },
      );
      try {
        await transportFor(c.env, c.var.db).send({
          workspaceId,
          dedupeKey: idempotencyKey,
          kind: "template.test",
          from,
          to: me.email,
          toName: me.name,
          subject: `[TEST] ${email.subject}`,
          text: email.text,
          html: email.html,
          headers: email.headers,
        });
      } catch (error) {
        console.error("Template test send failed", error);
        throw problems.unavailable("The mail server did not accept the test email. Check the SMTP settings and try again.");
      }
      return c.json({ to: me.email, language: email.language, subject: email.subject }, 202);
    },
  );
