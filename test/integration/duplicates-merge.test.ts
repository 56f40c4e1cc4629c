import fc from "fast-check";
import { env, exports } from "cloudflare:workers";
import { describe, expect, it, vi } from "vitest";
import { addMember, call, expectProblem, field, signUp, type Account } from "../helpers/api";

// POST /contacts/merge and its undo: what moves (activities, tasks, form submissions, consent
// records, deals through the hub, emails/phones/tags), what survives per field, and that undo
// gives back both records and every link exactly as they were.

type Json = Record<string, unknown>;
type ContactJson = Json & { id: string; emails: string[]; phones: { e164: string }[]; tags: string[]; last_activity_at: string | null };

async function post(account: Account, path: string, body: unknown) {
  const res = await call("POST", path, { token: account.token, body });
  expect(res.status, `${path}: ${res.text}`).toBeLessThan(300);
  return res.json as Json & { id: string };
}

async function get<T = Json>(account: Account, path: string): Promise<T> {
  const res = await call("GET", path, { token: account.token });
  expect(res.status, `${path}: ${res.text}`).toBe(200);
  return res.json as T;
}

/** A contact without the fields any write changes (its version and who touched it when). */
function stable(contact: Json) {
  const { version: _v, updated_at: _u, updated_by: _b, ...rest } = contact;
  return rest;
}

async function count(sql: string, id: string): Promise<number> {
  const row = await env.DB.prepare(sql).bind(id).first<{ n: number }>();
  return row?.n ?? -1;
}

/** Everything a contact has: its record, timeline (without its own change log), consents, links. */
async function picture(account: Account, id: string) {
  const contact = await get<ContactJson>(account, `/api/v1/contacts/${id}`);
  const timeline = await get<{ data: Json[] }>(account, `/api/v1/contacts/${id}/timeline?types=activity,task,submission,stage_change&limit=200`);
  const consents = await get<{ data: Json[] }>(account, `/api/v1/contacts/${id}/consents`);
  return {
    contact: stable(contact),
    timeline: timeline.data,
    consents: consents.data,
    counts: {
      activities: await count("SELECT count(*) AS n FROM activities WHERE contact_id = ?", id),
      tasks: await count("SELECT count(*) AS n FROM tasks WHERE contact_id = ?", id),
      submissions: await count("SELECT count(*) AS n FROM form_submissions WHERE contact_id = ?", id),
      consents: await count("SELECT count(*) AS n FROM consent_records WHERE contact_id = ?", id),
      dealsAsPrimary: await count("SELECT count(*) AS n FROM deals WHERE primary_contact_id = ?", id),
      dealsAsOther: await count("SELECT count(*) AS n FROM deal_contacts WHERE contact_id = ?", id),
      emails: await count("SELECT count(*) AS n FROM contact_emails WHERE contact_id = ?", id),
      phones: await count("SELECT count(*) AS n FROM contact_phones WHERE contact_id = ?", id),
      tags: await count("SELECT count(*) AS n FROM contact_tags WHERE contact_id = ?", id),
    },
  };
}

async function searchIds(account: Account, q: string): Promise<string[]> {
  return (await get<{ data: { id: string }[] }>(account, `/api/v1/contacts?q=${encodeURIComponent(q)}`)).data.map((c) => c.id);
}

