import { env, exports } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { JobMessage } from "../../workers/jobs/messages";
import { addMember, call, expectProblem, field, signUp, type Account } from "../helpers/api";
import { captureJobSends, deliverJobs, drainJobs } from "../helpers/queue";

// Duplicate review end to end: contacts through the API, the scan through the real queue
// consumer (sendBatch is captured so each test decides when the consumer runs), clusters,
// dismissals remembered across scans, entry-path suggestions, the create form's check.

type ContactJson = { id: string; first_name: string | null; last_name: string | null; email: string | null; phones: { e164: string }[] };
type ScanJson = { id: string; trigger: string; status: string; contacts_scanned: number; comparisons: number; clusters_found: number; consumer_ms: number | null; error: string | null };
type ClusterJson = { id: string; contact_ids: string[]; contacts: ContactJson[]; score: number; reasons: { a: string; b: string; score: number; reasons: string[] }[]; status: string };
type ClusterPageJson = { data: ClusterJson[]; next_cursor: string | null; last_scan: ScanJson | null };

let sent: JobMessage[] = [];
function captureSends() {
  sent = captureJobSends();
}

afterEach(() => {
  vi.restoreAllMocks();
});

const deliver = deliverJobs;

async function contact(account: Account, body: Record<string, unknown>): Promise<ContactJson> {
  const res = await call("POST", "/api/v1/contacts", { token: account.token, body });
  expect(res.status, res.text).toBe(201);
  return res.json as ContactJson;
}

async function company(account: Account, name: string): Promise<string> {
  const res = await call("POST", "/api/v1/companies", { token: account.token, body: { name } });
  expect(res.status, res.text).toBe(201);
  return field<string>(res.json, "id");
}

/** POST /duplicates/scan, then the consumer runs the queued message; returns the finished scan. */
async function scan(account: Account): Promise<ScanJson> {
  captureSends();
  const res = await call("POST", "/api/v1/duplicates/scan", { token: account.token });
  expect(res.status, res.text).toBe(202);
  expect(field(res.json, "status")).toBe("queued");
  expect(sent).toEqual([{ type: "duplicates.scan", scan_id: field<string>(res.json, "id") }]);
  const result = await deliver(sent.splice(0));
  expect(result.retryMessages).toEqual([]);
  vi.restoreAllMocks();
  const done = await call("GET", `/api/v1/duplicates/scans/${field<string>(res.json, "id")}`, { token: account.token });
  expect(done.status).toBe(200);
  return done.json as ScanJson;
}

async function clusters(account: Account, status = "open"): Promise<ClusterPageJson> {
  const res = await call("GET", `/api/v1/duplicates?status=${status}`, { token: account.token });
  expect(res.status, res.text).toBe(200);
  return res.json as ClusterPageJson;
}

/**
 * One person typed three ways, colleagues on a switchboard, a father and son on a home line.
 * Creating them already suggests the person's cluster (entry path); that is waited for, so the
 * scans below start from a settled state.
 */
async function quietWorkspace() {
  const owner = await signUp();
  const alfa = await company(owner, "UAB „Alfa Statyba“");
  const alfaAgain = await company(owner, "Alfa statyba, UAB");
  const sarunas = await contact(owner, { first_name: "Šarūnas", last_name: "Petrauskas", emails: ["sarunas@alfastatyba.lt"], phones: [{ number: "+370 612 34567" }], company_id: alfa });
  const twin = await contact(owner, { first_name: "PETRAUSKAS", last_name: "Sarunas", phones: [{ number: "8 612 34567" }], city: "Vilnius" });
  const typo = await contact(owner, { first_name: "Sarunas", last_name: "Petrauskis", company_id: alfaAgain });
  // Colleagues on the switchboard: one number, one company, different people.
  const ona = await contact(owner, { first_name: "Ona", last_name: "Kazlauskienė", phones: [{ number: "8 5 211 1111" }], company_id: alfa });
  const jonas = await contact(owner, { first_name: "Jonas", last_name: "Jonaitis", phones: [{ number: "+370 5 211 1111" }], company_id: alfa });
  // Father and son on one home line.
  const father = await contact(owner, { first_name: "Antanas", last_name: "Kairys", phones: [{ number: "8 37 233 445" }], birthday: "1958-03-02" });
  const son = await contact(owner, { first_name: "Antanas", last_name: "Kairys", phones: [{ number: "+370 37 233 445" }], birthday: "1986-07-19" });
  const person = [sarunas.id, twin.id, typo.id].sort();
  await vi.waitFor(async () => expect((await clusters(owner)).data.map((c) => c.contact_ids)).toEqual([person]), { timeout: 5000 });
  return { owner, alfa, sarunas, twin, typo, ona, jonas, father, son };
}

