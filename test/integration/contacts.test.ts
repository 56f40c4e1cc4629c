import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { addMember, call, expectProblem, field, signUp, type Account } from "../helpers/api";

type ContactJson = { id: string; display_name: string; email: string | null; emails: string[]; phone: string | null; phones: { e164: string; raw: string }[]; tags: string[]; version: number; company: { id: string; name: string } | null; consent: { status: string }; lifecycle_stage: string; owner_id: string | null };

async function create(owner: Account, body: Record<string, unknown>) {
  const res = await call("POST", "/api/v1/contacts", { token: owner.token, body });
  if (res.status !== 201) throw new Error(`create failed ${res.status} ${res.text}`);
  return field<ContactJson>(res.json);
}

async function search(owner: Account, q: string) {
  const res = await call("GET", `/api/v1/contacts?q=${encodeURIComponent(q)}`, { token: owner.token });
  expect(res.status, res.text).toBe(200);
  return field<ContactJson[]>(res.json, "data");
}

async function countRows(table: string, workspaceId: string) {
  const row = await env.DB.prepare(`SELECT COUNT(*) AS n FROM ${table} WHERE workspace_id = ?`).bind(workspaceId).first<{ n: number }>();
  return row?.n ?? 0;
}

describe("creating contacts", () => {
  it("normalises emails and phones and keeps what was typed", async () => {
    const owner = await signUp();
    const contact = await create(owner, {
      first_name: "Šarūnas",
      last_name: "Petrauskas",
      emails: ["Sarunas.P@Example.LT", "sp@home.lt"],
      phones: [{ number: "8 612 34567", label: "mobile" }],
      tags: ["VIP", "vip", " Kaunas "],
    });
    expect(contact).toMatchObject({
      display_name: "Šarūnas Petrauskas",
      email: "sarunas.p@example.lt",
      emails: ["sarunas.p@example.lt", "sp@home.lt"],
      phone: "+37061234567",
      phones: [{ e164: "+37061234567", raw: "8 612 34567", label: "mobile" }],
      tags: ["kaunas", "vip"],
      lifecycle_stage: "lead",
      owner_id: owner.userId,
      version: 1,
    });
    const fetched = await call("GET", `/api/v1/contacts/${contact.id}`, { token: owner.token });
    expect(fetched.headers.get("etag")).toBe('"1"');
  });

  it("answers an email already in the workspace with 409 and the existing id", async () => {
    const owner = await signUp();
    const first = await create(owner, { first_name: "Ona", emails: ["ona@example.com"] });
    const res = await call("POST", "/api/v1/contacts", { token: owner.token, body: { first_name: "Other", emails: ["new@example.com", "ONA@example.com"] } });
    const problem = expectProblem(res, 409, "duplicate_email");
    expect(problem.existing_id).toBe(first.id);
    expect(field(problem, "errors", 0, "pointer")).toBe("/emails/1");
    const other = await signUp();
    expect((await call("POST", "/api/v1/contacts", { token: other.token, body: { emails: ["ona@example.com"] } })).status).toBe(201);
  });

  it("refuses bad input with 422 naming the field, and writes nothing", async () => {
    const owner = await signUp();
    const other = await signUp();
    const foreignCompany = await call("POST", "/api/v1/companies", { token: other.token, body: { name: "Foreign UAB" } });
    const cases: [Record<string, unknown>, string][] = [
      [{ first_name: "A", emails: ["not-an-email"] }, "/emails/0"],
      [{ first_name: "A", phones: [{ number: "123" }] }, "/phones/0/number"],
      [{ first_name: "A", lifecycle_stage: "hot" }, "/lifecycle_stage"],
      [{ first_name: "x".repeat(101) }, "/first_name"],
      [{ first_name: "A", favourite_colour: "blue" }, ""],
      [{ first_name: 42 }, "/first_name"],
      [{ first_name: "A", birthday: "2021-02-30" }, "/birthday"],
      [{ first_name: "A", country: "ZZ" }, "/country"],
      [{}, "/first_name"],
    ];
    if (foreignCompany.status === 201) cases.push([{ first_name: "A", company_id: field<string>(foreignCompany.json, "id") }, "/company_id"]);
    for (const [body, pointer] of cases) {
      const problem = expectProblem(await call("POST", "/api/v1/contacts", { token: owner.token, body }), 422);
      expect(field<{ pointer: string }[]>(problem, "errors").map((e) => e.pointer), JSON.stringify(body)).toContain(pointer);
    }
    expect(await countRows("contacts", owner.workspaceId)).toBe(0);
    expect(await countRows("contact_emails", owner.workspaceId)).toBe(0);
  });

  it("does not let a viewer create, change or delete", async () => {
    const owner = await signUp();
    const viewer = await addMember(owner, "viewer");
    const contact = await create(owner, { first_name: "Ona" });
    expectProblem(await call("POST", "/api/v1/contacts", { token: viewer.token, body: { first_name: "No" } }), 403);
    expectProblem(await call("PATCH", `/api/v1/contacts/${contact.id}`, { token: viewer.token, body: { first_name: "No" } }), 403);
    expectProblem(await call("DELETE", `/api/v1/contacts/${contact.id}`, { token: viewer.token }), 403);
    expect((await call("GET", `/api/v1/contacts/${contact.id}`, { token: viewer.token })).status).toBe(200);
  });
});

