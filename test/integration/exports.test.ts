import { env, exports } from "cloudflare:workers";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { countContactsUpTo } from "../../workers/contacts/contact.service";
import { createDatabase } from "../../workers/db/client";
import { runExport } from "../../workers/exports/export.service";
import { parseChunk } from "../../workers/imports/parse";
import { addMember, call, expectProblem, field, signUp, type Account, type CallResult } from "../helpers/api";
import { captureJobSends, deliverJobs, drainJobs } from "../helpers/queue";
import { meteredD1, type Metered } from "../helpers/metered-d1";

// Exports end to end: the direct download streams exactly the list endpoint's rows for the same
// filters (CSV and JSON), the job path writes chunks through the queue consumer and downloads
// the same bytes, and expiry, tenancy and visibility hold.

const bom = [0xef, 0xbb, 0xbf];
const today = () => new Date().toISOString().slice(0, 10);

const captureSends = captureJobSends;
const deliver = deliverJobs;
const drain = drainJobs;

afterEach(() => {
  vi.restoreAllMocks();
});


async function bytesOf(res: CallResult): Promise<Uint8Array> {
  return new Uint8Array(await res.response.arrayBuffer());
}

/** The file's text after its BOM (which must be there), parsed with the import's RFC 4180 reader. */
function readCsv(bytes: Uint8Array, delimiter: "," | ";" = ",") {
  expect([...bytes.slice(0, 3)]).toEqual(bom);
  const text = new TextDecoder().decode(bytes.slice(3));
  const parsed = parseChunk(text, { delimiter, from: { offset: 0, row: 0, line: 1 }, maxRows: 100_000 });
  expect(parsed.issues).toEqual([]);
  const [header, ...rows] = parsed.rows.map((row) => row.fields);
  if (!header) throw new Error("no header row");
  const records = rows.map((row) => Object.fromEntries(header.map((name, index) => [name, row[index] ?? ""])));
  return { text, header, rows, records };
}

/** Every record of a list endpoint for a query, paging through next_cursor. */
async function listAll(account: Account, path: string, query: Record<string, string>) {
  const out: Record<string, unknown>[] = [];
  let cursor: string | null = null;
  do {
    const params = new URLSearchParams({ ...query, limit: "200", ...(cursor ? { cursor } : {}) });
    const res = await call("GET", `${path}?${params}`, { token: account.token });
    expect(res.status, res.text).toBe(200);
    out.push(...field<Record<string, unknown>[]>(res.json, "data"));
    cursor = field<string | null>(res.json, "next_cursor");
  } while (cursor);
  return out;
}

async function createContact(account: Account, body: Record<string, unknown>) {
  const res = await call("POST", "/api/v1/contacts", { token: account.token, body });
  expect(res.status, res.text).toBe(201);
  return field<string>(res.json, "id");
}

async function exportFile(account: Account, path: string) {
  return call("GET", path, { token: account.token });
}

type Fixture = { owner: Account; companyId: string; hyperlinkId: string; dealIds: string[] };
let a: Fixture;

beforeAll(async () => {
  const owner = await signUp({ name: "Ona Owner" });
  const company = await call("POST", "/api/v1/companies", { token: owner.token, body: { name: "UAB Alfa", domain: "alfa.lt", phone: "+370 5 212 3456", annual_revenue: { amount: 1234500, currency: "EUR" } } });
  expect(company.status, company.text).toBe(201);
  const companyId = field<string>(company.json, "id");
  await call("POST", "/api/v1/companies", { token: owner.token, body: { name: "SIA Beta", domain: "beta.lv" } });
  const hyperlinkId = await createContact(owner, {
    first_name: '=HYPERLINK("http://x")',
    last_name: "Injected",
    emails: ["hyper@example.lt"],
    phones: [{ number: "+370 612 34567" }, { number: "+371 2000 0000" }],
    lifecycle_stage: "customer",
    tags: ["vip"],
  });
  await createContact(owner, {
    first_name: "Ona",
    last_name: "Petraitė",
    emails: ["ona@example.lt", "ona.p@example.lt"],
    company_id: companyId,
    job_title: 'CEO, "Alfa"',
    city: "Vilnius",
    lifecycle_stage: "customer",
    tags: ["vip", "lt"],
  });
  await createContact(owner, { first_name: "Jonas", last_name: "Jonaitis", emails: ["jonas@example.lt"], lifecycle_stage: "lead" });
  await createContact(owner, { first_name: "Иван", last_name: "Иванов", job_title: "Line one\nline two", lifecycle_stage: "customer" });
  await createContact(owner, { first_name: "-cmd", last_name: "Minus", lifecycle_stage: "customer", tags: ["vip"] });
  const dealIds: string[] = [];
  for (const body of [
    { title: "Alfa renewal", value: 123450, currency: "EUR", company_id: companyId },
    { title: "@SUM(1+1)", value: 5, currency: "EUR" },
    { title: "Yen deal", value: 1500, currency: "JPY" },
  ]) {
    const res = await call("POST", "/api/v1/deals", { token: owner.token, body });
    expect(res.status, res.text).toBe(201);
    dealIds.push(field<string>(res.json, "id"));
  }
  a = { owner, companyId, hyperlinkId, dealIds };
});