describe("the duplicate scan", () => {
  it("finds one person typed three ways, proposes no colleagues or relatives, and reports what it did", async () => {
    const w = await quietWorkspace();
    const done = await scan(w.owner);
    expect(done).toMatchObject({ trigger: "manual", status: "done", contacts_scanned: 7, clusters_found: 1, error: null });
    expect(done.comparisons).toBeGreaterThan(0);
    expect(done.comparisons).toBeLessThan(21);
    expect(done.consumer_ms).toEqual(expect.any(Number));

    const page = await clusters(w.owner);
    expect(page.last_scan?.id).toBe(done.id);
    expect(page.data).toHaveLength(1);
    const [cluster] = page.data;
    expect(cluster?.contact_ids).toEqual([w.sarunas.id, w.twin.id, w.typo.id].sort());
    expect(cluster?.contacts.map((c) => c.id).sort()).toEqual([w.sarunas.id, w.twin.id, w.typo.id].sort());
    expect(cluster?.score).toBeGreaterThanOrEqual(0.8);
    const reasons = cluster?.reasons.flatMap((pair) => pair.reasons) ?? [];
    expect(reasons).toEqual(expect.arrayContaining(["same_phone", "swapped_name", "similar_name", "same_company"]));

    const one = await call("GET", `/api/v1/duplicates/${cluster?.id}`, { token: w.owner.token });
    expect(one.status).toBe(200);
    expect(one.json).toEqual(cluster);
  });

  it("keeps a cluster's id when a later scan finds it again, and removes one that is gone", async () => {
    const w = await quietWorkspace();
    await scan(w.owner);
    const [first] = (await clusters(w.owner)).data;
    await scan(w.owner);
    expect((await clusters(w.owner)).data.map((c) => c.id)).toEqual([first?.id]);
    // The typo is corrected into someone else: the group changes, so the old cluster goes.
    const fixed = await call("PATCH", `/api/v1/contacts/${w.typo.id}`, { token: w.owner.token, body: { first_name: "Tomas", last_name: "Butkus" } });
    expect(fixed.status).toBe(200);
    await scan(w.owner);
    const after = (await clusters(w.owner)).data;
    expect(after).toHaveLength(1);
    expect(after[0]?.id).not.toBe(first?.id);
    expect(after[0]?.contact_ids).toEqual([w.sarunas.id, w.twin.id].sort());
  });

  it("remembers a dismissal: no later scan proposes any pair of it again", async () => {
    const w = await quietWorkspace();
    await scan(w.owner);
    const [cluster] = (await clusters(w.owner)).data;
    const dismissed = await call("POST", `/api/v1/duplicates/${cluster?.id}/dismiss`, { token: w.owner.token });
    expect(dismissed.status, dismissed.text).toBe(200);
    expect(field(dismissed.json, "status")).toBe("dismissed");
    const pairs = await env.DB.prepare("SELECT contact_a, contact_b FROM duplicate_dismissals WHERE workspace_id = ? ORDER BY contact_a, contact_b").bind(w.owner.workspaceId).all();
    expect(pairs.results).toHaveLength(3);

    const again = await scan(w.owner);
    expect(again.clusters_found).toBe(0);
    expect((await clusters(w.owner)).data).toEqual([]);
    expect((await clusters(w.owner, "dismissed")).data.map((c) => c.id)).toEqual([cluster?.id]);
    // Dismissing again changes nothing; the same id stays dismissed.
    expect((await call("POST", `/api/v1/duplicates/${cluster?.id}/dismiss`, { token: w.owner.token })).status).toBe(200);
    // Nor does creating the same person again propose the dismissed ones with each other.
    await contact(w.owner, { first_name: "Sarunas", last_name: "Petrauskas", phones: [{ number: "+37061234567" }] });
    await scan(w.owner);
    const fresh = (await clusters(w.owner)).data;
    for (const open of fresh) {
      const members = new Set(open.contact_ids);
      expect([w.sarunas.id, w.twin.id, w.typo.id].filter((id) => members.has(id)).length).toBeLessThanOrEqual(1);
    }
  });

  it("nightly: one scan per workspace with contacts per window, however often the message comes", async () => {
    const w = await quietWorkspace();
    const empty = await signUp();
    captureSends();
    const window = `2031-0${1 + (Date.now() % 9)}-1${Date.now() % 10}`;
    await deliver([{ type: "duplicates.nightly", window }]);
    await deliver([{ type: "duplicates.nightly", window }]);
    const rows = await env.DB.prepare("SELECT id, workspace_id, trigger, status FROM duplicate_scans WHERE window_key = ?").bind(window).all<{ id: string; workspace_id: string; trigger: string }>();
    const mine = rows.results.filter((row) => row.workspace_id === w.owner.workspaceId);
    expect(mine).toHaveLength(1);
    expect(rows.results.some((row) => row.workspace_id === empty.workspaceId)).toBe(false);
    const scanId = mine[0]?.id ?? "";
    expect(sent.filter((message) => message.type === "duplicates.scan" && message.scan_id === scanId).length).toBeGreaterThanOrEqual(1);
    await deliver([{ type: "duplicates.scan", scan_id: scanId }]);
    // A redelivered message for a finished scan does nothing.
    await deliver([{ type: "duplicates.scan", scan_id: scanId }]);
    const done = await call("GET", `/api/v1/duplicates/scans/${scanId}`, { token: w.owner.token });
    expect(done.json).toMatchObject({ trigger: "nightly", status: "done", clusters_found: 1 });
  });

  it("a second POST while a scan is queued returns that scan", async () => {
    const owner = await signUp();
    captureSends();
    const first = await call("POST", "/api/v1/duplicates/scan", { token: owner.token });
    const second = await call("POST", "/api/v1/duplicates/scan", { token: owner.token });
    expect(second.status).toBe(202);
    expect(field(second.json, "id")).toBe(field(first.json, "id"));
    expect(sent).toHaveLength(1);
  });
});

