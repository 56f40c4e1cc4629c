import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { ActivityListQuery } from "../../workers/activities/activity.schema";
import { communicationWindow, contactCommunication, listActivities } from "../../workers/activities/activity.service";
import { createDatabase } from "../../workers/db/client";
import { newId } from "../../workers/db/ids";
import { encodeCursor } from "../../workers/http/pagination";
import { TimelineQuery } from "../../workers/timeline/timeline.schema";
import { timeline } from "../../workers/timeline/timeline.service";
import { call, field, signUp } from "../helpers/api";
import { meteredD1, type Metered } from "../helpers/metered-d1";

// Deterministic cost checks for activities and the timeline: a workspace with 20,000
// activities, and one contact with 6,000 of them plus 2,000 tasks, 2,000 audit entries, 1,000
// form submissions and the stage changes of 5 deals. From D1's meta.rows_read, a page reads a
// small multiple of what it returns — also deep in the cursor — and the plans use the indexes.

const minute = 60_000;
const start = Date.UTC(2025, 0, 1);
let workspaceId = "";
let contactId = "";
let midpoint = 0;

async function insertJson(sql: string, rows: unknown[]) {
  await env.DB.prepare(sql).bind(JSON.stringify(rows)).run();
}

beforeAll(async () => {
  const owner = await signUp();
  workspaceId = owner.workspaceId;
  const contact = await call("POST", "/api/v1/contacts", { token: owner.token, body: { first_name: "Busy", emails: ["busy@cost.lt"] } });
  contactId = field<string>(contact.json, "id");
  const other = await call("POST", "/api/v1/contacts", { token: owner.token, body: { first_name: "Other" } });
  const otherId = field<string>(other.json, "id");
  const form = await call("POST", "/api/v1/forms", { token: owner.token, body: { name: "Cost form", fields: [{ field: "email" }] } });
  const formId = field<string>(form.json, "id");
  const dealIds: string[] = [];
  for (let i = 0; i < 5; i++) {
    const deal = await call("POST", "/api/v1/deals", { token: owner.token, body: { title: `Deal ${i}`, primary_contact_id: contactId } });
    dealIds.push(field<string>(deal.json, "id"));
  }
  const otherDeal = field<string>((await call("POST", "/api/v1/deals", { token: owner.token, body: { title: "Busy deal", primary_contact_id: otherId } })).json, "id");
  const stageId = field<string>((await call("GET", "/api/v1/pipelines", { token: owner.token })).json, "data", 0, "stages", 1, "id");

  // Activities: 6,000 on the busy contact (one a minute), 14,000 on another one, interleaved in time.
  const activityRows = Array.from({ length: 20_000 }, (_, i) => {
    const at = start + i * minute;
    return { id: newId("activity", at), at, contact: i % 10 < 3 ? contactId : otherId, type: ["call", "email", "meeting", "note", "message"][i % 5], direction: i % 2 === 0 ? "inbound" : "outbound" };
  });
  for (let i = 0; i < activityRows.length; i += 5000) {
    await insertJson(
      `INSERT INTO activities (id, workspace_id, type, direction, occurred_at, contact_id, author_id, created_at, updated_at, version)
       SELECT value ->> 'id', '${workspaceId}', value ->> 'type', value ->> 'direction', value ->> 'at', value ->> 'contact', NULL, value ->> 'at', value ->> 'at', 1 FROM json_each(?)`,
      activityRows.slice(i, i + 5000),
    );
  }
  // Ids start with their creation time, as every writer makes them (newId(kind, now)).
  const offsetRows = (count: number, kind: "task" | "audit" | "submission", offset: number) =>
    Array.from({ length: count }, (_, i) => {
      const at = start + i * 10 * minute + offset;
      return { id: newId(kind, at), at };
    });
  await insertJson(
    `INSERT INTO tasks (id, workspace_id, title, contact_id, created_at, updated_at, version)
     SELECT value ->> 'id', '${workspaceId}', 'Task', '${contactId}', value ->> 'at', value ->> 'at', 1 FROM json_each(?)`,
    offsetRows(2000, "task", 17_000),
  );
  await insertJson(
    `INSERT INTO audit_log (id, workspace_id, actor_type, actor_id, action, entity_type, entity_id, diff, at)
     SELECT value ->> 'id', '${workspaceId}', 'user', '${owner.userId}', 'contact.updated', 'contact', '${contactId}', '{"before":{},"after":{}}', value ->> 'at' FROM json_each(?)`,
    offsetRows(2000, "audit", 23_000),
  );
  await insertJson(
    `INSERT INTO form_submissions (id, workspace_id, form_id, status, payload, contact_id, received_at)
     SELECT value ->> 'id', '${workspaceId}', '${formId}', 'processed', '{}', '${contactId}', value ->> 'at' FROM json_each(?)`,
    offsetRows(1000, "submission", 41_000),
  );
  await insertJson(
    `INSERT INTO deal_stage_history (id, workspace_id, deal_id, from_stage_id, to_stage_id, actor_type, at)
     SELECT value ->> 'id', '${workspaceId}', value ->> 'deal', NULL, '${stageId}', 'system', value ->> 'at' FROM json_each(?)`,
    Array.from({ length: 50 }, (_, i) => ({ id: newId("stageChange", start + i * 97 * minute), deal: dealIds[i % 5], at: start + i * 97 * minute })),
  );
  // The rest of the workspace moves deals a lot: the contact's page must not wade through that.
  await insertJson(
    `INSERT INTO deal_stage_history (id, workspace_id, deal_id, from_stage_id, to_stage_id, actor_type, at)
     SELECT value ->> 'id', '${workspaceId}', '${otherDeal}', NULL, '${stageId}', 'system', value ->> 'at' FROM json_each(?)`,
    Array.from({ length: 5000 }, (_, i) => ({ id: newId("stageChange", start + i * 3 * minute), at: start + i * 3 * minute })),
  );
  midpoint = start + 9_000 * minute;
});

