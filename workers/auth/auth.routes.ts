import { createRoute } from "@hono/zod-openapi";
import type { Context } from "hono";
import type { AppEnv } from "../env";
import { assertCsrf, requireRole, requireUser, tokenConfig } from "../http/auth";
import { clientIp, serviceContext } from "../http/context";
import { authenticated, createRouter, jsonBody, jsonContent, problemResponses, publicRoute } from "../http/openapi";
import { problems } from "../http/problem";
import { LoginBody, MePatch, MeSchema, SessionSchema, SignupBody, UserSchema } from "./auth.schema";
import { describeMe, login, refresh, signup, updateMe, type IssuedSession } from "./auth.service";
import { clearSessionCookies, cookieNames, readCookie, setSessionCookies } from "./cookies";
import { revokeByToken } from "./refresh-token.service";

const tags = ["Auth"];

function startSession(c: Context<AppEnv>, issued: IssuedSession) {
  setSessionCookies(c, { accessToken: issued.session.access_token, refreshToken: issued.refreshToken, csrfToken: issued.csrfToken });
  return issued.session;
}

export const authRoutes = createRouter()
  .openapi(
    createRoute({
      method: "post",
      path: "/auth/signup",
      tags,
      summary: "Create a workspace and its owner",
      security: publicRoute,
      request: {
        body: jsonBody(SignupBody, { workspace_name: "Baltic Sales", name: "Ona Petrauskienė", email: "ona@example.com", password: "correct horse battery staple" }),
      },
      responses: { 201: jsonContent(SessionSchema, "Signed up and signed in"), ...problemResponses(400, 409, 413, 415, 422) },
    }),
    async (c) => {
      const issued = await signup(c.var.db, tokenConfig(c.env), c.req.valid("json"), { now: Date.now(), requestId: c.var.requestId });
      return c.json(startSession(c, issued), 201);
    },
  )
  .openapi(
    createRoute({
      method: "post",
      path: "/auth/login",
      tags,
      summary: "Sign in with email and password",
      security: publicRoute,
      request: { body: jsonBody(LoginBody, { email: "ona@example.com", password: "correct horse battery staple" }) },
      responses: { 200: jsonContent(SessionSchema, "Signed in"), ...problemResponses(400, 401, 403, 415, 422, 429) },
    }),
    async (c) => {
      const issued = await login(c.var.db, tokenConfig(c.env), c.req.valid("json"), { now: Date.now(), ip: clientIp(c) });
      return c.json(startSession(c, issued), 200);
    },
  )
  .openapi(
    createRoute({
      method: "post",
      path: "/auth/refresh",
      tags,
      summary: "Exchange the refresh cookie for a new session (the refresh token rotates)",
      security: publicRoute,
      responses: { 200: jsonContent(SessionSchema, "New session"), ...problemResponses(401, 403) },
    }),
    async (c) => {
      const presented = readCookie(c, cookieNames.refresh);
      if (!presented) throw problems.unauthorized("There is no session to refresh. Sign in.");
      assertCsrf(c);
      const issued = await refresh(c.var.db, tokenConfig(c.env), presented, Date.now());
      return c.json(startSession(c, issued), 200);
    },
  )
  .openapi(
    createRoute({
      method: "post",
      path: "/auth/logout",
      tags,
      summary: "End this browser session",
      security: publicRoute,
      responses: { 204: { description: "Signed out" }, ...problemResponses(403) },
    }),
    async (c) => {
      const presented = readCookie(c, cookieNames.refresh);
      if (presented) {
        assertCsrf(c);
        await revokeByToken(c.var.db, presented, Date.now());
      }
      clearSessionCookies(c);
      return c.body(null, 204);
    },
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/me",
      tags,
      summary: "Who is calling, in which workspace, with which role",
      security: authenticated,
      middleware: [requireRole("viewer")] as const,
      responses: { 200: jsonContent(MeSchema, "The caller"), ...problemResponses(401) },
    }),
    async (c) => c.json(await describeMe(c.var.db, c.var.principal), 200),
  )
  .openapi(
    createRoute({
      method: "patch",
      path: "/me",
      tags,
      summary: "Change your own name, language or time zone",
      security: authenticated,
      middleware: [requireRole("viewer")] as const,
      request: { body: jsonBody(MePatch, { language: "lt" }) },
      responses: { 200: jsonContent(UserSchema, "Updated"), ...problemResponses(400, 401, 403, 415, 422) },
    }),
    async (c) => {
      const user = requireUser(c);
      return c.json(await updateMe(serviceContext(c), user.id, c.req.valid("json")), 200);
    },
  );