async function fixture() {
  const owner = await signUp();
  const alfa = (await post(owner, "/api/v1/companies", { name: "UAB Alfa" })).id;
  const a = await post(owner, "/api/v1/contacts", { first_name: "Šarūnas", last_name: "Petrauskas", emails: ["s@alfa.lt"], phones: [{ number: "+370 612 34567" }], company_id: alfa, tags: ["vip"] });
  const b = await post(owner, "/api/v1/contacts", {
    first_name: "Sarunas",
    last_name: "Petrauskas",
    emails: ["sarunas@gmail.com"],
    phones: [{ number: "8 699 11111", label: "mobile" }],
    tags: ["newsletter"],
    job_title: "CEO",
    city: "Vilnius",
    birthday: "1980-05-17",
    consent: { status: "granted", source: "trade fair" },
  });
  const c = await post(owner, "/api/v1/contacts", { first_name: "S.", last_name: "Petrauskas", emails: ["c@petrauskas.lt"], phones: [{ number: "8 612 34567" }] });
  // A and C share a phone: the entry path proposes them.
  await vi.waitFor(async () => expect((await get<{ data: { contact_ids: string[] }[] }>(owner, "/api/v1/duplicates")).data).toHaveLength(1), { timeout: 5000 });
  const [cluster] = (await get<{ data: { id: string; contact_ids: string[] }[] }>(owner, "/api/v1/duplicates")).data;

  await post(owner, "/api/v1/activities", { type: "note", body: "Met at the fair", occurred_at: "2026-01-10T10:00:00.000Z", contact_id: a.id });
  await post(owner, "/api/v1/activities", { type: "call", direction: "outbound", subject: "Follow-up", occurred_at: "2026-03-01T10:00:00.000Z", contact_id: b.id });
  await post(owner, "/api/v1/tasks", { title: "Send the offer", contact_id: b.id });
  const form = await post(owner, "/api/v1/forms", { name: "Contact us", fields: [{ field: "email", required: true }], min_fill_seconds: 0 });
  const posted = await exports.default.fetch(`http://localhost/f/${field<string>(form, "public_key")}`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded", "cf-connecting-ip": "192.0.2.8" },
    body: new URLSearchParams({ email: "sarunas@gmail.com" }).toString(),
    redirect: "manual",
  });
  expect(posted.status).toBeLessThan(400);
  const ownDeal = await post(owner, "/api/v1/deals", { title: "B's own deal", primary_contact_id: b.id });
  const sharedDeal = await post(owner, "/api/v1/deals", { title: "Shared deal", primary_contact_id: a.id, contact_ids: [b.id] });
  const pipelineId = field<string>(ownDeal, "pipeline_id");
  // The hub now holds the board in memory: the merge must update that copy too.
  await get(owner, `/api/v1/pipelines/${pipelineId}/board`);
  return { owner, alfa, a, b, c, cluster, ownDeal, sharedDeal, pipelineId };
}

async function dealLinks(owner: Account, id: string) {
  const deal = await get<{ primary_contact: { id: string } | null; contact_ids: string[] }>(owner, `/api/v1/deals/${id}`);
  return { primary: deal.primary_contact?.id ?? null, others: deal.contact_ids };
}

