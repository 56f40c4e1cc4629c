import { createExecutionContext, createMessageBatch, createScheduledController, getQueueResult, waitOnExecutionContext } from "cloudflare:test";
import { env, exports } from "cloudflare:workers";
import { describe, expect, it, vi } from "vitest";
import worker from "../../workers/index";
import { call, signUp } from "../helpers/api";

describe("scheduled work", () => {
  it("the daily crons only enqueue the purge and the duplicate scans, then the audits, for their day", async () => {
    const send = vi.spyOn(env.JOBS, "sendBatch");
    const controller = createScheduledController({ scheduledTime: Date.UTC(2026, 10, 22, 3, 17), cron: "17 3 * * *" });
    const ctx = createExecutionContext();
    await worker.scheduled(controller, env);
    await waitOnExecutionContext(ctx);
    expect(send).toHaveBeenCalledWith([{ body: { type: "maintenance.purge", window: "2026-11-22" } }, { body: { type: "duplicates.nightly", window: "2026-11-22" } }]);
    await worker.scheduled(createScheduledController({ scheduledTime: Date.UTC(2026, 10, 22, 3, 47), cron: "47 3 * * *" }), env);
    expect(send).toHaveBeenLastCalledWith([{ body: { type: "quality.nightly", window: "2026-11-22" } }]);
    send.mockRestore();
  });

  it("the consumer purges expired sessions and idempotency records, and is safe to run twice", async () => {
    const owner = await signUp();
    const past = Date.now() - 1000;
    await env.DB.prepare("UPDATE refresh_tokens SET expires_at = ? WHERE user_id = ?").bind(past, owner.userId).run();
    await call("POST", "/api/v1/api-keys", { token: owner.token, body: { name: "k", scope: "read" }, headers: { "idempotency-key": "old" } });
    await env.DB.prepare("UPDATE idempotency_keys SET expires_at = ?").bind(past).run();

    const messages = [
      { id: "m1", timestamp: new Date(), attempts: 1, body: { type: "maintenance.purge", window: "2026-11-22" } },
      { id: "m2", timestamp: new Date(), attempts: 1, body: { type: "maintenance.purge", window: "2026-11-22" } },
    ];
    const batch = createMessageBatch("rapport-jobs", messages);
    const ctx = createExecutionContext();
    await worker.queue(batch, env);
    const result = await getQueueResult(batch, ctx);
    expect(result.explicitAcks.sort()).toEqual(["m1", "m2"]);
    expect(result.retryMessages).toEqual([]);

    const tokens = await env.DB.prepare("SELECT COUNT(*) AS n FROM refresh_tokens WHERE user_id = ?").bind(owner.userId).first<{ n: number }>();
    const keys = await env.DB.prepare("SELECT COUNT(*) AS n FROM idempotency_keys").first<{ n: number }>();
    expect(tokens?.n).toBe(0);
    expect(keys?.n).toBe(0);
  });

  it("acknowledges a malformed message instead of retrying it forever", async () => {
    const batch = createMessageBatch("rapport-jobs", [{ id: "bad", timestamp: new Date(), attempts: 1, body: { type: "nope" } }]);
    const ctx = createExecutionContext();
    const error = vi.spyOn(console, "error").mockImplementation(() => undefined);
    await worker.queue(batch, env);
    const result = await getQueueResult(batch, ctx);
    expect(result.explicitAcks).toEqual(["bad"]);
    expect(error).toHaveBeenCalled();
    error.mockRestore();
  });
});

describe("the workspace hub", () => {
  it("streams numbered events to a connected WebSocket after a change is committed", async () => {
    const owner = await signUp();
    const res = await exports.default.fetch("http://localhost/api/v1/live", { headers: { upgrade: "websocket", authorization: `Bearer ${owner.token}` } });
    expect(res.status).toBe(101);
    const socket = res.webSocket;
    if (!socket) throw new Error("no socket");
    const frames: { type: string; seq: number; data?: { name?: string } }[] = [];
    socket.addEventListener("message", (event) => frames.push(JSON.parse(String(event.data))));
    socket.accept();
    await vi.waitFor(() => expect(frames[0]?.type).toBe("hello"));

    await call("PATCH", "/api/v1/workspace", { token: owner.token, body: { name: "Live one" } });
    await call("PATCH", "/api/v1/workspace", { token: owner.token, body: { name: "Live two" } });
    await vi.waitFor(() => expect(frames.filter((f) => f.type === "workspace.updated")).toHaveLength(2));
    const [first, second] = frames.filter((f) => f.type === "workspace.updated");
    expect(second?.seq).toBe((first?.seq ?? 0) + 1);
    expect(second?.data?.name).toBe("Live two");
    socket.close();
  });

  it("refuses anonymous and non-WebSocket requests", async () => {
    const owner = await signUp();
    expect((await call("GET", "/api/v1/live")).status).toBe(401);
    expect((await call("GET", "/api/v1/live", { token: owner.token })).status).toBe(422);
  });
});
