import { createRoute } from "@hono/zod-openapi";
import type { Context } from "hono";
import type { AppEnv } from "../env";
import { requireRole } from "../http/auth";
import { appOrigin, serviceContext } from "../http/context";
import { etagFor, IfMatchHeader, parseIfMatch } from "../http/etag";
import { idParam } from "../http/fields";
import { authenticated, createRouter, jsonBody, jsonContent, problemResponses } from "../http/openapi";
import { announce } from "../hub/publish";
import {
  CampaignCreate,
  CampaignLinks,
  CampaignLinksQuery,
  CampaignListQuery,
  CampaignPage,
  CampaignPatch,
  CampaignSchedule,
  CampaignSchema,
  CampaignTest,
  RecipientListQuery,
  RecipientPage,
  TestSendResult,
  type Campaign,
} from "./campaign.schema";
import {
  cancelCampaign,
  createCampaign,
  deleteCampaign,
  getCampaignRow,
  listCampaigns,
  listRecipients,
  pauseCampaign,
  resumeCampaign,
  scheduleCampaign,
  testSend,
  toCampaign,
  updateCampaign,
} from "./campaign.service";
import { linkStats } from "./tracking.service";

const tags = ["Campaigns"];
const CampaignId = idParam("cpg", "01jd0000000000000000000000");

/** The campaign as it now is, with its ETag, and `campaign.updated` for everyone watching. */
function respond(c: Context<AppEnv>, campaign: Campaign, announceIt = true) {
  if (announceIt) announce(c, "campaign.updated", campaign.id, { status: campaign.status, version: campaign.version });
  c.header("etag", etagFor(campaign.version));
  return campaign;
}

const stateChange = (path: string, summary: string, description: string, run: typeof pauseCampaign) =>
  createRouter().openapi(
    createRoute({
      method: "post",
      path: `/campaigns/{id}/${path}`,
      tags,
      summary,
      description,
      security: authenticated,
      middleware: [requireRole("member")] as const,
      request: { params: CampaignId },
      responses: { 200: jsonContent(CampaignSchema, "The campaign"), ...problemResponses(401, 403, 404, 409) },
    }),
    async (c) => c.json(respond(c, await run(serviceContext(c), c.req.valid("param").id)), 200),
  );

