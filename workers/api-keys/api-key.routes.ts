import { createRoute } from "@hono/zod-openapi";
import { requireRole } from "../http/auth";
import { hubOf } from "../hub/client";
import { serviceContext } from "../http/context";
import { idParam } from "../http/fields";
import { authenticated, createRouter, jsonBody, jsonContent, problemResponses } from "../http/openapi";
import { idCursor, PageQuery, toPage } from "../http/pagination";
import { ApiKeyBody, ApiKeyPage, CreatedApiKeySchema } from "./api-key.schema";
import { createApiKey, listApiKeys, revokeApiKey, toApiKey } from "./api-key.service";

const tags = ["API keys"];
const ApiKeyId = idParam("key", "01jd0000000000000000000000");

export const apiKeyRoutes = createRouter()
  .openapi(
    createRoute({
      method: "get",
      path: "/api-keys",
      tags,
      summary: "Active API keys (never the secret itself)",
      security: authenticated,
      middleware: [requireRole("admin")] as const,
      request: { query: PageQuery },
      responses: { 200: jsonContent(ApiKeyPage, "One page of keys"), ...problemResponses(401, 403, 422) },
    }),
    async (c) => {
      const { limit, cursor } = c.req.valid("query");
      const rows = await listApiKeys(c.var.db, c.var.principal.workspaceId, { limit, beforeId: idCursor(cursor) });
      return c.json(toPage(rows, limit, (row) => [row.id], toApiKey), 200);
    },
  )
  .openapi(
    createRoute({
      method: "post",
      path: "/api-keys",
      tags,
      summary: "Create an API key; the secret is in `key`, shown this once",
      security: authenticated,
      middleware: [requireRole("admin")] as const,
      request: { body: jsonBody(ApiKeyBody, { name: "Website forms", scope: "write" }) },
      responses: { 201: jsonContent(CreatedApiKeySchema, "Created"), ...problemResponses(400, 401, 403, 415, 422) },
    }),
    async (c) => c.json(await createApiKey(serviceContext(c), c.req.valid("json")), 201),
  )
  .openapi(
    createRoute({
      method: "delete",
      path: "/api-keys/{id}",
      tags,
      summary: "Revoke an API key; it stops working at once",
      security: authenticated,
      middleware: [requireRole("admin")] as const,
      request: { params: ApiKeyId },
      responses: { 204: { description: "Revoked" }, ...problemResponses(401, 403, 404) },
    }),
    async (c) => {
      const { id } = c.req.valid("param");
      await revokeApiKey(serviceContext(c), id);
      await hubOf(c).disconnect(id);
      return c.body(null, 204);
    },
  );