describe("merging contacts", () => {
  it("moves every link to the survivor, unites emails, phones and tags, takes chosen fields, and undo restores it all exactly", async () => {
    const f = await fixture();
    const before = { a: await picture(f.owner, f.a.id), b: await picture(f.owner, f.b.id), c: await picture(f.owner, f.c.id) };
    const dealsBefore = { own: await dealLinks(f.owner, f.ownDeal.id), shared: await dealLinks(f.owner, f.sharedDeal.id) };
    expect(before.b.counts).toMatchObject({ activities: 1, tasks: 1, submissions: 1, consents: 1, dealsAsPrimary: 1, dealsAsOther: 1 });
    expect(await searchIds(f.owner, "sarunas@gmail.com")).toEqual([f.b.id]);

    const merged = await call("POST", "/api/v1/contacts/merge", {
      token: f.owner.token,
      body: { primary_id: f.a.id, duplicate_ids: [f.b.id, f.c.id], fields: { job_title: f.b.id, city: f.b.id }, cluster_id: f.cluster?.id },
    });
    expect(merged.status, merged.text).toBe(200);
    const merge = field<Json & { id: string; undo_until: string; created_at: string }>(merged.json, "merge");
    expect(merge).toMatchObject({ primary_id: f.a.id, duplicate_ids: [f.b.id, f.c.id], undone_at: null });
    expect(field(merge, "fields", "job_title")).toBe(f.b.id);
    expect(field(merge, "fields", "first_name")).toBe(f.a.id);
    expect(field(merge, "fields", "birthday")).toBe(f.b.id);
    expect(Date.parse(merge.undo_until) - Date.parse(merge.created_at)).toBe(30 * 24 * 60 * 60 * 1000);
    const survivor = field<ContactJson>(merged.json, "contact");
    expect(survivor).toMatchObject({ id: f.a.id, first_name: "Šarūnas", job_title: "CEO", city: "Vilnius", birthday: "1980-05-17", company: { id: f.alfa } });
    expect(survivor.emails).toEqual(["s@alfa.lt", "sarunas@gmail.com", "c@petrauskas.lt"]);
    expect(survivor.phones.map((p) => p.e164)).toEqual(["+37061234567", "+37069911111"]);
    expect(survivor.tags).toEqual(["newsletter", "vip"]);
    expect(field(survivor, "consent", "status")).toBe("granted");

    // The duplicates are gone; their links and addresses are the survivor's now.
    expectProblem(await call("GET", `/api/v1/contacts/${f.b.id}`, { token: f.owner.token }), 404);
    expectProblem(await call("GET", `/api/v1/contacts/${f.c.id}`, { token: f.owner.token }), 404);
    const after = await picture(f.owner, f.a.id);
    expect(after.counts).toMatchObject({ activities: 2, tasks: 1, submissions: 1, consents: 1, dealsAsPrimary: 2, dealsAsOther: 0, emails: 3, phones: 2, tags: 2 });
    // The survivor's timeline is both timelines (the shared deal's stage changes once).
    const ids = (items: Json[]) => new Set(items.map((item) => item.id));
    expect(ids(after.timeline)).toEqual(new Set([...ids(before.a.timeline), ...ids(before.b.timeline)]));
    expect(after.timeline.length).toBe(ids(after.timeline).size);
    expect(after.consents).toEqual(before.b.consents);
    expect(await dealLinks(f.owner, f.ownDeal.id)).toEqual({ primary: f.a.id, others: [] });
    expect(await dealLinks(f.owner, f.sharedDeal.id)).toEqual({ primary: f.a.id, others: [] });
    const board = await get<{ columns: { deals: { id: string; primary_contact: { id: string } | null }[] }[] }>(f.owner, `/api/v1/pipelines/${f.pipelineId}/board`);
    expect(board.columns.flatMap((column) => column.deals).find((deal) => deal.id === f.ownDeal.id)?.primary_contact?.id).toBe(f.a.id);
    expect(after.contact.last_activity_at).toBe(before.b.contact.last_activity_at);
    expect(await searchIds(f.owner, "sarunas@gmail.com")).toEqual([f.a.id]);
    expect(await searchIds(f.owner, "c@petrauskas.lt")).toEqual([f.a.id]);
    // The exact email of a duplicate is the survivor's on every entry path now.
    const again = await call("POST", "/api/v1/contacts", { token: f.owner.token, body: { emails: ["sarunas@gmail.com"] } });
    expect(expectProblem(again, 409, "duplicate_email").existing_id).toBe(f.a.id);
    expect((await get<{ status: string }>(f.owner, `/api/v1/duplicates/${f.cluster?.id}`)).status).toBe("merged");
    const audit = await env.DB.prepare("SELECT action, entity_id FROM audit_log WHERE workspace_id = ? AND action LIKE 'contact.merge%' ORDER BY id").bind(f.owner.workspaceId).all();
    expect(audit.results.map((row) => `${row.action} ${row.entity_id}`).sort()).toEqual(
      [`contact.merged ${f.a.id}`, `contact.merged_into ${f.b.id}`, `contact.merged_into ${f.c.id}`].sort(),
    );
    expect((await get(f.owner, `/api/v1/merges/${merge.id}`)).undone_at).toBeNull();

    const undone = await call("POST", `/api/v1/merges/${merge.id}/undo`, { token: f.owner.token });
    expect(undone.status, undone.text).toBe(200);
    expect(field(undone.json, "merge", "undone_at")).toEqual(expect.any(String));
    expect(field<{ id: string }[]>(undone.json, "contacts").map((c) => c.id)).toEqual([f.a.id, f.b.id, f.c.id]);
    expect({ a: await picture(f.owner, f.a.id), b: await picture(f.owner, f.b.id), c: await picture(f.owner, f.c.id) }).toEqual(before);
    expect({ own: await dealLinks(f.owner, f.ownDeal.id), shared: await dealLinks(f.owner, f.sharedDeal.id) }).toEqual(dealsBefore);
    expect(await searchIds(f.owner, "sarunas@gmail.com")).toEqual([f.b.id]);
    expect((await get<{ status: string }>(f.owner, `/api/v1/duplicates/${f.cluster?.id}`)).status).toBe("open");

    expectProblem(await call("POST", `/api/v1/merges/${merge.id}/undo`, { token: f.owner.token }), 409, "merge_undone");
    expect(typeof (await get(f.owner, `/api/v1/merges/${merge.id}`)).undone_at).toBe("string");
  });

  it("fills the survivor's empty fields from the duplicates, keeps what it has, and the survivor's later edits outlive an undo", async () => {
    const owner = await signUp();
    const a = await post(owner, "/api/v1/contacts", { first_name: "Rūta", emails: ["ruta@zalia.lt"], job_title: "Director" });
    const b = await post(owner, "/api/v1/contacts", { first_name: "Ruta", last_name: "Kazlauskienė", job_title: "Sales", city: "Kaunas" });
    const merged = await call("POST", "/api/v1/contacts/merge", { token: owner.token, body: { primary_id: a.id, duplicate_ids: [b.id] } });
    expect(merged.status, merged.text).toBe(200);
    expect(field(merged.json, "contact")).toMatchObject({ first_name: "Rūta", last_name: "Kazlauskienė", job_title: "Director", city: "Kaunas" });
    const edited = await call("PATCH", `/api/v1/contacts/${a.id}`, { token: owner.token, body: { job_title: "CEO", emails: ["ruta@zalia.lt", "ruta@new.lt"] } });
    expect(edited.status).toBe(200);
    const undone = await call("POST", `/api/v1/merges/${field<string>(merged.json, "merge", "id")}/undo`, { token: owner.token });
    expect(undone.status, undone.text).toBe(200);
    const [primary, duplicate] = field<ContactJson[]>(undone.json, "contacts");
    // Changed since the merge: kept. Untouched fields taken from the duplicate: given back.
    expect(primary).toMatchObject({ first_name: "Rūta", last_name: null, job_title: "CEO", city: null, emails: ["ruta@zalia.lt", "ruta@new.lt"] });
    expect(duplicate).toMatchObject({ id: b.id, last_name: "Kazlauskienė", job_title: "Sales", city: "Kaunas", deleted_at: null });
  });

  it("can be undone for 30 days only", async () => {
    const owner = await signUp();
    const a = await post(owner, "/api/v1/contacts", { first_name: "Jonas", last_name: "Petraitis" });
    const b = await post(owner, "/api/v1/contacts", { first_name: "Jonas", last_name: "Petraitys" });
    const merged = await call("POST", "/api/v1/contacts/merge", { token: owner.token, body: { primary_id: a.id, duplicate_ids: [b.id] } });
    const mergeId = field<string>(merged.json, "merge", "id");
    await env.DB.prepare("UPDATE contact_merges SET expires_at = ? WHERE id = ?").bind(Date.now() - 1000, mergeId).run();
    expectProblem(await call("POST", `/api/v1/merges/${mergeId}/undo`, { token: owner.token }), 410, "undo_window_passed");
  });

  it("answers bad requests with 4xx problems, never merging anything", async () => {
    const owner = await signUp();
    const ids: string[] = [];
    for (let i = 0; i < 11; i++) ids.push((await post(owner, "/api/v1/contacts", { first_name: "Person", last_name: `Number${i}` })).id);
    const [first, second, third] = ids as [string, string, string];
    const merge = (body: unknown, account: Account = owner) => call("POST", "/api/v1/contacts/merge", { token: account.token, body });

    const itself = expectProblem(await merge({ primary_id: first, duplicate_ids: [second, first] }), 422, "merge_with_itself");
    expect(itself.errors).toEqual([expect.objectContaining({ pointer: "/duplicate_ids/1" })]);
    expectProblem(await merge({ primary_id: first, duplicate_ids: ["con_01jd0000000000000000000000"] }), 404);
    expectProblem(await merge({ primary_id: "con_01jd0000000000000000000000", duplicate_ids: [first] }), 404);
    expectProblem(await merge({ primary_id: first, duplicate_ids: ids.slice(1, 11) }), 422);
    expectProblem(await merge({ primary_id: first, duplicate_ids: [] }), 422);
    expectProblem(await merge({ primary_id: first, duplicate_ids: [second, second] }), 422);
    expectProblem(await merge({ primary_id: first, duplicate_ids: [second], fields: { job_title: third } }), 422);
    expectProblem(await merge({ primary_id: first, duplicate_ids: [second], fields: { password: second } }), 422);
    expectProblem(await merge({ primary_id: first, duplicate_ids: [second], extra: true }), 422);
    expectProblem(await merge({ primary_id: first, duplicate_ids: [second], cluster_id: "dup_01jd0000000000000000000000" }), 422);
    expectProblem(await call("POST", "/api/v1/contacts/merge", { token: owner.token, rawBody: "{", headers: { "content-type": "application/json" } }), 400);

    const stranger = await signUp();
    const theirs = (await post(stranger, "/api/v1/contacts", { first_name: "Other" })).id;
    expectProblem(await merge({ primary_id: first, duplicate_ids: [theirs] }), 404);
    expectProblem(await merge({ primary_id: theirs, duplicate_ids: [first] }, stranger), 404);

    const viewer = await addMember(owner, "viewer");
    expectProblem(await merge({ primary_id: first, duplicate_ids: [second] }, viewer), 403);
    // Nothing above changed anyone.
    for (const id of ids) expect((await call("GET", `/api/v1/contacts/${id}`, { token: owner.token })).status).toBe(200);

    const done = await merge({ primary_id: first, duplicate_ids: [second] });
    expect(done.status).toBe(200);
    const mergeId = field<string>(done.json, "merge", "id");
    expect(expectProblem(await merge({ primary_id: third, duplicate_ids: [second] }), 409, "already_merged").merged_into_id).toBe(first);
    expect((await call("GET", `/api/v1/merges/${mergeId}`, { token: viewer.token })).status).toBe(200);
    expectProblem(await call("POST", `/api/v1/merges/${mergeId}/undo`, { token: viewer.token }), 403);
    expectProblem(await call("GET", `/api/v1/merges/${mergeId}`, { token: stranger.token }), 404);
    expectProblem(await call("POST", `/api/v1/merges/${mergeId}/undo`, { token: stranger.token }), 404);
    expectProblem(await call("GET", "/api/v1/merges/mrg_01jd0000000000000000000000", { token: owner.token }), 404);
  });
});

