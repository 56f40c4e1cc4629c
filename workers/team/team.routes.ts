import { createRoute } from "@hono/zod-openapi";
import { hasRole } from "../auth/principal";
import { sessionForUser } from "../auth/auth.service";
import { setSessionCookies } from "../auth/cookies";
import { requireRole, tokenConfig } from "../http/auth";
import { appOrigin, clientIp, serviceContext } from "../http/context";
import { hubOf } from "../hub/client";
import { announce, publishToWorkspace } from "../hub/publish";
import { etagFor, IfMatchHeader, parseIfMatch } from "../http/etag";
import { idParam } from "../http/fields";
import { authenticated, createRouter, jsonBody, jsonContent, problemResponses, publicRoute } from "../http/openapi";
import { idCursor, PageQuery, toPage } from "../http/pagination";
import { problems } from "../http/problem";
import {
  AcceptedInvitationSchema,
  AcceptInvitationBody,
  CreatedInvitationSchema,
  InvitationBody,
  InvitationPage,
  InvitationPreviewSchema,
  TokenParam,
} from "./invitation.schema";
import { acceptInvitation, createInvitation, listInvitations, previewInvitation, revokeInvitation, toInvitation } from "./invitation.service";
import { MemberPage, MemberPatch, MemberSchema } from "./member.schema";
import { changeMemberRole, getMember, listMembers, removeMember, toMember } from "./member.service";

const memberTags = ["Team"];
const MemberId = idParam("mem", "01jd0000000000000000000000");
const InvitationId = idParam("inv", "01jd0000000000000000000000");

