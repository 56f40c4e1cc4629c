import { env } from "cloudflare:workers";
import { describe, expect, it, vi } from "vitest";
import { createDatabase } from "../../workers/db/client";
import { TaskListQuery } from "../../workers/tasks/task.schema";
import { listTasks } from "../../workers/tasks/task.service";
import { meteredD1, type Metered } from "../helpers/metered-d1";
import { addMember, call, expectProblem, field, signUp, type Account } from "../helpers/api";

type TaskJson = {
  id: string;
  title: string;
  due_at: string | null;
  reminder_offsets: number[];
  assignee_id: string | null;
  assignee_name: string | null;
  status: string;
  recurrence: string;
  previous_id: string | null;
  contact_name: string | null;
  company_name: string | null;
  deal_title: string | null;
  completed_at: string | null;
  created_by: string | null;
  version: number;
};

const minute = 60_000;
const hour = 60 * minute;

async function createTask(account: Account, body: Record<string, unknown>) {
  const res = await call("POST", "/api/v1/tasks", { token: account.token, body });
  if (res.status !== 201) throw new Error(`create failed ${res.status} ${res.text}`);
  return field<TaskJson>(res.json);
}

async function listIds(account: Account, query: string) {
  const res = await call("GET", `/api/v1/tasks?${query}`, { token: account.token });
  expect(res.status, res.text).toBe(200);
  return { ids: field<TaskJson[]>(res.json, "data").map((t) => t.id), next: field<string | null>(res.json, "next_cursor") };
}

async function reminderRows(taskId: string) {
  const rows = await env.DB.prepare("SELECT id, fire_at, enqueued_at FROM task_reminders WHERE task_id = ? ORDER BY fire_at, id")
    .bind(taskId)
    .all<{ id: string; fire_at: number; enqueued_at: number | null }>();
  return rows.results;
}

async function successorsOf(taskId: string) {
  const rows = await env.DB.prepare("SELECT id, due_at, status, previous_id FROM tasks WHERE previous_id = ?")
    .bind(taskId)
    .all<{ id: string; due_at: number; status: string }>();
  return rows.results;
}

const iso = (ms: number) => new Date(ms).toISOString();

