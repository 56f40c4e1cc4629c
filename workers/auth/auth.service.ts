import { and, asc, eq } from "drizzle-orm";
import { auditInsert } from "../audit/audit.service";
import type { Database } from "../db/client";
import { isUniqueViolation } from "../db/errors";
import { newId } from "../db/ids";
import { memberships, users, workspaces, type Language, type Role } from "../db/schema";
import { problems } from "../http/problem";
import { randomToken } from "../lib/crypto";
import type { ServiceContext } from "../lib/service-context";
import { workspaceSnapshot } from "../workspaces/workspace.service";
import { defaultPipelineInserts } from "../pipelines/pipeline.service";
import { accessTokenTtlSeconds, signAccessToken, type TokenConfig } from "./access-token";
import type { LoginInput, Me, Session, SignupInput, User } from "./auth.schema";
import { assertNotThrottled, clearLoginFailures, recordLoginFailure, throttleSubject } from "./login-throttle";
import type { Principal } from "./principal";
import { decoyPasswordHash, hashPassword, needsRehash, verifyPassword } from "./password";
import { prepareRefreshToken, rotateRefreshToken } from "./refresh-token.service";

export type IssuedSession = { session: Session; refreshToken: string; csrfToken: string };
type UserRow = typeof users.$inferSelect;

export function toUser(row: UserRow): User {
  return { id: row.id, email: row.email, name: row.name, language: row.language, time_zone: row.timeZone };
}

// The default phone country for a new workspace, guessed from the time zone of the person who
// signs up (the markets Rapport serves first); it can be changed in settings.
const countryByTimeZone: Record<string, string> = {
  "Europe/Vilnius": "LT",
  "Europe/Riga": "LV",
  "Europe/Ljubljana": "SI",
  "Europe/Moscow": "RU",
  "Europe/Tallinn": "EE",
  "Europe/Warsaw": "PL",
  "Europe/Berlin": "DE",
  "Europe/London": "GB",
};

async function issueSession(db: Database, config: TokenConfig, user: UserRow, workspaceId: string, role: Role, now: number, refreshToken?: string) {
  const accessToken = await signAccessToken(config, { userId: user.id, workspaceId }, now);
  let token = refreshToken;
  if (token === undefined) {
    const prepared = await prepareRefreshToken(db, { userId: user.id, workspaceId, now });
    await prepared.insert.run();
    token = prepared.token;
  }
  const session: Session = {
    access_token: accessToken,
    token_type: "Bearer",
    expires_in: accessTokenTtlSeconds,
    user: toUser(user),
    workspace_id: workspaceId,
    role,
  };
  return { session, refreshToken: token, csrfToken: randomToken(24) } satisfies IssuedSession;
}

export async function signup(db: Database, config: TokenConfig, input: SignupInput, context: { now: number; requestId: string | null }) {
  const [taken] = await db.select({ id: users.id }).from(users).where(eq(users.email, input.email)).limit(1);
  const emailTaken = problems.conflict("email_taken", "An account with this email already exists. Sign in instead.", {
    errors: [{ pointer: "/email", code: "email_taken", detail: "An account with this email already exists. Sign in instead." }],
  });
  if (taken) throw emailTaken;
  const now = context.now;
  const language: Language = input.language ?? "en";
  const timeZone = input.time_zone ?? "UTC";
  const workspace = {
    id: newId("workspace", now),
    name: input.workspace_name,
    defaultCurrency: "EUR",
    timeZone,
    defaultPhoneCountry: input.default_phone_country ?? countryByTimeZone[timeZone] ?? "LT",
    language,
    qualityInactiveDays: 90,
    version: 1,
    createdAt: now,
    updatedAt: now,
  };
  const user: UserRow = {
    id: newId("user", now),
    email: input.email,
    name: input.name,
    passwordHash: await hashPassword(input.password),
    language,
    timeZone,
    createdAt: now,
    updatedAt: now,
  };
  const membershipId = newId("membership", now);
  const ctx: ServiceContext = { db, actor: { type: "user", id: user.id, workspaceId: workspace.id }, requestId: context.requestId, now };
  await db.batch([
    db.insert(workspaces).values(workspace),
    db.insert(users).values(user),
    db.insert(memberships).values({ id: membershipId, workspaceId: workspace.id, userId: user.id, role: "owner", createdAt: now, updatedAt: now }),
    auditInsert(ctx, { action: "workspace.created", entityType: "workspace", entityId: workspace.id, before: null, after: workspaceSnapshot(workspace) }),
    auditInsert(ctx, { action: "user.created", entityType: "user", entityId: user.id, before: null, after: toUser(user) }),
    auditInsert(ctx, { action: "member.added", entityType: "member", entityId: membershipId, before: null, after: { user_id: user.id, role: "owner" } }),
    ...defaultPipelineInserts(db, workspace.id, now),
  ]).catch((error: unknown) => {
    throw isUniqueViolation(error) ? emailTaken : error;
  });
  return issueSession(db, config, user, workspace.id, "owner", now);
}

