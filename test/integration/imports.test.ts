import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { encodeLegacy } from "../../workers/imports/decode";
import { runImport } from "../../workers/imports/import-runner";
import type { JobMessage } from "../../workers/jobs/messages";
import { addMember, call, expectProblem, field, signUp, type Account, type CallResult } from "../helpers/api";
import { captureJobSends, deliverJobs, drainJobs } from "../helpers/queue";

// CSV import end to end: multipart upload → stored chunks → import.run through the real queue
// consumer (driven with the workerd test helpers, as in reminders.test.ts) → contacts, report,
// undo. sendBatch is captured, so each test decides when and how often the consumer runs.

type ImportJson = { id: string; status: string; total_rows: number; processed_rows: number; counts: Record<string, number>; undone_at: string | null; undo_until: string | null; error: string | null };
type RowJson = { row_number: number; outcome: string; contact_id: string | null; errors: { pointer: string; code: string; message: string }[] };

const utf8 = (text: string) => new TextEncoder().encode(text);
const withBom = (text: string) => new Uint8Array([0xef, 0xbb, 0xbf, ...utf8(text)]);

function form(file: Uint8Array | string, fields: Record<string, string> = {}, fileName = "kontaktai.csv"): FormData {
  const data = new FormData();
  data.append("file", new File([typeof file === "string" ? utf8(file) : file], fileName, { type: "text/csv" }));
  for (const [name, value] of Object.entries(fields)) data.append(name, value);
  return data;
}

const preview = (account: Account, file: Uint8Array | string, fields: Record<string, string> = {}) =>
  call("POST", "/api/v1/imports/preview", { token: account.token, rawBody: form(file, fields) });
const upload = (account: Account, file: Uint8Array | string, fields: Record<string, string> = {}, fileName?: string) =>
  call("POST", "/api/v1/imports", { token: account.token, rawBody: form(file, fields, fileName) });

let sent: JobMessage[] = [];
function captureSends() {
  sent = captureJobSends();
}

afterEach(() => {
  vi.restoreAllMocks();
});

const deliver = deliverJobs;

/** Delivers the captured import.run messages (and any continuation) until none are left. */
async function drain() {
  for (let round = 0; round < 20 && sent.length > 0; round++) {
    const messages = sent.splice(0);
    await deliver(messages);
  }
}

async function startImport(account: Account, file: Uint8Array | string, fields: Record<string, string> = {}): Promise<ImportJson> {
  captureSends();
  const res = await upload(account, file, fields);
  expect(res.status, res.text).toBe(202);
  expect(res.headers.get("location")).toBe(`/api/v1/imports/${field<string>(res.json, "id")}`);
  return res.json as ImportJson;
}

async function importFile(account: Account, file: Uint8Array | string, fields: Record<string, string> = {}): Promise<ImportJson> {
  const started = await startImport(account, file, fields);
  expect(sent).toEqual([{ type: "import.run", import_id: started.id }]);
  await drain();
  const done = await call("GET", `/api/v1/imports/${started.id}`, { token: account.token });
  return done.json as ImportJson;
}

async function rowsOf(account: Account, importId: string, query = ""): Promise<RowJson[]> {
  const res = await call("GET", `/api/v1/imports/${importId}/rows?limit=200${query}`, { token: account.token });
  expect(res.status, res.text).toBe(200);
  return field<RowJson[]>(res.json, "data");
}

async function count(sql: string, ...params: unknown[]) {
  const row = await env.DB.prepare(sql)
    .bind(...params)
    .first<{ n: number }>();
  return row?.n ?? 0;
}

const liveContacts = (account: Account) => count("SELECT COUNT(*) AS n FROM contacts WHERE workspace_id = ? AND deleted_at IS NULL", account.workspaceId);

function expectImportProblem(res: CallResult, status: number, code: string, pointer?: string) {
  const problem = expectProblem(res, status, code);
  if (pointer !== undefined) expect(field<{ pointer: string }[]>(problem, "errors").map((e) => e.pointer)).toContain(pointer);
  return problem;
}

/** Every statement reaches contacts, companies and import tables through an index seek, never a walk of the workspace. */
async function expectIndexSeeks(sqls: string[]) {
  for (const sql of sqls) {
    const parameters = (sql.match(/\?/g) ?? []).map(() => null);
    const plan = await env.DB.prepare(`EXPLAIN QUERY PLAN ${sql}`)
      .bind(...parameters)
      .all<{ detail: string }>();
    const details = plan.results.map((row) => row.detail);
    const walks = details.filter(
      (detail) =>
        /^SCAN (contacts|contact_emails|contact_phones|contact_tags|companies|import_keys|import_rows|activities|deals)\b/.test(detail) ||
        /^SEARCH \w+ USING (COVERING )?INDEX (contacts_|companies_|contact_|activities_|deals_|sqlite_autoindex_contact)\w* \(workspace_id=\?\)$/.test(detail),
    );
    expect(walks, `${sql}\n${details.join("\n")}`).toEqual([]);
  }
}