describe("suggestions on entry", () => {
  it("a new contact with the phone of an existing one becomes an open cluster without a scan", async () => {
    const owner = await signUp();
    const first = await contact(owner, { first_name: "Rūta", last_name: "Kazlauskienė", phones: [{ number: "8 698 11223" }] });
    const second = await contact(owner, { first_name: "Ruta", last_name: "Kazlauskiene", phones: [{ number: "+370 698 11223" }], city: "Kaunas" });
    await vi.waitFor(async () => expect((await clusters(owner)).data.map((c) => c.contact_ids)).toEqual([[first.id, second.id].sort()]), { timeout: 5000 });
    const [cluster] = (await clusters(owner)).data;
    expect(cluster?.reasons[0]?.reasons).toEqual(expect.arrayContaining(["same_phone", "same_name"]));
  });

  it("the same name at the same company is suggested; a colleague on the switchboard is not", async () => {
    const owner = await signUp();
    const alfa = await company(owner, "UAB Alfa");
    const a = await contact(owner, { first_name: "Jonas", last_name: "Petraitis", company_id: alfa, phones: [{ number: "8 5 211 1111" }] });
    await contact(owner, { first_name: "Ona", last_name: "Jonaitė", company_id: alfa, phones: [{ number: "8 5 211 1111" }] });
    const c = await contact(owner, { first_name: "Petraitis", last_name: "Jonas", company_id: alfa });
    await vi.waitFor(async () => expect((await clusters(owner)).data.map((cl) => cl.contact_ids)).toEqual([[a.id, c.id].sort()]), { timeout: 5000 });
  });

  it("a dismissed pair is not suggested again when a third record joins", async () => {
    const owner = await signUp();
    const a = await contact(owner, { first_name: "Eglė", last_name: "Žukauskaitė", phones: [{ number: "8 5 212 3456" }] });
    const b = await contact(owner, { first_name: "Egle", last_name: "Zukauskaite", phones: [{ number: "+370 5 212 3456" }] });
    await vi.waitFor(async () => expect((await clusters(owner)).data).toHaveLength(1), { timeout: 5000 });
    const [cluster] = (await clusters(owner)).data;
    await call("POST", `/api/v1/duplicates/${cluster?.id}/dismiss`, { token: owner.token });
    const c = await contact(owner, { first_name: "Egle", last_name: "Žukauskaitė", phones: [{ number: "852123456" }] });
    await vi.waitFor(async () => expect((await clusters(owner)).data.length).toBeGreaterThan(0), { timeout: 5000 });
    for (const open of (await clusters(owner)).data) {
      expect(open.contact_ids).toContain(c.id);
      expect(open.contact_ids.includes(a.id) && open.contact_ids.includes(b.id)).toBe(false);
    }
  });
});