describe("task CRUD", () => {
  it("creates a task assigned to its creator, reads, changes and deletes it", async () => {
    const owner = await signUp({ name: "Ona Owner" });
    const contact = await call("POST", "/api/v1/contacts", { token: owner.token, body: { first_name: "Jonas" } });
    const contactId = field<string>(contact.json, "id");
    const due = Date.now() + 2 * hour;
    const created = await createTask(owner, { title: "  Call Jonas ", due_at: iso(due), contact_id: contactId, priority: "high" });
    expect(created).toMatchObject({
      title: "Call Jonas",
      due_at: iso(due),
      reminder_offsets: [0],
      assignee_id: owner.userId,
      assignee_name: "Ona Owner",
      status: "open",
      recurrence: "none",
      created_by: owner.userId,
      version: 1,
    });

    const fetched = await call("GET", `/api/v1/tasks/${created.id}`, { token: owner.token });
    expect(fetched.status).toBe(200);
    expect(fetched.headers.get("etag")).toBe('"1"');

    const done = await call("PATCH", `/api/v1/tasks/${created.id}`, { token: owner.token, headers: { "if-match": '"1"' }, body: { status: "done" } });
    expect(done.status, done.text).toBe(200);
    expect(field(done.json, "status")).toBe("done");
    expect(field(done.json, "completed_at")).not.toBeNull();
    expect(done.headers.get("etag")).toBe('"2"');

    const reopened = await call("PATCH", `/api/v1/tasks/${created.id}`, { token: owner.token, body: { status: "open", title: "Call Jonas back" } });
    expect(reopened.json).toMatchObject({ status: "open", completed_at: null, title: "Call Jonas back", version: 3 });

    const audit = await env.DB.prepare("SELECT action FROM audit_log WHERE entity_id = ? ORDER BY id").bind(created.id).all<{ action: string }>();
    expect(audit.results.map((r) => r.action)).toEqual(["task.created", "task.updated", "task.updated"]);

    expect((await call("DELETE", `/api/v1/tasks/${created.id}`, { token: owner.token })).status).toBe(204);
    expectProblem(await call("GET", `/api/v1/tasks/${created.id}`, { token: owner.token }), 404);
    expect((await listIds(owner, "assignee_id=me")).ids).not.toContain(created.id);
  });

  it("names the linked contact, company and deal on create, get, list and patch, and drops a deleted contact's name", async () => {
    const owner = await signUp();
    const post = async (path: string, body: Record<string, unknown>) => field<string>((await call("POST", path, { token: owner.token, body })).json, "id");
    const contactId = await post("/api/v1/contacts", { first_name: "Ona", last_name: "Petraitė" });
    const emailOnlyId = await post("/api/v1/contacts", { emails: ["jonas@example.lt"] });
    const companyId = await post("/api/v1/companies", { name: "UAB Saulė" });
    const dealId = await post("/api/v1/deals", { title: "Website redesign", company_id: companyId });
    const names = { contact_name: "Ona Petraitė", company_name: "UAB Saulė", deal_title: "Website redesign" };

    const created = await createTask(owner, { title: "Call about the offer", due_at: iso(Date.now() + hour), contact_id: contactId, company_id: companyId, deal_id: dealId });
    expect(created).toMatchObject(names);
    expect((await call("GET", `/api/v1/tasks/${created.id}`, { token: owner.token })).json).toMatchObject(names);
    const listed = async () => field<TaskJson[]>((await call("GET", "/api/v1/tasks?assignee_id=me", { token: owner.token })).json, "data").find((t) => t.id === created.id);
    expect(await listed()).toMatchObject(names);
    const unlinked = await createTask(owner, { title: "Nobody" });
    expect(unlinked).toMatchObject({ contact_name: null, company_name: null, deal_title: null });

    // Moving the task to another contact names the new one; a title-only change keeps the names.
    const moved = await call("PATCH", `/api/v1/tasks/${created.id}`, { token: owner.token, body: { contact_id: emailOnlyId } });
    expect(moved.json).toMatchObject({ ...names, contact_name: "jonas@example.lt" });
    const retitled = await call("PATCH", `/api/v1/tasks/${created.id}`, { token: owner.token, body: { contact_id: contactId, title: "Call Ona" } });
    expect(retitled.json).toMatchObject(names);
    expect((await call("PATCH", `/api/v1/tasks/${created.id}`, { token: owner.token, body: { priority: "high" } })).json).toMatchObject(names);

    expect((await call("DELETE", `/api/v1/contacts/${contactId}`, { token: owner.token })).status).toBe(204);
    expect((await call("GET", `/api/v1/tasks/${created.id}`, { token: owner.token })).json).toMatchObject({ ...names, contact_id: contactId, contact_name: null });
    expect(await listed()).toMatchObject({ contact_id: contactId, contact_name: null, company_name: "UAB Saulė" });

    // The company's timeline shows the same task with the same names.
    const timeline = await call("GET", `/api/v1/companies/${companyId}/timeline?types=task`, { token: owner.token });
    expect(field(timeline.json, "data", 0, "task")).toMatchObject({ id: created.id, contact_name: null, company_name: "UAB Saulė", deal_title: "Website redesign" });
  });

  it("answers a stale If-Match with 412 and the current version", async () => {
    const owner = await signUp();
    const task = await createTask(owner, { title: "Send the offer" });
    await call("PATCH", `/api/v1/tasks/${task.id}`, { token: owner.token, body: { priority: "low" } });
    const stale = await call("PATCH", `/api/v1/tasks/${task.id}`, { token: owner.token, headers: { "if-match": '"1"' }, body: { title: "Lost update" } });
    const problem = expectProblem(stale, 412, "version_mismatch");
    expect(problem.current_version).toBe(2);
    expect(field((await call("GET", `/api/v1/tasks/${task.id}`, { token: owner.token })).json, "title")).toBe("Send the offer");
  });

  it("refuses bad input with 422 naming the field, and writes nothing", async () => {
    const owner = await signUp();
    const other = await signUp();
    const foreignCompany = field<string>((await call("POST", "/api/v1/companies", { token: other.token, body: { name: "Foreign UAB" } })).json, "id");
    const cases: [Record<string, unknown>, string][] = [
      [{ title: "" }, "/title"],
      [{}, "/title"],
      [{ title: "A", due_at: "tomorrow" }, "/due_at"],
      [{ title: "A", reminder_offsets: [0, 1, 2, 3, 4, 5] }, "/reminder_offsets"],
      [{ title: "A", reminder_offsets: [50_000] }, "/reminder_offsets/0"],
      [{ title: "A", reminder_offsets: [-1] }, "/reminder_offsets/0"],
      [{ title: "A", priority: "urgent" }, "/priority"],
      [{ title: "A", assignee_id: other.userId }, "/assignee_id"],
      [{ title: "A", contact_id: "con_00000000000000000000000000" }, "/contact_id"],
      [{ title: "A", company_id: foreignCompany }, "/company_id"],
      [{ title: "A", deal_id: "deal_00000000000000000000000000" }, "/deal_id"],
      [{ title: "A", recurrence: "weekly" }, "/recurrence"],
      [{ title: "A", status: "done" }, ""],
    ];
    for (const [body, pointer] of cases) {
      const problem = expectProblem(await call("POST", "/api/v1/tasks", { token: owner.token, body }), 422);
      expect(field<{ pointer: string }[]>(problem, "errors").map((e) => e.pointer), JSON.stringify(body)).toContain(pointer);
    }
    const count = await env.DB.prepare("SELECT COUNT(*) AS n FROM tasks WHERE workspace_id = ?").bind(owner.workspaceId).first<{ n: number }>();
    expect(count?.n).toBe(0);

    const task = await createTask(owner, { title: "A" });
    expect(field(expectProblem(await call("PATCH", `/api/v1/tasks/${task.id}`, { token: owner.token, body: { assignee_id: other.userId } }), 422), "errors", 0, "pointer")).toBe("/assignee_id");
    expect(field(expectProblem(await call("PATCH", `/api/v1/tasks/${task.id}`, { token: owner.token, body: { status: "later" } }), 422), "errors", 0, "pointer")).toBe("/status");
  });

  it("lets viewers read but not write", async () => {
    const owner = await signUp();
    const viewer = await addMember(owner, "viewer");
    const task = await createTask(owner, { title: "Visible to all" });
    expect((await call("GET", `/api/v1/tasks/${task.id}`, { token: viewer.token })).status).toBe(200);
    expect((await call("GET", "/api/v1/tasks", { token: viewer.token })).status).toBe(200);
    expectProblem(await call("POST", "/api/v1/tasks", { token: viewer.token, body: { title: "Nope" } }), 403);
    expectProblem(await call("PATCH", `/api/v1/tasks/${task.id}`, { token: viewer.token, body: { status: "done" } }), 403);
    expectProblem(await call("DELETE", `/api/v1/tasks/${task.id}`, { token: viewer.token }), 403);
  });

  it("hides other workspaces' tasks behind 404", async () => {
    const owner = await signUp();
    const stranger = await signUp();
    const task = await createTask(owner, { title: "Private" });
    expectProblem(await call("GET", `/api/v1/tasks/${task.id}`, { token: stranger.token }), 404);
    expectProblem(await call("PATCH", `/api/v1/tasks/${task.id}`, { token: stranger.token, body: { title: "Mine now" } }), 404);
    expectProblem(await call("DELETE", `/api/v1/tasks/${task.id}`, { token: stranger.token }), 404);
    expect((await listIds(stranger, "assignee_id=me")).ids).toEqual([]);
    expect((await listIds(stranger, `assignee_id=${owner.userId}`)).ids).toEqual([]);
  });
});

