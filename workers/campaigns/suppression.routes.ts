import { createRoute } from "@hono/zod-openapi";
import { requireRole } from "../http/auth";
import { serviceContext } from "../http/context";
import { authenticated, createRouter, jsonBody, jsonContent, problemResponses } from "../http/openapi";
import { SuppressionCreate, SuppressionEmailParam, SuppressionPage, SuppressionQuery, SuppressionSchema } from "./suppression.schema";
import { addSuppression, listSuppressions, removeSuppression, toSuppression } from "./suppression.service";

const tags = ["Suppressions"];

// People's addresses and their wish not to be written to: admins and the owner only.
export const suppressionRoutes = createRouter()
  .openapi(
    createRoute({
      method: "get",
      path: "/suppressions",
      tags,
      summary: "Addresses no marketing email goes to, by address (admins and the owner)",
      security: authenticated,
      middleware: [requireRole("admin")] as const,
      request: { query: SuppressionQuery },
      responses: { 200: jsonContent(SuppressionPage, "One page of suppressed addresses"), ...problemResponses(401, 403, 422) },
    }),
    async (c) => c.json(await listSuppressions(c.var.db, c.var.principal.workspaceId, c.req.valid("query")), 200),
  )
  .openapi(
    createRoute({
      method: "post",
      path: "/suppressions",
      tags,
      summary: "Suppress an address by hand (reason manual)",
      security: authenticated,
      middleware: [requireRole("admin")] as const,
      request: { body: jsonBody(SuppressionCreate, { email: "ona@example.lt", reason: "manual" }) },
      responses: { 201: jsonContent(SuppressionSchema, "Suppressed"), ...problemResponses(400, 401, 403, 415, 422) },
    }),
    async (c) => c.json(toSuppression(await addSuppression(serviceContext(c), c.req.valid("json").email)), 201),
  )
  .openapi(
    createRoute({
      method: "delete",
      path: "/suppressions/{email}",
      tags,
      summary: "Take an address off the suppression list",
      security: authenticated,
      middleware: [requireRole("admin")] as const,
      request: { params: SuppressionEmailParam },
      responses: { 204: { description: "Removed" }, ...problemResponses(401, 403, 404) },
    }),
    async (c) => {
      await removeSuppression(serviceContext(c), c.req.valid("param").email);
      return c.body(null, 204);
    },
  );
