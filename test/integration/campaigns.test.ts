import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { dispatchCampaign } from "../../workers/campaigns/dispatch";
import { RetryLater, sendCampaignBatch } from "../../workers/campaigns/send";
import { createDatabase } from "../../workers/db/client";
import { OutboxTransport } from "../../workers/email/outbox-transport";
import type { EmailTransport, OutgoingEmail, SendOutcome } from "../../workers/email/transport";
import type { JobMessage } from "../../workers/jobs/messages";
import { addMember, call, expectProblem, field, signUp, type Account } from "../helpers/api";
import { captureJobSends, deliverJobs, runScheduled } from "../helpers/queue";

// Campaigns end to end inside workerd: the API, materialisation, the minute tick and the
// `campaign.send` consumer, with sendBatch captured so each test decides when (and how often)
// the consumer sees a message. Delivery goes through the outbox transport; outbox rows per
// recipient are what the tests count (the SMTP proof is test/bench/campaign.mjs).

const minute = 60_000;
let sequence = 0;
const nextId = (prefix: string) => {
  sequence += 1;
  return `${prefix}_t${Date.now().toString(36)}${String(sequence).padStart(8, "0")}`;
};

afterEach(() => {
  vi.restoreAllMocks();
});

/** Delivers messages (and whatever they enqueue) until nothing of this campaign is left on the "queue". */
async function drain(sent: JobMessage[], campaignId: string, type: JobMessage["type"]) {
  for (let round = 0; round < 20; round++) {
    const mine = sent.filter((m) => m.type === type && "campaign_id" in m && m.campaign_id === campaignId);
    if (mine.length === 0) return;
    for (const m of mine) sent.splice(sent.indexOf(m), 1);
    await deliverJobs(mine);
  }
}

async function rows<T>(sql: string, ...params: unknown[]) {
  return (
    await env.DB.prepare(sql)
      .bind(...params)
      .all<T>()
  ).results;
}
async function count(sql: string, ...params: unknown[]) {
  const row = await env.DB.prepare(sql)
    .bind(...params)
    .first<{ n: number }>();
  return row?.n ?? 0;
}

type ContactSeed = { first: string; email: string | null; consent?: string; city?: string; language?: string | null; zone?: string | null; birthday?: string | null };

async function insertContacts(account: Account, people: ContactSeed[]): Promise<string[]> {
  const now = Date.now();
  const list = people.map((p, i) => ({
    id: nextId("con"),
    rowid: Math.floor(Math.random() * 1e12) + i,
    first: p.first,
    email: p.email,
    consent: p.consent ?? "granted",
    city: p.city ?? "Vilnius",
    language: p.language ?? null,
    zone: p.zone ?? null,
    birthday: p.birthday ?? null,
    created: now + i,
  }));
  for (let start = 0; start < list.length; start += 500) {
    await env.DB.prepare(
      `INSERT INTO contacts (id, workspace_id, search_rowid, first_name, name_sort, primary_email, lifecycle_stage, city, language, time_zone, birthday, consent_status, created_at, updated_at)
       SELECT json_extract(value, '$.id'), ?, json_extract(value, '$.rowid'), json_extract(value, '$.first'), lower(json_extract(value, '$.first')), json_extract(value, '$.email'), 'customer',
         json_extract(value, '$.city'), json_extract(value, '$.language'), json_extract(value, '$.zone'), json_extract(value, '$.birthday'), json_extract(value, '$.consent'),
         json_extract(value, '$.created'), json_extract(value, '$.created')
       FROM json_each(?)`,
    )
      .bind(account.workspaceId, JSON.stringify(list.slice(start, start + 500)))
      .run();
  }
  return list.map((c) => c.id);
}

async function insertSegment(account: Account, filter: unknown = { op: "and", conditions: [{ field: "city", op: "in", value: ["Vilnius"] }] }) {
  const id = nextId("seg");
  await env.DB.prepare("INSERT INTO segments (id, workspace_id, name, filter, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)")
    .bind(id, account.workspaceId, "Vilnius", JSON.stringify(filter), Date.now(), Date.now())
    .run();
  return id;
}

const variants = [
  { language: "en", subject: "News for {{first_name | default: \"you\"}}", html: "<p>Hello {{first_name}}</p><p><a href=\"{{unsubscribe_url}}\">Unsubscribe</a></p>" },
  { language: "lt", subject: "Naujienos, {{first_name}}: žiemos pasiūlymai", html: "<p>Labas, {{first_name}}!</p>" },
  { language: "ru", subject: "Новости для {{first_name}}: зимние предложения", html: "<p>Здравствуйте, {{first_name}}!</p>" },
];

async function insertTemplate(account: Account) {
  const id = nextId("tpl");
  await env.DB.prepare("INSERT INTO email_templates (id, workspace_id, name, default_language, created_at, updated_at) VALUES (?, ?, ?, 'en', ?, ?)")
    .bind(id, account.workspaceId, "Newsletter", Date.now(), Date.now())
    .run();
  for (const v of variants) {
    await env.DB.prepare("INSERT INTO email_template_variants (template_id, language, subject, html) VALUES (?, ?, ?, ?)").bind(id, v.language, v.subject, v.html).run();
  }
  return id;
}

