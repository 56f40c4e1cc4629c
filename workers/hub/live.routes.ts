import { createRoute } from "@hono/zod-openapi";
import { requireRole } from "../http/auth";
import { authenticated, createRouter, problemResponses } from "../http/openapi";
import { problems } from "../http/problem";
import { hubOf } from "./client";

export const liveRoutes = createRouter().openapi(
  createRoute({
    method: "get",
    path: "/live",
    tags: ["Live"],
    summary: "WebSocket of the workspace's events: {seq, type, id, at, actor, data}",
    security: authenticated,
    middleware: [requireRole("viewer")] as const,
    responses: { 101: { description: "Switching to the WebSocket protocol" }, ...problemResponses(401, 422) },
  }),
  async (c) => {
    if (c.req.header("upgrade")?.toLowerCase() !== "websocket") {
      throw problems.unprocessable("websocket_required", "Open this URL as a WebSocket.");
    }
    const principal = c.var.principal;
    const hub = hubOf(c);
    const headers = new Headers(c.req.raw.headers);
    headers.set("x-rapport-actor", principal.id);
    const upgraded = await hub.fetch(new Request(c.req.raw.url, { headers }));
    // Re-wrapped so that the response headers are mutable for the middleware (request id).
    return new Response(null, { status: upgraded.status, webSocket: upgraded.webSocket, headers: upgraded.headers });
  },
);
