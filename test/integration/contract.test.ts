import { describe, expect, it } from "vitest";
import { addMember, call, expectProblem, field, signUp } from "../helpers/api";

describe("the API contract", () => {
  it("answers an unknown route with a 404 problem and a request id", async () => {
    const res = await call("GET", "/api/v1/nothing-here");
    expectProblem(res, 404, "route_not_found");
  });

  it("answers a wrong method with 405 and the allowed methods", async () => {
    const res = await call("PUT", "/api/v1/workspace", { body: {} });
    const problem = expectProblem(res, 405, "method_not_allowed");
    expect(res.headers.get("allow")).toBe("DELETE, GET, PATCH");
    expect(problem.detail).toContain("PUT");
  });

  it("answers malformed JSON with 400", async () => {
    const res = await call("POST", "/api/v1/auth/login", { rawBody: '{"email": ', headers: { "content-type": "application/json" } });
    expectProblem(res, 400, "malformed_request");
  });

  it("answers a non-JSON body with 415", async () => {
    const res = await call("POST", "/api/v1/auth/login", { rawBody: "email=a@b.c", headers: { "content-type": "application/x-www-form-urlencoded" } });
    expectProblem(res, 415, "unsupported_media_type");
  });

  it("answers a body over 1 MB with 413", async () => {
    const big = JSON.stringify({ email: "a@example.com", password: "x".repeat(1024 * 1024) });
    const res = await call("POST", "/api/v1/auth/login", { rawBody: big, headers: { "content-type": "application/json" } });
    expectProblem(res, 413, "payload_too_large");
  });

  it("answers invalid fields with 422 and a JSON pointer per field", async () => {
    const res = await call("POST", "/api/v1/auth/signup", { body: { workspace_name: "", name: "A", email: "not-an-email", password: "short" } });
    const problem = expectProblem(res, 422, "validation_failed");
    const pointers = field<{ pointer: string }[]>(problem, "errors").map((e) => e.pointer);
    expect(pointers).toEqual(expect.arrayContaining(["/workspace_name", "/email", "/password"]));
  });

  it("rejects fields that are not writable (strict bodies)", async () => {
    const owner = await signUp();
    const res = await call("PATCH", "/api/v1/workspace", { token: owner.token, body: { name: "X", id: "ws_other" } });
    expectProblem(res, 422, "validation_failed");
  });

  it("answers a missing credential with 401 and WWW-Authenticate", async () => {
    const res = await call("GET", "/api/v1/me");
    expectProblem(res, 401, "unauthorized");
    expect(res.headers.get("www-authenticate")).toContain("Bearer");
  });

  it("answers a role that is too low with 403", async () => {
    const owner = await signUp();
    const viewer = await addMember(owner, "viewer");
    const res = await call("PATCH", "/api/v1/workspace", { token: viewer.token, body: { name: "Renamed" } });
    expectProblem(res, 403, "forbidden");
  });

  it("answers a stale If-Match with 412 and the current ETag", async () => {
    const owner = await signUp();
    const first = await call("GET", "/api/v1/workspace", { token: owner.token });
    const etag = first.headers.get("etag") ?? "";
    expect(etag).toBe('"1"');
    const ok = await call("PATCH", "/api/v1/workspace", { token: owner.token, body: { name: "One" }, headers: { "if-match": etag } });
    expect(ok.status).toBe(200);
    expect(ok.headers.get("etag")).toBe('"2"');
    const stale = await call("PATCH", "/api/v1/workspace", { token: owner.token, body: { name: "Two" }, headers: { "if-match": etag } });
    expectProblem(stale, 412, "version_mismatch");
    expect(stale.headers.get("etag")).toBe('"2"');
  });

  it("puts a request id on every response, keeping a well-formed incoming one", async () => {
    const health = await call("GET", "/api/health");
    expect(health.headers.get("x-request-id")).toMatch(/^req_[0-9a-f]{32}$/);
    const echoed = await call("GET", "/api/health", { headers: { "x-request-id": "trace-1234567890" } });
    expect(echoed.headers.get("x-request-id")).toBe("trace-1234567890");
  });

  it("serves health without touching the database", async () => {
    const res = await call("GET", "/api/health");
    expect(res.json).toEqual({ status: "ok" });
    expect(res.headers.get("x-d1-bookmark")).toBeNull();
  });

  it("keeps CORS closed on the API", async () => {
    const res = await call("GET", "/api/health", { headers: { origin: "https://evil.example" } });
    expect(res.headers.get("access-control-allow-origin")).toBeNull();
    const preflight = await call("OPTIONS", "/api/v1/me", { headers: { origin: "https://evil.example", "access-control-request-method": "GET" } });
    expect(preflight.headers.get("access-control-allow-origin")).toBeNull();
  });

  it("sends security headers on API responses", async () => {
    const res = await call("GET", "/api/health");
    expect(res.headers.get("content-security-policy")).toContain("frame-ancestors 'none'");
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
    expect(res.headers.get("referrer-policy")).toBe("no-referrer");
  });

  it("returns a D1 bookmark and accepts it back", async () => {
    const owner = await signUp();
    const first = await call("GET", "/api/v1/workspace", { token: owner.token });
    const bookmark = first.headers.get("x-d1-bookmark");
    expect(bookmark).toMatch(/^[0-9a-f-]+$/);
    const second = await call("GET", "/api/v1/workspace", { token: owner.token, headers: { "x-d1-bookmark": bookmark ?? "" } });
    expect(second.status).toBe(200);
    const garbled = await call("GET", "/api/v1/workspace", { token: owner.token, headers: { "x-d1-bookmark": "garbage'; DROP" } });
    expect(garbled.status).toBe(200);
  });
});