async function createCampaign(account: Account, body: Record<string, unknown>) {
  const res = await call("POST", "/api/v1/campaigns", { token: account.token, body: { name: "November news", from_name: "Acme Baltic", from_address: "news@acme.lt", ...body } });
  if (res.status !== 201) throw new Error(`create failed: ${res.status} ${res.text}`);
  return field<string>(res.json, "id");
}

async function getCampaign(account: Account, id: string) {
  const res = await call("GET", `/api/v1/campaigns/${id}`, { token: account.token });
  expect(res.status).toBe(200);
  return res.json as { status: string; counts: Record<string, number>; version: number; materialized_at: string | null };
}

/** A transport's batch call made of single sends, each outcome its own (like the SMTP transport's). */
function oneByOne(send: (email: OutgoingEmail) => Promise<void>) {
  return async (emails: readonly OutgoingEmail[]): Promise<SendOutcome[]> => {
    const outcomes: SendOutcome[] = [];
    for (const email of emails) {
      try {
        await send(email);
        outcomes.push({ ok: true, alreadySent: false });
      } catch (error) {
        outcomes.push({ ok: false, error: error instanceof Error ? error.message : String(error) });
      }
    }
    return outcomes;
  };
}

const outboxPerRecipient = (account: Account) =>
  rows<{ to_address: string; n: number }>("SELECT to_address, COUNT(*) AS n FROM email_outbox WHERE workspace_id = ? AND kind = 'campaign' GROUP BY to_address", account.workspaceId);

/** A campaign scheduled "now" with its recipients listed: the materialize message delivered. */
async function startedCampaign(account: Account, sent: JobMessage[], extra: Record<string, unknown> = {}) {
  const segmentId = await insertSegment(account);
  const templateId = await insertTemplate(account);
  const id = await createCampaign(account, { segment_id: segmentId, template_id: templateId, ...extra });
  const scheduled = await call("POST", `/api/v1/campaigns/${id}/schedule`, { token: account.token, body: { mode: "now" } });
  expect(scheduled.status).toBe(200);
  expect(field(scheduled.json, "status")).toBe("sending");
  await drain(sent, id, "campaign.materialize");
  return id;
}

