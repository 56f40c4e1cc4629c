import { createRoute, z } from "@hono/zod-openapi";
import { requireRole } from "../http/auth";
import { serviceContext } from "../http/context";
import { idParam } from "../http/fields";
import { authenticated, createRouter, jsonContent, problemResponses } from "../http/openapi";
import { PageQuery } from "../http/pagination";
import { announce } from "../hub/publish";
import { sendJobs } from "../jobs/enqueue";
import { ImportPageSchema, ImportPreviewSchema, ImportRowPageSchema, ImportRowsQuery, ImportSchema, uploadBodyDoc } from "./import.schema";
import { createImport, getImport, importReportCsv, listImportRows, listImports, previewImport, undoImport } from "./import.service";
import { readUpload } from "./upload";

const tags = ["Imports"];
const ImportId = idParam("imp", "01jd0000000000000000000000");
const uploadProblems = problemResponses(400, 401, 403, 413, 415, 422);

export const importRoutes = createRouter()
  .openapi(
    createRoute({
      method: "post",
      path: "/imports/preview",
      tags,
      summary: "Read a CSV file: encoding, delimiter, header, suggested mapping and the first 20 rows as contacts, with their errors. Stores nothing.",
      security: authenticated,
      middleware: [requireRole("member")] as const,
      request: { body: uploadBodyDoc(false) },
      responses: { 200: jsonContent(ImportPreviewSchema, "What the file would become"), ...uploadProblems },
    }),
    async (c) => {
      const upload = await readUpload(c);
      return c.json(await previewImport(c.var.db, c.var.principal.workspaceId, upload), 200);
    },
  )
  .openapi(
    createRoute({
      method: "post",
      path: "/imports",
      tags,
      summary: "Import contacts from a CSV file (or dry-run it) as a background job; a file that cannot be imported is a 4xx and nothing is stored",
      security: authenticated,
      middleware: [requireRole("member")] as const,
      request: { body: uploadBodyDoc(true) },
      responses: { 202: jsonContent(ImportSchema, "Queued"), ...uploadProblems },
    }),
    async (c) => {
      const upload = await readUpload(c);
      const imp = await createImport(serviceContext(c), upload, (importId) => sendJobs(c.env, [{ type: "import.run", import_id: importId }]));
      c.header("location", `/api/v1/imports/${imp.id}`);
      return c.json(imp, 202);
    },
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/imports",
      tags,
      summary: "The workspace's imports, newest first",
      security: authenticated,
      middleware: [requireRole("viewer")] as const,
      request: { query: PageQuery },
      responses: { 200: jsonContent(ImportPageSchema, "One page of imports"), ...problemResponses(401, 422) },
    }),
    async (c) => c.json(await listImports(c.var.db, c.var.principal.workspaceId, c.req.valid("query")), 200),
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/imports/{id}",
      tags,
      summary: "One import: status, progress and counts",
      security: authenticated,
      middleware: [requireRole("viewer")] as const,
      request: { params: ImportId },
      responses: { 200: jsonContent(ImportSchema, "The import"), ...problemResponses(401, 404) },
    }),
    async (c) => c.json(await getImport(c.var.db, c.var.principal.workspaceId, c.req.valid("param").id), 200),
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/imports/{id}/rows",
      tags,
      summary: "What happened to each row, in row order (row_number 1 is the first row under the header)",
      security: authenticated,
      middleware: [requireRole("viewer")] as const,
      request: { params: ImportId, query: ImportRowsQuery },
      responses: { 200: jsonContent(ImportRowPageSchema, "One page of rows"), ...problemResponses(401, 404, 422) },
    }),
    async (c) => c.json(await listImportRows(c.var.db, c.var.principal.workspaceId, c.req.valid("param").id, c.req.valid("query")), 200),
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/imports/{id}/rows.csv",
      tags,
      summary: "The row report as a CSV download (UTF-8 with BOM): row, outcome, contact_id, errors",
      security: authenticated,
      middleware: [requireRole("viewer")] as const,
      request: { params: ImportId },
      responses: { 200: { description: "The report", content: { "text/csv": { schema: z.string() } } }, ...problemResponses(401, 404) },
    }),
    async (c) => {
      const report = await importReportCsv(c.var.db, c.var.principal.workspaceId, c.req.valid("param").id);
      return c.body(report.body, 200, {
        "content-type": "text/csv; charset=utf-8",
        "content-disposition": `attachment; filename="${report.fileName.replace(/[^\x20-\x7e]|"/g, "_")}"; filename*=UTF-8''${encodeURIComponent(report.fileName)}`,
      });
    },
  )
  .openapi(
    createRoute({
      method: "post",
      path: "/imports/{id}/undo",
      tags,
      summary: "Undo an import within 7 days: its new contacts and companies go to recently deleted, the fields it filled are emptied where unchanged since",
      security: authenticated,
      middleware: [requireRole("member")] as const,
      request: { params: ImportId },
      responses: { 200: jsonContent(ImportSchema, "Undone"), ...problemResponses(401, 403, 404, 409, 410) },
    }),
    async (c) => {
      const imp = await undoImport(serviceContext(c), c.req.valid("param").id);
      announce(c, "contacts.bulk_changed", imp.id, { action: "import_undone", import_id: imp.id, ids: [] });
      return c.json(imp, 200);
    },
  );