describe("searching", () => {
  it("finds by word prefix regardless of case and accents, in any of the five languages", async () => {
    const owner = await signUp();
    const sarunas = await create(owner, { first_name: "Šarūnas", last_name: "Petrauskas", emails: ["sp@alfa.lt"] });
    const zygimantas = await create(owner, { first_name: "Žygimantas", last_name: "Kairys" });
    const ivan = await create(owner, { first_name: "Иван", last_name: "Петров" });
    const janis = await create(owner, { first_name: "Jānis", last_name: "Bērziņš" });
    const anze = await create(owner, { first_name: "Anže", last_name: "Košir", phones: [{ number: "+386 41 234 567" }] });
    expect((await search(owner, "sarunas")).map((c) => c.id)).toEqual([sarunas.id]);
    expect((await search(owner, "ZYGIM")).map((c) => c.id)).toEqual([zygimantas.id]);
    expect((await search(owner, "иван")).map((c) => c.id)).toEqual([ivan.id]);
    expect((await search(owner, "петр")).map((c) => c.id)).toEqual([ivan.id]);
    expect((await search(owner, "berzins")).map((c) => c.id)).toEqual([janis.id]);
    expect((await search(owner, "kosir anze")).map((c) => c.id)).toEqual([anze.id]);
    expect((await search(owner, "sarunas kairys"))).toEqual([]);
  });

  it("finds a phone however it is typed, even partly, with the trunk prefix", async () => {
    const owner = await signUp();
    const contact = await create(owner, { first_name: "Ona", phones: [{ number: "+37061234567" }] });
    await create(owner, { first_name: "Irish", phones: [{ number: "+353 86 123 4567" }] });
    for (const typed of ["8 612 34567", "+370 612 34567", "(8-612) 34567", "61234567", "612 34", "37061234", "8 612", "8 (612) 3"]) {
      expect((await search(owner, typed)).map((c) => c.id), typed).toEqual([contact.id]);
    }
  });

  it("finds by email and by company name, and never across workspaces", async () => {
    const owner = await signUp();
    const company = await call("POST", "/api/v1/companies", { token: owner.token, body: { name: 'UAB "Alfa Technologijos"', domain: "alfa.lt" } });
    const contact = await create(owner, { first_name: "Ona", emails: ["ona.jonaite@example.com"], company_id: field<string>(company.json, "id") });
    expect((await search(owner, "ona.jon")).map((c) => c.id)).toEqual([contact.id]);
    expect((await search(owner, "ona.jonaite@example.com")).map((c) => c.id)).toEqual([contact.id]);
    expect((await search(owner, "technolog")).map((c) => c.id)).toEqual([contact.id]);
    const other = await signUp();
    expect(await search(other, "ona")).toEqual([]);
  });

  it("pages through many matches newest first without repeats", async () => {
    const owner = await signUp();
    for (let i = 0; i < 7; i++) await create(owner, { first_name: `Petras${i}`, last_name: "Petraitis" });
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const res = await call("GET", `/api/v1/contacts?q=petrai&limit=3${cursor ? `&cursor=${cursor}` : ""}`, { token: owner.token });
      seen.push(...field<ContactJson[]>(res.json, "data").map((c) => c.display_name));
      cursor = field<string | null>(res.json, "next_cursor");
    } while (cursor);
    expect(seen).toEqual(["Petras6", "Petras5", "Petras4", "Petras3", "Petras2", "Petras1", "Petras0"].map((n) => `${n} Petraitis`));
  });
});