describe("direct export", () => {
  it("streams a well-formed CSV (BOM, CRLF, quoted cells) of exactly the rows the list returns for the same filters", async () => {
    const res = await exportFile(a.owner, "/api/v1/contacts/export?format=csv&lifecycle_stage=customer&sort=-created_at");
    expect(res.status, res.text).toBe(200);
    expect(res.headers.get("content-type")).toContain("text/csv");
    expect(res.headers.get("content-disposition")).toBe(`attachment; filename="contacts-${today()}.csv"`);
    expect(res.headers.get("cache-control")).toContain("no-store");
    const { text, header, records } = readCsv(await bytesOf(res));
    // Every record ends with CRLF; the one bare LF is the line break inside Иванов's quoted job title.
    expect(text.endsWith("\r\n")).toBe(true);
    expect(text.split("\r\n").length - 1).toBe(records.length + 1);
    expect(text.replaceAll("\r\n", "").split("\n")).toHaveLength(2);
    expect(text).toContain('"Line one\nline two"');
    expect(header.slice(0, 5)).toEqual(["ID", "First name", "Last name", "Emails", "Phones"]);

    const listed = await listAll(a.owner, "/api/v1/contacts", { lifecycle_stage: "customer", sort: "-created_at" });
    expect(records.map((r) => r.ID)).toEqual(listed.map((c) => c.id));
    expect(records).toHaveLength(4);

    const ona = records.find((r) => r["First name"] === "Ona");
    expect(ona?.Emails).toBe("ona@example.lt; ona.p@example.lt");
    expect(ona?.Company).toBe("UAB Alfa");
    expect(ona?.["Job title"]).toBe('CEO, "Alfa"');
    expect(ona?.Tags).toBe("lt; vip");
    expect(ona?.Owner).toBe("Ona Owner");
    expect(ona?.["Owner email"]).toBe(a.owner.email);
    expect(records.find((r) => r["Last name"] === "Иванов")?.["Job title"]).toBe("Line one\nline two");
  });

  it("writes semicolons for Excel in Lithuanian, Latvian, Slovenian and Russian locales, directly and as a job", async () => {
    const comma = readCsv(await bytesOf(await exportFile(a.owner, "/api/v1/contacts/export?lifecycle_stage=customer&sort=-created_at")));
    const res = await exportFile(a.owner, "/api/v1/contacts/export?lifecycle_stage=customer&sort=-created_at&delimiter=semicolon");
    expect(res.status, res.text).toBe(200);
    const semicolon = readCsv(await bytesOf(res), ";");
    expect(semicolon.text.split("\r\n")[0]).toContain("ID;First name;Last name;Emails;Phones");
    // The same cells: a value holding a semicolon ("ona@…; ona.p@…") is quoted, nothing else moves.
    expect(semicolon.records).toEqual(comma.records);
    expect(semicolon.text).toContain('"ona@example.lt; ona.p@example.lt"');

    const sent = captureSends();
    const created = await call("POST", "/api/v1/exports", { token: a.owner.token, body: { entity: "contacts", format: "csv", delimiter: "semicolon", filters: { lifecycle_stage: "customer", sort: "-created_at" } } });
    expect(created.status, created.text).toBe(202);
    expect(created.json).toMatchObject({ delimiter: "semicolon" });
    await drain(sent);
    const download = await call("GET", `/api/v1/exports/${field<string>(created.json, "id")}/download`, { token: a.owner.token });
    expect(new TextDecoder().decode(await bytesOf(download))).toBe(new TextDecoder().decode(await bytesOf(await exportFile(a.owner, "/api/v1/contacts/export?lifecycle_stage=customer&sort=-created_at&delimiter=semicolon"))));
    expectProblem(await call("GET", "/api/v1/contacts/export?delimiter=tab", { token: a.owner.token }), 422);
  });

  it('neutralises =HYPERLINK("http://x") and a leading minus, and keeps E.164 phones verbatim', async () => {
    const res = await exportFile(a.owner, "/api/v1/contacts/export?format=csv&tag=vip");
    const { text, records } = readCsv(await bytesOf(res));
    expect(text).toContain(`"'=HYPERLINK(""http://x"")"`);
    const hyper = records.find((r) => r.ID === a.hyperlinkId);
    expect(hyper?.["First name"]).toBe(`'=HYPERLINK("http://x")`);
    expect(hyper?.Phones).toBe("+37061234567; +37120000000");
    expect(records.find((r) => r["Last name"] === "Minus")?.["First name"]).toBe("'-cmd");
    for (const record of records) for (const value of Object.values(record)) expect(value, JSON.stringify(record)).not.toMatch(/^[=@\t\r]/);
    const listed = await listAll(a.owner, "/api/v1/contacts", { tag: "vip" });
    expect(records.map((r) => r.ID)).toEqual(listed.map((c) => c.id));
  });

  it("exports JSON as the list endpoint's own records, for contacts, companies and deals", async () => {
    for (const [path, query] of [
      ["/api/v1/contacts", { lifecycle_stage: "customer", has_email: "true" }],
      ["/api/v1/contacts", { q: "ona" }],
      ["/api/v1/companies", { q: "alfa" }],
      ["/api/v1/companies", { sort: "-created_at" }],
      ["/api/v1/deals", { company_id: a.companyId }],
      ["/api/v1/deals", {}],
    ] as const) {
      const res = await exportFile(a.owner, `${path}/export?${new URLSearchParams({ ...query, format: "json" })}`);
      expect(res.status, res.text).toBe(200);
      expect(res.headers.get("content-type")).toContain("application/json");
      expect(res.headers.get("content-disposition")).toBe(`attachment; filename="${path.split("/").at(-1)}-${today()}.json"`);
      const listed = await listAll(a.owner, path, query);
      expect(listed.length, `${path} ${JSON.stringify(query)}`).toBeGreaterThan(0);
      expect(res.json, `${path} ${JSON.stringify(query)}`).toEqual(listed);
    }
  });

  it("writes deals with pipeline and stage names, amounts in major units with their currency, and neutralised titles", async () => {
    const res = await exportFile(a.owner, "/api/v1/deals/export?format=csv&status=open");
    const { records } = readCsv(await bytesOf(res));
    expect(records.map((r) => r.ID)).toEqual((await listAll(a.owner, "/api/v1/deals", { status: "open" })).map((d) => d.id));
    const alfa = records.find((r) => r.Title === "Alfa renewal");
    expect(alfa?.Amount).toBe("1234.50");
    expect(alfa?.Currency).toBe("EUR");
    expect(alfa?.Company).toBe("UAB Alfa");
    expect(alfa?.Pipeline).not.toBe("");
    expect(alfa?.Stage).not.toBe("");
    expect(alfa?.Owner).toBe("Ona Owner");
    expect(records.find((r) => r.Currency === "JPY")?.Amount).toBe("1500");
    expect(records.find((r) => r.Amount === "0.05")?.Title).toBe("'@SUM(1+1)");
  });

  it("writes companies with revenue in major units and the phone verbatim", async () => {
    const res = await exportFile(a.owner, "/api/v1/companies/export?q=alfa");
    expect(res.headers.get("content-disposition")).toBe(`attachment; filename="companies-${today()}.csv"`);
    const { records } = readCsv(await bytesOf(res));
    expect(records).toHaveLength(1);
    expect(records[0]?.Name).toBe("UAB Alfa");
    expect(records[0]?.["Annual revenue"]).toBe("12345.00");
    expect(records[0]?.["Annual revenue currency"]).toBe("EUR");
    expect(records[0]?.Phone).toBe("+37052123456");
  });

  it("does not collide with /contacts/{id}, /companies/{id} or /deals/{id}", async () => {
    expect((await call("GET", `/api/v1/contacts/${a.hyperlinkId}`, { token: a.owner.token })).status).toBe(200);
    expect((await call("GET", `/api/v1/companies/${a.companyId}`, { token: a.owner.token })).status).toBe(200);
    expect((await call("GET", `/api/v1/deals/${a.dealIds[0]}`, { token: a.owner.token })).status).toBe(200);
    for (const entity of ["contacts", "companies", "deals"]) {
      const res = await exportFile(a.owner, `/api/v1/${entity}/export`);
      expect(res.status, res.text).toBe(200);
    }
  });

  it("answers a bad format or bad filters with 422 and never a file", async () => {
    expectProblem(await exportFile(a.owner, "/api/v1/contacts/export?format=xlsx"), 422, "validation_failed");
    expectProblem(await exportFile(a.owner, "/api/v1/contacts/export?lifecycle_stage=nonsense"), 422, "validation_failed");
    expectProblem(await exportFile(a.owner, "/api/v1/contacts/export?created_after=yesterday"), 422, "validation_failed");
    expectProblem(await exportFile(a.owner, "/api/v1/companies/export?sort=shoe_size"), 422, "validation_failed");
    expectProblem(await exportFile(a.owner, "/api/v1/deals/export?status=maybe"), 422, "validation_failed");
    expectProblem(await call("GET", "/api/v1/contacts/export"), 401, "unauthorized");
  });

  it("lets a viewer export and writes each export to the audit log", async () => {
    const viewer = await addMember(a.owner, "viewer");
    const res = await exportFile(viewer, "/api/v1/contacts/export?lifecycle_stage=customer");
    expect(res.status).toBe(200);
    await res.response.arrayBuffer();
    const audit = await call("GET", "/api/v1/audit-log?entity_type=export&limit=50", { token: a.owner.token });
    const entries = field<{ action: string; actor_id: string; diff: { after: Record<string, unknown> } }[]>(audit.json, "data");
    const mine = entries.find((e) => e.actor_id === viewer.userId);
    expect(mine?.action).toBe("export.downloaded");
    expect(mine?.diff.after).toMatchObject({ entity: "contacts", format: "csv", filters: { lifecycle_stage: "customer" }, row_count: 4, mode: "direct" });
  });
});

