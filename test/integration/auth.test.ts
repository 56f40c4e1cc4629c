import jwt from "@tsndr/cloudflare-worker-jwt";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { addMember, call, cookieHeader, cookiesFrom, expectProblem, field, signUp, uniqueEmail } from "../helpers/api";

async function forgeToken(claims: Record<string, unknown>, secret = env.JWT_SECRET) {
  const now = Math.floor(Date.now() / 1000);
  return jwt.sign({ iss: env.JWT_ISSUER, aud: env.JWT_AUDIENCE, iat: now, exp: now + 600, ...claims }, secret, { algorithm: "HS256" });
}

function base64url(text: string) {
  return btoa(text).replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");
}

describe("sign-up and sign-in", () => {
  it("signs up: creates the workspace, its owner and a session", async () => {
    const owner = await signUp({ language: "lt", time_zone: "Europe/Vilnius" });
    const me = await call("GET", "/api/v1/me", { token: owner.token });
    expect(me.status).toBe(200);
    expect(field(me.json, "role")).toBe("owner");
    expect(field(me.json, "workspace", "name")).toBe("Acme Baltic");
    expect(field(me.json, "user", "language")).toBe("lt");
    const workspace = await call("GET", "/api/v1/workspace", { token: owner.token });
    expect(field(workspace.json, "default_phone_country")).toBe("LT");
    expect(field(workspace.json, "time_zone")).toBe("Europe/Vilnius");
  });

  it("stores the password as a versioned scrypt hash meeting OWASP's parameters", async () => {
    const owner = await signUp();
    const row = await env.DB.prepare("SELECT password_hash FROM users WHERE id = ?").bind(owner.userId).first<{ password_hash: string }>();
    expect(row?.password_hash).toMatch(/^scrypt\$1\$N=16384,r=8,p=5\$[\w-]{22}\$[\w-]{43}$/);
  });

  it("refuses a second sign-up with the same email (in any letter case) with 409", async () => {
    const owner = await signUp();
    const res = await call("POST", "/api/v1/auth/signup", {
      body: { workspace_name: "Again", name: "Ona", email: owner.email.toUpperCase(), password: "correct horse battery staple" },
    });
    expectProblem(res, 409, "email_taken");
  });

  it("signs in with the right password and refuses the wrong one with 401", async () => {
    const owner = await signUp();
    const ok = await call("POST", "/api/v1/auth/login", { body: { email: owner.email, password: owner.password } });
    expect(ok.status).toBe(200);
    expect(field(ok.json, "workspace_id")).toBe(owner.workspaceId);
    const bad = await call("POST", "/api/v1/auth/login", { body: { email: owner.email, password: "wrong password" } });
    expectProblem(bad, 401, "invalid_credentials");
    const unknown = await call("POST", "/api/v1/auth/login", { body: { email: uniqueEmail("nobody"), password: "whatever it is" } });
    expectProblem(unknown, 401, "invalid_credentials");
  });

  it("throttles the sixth failed sign-in in 15 minutes with 429 and Retry-After", async () => {
    const owner = await signUp();
    for (let i = 0; i < 5; i++) {
      expectProblem(await call("POST", "/api/v1/auth/login", { body: { email: owner.email, password: `wrong ${i}` } }), 401);
    }
    const blocked = await call("POST", "/api/v1/auth/login", { body: { email: owner.email, password: owner.password } });
    expectProblem(blocked, 429, "too_many_requests");
    const retryAfter = Number(blocked.headers.get("retry-after"));
    expect(retryAfter).toBeGreaterThan(800);
    expect(retryAfter).toBeLessThanOrEqual(900);
    const otherIp = await call("POST", "/api/v1/auth/login", { body: { email: owner.email, password: owner.password }, headers: { "cf-connecting-ip": "203.0.113.9" } });
    expect(otherIp.status).toBe(200);
  });

  it("signs in to the workspace asked for, and refuses one the person is not in", async () => {
    const owner = await signUp();
    const other = await signUp();
    const res = await call("POST", "/api/v1/auth/login", { body: { email: owner.email, password: owner.password, workspace_id: other.workspaceId } });
    expectProblem(res, 403, "forbidden");
  });
});

