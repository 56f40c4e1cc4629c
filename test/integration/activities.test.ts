import { env, exports } from "cloudflare:workers";
import { and, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { latestActivitySql, latestContactActivitySql } from "../../workers/activities/latest-activity";
import { createDatabase } from "../../workers/db/client";
import { newId } from "../../workers/db/ids";
import { companies, contacts, deals } from "../../workers/db/schema";
import { addMember, call, expectProblem, field, signUp, type Account } from "../helpers/api";

type Activity = { id: string; type: string; direction: string | null; subject: string | null; body: string | null; occurred_at: string; contact_id: string | null; company_id: string | null; deal_id: string | null; author_id: string | null; author_name: string | null; version: number };
type Page<T> = { data: T[]; next_cursor: string | null };

async function post(owner: Account, path: string, body: Record<string, unknown>) {
  const res = await call("POST", path, { token: owner.token, body });
  if (res.status !== 201) throw new Error(`POST ${path} ${res.status} ${res.text}`);
  return field<{ id: string; version: number }>(res.json);
}

async function logActivity(owner: Account, body: Record<string, unknown>) {
  const res = await call("POST", "/api/v1/activities", { token: owner.token, body });
  if (res.status !== 201) throw new Error(`activity ${res.status} ${res.text}`);
  return field<Activity>(res.json);
}

async function get<T>(owner: Account, path: string) {
  const res = await call("GET", path, { token: owner.token });
  expect(res.status, res.text).toBe(200);
  return field<T>(res.json);
}

async function fixture() {
  const owner = await signUp();
  const company = await post(owner, "/api/v1/companies", { name: "UAB Alfa" });
  const contact = await post(owner, "/api/v1/contacts", { first_name: "Ona", company_id: company.id });
  const deal = await post(owner, "/api/v1/deals", { title: "Licences", primary_contact_id: contact.id, company_id: company.id });
  return { owner, company, contact, deal };
}

describe("activities: create, read, change, delete", () => {
  it("logs an activity with its author, defaults occurred_at to now, and reads it back with an ETag", async () => {
    const { owner, contact } = await fixture();
    const before = Date.now();
    const activity = await logActivity(owner, { type: "call", direction: "outbound", subject: "Intro", body: "<b>not html</b>", duration_seconds: 300, contact_id: contact.id });
    expect(activity).toMatchObject({ type: "call", direction: "outbound", subject: "Intro", body: "<b>not html</b>", contact_id: contact.id, company_id: null, deal_id: null, author_id: owner.userId, author_name: "Ona Owner", version: 1 });
    expect(Date.parse(activity.occurred_at)).toBeGreaterThanOrEqual(before);
    const res = await call("GET", `/api/v1/activities/${activity.id}`, { token: owner.token });
    expect(res.status).toBe(200);
    expect(res.headers.get("etag")).toBe('"1"');
    expect(field<Activity>(res.json).id).toBe(activity.id);
  });

  it("changes with If-Match, answers 412 when stale, and deletes softly", async () => {
    const { owner, contact } = await fixture();
    const activity = await logActivity(owner, { type: "note", body: "First", contact_id: contact.id });
    const ok = await call("PATCH", `/api/v1/activities/${activity.id}`, { token: owner.token, headers: { "if-match": '"1"' }, body: { body: "Second" } });
    expect(ok.status, ok.text).toBe(200);
    expect(field<Activity>(ok.json)).toMatchObject({ body: "Second", version: 2 });
    expect(ok.headers.get("etag")).toBe('"2"');
    const stale = expectProblem(await call("PATCH", `/api/v1/activities/${activity.id}`, { token: owner.token, headers: { "if-match": '"1"' }, body: { body: "Third" } }), 412);
    expect(stale.current_version).toBe(2);
    expect((await call("DELETE", `/api/v1/activities/${activity.id}`, { token: owner.token })).status).toBe(204);
    expectProblem(await call("GET", `/api/v1/activities/${activity.id}`, { token: owner.token }), 404);
    expect((await get<Page<Activity>>(owner, `/api/v1/activities?contact_id=${contact.id}`)).data).toEqual([]);
    const audit = await get<Page<{ action: string }>>(owner, `/api/v1/audit-log?entity_type=activity&entity_id=${activity.id}`);
    expect(audit.data.map((entry) => entry.action)).toEqual(["activity.deleted", "activity.updated", "activity.created"]);
  });

  it("answers 422 with pointers for missing links, unknown records and other workspaces' records", async () => {
    const { owner, contact } = await fixture();
    const other = await fixture();
    const none = expectProblem(await call("POST", "/api/v1/activities", { token: owner.token, body: { type: "note", body: "Orphan" } }), 422);
    expect(field(none, "errors", 0, "pointer")).toBe("/contact_id");
    const wrong = expectProblem(
      await call("POST", "/api/v1/activities", { token: owner.token, body: { type: "call", contact_id: other.contact.id, company_id: "cmp_nope", deal_id: other.deal.id } }),
      422,
    );
    expect(field<{ pointer: string; code: string }[]>(wrong, "errors").map((e) => [e.pointer, e.code])).toEqual([
      ["/company_id", "unknown_company"],
      ["/contact_id", "unknown_contact"],
      ["/deal_id", "unknown_deal"],
    ]);
    const bad = expectProblem(await call("POST", "/api/v1/activities", { token: owner.token, body: { type: "fax", contact_id: contact.id, colour: "red" } }), 422);
    expect(field<{ pointer: string }[]>(bad, "errors").some((e) => e.pointer === "/type")).toBe(true);
    const activity = await logActivity(owner, { type: "note", contact_id: contact.id });
    const unlinked = expectProblem(await call("PATCH", `/api/v1/activities/${activity.id}`, { token: owner.token, body: { contact_id: null } }), 422);
    expect(field(unlinked, "errors", 0, "code")).toBe("no_link");
    const moved = expectProblem(await call("PATCH", `/api/v1/activities/${activity.id}`, { token: owner.token, body: { deal_id: other.deal.id } }), 422);
    expect(field(moved, "errors", 0, "pointer")).toBe("/deal_id");
  });

  it("lets viewers read only, and hides other workspaces' activities (404)", async () => {
    const { owner, contact } = await fixture();
    const viewer = await addMember(owner, "viewer");
    const activity = await logActivity(owner, { type: "email", direction: "inbound", contact_id: contact.id });
    expectProblem(await call("POST", "/api/v1/activities", { token: viewer.token, body: { type: "note", contact_id: contact.id } }), 403);
    expectProblem(await call("PATCH", `/api/v1/activities/${activity.id}`, { token: viewer.token, body: { subject: "x" } }), 403);
    expectProblem(await call("DELETE", `/api/v1/activities/${activity.id}`, { token: viewer.token }), 403);
    expect((await call("GET", `/api/v1/activities/${activity.id}`, { token: viewer.token })).status).toBe(200);
    const stranger = await signUp();
    expectProblem(await call("GET", `/api/v1/activities/${activity.id}`, { token: stranger.token }), 404);
    expectProblem(await call("PATCH", `/api/v1/activities/${activity.id}`, { token: stranger.token, body: { subject: "x" } }), 404);
    expectProblem(await call("DELETE", `/api/v1/activities/${activity.id}`, { token: stranger.token }), 404);
    expect((await get<Page<Activity>>(stranger, `/api/v1/activities?contact_id=${contact.id}`)).data).toEqual([]);
    expectProblem(await call("GET", `/api/v1/contacts/${contact.id}/communication`, { token: stranger.token }), 404);
  });
});

describe("listing activities", () => {
  it("pages newest first by occurred_at with filters by contact, company, deal and type", async () => {
    const { owner, contact, company, deal } = await fixture();
    const base = Date.UTC(2026, 0, 10, 9);
    const times = [3, 1, 4, 0, 2].map((hours) => new Date(base + hours * 3_600_000).toISOString());
    for (const [index, occurred_at] of times.entries()) {
      await logActivity(owner, { type: index % 2 === 0 ? "call" : "email", occurred_at, contact_id: contact.id, ...(index < 3 ? { deal_id: deal.id } : { company_id: company.id }) });
    }
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: Page<Activity> = await get<Page<Activity>>(owner, `/api/v1/activities?contact_id=${contact.id}&limit=2${cursor ? `&cursor=${cursor}` : ""}`);
      expect(page.data.length).toBeLessThanOrEqual(2);
      seen.push(...page.data.map((a) => a.occurred_at));
      cursor = page.next_cursor;
    } while (cursor);
    expect(seen).toEqual([...times].sort().reverse());
    expect((await get<Page<Activity>>(owner, `/api/v1/activities?deal_id=${deal.id}`)).data).toHaveLength(3);
    expect((await get<Page<Activity>>(owner, `/api/v1/activities?company_id=${company.id}`)).data).toHaveLength(2);
    const calls = await get<Page<Activity>>(owner, `/api/v1/activities?contact_id=${contact.id}&type=call`);
    expect(calls.data.map((a) => a.type)).toEqual(["call", "call", "call"]);
    expect((await get<Page<Activity>>(owner, "/api/v1/activities?limit=200")).data).toHaveLength(5);
    expectProblem(await call("GET", "/api/v1/activities?cursor=garbage", { token: owner.token }), 422);
  });
});

