import { createRoute, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import { CompanySchema } from "../companies/company.schema";
import { ContactSchema } from "../contacts/contact.schema";
import type { ExportEntity } from "../db/schema";
import { DealSchema } from "../deals/deal.schema";
import type { AppEnv } from "../env";
import { requireRole } from "../http/auth";
import { serviceContext } from "../http/context";
import { idParam } from "../http/fields";
import { authenticated, createRouter, jsonBody, jsonContent, problemResponses } from "../http/openapi";
import { filterNames } from "./export-source";
import { CompanyExportQuery, ContactExportQuery, DealExportQuery, ExportCreate, ExportListQuery, ExportPage, ExportSchema } from "./export.schema";
import { createExport, directExportMaxRows, downloadExport, getExport, listExports, startDirectExport } from "./export.service";

// Mounted before the contacts, companies and deals routers in app.ts: Hono tries routes in the
// order they were added, and `/contacts/{id}` would otherwise take `/contacts/export` (its id
// parameter is any string up to 64 characters) and answer 404.

const tags = ["Export"];
const ExportId = idParam("exp", "01jd0000000000000000000000");

const fileDescription = `The file, streamed: CSV (RFC 4180, UTF-8 with BOM, CRLF; cells starting with = + - @ tab or CR prefixed with ') or a JSON array of the list's records. More than ${directExportMaxRows.toLocaleString("en")} matching rows is a 422 export_too_large: use POST /exports.`;

function fileContent(record: z.ZodType) {
  return {
    description: fileDescription,
    headers: { "content-disposition": { schema: { type: "string" as const }, description: 'attachment; filename="contacts-YYYY-MM-DD.csv"' } },
    content: { "text/csv": { schema: z.string() }, "application/json": { schema: z.array(record) } },
  };
}

/** The filters as the caller wrote them (only the list's own names), for the audit entry and the 422's job body. */
function rawFilters(c: Context<AppEnv>, entity: ExportEntity): Record<string, string> {
  const query = c.req.query();
  const out: Record<string, string> = {};
  for (const name of filterNames(entity)) {
    const value = query[name];
    if (value !== undefined) out[name] = value;
  }
  return out;
}

export const exportRoutes = createRouter()
  .openapi(
    createRoute({
      method: "get",
      path: "/contacts/export",
      tags,
      summary: "Download the contacts the list's filters match, as CSV or JSON",
      security: authenticated,
      middleware: [requireRole("viewer")] as const,
      request: { query: ContactExportQuery },
      responses: { 200: fileContent(ContactSchema), ...problemResponses(401, 422) },
    }),
    async (c) => {
      const { format, delimiter, ...filters } = c.req.valid("query");
      const result = await startDirectExport(serviceContext(c), { entity: "contacts", filters }, rawFilters(c, "contacts"), format, delimiter);
      return new Response(result.stream, { status: 200, headers: result.headers });
    },
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/companies/export",
      tags,
      summary: "Download the companies the list's filters match, as CSV or JSON",
      security: authenticated,
      middleware: [requireRole("viewer")] as const,
      request: { query: CompanyExportQuery },
      responses: { 200: fileContent(CompanySchema), ...problemResponses(401, 422) },
    }),
    async (c) => {
      const { format, delimiter, ...filters } = c.req.valid("query");
      const result = await startDirectExport(serviceContext(c), { entity: "companies", filters }, rawFilters(c, "companies"), format, delimiter);
      return new Response(result.stream, { status: 200, headers: result.headers });
    },
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/deals/export",
      tags,
      summary: "Download the deals the list's filters match, as CSV or JSON",
      security: authenticated,
      middleware: [requireRole("viewer")] as const,
      request: { query: DealExportQuery },
      responses: { 200: fileContent(DealSchema), ...problemResponses(401, 422) },
    }),
    async (c) => {
      const { format, delimiter, ...filters } = c.req.valid("query");
      const result = await startDirectExport(serviceContext(c), { entity: "deals", filters }, rawFilters(c, "deals"), format, delimiter);
      return new Response(result.stream, { status: 200, headers: result.headers });
    },
  )
  .openapi(
    createRoute({
      method: "post",
      path: "/exports",
      tags,
      summary: "Start an export job for a large list; download the file when its status is done",
      description:
        "Viewers may export: they can read every row through the list endpoints anyway, and each export is written to the audit log. The file is kept for 7 days. `export.finished` on the live socket says when it is ready.",
      security: authenticated,
      middleware: [requireRole("viewer")] as const,
      request: { body: jsonBody(ExportCreate, { entity: "contacts", format: "csv", filters: { lifecycle_stage: "customer" } }) },
      responses: { 202: jsonContent(ExportSchema, "Queued"), ...problemResponses(400, 401, 403, 415, 422) },
    }),
    async (c) => {
      const created = await createExport(serviceContext(c), c.env, c.req.valid("json"));
      c.header("location", `/api/v1/exports/${created.id}`);
      return c.json(created, 202);
    },
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/exports",
      tags,
      summary: "Your exports, newest first (admins and owners see everyone's)",
      security: authenticated,
      middleware: [requireRole("viewer")] as const,
      request: { query: ExportListQuery },
      responses: { 200: jsonContent(ExportPage, "One page of exports"), ...problemResponses(401, 422) },
    }),
    async (c) => c.json(await listExports(c.var.db, c.var.principal, c.req.valid("query"), Date.now()), 200),
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/exports/{id}",
      tags,
      summary: "One export and its status",
      security: authenticated,
      middleware: [requireRole("viewer")] as const,
      request: { params: ExportId },
      responses: { 200: jsonContent(ExportSchema, "The export"), ...problemResponses(401, 404) },
    }),
    async (c) => c.json(await getExport(c.var.db, c.var.principal, c.req.valid("param").id, Date.now()), 200),
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/exports/{id}/download",
      tags,
      summary: "Download a finished export's file (409 while it runs, 410 once it has expired)",
      security: authenticated,
      middleware: [requireRole("viewer")] as const,
      request: { params: ExportId },
      responses: {
        200: {
          description: "The file, as an attachment",
          content: { "text/csv": { schema: z.string() }, "application/json": { schema: z.array(z.record(z.string(), z.unknown())) } },
        },
        ...problemResponses(401, 404, 409, 410),
      },
    }),
    async (c) => {
      const file = await downloadExport(serviceContext(c), c.var.principal, c.req.valid("param").id);
      return new Response(file.stream, { status: 200, headers: file.headers });
    },
  );