describe("campaign sending: materialise → tick → consumer", () => {
  it("a 1,000-contact segment with a third not consented gets exactly the consented ones, once each, in their language, with unsubscribe headers — also when every message arrives twice", async () => {
    const owner = await signUp();
    const sent = captureJobSends();
    const languages = ["lt", "ru", "en", "lv"];
    const people: ContactSeed[] = Array.from({ length: 1000 }, (_, i) => ({
      first: i % 4 === 0 ? "Žydrūnė" : i % 4 === 1 ? "Светлана" : `Person${i}`,
      email: `p${i}@example.lt`,
      consent: i % 3 === 0 ? (i % 2 === 0 ? "unknown" : "denied") : "granted",
      language: languages[i % 4] ?? null,
    }));
    // Not in the segment: another city.
    people.push({ first: "Outside", email: "outside@example.lt", city: "Kaunas" });
    await insertContacts(owner, people);
    const id = await startedCampaign(owner, sent);

    const listed = await getCampaign(owner, id);
    expect(listed.materialized_at).not.toBeNull();
    expect(listed.counts).toMatchObject({ recipients: 1000, skipped: 334, pending: 666, sent: 0 });
    expect(await count("SELECT COUNT(*) AS n FROM campaign_recipients WHERE campaign_id = ? AND status = 'skipped' AND skip_reason = 'no_consent'", id)).toBe(334);

    await runScheduled(Date.now());
    const sends = sent.filter((m): m is Extract<JobMessage, { type: "campaign.send" }> => m.type === "campaign.send" && m.campaign_id === id);
    expect(sends.length).toBe(7);
    expect(sends.every((m) => m.recipient_ids.length <= 100)).toBe(true);
    expect(new Set(sends.flatMap((m) => m.recipient_ids)).size).toBe(666);
    sent.length = 0;

    // Every message twice in one batch (they run at once), then the whole lot again.
    await deliverJobs([...sends, ...sends]);
    await deliverJobs(sends);

    const perRecipient = await outboxPerRecipient(owner);
    expect(perRecipient.length).toBe(666);
    expect(perRecipient.every((r) => r.n === 1)).toBe(true);
    const consented = people.flatMap((p, i) => (i < 1000 && p.consent === "granted" && p.email ? [p.email] : []));
    expect(perRecipient.map((r) => r.to_address).sort()).toEqual(consented.sort());

    const emails = await rows<{ to_address: string; subject: string; html: string; headers: string }>("SELECT to_address, subject, html, headers FROM email_outbox WHERE workspace_id = ? AND kind = 'campaign'", owner.workspaceId);
    const byAddress = new Map(emails.map((e) => [e.to_address, e]));
    expect(byAddress.get("p4@example.lt")?.subject).toBe("Naujienos, Žydrūnė: žiemos pasiūlymai");
    expect(byAddress.get("p1@example.lt")?.subject).toBe("Новости для Светлана: зимние предложения");
    expect(byAddress.get("p2@example.lt")?.subject).toBe("News for Person2");
    // Latvian has no variant: the template's default (English).
    expect(byAddress.get("p7@example.lt")?.subject).toBe("News for Person7");
    for (const email of emails) {
      const headers = JSON.parse(email.headers) as Record<string, string>;
      expect(headers["List-Unsubscribe"]).toMatch(/^<http:\/\/localhost\/u\/rcp_[a-z0-9]+\.[A-Za-z0-9_-]+>$/);
      expect(headers["List-Unsubscribe-Post"]).toBe("List-Unsubscribe=One-Click");
    }

    const done = await getCampaign(owner, id);
    expect(done.status).toBe("sent");
    expect(done.counts).toMatchObject({ recipients: 1000, sent: 666, skipped: 334, failed: 0, pending: 0 });
    const recipients = await call("GET", `/api/v1/campaigns/${id}/recipients?status=skipped&limit=5`, { token: owner.token });
    expect(recipients.status).toBe(200);
    expect(field<{ skip_reason: string }[]>(recipients.json, "data").map((r) => r.skip_reason)).toEqual(["no_consent", "no_consent", "no_consent", "no_consent", "no_consent"]);
    expect(field(recipients.json, "next_cursor")).toEqual(expect.any(String));
  });

  it("is handed to the sends queue as soon as it is listed, without waiting for a minute tick, and campaign sends never share the jobs queue", async () => {
    const owner = await signUp();
    const sent = captureJobSends();
    await insertContacts(
      owner,
      Array.from({ length: 1200 }, (_, i) => ({ first: `D${i}`, email: `dispatch${i}@example.lt` })),
    );
    const id = await startedCampaign(owner, sent);
    // The listing asked for dispatch itself (after its first page and when it finished).
    expect(sent.filter((m) => m.type === "campaign.dispatch" && m.campaign_id === id).length).toBeGreaterThanOrEqual(1);
    await drain(sent, id, "campaign.dispatch");
    const sends = sent.filter((m): m is Extract<JobMessage, { type: "campaign.send" }> => m.type === "campaign.send" && m.campaign_id === id);
    expect(sends.every((m) => m.recipient_ids.length <= 100)).toBe(true);
    expect(new Set(sends.flatMap((m) => m.recipient_ids)).size).toBe(1200);
    expect(await count("SELECT COUNT(*) AS n FROM campaign_recipients WHERE campaign_id = ? AND status = 'pending'", id)).toBe(0);
    const typesOn = (queue: Queue) => vi.mocked(queue.sendBatch).mock.calls.flatMap(([batch]) => [...batch].map((m) => (m.body as JobMessage).type));
    expect(typesOn(env.CAMPAIGN_SENDS).every((type) => type === "campaign.send")).toBe(true);
    expect(typesOn(env.JOBS)).not.toContain("campaign.send");

    await deliverJobs(sends);
    const done = await getCampaign(owner, id);
    expect(done.status).toBe("sent");
    expect(done.counts).toMatchObject({ recipients: 1200, sent: 1200, pending: 0 });
  });

  it("two deliveries of a message running at once and a consumer failing half-way still hand each recipient to the transport exactly once", async () => {
    const owner = await signUp();
    const sent = captureJobSends();
    await insertContacts(
      owner,
      Array.from({ length: 100 }, (_, i) => ({ first: `P${i}`, email: `half${i}@example.lt` })),
    );
    const id = await startedCampaign(owner, sent);
    await runScheduled(Date.now());
    const [message] = sent.filter((m): m is Extract<JobMessage, { type: "campaign.send" }> => m.type === "campaign.send" && m.campaign_id === id);
    if (!message) throw new Error("no send message");

    const db = createDatabase(env.DB);
    const delivered = new Map<string, number>();
    let calls = 0;
    // Fails once, on the 45th email, as a broken connection would.
    const send = async (email: OutgoingEmail) => {
      calls += 1;
      if (calls === 45) throw new Error("421 connection lost");
      delivered.set(email.dedupeKey, (delivered.get(email.dedupeKey) ?? 0) + 1);
      await new OutboxTransport(db).send(email);
    };
    const flaky: EmailTransport = { send, sendMany: oneByOne(send) };
    // Both copies at once: one leases the recipients, the other finds them held and asks for a retry.
    const results = await Promise.allSettled([
      sendCampaignBatch(env, db, id, message.recipient_ids, Date.now(), flaky),
      sendCampaignBatch(env, db, id, message.recipient_ids, Date.now(), flaky),
    ]);
    expect(results.filter((r) => r.status === "rejected").every((r) => r.status === "rejected" && r.reason instanceof RetryLater)).toBe(true);
    expect(delivered.size).toBe(99);
    expect(await count("SELECT COUNT(*) AS n FROM campaign_recipients WHERE campaign_id = ? AND status = 'sent'", id)).toBe(99);
    const failedOne = await rows<{ error: string; status: string }>("SELECT error, status FROM campaign_recipients WHERE campaign_id = ? AND status <> 'sent'", id);
    expect(failedOne).toEqual([{ error: "421 connection lost", status: "queued" }]);

    // The queue's redelivery sends only the one that failed.
    await sendCampaignBatch(env, db, id, message.recipient_ids, Date.now(), flaky);
    expect(delivered.size).toBe(100);
    expect([...delivered.values()].every((n) => n === 1)).toBe(true);
    expect((await outboxPerRecipient(owner)).every((r) => r.n === 1)).toBe(true);
    const done = await getCampaign(owner, id);
    expect(done.status).toBe("sent");
    expect(done.counts).toMatchObject({ sent: 100, failed: 0, pending: 0 });
  });

  it("a recipient whose sends keep failing is marked failed with the error after the last attempt", async () => {
    const owner = await signUp();
    const sent = captureJobSends();
    await insertContacts(owner, [{ first: "Bounce", email: "bounce@example.lt" }]);
    const id = await startedCampaign(owner, sent);
    await runScheduled(Date.now());
    const ids = sent.flatMap((m) => (m.type === "campaign.send" && m.campaign_id === id ? m.recipient_ids : []));
    const db = createDatabase(env.DB);
    const fail = async () => {
      throw new Error("451 try again later");
    };
    const broken: EmailTransport = { send: fail, sendMany: oneByOne(fail) };
    for (let attempt = 1; attempt < 5; attempt++) await expect(sendCampaignBatch(env, db, id, ids, Date.now(), broken)).rejects.toBeInstanceOf(RetryLater);
    await sendCampaignBatch(env, db, id, ids, Date.now(), broken);
    expect(await rows("SELECT status, error, attempts FROM campaign_recipients WHERE campaign_id = ?", id)).toEqual([{ status: "failed", error: "451 try again later", attempts: 5 }]);
    const done = await getCampaign(owner, id);
    expect(done.counts).toMatchObject({ failed: 1, sent: 0, pending: 0 });
    expect(done.status).toBe("sent");
  });

  it("an address the server refuses outright is failed at once, suppressed as bounced, skipped by the next campaign, and the contact's history says so", async () => {
    const owner = await signUp();
    const sent = captureJobSends();
    const [gone, here] = await insertContacts(owner, [
      { first: "Gone", email: "Gone@Example.lt" },
      { first: "Here", email: "here@example.lt" },
    ]);
    const id = await startedCampaign(owner, sent);
    await runScheduled(Date.now());
    const ids = sent.flatMap((m) => (m.type === "campaign.send" && m.campaign_id === id ? m.recipient_ids : []));
    const server: EmailTransport = {
      send: async () => undefined,
      sendMany: async (emails) => emails.map((email) => (email.to.toLowerCase() === "gone@example.lt" ? { ok: false, error: "550 5.1.1 no such user", final: true, bounced: true } : { ok: true, alreadySent: false })),
    };
    await sendCampaignBatch(env, createDatabase(env.DB), id, ids, Date.now(), server);
    expect(await rows("SELECT email, status, error, attempts FROM campaign_recipients WHERE campaign_id = ? ORDER BY email", id)).toEqual([
      { email: "gone@example.lt", status: "failed", error: "550 5.1.1 no such user", attempts: 1 },
      { email: "here@example.lt", status: "sent", error: null, attempts: 1 },
    ]);
    expect(await rows("SELECT email, reason, source FROM email_suppressions WHERE workspace_id = ?", owner.workspaceId)).toEqual([{ email: "gone@example.lt", reason: "bounced", source: `bounce:${id}` }]);

    const next = await startedCampaign(owner, sent);
    expect(await rows("SELECT email, status, skip_reason FROM campaign_recipients WHERE campaign_id = ? ORDER BY email", next)).toEqual([
      { email: "gone@example.lt", status: "skipped", skip_reason: "bounced" },
      { email: "here@example.lt", status: "pending", skip_reason: null },
    ]);

    // The contact page's history: newest first, what happened each time, a page at a time.
    const first = await call("GET", `/api/v1/contacts/${gone}/campaigns?limit=1`, { token: owner.token });
    expect(first.status, first.text).toBe(200);
    expect(field(first.json, "data")).toEqual([expect.objectContaining({ campaign_id: next, status: "skipped", skip_reason: "bounced", sent_at: null, email: "gone@example.lt" })]);
    const second = await call("GET", `/api/v1/contacts/${gone}/campaigns?limit=1&cursor=${field<string>(first.json, "next_cursor")}`, { token: owner.token });
    expect(field(second.json, "data")).toEqual([expect.objectContaining({ campaign_id: id, status: "failed", error: "550 5.1.1 no such user", campaign_status: "sent", tracking_enabled: false })]);
    expect(field(second.json, "next_cursor")).toBeNull();
    const viewer = await addMember(owner, "viewer");
    expect((await call("GET", `/api/v1/contacts/${here}/campaigns`, { token: viewer.token })).status).toBe(200);
    expectProblem(await call("GET", `/api/v1/contacts/${gone}/campaigns`, { token: (await signUp()).token }), 404);
  });

  it("pause stops the send (queued messages deliver nothing), resume finishes it, and nobody gets two emails", async () => {
    const owner = await signUp();
    const sent = captureJobSends();
    await insertContacts(
      owner,
      Array.from({ length: 250 }, (_, i) => ({ first: `P${i}`, email: `pause${i}@example.lt` })),
    );
    const id = await startedCampaign(owner, sent);
    await runScheduled(Date.now());
    const firstWave = sent.filter((m) => m.type === "campaign.send" && m.campaign_id === id);
    expect(firstWave.length).toBe(3);
    sent.length = 0;
    // The first message goes out; then the campaign is paused with two still on the queue.
    await deliverJobs(firstWave.slice(0, 1));
    const paused = await call("POST", `/api/v1/campaigns/${id}/pause`, { token: owner.token });
    expect(field(paused.json, "status")).toBe("paused");
    await deliverJobs(firstWave.slice(1));
    expect((await outboxPerRecipient(owner)).length).toBe(100);
    expect(await count("SELECT COUNT(*) AS n FROM campaign_recipients WHERE campaign_id = ? AND status = 'pending'", id)).toBe(150);
    // A paused campaign is not claimed from.
    await runScheduled(Date.now());
    expect(sent.filter((m) => m.type === "campaign.send" && m.campaign_id === id)).toEqual([]);
    expectProblem(await call("PATCH", `/api/v1/campaigns/${id}`, { token: owner.token, body: { segment_id: null } }), 409, "campaign_not_editable");

    const resumed = await call("POST", `/api/v1/campaigns/${id}/resume`, { token: owner.token });
    expect(field(resumed.json, "status")).toBe("sending");
    await runScheduled(Date.now());
    const secondWave = sent.filter((m) => m.type === "campaign.send" && m.campaign_id === id);
    expect(secondWave.length).toBe(2);
    await deliverJobs(secondWave);
    // The messages from before the pause, delivered late, send nothing more.
    await deliverJobs(firstWave);
    const perRecipient = await outboxPerRecipient(owner);
    expect(perRecipient.length).toBe(250);
    expect(perRecipient.every((r) => r.n === 1)).toBe(true);
    expect((await getCampaign(owner, id)).status).toBe("sent");
  });

  it("cancel skips everyone not yet sent, and a throttle limits what a tick hands out", async () => {
    const owner = await signUp();
    const sent = captureJobSends();
    await insertContacts(
      owner,
      Array.from({ length: 120 }, (_, i) => ({ first: `P${i}`, email: `slow${i}@example.lt` })),
    );
    const id = await startedCampaign(owner, sent, { throttle_per_minute: 50 });
    const now = Date.now();
    await runScheduled(now);
    expect(sent.filter((m) => m.type === "campaign.send" && m.campaign_id === id).flatMap((m) => (m.type === "campaign.send" ? m.recipient_ids : [])).length).toBe(50);
    // Within the same minute the throttle is used up.
    sent.length = 0;
    await runScheduled(now + 10_000);
    expect(sent.filter((m) => m.type === "campaign.send" && m.campaign_id === id)).toEqual([]);
    const cancelled = await call("POST", `/api/v1/campaigns/${id}/cancel`, { token: owner.token });
    expect(field(cancelled.json, "status")).toBe("cancelled");
    expect(field(cancelled.json, "counts")).toMatchObject({ recipients: 120, skipped: 120, pending: 0 });
    expect(await count("SELECT COUNT(*) AS n FROM campaign_recipients WHERE campaign_id = ? AND skip_reason = 'cancelled'", id)).toBe(120);
    const audit = await rows<{ action: string }>("SELECT action FROM audit_log WHERE entity_id = ? ORDER BY at, id", id);
    expect(audit.map((a) => a.action)).toEqual(["campaign.created", "campaign.scheduled", "campaign.cancelled"]);
  });

  it("a throttle holds when the minute tick and dispatch jobs hand out at the same moment", async () => {
    const owner = await signUp();
    const sent = captureJobSends();
    await insertContacts(
      owner,
      Array.from({ length: 300 }, (_, i) => ({ first: `R${i}`, email: `race${i}@example.lt` })),
    );
    const id = await startedCampaign(owner, sent, { throttle_per_minute: 100 });
    const db = createDatabase(env.DB);
    const now = Date.now();
    await Promise.all([runScheduled(now), dispatchCampaign(env, db, id, now), dispatchCampaign(env, db, id, now), dispatchCampaign(env, db, id, now)]);
    expect(await count("SELECT COUNT(*) AS n FROM campaign_recipients WHERE campaign_id = ? AND status = 'queued'", id)).toBe(100);
    expect(new Set(sent.flatMap((m) => (m.type === "campaign.send" && m.campaign_id === id ? m.recipient_ids : []))).size).toBe(100);
  });

  it("skips suppressed addresses and contacts without an email, and re-checks consent at send time", async () => {
    const owner = await signUp();
    const sent = captureJobSends();
    const [, , changesMind] = await insertContacts(owner, [
      { first: "Gone", email: "gone@example.lt" },
      { first: "NoMail", email: null },
      { first: "Changes", email: "changes@example.lt" },
      { first: "Stays", email: "stays@example.lt" },
    ]);
    await env.DB.prepare("INSERT INTO email_suppressions (workspace_id, email, reason, created_at) VALUES (?, 'gone@example.lt', 'unsubscribed', ?)").bind(owner.workspaceId, Date.now()).run();
    const id = await startedCampaign(owner, sent);
    expect(await rows("SELECT email, status, skip_reason FROM campaign_recipients WHERE campaign_id = ? ORDER BY email", id)).toEqual([
      { email: null, status: "skipped", skip_reason: "no_email" },
      { email: "changes@example.lt", status: "pending", skip_reason: null },
      { email: "gone@example.lt", status: "skipped", skip_reason: "unsubscribed" },
      { email: "stays@example.lt", status: "pending", skip_reason: null },
    ]);
    await runScheduled(Date.now());
    // Consent withdrawn between listing and sending.
    await env.DB.prepare("UPDATE contacts SET consent_status = 'denied' WHERE id = ?").bind(changesMind).run();
    await drain(sent, id, "campaign.send");
    expect((await outboxPerRecipient(owner)).map((r) => r.to_address)).toEqual(["stays@example.lt"]);
    expect((await getCampaign(owner, id)).counts).toMatchObject({ recipients: 4, sent: 1, skipped: 3, pending: 0 });
  });
});

