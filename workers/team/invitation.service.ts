import { and, desc, eq, gt, isNull, lt } from "drizzle-orm";
import { auditInsert } from "../audit/audit.service";
import { assertNotThrottled, clearLoginFailures, recordLoginFailure, throttleSubject } from "../auth/login-throttle";
import { hashPassword, verifyPassword } from "../auth/password";
import type { Database } from "../db/client";
import { isUniqueViolation } from "../db/errors";
import { newId } from "../db/ids";
import { invitations, memberships, users, workspaces } from "../db/schema";
import { isoTime } from "../http/fields";
import { problems } from "../http/problem";
import { randomToken, sha256Hex } from "../lib/crypto";
import type { ServiceContext } from "../lib/service-context";
import type { CreatedInvitation, Invitation, InvitationPreview } from "./invitation.schema";
import type { assignableRoles } from "./member.schema";

export const invitationTtlMs = 7 * 24 * 60 * 60 * 1000;
type AssignableRole = (typeof assignableRoles)[number];
type InvitationRow = typeof invitations.$inferSelect;

function statusOf(row: InvitationRow, now: number): Invitation["status"] {
  if (row.acceptedAt !== null) return "accepted";
  if (row.revokedAt !== null) return "revoked";
  return row.expiresAt <= now ? "expired" : "pending";
}

function assignable(role: InvitationRow["role"]): AssignableRole {
  return role === "owner" ? "admin" : role;
}

export function toInvitation(row: InvitationRow, now: number, inviterName: string | null): Invitation {
  return {
    id: row.id,
    email: row.email,
    role: assignable(row.role),
    status: statusOf(row, now),
    invited_by: row.invitedBy,
    invited_by_name: inviterName,
    created_at: isoTime(row.createdAt),
    expires_at: isoTime(row.expiresAt),
  };
}

export async function listInvitations(db: Database, workspaceId: string, options: { limit: number; beforeId: string | null }) {
  const conditions = [eq(invitations.workspaceId, workspaceId)];
  if (options.beforeId) conditions.push(lt(invitations.id, options.beforeId));
  return db
    .select({ invitation: invitations, inviterName: users.name })
    .from(invitations)
    .leftJoin(users, eq(users.id, invitations.invitedBy))
    .where(and(...conditions))
    .orderBy(desc(invitations.id))
    .limit(options.limit + 1);
}

export async function createInvitation(ctx: ServiceContext, input: { email: string; role: AssignableRole }, appOrigin: string): Promise<CreatedInvitation> {
  const [alreadyMember] = await ctx.db
    .select({ id: memberships.id })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(and(eq(memberships.workspaceId, ctx.actor.workspaceId), eq(users.email, input.email)))
    .limit(1);
  if (alreadyMember) {
    throw problems.conflict("already_member", "This person is already a member of the workspace.", {
      extensions: { existing_id: alreadyMember.id },
      errors: [{ pointer: "/email", code: "already_member", detail: "This person is already a member of the workspace." }],
    });
  }
  const token = randomToken(32);
  const row: InvitationRow = {
    id: newId("invitation", ctx.now),
    workspaceId: ctx.actor.workspaceId,
    email: input.email,
    role: input.role,
    tokenHash: await sha256Hex(token),
    invitedBy: ctx.actor.id ?? "system",
    createdAt: ctx.now,
    expiresAt: ctx.now + invitationTtlMs,
    acceptedAt: null,
    revokedAt: null,
  };
  await ctx.db.batch([
    ctx.db.insert(invitations).values(row),
    auditInsert(ctx, { action: "invitation.created", entityType: "invitation", entityId: row.id, before: null, after: { email: row.email, role: row.role } }),
  ]);
  const [inviter] = ctx.actor.id ? await ctx.db.select({ name: users.name }).from(users).where(eq(users.id, ctx.actor.id)).limit(1) : [];
  return { ...toInvitation(row, ctx.now, inviter?.name ?? null), token, invite_url: `${appOrigin}/invite/${token}` };
}

export async function revokeInvitation(ctx: ServiceContext, invitationId: string) {
  const [row] = await ctx.db
    .select()
    .from(invitations)
    .where(and(eq(invitations.workspaceId, ctx.actor.workspaceId), eq(invitations.id, invitationId)))
    .limit(1);
  if (!row) throw problems.notFound("invitation");
  if (statusOf(row, ctx.now) !== "pending") return;
  await ctx.db.batch([
    ctx.db.update(invitations).set({ revokedAt: ctx.now }).where(eq(invitations.id, row.id)),
    auditInsert(ctx, { action: "invitation.revoked", entityType: "invitation", entityId: row.id, before: { status: "pending" }, after: { status: "revoked" } }),
  ]);
}