describe("listing", () => {
  it("sorts by name and walks the cursor in both directions of the sort", async () => {
    const owner = await signUp();
    for (const last of ["Žukauskas", "Adamkus", "Brazauskas", "Čepas", "Mažeika"]) await create(owner, { first_name: "X", last_name: last });
    const names = async (sort: string) => {
      const out: string[] = [];
      let cursor: string | null = null;
      do {
        const res = await call("GET", `/api/v1/contacts?sort=${sort}&limit=2${cursor ? `&cursor=${cursor}` : ""}`, { token: owner.token });
        out.push(...field<{ last_name: string }[]>(res.json, "data").map((c) => c.last_name));
        cursor = field<string | null>(res.json, "next_cursor");
      } while (cursor);
      return out;
    };
    expect(await names("name")).toEqual(["Adamkus", "Brazauskas", "Čepas", "Mažeika", "Žukauskas"]);
    expect(await names("-name")).toEqual(["Žukauskas", "Mažeika", "Čepas", "Brazauskas", "Adamkus"]);
    expect((await names("-created_at"))[0]).toBe("Mažeika");
  });

  it("filters by stage, tag, owner, company, country, consent, email and phone presence", async () => {
    const owner = await signUp();
    const member = await addMember(owner, "member");
    const company = field<string>((await call("POST", "/api/v1/companies", { token: owner.token, body: { name: "SIA Baltija" } })).json, "id");
    const a = await create(owner, { first_name: "A", lifecycle_stage: "customer", tags: ["vip"], country: "LV", company_id: company, emails: ["a@x.lv"], consent: { status: "granted", source: "form" } });
    const b = await create(owner, { first_name: "B", owner_id: member.userId, phones: [{ number: "+37120000000" }] });
    const ids = async (query: string) => field<ContactJson[]>((await call("GET", `/api/v1/contacts?${query}`, { token: owner.token })).json, "data").map((c) => c.id);
    expect(await ids("lifecycle_stage=customer")).toEqual([a.id]);
    expect(await ids("tag=VIP")).toEqual([a.id]);
    expect(await ids(`owner_id=${member.userId}`)).toEqual([b.id]);
    expect(await ids(`company_id=${company}`)).toEqual([a.id]);
    expect(await ids("country=LV")).toEqual([a.id]);
    expect(await ids("consent=granted")).toEqual([a.id]);
    expect(await ids("has_email=true")).toEqual([a.id]);
    expect(await ids("has_phone=true")).toEqual([b.id]);
    expect(await ids("has_phone=false")).toEqual([a.id]);
    expect(await ids(`created_after=${encodeURIComponent(new Date(Date.now() + 60_000).toISOString())}`)).toEqual([]);
    expectProblem(await call("GET", "/api/v1/contacts?lifecycle_stage=hot", { token: owner.token }), 422);
    expectProblem(await call("GET", "/api/v1/contacts?sort=shoe_size", { token: owner.token }), 422);
  });
});