describe("campaign scheduling at a local hour", () => {
  it("sends at 10:00 on each recipient's own clock in Vilnius, Ljubljana, Moscow and London, across the March and October DST changes", async () => {
    const owner = await signUp({ time_zone: "Europe/Vilnius" });
    const sent = captureJobSends();
    const zones = ["Europe/Vilnius", "Europe/Ljubljana", "Europe/Moscow", "Europe/London", null, "Not/AZone"];
    await insertContacts(
      owner,
      zones.map((zone, i) => ({ first: `Z${i}`, email: `zone${i}@example.lt`, zone })),
    );
    const segmentId = await insertSegment(owner);
    const templateId = await insertTemplate(owner);
    const expected: Record<string, Record<string, string>> = {
      // Saturday before the EU spring change: EET, CET, MSK, GMT.
      "2027-03-27": { "zone0@example.lt": "08:00", "zone1@example.lt": "09:00", "zone2@example.lt": "07:00", "zone3@example.lt": "10:00", "zone4@example.lt": "08:00", "zone5@example.lt": "08:00" },
      // The change itself (01:00 UTC): EEST, CEST, MSK, BST.
      "2027-03-28": { "zone0@example.lt": "07:00", "zone1@example.lt": "08:00", "zone2@example.lt": "07:00", "zone3@example.lt": "09:00", "zone4@example.lt": "07:00", "zone5@example.lt": "07:00" },
      // The autumn change: back to EET, CET, GMT; Moscow never moves.
      "2027-10-31": { "zone0@example.lt": "08:00", "zone1@example.lt": "09:00", "zone2@example.lt": "07:00", "zone3@example.lt": "10:00", "zone4@example.lt": "08:00", "zone5@example.lt": "08:00" },
    };
    for (const [date, times] of Object.entries(expected)) {
      const id = await createCampaign(owner, { segment_id: segmentId, template_id: templateId });
      const scheduled = await call("POST", `/api/v1/campaigns/${id}/schedule`, { token: owner.token, body: { mode: "local_time", local_date: date, local_time: "10:00" } });
      expect(scheduled.status).toBe(200);
      expect(field(scheduled.json, "status")).toBe("scheduled");
      const startAt = Date.parse(field<string>(scheduled.json, "scheduled_at"));
      // Nothing starts before the hour first comes anywhere (UTC+14).
      await runScheduled(startAt - minute);
      expect((await getCampaign(owner, id)).status).toBe("scheduled");
      await runScheduled(startAt);
      expect((await getCampaign(owner, id)).status).toBe("sending");
      await drain(sent, id, "campaign.materialize");
      const got = await rows<{ email: string; send_at: number }>("SELECT email, send_at FROM campaign_recipients WHERE campaign_id = ? ORDER BY email", id);
      expect(Object.fromEntries(got.map((r) => [r.email, new Date(r.send_at).toISOString()]))).toEqual(
        Object.fromEntries(Object.entries(times).map(([email, utc]) => [email, `${date}T${utc}:00.000Z`])),
      );
      // Not due yet, so the tick that started it hands nobody out.
      expect(sent.filter((m) => m.type === "campaign.send" && m.campaign_id === id)).toEqual([]);
      await call("POST", `/api/v1/campaigns/${id}/cancel`, { token: owner.token });
    }
  });

  it("moves a send out of each recipient's quiet hours", async () => {
    const owner = await signUp({ time_zone: "Europe/Vilnius" });
    const sent = captureJobSends();
    await insertContacts(owner, [
      { first: "V", email: "q-vilnius@example.lt", zone: "Europe/Vilnius" },
      { first: "L", email: "q-london@example.lt", zone: "Europe/London" },
      { first: "M", email: "q-moscow@example.lt", zone: "Europe/Moscow" },
    ]);
    const id = await createCampaign(owner, { segment_id: await insertSegment(owner), template_id: await insertTemplate(owner), quiet_start: "21:00", quiet_end: "08:00" });
    const at = "2027-01-15T05:00:00.000Z";
    expect((await call("POST", `/api/v1/campaigns/${id}/schedule`, { token: owner.token, body: { mode: "at", at } })).status).toBe(200);
    await runScheduled(Date.parse(at));
    await drain(sent, id, "campaign.materialize");
    const got = await rows<{ email: string; send_at: number }>("SELECT email, send_at FROM campaign_recipients WHERE campaign_id = ? ORDER BY email", id);
    expect(Object.fromEntries(got.map((r) => [r.email, new Date(r.send_at).toISOString()]))).toEqual({
      // 07:00 in Vilnius is quiet → 08:00 EET; 05:00 in London → 08:00 GMT; 08:00 in Moscow is not quiet.
      "q-vilnius@example.lt": "2027-01-15T06:00:00.000Z",
      "q-london@example.lt": "2027-01-15T08:00:00.000Z",
      "q-moscow@example.lt": "2027-01-15T05:00:00.000Z",
    });
  });

  it("greets contacts on their birthday at the chosen local hour, once a year", async () => {
    const owner = await signUp({ time_zone: "Europe/Vilnius" });
    const sent = captureJobSends();
    const now = Date.now();
    const today = new Date(now + 3 * 3600_000).toISOString().slice(5, 10); // Vilnius is UTC+2/+3; good enough away from midnight
    const otherDay = today === "06-15" ? "07-15" : "06-15";
    await insertContacts(owner, [
      { first: "Today", email: "bday@example.lt", zone: "Europe/Vilnius", birthday: `1990-${today}` },
      { first: "Other", email: "other@example.lt", zone: "Europe/Vilnius", birthday: `1990-${otherDay}` },
    ]);
    const localHour = new Intl.DateTimeFormat("en-GB", { timeZone: "Europe/Vilnius", hour: "2-digit", hourCycle: "h23" }).format(now);
    if (localHour === "00" || localHour === "23") return; // the "today" above would be ambiguous
    const id = await createCampaign(owner, { kind: "birthday", segment_id: await insertSegment(owner), template_id: await insertTemplate(owner), send_local_time: "09:00" });
    const scheduled = await call("POST", `/api/v1/campaigns/${id}/schedule`, { token: owner.token, body: { mode: "local_time", local_time: "09:00" } });
    expect(scheduled.status).toBe(200);
    expect(field(scheduled.json, "status")).toBe("sending");
    const materialize = sent.filter((m) => m.type === "campaign.materialize" && m.campaign_id === id);
    await deliverJobs(materialize);
    await deliverJobs(materialize);
    const year = Number(new Intl.DateTimeFormat("en-GB", { timeZone: "Europe/Vilnius", year: "numeric" }).format(now));
    expect(await rows("SELECT email, year, status FROM campaign_recipients WHERE campaign_id = ?", id)).toEqual([{ email: "bday@example.lt", year, status: "pending" }]);
  });
});