async function findPendingByToken(db: Database, token: string, now: number) {
  const [found] = await db
    .select({ invitation: invitations, workspaceName: workspaces.name, inviterName: users.name })
    .from(invitations)
    .innerJoin(workspaces, eq(workspaces.id, invitations.workspaceId))
    .leftJoin(users, eq(users.id, invitations.invitedBy))
    .where(and(eq(invitations.tokenHash, await sha256Hex(token)), isNull(invitations.acceptedAt), isNull(invitations.revokedAt), gt(invitations.expiresAt, now)))
    .limit(1);
  if (!found) throw problems.gone("invitation_unavailable", "This invitation has expired, was revoked or was already used. Ask for a new one.");
  return found;
}

export async function previewInvitation(db: Database, token: string, now: number): Promise<InvitationPreview> {
  const found = await findPendingByToken(db, token, now);
  const [account] = await db.select({ id: users.id }).from(users).where(eq(users.email, found.invitation.email)).limit(1);
  return {
    workspace_name: found.workspaceName,
    email: found.invitation.email,
    role: assignable(found.invitation.role),
    invited_by_name: found.inviterName ?? "",
    expires_at: isoTime(found.invitation.expiresAt),
    account_exists: account !== undefined,
  };
}

// Accepting creates the account when the invited email has none (name and a new password
// required), or proves ownership of the existing account with its password. Either way the
// person joins with the invited role, and the invitation is spent.
export async function acceptInvitation(
  db: Database,
  input: { token: string; name?: string | undefined; password: string },
  context: { now: number; requestId: string | null; ip: string },
) {
  const { invitation } = await findPendingByToken(db, input.token, context.now);
  const [existing] = await db.select().from(users).where(eq(users.email, invitation.email)).limit(1);
  let userId: string;
  let createUser;
  if (existing) {
    // Proving an existing account here is a sign-in, so it counts against the same throttle.
    const subject = await throttleSubject(existing.email, context.ip);
    await assertNotThrottled(db, subject, context.now);
    const ok = await verifyPassword(input.password, existing.passwordHash);
    if (!ok) {
      await recordLoginFailure(db, subject, context.now);
      throw problems.invalidCredentials();
    }
    await clearLoginFailures(db, subject);
    userId = existing.id;
    const [member] = await db
      .select({ id: memberships.id })
      .from(memberships)
      .where(and(eq(memberships.workspaceId, invitation.workspaceId), eq(memberships.userId, userId)))
      .limit(1);
    if (member) throw problems.conflict("already_member", "You are already a member of this workspace.", { extensions: { existing_id: member.id } });
  } else {
    const errors = [];
    if (!input.name) errors.push({ pointer: "/name", code: "required", detail: "Enter your name." });
    if (input.password.length < 10) errors.push({ pointer: "/password", code: "too_small", detail: "Use at least 10 characters." });
    if (errors.length > 0) throw problems.validation(errors);
    userId = newId("user", context.now);
    const [workspace] = await db.select().from(workspaces).where(eq(workspaces.id, invitation.workspaceId)).limit(1);
    createUser = db.insert(users).values({
        id: userId,
        email: invitation.email,
        name: input.name ?? invitation.email,
        passwordHash: await hashPassword(input.password),
        language: workspace?.language ?? "en",
        timeZone: workspace?.timeZone ?? "UTC",
        createdAt: context.now,
        updatedAt: context.now,
      });
  }
  const membershipId = newId("membership", context.now);
  const ctx: ServiceContext = { db, actor: { type: "user", id: userId, workspaceId: invitation.workspaceId }, requestId: context.requestId, now: context.now };
  const join = [
    db.update(invitations).set({ acceptedAt: context.now }).where(eq(invitations.id, invitation.id)),
    db.insert(memberships).values({ id: membershipId, workspaceId: invitation.workspaceId, userId, role: invitation.role, createdAt: context.now, updatedAt: context.now }),
    auditInsert(ctx, { action: "invitation.accepted", entityType: "invitation", entityId: invitation.id, before: { status: "pending" }, after: { status: "accepted" } }),
    auditInsert(ctx, { action: "member.added", entityType: "member", entityId: membershipId, before: null, after: { user_id: userId, role: invitation.role } }),
  ] as const;
  // The new account's row goes first: the membership's foreign key needs it.
  await (createUser ? db.batch([createUser, ...join]) : db.batch(join)).catch((error: unknown) => {
    // A second accept racing this one: the unique (workspace, user) or email index stops it.
    throw isUniqueViolation(error) ? problems.gone("invitation_unavailable", "This invitation was already used.") : error;
  });
  return { userId, workspaceId: invitation.workspaceId, role: invitation.role, membershipId };
}