describe("live", () => {
  it("tells the workspace about a merge (contacts.merged) and its undo", async () => {
    const owner = await signUp();
    const a = await post(owner, "/api/v1/contacts", { first_name: "Ilze", last_name: "Ozola" });
    const b = await post(owner, "/api/v1/contacts", { first_name: "Ozola", last_name: "Ilze" });
    const res = await exports.default.fetch("http://localhost/api/v1/live", { headers: { upgrade: "websocket", authorization: `Bearer ${owner.token}` } });
    const socket = res.webSocket;
    if (!socket) throw new Error("no socket");
    const frames: { type: string; id: string; data?: Json }[] = [];
    socket.addEventListener("message", (event) => frames.push(JSON.parse(String(event.data))));
    socket.accept();
    const merged = await call("POST", "/api/v1/contacts/merge", { token: owner.token, body: { primary_id: a.id, duplicate_ids: [b.id] } });
    const mergeId = field<string>(merged.json, "merge", "id");
    await vi.waitFor(() => expect(frames.find((frame) => frame.type === "contacts.merged")).toMatchObject({ id: mergeId, data: { primary_id: a.id, duplicate_ids: [b.id] } }));
    await call("POST", `/api/v1/merges/${mergeId}/undo`, { token: owner.token });
    await vi.waitFor(() => expect(frames.find((frame) => frame.type === "contact.restored")?.id).toBe(b.id));
    socket.close();
  });
});