describe("export jobs", () => {
  async function startJob(account: Account, body: Record<string, unknown>) {
    const res = await call("POST", "/api/v1/exports", { token: account.token, body });
    expect(res.status, res.text).toBe(202);
    return res;
  }

  it("runs through the queue, announces export.finished, and downloads the same file as the direct export", async () => {
    const sent = captureSends();
    const socketRes = await exports.default.fetch("http://localhost/api/v1/live", { headers: { upgrade: "websocket", authorization: `Bearer ${a.owner.token}` } });
    const socket = socketRes.webSocket;
    if (!socket) throw new Error("no socket");
    const frames: { type: string; id: string; data?: Record<string, unknown> }[] = [];
    socket.addEventListener("message", (event) => frames.push(JSON.parse(String(event.data))));
    socket.accept();
    await vi.waitFor(() => expect(frames[0]?.type).toBe("hello"));

    const created = await startJob(a.owner, { entity: "contacts", format: "csv", filters: { lifecycle_stage: "customer" } });
    const id = field<string>(created.json, "id");
    expect(id).toMatch(/^exp_/);
    expect(created.json).toMatchObject({ entity: "contacts", format: "csv", filters: { lifecycle_stage: "customer" }, status: "queued", row_count: 0, download_url: null });
    expect(created.headers.get("location")).toBe(`/api/v1/exports/${id}`);
    expect(sent).toEqual([{ type: "export.run", export_id: id }]);
    expectProblem(await call("GET", `/api/v1/exports/${id}/download`, { token: a.owner.token }), 409, "export_not_ready");

    await drain(sent);
    const done = await call("GET", `/api/v1/exports/${id}`, { token: a.owner.token });
    expect(done.json).toMatchObject({ status: "done", row_count: 4, download_url: `/api/v1/exports/${id}/download` });
    await vi.waitFor(() => expect(frames.find((f) => f.type === "export.finished" && f.id === id)?.data).toMatchObject({ status: "done", row_count: 4 }));
    socket.close();

    const download = await call("GET", `/api/v1/exports/${id}/download`, { token: a.owner.token });
    expect(download.status).toBe(200);
    expect(download.headers.get("content-disposition")).toBe(`attachment; filename="contacts-${today()}.csv"`);
    const stored = await bytesOf(download);
    expect(Number(download.headers.get("content-length"))).toBe(stored.byteLength);
    expect(field<number>(done.json, "byte_size")).toBe(stored.byteLength);
    const direct = await bytesOf(await exportFile(a.owner, "/api/v1/contacts/export?lifecycle_stage=customer"));
    expect(new TextDecoder().decode(stored)).toBe(new TextDecoder().decode(direct));
    expect(readCsv(stored).records.find((r) => r.ID === a.hyperlinkId)?.["First name"]).toBe(`'=HYPERLINK("http://x")`);

    const listed = await call("GET", "/api/v1/exports", { token: a.owner.token });
    expect(field<{ id: string }[]>(listed.json, "data").map((e) => e.id)).toContain(id);
  });

  it("continues page by page in new messages, survives a redelivered step, and writes JSON that parses to the list", async () => {
    const sent = captureSends();
    const created = await startJob(a.owner, { entity: "contacts", format: "json", filters: { sort: "name" } });
    const id = field<string>(created.json, "id");
    sent.length = 0;
    const db = createDatabase(env.DB);
    const step = () => runExport(env, db, id, Date.now(), { pageSize: 2, maxPages: 1 });
    await step();
    // The same step delivered twice at once: one writes, the other finds the state moved on.
    await Promise.all([step(), step()]);
    for (let i = 0; i < 10; i += 1) await step();
    const row = await env.DB.prepare("SELECT status, row_count, chunk_count FROM exports WHERE id = ?").bind(id).first<{ status: string; row_count: number; chunk_count: number }>();
    expect(row).toEqual({ status: "done", row_count: 5, chunk_count: 3 });
    expect(sent.every((m) => m.type === "export.run" && m.export_id === id)).toBe(true);
    expect(sent.length).toBeGreaterThanOrEqual(2);
    const download = await call("GET", `/api/v1/exports/${id}/download`, { token: a.owner.token });
    expect(download.json).toEqual(await listAll(a.owner, "/api/v1/contacts", { sort: "name" }));
  });

  it("refuses unknown entities, formats and filters with 422 pointing at the field", async () => {
    const badFilter = expectProblem(await call("POST", "/api/v1/exports", { token: a.owner.token, body: { entity: "contacts", filters: { lifecycle_stage: "nonsense" } } }), 422);
    expect(field<{ pointer: string }[]>(badFilter, "errors")[0]?.pointer).toBe("/filters/lifecycle_stage");
    expectProblem(await call("POST", "/api/v1/exports", { token: a.owner.token, body: { entity: "contacts", filters: { colour: "blue" } } }), 422);
    expectProblem(await call("POST", "/api/v1/exports", { token: a.owner.token, body: { entity: "contacts", filters: { limit: "5" } } }), 422);
    expectProblem(await call("POST", "/api/v1/exports", { token: a.owner.token, body: { entity: "tasks" } }), 422);
    expectProblem(await call("POST", "/api/v1/exports", { token: a.owner.token, body: { entity: "deals", format: "xml" } }), 422);
    expectProblem(await call("POST", "/api/v1/exports", { token: a.owner.token, body: { entity: "deals", filters: { status: 3 } } }), 422);
  });

  it("shows an export only to its creator and to admins; another workspace gets 404", async () => {
    const sent = captureSends();
    const id = field<string>((await startJob(a.owner, { entity: "deals", format: "csv" })).json, "id");
    await drain(sent);
    const member = await addMember(a.owner, "member");
    const admin = await addMember(a.owner, "admin");
    const other = await signUp({ workspace_name: "Other" });
    for (const account of [member, other]) {
      expectProblem(await call("GET", `/api/v1/exports/${id}`, { token: account.token }), 404, "not_found");
      expectProblem(await call("GET", `/api/v1/exports/${id}/download`, { token: account.token }), 404, "not_found");
      expect(field<unknown[]>((await call("GET", "/api/v1/exports", { token: account.token })).json, "data")).toEqual([]);
    }
    expect((await call("GET", `/api/v1/exports/${id}/download`, { token: admin.token })).status).toBe(200);
    // The other workspace's own export has none of A's rows.
    const theirs = await exportFile(other, "/api/v1/contacts/export?format=json");
    expect(theirs.json).toEqual([]);
  });

  it("expires after 7 days: 410 on download, then the maintenance purge deletes the export and its chunks", async () => {
    const sent = captureSends();
    const created = await startJob(a.owner, { entity: "companies", format: "csv" });
    const id = field<string>(created.json, "id");
    expect(Date.parse(field<string>(created.json, "expires_at")) - Date.parse(field<string>(created.json, "created_at"))).toBe(7 * 24 * 60 * 60 * 1000);
    await drain(sent);
    const chunks = async () => (await env.DB.prepare("SELECT COUNT(*) AS n FROM export_chunks WHERE export_id = ?").bind(id).first<{ n: number }>())?.n;
    expect(await chunks()).toBeGreaterThan(0);

    await env.DB.prepare("UPDATE exports SET expires_at = ? WHERE id = ?").bind(Date.now() - 1000, id).run();
    expectProblem(await call("GET", `/api/v1/exports/${id}/download`, { token: a.owner.token }), 410, "export_expired");
    expect(field((await call("GET", `/api/v1/exports/${id}`, { token: a.owner.token })).json, "download_url")).toBeNull();

    const result = await deliver([{ type: "maintenance.purge", window: "2026-11-22" }]);
    expect(result.retryMessages).toEqual([]);
    expectProblem(await call("GET", `/api/v1/exports/${id}`, { token: a.owner.token }), 404, "not_found");
    expect(await chunks()).toBe(0);
  });
});

