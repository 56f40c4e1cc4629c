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

  describe("a campaign send given up on", () => {
    let sequence = 0;
    const id = (prefix: string) => `${prefix}_dl${Date.now().toString(36)}${String((sequence += 1)).padStart(6, "0")}`;

    async function campaignWith(account: Account, status: string, recipients: { status: string; claimedUntil?: number | null; error?: string | null }[]) {
      const campaignId = id("cpg");
      const now = Date.now();
      await env.DB.prepare(
        `INSERT INTO campaigns (id, workspace_id, name, from_name, from_address, status, recipient_count, sent_count, materialized_at, started_at, created_at, updated_at)
         VALUES (?, ?, 'News', 'Acme', 'news@acme.lt', ?, ?, ?, ?, ?, ?, ?)`,
      )
        .bind(campaignId, account.workspaceId, status, recipients.length, recipients.filter((r) => r.status === "sent").length, now, now, now, now)
        .run();
      const ids: string[] = [];
      for (const r of recipients) {
        const recipientId = id("rcp");
        ids.push(recipientId);
        await env.DB.prepare(
          `INSERT INTO campaign_recipients (id, workspace_id, campaign_id, contact_id, email, send_at, status, error, attempts, enqueued_at, claimed_until)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?)`,
        )
          .bind(recipientId, account.workspaceId, campaignId, id("con"), `${recipientId}@example.lt`, now, r.status, r.error ?? null, now, r.claimedUntil ?? null)
          .run();
      }
      return { campaignId, ids };
    }

    const statuses = async (ids: string[]) =>
      Promise.all(ids.map(async (rid) => env.DB.prepare("SELECT status, error FROM campaign_recipients WHERE id = ?").bind(rid).first<{ status: string; error: string | null }>()));

    it("marks its unsent, unleased recipients failed, counts them, and closes the campaign when nothing is left", async () => {
      const owner = await signUp();
      const done = await campaignWith(owner, "sending", [{ status: "queued" }, { status: "queued", error: "421 too busy" }, { status: "sent" }]);
      const result = await deadLetters([{ type: "campaign.send", campaign_id: done.campaignId, recipient_ids: done.ids }]);
      expect(result.explicitAcks).toEqual(["d0"]);
      const rows = await statuses(done.ids);
      expect(rows.map((r) => r?.status)).toEqual(["failed", "failed", "sent"]);
      expect(rows[0]?.error).toBe("Sending to this recipient failed repeatedly and was stopped.");
      expect(rows[1]?.error).toBe("Sending to this recipient failed repeatedly and was stopped. Last error: 421 too busy");
      const campaign = await call("GET", `/api/v1/campaigns/${done.campaignId}`, { token: owner.token });
      expect(field(campaign.json, "status")).toBe("sent");
      expect(field(campaign.json, "counts")).toMatchObject({ failed: 2, sent: 1 });

      // Delivered again (the DLQ is at least once too): nothing is counted twice.
      await deadLetters([{ type: "campaign.send", campaign_id: done.campaignId, recipient_ids: done.ids }]);
      expect(field((await call("GET", `/api/v1/campaigns/${done.campaignId}`, { token: owner.token })).json, "counts")).toMatchObject({ failed: 2, sent: 1 });
    });

    it("leaves recipients a live consumer holds, recipients of other messages, and paused campaigns alone", async () => {
      const owner = await signUp();
      const leased = await campaignWith(owner, "sending", [{ status: "queued" }, { status: "queued", claimedUntil: Date.now() + 60_000 }, { status: "queued", claimedUntil: Date.now() - 1 }, { status: "queued" }]);
      const paused = await campaignWith(owner, "paused", [{ status: "queued" }]);
      // The last recipient belongs to another message; another campaign's id in this message is ignored.
      await deadLetters([
        { type: "campaign.send", campaign_id: leased.campaignId, recipient_ids: [...leased.ids.slice(0, 3), ...paused.ids] },
        { type: "campaign.send", campaign_id: paused.campaignId, recipient_ids: paused.ids },
        { type: "campaign.materialize", campaign_id: leased.campaignId },
      ]);
      expect((await statuses(leased.ids)).map((r) => r?.status)).toEqual(["failed", "queued", "failed", "queued"]);
      expect((await statuses(paused.ids)).map((r) => r?.status)).toEqual(["queued"]);
      const campaign = await call("GET", `/api/v1/campaigns/${leased.campaignId}`, { token: owner.token });
      expect(field(campaign.json, "status")).toBe("sending");
      expect(field(campaign.json, "counts")).toMatchObject({ failed: 2 });
      expect(field(campaign.json, "materialized_at")).not.toBeNull();
      expect(field((await call("GET", `/api/v1/campaigns/${paused.campaignId}`, { token: owner.token })).json, "counts")).toMatchObject({ failed: 0 });
    });
  });
});
