import { createRoute } from "@hono/zod-openapi";
import { eq } from "drizzle-orm";
import { getContactRow } from "../contacts/contact.service";
import type { Database } from "../db/client";
import { users } from "../db/schema";
import { emailSettings, publicOrigin } from "../email/email-config";
import { parseMailbox } from "../email/smtp-transport";
import { transportFor } from "../email/transport";
import { requireRole } from "../http/auth";
import { serviceContext } from "../http/context";
import { etagFor, IfMatchHeader, parseIfMatch } from "../http/etag";
import { idParam } from "../http/fields";
import { authenticated, createRouter, jsonBody, jsonContent, problemResponses } from "../http/openapi";
import { problems } from "../http/problem";
import { announce } from "../hub/publish";
import { signLink } from "./link-token";
import { renderForRecipient, unsubscribeUrl } from "./render";
import { RenderedEmailSchema, TemplateCreate, TemplateList, TemplatePatch, TemplatePreviewBody, TemplateSchema, TemplateTestBody, TemplateTestResult } from "./template.schema";
import { createTemplate, deleteTemplate, getTemplate, listTemplates, toRenderable, toTemplate, updateTemplate } from "./template.service";

const tags = ["Templates"];
const TemplateId = idParam("tpl", "01jd0000000000000000000000");

// Previews and test sends carry a real-looking unsubscribe link whose subject is "preview": the
// unsubscribe page says it is a sample and changes nothing.
export const previewLinkSubject = "preview";

async function userName(db: Database, id: string | null): Promise<string | null> {
  if (!id) return null;
  const [row] = await db.select({ name: users.name }).from(users).where(eq(users.id, id)).limit(1);
  return row?.name ?? null;
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
      const { contact, company } = await getContactRow(c.var.db, workspaceId, contact_id).catch(() => {
        // The contact is a body field: an unknown one is the request's fault, with a pointer.
        throw problems.validation([{ pointer: "/contact_id", code: "unknown_contact", detail: "No contact with that id in this workspace." }]);
      });
      const token = await signLink(c.env.JWT_SECRET, "unsubscribe", previewLinkSubject);
      const email = renderForRecipient(toRenderable(template), contact, {
        unsubscribeUrl: unsubscribeUrl(publicOrigin(c.env, c.req.url), token),
        ownerName: await userName(c.var.db, contact.ownerId),
        companyName: company?.name ?? null,
        language,
      });
      return c.json({ language: email.language, subject: email.subject, html: email.html, text: email.text }, 200);
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
