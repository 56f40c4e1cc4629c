import { createRoute } from "@hono/zod-openapi";
import { requireRole } from "../http/auth";
import { announce } from "../hub/publish";
import { serviceContext } from "../http/context";
import { etagFor, IfMatchHeader, parseIfMatch } from "../http/etag";
import { idParam } from "../http/fields";
import { authenticated, createRouter, jsonBody, jsonContent, problemResponses } from "../http/openapi";
import { suggestAndAnnounce } from "../duplicates/entry-suggestions";
import { bulkUpdateContacts } from "./contact-bulk.service";
import {
  BulkResultSchema,
  ConsentRecordList,
  ContactBulkBody,
  ContactCreate,
  ContactListQuery,
  ContactPage,
  ContactPatch,
  ContactSchema,
} from "./contact.schema";
import { createContact, deleteContact, getContact, listConsentRecords, listContacts, restoreContact, updateContact } from "./contact.service";

const tags = ["Contacts"];
const ContactId = idParam("con", "01jd0000000000000000000000");

export const contactRoutes = createRouter()
  .openapi(
    createRoute({
      method: "get",
      path: "/contacts",
      tags,
      summary: "List, filter, sort and search contacts (cursor pagination)",
      security: authenticated,
      middleware: [requireRole("viewer")] as const,
      request: { query: ContactListQuery },
      responses: { 200: jsonContent(ContactPage, "One page of contacts"), ...problemResponses(401, 422) },
    }),
    async (c) => c.json(await listContacts(c.var.db, c.var.principal.workspaceId, c.req.valid("query"), Date.now()), 200),
  )
  .openapi(
    createRoute({
      method: "post",
      path: "/contacts",
      tags,
      summary: "Create a contact; an email already in the workspace answers 409 with existing_id",
      security: authenticated,
      middleware: [requireRole("member")] as const,
      request: {
        body: jsonBody(ContactCreate, {
          first_name: "Šarūnas",
          last_name: "Petrauskas",
          emails: ["sarunas@example.lt"],
          phones: [{ number: "+370 612 34567" }],
          lifecycle_stage: "lead",
        }),
      },
      responses: { 201: jsonContent(ContactSchema, "Created"), ...problemResponses(400, 401, 403, 409, 413, 415, 422) },
    }),
    async (c) => {
      const contact = await createContact(serviceContext(c), c.req.valid("json"));
      announce(c, "contact.created", contact.id, { display_name: contact.display_name, version: contact.version });
      // A matching phone, or the same name at the company, becomes a duplicate suggestion after the response.
      c.executionCtx.waitUntil(suggestAndAnnounce(c.env, c.var.principal.workspaceId, [contact.id]));
      c.header("etag", etagFor(contact.version));
      c.header("location", `/api/v1/contacts/${contact.id}`);
      return c.json(contact, 201);
    },
  )
  .openapi(
    createRoute({
      method: "post",
      path: "/contacts/bulk",
      tags,
      summary: "Change owner, tags or lifecycle stage of, or delete, up to 500 contacts: all or nothing",
      security: authenticated,
      middleware: [requireRole("member")] as const,
      request: { body: jsonBody(ContactBulkBody, { action: "add_tags", ids: ["con_01jd0000000000000000000000"], tags: ["vip"] }) },
      responses: { 200: jsonContent(BulkResultSchema, "Changed"), ...problemResponses(400, 401, 403, 415, 422) },
    }),
    async (c) => {
      const body = c.req.valid("json");
      const result = await bulkUpdateContacts(serviceContext(c), body);
      announce(c, "contacts.bulk_changed", body.action, { action: body.action, ids: body.ids });
      return c.json(result, 200);
    },
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/contacts/{id}",
      tags,
      summary: "One contact",
      security: authenticated,
      middleware: [requireRole("viewer")] as const,
      request: { params: ContactId },
      responses: { 200: jsonContent(ContactSchema, "The contact"), ...problemResponses(401, 404) },
    }),
    async (c) => {
      const contact = await getContact(c.var.db, c.var.principal.workspaceId, c.req.valid("param").id);
      c.header("etag", etagFor(contact.version));
      return c.json(contact, 200);
    },
  )
  .openapi(
    createRoute({
      method: "patch",
      path: "/contacts/{id}",
      tags,
      summary: "Change a contact; send If-Match to be told (412) when someone changed it first",
      security: authenticated,
      middleware: [requireRole("member")] as const,
      request: { params: ContactId, headers: IfMatchHeader, body: jsonBody(ContactPatch, { job_title: "Sales director" }) },
      responses: { 200: jsonContent(ContactSchema, "Updated"), ...problemResponses(400, 401, 403, 404, 409, 412, 415, 422) },
    }),
    async (c) => {
      const contact = await updateContact(serviceContext(c), c.req.valid("param").id, c.req.valid("json"), parseIfMatch(c.req.valid("header")["if-match"]));
      announce(c, "contact.updated", contact.id, { display_name: contact.display_name, version: contact.version });
      c.header("etag", etagFor(contact.version));
      return c.json(contact, 200);
    },
  )
  .openapi(
    createRoute({
      method: "delete",
      path: "/contacts/{id}",
      tags,
      summary: "Move a contact to recently deleted (restorable for 30 days)",
      security: authenticated,
      middleware: [requireRole("member")] as const,
      request: { params: ContactId },
      responses: { 204: { description: "Deleted" }, ...problemResponses(401, 403, 404) },
    }),
    async (c) => {
      const { id } = c.req.valid("param");
      await deleteContact(serviceContext(c), id);
      announce(c, "contact.deleted", id);
      return c.body(null, 204);
    },
  )
  .openapi(
    createRoute({
      method: "post",
      path: "/contacts/{id}/restore",
      tags,
      summary: "Bring back a contact deleted in the last 30 days",
      security: authenticated,
      middleware: [requireRole("member")] as const,
      request: { params: ContactId },
      responses: { 200: jsonContent(ContactSchema, "Restored"), ...problemResponses(401, 403, 404, 410) },
    }),
    async (c) => {
      const contact = await restoreContact(serviceContext(c), c.req.valid("param").id);
      announce(c, "contact.restored", contact.id, { display_name: contact.display_name, version: contact.version });
      c.header("etag", etagFor(contact.version));
      return c.json(contact, 200);
    },
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/contacts/{id}/consents",
      tags,
      summary: "The contact's consent history, newest first",
      security: authenticated,
      middleware: [requireRole("viewer")] as const,
      request: { params: ContactId },
      responses: { 200: jsonContent(ConsentRecordList, "Consent records"), ...problemResponses(401, 404) },
    }),
    async (c) => c.json({ data: await listConsentRecords(c.var.db, c.var.principal.workspaceId, c.req.valid("param").id) }, 200),
  );
