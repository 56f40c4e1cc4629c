import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { createDatabase } from "../../workers/db/client";
import { getContact, listContacts } from "../../workers/contacts/contact.service";
import { ContactListQuery } from "../../workers/contacts/contact.schema";
import { workspaceToken } from "../../workers/contacts/normalize";
import { listCompanies } from "../../workers/companies/company.service";
import { CompanyListQuery } from "../../workers/companies/company.schema";
import { encodeCursor } from "../../workers/http/pagination";
import { meteredD1, type Metered } from "../helpers/metered-d1";
import { signUp } from "../helpers/api";

// Deterministic cost checks on a 20,000-contact fixture: from D1's meta.rows_read, a page, a
// search and a get read a small multiple of what they return — never the whole table — and the
// plans use the indexes. (Throughput is the benchmark's job: `npm run bench`.)

const size = 20_000;
let workspaceId = "";

beforeAll(async () => {
  const owner = await signUp();
  workspaceId = owner.workspaceId;
  const start = Date.UTC(2025, 0, 1);
  await env.DB.prepare(
    `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?)
     INSERT INTO contacts (id, workspace_id, search_rowid, first_name, last_name, name_sort, primary_email, emails, phones,
       lifecycle_stage, tags, consent_status, created_at, updated_at, version)
     SELECT printf('con_fixture%08d', i), ?, 100000 + i, 'Vardas' || i, 'Pavarde' || (i % 997), 'pavarde' || (i % 997) || ' vardas' || i,
       'p' || i || '@fixture.lt', json_array('p' || i || '@fixture.lt'), '[]',
       CASE WHEN i % 10 = 0 THEN 'customer' ELSE 'lead' END, '[]', 'unknown', ? + i * 1000, ? + i * 1000, 1 FROM n`,
  )
    .bind(size, workspaceId, start, start)
    .run();
  await env.DB.prepare(
    `INSERT INTO contacts_fts (rowid, ws, name, email, phone, company)
     SELECT search_rowid, ?, first_name || ' ' || last_name, primary_email, '', '' FROM contacts WHERE workspace_id = ?`,
  )
    .bind(workspaceToken(workspaceId), workspaceId)
    .run();
  await env.DB.prepare(
    `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 2000)
     INSERT INTO companies (id, workspace_id, name, name_sort, tags, created_at, updated_at, version)
     SELECT printf('cmp_fixture%08d', i), ?, 'UAB Imone' || i, 'imone' || i, '[]', ? + i, ? + i, 1 FROM n`,
  )
    .bind(workspaceId, start, start)
    .run();
});

async function measure<T>(run: (db: ReturnType<typeof createDatabase>) => Promise<T>) {
  const log: Metered[] = [];
  const result = await run(createDatabase(meteredD1(env.DB, log)));
  return { result, rowsRead: log.reduce((sum, entry) => sum + entry.rowsRead, 0), log };
}

const listQuery = (query: Record<string, string>) => ContactListQuery.parse(query);

// A page of n rows may read the n + 1 rows it fetches, the company lookups, and index pages.
const budget = (returned: number) => 3 * (returned + 1) + 20;

describe("what reads cost on 20,000 contacts", () => {
  it("the first page of the list", async () => {
    const { result, rowsRead } = await measure((db) => listContacts(db, workspaceId, listQuery({ limit: "50" }), Date.now()));
    expect(result.data).toHaveLength(50);
    expect(rowsRead).toBeGreaterThan(0);
    expect(rowsRead).toBeLessThanOrEqual(budget(50));
  });

  it("a page deep in the cursor costs what the first page costs", async () => {
    const deep = encodeCursor(["pavarde500 vardas10000", "con_fixture00010000"]);
    const { result, rowsRead } = await measure((db) => listContacts(db, workspaceId, listQuery({ limit: "50", cursor: deep }), Date.now()));
    expect(result.data).toHaveLength(50);
    expect(rowsRead).toBeLessThanOrEqual(budget(50));
  });

  for (const sort of ["-created_at", "updated_at", "-last_activity_at"]) {
    it(`a page sorted by ${sort}`, async () => {
      const { result, rowsRead } = await measure((db) => listContacts(db, workspaceId, listQuery({ limit: "50", sort }), Date.now()));
      expect(result.data).toHaveLength(50);
      expect(rowsRead).toBeLessThanOrEqual(budget(50));
    });
  }

  it("a filtered page (lifecycle stage)", async () => {
    const { result, rowsRead } = await measure((db) => listContacts(db, workspaceId, listQuery({ limit: "50", lifecycle_stage: "customer" }), Date.now()));
    expect(result.data).toHaveLength(50);
    expect(rowsRead).toBeLessThanOrEqual(budget(50));
  });

  it("a name-prefix search that matches thousands reads one page", async () => {
    const { result, rowsRead } = await measure((db) => listContacts(db, workspaceId, listQuery({ limit: "50", q: "vardas1" }), Date.now()));
    expect(result.data).toHaveLength(50);
    expect(rowsRead).toBeLessThanOrEqual(budget(50));
  });

  it("an exact search", async () => {
    const { result, rowsRead } = await measure((db) => listContacts(db, workspaceId, listQuery({ q: "p12345@fixture.lt" }), Date.now()));
    expect(result.data.map((c) => c.id)).toEqual(["con_fixture00012345"]);
    expect(rowsRead).toBeLessThanOrEqual(budget(1));
  });

  it("a get by id", async () => {
    const { result, rowsRead } = await measure((db) => getContact(db, workspaceId, "con_fixture00004242"));
    expect(result.first_name).toBe("Vardas4242");
    expect(rowsRead).toBeLessThanOrEqual(3);
  });

  it("a company name search", async () => {
    const { result, rowsRead } = await measure((db) => listCompanies(db, workspaceId, CompanyListQuery.parse({ q: "imone12", limit: "50" }), Date.now()));
    expect(result.data.length).toBeGreaterThan(0);
    expect(rowsRead).toBeLessThanOrEqual(budget(result.data.length));
  });

  it("the list and search plans use indexes, never a scan of contacts", async () => {
    const { log } = await measure(async (db) => {
      await listContacts(db, workspaceId, listQuery({ limit: "50" }), Date.now());
      await listContacts(db, workspaceId, listQuery({ limit: "50", sort: "-last_activity_at" }), Date.now());
      await listContacts(db, workspaceId, listQuery({ limit: "50", q: "vardas" }), Date.now());
    });
    for (const entry of log) {
      const plan = await env.DB.prepare(`EXPLAIN QUERY PLAN ${entry.sql}`).bind(...entry.params).all<{ detail: string }>();
      const details = plan.results.map((row) => row.detail).join("\n");
      expect(details, entry.sql).not.toMatch(/SCAN contacts(?!_fts)(?! USING)/);
      expect(details, entry.sql).not.toContain("USE TEMP B-TREE FOR ORDER BY");
    }
  });
});
