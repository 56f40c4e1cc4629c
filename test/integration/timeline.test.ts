import { exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { addMember, call, expectProblem, field, signUp, type Account } from "../helpers/api";

type Item = { kind: string; id: string; at: string; actor_id: string | null; actor_name: string | null } & Record<string, unknown>;
type Page = { data: Item[]; next_cursor: string | null };

async function post(owner: Account, path: string, body: Record<string, unknown>) {
  const res = await call("POST", path, { token: owner.token, body });
  if (res.status !== 201 && res.status !== 200) throw new Error(`POST ${path} ${res.status} ${res.text}`);
  return field<{ id: string; version: number } & Record<string, unknown>>(res.json);
}

async function page(owner: Account, path: string) {
  const res = await call("GET", path, { token: owner.token });
  expect(res.status, res.text).toBe(200);
  return field<Page>(res.json);
}

/** Every item, walking the cursor with pages of `limit`. */
async function walk(owner: Account, path: string, limit: number) {
  const items: Item[] = [];
  let cursor: string | null = null;
  for (let guard = 0; guard < 100; guard++) {
    const separator = path.includes("?") ? "&" : "?";
    const next: Page = await page(owner, `${path}${separator}limit=${limit}${cursor ? `&cursor=${cursor}` : ""}`);
    expect(next.data.length).toBeLessThanOrEqual(limit);
    items.push(...next.data);
    if (next.next_cursor === null) return items;
    cursor = next.next_cursor;
  }
  throw new Error("the cursor never ended");
}

const newestFirst = (items: Item[]) =>
  items.every((item, index) => {
    const previous = items[index - 1];
    return previous === undefined || previous.at > item.at || (previous.at === item.at && previous.id > item.id);
  });

const minutesFromNow = (minutes: number) => new Date(Date.now() + minutes * 60_000).toISOString();

/** A contact with one of everything: changes, a form post, a deal that moved, activities, a task. */
async function busyContact() {
  const owner = await signUp();
  const company = await post(owner, "/api/v1/companies", { name: "UAB Timeline" });
  const contact = await post(owner, "/api/v1/contacts", { first_name: "Ona", emails: ["ona@timeline.lt"], company_id: company.id });
  const changed = await call("PATCH", `/api/v1/contacts/${contact.id}`, { token: owner.token, body: { job_title: "CEO" } });
  expect(changed.status, changed.text).toBe(200);
  const form = await post(owner, "/api/v1/forms", { name: "Demo request", fields: [{ field: "email", required: true }], min_fill_seconds: 0 });
  const posted = await exports.default.fetch(`http://localhost/f/${String(form.public_key)}`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded", "cf-connecting-ip": "198.51.100.9" },
    body: new URLSearchParams({ email: "ona@timeline.lt" }).toString(),
    redirect: "manual",
  });
  expect(posted.status).toBeLessThan(400);
  const deal = await post(owner, "/api/v1/deals", { title: "Licences", primary_contact_id: contact.id, company_id: company.id });
  const pipelines = await call("GET", "/api/v1/pipelines", { token: owner.token });
  const secondStage = field<string>(pipelines.json, "data", 0, "stages", 1, "id");
  const moved = await call("POST", `/api/v1/deals/${deal.id}/move`, { token: owner.token, body: { stage_id: secondStage, version: deal.version } });
  expect(moved.status, moved.text).toBe(200);
  // Activities around the other items in time: one in the past, one in the future, one on the deal only.
  const past = await post(owner, "/api/v1/activities", { type: "call", direction: "outbound", occurred_at: minutesFromNow(-60), contact_id: contact.id });
  const future = await post(owner, "/api/v1/activities", { type: "meeting", occurred_at: minutesFromNow(60), contact_id: contact.id, company_id: company.id, deal_id: deal.id });
  const dealOnly = await post(owner, "/api/v1/activities", { type: "note", body: "Deal only", deal_id: deal.id });
  const task = await post(owner, "/api/v1/tasks", { title: "Send the offer", contact_id: contact.id, deal_id: deal.id });
  return { owner, company, contact, deal, past, future, dealOnly, task, secondStage };
}

