import { OpenAPIHono } from "@hono/zod-openapi";
import { bodyLimit } from "hono/body-limit";
import { HTTPException } from "hono/http-exception";
import { activityRoutes } from "./activities/activity.routes";
import { apiKeyRoutes } from "./api-keys/api-key.routes";
import { auditRoutes } from "./audit/audit.routes";
import { authRoutes } from "./auth/auth.routes";
import { campaignRoutes } from "./campaigns/campaign.routes";
import { contactCampaignRoutes } from "./campaigns/contact-campaigns.routes";
import { companyRoutes } from "./companies/company.routes";
import { contactRoutes } from "./contacts/contact.routes";
import { dealRoutes } from "./deals/deal.routes";
import { duplicateRoutes } from "./duplicates/duplicate.routes";
import { exportRoutes } from "./exports/export.routes";
import { outboxRoutes } from "./email/outbox.routes";
import { notificationRoutes } from "./notifications/notification.routes";
import { formRoutes } from "./forms/form.routes";
import { publicFormRoutes } from "./forms/public-form.routes";
import { pipelineRoutes } from "./pipelines/pipeline.routes";
import type { AppEnv } from "./env";
import { liveRoutes } from "./hub/live.routes";
import { requireJsonBody } from "./http/content-type";
import { database } from "./http/database";
import { docsRoutes } from "./http/docs.routes";
import { healthRoutes } from "./http/health.routes";
import { importRoutes } from "./imports/import.routes";
import { readImportUploads, skipImportUploads } from "./imports/upload";
import { idempotency } from "./http/idempotency";
import { methodIndex } from "./http/method-not-allowed";
import { authenticated, createRouter } from "./http/openapi";
import { ProblemError, problemResponse, problems } from "./http/problem";
import { requestId } from "./http/request-id";
import { securityHeaders } from "./http/security-headers";
import { taskRoutes } from "./tasks/task.routes";
import { qualityRoutes } from "./quality/quality.routes";
import { validationProblem } from "./http/validation";
import { teamRoutes } from "./team/team.routes";
import { timelineRoutes } from "./timeline/timeline.routes";
import { workspaceRoutes } from "./workspaces/workspace.routes";
import { segmentRoutes } from "./segments/segment.routes";
import { suppressionRoutes } from "./campaigns/suppression.routes";
import { templateRoutes } from "./campaigns/template.routes";
import { trackingRoutes } from "./campaigns/tracking.routes";
import { unsubscribeRoutes } from "./campaigns/unsubscribe.routes";

export const maxBodyBytes = 1024 * 1024;

function toProblem(error: unknown): ProblemError {
  if (error instanceof ProblemError) return error;
  if (error instanceof HTTPException) {
    if (error.status === 413) return problems.payloadTooLarge(maxBodyBytes);
    if (error.status === 400) return problems.badRequest(error.message || "The request could not be read.");
    if (error.status === 401) return problems.unauthorized();
  }
  return problems.internal();
}

export function createApp() {
  const app = new OpenAPIHono<AppEnv>({
    defaultHook: (result) => {
      if (!result.success) throw validationProblem(result.error, result.target);
    },
  });

  app.use("*", requestId());
  app.use("/api/*", securityHeaders());
  // CSV uploads (POST /imports, /imports/preview) are multipart and up to 50 MB: they skip the
  // JSON body rules and are read by readImportUploads, before idempotency hashes the body.
  app.use(
    "/api/*",
    skipImportUploads(
      bodyLimit({
        maxSize: maxBodyBytes,
        onError: (c) => problemResponse(problems.payloadTooLarge(maxBodyBytes).problem, c.var.requestId),
      }),
    ),
  );
  app.use("/api/v1/*", skipImportUploads(requireJsonBody()));
  app.use("/api/v1/*", database());
  app.use("/api/v1/*", readImportUploads());
  app.use("/api/v1/*", idempotency());

  app.route("/api", healthRoutes);

  const v1 = createRouter()
    .route("/", authRoutes)
    .route("/", workspaceRoutes)
    .route("/", teamRoutes)
    .route("/", apiKeyRoutes)
    .route("/", auditRoutes)
    // Before contacts, companies and deals: /contacts/export must not be taken for /contacts/{id}.
    .route("/", exportRoutes)
    // Before contacts too: POST /contacts/merge is not a /contacts/{id} route.
    .route("/", duplicateRoutes)
    .route("/", contactRoutes)
    .route("/", importRoutes)
    .route("/", companyRoutes)
    .route("/", pipelineRoutes)
    .route("/", dealRoutes)
    .route("/", formRoutes)
    .route("/", taskRoutes)
    .route("/", activityRoutes)
    .route("/", timelineRoutes)
    .route("/", notificationRoutes)
    .route("/", outboxRoutes)
    .route("/", qualityRoutes)
    .route("/", segmentRoutes)
    .route("/", templateRoutes)
    .route("/", suppressionRoutes)
    .route("/", campaignRoutes)
    .route("/", contactCampaignRoutes)
    .route("/", liveRoutes);
  app.route("/api/v1", v1);
  app.route("/api", docsRoutes);
  app.use(
    "/f/*",
    bodyLimit({
      maxSize: 256 * 1024,
      onError: (c) => problemResponse(problems.payloadTooLarge(256 * 1024).problem, c.var.requestId),
    }),
  );
  app.route("/f", publicFormRoutes);
  // Unsubscribe links from campaign emails: public pages, the signed token is the credential.
  app.route("/u", unsubscribeRoutes);
  // Open pixel and click redirects of campaigns with tracking on: the signed token is the credential.
  app.route("/t", trackingRoutes);

  app.openAPIRegistry.registerComponent("securitySchemes", "bearer", {
    type: "http",
    scheme: "bearer",
    description: "An API key (rk_…) or an access token from sign-in.",
  });
  app.openAPIRegistry.registerComponent("securitySchemes", "cookie", {
    type: "apiKey",
    in: "cookie",
    name: "rapport_access",
    description: "The browser session. Unsafe methods also need the X-CSRF-Token header.",
  });
  app.doc31("/api/openapi.json", (c) => ({
    openapi: "3.1.0",
    info: {
      title: "Rapport API",
      version: "1.0.0",
      description:
        "Errors are RFC 9457 application/problem+json with a stable `code`. Lists use cursor pagination (`limit` ≤ 200, `next_cursor`). POST accepts `Idempotency-Key`; PATCH accepts `If-Match`.",
    },
    servers: [{ url: new URL(c.req.url).origin }],
    security: authenticated,
  }));

  const allowedMethods = methodIndex(app.routes);
  app.notFound((c) => {
    const allowed = allowedMethods(c.req.path);
    const problem = allowed.length > 0 ? problems.methodNotAllowed(c.req.method, allowed) : problems.routeNotFound(c.req.path);
    return problemResponse(problem.problem, c.var.requestId, c.req.path);
  });

  app.onError((error, c) => {
    const problem = toProblem(error);
    if (problem.problem.status >= 500) console.error(`[${c.var.requestId}]`, error);
    return problemResponse(problem.problem, c.var.requestId, c.req.path);
  });

  return app;
}