describe("changing contacts", () => {
  it("updates with If-Match, bumps the version, and answers 412 when stale", async () => {
    const owner = await signUp();
    const contact = await create(owner, { first_name: "Ona", emails: ["ona@x.lt"] });
    const ok = await call("PATCH", `/api/v1/contacts/${contact.id}`, { token: owner.token, headers: { "if-match": '"1"' }, body: { job_title: "CEO", phones: [{ number: "+37061234567" }] } });
    expect(ok.status, ok.text).toBe(200);
    expect(ok.json).toMatchObject({ job_title: "CEO", version: 2, phone: "+37061234567", emails: ["ona@x.lt"] });
    expect(ok.headers.get("etag")).toBe('"2"');
    expectProblem(await call("PATCH", `/api/v1/contacts/${contact.id}`, { token: owner.token, headers: { "if-match": '"1"' }, body: { job_title: "CTO" } }), 412);
    expect((await search(owner, "8 612 34567")).map((c) => c.id)).toEqual([contact.id]);
  });

  it("refuses to take another contact's email and clears fields set to null", async () => {
    const owner = await signUp();
    await create(owner, { first_name: "A", emails: ["a@x.lt"] });
    const b = await create(owner, { first_name: "B", emails: ["b@x.lt"], city: "Kaunas" });
    expectProblem(await call("PATCH", `/api/v1/contacts/${b.id}`, { token: owner.token, body: { emails: ["b@x.lt", "A@x.lt"] } }), 409, "duplicate_email");
    const cleared = await call("PATCH", `/api/v1/contacts/${b.id}`, { token: owner.token, body: { city: null, emails: [] } });
    expect(cleared.json).toMatchObject({ city: null, email: null, emails: [] });
    expect((await call("POST", "/api/v1/contacts", { token: owner.token, body: { emails: ["b@x.lt"] } })).status).toBe(201);
  });

  it("keeps every consent change as a record", async () => {
    const owner = await signUp();
    const contact = await create(owner, { first_name: "Ona", consent: { status: "granted", source: "web form", legal_basis: "consent" } });
    await call("PATCH", `/api/v1/contacts/${contact.id}`, { token: owner.token, body: { consent: { status: "denied", source: "phone call" } } });
    const history = await call("GET", `/api/v1/contacts/${contact.id}/consents`, { token: owner.token });
    expect(field<{ status: string; source: string }[]>(history.json, "data").map((r) => [r.status, r.source])).toEqual([
      ["denied", "phone call"],
      ["granted", "web form"],
    ]);
  });

  it("deletes softly, hides from lists and search, and restores", async () => {
    const owner = await signUp();
    const contact = await create(owner, { first_name: "Ona", last_name: "Trinta", emails: ["ona@trinta.lt"] });
    expect((await call("DELETE", `/api/v1/contacts/${contact.id}`, { token: owner.token })).status).toBe(204);
    expectProblem(await call("GET", `/api/v1/contacts/${contact.id}`, { token: owner.token }), 404);
    expect(await search(owner, "trinta")).toEqual([]);
    const deleted = await call("GET", "/api/v1/contacts?deleted=true", { token: owner.token });
    expect(field<ContactJson[]>(deleted.json, "data").map((c) => c.id)).toEqual([contact.id]);
    const dup = await call("POST", "/api/v1/contacts", { token: owner.token, body: { emails: ["ona@trinta.lt"] } });
    expect(expectProblem(dup, 409).existing_id).toBe(contact.id);
    const restored = await call("POST", `/api/v1/contacts/${contact.id}/restore`, { token: owner.token });
    expect(restored.status).toBe(200);
    expect((await search(owner, "trinta")).map((c) => c.id)).toEqual([contact.id]);
  });

  it("refuses to restore after 30 days", async () => {
    const owner = await signUp();
    const contact = await create(owner, { first_name: "Old" });
    await call("DELETE", `/api/v1/contacts/${contact.id}`, { token: owner.token });
    await env.DB.prepare("UPDATE contacts SET deleted_at = ? WHERE id = ?").bind(Date.now() - 31 * 24 * 3600 * 1000, contact.id).run();
    expectProblem(await call("POST", `/api/v1/contacts/${contact.id}/restore`, { token: owner.token }), 410, "restore_window_passed");
  });

  it("writes the audit log with the diff of every change", async () => {
    const owner = await signUp();
    const contact = await create(owner, { first_name: "Ona", city: "Vilnius" });
    await call("PATCH", `/api/v1/contacts/${contact.id}`, { token: owner.token, body: { city: "Kaunas" } });
    await call("DELETE", `/api/v1/contacts/${contact.id}`, { token: owner.token });
    const log = await call("GET", `/api/v1/audit-log?entity_type=contact&entity_id=${contact.id}`, { token: owner.token });
    const entries = field<{ action: string; diff: { before: unknown; after: unknown } }[]>(log.json, "data");
    expect(entries.map((e) => e.action)).toEqual(["contact.deleted", "contact.updated", "contact.created"]);
    expect(entries[1]?.diff).toEqual({ before: { city: "Vilnius" }, after: { city: "Kaunas" } });
  });
});