describe("a contact's timeline", () => {
  it("merges activities, tasks, submissions, stage changes and changes newest first", async () => {
    const { owner, contact, past, future, dealOnly, task, deal, secondStage } = await busyContact();
    const all = (await page(owner, `/api/v1/contacts/${contact.id}/timeline?limit=200`)).data;
    expect(newestFirst(all)).toBe(true);
    expect(new Set(all.map((item) => item.kind))).toEqual(new Set(["activity", "task", "submission", "stage_change", "change"]));
    // The future meeting is first, the past call is older than everything created just now.
    expect(all[0]).toMatchObject({ kind: "activity", id: future.id, actor_id: owner.userId, actor_name: "Ona Owner" });
    expect(all.at(-1)).toMatchObject({ kind: "activity", id: past.id });
    expect(all.some((item) => item.id === dealOnly.id)).toBe(false);
    expect(all.find((item) => item.kind === "task")).toMatchObject({ id: task.id, task: { title: "Send the offer", assignee_id: owner.userId } });
    expect(all.find((item) => item.kind === "submission")).toMatchObject({ form_name: "Demo request", status: "processed", actor_id: null });
    const stageChanges = all.filter((item) => item.kind === "stage_change");
    expect(stageChanges).toHaveLength(2);
    expect(stageChanges[0]).toMatchObject({ deal_id: deal.id, deal_title: "Licences", to_stage_id: secondStage, from_stage_name: "New", to_stage_name: "Qualified" });
    expect(stageChanges[1]).toMatchObject({ from_stage_id: null, from_stage_name: null, to_stage_name: "New" });
    const changes = all.filter((item) => item.kind === "change").map((item) => item.action);
    expect(changes).toContain("contact.created");
    expect(changes).toContain("contact.updated");
    const update = all.find((item) => item.kind === "change" && item.action === "contact.updated" && field(item, "diff", "after", "job_title") === "CEO");
    expect(update).toMatchObject({ diff: { before: { job_title: null }, after: { job_title: "CEO" } } });
  });

  it("pages across sources without gaps or repeats, for any page size", async () => {
    const { owner, contact } = await busyContact();
    const all = (await page(owner, `/api/v1/contacts/${contact.id}/timeline?limit=200`)).data.map((item) => item.id);
    expect(all.length).toBeGreaterThanOrEqual(8);
    for (const limit of [1, 2, 3]) {
      expect((await walk(owner, `/api/v1/contacts/${contact.id}/timeline`, limit)).map((item) => item.id), `limit ${limit}`).toEqual(all);
    }
  });

  it("filters by type, also while paging", async () => {
    const { owner, contact } = await busyContact();
    const some = await walk(owner, `/api/v1/contacts/${contact.id}/timeline?types=activity,stage_change`, 1);
    expect(new Set(some.map((item) => item.kind))).toEqual(new Set(["activity", "stage_change"]));
    expect(some).toHaveLength(4);
    expect((await page(owner, `/api/v1/contacts/${contact.id}/timeline?types=submission`)).data.map((item) => item.kind)).toEqual(["submission"]);
    const bad = expectProblem(await call("GET", `/api/v1/contacts/${contact.id}/timeline?types=activity,gossip`, { token: owner.token }), 422);
    expect(field(bad, "errors", 0, "parameter")).toBe("types");
    expectProblem(await call("GET", `/api/v1/contacts/${contact.id}/timeline?cursor=nope`, { token: owner.token }), 422);
  });
});

describe("company and deal timelines", () => {
  it("a deal's timeline holds its activities, tasks, stage changes and its own changes (moves once, as stage changes)", async () => {
    const { owner, deal, future, dealOnly, task } = await busyContact();
    const all = (await page(owner, `/api/v1/deals/${deal.id}/timeline?limit=200`)).data;
    expect(newestFirst(all)).toBe(true);
    expect(all.filter((item) => item.kind === "activity").map((item) => item.id).sort()).toEqual([future.id, dealOnly.id].sort());
    expect(all.filter((item) => item.kind === "task").map((item) => item.id)).toEqual([task.id]);
    expect(all.filter((item) => item.kind === "stage_change")).toHaveLength(2);
    expect(all.filter((item) => item.kind === "change").map((item) => item.action)).toEqual(["deal.created"]);
    expect(all.some((item) => item.kind === "submission")).toBe(false);
  });

  it("a company's timeline holds its activities, its deals' stage changes and its own changes", async () => {
    const { owner, company, future, past } = await busyContact();
    const all = (await page(owner, `/api/v1/companies/${company.id}/timeline?limit=200`)).data;
    expect(all.filter((item) => item.kind === "activity").map((item) => item.id)).toEqual([future.id]);
    expect(all.some((item) => item.id === past.id)).toBe(false);
    expect(all.filter((item) => item.kind === "stage_change")).toHaveLength(2);
    expect(all.filter((item) => item.kind === "change").map((item) => item.action)).toEqual(["company.created"]);
  });
});

describe("who may read a timeline", () => {
  it("viewers read; other workspaces and unknown ids get 404", async () => {
    const { owner, contact, company, deal } = await busyContact();
    const viewer = await addMember(owner, "viewer");
    expect((await page(viewer, `/api/v1/contacts/${contact.id}/timeline`)).data.length).toBeGreaterThan(0);
    const stranger = await signUp();
    for (const path of [`/api/v1/contacts/${contact.id}/timeline`, `/api/v1/companies/${company.id}/timeline`, `/api/v1/deals/${deal.id}/timeline`, "/api/v1/contacts/con_nope/timeline"]) {
      expectProblem(await call("GET", path, { token: stranger.token }), 404);
    }
    const deleted = await call("DELETE", `/api/v1/contacts/${contact.id}`, { token: owner.token });
    expect(deleted.status).toBe(204);
    expectProblem(await call("GET", `/api/v1/contacts/${contact.id}/timeline`, { token: owner.token }), 404);
  });
});