const lithuanian =
  "Vardas;Pavardė;El. paštas;Telefonas;Įmonė;Pastabos\r\n" +
  'Šarūnas;Žemaitė;sarunas@pavyzdys.lt;8 612 34567;UAB „Ąžuolas“;"Skambinti po 14 val.\r\nKlausė apie kainą"\r\n' +
  "Giedrė;Jankūnienė;giedre@pavyzdys.lt;+370 698 12345;Ąžuolas;\r\n" +
  "Rūta;Čepulytė;ruta@pavyzdys.lt;;Kęstučio ūkis;\r\n";

describe("POST /imports/preview", () => {
  it.each([
    ["English", "First name,Last name,Email,Phone,Company\nAnn,Lee,ann@example.com,+44 20 7946 0958,Acme Ltd\n", "Ann"],
    ["Lithuanian", "Vardas;Pavardė;El. paštas;Telefonas;Įmonė\nŠarūnas;Žemaitė;sarunas@pavyzdys.lt;8 612 34567;Ąžuolas\n", "Šarūnas"],
    ["Latvian", "Vārds;Uzvārds;E-pasts;Tālrunis;Uzņēmums\nJānis;Bērziņš;janis@piemers.lv;+371 2123 4567;SIA Ķekava\n", "Jānis"],
    ["Slovenian", "Ime;Priimek;E-pošta;Telefon;Podjetje\nAnže;Košir;anze@primer.si;+386 41 234 567;Čebelica d.o.o.\n", "Anže"],
    ["Russian", "Имя;Фамилия;Эл. почта;Телефон;Компания\nИван;Петров;ivan@primer.ru;+7 912 345-67-89;ООО «Ромашка»\n", "Иван"],
  ])("maps a %s header row and shows what the first rows become", async (_language, csv, firstName) => {
    const owner = await signUp();
    const res = await preview(owner, csv);
    expect(res.status, res.text).toBe(200);
    const body = res.json as { mapping: Record<string, string>; rows: { contact: Record<string, unknown> | null; errors: unknown[] }[]; total_rows: number; fields: string[] };
    expect(Object.values(body.mapping)).toEqual(["first_name", "last_name", "emails", "phones", "company_name"]);
    expect(body.total_rows).toBe(1);
    expect(body.fields).toContain("notes");
    expect(body.rows[0]?.errors).toEqual([]);
    expect(body.rows[0]?.contact).toMatchObject({ first_name: firstName, emails: [expect.stringContaining("@")], phones: [expect.stringMatching(/^\+\d+$/)] });
    // Nothing stored.
    expect(await count("SELECT COUNT(*) AS n FROM imports WHERE workspace_id = ?", owner.workspaceId)).toBe(0);
  });

  it("reads a semicolon-separated windows-1257 Lithuanian file, detecting the code page and the delimiter", async () => {
    const owner = await signUp();
    const res = await preview(owner, encodeLegacy(lithuanian.replace("„Ąžuolas“", "Ąžuolas"), "windows-1257"));
    expect(res.status, res.text).toBe(200);
    expect(res.json).toMatchObject({ encoding: "windows-1257", encoding_detected: true, encoding_ambiguous: false, delimiter: ";", total_rows: 3 });
    expect(field(res.json, "headers")).toEqual(["Vardas", "Pavardė", "El. paštas", "Telefonas", "Įmonė", "Pastabos"]);
    expect(field(res.json, "rows", 0, "contact")).toMatchObject({ first_name: "Šarūnas", last_name: "Žemaitė", phones: ["+37061234567"], company_name: "UAB Ąžuolas" });
    // The quoted note keeps its line break; row numbers skip nothing.
    expect(field(res.json, "rows", 0, "values", 5)).toBe("Skambinti po 14 val.\nKlausė apie kainą");
    expect(field(res.json, "rows", 1, "row_number")).toBe(2);
  });

  it("drops a UTF-8 BOM: the first header is clean", async () => {
    const owner = await signUp();
    const res = await preview(owner, withBom("Email;Name\r\nona@example.lt;Ona\r\n"));
    expect(res.json).toMatchObject({ encoding: "utf-8", headers: ["Email", "Name"], mapping: { Email: "emails", Name: "ignore" } });
  });

  it("says clearly when a forced encoding is wrong: warnings and per-row errors in the preview, 422 for the import", async () => {
    const owner = await signUp();
    const bytes = encodeLegacy("Vardas;Pavardė;El. paštas\r\nRūta;Čepulytė;ruta@pavyzdys.lt\r\n", "windows-1257");
    const asUtf8 = await preview(owner, bytes, { encoding: "utf-8" });
    expect(asUtf8.status).toBe(200);
    expect(field<{ code: string }[]>(asUtf8.json, "warnings").map((w) => w.code)).toContain("invalid_characters");
    expect(field(asUtf8.json, "encoding_candidates", 0, "encoding")).toBe("windows-1257");
    expect(field<{ code: string; pointer: string }[]>(asUtf8.json, "rows", 0, "errors")).toEqual(
      expect.arrayContaining([expect.objectContaining({ pointer: "/first_name", code: "invalid_characters" })]),
    );
    const asCyrillic = await preview(owner, bytes, { encoding: "windows-1251" });
    expect(field<{ code: string }[]>(asCyrillic.json, "warnings").map((w) => w.code)).toContain("encoding_mismatch");

    captureSends();
    expectImportProblem(await upload(owner, bytes, { encoding: "utf-8" }), 422, "undecodable", "/encoding");
    expect(sent).toEqual([]);
    expect(await count("SELECT COUNT(*) AS n FROM imports WHERE workspace_id = ?", owner.workspaceId)).toBe(0);
  });
});

