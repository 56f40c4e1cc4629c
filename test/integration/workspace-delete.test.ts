import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { call, field, signUp, type Account } from "../helpers/api";

// Deleting a workspace erases everything it holds. The check is generic: every table with a
// workspace_id column is asked, so a table added later without a delete fails here (or D1's
// foreign keys refuse the delete first).

async function post(account: Account, path: string, body?: unknown, rawBody?: FormData) {
  const res = await call("POST", path, { token: account.token, ...(body === undefined ? {} : { body }), ...(rawBody ? { rawBody } : {}) });
  expect(res.status, `${path} → ${res.text}`).toBeLessThan(300);
  return res.json as Record<string, unknown>;
}

async function tablesWithWorkspaceId(): Promise<string[]> {
  const tables = await env.DB.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_cf_%' AND name NOT LIKE 'd1_%' AND name NOT LIKE '%_fts%'").all<{ name: string }>();
  const out: string[] = [];
  for (const { name } of tables.results) {
    const columns = await env.DB.prepare(`SELECT name FROM pragma_table_info('${name}')`).all<{ name: string }>();
    if (columns.results.some((column) => column.name === "workspace_id")) out.push(name);
  }
  return out;
}

async function rowsOf(workspaceId: string, tables: string[]): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const table of tables) {
    const row = await env.DB.prepare(`SELECT COUNT(*) AS n FROM ${table} WHERE workspace_id = ?`).bind(workspaceId).first<{ n: number }>();
    if ((row?.n ?? 0) > 0) counts[table] = row?.n ?? 0;
  }
  return counts;
}

describe("deleting a workspace", () => {
  it("leaves no row of it in any table, whatever it held, and keeps other workspaces whole", async () => {
    const owner = await signUp({ workspace_name: "Doomed" });
    const other = await signUp({ workspace_name: "Stays" });
    const keep = await post(other, "/api/v1/contacts", { first_name: "Stays" });

    const company = await post(owner, "/api/v1/companies", { name: "Doomed UAB" });
    const ona = await post(owner, "/api/v1/contacts", { first_name: "Ona", emails: ["ona@doomed.lt"], phones: [{ number: "+37061234567" }], tags: ["vip"], company_id: company.id, consent: { status: "granted", source: "form" } });
    const twin = await post(owner, "/api/v1/contacts", { first_name: "Ona", emails: ["ona2@doomed.lt"] });
    const third = await post(owner, "/api/v1/contacts", { first_name: "Ona", emails: ["ona3@doomed.lt"] });
    await post(owner, "/api/v1/deals", { title: "Doomed deal", primary_contact_id: ona.id, contact_ids: [twin.id] });
    await post(owner, "/api/v1/activities", { type: "call", contact_id: ona.id, company_id: company.id });
    await post(owner, "/api/v1/tasks", { title: "Doomed task", due_at: new Date(Date.now() + 3_600_000).toISOString(), contact_id: ona.id });
    await post(owner, "/api/v1/forms", { name: "Doomed form", fields: [{ field: "email", required: true }] });
    await post(owner, "/api/v1/api-keys", { name: "k", scope: "read" });
    await post(owner, "/api/v1/contacts/merge", { primary_id: ona.id, duplicate_ids: [third.id] });
    const form = new FormData();
    form.set("file", new File(["Vardas;El. paštas\nJonas;jonas@doomed.lt\n"], "k.csv", { type: "text/csv" }));
    await post(owner, "/api/v1/imports", undefined, form);
    await post(owner, "/api/v1/exports", { entity: "contacts", format: "csv", filters: {} });
    await post(owner, "/api/v1/audits/run");
    await post(owner, "/api/v1/duplicates/scan");
    await env.DB.prepare(
      "INSERT INTO notifications (id, workspace_id, user_id, type, dedupe_key, text, created_at) VALUES ('ntf_doomed', ?, ?, 'task.reminder', 'doomed', 'Doomed', ?)",
    )
      .bind(owner.workspaceId, owner.userId, Date.now())
      .run();
    await env.DB.prepare(
      "INSERT INTO email_outbox (id, workspace_id, dedupe_key, kind, from_address, to_address, subject, text, status, created_at) VALUES ('eml_doomed', ?, 'doomed', 'task.reminder', 'a@b.c', 'd@e.f', 'Doomed', 'Doomed', 'stored', ?)",
    )
      .bind(owner.workspaceId, Date.now())
      .run();

    const tables = await tablesWithWorkspaceId();
    expect(tables).toEqual(expect.arrayContaining(["contacts", "activities", "tasks", "imports", "exports", "duplicate_clusters", "contact_merges", "quality_audits", "notifications", "email_outbox"]));
    expect(Object.keys(await rowsOf(owner.workspaceId, tables)).length).toBeGreaterThan(15);

    const res = await call("DELETE", "/api/v1/workspace?confirm=Doomed", { token: owner.token });
    expect(res.status, res.text).toBe(204);
    expect(await rowsOf(owner.workspaceId, tables)).toEqual({});
    // Children keyed by their parent, not the workspace, went with it.
    for (const [child, parent, key] of [
      ["import_chunks", "imports", "import_id"],
      ["import_rows", "imports", "import_id"],
      ["import_keys", "imports", "import_id"],
      ["export_chunks", "exports", "export_id"],
      ["quality_findings", "quality_audits", "audit_id"],
    ] as const) {
      const orphans = await env.DB.prepare(`SELECT COUNT(*) AS n FROM ${child} WHERE ${key} NOT IN (SELECT id FROM ${parent})`).first<{ n: number }>();
      expect(orphans?.n, child).toBe(0);
    }
    expect(field((await call("GET", `/api/v1/contacts/${String(keep.id)}`, { token: other.token })).json, "first_name")).toBe("Stays");
  });
});
