import { createRoute } from "@hono/zod-openapi";
import { requireRole, requireUser } from "../http/auth";
import { serviceContext } from "../http/context";
import { hubOf } from "../hub/client";
import { announce } from "../hub/publish";
import { etagFor, IfMatchHeader, parseIfMatch } from "../http/etag";
import { authenticated, createRouter, jsonBody, jsonContent, problemResponses } from "../http/openapi";
import { DeleteWorkspaceQuery, TransferOwnershipBody, WorkspacePatch, WorkspaceSchema } from "./workspace.schema";
import { deleteWorkspace, getWorkspaceRow, toWorkspace, transferOwnership, updateWorkspace } from "./workspace.service";

const tags = ["Workspace"];

export const workspaceRoutes = createRouter()
  .openapi(
    createRoute({
      method: "get",
      path: "/workspace",
      tags,
      summary: "The caller's workspace and its settings",
      security: authenticated,
      middleware: [requireRole("viewer")] as const,
      responses: { 200: jsonContent(WorkspaceSchema, "The workspace"), ...problemResponses(401) },
    }),
    async (c) => {
      const workspace = toWorkspace(await getWorkspaceRow(c.var.db, c.var.principal.workspaceId));
      c.header("etag", etagFor(workspace.version));
      return c.json(workspace, 200);
    },
  )
  .openapi(
    createRoute({
      method: "patch",
      path: "/workspace",
      tags,
      summary: "Change the workspace's name, currency, time zone, phone country, language or data-quality inactivity days",
      security: authenticated,
      middleware: [requireRole("admin")] as const,
      request: { headers: IfMatchHeader, body: jsonBody(WorkspacePatch, { name: "Baltic Sales", default_currency: "EUR" }) },
      responses: { 200: jsonContent(WorkspaceSchema, "Updated"), ...problemResponses(400, 401, 403, 412, 415, 422) },
    }),
    async (c) => {
      const workspace = await updateWorkspace(serviceContext(c), c.req.valid("json"), parseIfMatch(c.req.valid("header")["if-match"]));
      // The base currency may have changed: boards recompute their totals.
      await hubOf(c).invalidate();
      announce(c, "workspace.updated", workspace.id, workspace);
      c.header("etag", etagFor(workspace.version));
      return c.json(workspace, 200);
    },
  )
  .openapi(
    createRoute({
      method: "delete",
      path: "/workspace",
      tags,
      summary: "Delete the workspace and everything in it (owner only)",
      security: authenticated,
      middleware: [requireRole("owner")] as const,
      request: { query: DeleteWorkspaceQuery },
      responses: { 204: { description: "Deleted" }, ...problemResponses(401, 403, 422) },
    }),
    async (c) => {
      await deleteWorkspace(serviceContext(c), c.req.valid("query").confirm);
      await hubOf(c).disconnect(null);
      return c.body(null, 204);
    },
  )
  .openapi(
    createRoute({
      method: "post",
      path: "/workspace/transfer-ownership",
      tags,
      summary: "Make another member the owner; you become an admin (owner only)",
      security: authenticated,
      middleware: [requireRole("owner")] as const,
      request: { body: jsonBody(TransferOwnershipBody, { member_id: "mem_01jd0000000000000000000000" }) },
      responses: { 204: { description: "Transferred" }, ...problemResponses(400, 401, 403, 404, 415, 422) },
    }),
    async (c) => {
      const owner = requireUser(c);
      await transferOwnership(serviceContext(c), owner.membershipId, c.req.valid("json").member_id);
      return c.body(null, 204);
    },
  );