describe("what cannot be imported is a 4xx before anything is stored", () => {
  it("refuses binary files, an Excel workbook, an empty file and a header-only file with 422 at /file", async () => {
    const owner = await signUp();
    captureSends();
    const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]);
    expectImportProblem(await upload(owner, png), 422, "binary_file", "/file");
    expectImportProblem(await upload(owner, new Uint8Array([0x50, 0x4b, 0x03, 0x04, 20, 0, 6, 0])), 422, "binary_file", "/file");
    const random = new Uint8Array(4096).map((_, i) => (i * 7919) % 256);
    expectImportProblem(await preview(owner, random), 422, "binary_file", "/file");
    expectImportProblem(await upload(owner, ""), 422, "empty_file", "/file");
    expectImportProblem(await upload(owner, "Vardas;El. paštas\r\n"), 422, "no_rows", "/file");
    expectImportProblem(await upload(owner, "ona@x.lt;Ona\r\njonas@x.lt;Jonas\r\n"), 422, "no_header", "/file");
    expectImportProblem(await upload(owner, 'Vardas;Pastabos\r\nOna;"never closed\r\nJonas;x\r\n'), 422, "unterminated_quote", "/file");
    expect(sent).toEqual([]);
    expect(await count("SELECT COUNT(*) AS n FROM imports WHERE workspace_id = ?", owner.workspaceId)).toBe(0);
  });

  it("answers 413 for a 60 MB upload, by its Content-Length and when streamed without one", async () => {
    const owner = await signUp();
    const big = new Uint8Array(60 * 1024 * 1024).fill(0x61);
    const declared = await upload(owner, big);
    expectImportProblem(declared, 413, "payload_too_large");
    const chunk = new Uint8Array(1024 * 1024).fill(0x61);
    let sentChunks = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sentChunks === 0) controller.enqueue(utf8('--b\r\nContent-Disposition: form-data; name="file"; filename="big.csv"\r\n\r\n'));
        if (sentChunks >= 60) controller.close();
        else controller.enqueue(chunk);
        sentChunks += 1;
      },
    });
    const streamed = await call("POST", "/api/v1/imports", { token: owner.token, rawBody: stream, headers: { "content-type": "multipart/form-data; boundary=b" } });
    expectImportProblem(streamed, 413, "payload_too_large");
    expect(sentChunks).toBeLessThan(60);
  });

  it("answers 415 for a JSON body and 422 with pointers for bad options and mappings", async () => {
    const owner = await signUp();
    expectImportProblem(await call("POST", "/api/v1/imports", { token: owner.token, body: { file: "x" } }), 415, "unsupported_media_type");
    const csv = "Vardas;El. paštas\r\nOna;ona@x.lt\r\n";
    expectImportProblem(await upload(owner, csv, { mapping: JSON.stringify({ Vardas: "full_name" }) }), 422, "validation_failed", "/mapping/Vardas");
    expectImportProblem(await upload(owner, csv, { mapping: JSON.stringify({ Nope: "first_name" }) }), 422, "validation_failed", "/mapping/Nope");
    expectImportProblem(await upload(owner, csv, { mapping: JSON.stringify({ Vardas: "ignore", "El. paštas": "ignore" }) }), 422, "validation_failed", "/mapping");
    expectImportProblem(await upload(owner, csv, { mapping: "{not json" }), 422, "validation_failed", "/mapping");
    expectImportProblem(await upload(owner, csv, { on_match: "merge" }), 422, "validation_failed", "/on_match");
    expectImportProblem(await upload(owner, csv, { dry_run: "yes" }), 422, "validation_failed", "/dry_run");
    expectImportProblem(await upload(owner, csv, { colour: "red" }), 422, "validation_failed", "/colour");
    const noFile = new FormData();
    noFile.append("dry_run", "true");
    expectImportProblem(await call("POST", "/api/v1/imports", { token: owner.token, rawBody: noFile }), 422, "validation_failed", "/file");
  });
});

