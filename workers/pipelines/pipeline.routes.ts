import { createRoute } from "@hono/zod-openapi";
import { requireRole } from "../http/auth";
import { serviceContext } from "../http/context";
import { etagFor, IfMatchHeader, parseIfMatch } from "../http/etag";
import { idParam } from "../http/fields";
import { authenticated, createRouter, jsonBody, jsonContent, problemResponses } from "../http/openapi";
import { announce } from "../hub/publish";
import { hubOf, unwrap } from "../hub/client";
import { BoardSchema } from "../deals/deal.schema";
import { DeletePipelineQuery, PipelineCreate, PipelineList, PipelinePatch, PipelineSchema } from "./pipeline.schema";
import { createPipeline, deletePipeline, getPipeline, listPipelines, updatePipeline } from "./pipeline.service";

const tags = ["Pipeline"];
const PipelineId = idParam("pip", "01jd0000000000000000000000");

export const pipelineRoutes = createRouter()
  .openapi(
    createRoute({
      method: "get",
      path: "/pipelines",
      tags,
      summary: "The workspace's pipelines with their stages",
      security: authenticated,
      middleware: [requireRole("viewer")] as const,
      responses: { 200: jsonContent(PipelineList, "Pipelines"), ...problemResponses(401) },
    }),
    async (c) => c.json({ data: await listPipelines(c.var.db, c.var.principal.workspaceId, Date.now()) }, 200),
  )
  .openapi(
    createRoute({
      method: "post",
      path: "/pipelines",
      tags,
      summary: "Create a pipeline with its stages (admins)",
      security: authenticated,
      middleware: [requireRole("admin")] as const,
      request: {
        body: jsonBody(PipelineCreate, {
          name: "Partnerships",
          stages: [
            { name: "Intro", probability: 20, kind: "open" },
            { name: "Signed", probability: 100, kind: "won" },
            { name: "Dropped", probability: 0, kind: "lost" },
          ],
        }),
      },
      responses: { 201: jsonContent(PipelineSchema, "Created"), ...problemResponses(400, 401, 403, 415, 422) },
    }),
    async (c) => {
      const pipeline = await createPipeline(serviceContext(c), c.req.valid("json"));
      announce(c, "pipeline.changed", pipeline.id);
      return c.json(pipeline, 201);
    },
  )
  .openapi(
    createRoute({
      method: "patch",
      path: "/pipelines/{id}",
      tags,
      summary: "Rename, reorder, or change stages (a removed stage's deals move to move_deals_to)",
      security: authenticated,
      middleware: [requireRole("admin")] as const,
      request: { params: PipelineId, headers: IfMatchHeader, body: jsonBody(PipelinePatch, { name: "Sales (Baltics)" }) },
      responses: { 200: jsonContent(PipelineSchema, "Updated"), ...problemResponses(400, 401, 403, 404, 409, 412, 415, 422) },
    }),
    async (c) => {
      const pipeline = await updatePipeline(serviceContext(c), c.req.valid("param").id, c.req.valid("json"), parseIfMatch(c.req.valid("header")["if-match"]));
      await hubOf(c).invalidate(pipeline.id);
      announce(c, "pipeline.changed", pipeline.id);
      c.header("etag", etagFor(pipeline.version));
      return c.json(pipeline, 200);
    },
  )
  .openapi(
    createRoute({
      method: "delete",
      path: "/pipelines/{id}",
      tags,
      summary: "Delete a pipeline; its deals move to move_deals_to (a stage of another pipeline)",
      security: authenticated,
      middleware: [requireRole("admin")] as const,
      request: { params: PipelineId, query: DeletePipelineQuery },
      responses: { 204: { description: "Deleted" }, ...problemResponses(401, 403, 404, 409, 422) },
    }),
    async (c) => {
      const { id } = c.req.valid("param");
      await deletePipeline(serviceContext(c), id, c.req.valid("query").move_deals_to);
      await hubOf(c).invalidate();
      announce(c, "pipeline.changed", id);
      return c.body(null, 204);
    },
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/pipelines/{id}/board",
      tags,
      summary: "The live board: deals per stage with counts, totals and weighted totals in the base currency",
      security: authenticated,
      middleware: [requireRole("viewer")] as const,
      request: { params: PipelineId },
      responses: { 200: jsonContent(BoardSchema, "The board"), ...problemResponses(401, 404) },
    }),
    async (c) => {
      const { id } = c.req.valid("param");
      await getPipeline(c.var.db, c.var.principal.workspaceId, id);
      return c.json(unwrap(await hubOf(c).board(c.var.principal.workspaceId, id)), 200);
    },
  );