describe("listing tasks", () => {
  it("lists my open tasks by due time, undated last, across pages", async () => {
    const owner = await signUp();
    const member = await addMember(owner, "member");
    const base = Date.now() + 24 * hour;
    const t3 = await createTask(owner, { title: "t3", due_at: iso(base + 3 * hour) });
    const t1 = await createTask(owner, { title: "t1", due_at: iso(base + 1 * hour) });
    const u1 = await createTask(owner, { title: "u1" });
    const u2 = await createTask(owner, { title: "u2" });
    const t2 = await createTask(owner, { title: "t2", due_at: iso(base + 2 * hour) });
    const theirs = await createTask(owner, { title: "theirs", due_at: iso(base), assignee_id: member.userId });
    const closed = await createTask(owner, { title: "closed", due_at: iso(base) });
    await call("PATCH", `/api/v1/tasks/${closed.id}`, { token: owner.token, body: { status: "done" } });

    const seen: string[][] = [];
    let cursor: string | null = null;
    do {
      const page = await listIds(owner, `assignee_id=me&status=open&limit=2${cursor ? `&cursor=${cursor}` : ""}`);
      seen.push(page.ids);
      cursor = page.next;
    } while (cursor !== null && seen.length < 10);
    expect(seen).toEqual([[t1.id, t2.id], [t3.id, u1.id], [u2.id]]);

    expect((await listIds(member, "assignee_id=me")).ids).toEqual([theirs.id]);
    expect((await listIds(owner, "status=done")).ids).toEqual([closed.id]);
    expect((await listIds(owner, `due_after=${encodeURIComponent(iso(base + hour))}&due_before=${encodeURIComponent(iso(base + 3 * hour))}`)).ids).toEqual([t1.id, t2.id]);
    expect((await listIds(owner, "")).ids).toEqual([theirs.id, t1.id, t2.id, t3.id, u1.id, u2.id]);
    expectProblem(await call("GET", "/api/v1/tasks?cursor=bm9wZQ", { token: owner.token }), 422);
  });

  it("lists one record's tasks newest first", async () => {
    const owner = await signUp();
    const contactId = field<string>((await call("POST", "/api/v1/contacts", { token: owner.token, body: { first_name: "Ieva" } })).json, "id");
    const first = await createTask(owner, { title: "first", contact_id: contactId, due_at: iso(Date.now() + hour) });
    await createTask(owner, { title: "unrelated" });
    const second = await createTask(owner, { title: "second", contact_id: contactId });
    const page1 = await listIds(owner, `contact_id=${contactId}&limit=1`);
    expect(page1.ids).toEqual([second.id]);
    expect((await listIds(owner, `contact_id=${contactId}&limit=1&cursor=${page1.next}`)).ids).toEqual([first.id]);
  });

  it("serves every list shape from the tasks indexes, without sorting", async () => {
    const owner = await signUp();
    await createTask(owner, { title: "seed", due_at: iso(Date.now() + hour) });
    const actor = { type: "user" as const, id: owner.userId, workspaceId: owner.workspaceId };
    const log: Metered[] = [];
    const db = createDatabase(meteredD1(env.DB, log));
    const queries = [
      { assignee_id: "me", status: "open", limit: "2" },
      { status: "done" },
      { assignee_id: "me", due_after: iso(Date.now()), due_before: iso(Date.now() + 48 * hour) },
      { contact_id: "con_x" },
      { company_id: "cmp_x", status: "open" },
      { deal_id: "deal_x" },
      { assignee_id: "me", cursor: btoa(JSON.stringify(["none", "tsk_0"])).replaceAll("=", "") },
    ];
    for (const query of queries) await listTasks(db, actor, TaskListQuery.parse(query));
    expect(log.length).toBeGreaterThanOrEqual(queries.length);
    for (const entry of log) {
      const plan = await env.DB.prepare(`EXPLAIN QUERY PLAN ${entry.sql}`).bind(...entry.params).all<{ detail: string }>();
      const details = plan.results.map((row) => row.detail).join("\n");
      expect(details, entry.sql).toMatch(/SEARCH tasks USING INDEX tasks_(assignee|workspace|contact|company|deal)_idx/);
      expect(details, entry.sql).not.toContain("TEMP B-TREE");
      // The names come from one primary-key lookup per linked record, never a scan.
      for (const table of ["users", "contacts", "companies", "deals"]) {
        expect(details, entry.sql).toMatch(new RegExp(`SEARCH ${table} USING INDEX sqlite_autoindex_${table}_1 \\(id=\\?\\)`));
      }
      expect(details, entry.sql).not.toMatch(/SCAN (users|contacts|companies|deals)/);
    }
  });

  it("refuses assignee_id=me from an API key, which is nobody", async () => {
    const owner = await signUp();
    const key = await call("POST", "/api/v1/api-keys", { token: owner.token, body: { name: "sync", scope: "read" } });
    const res = await call("GET", "/api/v1/tasks?assignee_id=me", { token: field<string>(key.json, "key") });
    expect(field(expectProblem(res, 422), "errors", 0, "parameter")).toBe("assignee_id");
  });
});

