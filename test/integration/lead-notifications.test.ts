import { env, exports } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { handleJob } from "../../workers/jobs/consumer";
import { call, field, signUp, type Account } from "../helpers/api";

// A processed form submission with an owner tells that owner, once per submission, in their
// language; a notification that cannot be stored never fails the lead.

type FormJson = { id: string; public_key: string };
type Submission = { id: string; status: string; contact_id: string | null; deal_id: string | null };
type NotificationRow = { type: string; text: string; link: string | null; data: string };

let ipCounter = 0;
// Documentation addresses (RFC 5737), a new one per post so the rate limit never applies.
const freshIp = () => {
  ipCounter += 1;
  return `198.51.100.${(ipCounter % 250) + 1}`;
};

afterEach(() => {
  vi.restoreAllMocks();
});

async function fixedOwnerForm(owner: Account) {
  const pipelines = await call("GET", "/api/v1/pipelines", { token: owner.token });
  const stageId = field<string>(pipelines.json, "data", 0, "stages", 0, "id");
  const res = await call("POST", "/api/v1/forms", {
    token: owner.token,
    body: {
      name: "Demo request",
      fields: [{ field: "first_name" }, { field: "last_name" }, { field: "email", required: true }],
      allowed_origins: ["http://landing.test"],
      owner_mode: "fixed",
      owner_ids: [owner.userId],
      deal_stage_id: stageId,
      min_fill_seconds: 0,
    },
  });
  expect(res.status, res.text).toBe(201);
  return field<FormJson>(res.json);
}

function post(form: FormJson, body: Record<string, string>) {
  return exports.default.fetch(`http://localhost/f/${form.public_key}`, {
    method: "POST",
    headers: { "content-type": "application/json", origin: "http://landing.test", "cf-connecting-ip": freshIp() },
    body: JSON.stringify(body),
  });
}

async function submissionsOf(owner: Account, form: FormJson) {
  const res = await call("GET", `/api/v1/forms/${form.id}/submissions`, { token: owner.token });
  expect(res.status, res.text).toBe(200);
  return field<Submission[]>(res.json, "data");
}

async function leadNotifications(owner: Account) {
  const rows = await env.DB.prepare("SELECT type, text, link, data FROM notifications WHERE workspace_id = ? AND user_id = ? AND type = 'lead.assigned'")
    .bind(owner.workspaceId, owner.userId)
    .all<NotificationRow>();
  return rows.results;
}

describe("lead.assigned", () => {
  it("tells the form's fixed owner once, in their language, even when the submission is processed again", async () => {
    const owner = await signUp({ language: "lt", time_zone: "Europe/Vilnius" });
    const form = await fixedOwnerForm(owner);
    expect((await post(form, { first_name: "Ona", last_name: "Petraitė", email: "ona@lead.lt" })).status).toBe(201);
    const [submission] = await submissionsOf(owner, form);
    expect(submission?.status).toBe("processed");
    if (!submission?.contact_id) throw new Error("no contact");

    const told = await leadNotifications(owner);
    expect(told).toHaveLength(1);
    expect(told[0]?.text).toBe("Naujas potencialus klientas iš „Demo request“: Ona Petraitė");
    expect(told[0]?.link).toBe(`/contacts/${submission.contact_id}`);
    expect(JSON.parse(told[0]?.data ?? "{}")).toEqual({ submission_id: submission.id, form_id: form.id, contact_id: submission.contact_id, deal_id: submission.deal_id });

    // A duplicated queue message for a processed submission is skipped.
    await handleJob(env, { type: "form.process", submission_id: submission.id }, Date.now());
    // A processing that really runs again (as after a failure recorded late): the owner is
    // still told once, because the notification is keyed by the submission.
    await env.DB.prepare("UPDATE form_submissions SET status = 'failed' WHERE id = ?").bind(submission.id).run();
    await handleJob(env, { type: "form.process", submission_id: submission.id }, Date.now());
    await env.DB.prepare("UPDATE form_submissions SET status = 'failed' WHERE id = ?").bind(submission.id).run();
    await handleJob(env, { type: "form.process", submission_id: submission.id }, Date.now());
    expect((await submissionsOf(owner, form))[0]?.status).toBe("processed");
    expect(await leadNotifications(owner)).toHaveLength(1);
  });

  it("names a lead without a name by their email address", async () => {
    const owner = await signUp();
    const form = await fixedOwnerForm(owner);
    expect((await post(form, { email: "nameless@lead.lt" })).status).toBe(201);
    expect((await leadNotifications(owner)).map((row) => row.text)).toEqual(["New lead from Demo request: nameless@lead.lt"]);
  });

  it("keeps the lead processed when the notification cannot be stored", async () => {
    const owner = await signUp();
    const form = await fixedOwnerForm(owner);
    const logged = vi.spyOn(console, "error").mockImplementation(() => undefined);
    await env.DB.prepare("CREATE TRIGGER simulated_notification_outage BEFORE INSERT ON notifications BEGIN SELECT RAISE(ABORT, 'simulated outage'); END").run();
    try {
      expect((await post(form, { first_name: "Jonas", email: "jonas@lead.lt" })).status).toBe(201);
    } finally {
      await env.DB.prepare("DROP TRIGGER simulated_notification_outage").run();
    }
    const [submission] = await submissionsOf(owner, form);
    expect(submission?.status).toBe("processed");
    expect(submission?.contact_id).not.toBeNull();
    expect(await leadNotifications(owner)).toEqual([]);
    expect(logged.mock.calls.some(([text]) => text === "Lead owner not notified")).toBe(true);
  });
});
