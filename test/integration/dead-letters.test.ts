import { createExecutionContext, createMessageBatch, getQueueResult } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it, vi } from "vitest";
import worker from "../../workers/index";
import { call, field, signUp, type Account } from "../helpers/api";

// What the jobs queue gives up on arrives on its dead-letter queue; work a person waits for is
// then marked failed rather than left "running".

async function deadLetters(bodies: unknown[]) {
  const batch = createMessageBatch(
    "rapport-jobs-dlq",
    bodies.map((body, i) => ({ id: `d${i}`, timestamp: new Date(), attempts: 6, body })),
  );
  const ctx = createExecutionContext();
  await worker.queue(batch, env);
  return getQueueResult(batch, ctx);
}

async function started(account: Account, path: string, body?: unknown, rawBody?: FormData): Promise<string> {
  const res = await call("POST", path, { token: account.token, ...(body === undefined ? {} : { body }), ...(rawBody ? { rawBody } : {}) });
  expect(res.status, res.text).toBe(202);
  return field<string>(res.json, "id");
}

describe("the dead-letter queue", () => {
  it("marks an import, an export, a duplicate scan and an audit that were given up on as failed", async () => {
    // Keep the real jobs from running: only the dead letters move these.
    const send = vi.spyOn(env.JOBS, "sendBatch").mockResolvedValue({ metadata: { metrics: { backlogCount: 0, backlogBytes: 0, oldestMessageTimestamp: new Date(0) } } });
    const send1 = vi.spyOn(env.JOBS, "send").mockResolvedValue({ metadata: { metrics: { backlogCount: 0, backlogBytes: 0, oldestMessageTimestamp: new Date(0) } } });
    const owner = await signUp();
    const form = new FormData();
    form.set("file", new File(["Vardas;El. paštas\nJonas;jonas@example.lt\n"], "k.csv", { type: "text/csv" }));
    const importId = await started(owner, "/api/v1/imports", undefined, form);
    const exportId = await started(owner, "/api/v1/exports", { entity: "contacts", format: "csv", filters: {} });
    const scanId = await started(owner, "/api/v1/duplicates/scan");
    const auditId = await started(owner, "/api/v1/audits/run");
    send.mockRestore();
    send1.mockRestore();

    const result = await deadLetters([
      { type: "import.run", import_id: importId },
      { type: "export.run", export_id: exportId },
      { type: "duplicates.scan", scan_id: scanId },
      { type: "quality.audit", audit_id: auditId },
      { type: "task.remind", reminder_id: "rem_gone" },
      { type: "not a job" },
    ]);
    expect(result.explicitAcks.sort()).toEqual(["d0", "d1", "d2", "d3", "d4", "d5"]);
    for (const path of [`/api/v1/imports/${importId}`, `/api/v1/exports/${exportId}`, `/api/v1/duplicates/scans/${scanId}`, `/api/v1/audits/${auditId}`]) {
      const res = await call("GET", path, { token: owner.token });
      expect(field(res.json, "status"), path).toBe("failed");
      expect(field<string>(res.json, "error"), path).toContain("failed repeatedly");
    }
  });

  it("leaves finished work alone", async () => {
    const owner = await signUp();
    const res = await call("POST", "/api/v1/exports", { token: owner.token, body: { entity: "contacts", format: "csv", filters: {} } });
    const id = field<string>(res.json, "id");
    await env.DB.prepare("UPDATE exports SET status = 'done', finished_at = ? WHERE id = ?").bind(Date.now(), id).run();
    await deadLetters([{ type: "export.run", export_id: id }]);
    expect(field((await call("GET", `/api/v1/exports/${id}`, { token: owner.token })).json, "status")).toBe("done");
  });
});
