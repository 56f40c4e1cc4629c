import { env } from "cloudflare:workers";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { createDatabase } from "../../workers/db/client";
import { OutboxTransport } from "../../workers/email/outbox-transport";
import { handleJob } from "../../workers/jobs/consumer";
import { enqueueDigests } from "../../workers/jobs/digest";
import { enqueueDueReminders } from "../../workers/jobs/task-reminders";
import type { JobMessage } from "../../workers/jobs/messages";
import { call, field, signUp, type Account } from "../helpers/api";
import { meteredD1, type Metered } from "../helpers/metered-d1";
import { captureJobSends, deliverJobs, runScheduled } from "../helpers/queue";

// Cron → queue → consumer, driven with the workerd test helpers. sendBatch is captured instead of
// delivered, so each test decides when (and how often) the consumer sees a message.

const minute = 60_000;
const day = 24 * 60 * minute;
let sequence = 0;
const nextId = (prefix: string) => {
  sequence += 1;
  return `${prefix}_test${String(sequence).padStart(12, "0")}`;
};

afterEach(() => {
  vi.restoreAllMocks();
});

async function insertTask(account: Account, options: { title: string; dueAt: number; status?: string; deleted?: boolean }) {
  const id = nextId("tsk");
  await env.DB.prepare(
    `INSERT INTO tasks (id, workspace_id, title, due_at, assignee_id, status, created_at, updated_at, deleted_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  )
    .bind(id, account.workspaceId, options.title, options.dueAt, account.userId, options.status ?? "open", Date.now(), Date.now(), options.deleted ? Date.now() : null)
    .run();
  return id;
}

async function insertReminder(account: Account, taskId: string, fireAt: number) {
  const id = nextId("rem");
  await env.DB.prepare("INSERT INTO task_reminders (id, workspace_id, task_id, fire_at) VALUES (?, ?, ?, ?)").bind(id, account.workspaceId, taskId, fireAt).run();
  return id;
}

async function count(sql: string, ...params: unknown[]) {
  const row = await env.DB.prepare(sql)
    .bind(...params)
    .first<{ n: number }>();
  return row?.n ?? 0;
}

const notificationsOf = (account: Account, type: string) =>
  count("SELECT COUNT(*) AS n FROM notifications WHERE workspace_id = ? AND user_id = ? AND type = ?", account.workspaceId, account.userId, type);
const outboxOf = (account: Account, kind: string) => count("SELECT COUNT(*) AS n FROM email_outbox WHERE workspace_id = ? AND kind = ?", account.workspaceId, kind);

describe("task reminders: cron → queue → consumer", () => {
  it("each due reminder of an open task gives exactly one notification and one email, even when every message arrives twice", async () => {
    const owner = await signUp();
    const now = Date.now();
    const due: string[] = [];
    for (const title of ["Call Ona", "Send the offer", "Book the demo"]) due.push(await insertReminder(owner, await insertTask(owner, { title, dueAt: now }), now - minute));
    await insertReminder(owner, await insertTask(owner, { title: "Already done", dueAt: now, status: "done" }), now - minute);
    await insertReminder(owner, await insertTask(owner, { title: "Deleted", dueAt: now, deleted: true }), now - minute);
    const later = await insertReminder(owner, await insertTask(owner, { title: "Next week", dueAt: now + 7 * day }), now + 7 * day);

    const sent = captureJobSends();
    await runScheduled(now);
    const mine = sent.filter((m) => m.type === "task.remind");
    const ids = mine.map((m) => (m.type === "task.remind" ? m.reminder_id : ""));
    expect(ids).toEqual(expect.arrayContaining(due));
    expect(ids).not.toContain(later);
    expect(await count("SELECT COUNT(*) AS n FROM task_reminders WHERE id = ? AND enqueued_at IS NULL", later)).toBe(1);
    expect(await count("SELECT COUNT(*) AS n FROM task_reminders WHERE workspace_id = ? AND enqueued_at IS NULL", owner.workspaceId)).toBe(1);

    // The same messages twice in one batch, then the whole batch again.
    const first = await deliverJobs([...mine, ...mine]);
    expect(first.retryMessages).toEqual([]);
    await deliverJobs(mine);
    expect(await notificationsOf(owner, "task.reminder")).toBe(3);
    expect(await outboxOf(owner, "task.reminder")).toBe(3);
    const texts = await env.DB.prepare("SELECT text, link, pushed_at FROM notifications WHERE workspace_id = ? ORDER BY text").bind(owner.workspaceId).all<{ text: string; link: string; pushed_at: number | null }>();
    expect(texts.results.map((r) => r.text)).toEqual(["Reminder: Book the demo", "Reminder: Call Ona", "Reminder: Send the offer"]);
    expect(texts.results.every((r) => r.link === "/tasks" && r.pushed_at !== null)).toBe(true);

    // Nothing is due any more: the next minute sends nothing for this workspace.
    sent.length = 0;
    await runScheduled(now + minute);
    expect(sent.filter((m) => m.type === "task.remind" && due.includes(m.reminder_id))).toEqual([]);
  });

  it("words a Lithuanian user's reminder and its email in Lithuanian, with the due time on their clock", async () => {
    const ona = await signUp({ language: "lt", time_zone: "Europe/Vilnius" });
    const now = Date.now();
    // 07:00 UTC in winter is 09:00 in Vilnius (UTC+2).
    const dueAt = Date.parse("2099-01-15T07:00:00Z");
    const reminderId = await insertReminder(ona, await insertTask(ona, { title: "Paskambinti Jonui", dueAt }), now - minute);
    await deliverJobs([{ type: "task.remind", reminder_id: reminderId }]);
    const row = await env.DB.prepare("SELECT text FROM notifications WHERE workspace_id = ? AND type = 'task.reminder'").bind(ona.workspaceId).first<{ text: string }>();
    expect(row?.text).toBe("Priminimas: Paskambinti Jonui");
    const email = await env.DB.prepare("SELECT subject, text FROM email_outbox WHERE workspace_id = ? AND kind = 'task.reminder'").bind(ona.workspaceId).first<{ subject: string; text: string }>();
    expect(email?.subject).toBe("Priminimas: Paskambinti Jonui");
    // Lithuanian dates read year-month-day; the zone is named so the time is unambiguous.
    expect(email?.text).toMatch(/^Priminimas: Paskambinti Jonui\n\nTerminas: 2099-01-15 09:00 \S+/u);
    expect(email?.text).not.toContain("07:00");
    expect(email?.text).not.toMatch(/Reminder|Due/u);
  });

  it("a consumer that fails half-way through a batch is retried and still gives one notification and one email each", async () => {
    const owner = await signUp();
    const now = Date.now();
    const messages: JobMessage[] = [];
    for (let i = 0; i < 6; i++) {
      const reminderId = await insertReminder(owner, await insertTask(owner, { title: `Task ${i}`, dueAt: now }), now - minute);
      messages.push({ type: "task.remind", reminder_id: reminderId });
    }
    // The fourth message stores its notification, then the email transport fails once.
    const realSend = OutboxTransport.prototype.send;
    let calls = 0;
    vi.spyOn(OutboxTransport.prototype, "send").mockImplementation(async function (this: OutboxTransport, message) {
      calls += 1;
      if (calls === 4) throw new Error("mail store unavailable");
      return realSend.call(this, message);
    });
    vi.spyOn(console, "error").mockImplementation(() => undefined);
    const result = await deliverJobs(messages);
    expect(result.retryMessages).toHaveLength(1);
    expect(result.explicitAcks).toHaveLength(5);
    expect(await notificationsOf(owner, "task.reminder")).toBe(6);
    expect(await outboxOf(owner, "task.reminder")).toBe(5);

    // The queue redelivers the failed message; at-least-once may redeliver the others too.
    const again = await deliverJobs(messages);
    expect(again.retryMessages).toEqual([]);
    expect(await notificationsOf(owner, "task.reminder")).toBe(6);
    expect(await outboxOf(owner, "task.reminder")).toBe(6);
    expect(await count("SELECT COUNT(*) AS n FROM notifications WHERE workspace_id = ? AND pushed_at IS NULL", owner.workspaceId)).toBe(0);
  });

  it("a crash between sending and marking re-sends the reminders next minute, and the duplicates are absorbed", async () => {
    const owner = await signUp();
    const now = Date.now();
    const reminderId = await insertReminder(owner, await insertTask(owner, { title: "Crash test", dueAt: now }), now - minute);
    const sent = captureJobSends();
    await runScheduled(now);
    // As if the worker died after sendBatch and before the UPDATE.
    await env.DB.prepare("UPDATE task_reminders SET enqueued_at = NULL WHERE id = ?").bind(reminderId).run();
    await runScheduled(now + minute);
    const copies = sent.filter((m) => m.type === "task.remind" && m.reminder_id === reminderId);
    expect(copies).toHaveLength(2);
    await deliverJobs(copies);
    expect(await notificationsOf(owner, "task.reminder")).toBe(1);
    expect(await outboxOf(owner, "task.reminder")).toBe(1);
  });

  it("a reminder whose task was closed after it was enqueued tells nobody", async () => {
    const owner = await signUp();
    const now = Date.now();
    const taskId = await insertTask(owner, { title: "Closed in time", dueAt: now });
    const reminderId = await insertReminder(owner, taskId, now - minute);
    await env.DB.prepare("UPDATE tasks SET status = 'done' WHERE id = ?").bind(taskId).run();
    await deliverJobs([{ type: "task.remind", reminder_id: reminderId }, { type: "task.remind", reminder_id: "rem_doesnotexist" }]);
    expect(await notificationsOf(owner, "task.reminder")).toBe(0);
  });
});

describe("what the per-minute scan costs", () => {
  let bulk: Account;
  beforeAll(async () => {
    bulk = await signUp();
    const start = Date.UTC(2026, 0, 1);
    // 100,000 tasks, each with a reminder: half fired long ago (enqueued), half far in the future.
    await env.DB.prepare(
      `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 100000)
       INSERT INTO tasks (id, workspace_id, title, due_at, assignee_id, status, created_at, updated_at)
       SELECT printf('tsk_bulk%010d', i), ?, 'Bulk ' || i, CASE WHEN i % 2 = 0 THEN ? + i ELSE 4102444800000 + i END, ?, 'open', ?, ? FROM n`,
    )
      .bind(bulk.workspaceId, start, bulk.userId, start, start)
      .run();
    await env.DB.prepare(
      `INSERT INTO task_reminders (id, workspace_id, task_id, fire_at, enqueued_at)
       SELECT 'rem_' || substr(id, 5), workspace_id, id, due_at, CASE WHEN due_at < 4102444800000 THEN due_at ELSE NULL END FROM tasks WHERE id LIKE 'tsk_bulk%'`,
    ).run();
  });

  it("reads only the due rows among 100,000 reminders, through the partial index", async () => {
    expect(await count("SELECT COUNT(*) AS n FROM task_reminders WHERE task_id LIKE 'tsk_bulk%'")).toBe(100_000);
    const now = Date.now();
    for (let i = 0; i < 10; i++) await insertReminder(bulk, await insertTask(bulk, { title: `Due ${i}`, dueAt: now }), now - minute);
    // Leftovers of earlier tests are due too; count what is due now so the budget is exact.
    const dueNow = await count("SELECT COUNT(*) AS n FROM task_reminders WHERE enqueued_at IS NULL AND fire_at <= ?", now);
    expect(dueNow).toBeGreaterThanOrEqual(10);

    const plan = await env.DB.prepare("EXPLAIN QUERY PLAN SELECT id FROM task_reminders WHERE enqueued_at IS NULL AND fire_at <= ? ORDER BY fire_at LIMIT 500").bind(now).all<{ detail: string }>();
    expect(plan.results.map((r) => r.detail).join(" ")).toContain("task_reminders_due_idx");

    const sent = captureJobSends();
    const log: Metered[] = [];
    const enqueued = await enqueueDueReminders(env, createDatabase(meteredD1(env.DB, log)), now);
    expect(enqueued).toBe(dueNow);
    expect(sent).toHaveLength(dueNow);
    const rowsRead = log.reduce((sum, entry) => sum + entry.rowsRead, 0);
    console.log(`per-minute scan: ${dueNow} due of 100,000+ reminders, rows_read ${rowsRead} over ${log.length} statements`);
    // The select reads the due rows (plus one probe), the update reads each id and its row.
    expect(rowsRead).toBeLessThanOrEqual(6 * dueNow + 20);
  });

  it("dispatches 1,000 due reminders (scan and consume) within 60 seconds", async () => {
    const owner = await signUp();
    const now = Date.now();
    await env.DB.prepare(
      `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 1000)
       INSERT INTO tasks (id, workspace_id, title, due_at, assignee_id, status, created_at, updated_at)
       SELECT printf('tsk_load%010d', i), ?, 'Load ' || i, ?, ?, 'open', ?, ? FROM n`,
    )
      .bind(owner.workspaceId, now, owner.userId, now, now)
      .run();
    await env.DB.prepare(
      `INSERT INTO task_reminders (id, workspace_id, task_id, fire_at) SELECT 'rem_' || substr(id, 5), workspace_id, id, due_at - 60000 FROM tasks WHERE id LIKE 'tsk_load%'`,
    ).run();

    const sent = captureJobSends();
    const started = performance.now();
    await runScheduled(now);
    const reminders = sent.filter((m) => m.type === "task.remind");
    expect(reminders.length).toBeGreaterThanOrEqual(1000);
    // The queue hands the consumer batches of at most 50 (max_batch_size in wrangler.toml).
    for (let start = 0; start < reminders.length; start += 50) {
      const result = await deliverJobs(reminders.slice(start, start + 50));
      expect(result.retryMessages).toEqual([]);
    }
    const elapsed = performance.now() - started;
    console.log(`1,000 due reminders dispatched (scan + consume) in ${(elapsed / 1000).toFixed(2)} s`);
    expect(await notificationsOf(owner, "task.reminder")).toBe(1000);
    expect(await outboxOf(owner, "task.reminder")).toBe(1000);
    expect(elapsed).toBeLessThan(60_000);
  }, 120_000);
});

describe("the morning digest", () => {
  const zones = ["Europe/Vilnius", "Europe/Ljubljana", "Europe/Moscow"] as const;
  // 08:00 local in UTC hours: EU summer time starts 2026-03-29 and ends 2026-10-25 at 01:00 UTC;
  // Moscow keeps +03:00 all year.
  const expectedUtcHour: Record<string, Record<(typeof zones)[number], number>> = {
    "2026-03-28": { "Europe/Vilnius": 6, "Europe/Ljubljana": 7, "Europe/Moscow": 5 },
    "2026-03-29": { "Europe/Vilnius": 5, "Europe/Ljubljana": 6, "Europe/Moscow": 5 },
    "2026-03-30": { "Europe/Vilnius": 5, "Europe/Ljubljana": 6, "Europe/Moscow": 5 },
    "2026-10-24": { "Europe/Vilnius": 5, "Europe/Ljubljana": 6, "Europe/Moscow": 5 },
    "2026-10-25": { "Europe/Vilnius": 6, "Europe/Ljubljana": 7, "Europe/Moscow": 5 },
    "2026-10-26": { "Europe/Vilnius": 6, "Europe/Ljubljana": 7, "Europe/Moscow": 5 },
  };
  const people = new Map<string, Account>();

  beforeAll(async () => {
    for (const zone of zones) people.set(zone, await signUp({ time_zone: zone }));
  });

  it("is enqueued once per person, at 08:00 local, on the days either side of both DST changes", async () => {
    const sent = captureJobSends();
    const db = createDatabase(env.DB);
    for (const [date, hours] of Object.entries(expectedUtcHour)) {
      const midnight = Date.parse(`${date}T00:00:00Z`);
      for (let quarter = 0; quarter < 96; quarter++) {
        sent.length = 0;
        const at = midnight + quarter * 15 * minute;
        await enqueueDigests(env, db, at);
        for (const zone of zones) {
          const person = people.get(zone);
          const mine = sent.filter((m) => m.type === "digest.send" && m.user_id === person?.userId);
          const expected = new Date(at).getUTCHours() === hours[zone] && new Date(at).getUTCMinutes() === 0;
          expect(mine, `${zone} at ${new Date(at).toISOString()}`).toEqual(
            expected ? [{ type: "digest.send", workspace_id: person?.workspaceId, user_id: person?.userId, local_date: date }] : [],
          );
        }
      }
    }
  }, 120_000);

  it("lists overdue and today's open tasks in the person's time zone, once, and says nothing when nothing is due", async () => {
    const vilnius = people.get("Europe/Vilnius");
    const moscow = people.get("Europe/Moscow");
    if (!vilnius || !moscow) throw new Error("setup");
    const at = Date.parse("2026-10-25T06:00:00Z"); // 08:00 in Vilnius, the day winter time starts
    await insertTask(vilnius, { title: "Overdue call", dueAt: Date.parse("2026-10-23T09:00:00Z") });
    await insertTask(vilnius, { title: "Late tonight", dueAt: Date.parse("2026-10-25T21:30:00Z") }); // 23:30 local
    await insertTask(vilnius, { title: "Tomorrow early", dueAt: Date.parse("2026-10-25T22:30:00Z") }); // 00:30 on the 26th
    await insertTask(vilnius, { title: "Done already", dueAt: Date.parse("2026-10-24T09:00:00Z"), status: "done" });
    const message: JobMessage = { type: "digest.send", workspace_id: vilnius.workspaceId, user_id: vilnius.userId, local_date: "2026-10-25" };
    await handleJob(env, message, at);
    await handleJob(env, message, at + minute);
    const rows = await env.DB.prepare("SELECT text, data FROM notifications WHERE user_id = ? AND type = 'task.digest'").bind(vilnius.userId).all<{ text: string; data: string }>();
    expect(rows.results).toHaveLength(1);
    expect(rows.results[0]?.text).toBe("Today: 1 overdue, 1 due today");
    expect(JSON.parse(rows.results[0]?.data ?? "{}")).toMatchObject({ local_date: "2026-10-25", overdue: 1, due_today: 1 });
    expect(await outboxOf(vilnius, "task.digest")).toBe(1);

    await handleJob(env, { type: "digest.send", workspace_id: moscow.workspaceId, user_id: moscow.userId, local_date: "2026-10-25" }, at);
    expect(await notificationsOf(moscow, "task.digest")).toBe(0);
  });
});

describe("rotting deals and birthdays", () => {
  it("tells a deal's owner once per idle period", async () => {
    const owner = await signUp();
    const created = await call("POST", "/api/v1/deals", { token: owner.token, body: { title: "Quiet deal", owner_id: owner.userId } });
    expect(created.status, created.text).toBe(201);
    const dealId = field<string>(created.json, "id");
    const stageId = field<string>(created.json, "stage_id");
    const rottingDays = (await env.DB.prepare("SELECT rotting_days AS n FROM stages WHERE id = ?").bind(stageId).first<{ n: number }>())?.n;
    expect(rottingDays).toBe(14);
    const now = Date.now();
    await env.DB.prepare("UPDATE deals SET stage_entered_at = ?, last_activity_at = NULL WHERE id = ?").bind(now - 15 * day, dealId).run();

    const scan = async (at: number) => {
      const sent = captureJobSends();
      await handleJob(env, { type: "deals.rotting_scan", window: new Date(at).toISOString().slice(0, 13) }, at);
      const perStage = sent.filter((m) => m.type === "deals.rotting_scan" && m.stage_id === stageId);
      expect(perStage).toHaveLength(1);
      for (const message of perStage) await handleJob(env, message, at);
      vi.restoreAllMocks();
    };
    const rottingCount = () => notificationsOf(owner, "deal.rotting");

    await scan(now);
    await scan(now + 60 * minute);
    expect(await rottingCount()).toBe(1);
    // An activity starts a new idle period: nothing now, told again once it has rotted again.
    await env.DB.prepare("UPDATE deals SET last_activity_at = ? WHERE id = ?").bind(now + 2 * day, dealId).run();
    await scan(now + 3 * day);
    expect(await rottingCount()).toBe(1);
    await scan(now + 17 * day);
    await scan(now + 18 * day);
    expect(await rottingCount()).toBe(2);
    const link = await env.DB.prepare("SELECT link FROM notifications WHERE user_id = ? AND type = 'deal.rotting' LIMIT 1").bind(owner.userId).first<{ link: string }>();
    expect(link?.link).toBe(`/deals/${dealId}`);
  });

  it("tells a contact's owner on the contact's birthday in the contact's time zone, from 08:00 local, once a year", async () => {
    const owner = await signUp({ time_zone: "Europe/Vilnius" });
    const make = async (body: Record<string, unknown>) => {
      const res = await call("POST", "/api/v1/contacts", { token: owner.token, body: { emails: [`${crypto.randomUUID()}@example.com`], ...body } });
      expect(res.status, res.text).toBe(201);
      return field<string>(res.json, "id");
    };
    const ona = await make({ first_name: "Ona", birthday: "1990-03-29", time_zone: "Europe/Vilnius" });
    const aroha = await make({ first_name: "Aroha", birthday: "1985-03-30", time_zone: "Pacific/Auckland" });
    await make({ first_name: "Jonas", birthday: "1980-07-01" });

    const plan = await env.DB.prepare(
      "EXPLAIN QUERY PLAN SELECT id FROM contacts WHERE birthday IS NOT NULL AND deleted_at IS NULL AND substr(birthday, 6) IN ('03-28', '03-29', '03-30')",
    ).all<{ detail: string }>();
    expect(plan.results.map((r) => r.detail).join(" ")).toContain("contacts_birthday_idx");

    const told = async () =>
      (
        await env.DB.prepare("SELECT data FROM notifications WHERE user_id = ? AND type = 'contact.birthday'").bind(owner.userId).all<{ data: string }>()
      ).results.map((row) => String(JSON.parse(row.data).contact_id));
    const scan = (iso: string) => handleJob(env, { type: "contacts.birthday_scan", window: iso.slice(0, 13) }, Date.parse(iso));

    await scan("2026-03-29T04:00:00Z"); // 07:00 in Vilnius: too early
    expect(await told()).toEqual([]);
    await scan("2026-03-29T05:00:00Z"); // 08:00 in Vilnius (summer time since 01:00 UTC)
    await scan("2026-03-29T12:00:00Z");
    expect(await told()).toEqual([ona]);
    await scan("2026-03-29T20:00:00Z"); // 09:00 on 30 March in Auckland, still the 29th in UTC
    expect((await told()).sort()).toEqual([ona, aroha].sort());
    await scan("2027-03-29T06:00:00Z"); // next year, 09:00 in Vilnius
    expect((await told()).filter((id) => id === ona)).toHaveLength(2);
    expect((await told()).filter((id) => id === aroha)).toHaveLength(1);
  });
});