export const teamRoutes = createRouter()
  .openapi(
    createRoute({
      method: "get",
      path: "/members",
      tags: memberTags,
      summary: "The workspace's members",
      security: authenticated,
      middleware: [requireRole("viewer")] as const,
      request: { query: PageQuery },
      responses: { 200: jsonContent(MemberPage, "One page of members"), ...problemResponses(401, 422) },
    }),
    async (c) => {
      const { limit, cursor } = c.req.valid("query");
      const rows = await listMembers(c.var.db, c.var.principal.workspaceId, { limit, afterId: idCursor(cursor) });
      return c.json(toPage(rows, limit, (row) => [row.id], toMember), 200);
    },
  )
  .openapi(
    createRoute({
      method: "patch",
      path: "/members/{id}",
      tags: memberTags,
      summary: "Change a member's role (admins and the owner)",
      security: authenticated,
      middleware: [requireRole("admin")] as const,
      request: { params: MemberId, headers: IfMatchHeader, body: jsonBody(MemberPatch, { role: "member" }) },
      responses: { 200: jsonContent(MemberSchema, "Updated"), ...problemResponses(400, 401, 403, 404, 412, 415, 422) },
    }),
    async (c) => {
      const member = await changeMemberRole(serviceContext(c), c.req.valid("param").id, c.req.valid("json").role, parseIfMatch(c.req.valid("header")["if-match"]));
      announce(c, "member.updated", member.id, member);
      c.header("etag", etagFor(member.version));
      return c.json(member, 200);
    },
  )
  .openapi(
    createRoute({
      method: "delete",
      path: "/members/{id}",
      tags: memberTags,
      summary: "Remove a member (admins and the owner), or leave the workspace yourself",
      security: authenticated,
      middleware: [requireRole("viewer")] as const,
      request: { params: MemberId },
      responses: { 204: { description: "Removed" }, ...problemResponses(401, 403, 404, 422) },
    }),
    async (c) => {
      const { id } = c.req.valid("param");
      const principal = c.var.principal;
      const isSelf = principal.kind === "user" && principal.membershipId === id;
      if (!isSelf && !hasRole(principal.role, "admin")) {
        // Check existence first so that another workspace's ids stay indistinguishable from unknown ones.
        await getMember(c.var.db, principal.workspaceId, id);
        throw problems.forbidden("Only admins and the owner can remove other members.");
      }
      const removed = await getMember(c.var.db, principal.workspaceId, id);
      await removeMember(serviceContext(c), id);
      await hubOf(c).disconnect(removed.userId);
      announce(c, "member.removed", id);
      return c.body(null, 204);
    },
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/invitations",
      tags: memberTags,
      summary: "Invitations sent from this workspace, newest first",
      security: authenticated,
      middleware: [requireRole("admin")] as const,
      request: { query: PageQuery },
      responses: { 200: jsonContent(InvitationPage, "One page of invitations"), ...problemResponses(401, 403, 422) },
    }),
    async (c) => {
      const { limit, cursor } = c.req.valid("query");
      const rows = await listInvitations(c.var.db, c.var.principal.workspaceId, { limit, beforeId: idCursor(cursor) });
      const now = Date.now();
      return c.json(toPage(rows, limit, (row) => [row.invitation.id], (row) => toInvitation(row.invitation, now, row.inviterName)), 200);
    },
  )
  .openapi(
    createRoute({
      method: "post",
      path: "/invitations",
      tags: memberTags,
      summary: "Invite someone by email with a role; answers the invite link once",
      security: authenticated,
      middleware: [requireRole("admin")] as const,
      request: { body: jsonBody(InvitationBody, { email: "jonas@example.com", role: "member" }) },
      responses: { 201: jsonContent(CreatedInvitationSchema, "Invitation created"), ...problemResponses(400, 401, 403, 409, 415, 422) },
    }),
    async (c) => c.json(await createInvitation(serviceContext(c), c.req.valid("json"), appOrigin(c)), 201),
  )
  .openapi(
    createRoute({
      method: "delete",
      path: "/invitations/{id}",
      tags: memberTags,
      summary: "Revoke a pending invitation",
      security: authenticated,
      middleware: [requireRole("admin")] as const,
      request: { params: InvitationId },
      responses: { 204: { description: "Revoked" }, ...problemResponses(401, 403, 404) },
    }),
    async (c) => {
      await revokeInvitation(serviceContext(c), c.req.valid("param").id);
      return c.body(null, 204);
    },
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/invitations/{token}",
      tags: memberTags,
      summary: "What an invite link is for (public: the token is the credential)",
      security: publicRoute,
      request: { params: TokenParam },
      responses: { 200: jsonContent(InvitationPreviewSchema, "The invitation"), ...problemResponses(410, 422) },
    }),
    async (c) => c.json(await previewInvitation(c.var.db, c.req.valid("param").token, Date.now()), 200),
  )
  .openapi(
    createRoute({
      method: "post",
      path: "/invitations/{token}/accept",
      tags: memberTags,
      summary: "Accept an invitation: creates the account if needed and signs in to the workspace",
      security: publicRoute,
      request: { params: TokenParam, body: jsonBody(AcceptInvitationBody, { name: "Jonas Jonaitis", password: "another long passphrase" }) },
      responses: { 200: jsonContent(AcceptedInvitationSchema, "Joined and signed in"), ...problemResponses(400, 401, 409, 410, 415, 422) },
    }),
    async (c) => {
      const now = Date.now();
      const body = c.req.valid("json");
      const joined = await acceptInvitation(c.var.db, { token: c.req.valid("param").token, ...body }, { now, requestId: c.var.requestId, ip: clientIp(c) });
      const issued = await sessionForUser(c.var.db, tokenConfig(c.env), joined.userId, joined.workspaceId, joined.role, now);
      await publishToWorkspace(c.env, joined.workspaceId, {
        type: "member.added",
        id: joined.membershipId,
        actor: joined.userId,
        data: { user_id: joined.userId, name: issued.session.user.name, role: joined.role },
      });
      setSessionCookies(c, { accessToken: issued.session.access_token, refreshToken: issued.refreshToken, csrfToken: issued.csrfToken });
      return c.json(issued.session, 200);
    },
  );