describe("import.run", () => {
  it("imports a windows-1257 Lithuanian file: contacts with phones in E.164, companies found or created, notes, search, audit and a notification", async () => {
    const owner = await signUp();
    const existing = await call("POST", "/api/v1/companies", { token: owner.token, body: { name: "Ąžuolas, UAB" } });
    const done = await importFile(owner, encodeLegacy(lithuanian.replace("„Ąžuolas“", "Ąžuolas"), "windows-1257"));
    expect(done).toMatchObject({ status: "done", total_rows: 3, processed_rows: 3, counts: { created: 3, updated: 0, skipped: 0, invalid: 0, duplicates: 0 } });
    expect(done.undo_until).not.toBeNull();

    const list = await call("GET", "/api/v1/contacts?q=Šarūnas", { token: owner.token });
    const sarunas = field<Record<string, unknown>[]>(list.json, "data")[0];
    expect(sarunas).toMatchObject({ first_name: "Šarūnas", last_name: "Žemaitė", email: "sarunas@pavyzdys.lt", phone: "+37061234567", owner_id: owner.userId, source: "import" });
    // "UAB Ąžuolas" and "Ąžuolas" are the existing "Ąžuolas, UAB"; "Kęstučio ūkis" is new.
    expect(field(sarunas, "company", "id")).toBe(field(existing.json, "id"));
    const companies = await call("GET", "/api/v1/companies?limit=50", { token: owner.token });
    expect(field<{ name: string }[]>(companies.json, "data").map((c) => c.name).sort()).toEqual(["Kęstučio ūkis", "Ąžuolas, UAB"]);
    expect((await call("GET", "/api/v1/contacts?q=61234567", { token: owner.token })).json).toMatchObject({ data: [{ first_name: "Šarūnas" }] });

    const notes = await call("GET", `/api/v1/activities?contact_id=${String(sarunas?.id)}`, { token: owner.token });
    expect(field(notes.json, "data", 0)).toMatchObject({ type: "note", body: "Skambinti po 14 val.\nKlausė apie kainą" });
    expect(await count("SELECT COUNT(*) AS n FROM audit_log WHERE workspace_id = ? AND action = 'contact.created'", owner.workspaceId)).toBe(3);
    expect(await count("SELECT COUNT(*) AS n FROM notifications WHERE workspace_id = ? AND user_id = ? AND type = 'import.finished'", owner.workspaceId, owner.userId)).toBe(1);
    // The file and the claimed keys are gone once the import is done.
    expect(await count("SELECT COUNT(*) AS n FROM import_chunks WHERE import_id = ?", done.id)).toBe(0);
    expect(await count("SELECT COUNT(*) AS n FROM import_keys WHERE import_id = ?", done.id)).toBe(0);
  });

  it("reports every row: invalid fields with pointers and headers, ragged rows, duplicates in the file, matches", async () => {
    const owner = await signUp();
    await call("POST", "/api/v1/contacts", { token: owner.token, body: { first_name: "Ona", emails: ["ona@acme.lt"] } });
    await call("POST", "/api/v1/contacts", { token: owner.token, body: { last_name: "Jonaitis", job_title: "CEO", phones: [{ number: "+37061111111" }] } });
    const csv = [
      "Vardas,Pavardė,El. paštas,Telefonas,Pareigos",
      "Ona,Onaitė,ONA@acme.lt,,Sales", // 1: matches Ona by email, fills last name and job title
      "Jonas,Jonaitis,,8 611 11111,Boss", // 2: matches by phone, fills first name (job title kept)
      "Petras,,petras@,,", // 3: invalid email
      "Rūta,Rūtaitė,ruta@acme.lt,,", // 4: created
      "Rūta,R.,RUTA@acme.lt,,", // 5: same email as row 4
      "Too,many,cells,,,here", // 6: ragged
      "Short,row", // 7: ragged
      "Ona,Onaitė,ona@acme.lt,,", // 8: same contact as row 1
    ].join("\n");
    const done = await importFile(owner, csv);
    expect(done.counts).toEqual({ created: 1, updated: 2, skipped: 0, invalid: 3, duplicates: 2 });
    const rows = await rowsOf(owner, done.id);
    expect(rows.map((r) => [r.row_number, r.outcome])).toEqual([
      [1, "updated"],
      [2, "updated"],
      [3, "invalid"],
      [4, "created"],
      [5, "duplicate"],
      [6, "invalid"],
      [7, "invalid"],
      [8, "duplicate"],
    ]);
    expect(rows[2]?.errors[0]).toMatchObject({ pointer: "/emails/0", code: "invalid_email" });
    expect(rows[2]?.errors[0]?.message).toContain('Column "El. paštas"');
    expect(rows[4]?.errors[0]).toMatchObject({ code: "duplicate_in_file", message: expect.stringContaining("Row 4") });
    expect(rows[5]?.errors[0]).toMatchObject({ pointer: "", code: "too_many_cells" });
    expect(rows[6]?.errors[0]).toMatchObject({ pointer: "", code: "too_few_cells" });
    const invalid = await rowsOf(owner, done.id, "&outcome=invalid");
    expect(invalid.map((r) => r.row_number)).toEqual([3, 6, 7]);

    const ona = await call("GET", `/api/v1/contacts/${String(rows[0]?.contact_id)}`, { token: owner.token });
    expect(ona.json).toMatchObject({ first_name: "Ona", last_name: "Onaitė", job_title: "Sales", version: 2 });
    const jonas = await call("GET", `/api/v1/contacts/${String(rows[1]?.contact_id)}`, { token: owner.token });
    expect(jonas.json).toMatchObject({ first_name: "Jonas", last_name: "Jonaitis", job_title: "CEO" });
    expect(await liveContacts(owner)).toBe(3);
  });

  it("a dry run reports the same outcomes and writes no contacts, companies or notes", async () => {
    const owner = await signUp();
    await call("POST", "/api/v1/contacts", { token: owner.token, body: { first_name: "Ona", emails: ["ona@acme.lt"] } });
    const csv = "Name,Email,Company,Notes\nOna,ona@acme.lt,Alfa,\nRūta,ruta@acme.lt,Beta,Call\nRūta,ruta@acme.lt,,\nBad,nope@,,\n";
    const dry = await importFile(owner, csv, { dry_run: "true", mapping: JSON.stringify({ Name: "first_name", Email: "emails", Company: "company_name", Notes: "notes" }) });
    expect(dry).toMatchObject({ status: "done", undo_until: null, counts: { created: 1, updated: 1, skipped: 0, invalid: 1, duplicates: 1 } });
    expect((await rowsOf(owner, dry.id)).map((r) => [r.outcome, r.contact_id === null])).toEqual([
      ["updated", false],
      ["created", true],
      ["duplicate", true],
      ["invalid", true],
    ]);
    expect(await liveContacts(owner)).toBe(1);
    expect(await count("SELECT COUNT(*) AS n FROM companies WHERE workspace_id = ?", owner.workspaceId)).toBe(0);
    expect(await count("SELECT COUNT(*) AS n FROM activities WHERE workspace_id = ?", owner.workspaceId)).toBe(0);
    expect((await call("GET", "/api/v1/contacts?limit=5", { token: owner.token })).json).toMatchObject({ data: [{ first_name: "Ona", company: null }] });
    expectProblem(await call("POST", `/api/v1/imports/${dry.id}/undo`, { token: owner.token }), 409, "import_dry_run");
  });

  it("importing the same file again creates nothing new, across chunks and with name-only rows", async () => {
    const owner = await signUp();
    const lines = ["First name;Last name;Email;Phone;Company"];
    for (let i = 0; i < 620; i++) lines.push(`Name${i};Surname${i};person${i}@example.lt;;Company ${i % 7}`);
    lines.push("Only;Phone;;+37069999999;");
    lines.push("Only;Name;;;Company 1");
    lines.push("Repeat;Of row 3;PERSON2@example.lt;;"); // row 623 repeats row 3 in a later chunk
    const csv = lines.join("\r\n");
    const first = await importFile(owner, csv);
    expect(first.counts).toEqual({ created: 622, updated: 0, skipped: 0, invalid: 0, duplicates: 1 });
    expect((await rowsOf(owner, first.id, "&outcome=duplicate"))[0]).toMatchObject({ row_number: 623, errors: [expect.objectContaining({ message: expect.stringContaining("Row 3") })] });
    expect(await liveContacts(owner)).toBe(622);
    expect(await count("SELECT COUNT(*) AS n FROM companies WHERE workspace_id = ?", owner.workspaceId)).toBe(7);

    const again = await importFile(owner, csv);
    expect(again.counts).toEqual({ created: 0, updated: 0, skipped: 622, invalid: 0, duplicates: 1 });
    expect(await liveContacts(owner)).toBe(622);
    expect(await count("SELECT COUNT(*) AS n FROM companies WHERE workspace_id = ?", owner.workspaceId)).toBe(7);
  });

  it("on_match: skip leaves matches alone; create makes a new contact for a phone match and reports an email match as a duplicate", async () => {
    const owner = await signUp();
    await call("POST", "/api/v1/contacts", { token: owner.token, body: { emails: ["ona@acme.lt"] } });
    await call("POST", "/api/v1/contacts", { token: owner.token, body: { first_name: "Switchboard", phones: [{ number: "+37052000000" }] } });
    const csv = "Name,Email,Phone\nOna,ona@acme.lt,\nJonas,jonas@acme.lt,+37052000000\n";
    const skipped = await importFile(owner, csv, { on_match: "skip" });
    expect(skipped.counts).toEqual({ created: 0, updated: 0, skipped: 2, invalid: 0, duplicates: 0 });
    expect((await call("GET", "/api/v1/contacts?q=ona", { token: owner.token })).json).toMatchObject({ data: [{ first_name: null }] });
    const created = await importFile(owner, csv, { on_match: "create" });
    expect(created.counts).toEqual({ created: 1, updated: 0, skipped: 0, invalid: 0, duplicates: 1 });
    const rows = await rowsOf(owner, created.id);
    expect(rows[0]).toMatchObject({ outcome: "duplicate", errors: [expect.objectContaining({ code: "email_exists" })] });
    expect(rows[1]?.outcome).toBe("created");
    expect(await count("SELECT COUNT(*) AS n FROM contact_phones WHERE workspace_id = ? AND e164 = '+37052000000'", owner.workspaceId)).toBe(2);
  });

  it("sends a new contact that shares a phone with an existing one to duplicate review", async () => {
    const owner = await signUp();
    const existing = await call("POST", "/api/v1/contacts", { token: owner.token, body: { first_name: "Jonas", last_name: "Jonaitis", phones: [{ number: "+37061234567" }] } });
    const done = await importFile(owner, "First name;Last name;Email;Phone\nJonas;Jonaitis;jonas@naujas.lt;8 612 34567\n", { on_match: "create" });
    expect(done.counts.created).toBe(1);
    const [row] = await rowsOf(owner, done.id);
    const clusters = await env.DB.prepare("SELECT contact_ids FROM duplicate_clusters WHERE workspace_id = ? AND status = 'open'").bind(owner.workspaceId).all<{ contact_ids: string }>();
    expect(clusters.results.map((c) => JSON.parse(c.contact_ids) as string[])).toContainEqual(expect.arrayContaining([field<string>(existing.json, "id"), String(row?.contact_id)]));
  });

  it("asks for one duplicate scan when a large import is done, instead of suggesting chunk by chunk", async () => {
    const owner = await signUp();
    const lines = ["Email;Company"];
    for (let i = 0; i < 2100; i++) lines.push(`s${i}@example.lt;Company ${i % 50}`);
    const started = await startImport(owner, lines.join("\n"));
    await drain();
    expect((await call("GET", `/api/v1/imports/${started.id}`, { token: owner.token })).json).toMatchObject({ status: "done", counts: { created: 2100 } });
    expect(await count("SELECT COUNT(*) AS n FROM duplicate_scans WHERE workspace_id = ? AND trigger = 'manual'", owner.workspaceId)).toBe(1);
    // A small import suggests per chunk and asks for no scan.
    await importFile(owner, "Email\nsmall@example.lt\n");
    expect(await count("SELECT COUNT(*) AS n FROM duplicate_scans WHERE workspace_id = ?", owner.workspaceId)).toBe(1);
  });

  it("never creates twice: the same message twice at once, a redelivery after the end, and a consumer that dies half-way", async () => {
    const owner = await signUp();
    const lines = ["Email;Name"];
    for (let i = 0; i < 1300; i++) lines.push(`p${i}@example.lt;P${i}`);
    const started = await startImport(owner, lines.join("\n"));
    const message = sent.splice(0);

    // The third chunk's batch commits and then the consumer dies before it can go on.
    const realBatch = env.DB.batch.bind(env.DB);
    let chunkBatches = 0;
    vi.spyOn(env.DB, "batch").mockImplementation(async (statements) => {
      const result = await realBatch(statements);
      if (statements.length > 8) {
        chunkBatches += 1;
        if (chunkBatches === 2) throw new Error("worker evicted after commit");
      }
      return result;
    });
    vi.spyOn(console, "error").mockImplementation(() => undefined);
    const first = await deliver(message);
    expect(first.retryMessages).toHaveLength(1);
    const midway = (await call("GET", `/api/v1/imports/${started.id}`, { token: owner.token })).json as ImportJson;
    expect(midway).toMatchObject({ status: "running", processed_rows: 1000 });
    vi.mocked(env.DB.batch).mockRestore();

    // Redelivered twice at once, then once more after the end.
    await deliver([...message, ...message]);
    await drain();
    await deliver(message);
    const done = (await call("GET", `/api/v1/imports/${started.id}`, { token: owner.token })).json as ImportJson;
    expect(done).toMatchObject({ status: "done", processed_rows: 1300, counts: { created: 1300, duplicates: 0 } });
    expect(await liveContacts(owner)).toBe(1300);
    expect(await count("SELECT COUNT(*) AS n FROM import_rows WHERE import_id = ?", started.id)).toBe(1300);
    expect(await count("SELECT COUNT(*) AS n FROM contact_emails WHERE workspace_id = ?", owner.workspaceId)).toBe(1300);
    expect(await count("SELECT COUNT(*) AS n FROM notifications WHERE workspace_id = ? AND type = 'import.finished'", owner.workspaceId)).toBe(1);
  });

  it("matches set-based: a chunk's statements do not grow with its rows, and every lookup seeks an index", async () => {
    const owner = await signUp();
    const people = (from: number, to: number, extra: (i: number) => string) =>
      [
        "First name;Email;Phone;Company;Job title;City",
        "Solo;;;Alfa;;",
        ...Array.from({ length: to - from }, (_, k) => `P${from + k};m${from + k}@example.lt;+3706${String(2_000_000 + from + k)};Alfa;${extra(from + k)}`),
      ].join("\n");
    await importFile(owner, people(0, 520, () => ";"));
    // Measured runs: 500 rows that all match (and fill a job title) against 20 that do.
    const statementsFor = async (csv: string) => {
      const started = await startImport(owner, csv);
      const prepare = vi.spyOn(env.DB, "prepare");
      await runImport(env, started.id, Date.now());
      const sqls = prepare.mock.calls.map(([sql]) => sql);
      prepare.mockRestore();
      const done = (await call("GET", `/api/v1/imports/${started.id}`, { token: owner.token })).json as ImportJson;
      return { sqls, done };
    };
    // 499 + the name-only row: one chunk of 500.
    const many = await statementsFor(people(0, 499, (i) => `Buyer ${i};`));
    const few = await statementsFor(people(500, 520, () => ";Kaunas"));
    expect(many.done.counts).toMatchObject({ updated: 499, skipped: 1, created: 0 });
    expect(few.done.counts).toMatchObject({ updated: 20, skipped: 1, created: 0 });
    expect(many.sqls.length).toBe(few.sqls.length);
    const lookups = many.sqls.filter((sql) => /^\s*SELECT/i.test(sql) && sql.includes("json_each"));
    // import keys, emails, phones, names, companies, then claimed contacts and the matched rows.
    expect(lookups.length).toBe(7);
    // Reads and writes alike, the batch's UPDATE … FROM json_each and INSERT … SELECT included.
    await expectIndexSeeks(many.sqls);
  });

  it("hands the rest to a new import.run message when its time budget is spent", async () => {
    const owner = await signUp();
    const lines = ["Email"];
    for (let i = 0; i < 1100; i++) lines.push(`b${i}@example.lt`);
    const started = await startImport(owner, lines.join("\n"));
    sent.length = 0;
    await runImport(env, started.id, Date.now(), { budgetMs: 0 });
    expect(sent).toEqual([{ type: "import.run", import_id: started.id }]);
    expect((await call("GET", `/api/v1/imports/${started.id}`, { token: owner.token })).json).toMatchObject({ status: "running", processed_rows: 500 });
    await drain();
    expect((await call("GET", `/api/v1/imports/${started.id}`, { token: owner.token })).json).toMatchObject({ status: "done", processed_rows: 1100 });
  });

  it("marks an import failed after repeated failures at one chunk, keeping what was imported before it", async () => {
    const owner = await signUp();
    const lines = ["Email"];
    for (let i = 0; i < 700; i++) lines.push(`f${i}@example.lt`);
    const started = await startImport(owner, lines.join("\n"));
    const message = sent.splice(0);
    const realBatch = env.DB.batch.bind(env.DB);
    let chunkBatches = 0;
    vi.spyOn(env.DB, "batch").mockImplementation(async (statements) => {
      if (statements.length > 8 && ++chunkBatches > 1) throw new Error("D1 overloaded");
      return realBatch(statements);
    });
    vi.spyOn(console, "error").mockImplementation(() => undefined);
    for (let attempt = 0; attempt < 3; attempt++) await deliver(message);
    const failed = (await call("GET", `/api/v1/imports/${started.id}`, { token: owner.token })).json as ImportJson;
    expect(failed).toMatchObject({ status: "failed", processed_rows: 500, counts: { created: 500 } });
    expect(failed.error).toContain("row 501");
    expect(failed.error).not.toContain("D1 overloaded");
  });
});