describe("access tokens", () => {
  it("accepts a token it signed and refuses forged, expired and foreign ones", async () => {
    const owner = await signUp();
    const claims = { sub: owner.userId, wid: owner.workspaceId };
    expect((await call("GET", "/api/v1/me", { token: await forgeToken(claims) })).status).toBe(200);

    const wrongSecret = await forgeToken(claims, "another-secret-that-is-long-enough-000000000");
    const wrongAudience = await forgeToken({ ...claims, aud: "someone-else" });
    const wrongIssuer = await forgeToken({ ...claims, iss: "evil" });
    const expired = await forgeToken({ ...claims, exp: Math.floor(Date.now() / 1000) - 5 });
    const noneAlg = `${base64url(JSON.stringify({ alg: "none", typ: "JWT" }))}.${base64url(JSON.stringify({ ...claims, iss: env.JWT_ISSUER, aud: env.JWT_AUDIENCE, exp: 9999999999 }))}.`;
    const hs512 = await jwt.sign({ ...claims, iss: env.JWT_ISSUER, aud: env.JWT_AUDIENCE, exp: 9999999999 }, env.JWT_SECRET, { algorithm: "HS512" });
    for (const token of [wrongSecret, wrongAudience, wrongIssuer, expired, noneAlg, hs512, "garbage"]) {
      expectProblem(await call("GET", "/api/v1/me", { token }), 401, "unauthorized");
    }
  });

  it("lives at most 15 minutes", async () => {
    const owner = await signUp();
    const decoded = jwt.decode<{ exp: number; iat: number }>(owner.token);
    const payload = decoded.payload;
    expect(payload && payload.exp - payload.iat).toBeLessThanOrEqual(15 * 60);
  });

  it("stops working at once when the member is removed", async () => {
    const owner = await signUp();
    const member = await addMember(owner, "member");
    expect((await call("GET", "/api/v1/me", { token: member.token })).status).toBe(200);
    expect((await call("DELETE", `/api/v1/members/${member.membershipId}`, { token: owner.token })).status).toBe(204);
    expectProblem(await call("GET", "/api/v1/me", { token: member.token }), 401);
  });
});