describe("bulk changes", () => {
  it("sets owner, stage and tags and deletes up to 500 contacts, with an audit entry each", async () => {
    const owner = await signUp();
    const member = await addMember(owner, "member");
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) ids.push((await create(owner, { first_name: `C${i}`, tags: ["old"] })).id);
    const bulk = (body: Record<string, unknown>) => call("POST", "/api/v1/contacts/bulk", { token: owner.token, body: { ids, ...body } });
    expect((await bulk({ action: "set_owner", owner_id: member.userId })).json).toEqual({ updated: 3 });
    expect((await bulk({ action: "set_lifecycle_stage", lifecycle_stage: "customer" })).status).toBe(200);
    expect((await bulk({ action: "add_tags", tags: ["VIP", "kaunas"] })).status).toBe(200);
    expect((await bulk({ action: "remove_tags", tags: ["old"] })).status).toBe(200);
    const one = field<ContactJson>((await call("GET", `/api/v1/contacts/${ids[0]}`, { token: owner.token })).json);
    expect(one).toMatchObject({ owner_id: member.userId, lifecycle_stage: "customer", tags: ["kaunas", "vip"], version: 5 });
    const tagged = await call("GET", "/api/v1/contacts?tag=vip", { token: owner.token });
    expect(field<unknown[]>(tagged.json, "data")).toHaveLength(3);
    const log = await call("GET", `/api/v1/audit-log?entity_type=contact&entity_id=${ids[0]}`, { token: owner.token });
    const diffs = field<{ diff: { before: unknown; after: unknown } }[]>(log.json, "data").map((e) => e.diff);
    expect(diffs).toContainEqual({ before: { owner_id: owner.userId }, after: { owner_id: member.userId } });
    expect(diffs).toContainEqual({ before: { tags: ["kaunas", "old", "vip"] }, after: { tags: ["kaunas", "vip"] } });
    expect((await bulk({ action: "delete" })).status).toBe(200);
    expect(field<unknown[]>((await call("GET", "/api/v1/contacts", { token: owner.token })).json, "data")).toEqual([]);
    expect((await bulk({ action: "restore" })).json).toEqual({ updated: 3 });
    expect(field<unknown[]>((await call("GET", "/api/v1/contacts", { token: owner.token })).json, "data")).toHaveLength(3);
  });

  it("restores in bulk with the search index exactly as a single write builds it", async () => {
    const owner = await signUp();
    const contact = await create(owner, { first_name: "Žydrūnė", phones: [{ number: "8 612 34567" }], emails: ["zydrune@x.lt"] });
    const before = await env.DB.prepare("SELECT name, email, phone, company FROM contacts_fts WHERE rowid = (SELECT search_rowid FROM contacts WHERE id = ?)").bind(contact.id).first();
    await call("POST", "/api/v1/contacts/bulk", { token: owner.token, body: { action: "delete", ids: [contact.id] } });
    expect(await search(owner, "zydrune")).toEqual([]);
    await call("POST", "/api/v1/contacts/bulk", { token: owner.token, body: { action: "restore", ids: [contact.id] } });
    const after = await env.DB.prepare("SELECT name, email, phone, company FROM contacts_fts WHERE rowid = (SELECT search_rowid FROM contacts WHERE id = ?)").bind(contact.id).first();
    expect(after).toEqual(before);
    expect((await search(owner, "612 34567")).map((c) => c.id)).toEqual([contact.id]);
  });

  it("changes nothing when one id is not a contact of the workspace", async () => {
    const owner = await signUp();
    const other = await signUp();
    const mine = await create(owner, { first_name: "Mine" });
    const theirs = await create(other, { first_name: "Theirs" });
    const res = await call("POST", "/api/v1/contacts/bulk", { token: owner.token, body: { action: "set_lifecycle_stage", ids: [mine.id, theirs.id], lifecycle_stage: "customer" } });
    const problem = expectProblem(res, 422);
    expect(field(problem, "errors", 0, "pointer")).toBe("/ids/1");
    expect(field((await call("GET", `/api/v1/contacts/${mine.id}`, { token: owner.token })).json, "lifecycle_stage")).toBe("lead");
    expectProblem(await call("POST", "/api/v1/contacts/bulk", { token: owner.token, body: { action: "delete", ids: Array.from({ length: 501 }, (_, i) => `con_${i}`) } }), 422);
  });
});
