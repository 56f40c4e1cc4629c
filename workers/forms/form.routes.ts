import { createRoute, z } from "@hono/zod-openapi";
import { eq } from "drizzle-orm";
import { formSubmissions } from "../db/schema";
import { requireRole } from "../http/auth";
import { appOrigin, serviceContext } from "../http/context";
import { etagFor, IfMatchHeader, parseIfMatch } from "../http/etag";
import { idParam } from "../http/fields";
import { authenticated, createRouter, jsonBody, jsonContent, problemResponses } from "../http/openapi";
import { PageQuery } from "../http/pagination";
import { problems } from "../http/problem";
import { auditInsert } from "../audit/audit.service";
import { FormCreate, FormList, FormPatch, FormSchema, SubmissionPage, SubmissionSchema } from "./form.schema";
import { createForm, deleteForm, getFormRow, listForms, listSubmissions, parseFormFields, parseRecord, toForm, toSubmission, updateForm } from "./form.service";
import { validateLead } from "./lead";
import { getWorkspaceRow } from "../workspaces/workspace.service";
import { runLeadProcessing } from "./lead-runner";
import { submissionStatuses } from "../db/schema";

const tags = ["Lead capture"];
const FormId = idParam("frm", "01jd0000000000000000000000");
const SubmissionParams = FormId.extend({
  submission_id: z.string().startsWith("sub_").max(64).openapi({ param: { name: "submission_id", in: "path" }, example: "sub_01jd0000000000000000000000" }),
});
const SubmissionQuery = PageQuery.extend({ status: z.enum(submissionStatuses).optional().openapi({ param: { name: "status", in: "query" } }) });

export const formRoutes = createRouter()
  .openapi(
    createRoute({
      method: "get",
      path: "/forms",
      tags,
      summary: "Lead capture forms",
      security: authenticated,
      middleware: [requireRole("admin")] as const,
      responses: { 200: jsonContent(FormList, "Forms"), ...problemResponses(401, 403) },
    }),
    async (c) => c.json({ data: (await listForms(c.var.db, c.var.principal.workspaceId)).map((row) => toForm(row, appOrigin(c))) }, 200),
  )
  .openapi(
    createRoute({
      method: "post",
      path: "/forms",
      tags,
      summary: "Create a form; its public URL is /f/{public_key}",
      security: authenticated,
      middleware: [requireRole("admin")] as const,
      request: {
        body: jsonBody(FormCreate, {
          name: "Contact us",
          fields: [
            { field: "first_name", required: true },
            { field: "email", required: true },
            { field: "phone", required: false },
          ],
          allowed_origins: ["https://www.example.com"],
        }),
      },
      responses: { 201: jsonContent(FormSchema, "Created"), ...problemResponses(400, 401, 403, 415, 422) },
    }),
    async (c) => c.json(toForm(await createForm(serviceContext(c), c.req.valid("json")), appOrigin(c)), 201),
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/forms/{id}",
      tags,
      summary: "One form",
      security: authenticated,
      middleware: [requireRole("admin")] as const,
      request: { params: FormId },
      responses: { 200: jsonContent(FormSchema, "The form"), ...problemResponses(401, 403, 404) },
    }),
    async (c) => {
      const form = toForm(await getFormRow(c.var.db, c.var.principal.workspaceId, c.req.valid("param").id), appOrigin(c));
      c.header("etag", etagFor(form.version));
      return c.json(form, 200);
    },
  )
  .openapi(
    createRoute({
      method: "patch",
      path: "/forms/{id}",
      tags,
      summary: "Change a form",
      security: authenticated,
      middleware: [requireRole("admin")] as const,
      request: { params: FormId, headers: IfMatchHeader, body: jsonBody(FormPatch, { name: "Contact us (EN)" }) },
      responses: { 200: jsonContent(FormSchema, "Updated"), ...problemResponses(400, 401, 403, 404, 412, 415, 422) },
    }),
    async (c) => {
      const form = toForm(await updateForm(serviceContext(c), c.req.valid("param").id, c.req.valid("json"), parseIfMatch(c.req.valid("header")["if-match"])), appOrigin(c));
      c.header("etag", etagFor(form.version));
      return c.json(form, 200);
    },
  )
  .openapi(
    createRoute({
      method: "delete",
      path: "/forms/{id}",
      tags,
      summary: "Delete a form; its URL stops accepting posts, its submissions stay",
      security: authenticated,
      middleware: [requireRole("admin")] as const,
      request: { params: FormId },
      responses: { 204: { description: "Deleted" }, ...problemResponses(401, 403, 404) },
    }),
    async (c) => {
      await deleteForm(serviceContext(c), c.req.valid("param").id);
      return c.body(null, 204);
    },
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/forms/{id}/submissions",
      tags,
      summary: "What the form received, newest first, with each submission's status",
      security: authenticated,
      middleware: [requireRole("admin")] as const,
      request: { params: FormId, query: SubmissionQuery },
      responses: { 200: jsonContent(SubmissionPage, "One page of submissions"), ...problemResponses(401, 403, 404, 422) },
    }),
    async (c) => c.json(await listSubmissions(c.var.db, c.var.principal.workspaceId, c.req.valid("param").id, c.req.valid("query")), 200),
  )
  .openapi(
    createRoute({
      method: "post",
      path: "/forms/{id}/submissions/{submission_id}/replay",
      tags,
      summary: "Process a failed, invalid or quarantined submission again",
      security: authenticated,
      middleware: [requireRole("admin")] as const,
      request: { params: SubmissionParams },
      responses: { 200: jsonContent(SubmissionSchema, "The submission after processing"), ...problemResponses(401, 403, 404, 409, 422) },
    }),
    async (c) => {
      const { id, submission_id } = c.req.valid("param");
      const ctx = serviceContext(c);
      const [row] = await ctx.db.select().from(formSubmissions).where(eq(formSubmissions.id, submission_id)).limit(1);
      if (!row || row.formId !== id || row.workspaceId !== ctx.actor.workspaceId) throw problems.notFound("submission");
      if (row.status === "processed") throw problems.conflict("already_processed", "This submission already became a contact.");
      // A replay is not a way around validation: what was invalid stays invalid.
      const form = await getFormRow(ctx.db, ctx.actor.workspaceId, id);
      const workspace = await getWorkspaceRow(ctx.db, ctx.actor.workspaceId);
      const errors = validateLead(parseRecord(row.payload), parseFormFields(form), workspace.defaultPhoneCountry);
      if (errors.length > 0) throw problems.validation(errors, "This submission is still not valid; it cannot become a contact.");
      await ctx.db.batch([
        ctx.db.update(formSubmissions).set({ status: "received", reason: null }).where(eq(formSubmissions.id, submission_id)),
        auditInsert(ctx, { action: "submission.replayed", entityType: "submission", entityId: submission_id, before: { status: row.status, reason: row.reason }, after: { status: "received" } }),
      ]);
      await runLeadProcessing(c.env, submission_id);
      const [after] = await ctx.db.select().from(formSubmissions).where(eq(formSubmissions.id, submission_id)).limit(1);
      if (!after) throw problems.notFound("submission");
      return c.json(toSubmission(after), 200);
    },
  );
