import { and, asc, eq, gt } from "drizzle-orm";
import { auditInsert } from "../audit/audit.service";
import { revokeUserSessions } from "../auth/refresh-token.service";
import type { Database } from "../db/client";
import { memberships, users, type Role } from "../db/schema";
import { assertVersion } from "../http/etag";
import { isVersionConflict, versionGuard } from "../db/version-guard";
import { isoTime } from "../http/fields";
import { problems } from "../http/problem";
import type { ServiceContext } from "../lib/service-context";
import type { Member } from "./member.schema";

export async function findMembership(db: Database, workspaceId: string, userId: string) {
  const [row] = await db
    .select({ id: memberships.id, role: memberships.role })
    .from(memberships)
    .where(and(eq(memberships.workspaceId, workspaceId), eq(memberships.userId, userId)))
    .limit(1);
  return row ?? null;
}

const memberColumns = {
  id: memberships.id,
  userId: memberships.userId,
  role: memberships.role,
  version: memberships.version,
  createdAt: memberships.createdAt,
  name: users.name,
  email: users.email,
};

type MemberRow = { id: string; userId: string; role: Role; version: number; createdAt: number; name: string; email: string };

export function toMember(row: MemberRow): Member {
  return { id: row.id, user_id: row.userId, name: row.name, email: row.email, role: row.role, version: row.version, joined_at: isoTime(row.createdAt) };
}

export async function listMembers(db: Database, workspaceId: string, options: { limit: number; afterId: string | null }) {
  const conditions = [eq(memberships.workspaceId, workspaceId)];
  if (options.afterId) conditions.push(gt(memberships.id, options.afterId));
  return db
    .select(memberColumns)
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(and(...conditions))
    .orderBy(asc(memberships.id))
    .limit(options.limit + 1);
}

export async function getMember(db: Database, workspaceId: string, membershipId: string): Promise<MemberRow> {
  const [row] = await db
    .select(memberColumns)
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(and(eq(memberships.workspaceId, workspaceId), eq(memberships.id, membershipId)))
    .limit(1);
  if (!row) throw problems.notFound("member");
  return row;
}

// The owner's role changes only through a transfer of ownership, so a workspace always has
// exactly one owner.
export async function changeMemberRole(ctx: ServiceContext, membershipId: string, role: Exclude<Role, "owner">, expectedVersion: number | null) {
  const current = await getMember(ctx.db, ctx.actor.workspaceId, membershipId);
  assertVersion(expectedVersion, current.version);
  if (current.role === "owner") throw problems.unprocessable("owner_role_fixed", "Transfer ownership before changing the owner's role.");
  if (current.role === role) return toMember(current);
  await ctx.db
    .batch([
      versionGuard(ctx.db, memberships, current.id, current.version),
      ctx.db.update(memberships).set({ role, version: current.version + 1, updatedAt: ctx.now }).where(eq(memberships.id, current.id)),
      auditInsert(ctx, { action: "member.role_changed", entityType: "member", entityId: current.id, before: { role: current.role }, after: { role } }),
    ])
    .catch(async (error: unknown) => {
      if (isVersionConflict(error)) throw problems.preconditionFailed((await getMember(ctx.db, ctx.actor.workspaceId, membershipId)).version);
      throw error;
    });
  return toMember({ ...current, role, version: current.version + 1 });
}

export async function removeMember(ctx: ServiceContext, membershipId: string) {
  const current = await getMember(ctx.db, ctx.actor.workspaceId, membershipId);
  if (current.role === "owner") throw problems.unprocessable("owner_cannot_leave", "Transfer ownership before removing the owner.");
  await ctx.db.batch([
    ctx.db.delete(memberships).where(eq(memberships.id, current.id)),
    auditInsert(ctx, {
      action: "member.removed",
      entityType: "member",
      entityId: current.id,
      before: { user_id: current.userId, email: current.email, role: current.role },
      after: null,
    }),
  ]);
  // Their sessions in this workspace end now, not when the access token expires.
  await revokeUserSessions(ctx.db, ctx.actor.workspaceId, current.userId, ctx.now);
}
