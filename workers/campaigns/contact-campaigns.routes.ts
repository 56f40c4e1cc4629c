import { createRoute } from "@hono/zod-openapi";
import { requireRole } from "../http/auth";
import { idParam } from "../http/fields";
import { authenticated, createRouter, jsonContent, problemResponses } from "../http/openapi";
import { ContactCampaignPage, ContactCampaignQuery, listContactCampaigns } from "./contact-campaigns";

const ContactId = idParam("con", "01jd0000000000000000000000");

export const contactCampaignRoutes = createRouter().openapi(
  createRoute({
    method: "get",
    path: "/contacts/{id}/campaigns",
    tags: ["Campaigns"],
    summary: "A contact's campaign history, newest first: sent, skipped (and why) or failed, with opens, clicks and unsubscribes",
    security: authenticated,
    middleware: [requireRole("viewer")] as const,
    request: { params: ContactId, query: ContactCampaignQuery },
    responses: { 200: jsonContent(ContactCampaignPage, "One page of the contact's campaigns"), ...problemResponses(401, 404, 422) },
  }),
  async (c) => c.json(await listContactCampaigns(c.var.db, c.var.principal.workspaceId, c.req.valid("param").id, c.req.valid("query")), 200),
);