describe("the report and undo", () => {
  it("downloads the report as CSV with every row", async () => {
    const owner = await signUp();
    const done = await importFile(owner, "Email,Name\nok@x.lt,Ok\nbad@,Bad\n");
    const res = await call("GET", `/api/v1/imports/${done.id}/rows.csv`, { token: owner.token });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    expect(res.headers.get("content-disposition")).toContain('attachment; filename="kontaktai-report.csv"');
    const lines = res.text.replace(/^\uFEFF/, "").trim().split("\r\n");
    expect(lines[0]).toBe("row,outcome,contact_id,errors");
    expect(lines[1]).toMatch(/^1,created,con_/);
    expect(lines[2]).toMatch(/^2,invalid,,"\/emails\/0: Column ""Email"": /);
  });

  it("undo soft-deletes what the import created and empties what it filled, once, within 7 days", async () => {
    const owner = await signUp();
    const ona = await call("POST", "/api/v1/contacts", { token: owner.token, body: { first_name: "Ona", emails: ["ona@acme.lt"] } });
    const jonas = await call("POST", "/api/v1/contacts", { token: owner.token, body: { first_name: "Jonas", emails: ["jonas@acme.lt"] } });
    const done = await importFile(owner, "First name;Last name;Email;Company;Tags\nOna;Onaitė;ona@acme.lt;Alfa;vip\nJonas;Jonaitis;jonas@acme.lt;;\nRūta;Rūtaitė;ruta@acme.lt;Beta;\n");
    expect(done.counts).toMatchObject({ created: 1, updated: 2 });
    const rows = await rowsOf(owner, done.id);
    const created = String(rows[2]?.contact_id);
    // Someone edits Jonas after the import: undo leaves him as he is.
    const jonasNow = await call("GET", `/api/v1/contacts/${field<string>(jonas.json, "id")}`, { token: owner.token });
    await call("PATCH", `/api/v1/contacts/${field<string>(jonas.json, "id")}`, { token: owner.token, body: { job_title: "CTO" }, headers: { "if-match": jonasNow.headers.get("etag") ?? "" } });

    const viewer = await addMember(owner, "viewer");
    expectProblem(await call("POST", `/api/v1/imports/${done.id}/undo`, { token: viewer.token }), 403);
    // The route works in a D1 session: record what its statements are.
    const seen: string[] = [];
    const withSession = env.DB.withSession.bind(env.DB);
    vi.spyOn(env.DB, "withSession").mockImplementation((constraint) => {
      const session = withSession(constraint);
      const prepare = session.prepare.bind(session);
      session.prepare = (sql: string) => {
        seen.push(sql);
        return prepare(sql);
      };
      return session;
    });
    const undone = await call("POST", `/api/v1/imports/${done.id}/undo`, { token: owner.token });
    expect(undone.status, undone.text).toBe(200);
    vi.mocked(env.DB.withSession).mockRestore();
    const undoStatements = seen.filter((sql) => (/^\s*(INSERT|UPDATE|DELETE)/.test(sql) && /contacts|companies/.test(sql)) || /^\s*select .*"import_rows"/is.test(sql));
    expect(undoStatements.length).toBeGreaterThanOrEqual(8);
    await expectIndexSeeks(undoStatements);
    expect(undone.json).toMatchObject({ id: done.id, undo_until: null });
    expect(field(undone.json, "undone_at")).not.toBeNull();

    expectProblem(await call("GET", `/api/v1/contacts/${created}`, { token: owner.token }), 404);
    expect((await call("GET", "/api/v1/contacts?q=Rūta", { token: owner.token })).json).toMatchObject({ data: [] });
    const onaAfter = await call("GET", `/api/v1/contacts/${field<string>(ona.json, "id")}`, { token: owner.token });
    expect(onaAfter.json).toMatchObject({ first_name: "Ona", last_name: null, company: null, tags: [], emails: ["ona@acme.lt"] });
    expect((await call("GET", `/api/v1/contacts/${field<string>(jonas.json, "id")}`, { token: owner.token })).json).toMatchObject({ last_name: "Jonaitis", job_title: "CTO" });
    // Both companies the import created are gone: nothing live points at them any more.
    expect((await call("GET", "/api/v1/companies", { token: owner.token })).json).toMatchObject({ data: [] });
    // The deleted contact can be restored like any other.
    expect((await call("POST", `/api/v1/contacts/${created}/restore`, { token: owner.token })).status).toBe(200);

    expectProblem(await call("POST", `/api/v1/imports/${done.id}/undo`, { token: owner.token }), 409, "import_already_undone");
  });

  it("undo answers 409 while running and 410 after 7 days", async () => {
    const owner = await signUp();
    const started = await startImport(owner, "Email\na@x.lt\n");
    expectProblem(await call("POST", `/api/v1/imports/${started.id}/undo`, { token: owner.token }), 409, "import_running");
    await drain();
    await env.DB.prepare("UPDATE imports SET finished_at = ? WHERE id = ?")
      .bind(Date.now() - 8 * 24 * 60 * 60 * 1000, started.id)
      .run();
    expectProblem(await call("POST", `/api/v1/imports/${started.id}/undo`, { token: owner.token }), 410, "undo_window_passed");
  });
});

describe("access", () => {
  it("lets viewers read imports but not import, and hides other workspaces' imports (404)", async () => {
    const owner = await signUp();
    const done = await importFile(owner, "Email\na@x.lt\n");
    const viewer = await addMember(owner, "viewer");
    expectProblem(await preview(viewer, "Email\na@x.lt\n"), 403);
    expectProblem(await upload(viewer, "Email\na@x.lt\n"), 403);
    expectProblem(await call("POST", "/api/v1/imports", { rawBody: form("Email\na@x.lt\n") }), 401);
    expect((await call("GET", `/api/v1/imports/${done.id}`, { token: viewer.token })).status).toBe(200);
    expect(field<unknown[]>((await call("GET", "/api/v1/imports", { token: viewer.token })).json, "data")).toHaveLength(1);

    const other = await signUp();
    for (const path of [`/api/v1/imports/${done.id}`, `/api/v1/imports/${done.id}/rows`, `/api/v1/imports/${done.id}/rows.csv`]) {
      expectProblem(await call("GET", path, { token: other.token }), 404);
    }
    expectProblem(await call("POST", `/api/v1/imports/${done.id}/undo`, { token: other.token }), 404);
    expect(field<unknown[]>((await call("GET", "/api/v1/imports", { token: other.token })).json, "data")).toHaveLength(0);
  });

  it("lists imports newest first with a cursor", async () => {
    const owner = await signUp();
    captureSends();
    const ids: string[] = [];
    for (const n of [1, 2, 3]) ids.push(field<string>((await upload(owner, `Email\nx${n}@x.lt\n`)).json, "id"));
    // Ids start with their creation time: newest first is descending id order.
    const newestFirst = [...ids].sort().reverse();
    const first = await call("GET", "/api/v1/imports?limit=2", { token: owner.token });
    expect(field<{ id: string }[]>(first.json, "data").map((i) => i.id)).toEqual(newestFirst.slice(0, 2));
    const second = await call("GET", `/api/v1/imports?limit=2&cursor=${field<string>(first.json, "next_cursor")}`, { token: owner.token });
    expect(field<{ id: string }[]>(second.json, "data").map((i) => i.id)).toEqual(newestFirst.slice(2));
    expect(field(second.json, "next_cursor")).toBeNull();
  });
});
