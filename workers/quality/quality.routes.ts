import { createRoute } from "@hono/zod-openapi";
import { requireRole } from "../http/auth";
import { serviceContext } from "../http/context";
import { idParam } from "../http/fields";
import { authenticated, createRouter, jsonContent, problemResponses } from "../http/openapi";
import { PageQuery } from "../http/pagination";
import { AuditPage, AuditSchema, FindingPage, FindingQuery } from "./quality.schema";
import { getAuditRow, listAudits, listFindings, startAudit, toAudit } from "./quality.service";

const tags = ["Data quality"];
const AuditId = idParam("qa", "01jd0000000000000000000000");

export const qualityRoutes = createRouter()
  .openapi(
    createRoute({
      method: "post",
      path: "/audits/run",
      tags,
      summary: "Audit the workspace's data now (or return the audit already under way)",
      description:
        "Queues an audit and answers 202 at once; `audit.finished` on the live stream (or polling GET /audits/{id}) says when it is done. While an audit of the workspace is queued or running, that audit is returned instead of starting a second one.",
      security: authenticated,
      middleware: [requireRole("member")] as const,
      responses: { 202: jsonContent(AuditSchema, "The audit, queued (or already running)"), ...problemResponses(401, 403, 415, 503) },
    }),
    async (c) => {
      const { audit } = await startAudit(c.env, serviceContext(c));
      c.header("location", `/api/v1/audits/${audit.id}`);
      return c.json(audit, 202);
    },
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/audits",
      tags,
      summary: "The workspace's audits, newest first (scores stay for the trend)",
      security: authenticated,
      middleware: [requireRole("viewer")] as const,
      request: { query: PageQuery },
      responses: { 200: jsonContent(AuditPage, "One page of audits"), ...problemResponses(401, 422) },
    }),
    async (c) => c.json(await listAudits(c.var.db, c.var.principal.workspaceId, c.req.valid("query")), 200),
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/audits/{id}",
      tags,
      summary: "One audit: status, score, totals and the per-owner breakdown",
      security: authenticated,
      middleware: [requireRole("viewer")] as const,
      request: { params: AuditId },
      responses: { 200: jsonContent(AuditSchema, "The audit"), ...problemResponses(401, 404) },
    }),
    async (c) => c.json(toAudit(await getAuditRow(c.var.db, c.var.principal.workspaceId, c.req.valid("param").id)), 200),
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/audits/{id}/findings",
      tags,
      summary: "An audit's findings, by kind then record, each with the link that fixes it",
      description: "Findings are kept for the latest five finished audits of the workspace; older audits answer 410 (their score and totals stay).",
      security: authenticated,
      middleware: [requireRole("viewer")] as const,
      request: { params: AuditId, query: FindingQuery },
      responses: { 200: jsonContent(FindingPage, "One page of findings"), ...problemResponses(401, 404, 410, 422) },
    }),
    async (c) => c.json(await listFindings(c.var.db, c.var.principal.workspaceId, c.req.valid("param").id, c.req.valid("query")), 200),
  );
