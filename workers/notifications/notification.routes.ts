import { createRoute } from "@hono/zod-openapi";
import { hubFor } from "../hub/client";
import { requireRole, requireUser } from "../http/auth";
import { authenticated, createRouter, jsonBody, jsonContent, problemResponses } from "../http/openapi";
import { idCursor } from "../http/pagination";
import { MarkReadInput, NotificationListQuery, NotificationPage, PreferenceInput, PreferenceList, UnreadCount } from "./notification.schema";
import { getPreferences, listNotifications, markRead, setPreferences } from "./notification.service";

const tags = ["Notifications"];

/** Never throws: it runs in waitUntil, where a rejection would only be an unhandled error. */
async function tellOtherTabs(env: Env, workspaceId: string, userId: string, ids: string[] | null, unreadCount: number): Promise<void> {
  try {
    await hubFor(env, workspaceId).notificationsRead(userId, ids, unreadCount);
  } catch (error) {
    console.error("Read notifications not sent live", userId, error);
  }
}

// Notifications belong to a person, so every route needs a signed-in user (an API key has no
// bell) and reads only that user's rows in the current workspace. Viewers get notifications too.
export const notificationRoutes = createRouter()
  .openapi(
    createRoute({
      method: "get",
      path: "/notifications",
      tags,
      summary: "The caller's notifications, newest first, with the unread count",
      security: authenticated,
      middleware: [requireRole("viewer")] as const,
      request: { query: NotificationListQuery },
      responses: { 200: jsonContent(NotificationPage, "One page of notifications"), ...problemResponses(401, 403, 422) },
    }),
    async (c) => {
      const user = requireUser(c);
      const { limit, cursor, unread } = c.req.valid("query");
      return c.json(await listNotifications(c.var.db, user.workspaceId, user.id, { limit, afterId: idCursor(cursor), unread }), 200);
    },
  )
  .openapi(
    createRoute({
      method: "post",
      path: "/notifications/read",
      tags,
      summary: "Mark notifications read (by ids, or all); answers the new unread count",
      security: authenticated,
      middleware: [requireRole("viewer")] as const,
      request: { body: jsonBody(MarkReadInput, { ids: ["ntf_01jd3x0000abcdefghjkmnpqrs"] }) },
      responses: { 200: jsonContent(UnreadCount, "Unread count after the change"), ...problemResponses(400, 401, 403, 415, 422) },
    }),
    async (c) => {
      const user = requireUser(c);
      const target = c.req.valid("json");
      const result = await markRead(c.var.db, user.workspaceId, user.id, target, Date.now());
      // The person's other tabs and devices update their bell now rather than on their next
      // list. After the D1 write, and after the response: the write stands either way.
      c.executionCtx.waitUntil(tellOtherTabs(c.env, user.workspaceId, user.id, "ids" in target ? target.ids : null, result.unread_count));
      return c.json(result, 200);
    },
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/notifications/preferences",
      tags,
      summary: "In-app and email preference for every notification type",
      security: authenticated,
      middleware: [requireRole("viewer")] as const,
      responses: { 200: jsonContent(PreferenceList, "Every type with its current setting"), ...problemResponses(401, 403) },
    }),
    async (c) => {
      const user = requireUser(c);
      return c.json({ data: await getPreferences(c.var.db, user.workspaceId, user.id) }, 200);
    },
  )
  .openapi(
    createRoute({
      method: "put",
      path: "/notifications/preferences",
      tags,
      summary: "Change preferences; types left out keep their setting",
      security: authenticated,
      middleware: [requireRole("viewer")] as const,
      request: { body: jsonBody(PreferenceInput, { data: [{ type: "deal.rotting", in_app: true, email: true }] }) },
      responses: { 200: jsonContent(PreferenceList, "Every type with its new setting"), ...problemResponses(400, 401, 403, 415, 422) },
    }),
    async (c) => {
      const user = requireUser(c);
      return c.json({ data: await setPreferences(c.var.db, user.workspaceId, user.id, c.req.valid("json").data, Date.now()) }, 200);
    },
  );