describe("last_activity_at", () => {
  it("moves forward on the linked contact, company and deal (and on the board); logging an older activity does not move it back; no version bump", async () => {
    const { owner, contact, company, deal } = await fixture();
    const pipelineId = field<string>((await get<unknown>(owner, `/api/v1/deals/${deal.id}`)) ?? {}, "pipeline_id");
    // Load the board first so the hub holds it in memory: the touch must update that copy too.
    await get<unknown>(owner, `/api/v1/pipelines/${pipelineId}/board`);
    const later = "2026-03-01T10:00:00.000Z";
    const earlier = "2026-02-01T10:00:00.000Z";
    await logActivity(owner, { type: "meeting", occurred_at: later, contact_id: contact.id, company_id: company.id, deal_id: deal.id });
    const older = await logActivity(owner, { type: "call", occurred_at: earlier, contact_id: contact.id, company_id: company.id, deal_id: deal.id });
    expect(await get<{ last_activity_at: string; version: number }>(owner, `/api/v1/contacts/${contact.id}`)).toMatchObject({ last_activity_at: later, version: 1 });
    expect(await get<{ last_activity_at: string; version: number }>(owner, `/api/v1/companies/${company.id}`)).toMatchObject({ last_activity_at: later, version: 1 });
    expect(await get<{ last_activity_at: string; version: number }>(owner, `/api/v1/deals/${deal.id}`)).toMatchObject({ last_activity_at: later, version: 1 });
    const board = await get<{ columns: { deals: { id: string; last_activity_at: string | null }[] }[] }>(owner, `/api/v1/pipelines/${pipelineId}/board`);
    expect(board.columns.flatMap((c) => c.deals).find((d) => d.id === deal.id)?.last_activity_at).toBe(later);

    // Moving an activity later in time moves the records with it.
    const latest = "2026-04-01T10:00:00.000Z";
    const res = await call("PATCH", `/api/v1/activities/${older.id}`, { token: owner.token, body: { occurred_at: latest } });
    expect(res.status, res.text).toBe(200);
    expect(field(await get<unknown>(owner, `/api/v1/contacts/${contact.id}`), "last_activity_at")).toBe(latest);
    expect(field(await get<unknown>(owner, `/api/v1/companies/${company.id}`), "last_activity_at")).toBe(latest);
    expect(field(await get<unknown>(owner, `/api/v1/deals/${deal.id}`), "last_activity_at")).toBe(latest);
    const after = await get<{ columns: { deals: { id: string; last_activity_at: string | null }[] }[] }>(owner, `/api/v1/pipelines/${pipelineId}/board`);
    expect(after.columns.flatMap((c) => c.deals).find((d) => d.id === deal.id)?.last_activity_at).toBe(latest);
  });

  it("a processed form submission counts as activity on its contact", async () => {
    const owner = await signUp();
    const form = await call("POST", "/api/v1/forms", { token: owner.token, body: { name: "Contact us", fields: [{ field: "email", required: true }], min_fill_seconds: 0 } });
    expect(form.status, form.text).toBe(201);
    const before = Date.now();
    const posted = await exports.default.fetch(`http://localhost/f/${field<string>(form.json, "public_key")}`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", "cf-connecting-ip": "192.0.2.77" },
      body: new URLSearchParams({ email: "lead@activity.lt" }).toString(),
      redirect: "manual",
    });
    expect(posted.status).toBeLessThan(400);
    const contacts = await get<Page<{ email: string; last_activity_at: string | null }>>(owner, "/api/v1/contacts?q=lead@activity.lt");
    const lead = contacts.data[0];
    expect(lead?.last_activity_at).not.toBeNull();
    expect(Date.parse(lead?.last_activity_at ?? "")).toBeGreaterThanOrEqual(before);
  });

  // Deleting, back-dating or moving an activity can lower a record's latest: it is worked out again.
  type Stamped = { last_activity_at: string | null; version: number };
  type BoardSnapshot = { columns: { deals: { id: string; last_activity_at: string | null }[] }[] };
  const at = (day: number) => new Date(Date.UTC(2026, 2, day, 10)).toISOString();

  async function stamps(owner: Account, ids: { contact: string; company: string; deal: string }, pipelineId: string) {
    const board = await get<BoardSnapshot>(owner, `/api/v1/pipelines/${pipelineId}/board`);
    return {
      contact: await get<Stamped>(owner, `/api/v1/contacts/${ids.contact}`),
      company: await get<Stamped>(owner, `/api/v1/companies/${ids.company}`),
      deal: await get<Stamped>(owner, `/api/v1/deals/${ids.deal}`),
      board: board.columns.flatMap((c) => c.deals).find((d) => d.id === ids.deal)?.last_activity_at,
    };
  }

  async function linkedFixture() {
    const { owner, contact, company, deal } = await fixture();
    const pipelineId = field<string>(await get<unknown>(owner, `/api/v1/deals/${deal.id}`), "pipeline_id");
    // The hub holds the board in memory from here on: the settle must update that copy too.
    await get<unknown>(owner, `/api/v1/pipelines/${pipelineId}/board`);
    const ids = { contact: contact.id, company: company.id, deal: deal.id };
    const links = { contact_id: contact.id, company_id: company.id, deal_id: deal.id };
    return { owner, ids, links, pipelineId };
  }

  it("deleting the latest activity falls back to the previous one, then to null, on contact, company, deal and board; versions unchanged", async () => {
    const { owner, ids, links, pipelineId } = await linkedFixture();
    const previous = await logActivity(owner, { type: "call", occurred_at: at(1), ...links });
    const latest = await logActivity(owner, { type: "meeting", occurred_at: at(5), ...links });
    expect((await stamps(owner, ids, pipelineId)).board).toBe(at(5));

    expect((await call("DELETE", `/api/v1/activities/${latest.id}`, { token: owner.token })).status).toBe(204);
    const fallen = await stamps(owner, ids, pipelineId);
    expect(fallen.contact).toMatchObject({ last_activity_at: at(1), version: 1 });
    expect(fallen.company).toMatchObject({ last_activity_at: at(1), version: 1 });
    expect(fallen.deal).toMatchObject({ last_activity_at: at(1), version: 1 });
    expect(fallen.board).toBe(at(1));

    expect((await call("DELETE", `/api/v1/activities/${previous.id}`, { token: owner.token })).status).toBe(204);
    const none = await stamps(owner, ids, pipelineId);
    expect(none.contact).toMatchObject({ last_activity_at: null, version: 1 });
    expect(none.company).toMatchObject({ last_activity_at: null, version: 1 });
    expect(none.deal).toMatchObject({ last_activity_at: null, version: 1 });
    expect(none.board).toBeNull();
  });

  it("back-dating the latest activity lowers last_activity_at to whichever is now the latest", async () => {
    const { owner, ids, links, pipelineId } = await linkedFixture();
    await logActivity(owner, { type: "call", occurred_at: at(3), ...links });
    const latest = await logActivity(owner, { type: "meeting", occurred_at: at(9), ...links });
    const res = await call("PATCH", `/api/v1/activities/${latest.id}`, { token: owner.token, body: { occurred_at: at(2) } });
    expect(res.status, res.text).toBe(200);
    const lowered = await stamps(owner, ids, pipelineId);
    expect([lowered.contact.last_activity_at, lowered.company.last_activity_at, lowered.deal.last_activity_at, lowered.board]).toEqual([at(3), at(3), at(3), at(3)]);
    expect([lowered.contact.version, lowered.company.version, lowered.deal.version]).toEqual([1, 1, 1]);
  });

  it("moving an activity from contact A to contact B (and off its company and deal) recomputes both sides", async () => {
    const { owner, ids, links, pipelineId } = await linkedFixture();
    const other = await post(owner, "/api/v1/contacts", { first_name: "Jonas" });
    await logActivity(owner, { type: "note", occurred_at: at(2), ...links });
    await logActivity(owner, { type: "note", occurred_at: at(4), contact_id: other.id });
    const moving = await logActivity(owner, { type: "call", occurred_at: at(6), ...links });
    const res = await call("PATCH", `/api/v1/activities/${moving.id}`, { token: owner.token, body: { contact_id: other.id, company_id: null, deal_id: null } });
    expect(res.status, res.text).toBe(200);
    const left = await stamps(owner, ids, pipelineId);
    expect([left.contact.last_activity_at, left.company.last_activity_at, left.deal.last_activity_at, left.board]).toEqual([at(2), at(2), at(2), at(2)]);
    expect(await get<Stamped>(owner, `/api/v1/contacts/${other.id}`)).toMatchObject({ last_activity_at: at(6), version: 1 });
    // And back again, earlier than B's own: B falls back to its own note, A rises again.
    const back = await call("PATCH", `/api/v1/activities/${moving.id}`, { token: owner.token, body: { contact_id: ids.contact, occurred_at: at(3) } });
    expect(back.status, back.text).toBe(200);
    expect(field(await get<unknown>(owner, `/api/v1/contacts/${other.id}`), "last_activity_at")).toBe(at(4));
    expect(field(await get<unknown>(owner, `/api/v1/contacts/${ids.contact}`), "last_activity_at")).toBe(at(3));
  });

  it("a contact with a processed form submission falls back to the submission's time, not to null", async () => {
    const owner = await signUp();
    const form = await call("POST", "/api/v1/forms", { token: owner.token, body: { name: "Contact us", fields: [{ field: "email", required: true }], min_fill_seconds: 0 } });
    expect(form.status, form.text).toBe(201);
    const posted = await exports.default.fetch(`http://localhost/f/${field<string>(form.json, "public_key")}`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", "cf-connecting-ip": "192.0.2.78" },
      body: new URLSearchParams({ email: "fallback@activity.lt" }).toString(),
      redirect: "manual",
    });
    expect(posted.status).toBeLessThan(400);
    const lead = (await get<Page<{ id: string }>>(owner, "/api/v1/contacts?q=fallback@activity.lt")).data[0];
    if (!lead) throw new Error("the submission made no contact");
    const submission = (await get<Page<{ at: string }>>(owner, `/api/v1/contacts/${lead.id}/timeline?types=submission`)).data[0];
    if (!submission) throw new Error("the contact has no submission");
    const later = new Date(Date.parse(submission.at) + 86_400_000).toISOString();
    const activity = await logActivity(owner, { type: "call", occurred_at: later, contact_id: lead.id });
    expect(field(await get<unknown>(owner, `/api/v1/contacts/${lead.id}`), "last_activity_at")).toBe(later);
    expect((await call("DELETE", `/api/v1/activities/${activity.id}`, { token: owner.token })).status).toBe(204);
    expect(field(await get<unknown>(owner, `/api/v1/contacts/${lead.id}`), "last_activity_at")).toBe(submission.at);
  });

  it("the recompute subqueries are index lookups on activities_* and form_submissions_contact_idx, reading a few rows of 3,000", async () => {
    const { owner, ids } = await linkedFixture();
    const db = createDatabase(env.DB);
    const ws = owner.workspaceId;
    // 3,000 activities on the contact, company and deal, and 1,000 processed submissions of the
    // contact: a recompute that walked the record's range instead of seeking would read thousands.
    const start = Date.UTC(2025, 0, 1);
    const rows = Array.from({ length: 3000 }, (_, i) => ({ id: newId("activity", start + i * 60_000), at: start + i * 60_000 }));
    await env.DB.prepare(
      `INSERT INTO activities (id, workspace_id, type, occurred_at, contact_id, company_id, deal_id, created_at, updated_at, version)
       SELECT value ->> 'id', ?1, 'note', value ->> 'at', ?2, ?3, ?4, value ->> 'at', value ->> 'at', 1 FROM json_each(?5)`,
    )
      .bind(ws, ids.contact, ids.company, ids.deal, JSON.stringify(rows))
      .run();
    const formId = field<string>((await call("POST", "/api/v1/forms", { token: owner.token, body: { name: "Cost", fields: [{ field: "email" }] } })).json, "id");
    await env.DB.prepare(
      `INSERT INTO form_submissions (id, workspace_id, form_id, status, payload, contact_id, received_at)
       SELECT value ->> 'id', ?1, ?2, 'processed', '{}', ?3, value ->> 'at' FROM json_each(?4)`,
    )
      .bind(ws, formId, ids.contact, JSON.stringify(rows.slice(0, 1000).map((row) => ({ id: newId("submission", row.at + 7), at: row.at + 7 }))))
      .run();
    const statements = [
      db.update(contacts).set({ lastActivityAt: latestContactActivitySql(ws, ids.contact) }).where(and(eq(contacts.workspaceId, ws), eq(contacts.id, ids.contact))).toSQL(),
      db.update(companies).set({ lastActivityAt: latestActivitySql("company", ws, ids.company) }).where(and(eq(companies.workspaceId, ws), eq(companies.id, ids.company))).toSQL(),
      db.update(deals).set({ lastActivityAt: latestActivitySql("deal", ws, ids.deal) }).where(and(eq(deals.workspaceId, ws), eq(deals.id, ids.deal))).toSQL(),
    ];
    const expected = [["activities_contact_idx", "form_submissions_contact_idx"], ["activities_company_idx"], ["activities_deal_idx"]];
    for (const [index, statement] of statements.entries()) {
      const plan = await env.DB.prepare(`EXPLAIN QUERY PLAN ${statement.sql}`).bind(...statement.params).all<{ detail: string }>();
      const details = plan.results.map((row) => row.detail).join("\n");
      for (const name of expected[index] ?? []) expect(details, statement.sql).toContain(name);
      expect(details, statement.sql).not.toMatch(/SCAN (activities|form_submissions)(?! USING)/);
      expect(details, statement.sql).not.toContain("USE TEMP B-TREE");
      const run = await env.DB.prepare(statement.sql).bind(...statement.params).run();
      expect(run.meta.rows_read, statement.sql).toBeLessThanOrEqual(20);
    }
    const latest = new Date(start + 2999 * 60_000).toISOString();
    expect(field(await get<unknown>(owner, `/api/v1/contacts/${ids.contact}`), "last_activity_at")).toBe(latest);
    expect(field(await get<unknown>(owner, `/api/v1/deals/${ids.deal}`), "last_activity_at")).toBe(latest);
  });
});

describe("communication metrics", () => {
  it("counts by channel and direction, measures first response and names the preferred channel", async () => {
    const { owner, contact } = await fixture();
    const at = (minutes: number) => new Date(Date.UTC(2026, 5, 1, 9) + minutes * 60_000).toISOString();
    for (const [type, direction, minutes] of [
      ["email", "inbound", 0],
      ["email", "outbound", 30],
      ["message", "inbound", 60],
      ["message", "inbound", 70],
      ["call", "outbound", 80],
      ["message", "inbound", 200],
      ["note", null, 210],
    ] as const) {
      await logActivity(owner, { type, direction, occurred_at: at(minutes), contact_id: contact.id });
    }
    const metrics = await get<Record<string, unknown>>(owner, `/api/v1/contacts/${contact.id}/communication`);
    expect(metrics).toEqual({
      inbound: { call: 0, email: 1, meeting: 0, note: 0, message: 3 },
      outbound: { call: 1, email: 1, meeting: 0, note: 0, message: 0 },
      first_response: { median_seconds: 25 * 60, average_seconds: 25 * 60, samples: 2 },
      preferred_channel: "message",
      activities_considered: 7,
    });
  });
});