describe("browser sessions", () => {
  it("sets httpOnly SameSite=Strict cookies and a readable CSRF cookie", async () => {
    const res = await call("POST", "/api/v1/auth/signup", {
      body: { workspace_name: "Cookies", name: "Ona", email: uniqueEmail(), password: "correct horse battery staple" },
    });
    const lines = res.headers.getSetCookie();
    const access = lines.find((l) => l.startsWith("rapport_access="));
    const refresh = lines.find((l) => l.startsWith("rapport_refresh="));
    const csrf = lines.find((l) => l.startsWith("rapport_csrf="));
    expect(access).toMatch(/HttpOnly/);
    expect(access).toMatch(/SameSite=Strict/);
    expect(access).toMatch(/Path=\/api/);
    expect(refresh).toMatch(/HttpOnly/);
    expect(refresh).toMatch(/Path=\/api\/v1\/auth/);
    expect(csrf).not.toMatch(/HttpOnly/);
  });

  it("requires the CSRF header on unsafe requests made with the session cookie", async () => {
    const owner = await signUp();
    const cookie = cookieHeader(owner.cookies);
    const read = await call("GET", "/api/v1/workspace", { headers: { cookie } });
    expect(read.status).toBe(200);
    const withoutToken = await call("PATCH", "/api/v1/workspace", { headers: { cookie }, body: { name: "By cookie" } });
    expectProblem(withoutToken, 403, "csrf_token_invalid");
    const wrongToken = await call("PATCH", "/api/v1/workspace", { headers: { cookie, "x-csrf-token": "nope" }, body: { name: "By cookie" } });
    expectProblem(wrongToken, 403, "csrf_token_invalid");
    const ok = await call("PATCH", "/api/v1/workspace", {
      headers: { cookie, "x-csrf-token": owner.cookies.rapport_csrf ?? "" },
      body: { name: "By cookie" },
    });
    expect(ok.status).toBe(200);
  });

  it("rotates the refresh token on every use and revokes the family when an old one is reused", async () => {
    const owner = await signUp();
    const csrf = owner.cookies.rapport_csrf ?? "";
    const first = owner.cookies.rapport_refresh ?? "";
    const refreshWith = (token: string) =>
      call("POST", "/api/v1/auth/refresh", { headers: { cookie: `rapport_refresh=${token}; rapport_csrf=${csrf}`, "x-csrf-token": csrf } });

    const rotated = await refreshWith(first);
    expect(rotated.status).toBe(200);
    const second = cookiesFrom(rotated.headers).rapport_refresh ?? "";
    expect(second).not.toBe(first);
    expect(second).toMatch(/^rt_/);

    // The old token shows up again: someone copied it. Both it and its successor stop working.
    expectProblem(await refreshWith(first), 401);
    expectProblem(await refreshWith(second), 401);
  });

  it("ends the whole family, successor included, when two requests race with one refresh token", async () => {
    const owner = await signUp();
    const csrf = owner.cookies.rapport_csrf ?? "";
    const refreshWith = (token: string) =>
      call("POST", "/api/v1/auth/refresh", { headers: { cookie: `rapport_refresh=${token}; rapport_csrf=${csrf}`, "x-csrf-token": csrf } });
    const results = await Promise.all([refreshWith(owner.cookies.rapport_refresh ?? ""), refreshWith(owner.cookies.rapport_refresh ?? "")]);
    expect(results.map((r) => r.status).sort()).toEqual([200, 401]);
    const winner = results.find((r) => r.status === 200);
    const successor = winner ? (cookiesFrom(winner.headers).rapport_refresh ?? "") : "";
    expectProblem(await refreshWith(successor), 401);
  });

  it("requires the CSRF header to refresh", async () => {
    const owner = await signUp();
    const res = await call("POST", "/api/v1/auth/refresh", { headers: { cookie: `rapport_refresh=${owner.cookies.rapport_refresh}` } });
    expectProblem(res, 403, "csrf_token_invalid");
  });

  it("signs out: revokes the refresh token and clears the cookies", async () => {
    const owner = await signUp();
    const csrf = owner.cookies.rapport_csrf ?? "";
    const cookie = cookieHeader(owner.cookies);
    const out = await call("POST", "/api/v1/auth/logout", { headers: { cookie, "x-csrf-token": csrf } });
    expect(out.status).toBe(204);
    expect(out.headers.getSetCookie().some((l) => l.startsWith("rapport_access=;") && /Max-Age=0/.test(l))).toBe(true);
    const again = await call("POST", "/api/v1/auth/refresh", { headers: { cookie, "x-csrf-token": csrf } });
    expectProblem(again, 401);
  });
});

describe("profile", () => {
  it("lets people change their own language and time zone, and validates them", async () => {
    const owner = await signUp();
    const ok = await call("PATCH", "/api/v1/me", { token: owner.token, body: { language: "ru", time_zone: "Europe/Riga" } });
    expect(ok.status).toBe(200);
    expect(field(ok.json, "language")).toBe("ru");
    const bad = await call("PATCH", "/api/v1/me", { token: owner.token, body: { language: "de", time_zone: "Mars/Base" } });
    const problem = expectProblem(bad, 422);
    expect(field<{ pointer: string }[]>(problem, "errors").map((e) => e.pointer).sort()).toEqual(["/language", "/time_zone"]);
  });
});