describe("Idempotency-Key", () => {
  it("replays the first response for the same key and body", async () => {
    const owner = await signUp();
    const headers = { "idempotency-key": "create-key-1" };
    const first = await call("POST", "/api/v1/api-keys", { token: owner.token, headers, body: { name: "Site", scope: "read" } });
    expect(first.status).toBe(201);
    const again = await call("POST", "/api/v1/api-keys", { token: owner.token, headers, body: { name: "Site", scope: "read" } });
    expect(again.status).toBe(201);
    expect(again.headers.get("idempotency-replayed")).toBe("true");
    expect(field(again.json, "id")).toBe(field(first.json, "id"));
    const list = await call("GET", "/api/v1/api-keys", { token: owner.token });
    expect(field<unknown[]>(list.json, "data")).toHaveLength(1);
  });

  it("refuses the same key with a different body with 422", async () => {
    const owner = await signUp();
    const headers = { "idempotency-key": "create-key-2" };
    await call("POST", "/api/v1/api-keys", { token: owner.token, headers, body: { name: "Site", scope: "read" } });
    const other = await call("POST", "/api/v1/api-keys", { token: owner.token, headers, body: { name: "Other", scope: "read" } });
    expectProblem(other, 422, "idempotency_key_reused");
  });

  it("does not remember a request that failed validation", async () => {
    const owner = await signUp();
    const headers = { "idempotency-key": "create-key-3" };
    const bad = await call("POST", "/api/v1/api-keys", { token: owner.token, headers, body: { name: "", scope: "read" } });
    expect(bad.status).toBe(422);
    const good = await call("POST", "/api/v1/api-keys", { token: owner.token, headers, body: { name: "Fixed", scope: "read" } });
    expect(good.status).toBe(201);
  });

  it("scopes keys to the caller", async () => {
    const a = await signUp();
    const b = await signUp();
    const headers = { "idempotency-key": "shared-key" };
    const first = await call("POST", "/api/v1/api-keys", { token: a.token, headers, body: { name: "Site", scope: "read" } });
    const second = await call("POST", "/api/v1/api-keys", { token: b.token, headers, body: { name: "Site", scope: "read" } });
    expect(second.status).toBe(201);
    expect(second.headers.get("idempotency-replayed")).toBeNull();
    expect(field(second.json, "id")).not.toBe(field(first.json, "id"));
  });
});

describe("cursor pagination", () => {
  it("walks a list page by page with next_cursor and no repeats", async () => {
    const owner = await signUp();
    await addMember(owner, "member");
    await addMember(owner, "viewer");
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const query: string = cursor ? `?limit=1&cursor=${encodeURIComponent(cursor)}` : "?limit=1";
      const res = await call("GET", `/api/v1/members${query}`, { token: owner.token });
      expect(res.status).toBe(200);
      seen.push(...field<{ id: string }[]>(res.json, "data").map((m) => m.id));
      cursor = field<string | null>(res.json, "next_cursor");
      pages += 1;
    } while (cursor && pages < 10);
    expect(pages).toBe(3);
    expect(new Set(seen).size).toBe(3);
  });

  it("rejects a limit over 200 and a forged cursor with 422", async () => {
    const owner = await signUp();
    expectProblem(await call("GET", "/api/v1/members?limit=201", { token: owner.token }), 422, "validation_failed");
    expectProblem(await call("GET", "/api/v1/members?cursor=bm90LWpzb24", { token: owner.token }), 422, "validation_failed");
  });
});

describe("OpenAPI", () => {
  it("publishes an OpenAPI 3.1 document generated from the route schemas", async () => {
    const res = await call("GET", "/api/openapi.json");
    expect(res.status, res.text).toBe(200);
    expect(field(res.json, "openapi")).toBe("3.1.0");
    const paths = field<Record<string, unknown>>(res.json, "paths");
    expect(Object.keys(paths)).toEqual(expect.arrayContaining(["/api/v1/auth/signup", "/api/v1/members/{id}", "/api/v1/api-keys", "/api/health"]));
    const signupSchema = field<Record<string, unknown>>(res.json, "components", "schemas", "SignupBody");
    expect(field<string[]>(signupSchema, "required")).toEqual(expect.arrayContaining(["email", "password"]));
  });

  it("serves the API reference page from local assets under a strict CSP", async () => {
    const res = await call("GET", "/api/docs");
    expect(res.status).toBe(200);
    expect(res.text).toContain("/vendor/swagger-ui/swagger-ui-bundle.js");
    expect(res.text).not.toMatch(/<script>(?!<)/);
    expect(res.headers.get("content-security-policy")).toContain("script-src 'self'");
  });
});
