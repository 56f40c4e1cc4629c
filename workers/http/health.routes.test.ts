import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { createApp } from "../app";

describe("health and readiness", () => {
  it("/api/health answers without touching the database", async () => {
    const failingDb = { prepare: () => { throw new Error("D1 down"); } };
    const res = await createApp().request("/api/health", {}, { ...env, DB: failingDb });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: "ok" });
  });

  it("/api/ready answers 200 when D1 answers", async () => {
    const res = await createApp().request("/api/ready", {}, env);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: "ok", database: "ok" });
  });

  it("/api/ready answers 503 problem+json when D1 does not", async () => {
    const failingDb = { prepare: () => ({ first: () => Promise.reject(new Error("D1 down")) }) };
    const res = await createApp().request("/api/ready", {}, { ...env, DB: failingDb });
    expect(res.status).toBe(503);
    expect(res.headers.get("content-type")).toBe("application/problem+json");
    expect(await res.json()).toMatchObject({ status: 503, code: "unavailable" });
  });
});