describe("suggestions from web forms", () => {
  it("a lead that creates a contact with the name of someone at the same company is proposed with them", async () => {
    const owner = await signUp();
    const alfa = await company(owner, "UAB „Alfa“");
    const known = await contact(owner, { first_name: "Jonas", last_name: "Petraitis", emails: ["jonas@alfa.lt"], company_id: alfa });
    const form = await call("POST", "/api/v1/forms", {
      token: owner.token,
      body: { name: "Contact us", fields: [{ field: "first_name" }, { field: "last_name" }, { field: "email", required: true }, { field: "company" }], min_fill_seconds: 0 },
    });
    expect(form.status, form.text).toBe(201);
    const posted = await exports.default.fetch(`http://localhost/f/${field<string>(form.json, "public_key")}`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", "cf-connecting-ip": "192.0.2.9" },
      body: new URLSearchParams({ first_name: "Jonas", last_name: "Petraitis", email: "j.petraitis@gmail.com", company: "Alfa, UAB" }).toString(),
      redirect: "manual",
    });
    expect(posted.status).toBeLessThan(400);
    await vi.waitFor(
      async () => {
        const [cluster] = (await clusters(owner)).data;
        expect(cluster?.contact_ids).toContain(known.id);
        expect(cluster?.contacts.map((c) => c.email).sort()).toEqual(["j.petraitis@gmail.com", "jonas@alfa.lt"]);
      },
      { timeout: 5000 },
    );
  });
});

describe("the create form's check", () => {
  it("names the contacts a new record would duplicate, by phone in any format and by name at the company", async () => {
    const w = await quietWorkspace();
    const byPhone = await call("GET", `/api/v1/duplicates/check?phone=${encodeURIComponent("00370 612 34567")}&first_name=Sarunas&last_name=Petrauskas`, { token: w.owner.token });
    expect(byPhone.status, byPhone.text).toBe(200);
    const hits = field<{ contact: ContactJson; score: number; reasons: string[] }[]>(byPhone.json, "data");
    expect(hits.map((hit) => hit.contact.id)).toEqual(expect.arrayContaining([w.sarunas.id, w.twin.id]));
    expect(hits[0]?.reasons).toContain("same_phone");
    expect(hits.every((hit, i) => i === 0 || (hits[i - 1]?.score ?? 0) >= hit.score)).toBe(true);

    const byName = await call("GET", `/api/v1/duplicates/check?first_name=Šarūnas&last_name=Petrauskas&company_id=${w.alfa}`, { token: w.owner.token });
    expect(field<{ contact: ContactJson }[]>(byName.json, "data").map((hit) => hit.contact.id)).toContain(w.sarunas.id);

    const colleague = await call("GET", `/api/v1/duplicates/check?phone=${encodeURIComponent("8 5 211 1111")}&first_name=Petras&last_name=Naujas`, { token: w.owner.token });
    // The shared switchboard is mentioned (the form shows who has the number), with a low score.
    const shared = field<{ score: number; reasons: string[] }[]>(colleague.json, "data");
    expect(shared.length).toBe(2);
    for (const hit of shared) {
      expect(hit.reasons).toEqual(expect.arrayContaining(["same_phone", "different_name"]));
      expect(hit.score).toBeLessThan(0.8);
    }
    expect(field(await call("GET", "/api/v1/duplicates/check?first_name=Nobody&last_name=Here", { token: w.owner.token }).then((r) => r.json), "data")).toEqual([]);
    expectProblem(await call("GET", "/api/v1/duplicates/check?email=not-an-email", { token: w.owner.token }), 422);
    expectProblem(await call("GET", "/api/v1/duplicates/check?company_id=cmp_nope", { token: w.owner.token }), 422);
  });
});

describe("access", () => {
  it("viewers read clusters and scans but cannot scan or dismiss; other workspaces see nothing", async () => {
    const w = await quietWorkspace();
    const done = await scan(w.owner);
    const [cluster] = (await clusters(w.owner)).data;
    const viewer = await addMember(w.owner, "viewer");
    expect((await call("GET", "/api/v1/duplicates", { token: viewer.token })).status).toBe(200);
    expect((await call("GET", `/api/v1/duplicates/scans/${done.id}`, { token: viewer.token })).status).toBe(200);
    expectProblem(await call("POST", "/api/v1/duplicates/scan", { token: viewer.token }), 403);
    expectProblem(await call("POST", `/api/v1/duplicates/${cluster?.id}/dismiss`, { token: viewer.token }), 403);

    const stranger = await signUp();
    expectProblem(await call("GET", `/api/v1/duplicates/${cluster?.id}`, { token: stranger.token }), 404);
    expectProblem(await call("GET", `/api/v1/duplicates/scans/${done.id}`, { token: stranger.token }), 404);
    expectProblem(await call("POST", `/api/v1/duplicates/${cluster?.id}/dismiss`, { token: stranger.token }), 404);
    expect((await clusters(stranger)).data).toEqual([]);
    expectProblem(await call("GET", "/api/v1/duplicates?status=maybe", { token: w.owner.token }), 422);
    expectProblem(await call("GET", "/api/v1/duplicates", {}), 401);
  });
});