describe("campaigns API", () => {
  it("refuses bad input with 4xx and pointers, and keeps status rules", async () => {
    const owner = await signUp();
    const base = { name: "X", from_name: "Acme", from_address: "news@acme.lt" };
    expectProblem(await call("POST", "/api/v1/campaigns", { token: owner.token, body: { ...base, from_address: "not-an-email" } }), 422);
    expectProblem(await call("POST", "/api/v1/campaigns", { token: owner.token, body: { ...base, colour: "red" } }), 422);
    const quiet = expectProblem(await call("POST", "/api/v1/campaigns", { token: owner.token, body: { ...base, quiet_start: "21:00" } }), 422);
    expect(quiet.errors).toEqual([expect.objectContaining({ pointer: "/quiet_end" })]);
    const unknown = expectProblem(await call("POST", "/api/v1/campaigns", { token: owner.token, body: { ...base, segment_id: "seg_nope" } }), 422);
    expect(unknown.errors).toEqual([expect.objectContaining({ pointer: "/segment_id", code: "unknown_segment" })]);
    expectProblem(await call("POST", "/api/v1/campaigns", { token: owner.token, body: { ...base, throttle_per_minute: 0 } }), 422);
    expectProblem(await call("POST", "/api/v1/campaigns", { token: owner.token, body: { ...base, quiet_start: "25:00", quiet_end: "08:00" } }), 422);

    const draft = await createCampaign(owner, {});
    const incomplete = expectProblem(await call("POST", `/api/v1/campaigns/${draft}/schedule`, { token: owner.token, body: { mode: "now" } }), 422, "campaign_incomplete");
    expect(incomplete.errors).toEqual([expect.objectContaining({ pointer: "/segment_id" }), expect.objectContaining({ pointer: "/template_id" })]);

    const templateId = await insertTemplate(owner);
    const empty = await createCampaign(owner, { segment_id: await insertSegment(owner, { op: "and", conditions: [{ field: "city", op: "in", value: ["Nowhere"] }] }), template_id: templateId });
    expectProblem(await call("POST", `/api/v1/campaigns/${empty}/schedule`, { token: owner.token, body: { mode: "now" } }), 422, "empty_segment");
    await insertContacts(owner, [{ first: "No", email: "no@example.lt", consent: "denied" }]);
    const nobody = await createCampaign(owner, { segment_id: await insertSegment(owner), template_id: templateId });
    expectProblem(await call("POST", `/api/v1/campaigns/${nobody}/schedule`, { token: owner.token, body: { mode: "now" } }), 422, "no_consented_recipients");
    const missing = expectProblem(await call("POST", `/api/v1/campaigns/${nobody}/schedule`, { token: owner.token, body: { mode: "local_time", local_time: "10:00" } }), 422);
    expect(missing.errors).toEqual([expect.objectContaining({ pointer: "/local_date" })]);
    expectProblem(await call("POST", `/api/v1/campaigns/${nobody}/schedule`, { token: owner.token, body: { mode: "at", at: "2020-01-01T00:00:00Z" } }), 422);
    expectProblem(await call("POST", `/api/v1/campaigns/${nobody}/schedule`, { token: owner.token, body: { mode: "later" } }), 422);
    expectProblem(await call("POST", `/api/v1/campaigns/${nobody}/schedule`, { token: owner.token, body: { mode: "local_time", local_date: "2027-02-30", local_time: "10:00" } }), 422);
    expectProblem(await call("POST", `/api/v1/campaigns/${draft}/pause`, { token: owner.token }), 409, "campaign_not_sending");
    expectProblem(await call("POST", `/api/v1/campaigns/${draft}/resume`, { token: owner.token }), 409, "campaign_not_paused");
    expectProblem(await call("POST", `/api/v1/campaigns/${draft}/cancel`, { token: owner.token }), 409);
    expectProblem(await call("GET", `/api/v1/campaigns/${draft}/recipients?cursor=nonsense`, { token: owner.token }), 422);
    expectProblem(await call("GET", `/api/v1/campaigns/${draft}/recipients?status=lost`, { token: owner.token }), 422);
    expectProblem(await call("PATCH", `/api/v1/campaigns/${draft}`, { token: owner.token, body: { name: "Y" }, headers: { "if-match": '"99"' } }), 412);
    const renamed = await call("PATCH", `/api/v1/campaigns/${draft}`, { token: owner.token, body: { name: "Renamed" } });
    expect(renamed.status).toBe(200);
    expect(renamed.headers.get("etag")).toBe('"2"');
    expect((await call("DELETE", `/api/v1/campaigns/${draft}`, { token: owner.token })).status).toBe(204);
    expectProblem(await call("GET", `/api/v1/campaigns/${draft}`, { token: owner.token }), 404);
  });

  it("viewers read but cannot write; another workspace's campaign is a 404; test send goes to the caller", async () => {
    const owner = await signUp();
    const viewer = await addMember(owner, "viewer");
    const stranger = await signUp();
    const templateId = await insertTemplate(owner);
    const id = await createCampaign(owner, { template_id: templateId });
    expect((await call("GET", `/api/v1/campaigns/${id}`, { token: viewer.token })).status).toBe(200);
    expect((await call("GET", "/api/v1/campaigns", { token: viewer.token })).status).toBe(200);
    expectProblem(await call("POST", "/api/v1/campaigns", { token: viewer.token, body: { name: "X", from_name: "A", from_address: "a@acme.lt" } }), 403);
    expectProblem(await call("POST", `/api/v1/campaigns/${id}/schedule`, { token: viewer.token, body: { mode: "now" } }), 403);
    expectProblem(await call("GET", `/api/v1/campaigns/${id}`, { token: stranger.token }), 404);
    expectProblem(await call("GET", `/api/v1/campaigns/${id}/recipients`, { token: stranger.token }), 404);
    expectProblem(await call("PATCH", `/api/v1/campaigns/${id}`, { token: stranger.token, body: { name: "Mine" } }), 404);
    expectProblem(await call("POST", `/api/v1/campaigns/${id}/test`, { token: stranger.token, body: {} }), 404);

    const test = await call("POST", `/api/v1/campaigns/${id}/test`, { token: owner.token, body: { language: "lt" } });
    expect(test.status).toBe(202);
    expect(test.json).toMatchObject({ to: owner.email, language: "lt", subject: "Naujienos, Ona: žiemos pasiūlymai" });
    expect(await count("SELECT COUNT(*) AS n FROM email_outbox WHERE workspace_id = ? AND kind = 'campaign.test' AND to_address = ?", owner.workspaceId, owner.email)).toBe(1);
    const list = await call("GET", "/api/v1/campaigns", { token: owner.token });
    expect(field<{ id: string }[]>(list.json, "data").map((c) => c.id)).toEqual([id]);
  });

  it("deleting the workspace deletes its campaigns and their recipients", async () => {
    const owner = await signUp({ workspace_name: "Short lived" });
    // Without a segment or template (those are the segments/templates module's to delete): a
    // campaign and a recipient row are this module's part of the workspace.
    const id = await createCampaign(owner, {});
    const [contactId] = await insertContacts(owner, [{ first: "A", email: "a-del@example.lt" }]);
    await env.DB.prepare("INSERT INTO campaign_recipients (id, workspace_id, campaign_id, contact_id, email, send_at, status) VALUES (?, ?, ?, ?, 'a-del@example.lt', 0, 'pending')")
      .bind(nextId("rcp"), owner.workspaceId, id, contactId)
      .run();
    expect(await count("SELECT COUNT(*) AS n FROM campaign_recipients WHERE campaign_id = ?", id)).toBe(1);
    expect((await call("DELETE", "/api/v1/workspace?confirm=Short%20lived", { token: owner.token })).status).toBe(204);
    expect(await count("SELECT COUNT(*) AS n FROM campaign_recipients WHERE workspace_id = ?", owner.workspaceId)).toBe(0);
    expect(await count("SELECT COUNT(*) AS n FROM campaigns WHERE workspace_id = ?", owner.workspaceId)).toBe(0);
  });
});