describe("generated input", () => {
  it("never makes the merge, check or list routes answer 5xx", async () => {
    const owner = await signUp();
    const a = await post(owner, "/api/v1/contacts", { first_name: "Jonas", last_name: "Petraitis" });
    const b = await post(owner, "/api/v1/contacts", { first_name: "Jonas", last_name: "Petraitys" });
    const text = fc.oneof(fc.string(), fc.string({ unit: "grapheme" }), fc.constantFrom("", " ", '"', "*", "NEAR(", "a OR b", "🙂", "x".repeat(300), a.id, b.id));
    const id = fc.oneof(text, fc.constantFrom(a.id, b.id, "con_x", "dup_x"));
    const value = fc.oneof(text, fc.integer(), fc.constant(null), fc.array(id, { maxLength: 12 }), fc.dictionary(fc.oneof(fc.constantFrom("name", "email", "job_title", "consent"), fc.string()), id), fc.jsonValue({ maxDepth: 2 }));
    const body = fc.oneof(fc.dictionary(fc.constantFrom("primary_id", "duplicate_ids", "fields", "cluster_id", "x"), value), fc.jsonValue({ maxDepth: 2 }));
    const expectNo5xx = async (method: string, path: string, payload?: unknown) => {
      const res = await call(method, path, { token: owner.token, ...(payload === undefined ? {} : { body: payload }) });
      expect(res.status, `${method} ${path} ${JSON.stringify(payload)} → ${res.text}`).toBeLessThan(500);
    };
    await fc.assert(fc.asyncProperty(body, (payload) => expectNo5xx("POST", "/api/v1/contacts/merge", payload)), { numRuns: 60 });
    const query = fc.dictionary(fc.constantFrom("email", "phone", "first_name", "last_name", "company_id", "city", "status", "cursor", "limit"), text);
    await fc.assert(
      fc.asyncProperty(query, async (params) => {
        const qs = new URLSearchParams(params).toString();
        await expectNo5xx("GET", `/api/v1/duplicates/check?${qs}`);
        await expectNo5xx("GET", `/api/v1/duplicates?${qs}`);
      }),
      { numRuns: 60 },
    );
    await fc.assert(
      fc.asyncProperty(text, async (raw) => {
        const segment = encodeURIComponent(raw) || "x";
        await expectNo5xx("GET", `/api/v1/duplicates/${segment}`);
        await expectNo5xx("POST", `/api/v1/duplicates/${segment}/dismiss`);
        await expectNo5xx("GET", `/api/v1/merges/${segment}`);
        await expectNo5xx("POST", `/api/v1/merges/${segment}/undo`);
      }),
      { numRuns: 30 },
    );
  });
});
