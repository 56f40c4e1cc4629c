import { createRoute } from "@hono/zod-openapi";
import { requireRole } from "../http/auth";
import { serviceContext } from "../http/context";
import { etagFor, IfMatchHeader, parseIfMatch } from "../http/etag";
import { idParam } from "../http/fields";
import { authenticated, createRouter, jsonBody, jsonContent, problemResponses } from "../http/openapi";
import { announce } from "../hub/publish";
import { PreviewQuery, SegmentCreate, SegmentList, SegmentPatch, SegmentPreviewBody, SegmentPreviewSchema, SegmentSchema } from "./segment.schema";
import { createSegment, deleteSegment, getSegmentRow, listSegments, parseStoredFilter, previewSegment, toSegment, updateSegment } from "./segment.service";

const tags = ["Segments"];
const SegmentId = idParam("seg", "01jd0000000000000000000000");
const example = {
  name: "Customers in Vilnius who agreed to marketing",
  description: null,
  filter: {
    op: "and" as const,
    conditions: [
      { field: "lifecycle_stage" as const, op: "in" as const, value: ["customer" as const] },
      { field: "city" as const, op: "in" as const, value: ["Vilnius"] },
      { field: "consent" as const, op: "in" as const, value: ["granted" as const] },
    ],
  },
};

// Members and above write segments (they are marketing work, not administration); viewers read.
export const segmentRoutes = createRouter()
  .openapi(
    createRoute({
      method: "get",
      path: "/segments",
      tags,
      summary: "The workspace's segments by name",
      security: authenticated,
      middleware: [requireRole("viewer")] as const,
      responses: { 200: jsonContent(SegmentList, "Segments"), ...problemResponses(401) },
    }),
    async (c) => c.json({ data: (await listSegments(c.var.db, c.var.principal.workspaceId)).map(toSegment) }, 200),
  )
  .openapi(
    createRoute({
      method: "post",
      path: "/segments",
      tags,
      summary: "Save a segment; an unknown field or a wrong value type is a 422 pointing into the filter",
      security: authenticated,
      middleware: [requireRole("member")] as const,
      request: { body: jsonBody(SegmentCreate, example) },
      responses: { 201: jsonContent(SegmentSchema, "Created"), ...problemResponses(400, 401, 403, 415, 422) },
    }),
    async (c) => {
      const segment = toSegment(await createSegment(serviceContext(c), c.req.valid("json")));
      announce(c, "segment.changed", segment.id, { version: segment.version });
      c.header("etag", etagFor(segment.version));
      c.header("location", `/api/v1/segments/${segment.id}`);
      return c.json(segment, 201);
    },
  )
  .openapi(
    createRoute({
      method: "post",
      path: "/segments/preview",
      tags,
      summary: "Count and first contacts of a filter before it is saved (the builder's live count)",
      security: authenticated,
      middleware: [requireRole("viewer")] as const,
      request: { body: jsonBody(SegmentPreviewBody, { filter: example.filter, limit: 20 }) },
      responses: { 200: jsonContent(SegmentPreviewSchema, "Count and first contacts"), ...problemResponses(400, 401, 415, 422) },
    }),
    async (c) => {
      const { filter, limit } = c.req.valid("json");
      return c.json(await previewSegment(c.var.db, c.var.principal.workspaceId, filter, limit, Date.now()), 200);
    },
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/segments/{id}",
      tags,
      summary: "One segment",
      security: authenticated,
      middleware: [requireRole("viewer")] as const,
      request: { params: SegmentId },
      responses: { 200: jsonContent(SegmentSchema, "The segment"), ...problemResponses(401, 404) },
    }),
    async (c) => {
      const segment = toSegment(await getSegmentRow(c.var.db, c.var.principal.workspaceId, c.req.valid("param").id));
      c.header("etag", etagFor(segment.version));
      return c.json(segment, 200);
    },
  )
  .openapi(
    createRoute({
      method: "patch",
      path: "/segments/{id}",
      tags,
      summary: "Change a segment (If-Match with its version)",
      security: authenticated,
      middleware: [requireRole("member")] as const,
      request: { params: SegmentId, headers: IfMatchHeader, body: jsonBody(SegmentPatch, { name: "Vilnius customers (consented)" }) },
      responses: { 200: jsonContent(SegmentSchema, "Updated"), ...problemResponses(400, 401, 403, 404, 412, 415, 422) },
    }),
    async (c) => {
      const row = await updateSegment(serviceContext(c), c.req.valid("param").id, c.req.valid("json"), parseIfMatch(c.req.valid("header")["if-match"]));
      const segment = toSegment(row);
      announce(c, "segment.changed", segment.id, { version: segment.version });
      c.header("etag", etagFor(segment.version));
      return c.json(segment, 200);
    },
  )
  .openapi(
    createRoute({
      method: "delete",
      path: "/segments/{id}",
      tags,
      summary: "Delete a segment; 409 while an unfinished campaign uses it",
      security: authenticated,
      middleware: [requireRole("member")] as const,
      request: { params: SegmentId },
      responses: { 204: { description: "Deleted" }, ...problemResponses(401, 403, 404, 409) },
    }),
    async (c) => {
      const { id } = c.req.valid("param");
      await deleteSegment(serviceContext(c), id);
      announce(c, "segment.changed", id, { deleted: true });
      return c.body(null, 204);
    },
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/segments/{id}/preview",
      tags,
      summary: "How many contacts a saved segment matches now (exact), and the first of them by name",
      security: authenticated,
      middleware: [requireRole("viewer")] as const,
      request: { params: SegmentId, query: PreviewQuery },
      responses: { 200: jsonContent(SegmentPreviewSchema, "Count and first contacts"), ...problemResponses(401, 404, 422) },
    }),
    async (c) => {
      const row = await getSegmentRow(c.var.db, c.var.principal.workspaceId, c.req.valid("param").id);
      return c.json(await previewSegment(c.var.db, c.var.principal.workspaceId, parseStoredFilter(row), c.req.valid("query").limit, Date.now()), 200);
    },
  );