export const campaignRoutes = createRouter()
  .openapi(
    createRoute({
      method: "get",
      path: "/campaigns",
      tags,
      summary: "List campaigns, newest first",
      security: authenticated,
      middleware: [requireRole("viewer")] as const,
      request: { query: CampaignListQuery },
      responses: { 200: jsonContent(CampaignPage, "One page of campaigns"), ...problemResponses(401, 422) },
    }),
    async (c) => c.json(await listCampaigns(c.var.db, c.var.principal.workspaceId, c.req.valid("query")), 200),
  )
  .openapi(
    createRoute({
      method: "post",
      path: "/campaigns",
      tags,
      summary: "Create a campaign (a draft)",
      security: authenticated,
      middleware: [requireRole("member")] as const,
      request: {
        body: jsonBody(CampaignCreate, {
          name: "November newsletter",
          segment_id: "seg_01jd0000000000000000000000",
          template_id: "tpl_01jd0000000000000000000000",
          from_name: "Acme Baltic",
          from_address: "news@acme.lt",
          quiet_start: "21:00",
          quiet_end: "08:00",
        }),
      },
      responses: { 201: jsonContent(CampaignSchema, "Created"), ...problemResponses(400, 401, 403, 415, 422) },
    }),
    async (c) => {
      const campaign = respond(c, await createCampaign(serviceContext(c), c.req.valid("json")));
      c.header("location", `/api/v1/campaigns/${campaign.id}`);
      return c.json(campaign, 201);
    },
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/campaigns/{id}",
      tags,
      summary: "One campaign with its counts",
      security: authenticated,
      middleware: [requireRole("viewer")] as const,
      request: { params: CampaignId },
      responses: { 200: jsonContent(CampaignSchema, "The campaign"), ...problemResponses(401, 404) },
    }),
    async (c) => c.json(respond(c, toCampaign(await getCampaignRow(c.var.db, c.var.principal.workspaceId, c.req.valid("param").id)), false), 200),
  )
  .openapi(
    createRoute({
      method: "patch",
      path: "/campaigns/{id}",
      tags,
      summary: "Change a campaign (If-Match supported)",
      description:
        "Drafts and scheduled campaigns change freely. Once sending, only the name and throttle; while paused also the sender's name and reply-to; sent and cancelled campaigns only their name. Anything else is a 409 campaign_not_editable naming the fields.",
      security: authenticated,
      middleware: [requireRole("member")] as const,
      request: { params: CampaignId, headers: IfMatchHeader, body: jsonBody(CampaignPatch, { throttle_per_minute: 600 }) },
      responses: { 200: jsonContent(CampaignSchema, "Updated"), ...problemResponses(400, 401, 403, 404, 409, 412, 415, 422) },
    }),
    async (c) => {
      const { campaign, changed } = await updateCampaign(serviceContext(c), c.req.valid("param").id, c.req.valid("json"), parseIfMatch(c.req.valid("header")["if-match"]));
      return c.json(respond(c, campaign, changed), 200);
    },
  )
  .openapi(
    createRoute({
      method: "delete",
      path: "/campaigns/{id}",
      tags,
      summary: "Delete a campaign (not while it is sending or paused: cancel it first)",
      security: authenticated,
      middleware: [requireRole("member")] as const,
      request: { params: CampaignId },
      responses: { 204: { description: "Deleted" }, ...problemResponses(401, 403, 404, 409) },
    }),
    async (c) => {
      const { id } = c.req.valid("param");
      await deleteCampaign(serviceContext(c), id);
      announce(c, "campaign.updated", id, { deleted: true });
      return c.body(null, 204);
    },
  )
  .openapi(
    createRoute({
      method: "post",
      path: "/campaigns/{id}/schedule",
      tags,
      summary: "Schedule a campaign: now, at a time, or at a local hour in each recipient's zone",
      description:
        "A segment without contacts is a 422 `empty_segment`; one where nobody has granted consent (with an address that is not suppressed) a 422 `no_consented_recipients`. `now` (and every birthday campaign) starts sending at once; the others start when the minute tick reaches their time. Only consented contacts are ever sent to; everyone else in the segment is listed as skipped with the reason.",
      security: authenticated,
      middleware: [requireRole("member")] as const,
      request: { params: CampaignId, body: jsonBody(CampaignSchedule, { mode: "local_time", local_date: "2026-11-24", local_time: "10:00" }) },
      responses: { 200: jsonContent(CampaignSchema, "Scheduled"), ...problemResponses(400, 401, 403, 404, 409, 415, 422) },
    }),
    async (c) => c.json(respond(c, await scheduleCampaign(serviceContext(c), c.env, c.req.valid("param").id, c.req.valid("json"), appOrigin(c))), 200),
  )
  .route("/", stateChange("pause", "Pause a sending campaign", "No more recipients are handed to the queue; those already handed over but not yet taken go back to pending.", pauseCampaign))
  .route("/", stateChange("resume", "Resume a paused campaign", "Sending continues from where it stopped; nobody gets the email twice.", resumeCampaign))
  .route("/", stateChange("cancel", "Cancel a scheduled, sending or paused campaign", "Everyone not yet sent is skipped with reason cancelled.", cancelCampaign))
  .openapi(
    createRoute({
      method: "post",
      path: "/campaigns/{id}/test",
      tags,
      summary: "Send the campaign's email to yourself (rendered with your name, marked [Test])",
      security: authenticated,
      middleware: [requireRole("member")] as const,
      request: { params: CampaignId, body: { ...jsonBody(CampaignTest, { language: "lt" }), required: false } },
      responses: { 202: jsonContent(TestSendResult, "Sent to the transport"), ...problemResponses(400, 401, 403, 404, 415, 422) },
    }),
    async (c) => {
      const ctx = serviceContext(c);
      return c.json(await testSend(ctx, c.env, c.req.valid("param").id, c.req.valid("json").language, appOrigin(c)), 202);
    },
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/campaigns/{id}/recipients",
      tags,
      summary: "A campaign's recipients, by status, with skip reasons and errors",
      security: authenticated,
      middleware: [requireRole("viewer")] as const,
      request: { params: CampaignId, query: RecipientListQuery },
      responses: { 200: jsonContent(RecipientPage, "One page of recipients"), ...problemResponses(401, 404, 422) },
    }),
    async (c) => c.json(await listRecipients(c.var.db, c.var.principal.workspaceId, c.req.valid("param").id, c.req.valid("query")), 200),
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/campaigns/{id}/links",
      tags,
      summary: "A campaign's most followed links (tracking on only)",
      description: "Per tracked link: how many recipients followed it and how many clicks there were in all, most followed first. Empty when tracking was off.",
      security: authenticated,
      middleware: [requireRole("viewer")] as const,
      request: { params: CampaignId, query: CampaignLinksQuery },
      responses: { 200: jsonContent(CampaignLinks, "The links"), ...problemResponses(401, 404, 422) },
    }),
    async (c) => {
      const campaign = await getCampaignRow(c.var.db, c.var.principal.workspaceId, c.req.valid("param").id);
      return c.json({ data: await linkStats(c.var.db, campaign.id, c.req.valid("query").limit) }, 200);
    },
  );