async function measure<T>(run: (db: ReturnType<typeof createDatabase>) => Promise<T>) {
  const log: Metered[] = [];
  const result = await run(createDatabase(meteredD1(env.DB, log)));
  return { result, rowsRead: log.reduce((sum, entry) => sum + entry.rowsRead, 0), log };
}

// A page of n rows may read the n + 1 rows it fetches, their author lookups and index pages.
const budget = (returned: number) => 3 * (returned + 1) + 20;
// The timeline asks up to five sources for limit + 1 rows each.
const timelineBudget = (limit: number) => 5 * budget(limit);

async function plansOf(log: Metered[]) {
  const plans: { sql: string; details: string }[] = [];
  for (const entry of log) {
    if (!/^\s*select/i.test(entry.sql)) continue;
    const plan = await env.DB.prepare(`EXPLAIN QUERY PLAN ${entry.sql}`).bind(...entry.params).all<{ detail: string }>();
    plans.push({ sql: entry.sql, details: plan.results.map((row) => row.detail).join("\n") });
  }
  return plans;
}

describe("what activity reads cost on 20,000 activities", () => {
  it("the first page of the workspace's activities, and one deep in the cursor", async () => {
    const first = await measure((db) => listActivities(db, workspaceId, ActivityListQuery.parse({ limit: "50" })));
    expect(first.result.data).toHaveLength(50);
    expect(first.rowsRead).toBeGreaterThan(0);
    expect(first.rowsRead).toBeLessThanOrEqual(budget(50));
    const deep = await measure((db) => listActivities(db, workspaceId, ActivityListQuery.parse({ limit: "50", cursor: encodeCursor([midpoint, "act_~"]) })));
    expect(deep.result.data).toHaveLength(50);
    expect(deep.result.data[0]?.occurred_at).toBe(new Date(midpoint).toISOString());
    expect(deep.rowsRead).toBeLessThanOrEqual(budget(50));
  });

  it("a contact's page and a contact-and-type page", async () => {
    const byContact = await measure((db) => listActivities(db, workspaceId, ActivityListQuery.parse({ limit: "50", contact_id: contactId, cursor: encodeCursor([midpoint, "act_~"]) })));
    expect(byContact.result.data).toHaveLength(50);
    expect(byContact.rowsRead).toBeLessThanOrEqual(budget(50));
    // Every fifth activity is a call: the type filters the contact's index range.
    const calls = await measure((db) => listActivities(db, workspaceId, ActivityListQuery.parse({ limit: "50", contact_id: contactId, type: "call" })));
    expect(calls.result.data.every((a) => a.type === "call")).toBe(true);
    expect(calls.rowsRead).toBeLessThanOrEqual(budget(50 * 5));
  });

  it("communication metrics read at most the latest 2,000 of the contact's activities", async () => {
    const { result, rowsRead } = await measure((db) => contactCommunication(db, workspaceId, contactId));
    expect(result.activities_considered).toBe(communicationWindow);
    expect(rowsRead).toBeLessThanOrEqual(communicationWindow + 20);
  });

  it("activity plans use the activities indexes, never a scan or a sort", async () => {
    const { log } = await measure(async (db) => {
      await listActivities(db, workspaceId, ActivityListQuery.parse({ limit: "50" }));
      await listActivities(db, workspaceId, ActivityListQuery.parse({ limit: "50", contact_id: contactId }));
      await contactCommunication(db, workspaceId, contactId);
    });
    for (const { sql, details } of await plansOf(log)) {
      expect(details, sql).toMatch(/activities_(workspace|contact)_idx/);
      expect(details, sql).not.toMatch(/SCAN activities(?! USING)/);
      expect(details, sql).not.toContain("USE TEMP B-TREE FOR ORDER BY");
    }
  });
});

