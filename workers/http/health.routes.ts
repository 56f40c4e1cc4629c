import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import type { AppEnv } from "../env";
import { jsonContent, problemResponses } from "./openapi";
import { problems } from "./problem";

// Liveness and readiness, both public. /api/health does no I/O at all: it is the benchmark's
// baseline. /api/ready makes exactly one trivial D1 round trip, so a load balancer or monitor can
// tell "the Worker runs" from "the Worker can reach its database", and the benchmark can show
// what a single round trip costs next to the baseline.

const healthRoute = createRoute({
  method: "get",
  path: "/health",
  tags: ["Meta"],
  summary: "Liveness without I/O (the benchmark baseline)",
  security: [],
  responses: { 200: jsonContent(z.object({ status: z.literal("ok") }).openapi("Health"), "Alive") },
});

const readyRoute = createRoute({
  method: "get",
  path: "/ready",
  tags: ["Meta"],
  summary: "Readiness: the database answers (one D1 round trip)",
  security: [],
  responses: {
    200: jsonContent(z.object({ status: z.literal("ok"), database: z.literal("ok") }).openapi("Ready"), "The database answered"),
    ...problemResponses(503),
  },
});

export const healthRoutes = new OpenAPIHono<AppEnv>()
  .openapi(healthRoute, (c) => c.json({ status: "ok" as const }, 200))
  .openapi(readyRoute, async (c) => {
    try {
      await c.env.DB.prepare("SELECT 1").first();
    } catch (error) {
      console.error("Readiness check: D1 did not answer", error);
      throw problems.unavailable("The database did not answer. Try again shortly.");
    }
    return c.json({ status: "ok" as const, database: "ok" as const }, 200);
  });