export async function login(db: Database, config: TokenConfig, input: LoginInput, context: { now: number; ip: string }) {
  const subject = await throttleSubject(input.email, context.ip);
  await assertNotThrottled(db, subject, context.now);
  const [user] = await db.select().from(users).where(eq(users.email, input.email)).limit(1);
  // Unknown emails still cost one hash verification, so timing does not reveal which exist.
  const valid = await verifyPassword(input.password, user?.passwordHash ?? (await decoyPasswordHash()));
  if (!user || !valid) {
    await recordLoginFailure(db, subject, context.now);
    throw problems.invalidCredentials();
  }
  await clearLoginFailures(db, subject);
  if (needsRehash(user.passwordHash)) {
    await db.update(users).set({ passwordHash: await hashPassword(input.password) }).where(eq(users.id, user.id)).run();
  }
  const memberRows = await db
    .select({ workspaceId: memberships.workspaceId, role: memberships.role })
    .from(memberships)
    .where(eq(memberships.userId, user.id))
    .orderBy(asc(memberships.createdAt));
  const chosen = input.workspace_id ? memberRows.find((row) => row.workspaceId === input.workspace_id) : memberRows[0];
  if (!chosen) {
    throw input.workspace_id
      ? problems.forbidden("You are not a member of that workspace.")
      : problems.forbidden("You are not a member of any workspace. Ask for an invitation or sign up.");
  }
  return issueSession(db, config, user, chosen.workspaceId, chosen.role, context.now);
}

export async function refresh(db: Database, config: TokenConfig, presented: string, now: number) {
  const rotated = await rotateRefreshToken(db, presented, now);
  const [row] = await db
    .select({ user: users, role: memberships.role })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(and(eq(memberships.userId, rotated.userId), eq(memberships.workspaceId, rotated.workspaceId)))
    .limit(1);
  if (!row) throw problems.unauthorized("You are no longer a member of this workspace.");
  return issueSession(db, config, row.user, rotated.workspaceId, row.role, now, rotated.refreshToken);
}

export async function sessionForUser(db: Database, config: TokenConfig, userId: string, workspaceId: string, role: Role, now: number) {
  const [user] = await db.select().from(users).where(eq(users.id, userId)).limit(1);
  if (!user) throw problems.unauthorized();
  return issueSession(db, config, user, workspaceId, role, now);
}

export async function describeMe(db: Database, principal: Principal): Promise<Me> {
  const [workspace] = await db.select({ id: workspaces.id, name: workspaces.name }).from(workspaces).where(eq(workspaces.id, principal.workspaceId)).limit(1);
  if (!workspace) throw problems.unauthorized();
  if (principal.kind === "api_key") {
    return { user: null, api_key: { id: principal.id, scope: principal.scope }, workspace, role: principal.role, workspaces: [] };
  }
  const [user] = await db.select().from(users).where(eq(users.id, principal.id)).limit(1);
  if (!user) throw problems.unauthorized();
  const all = await db
    .select({ id: workspaces.id, name: workspaces.name, role: memberships.role })
    .from(memberships)
    .innerJoin(workspaces, eq(workspaces.id, memberships.workspaceId))
    .where(eq(memberships.userId, user.id))
    .orderBy(asc(memberships.createdAt));
  return { user: toUser(user), api_key: null, workspace, role: principal.role, workspaces: all };
}

export async function updateMe(ctx: ServiceContext, userId: string, patch: { name?: string | undefined; language?: Language | undefined; time_zone?: string | undefined }) {
  const [current] = await ctx.db.select().from(users).where(eq(users.id, userId)).limit(1);
  if (!current) throw problems.unauthorized();
  const next = { ...current, name: patch.name ?? current.name, language: patch.language ?? current.language, timeZone: patch.time_zone ?? current.timeZone, updatedAt: ctx.now };
  await ctx.db.batch([
    ctx.db.update(users).set({ name: next.name, language: next.language, timeZone: next.timeZone, updatedAt: ctx.now }).where(eq(users.id, userId)),
    auditInsert(ctx, {
      action: "user.updated",
      entityType: "user",
      entityId: userId,
      before: { name: current.name, language: current.language, time_zone: current.timeZone },
      after: { name: next.name, language: next.language, time_zone: next.timeZone },
    }),
  ]);
  return toUser(next);
}
