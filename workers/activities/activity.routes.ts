import { createRoute } from "@hono/zod-openapi";
import type { Context } from "hono";
import type { AppEnv } from "../env";
import { requireRole } from "../http/auth";
import { serviceContext } from "../http/context";
import { etagFor, IfMatchHeader, parseIfMatch } from "../http/etag";
import { idParam } from "../http/fields";
import { authenticated, createRouter, jsonBody, jsonContent, problemResponses } from "../http/openapi";
import { hubOf, writeContext } from "../hub/client";
import { announce } from "../hub/publish";
import { getContactRow } from "../contacts/contact.service";
import { ActivityCreate, ActivityListQuery, ActivityPage, ActivityPatch, ActivitySchema, CommunicationSchema, type Activity } from "./activity.schema";
import { communicationWindow, contactCommunication, createActivity, deleteActivity, getActivity, listActivities, updateActivity } from "./activity.service";

const tags = ["Activities"];
const ActivityId = idParam("act", "01jd0000000000000000000000");
const ContactId = idParam("con", "01jd0000000000000000000000");

/**
 * The linked deal's last_activity_at goes through the hub, the single writer of deals, after the
 * activity is committed. The activity stands even if the hub cannot be reached (a retry would
 * duplicate it), so a failure is logged, not answered with a 500.
 */
async function touchLinkedDeal(c: Context<AppEnv>, activity: Activity) {
  if (!activity.deal_id) return;
  try {
    await hubOf(c).touchDeal(writeContext(c), activity.deal_id, Date.parse(activity.occurred_at));
  } catch (error) {
    console.error("Deal last_activity_at not updated", activity.deal_id, error);
  }
}

/**
 * After a delete, a back-dating or a move, the deals the activity was linked to before and after
 * have last_activity_at worked out again by the hub (settleDeal), the single writer of deals.
 * Failures are logged, not answered, for the same reason as touchLinkedDeal.
 */
async function settleDeals(c: Context<AppEnv>, dealIds: string[]) {
  for (const dealId of dealIds) {
    try {
      await hubOf(c).settleDeal(writeContext(c), dealId);
    } catch (error) {
      console.error("Deal last_activity_at not settled", dealId, error);
    }
  }
}

const live = (activity: Activity) => ({ type: activity.type, contact_id: activity.contact_id, company_id: activity.company_id, deal_id: activity.deal_id, version: activity.version });

export const activityRoutes = createRouter()
  .openapi(
    createRoute({
      method: "get",
      path: "/activities",
      tags,
      summary: "Activities, newest first, filtered by contact, company, deal or type (cursor pagination)",
      security: authenticated,
      middleware: [requireRole("viewer")] as const,
      request: { query: ActivityListQuery },
      responses: { 200: jsonContent(ActivityPage, "One page of activities"), ...problemResponses(401, 422) },
    }),
    async (c) => c.json(await listActivities(c.var.db, c.var.principal.workspaceId, c.req.valid("query")), 200),
  )
  .openapi(
    createRoute({
      method: "post",
      path: "/activities",
      tags,
      summary: "Log a call, email, meeting, note or message on a contact, company and/or deal",
      security: authenticated,
      middleware: [requireRole("member")] as const,
      request: {
        body: jsonBody(ActivityCreate, { type: "call", direction: "outbound", subject: "Intro call", duration_seconds: 600, outcome: "Interested", contact_id: "con_01jd0000000000000000000000" }),
      },
      responses: { 201: jsonContent(ActivitySchema, "Logged"), ...problemResponses(400, 401, 403, 415, 422) },
    }),
    async (c) => {
      const activity = await createActivity(serviceContext(c), c.req.valid("json"));
      await touchLinkedDeal(c, activity);
      announce(c, "activity.created", activity.id, live(activity));
      c.header("etag", etagFor(activity.version));
      c.header("location", `/api/v1/activities/${activity.id}`);
      return c.json(activity, 201);
    },
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/activities/{id}",
      tags,
      summary: "One activity",
      security: authenticated,
      middleware: [requireRole("viewer")] as const,
      request: { params: ActivityId },
      responses: { 200: jsonContent(ActivitySchema, "The activity"), ...problemResponses(401, 404) },
    }),
    async (c) => {
      const activity = await getActivity(c.var.db, c.var.principal.workspaceId, c.req.valid("param").id);
      c.header("etag", etagFor(activity.version));
      return c.json(activity, 200);
    },
  )
  .openapi(
    createRoute({
      method: "patch",
      path: "/activities/{id}",
      tags,
      summary: "Change an activity (If-Match supported)",
      security: authenticated,
      middleware: [requireRole("member")] as const,
      request: { params: ActivityId, headers: IfMatchHeader, body: jsonBody(ActivityPatch, { outcome: "Sent the offer" }) },
      responses: { 200: jsonContent(ActivitySchema, "Updated"), ...problemResponses(400, 401, 403, 404, 412, 415, 422) },
    }),
    async (c) => {
      const patch = c.req.valid("json");
      const { activity, dealsToSettle } = await updateActivity(serviceContext(c), c.req.valid("param").id, patch, parseIfMatch(c.req.valid("header")["if-match"]));
      await settleDeals(c, dealsToSettle);
      announce(c, "activity.updated", activity.id, live(activity));
      c.header("etag", etagFor(activity.version));
      return c.json(activity, 200);
    },
  )
  .openapi(
    createRoute({
      method: "delete",
      path: "/activities/{id}",
      tags,
      summary: "Delete an activity (soft: kept for the audit trail, gone from lists and timelines)",
      security: authenticated,
      middleware: [requireRole("member")] as const,
      request: { params: ActivityId },
      responses: { 204: { description: "Deleted" }, ...problemResponses(401, 403, 404, 409) },
    }),
    async (c) => {
      const { id } = c.req.valid("param");
      const row = await deleteActivity(serviceContext(c), id);
      if (row.dealId) await settleDeals(c, [row.dealId]);
      announce(c, "activity.deleted", id, { contact_id: row.contactId, company_id: row.companyId, deal_id: row.dealId });
      return c.body(null, 204);
    },
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/contacts/{id}/communication",
      tags,
      summary: "How a contact communicates: counts by channel and direction, first-response time, preferred channel",
      description: `Computed from the contact's latest ${communicationWindow.toLocaleString("en")} activities (activities_considered says how many were read). First response is the time from an inbound activity (the first of an unanswered run) to the next outbound one.`,
      security: authenticated,
      middleware: [requireRole("viewer")] as const,
      request: { params: ContactId },
      responses: { 200: jsonContent(CommunicationSchema, "The contact's communication metrics"), ...problemResponses(401, 404) },
    }),
    async (c) => {
      const workspaceId = c.var.principal.workspaceId;
      const { contact } = await getContactRow(c.var.db, workspaceId, c.req.valid("param").id);
      return c.json(await contactCommunication(c.var.db, workspaceId, contact.id), 200);
    },
  );