describe("reminder rows", () => {
  it("are created, replaced, kept once enqueued, and removed with the task", async () => {
    const owner = await signUp();
    const due = Date.now() + 3 * hour;
    const task = await createTask(owner, { title: "Remind me", due_at: iso(due), reminder_offsets: [30, 0, 30] });
    expect(task.reminder_offsets).toEqual([0, 30]);
    const created = await reminderRows(task.id);
    expect(created.map((r) => r.fire_at)).toEqual([due - 30 * minute, due]);
    expect(created.every((r) => r.id.startsWith("rem_") && r.enqueued_at === null)).toBe(true);

    // A title change leaves the reminders alone.
    await call("PATCH", `/api/v1/tasks/${task.id}`, { token: owner.token, body: { title: "Remind me, really" } });
    expect((await reminderRows(task.id)).map((r) => r.id)).toEqual(created.map((r) => r.id));

    // Moving the due time replaces them; an offset that lands in the past is skipped.
    const moved = Date.now() + 20 * minute;
    await call("PATCH", `/api/v1/tasks/${task.id}`, { token: owner.token, body: { due_at: iso(moved) } });
    const replaced = await reminderRows(task.id);
    expect(replaced.map((r) => r.fire_at)).toEqual([moved]);
    expect(replaced[0]?.id).not.toBe(created[1]?.id);

    // The scan has handed this one to the queue: it stays, and is not planned a second time.
    await env.DB.prepare("UPDATE task_reminders SET enqueued_at = ? WHERE task_id = ?").bind(Date.now(), task.id).run();
    await call("PATCH", `/api/v1/tasks/${task.id}`, { token: owner.token, body: { reminder_offsets: [0, 10] } });
    const afterEnqueue = await reminderRows(task.id);
    expect(afterEnqueue.map((r) => [r.fire_at, r.enqueued_at !== null])).toEqual([
      [moved - 10 * minute, false],
      [moved, true],
    ]);

    // Completing drops what is pending; reopening plans it again; deleting drops it for good.
    await call("PATCH", `/api/v1/tasks/${task.id}`, { token: owner.token, body: { status: "done" } });
    expect((await reminderRows(task.id)).map((r) => r.enqueued_at !== null)).toEqual([true]);
    await call("PATCH", `/api/v1/tasks/${task.id}`, { token: owner.token, body: { status: "open" } });
    expect((await reminderRows(task.id)).length).toBe(2);
    expect((await call("DELETE", `/api/v1/tasks/${task.id}`, { token: owner.token })).status).toBe(204);
    expect((await reminderRows(task.id)).map((r) => r.enqueued_at !== null)).toEqual([true]);
  });

  it("are not created for a task without a due time, and are replaced when the assignee changes", async () => {
    const owner = await signUp();
    const member = await addMember(owner, "member");
    const task = await createTask(owner, { title: "Someday" });
    expect(await reminderRows(task.id)).toEqual([]);
    const due = Date.now() + hour;
    await call("PATCH", `/api/v1/tasks/${task.id}`, { token: owner.token, body: { due_at: iso(due) } });
    const before = await reminderRows(task.id);
    expect(before.map((r) => r.fire_at)).toEqual([due]);
    await call("PATCH", `/api/v1/tasks/${task.id}`, { token: owner.token, body: { assignee_id: member.userId } });
    const after = await reminderRows(task.id);
    expect(after.map((r) => r.fire_at)).toEqual([due]);
    expect(after[0]?.id).not.toBe(before[0]?.id);
  });
});

