import { createRoute } from "@hono/zod-openapi";
import { z } from "zod";
import { requireRole } from "../http/auth";
import { isoTime } from "../http/fields";
import { authenticated, createRouter, jsonContent, problemResponses } from "../http/openapi";
import { idCursor, toPage } from "../http/pagination";
import { AuditPage, AuditQuery, type AuditEntry } from "./audit.schema";
import { listAuditEntries } from "./audit.service";
import type { auditLog } from "../db/schema";

const storedDiff = z.object({ before: z.record(z.string(), z.unknown()).nullable(), after: z.record(z.string(), z.unknown()).nullable() });

type AuditRow = { entry: typeof auditLog.$inferSelect; userName: string | null; apiKeyName: string | null };

function toAuditEntry({ entry: row, userName, apiKeyName }: AuditRow): AuditEntry {
  return {
    id: row.id,
    actor_type: row.actorType,
    actor_id: row.actorId,
    actor_name: userName ?? apiKeyName,
    action: row.action,
    entity_type: row.entityType,
    entity_id: row.entityId,
    diff: storedDiff.parse(JSON.parse(row.diff)),
    request_id: row.requestId,
    at: isoTime(row.at),
  };
}

export const auditRoutes = createRouter().openapi(
  createRoute({
    method: "get",
    path: "/audit-log",
    tags: ["Audit"],
    summary: "Every change in the workspace, newest first (admins and the owner)",
    security: authenticated,
    middleware: [requireRole("admin")] as const,
    request: { query: AuditQuery },
    responses: { 200: jsonContent(AuditPage, "One page of audit entries"), ...problemResponses(401, 403, 422) },
  }),
  async (c) => {
    const { limit, cursor, entity_type, entity_id } = c.req.valid("query");
    const rows = await listAuditEntries(c.var.db, c.var.principal.workspaceId, { limit, afterId: idCursor(cursor), entityType: entity_type, entityId: entity_id });
    return c.json(toPage(rows, limit, (row) => [row.entry.id], toAuditEntry), 200);
  },
);