describe("a list larger than a direct export allows", () => {
  it("answers 422 export_too_large with the job to start, and the job exports all 10,001 rows", async () => {
    const big = await signUp();
    await env.DB.prepare(
      `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 10001)
       INSERT INTO contacts (id, workspace_id, search_rowid, first_name, last_name, name_sort, primary_email, emails, phones,
         lifecycle_stage, tags, consent_status, created_at, updated_at, version)
       SELECT printf('con_bigexport%08d', i), ?, 900000 + i, 'Vardas' || i, 'Pavarde', 'pavarde vardas' || printf('%08d', i),
         'p' || i || '@export.lt', json_array('p' || i || '@export.lt'), '[]',
         CASE WHEN i % 2 = 0 THEN 'customer' ELSE 'lead' END, '[]', 'unknown', ? + i, ? + i, 1 FROM n`,
    )
      .bind(big.workspaceId, Date.now(), Date.now())
      .run();

    // The check before a direct export stops at cap + 1 rows instead of counting the workspace.
    const log: Metered[] = [];
    const metered = createDatabase(meteredD1(env.DB, log));
    expect(await countContactsUpTo(metered, big.workspaceId, {}, Date.now(), 100)).toBe(101);
    expect(log.reduce((sum, entry) => sum + entry.rowsRead, 0)).toBeLessThan(150);
    log.length = 0;
    expect(await countContactsUpTo(metered, big.workspaceId, { lifecycle_stage: "customer" }, Date.now(), 10_000)).toBe(5000);
    expect(log.reduce((sum, entry) => sum + entry.rowsRead, 0)).toBeLessThan(5100);

    const refused = await exportFile(big, "/api/v1/contacts/export?format=csv");
    const problem = expectProblem(refused, 422, "export_too_large");
    expect(problem.max_rows).toBe(10_000);
    expect(problem.export_job).toEqual({ method: "POST", href: "/api/v1/exports", body: { entity: "contacts", format: "csv", delimiter: "comma", filters: {} } });

    // Half of them fit: a direct export of 5,001 rows streams over several pages.
    const half = await exportFile(big, "/api/v1/contacts/export?format=csv&lifecycle_stage=lead");
    expect(half.status).toBe(200);
    const halfRows = readCsv(await bytesOf(half)).records;
    expect(halfRows).toHaveLength(5001);
    expect(new Set(halfRows.map((r) => r.ID)).size).toBe(5001);

    const sent = captureSends();
    const created = await call("POST", "/api/v1/exports", { token: big.token, body: field(problem, "export_job", "body") });
    expect(created.status, created.text).toBe(202);
    await drain(sent);
    const id = field<string>(created.json, "id");
    expect(field((await call("GET", `/api/v1/exports/${id}`, { token: big.token })).json, "row_count")).toBe(10_001);
    const { records } = readCsv(await bytesOf(await call("GET", `/api/v1/exports/${id}/download`, { token: big.token })));
    expect(records).toHaveLength(10_001);
    expect(new Set(records.map((r) => r.ID)).size).toBe(10_001);
  }, 180_000);
});