describe("repeating tasks", () => {
  it("completing a daily task creates the next one at the same local time across the DST change", async () => {
    const owner = await signUp({ time_zone: "Europe/Vilnius" });
    // 29 March 2025 09:00 in Vilnius (EET, 07:00Z); the clocks go forward that night.
    const task = await createTask(owner, { title: "Morning call", due_at: "2025-03-29T09:00:00+02:00", recurrence: "daily", reminder_offsets: [15] });
    const done = await call("PATCH", `/api/v1/tasks/${task.id}`, { token: owner.token, body: { status: "done" } });
    expect(done.status, done.text).toBe(200);
    const [next] = await successorsOf(task.id);
    expect(next).toMatchObject({ status: "open", due_at: Date.parse("2025-03-30T06:00:00Z") });
    const listed = await call("GET", `/api/v1/tasks/${next?.id ?? ""}`, { token: owner.token });
    expect(listed.json).toMatchObject({ title: "Morning call", recurrence: "daily", previous_id: task.id, reminder_offsets: [15], assignee_id: owner.userId });
  });

  it("uses the assignee's time zone, not the creator's", async () => {
    const owner = await signUp({ time_zone: "Europe/Vilnius" });
    const member = await addMember(owner, "member");
    await call("PATCH", "/api/v1/me", { token: member.token, body: { time_zone: "Europe/Moscow" } });
    const task = await createTask(owner, { title: "Weekly report", due_at: "2025-10-20T09:00:00+03:00", recurrence: "weekly", assignee_id: member.userId });
    await call("PATCH", `/api/v1/tasks/${task.id}`, { token: member.token, body: { status: "done" } });
    // Moscow keeps +03:00, so 09:00 there is 06:00Z a week later even though Vilnius changed clocks.
    expect((await successorsOf(task.id)).map((t) => t.due_at)).toEqual([Date.parse("2025-10-27T06:00:00Z")]);
  });

  it("creates exactly one next task when the same completion is sent twice at once", async () => {
    const owner = await signUp({ time_zone: "Europe/Ljubljana" });
    const task = await createTask(owner, { title: "Month-end close", due_at: "2025-01-31T16:00:00+01:00", recurrence: "monthly" });
    const results = await Promise.all([1, 2, 3].map(() => call("PATCH", `/api/v1/tasks/${task.id}`, { token: owner.token, body: { status: "done" } })));
    expect(results.map((r) => r.status)).toEqual([200, 200, 200]);
    const next = await successorsOf(task.id);
    expect(next).toHaveLength(1);
    // 31 January → 28 February, 16:00 CET.
    expect(next[0]?.due_at).toBe(Date.parse("2025-02-28T15:00:00Z"));
    // The repeats found the task already done and wrote nothing: one completion, one version.
    expect(field((await call("GET", `/api/v1/tasks/${task.id}`, { token: owner.token })).json, "version")).toBe(2);

    // With If-Match, the racers that lost get 412; still one follow-up.
    const again = await createTask(owner, { title: "Daily", due_at: "2025-02-01T09:00:00+01:00", recurrence: "daily" });
    const raced = await Promise.all([1, 2].map(() => call("PATCH", `/api/v1/tasks/${again.id}`, { token: owner.token, headers: { "if-match": '"1"' }, body: { status: "done" } })));
    expect(raced.map((r) => r.status).sort()).toEqual([200, 412]);
    expect(await successorsOf(again.id)).toHaveLength(1);

    // Reopening and completing again does not repeat the task a second time.
    await call("PATCH", `/api/v1/tasks/${again.id}`, { token: owner.token, body: { status: "open" } });
    expect((await call("PATCH", `/api/v1/tasks/${again.id}`, { token: owner.token, body: { status: "done" } })).status).toBe(200);
    expect(await successorsOf(again.id)).toHaveLength(1);
  });

  it("does not repeat a cancelled task", async () => {
    const owner = await signUp();
    const task = await createTask(owner, { title: "Maybe", due_at: iso(Date.now() + hour), recurrence: "daily" });
    await call("PATCH", `/api/v1/tasks/${task.id}`, { token: owner.token, body: { status: "cancelled" } });
    expect(await successorsOf(task.id)).toEqual([]);
  });
});

