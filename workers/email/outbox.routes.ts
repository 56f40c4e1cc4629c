import { createRoute, z } from "@hono/zod-openapi";
import { requireRole } from "../http/auth";
import { idParam } from "../http/fields";
import { problems } from "../http/problem";
import { authenticated, createRouter, jsonContent, problemResponses } from "../http/openapi";
import { idCursor, PageQuery, toPage } from "../http/pagination";
import { emailDocumentResponse } from "./email-document";
import { OutboxEmailSchema, OutboxPage } from "./outbox.schema";
import { getOutboxEmail, listOutbox, toOutboxEmail } from "./outbox.service";

const tags = ["Email"];
const EmailId = idParam("eml", "01jd0000000000000000000000");

// Emails carry people's addresses and what they were told, so only admins and the owner read them.
export const outboxRoutes = createRouter()
  .openapi(
    createRoute({
      method: "get",
      path: "/outbox",
      tags,
      summary: "Emails the workspace has sent through the outbox, newest first (admins and the owner)",
      security: authenticated,
      middleware: [requireRole("admin")] as const,
      request: { query: PageQuery },
      responses: { 200: jsonContent(OutboxPage, "One page of emails"), ...problemResponses(401, 403, 422) },
    }),
    async (c) => {
      const { limit, cursor } = c.req.valid("query");
      const rows = await listOutbox(c.var.db, c.var.principal.workspaceId, { limit, afterId: idCursor(cursor) });
      return c.json(toPage(rows, limit, (row) => [row.id], toOutboxEmail), 200);
    },
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/outbox/{id}",
      tags,
      summary: "One email from the outbox (admins and the owner)",
      security: authenticated,
      middleware: [requireRole("admin")] as const,
      request: { params: EmailId },
      responses: { 200: jsonContent(OutboxEmailSchema, "The email"), ...problemResponses(401, 403, 404) },
    }),
    async (c) => c.json(toOutboxEmail(await getOutboxEmail(c.var.db, c.var.principal.workspaceId, c.req.valid("param").id)), 200),
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/outbox/{id}/html",
      tags,
      summary: "An email's HTML part as a document of its own (inline styles apply; scripts, forms and remote images do not), for a sandboxed frame",
      // Loaded by the reader's iframe, whose navigation carries the SameSite=Strict session cookie.
      security: authenticated,
      middleware: [requireRole("admin")] as const,
      request: { params: EmailId },
      responses: { 200: { description: "The HTML part", content: { "text/html": { schema: z.string() } } }, ...problemResponses(401, 403, 404) },
    }),
    async (c) => {
      const email = await getOutboxEmail(c.var.db, c.var.principal.workspaceId, c.req.valid("param").id);
      if (email.html === null) throw problems.notFound("email with an HTML part");
      // Remote images stay blocked: reading an email in the outbox must not fire its tracking pixel.
      return emailDocumentResponse(email.html, { remoteImages: false });
    },
  );