describe("what a contact timeline page costs", () => {
  it("the first page and a page deep in the cursor read a few pages' worth, not the 11,000 items", async () => {
    const first = await measure((db) => timeline(db, workspaceId, { type: "contact", id: contactId }, TimelineQuery.parse({ limit: "50" })));
    expect(first.result.data).toHaveLength(50);
    expect(first.result.next_cursor).not.toBeNull();
    expect(first.rowsRead).toBeLessThanOrEqual(timelineBudget(50));
    const deep = await measure((db) => timeline(db, workspaceId, { type: "contact", id: contactId }, TimelineQuery.parse({ limit: "50", cursor: encodeCursor([midpoint, "zzz"]) })));
    expect(deep.result.data).toHaveLength(50);
    expect(new Set(deep.result.data.map((item) => item.kind))).toEqual(new Set(["activity", "task", "submission", "change"]));
    expect(deep.result.data.every((item) => Date.parse(item.at) <= midpoint)).toBe(true);
    expect(deep.rowsRead).toBeLessThanOrEqual(timelineBudget(50));
  });

  it("timeline plans read every source through its index; only the few stage changes are sorted", async () => {
    const { log } = await measure((db) => timeline(db, workspaceId, { type: "contact", id: contactId }, TimelineQuery.parse({ limit: "50", cursor: encodeCursor([midpoint, "zzz"]) })));
    const plans = await plansOf(log);
    const joined = plans.map((plan) => plan.details).join("\n");
    for (const index of ["activities_contact_idx", "tasks_contact_idx", "form_submissions_contact_idx", "audit_log_entity_idx", "deal_stage_history_deal_idx"]) {
      expect(joined).toContain(index);
    }
    for (const { sql, details } of plans) {
      expect(details, sql).not.toMatch(/SCAN (activities|tasks|form_submissions|audit_log|deal_stage_history|deals)(?! USING)/);
      if (!sql.includes("deal_stage_history")) expect(details, sql).not.toContain("USE TEMP B-TREE FOR ORDER BY");
    }
  });
});