describe("assignment notifications", () => {
  async function notificationsFor(account: Account) {
    const rows = await env.DB.prepare("SELECT type, text, data FROM notifications WHERE workspace_id = ? AND user_id = ?")
      .bind(account.workspaceId, account.userId)
      .all<{ type: string; text: string; data: string }>();
    return rows.results;
  }

  it("tells the assignee when someone else gives them a task, and nobody when people take their own", async () => {
    const owner = await signUp({ name: "Ona Owner" });
    const member = await addMember(owner, "member");
    const task = await createTask(owner, { title: "Prepare the demo", assignee_id: member.userId });
    await vi.waitFor(async () => expect(await notificationsFor(member)).toHaveLength(1));
    const [notification] = await notificationsFor(member);
    expect(notification).toMatchObject({ type: "task.assigned", text: "Ona Owner assigned you a task: Prepare the demo" });
    expect(JSON.parse(notification?.data ?? "{}")).toMatchObject({ task_id: task.id });

    // Re-assigned back to the owner by the owner: nobody is told.
    await call("PATCH", `/api/v1/tasks/${task.id}`, { token: owner.token, body: { assignee_id: owner.userId } });
    await createTask(owner, { title: "My own" });
    // Handed to the member again: a second notice.
    await call("PATCH", `/api/v1/tasks/${task.id}`, { token: owner.token, body: { assignee_id: member.userId } });
    await vi.waitFor(async () => expect(await notificationsFor(member)).toHaveLength(2));
    expect(await notificationsFor(owner)).toEqual([]);
  });
});
