import { createRoute } from "@hono/zod-openapi";
import { requireRole } from "../http/auth";
import { idParam } from "../http/fields";
import { authenticated, createRouter, jsonContent, problemResponses } from "../http/openapi";
import { TimelinePage, TimelineQuery } from "./timeline.schema";
import { timeline } from "./timeline.service";

const tags = ["Timeline"];
const description =
  "Activities, tasks, form submissions (contacts only), stage changes of the record's deals and the record's own audit-log changes, merged newest first by (at, id). Filter with `types`; page with `next_cursor`.";

function timelineRoute(path: string, prefix: string, summary: string) {
  return createRoute({
    method: "get",
    path,
    tags,
    summary,
    description,
    security: authenticated,
    middleware: [requireRole("viewer")] as const,
    request: { params: idParam(prefix, "01jd0000000000000000000000"), query: TimelineQuery },
    responses: { 200: jsonContent(TimelinePage, "One page of the timeline, newest first"), ...problemResponses(401, 404, 422) },
  });
}

export const timelineRoutes = createRouter()
  .openapi(timelineRoute("/contacts/{id}/timeline", "con", "A contact's timeline"), async (c) =>
    c.json(await timeline(c.var.db, c.var.principal.workspaceId, { type: "contact", id: c.req.valid("param").id }, c.req.valid("query")), 200),
  )
  .openapi(timelineRoute("/companies/{id}/timeline", "cmp", "A company's timeline"), async (c) =>
    c.json(await timeline(c.var.db, c.var.principal.workspaceId, { type: "company", id: c.req.valid("param").id }, c.req.valid("query")), 200),
  )
  .openapi(timelineRoute("/deals/{id}/timeline", "deal", "A deal's timeline"), async (c) =>
    c.json(await timeline(c.var.db, c.var.principal.workspaceId, { type: "deal", id: c.req.valid("param").id }, c.req.valid("query")), 200),
  );
