import { env, exports } from "cloudflare:workers";
import { describe, expect, it, vi } from "vitest";
import { createDatabase } from "../../workers/db/client";
import { notificationTypes, type NotificationType } from "../../workers/db/schema";
import { emailDocumentCsp } from "../../workers/email/email-document";
import { OutboxTransport } from "../../workers/email/outbox-transport";
import { notifyUser } from "../../workers/notifications/notify";
import type { NotificationMessage } from "../../workers/notifications/wording";
import { addMember, call, createApiKey, expectProblem, field, signUp, type Account } from "../helpers/api";

type NotificationJson = { id: string; type: string; text: string; link: string | null; data: Record<string, unknown>; created_at: string; read_at: string | null };
type Page = { data: NotificationJson[]; next_cursor: string | null; unread_count: number };

let keyCounter = 0;
// A message of each type; `title` names it (a task, deal or contact) so the rendered text can be checked.
function messageOf(type: NotificationType, title: string): NotificationMessage {
  switch (type) {
    case "task.reminder":
      return { type, title, dueAt: Date.now() };
    case "task.assigned":
      return { type, title, dueAt: null, byName: "Ona" };
    case "task.digest":
      return { type, localDate: "2026-01-15", overdue: 0, dueToday: 1, capped: false, tasks: [{ title, dueAt: Date.now() }], more: 0 };
    case "deal.rotting":
      return { type, title, stageName: "Qualified", idleDays: 15 };
    case "contact.birthday":
      return { type, name: title };
    case "lead.assigned":
      return { type, name: title, formName: "Demo request" };
    case "quality.digest":
      return { type, score: 80, previousScore: 75, ownFindings: 3 };
    case "import.finished":
      return { type, fileName: `${title}.csv`, created: 1, updated: 0, invalid: 0, dryRun: false };
  }
}

async function tell(account: Account, options: { type?: NotificationType; title?: string; dedupeKey?: string } = {}) {
  keyCounter += 1;
  return notifyUser(env, createDatabase(env.DB), {
    workspaceId: account.workspaceId,
    userId: account.userId,
    message: messageOf(options.type ?? "task.reminder", options.title ?? `Task ${keyCounter}`),
    dedupeKey: options.dedupeKey ?? `test:${keyCounter}`,
    link: "/tasks",
    data: { n: keyCounter },
    now: Date.now(),
  });
}

async function list(account: Account, query = "") {
  const res = await call("GET", `/api/v1/notifications${query}`, { token: account.token });
  expect(res.status, res.text).toBe(200);
  return field<Page>(res.json);
}

const outboxCount = async (workspaceId: string) =>
  (await env.DB.prepare("SELECT COUNT(*) AS n FROM email_outbox WHERE workspace_id = ?").bind(workspaceId).first<{ n: number }>())?.n ?? 0;

async function openSocket(account: Account) {
  const res = await exports.default.fetch("http://localhost/api/v1/live", { headers: { upgrade: "websocket", authorization: `Bearer ${account.token}` } });
  const socket = res.webSocket;
  if (!socket) throw new Error(`no socket: ${res.status}`);
  const frames: { type: string; id?: string; data?: NotificationJson; seq?: number; ids?: string[] | null; unread_count?: number }[] = [];
  socket.addEventListener("message", (event) => {
    frames.push(JSON.parse(String(event.data)));
  });
  socket.accept();
  await vi.waitFor(() => expect(frames[0]?.type).toBe("hello"));
  return { socket, frames };
}

describe("notifications", () => {
  it("lists only the caller's own notifications, newest first, with cursor pages and the unread count", async () => {
    const owner = await signUp();
    const member = await addMember(owner, "member");
    const mine = [];
    for (let i = 0; i < 3; i++) mine.push((await tell(owner, { title: `Mine ${i}` })).notificationId);
    const theirs = (await tell(member, { title: "Theirs" })).notificationId;

    const page = await list(owner, "?limit=2");
    expect(page.data.map((n) => n.text)).toEqual(["Reminder: Mine 2", "Reminder: Mine 1"]);
    expect(page.unread_count).toBe(3);
    expect(page.data[0]).toMatchObject({ type: "task.reminder", link: "/tasks", read_at: null });
    const rest = await list(owner, `?limit=2&cursor=${page.next_cursor}`);
    expect(rest.data.map((n) => n.text)).toEqual(["Reminder: Mine 0"]);
    expect(rest.next_cursor).toBeNull();

    const other = await list(member);
    expect(other.data.map((n) => n.id)).toEqual([theirs]);
    expect(other.unread_count).toBe(1);
    // Another workspace sees nothing of either.
    expect((await list(await signUp())).data).toEqual([]);
    expect(mine).toHaveLength(3);
  });

  it("marks read by ids (ignoring other people's) or all, and filters unread", async () => {
    const owner = await signUp();
    const member = await addMember(owner, "member");
    const a = (await tell(owner)).notificationId;
    await tell(owner);
    const theirs = (await tell(member)).notificationId;

    const byIds = await call("POST", "/api/v1/notifications/read", { token: owner.token, body: { ids: [a, theirs] } });
    expect(byIds.status, byIds.text).toBe(200);
    expect(byIds.json).toEqual({ unread_count: 1 });
    expect((await list(member)).unread_count).toBe(1);
    const unread = await list(owner, "?unread=true");
    expect(unread.data.map((n) => n.id)).not.toContain(a);
    expect(unread.data).toHaveLength(1);
    expect((await list(owner)).data.find((n) => n.id === a)?.read_at).not.toBeNull();

    const all = await call("POST", "/api/v1/notifications/read", { token: owner.token, body: { all: true } });
    expect(all.json).toEqual({ unread_count: 0 });
    expect((await list(owner, "?unread=true")).data).toEqual([]);
    expect((await list(member)).unread_count).toBe(1);

    expectProblem(await call("POST", "/api/v1/notifications/read", { token: owner.token, body: { ids: [], all: true } }), 422);
    expectProblem(await call("POST", "/api/v1/notifications/read", { token: owner.token, body: { all: false } }), 422);
  });

  it("reads the list and the unread count through the user's indexes", async () => {
    const plan = async (query: string) =>
      (await env.DB.prepare(`EXPLAIN QUERY PLAN ${query}`).bind("ws_x", "usr_x").all<{ detail: string }>()).results.map((r) => r.detail).join(" | ");
    expect(await plan("SELECT * FROM notifications WHERE workspace_id = ? AND user_id = ? ORDER BY id DESC LIMIT 51")).toContain("notifications_user_idx");
    expect(await plan("SELECT * FROM notifications WHERE workspace_id = ? AND user_id = ? AND read_at IS NULL ORDER BY id DESC LIMIT 51")).toContain(
      "notifications_unread_idx",
    );
    expect(await plan("SELECT count(*) FROM (SELECT 1 FROM notifications WHERE workspace_id = ? AND user_id = ? AND read_at IS NULL LIMIT 1000)")).toContain(
      "notifications_unread_idx",
    );
  });

  it("is idempotent per dedupe key: one row, one email", async () => {
    const owner = await signUp();
    await tell(owner, { dedupeKey: "same" });
    await tell(owner, { dedupeKey: "same" });
    expect((await list(owner)).data).toHaveLength(1);
    expect(await outboxCount(owner.workspaceId)).toBe(1);
  });

  it("has preferences with defaults, honours email=false and in_app=false", async () => {
    const owner = await signUp();
    const defaults = await call("GET", "/api/v1/notifications/preferences", { token: owner.token });
    expect(defaults.status).toBe(200);
    const prefs = field<{ type: string; in_app: boolean; email: boolean }[]>(defaults.json, "data");
    expect(prefs.find((p) => p.type === "task.reminder")).toEqual({ type: "task.reminder", in_app: true, email: true });
    expect(prefs.find((p) => p.type === "task.digest")).toEqual({ type: "task.digest", in_app: true, email: true });
    expect(prefs.find((p) => p.type === "deal.rotting")).toEqual({ type: "deal.rotting", in_app: true, email: false });
    expect(prefs).toHaveLength(notificationTypes.length);

    const put = await call("PUT", "/api/v1/notifications/preferences", {
      token: owner.token,
      body: { data: [{ type: "task.reminder", in_app: true, email: false }, { type: "contact.birthday", in_app: false, email: false }] },
    });
    expect(put.status, put.text).toBe(200);
    const after = field<{ type: string; in_app: boolean; email: boolean }[]>(put.json, "data");
    expect(after.find((p) => p.type === "task.reminder")?.email).toBe(false);
    expect(after.find((p) => p.type === "task.digest")?.email).toBe(true);

    await tell(owner, { type: "task.reminder" });
    expect((await list(owner)).data).toHaveLength(1);
    expect(await outboxCount(owner.workspaceId)).toBe(0);
    await tell(owner, { type: "contact.birthday" });
    expect((await list(owner)).data).toHaveLength(1);

    // Back to the default: the stored row goes, the default applies again.
    await call("PUT", "/api/v1/notifications/preferences", { token: owner.token, body: { data: [{ type: "task.reminder", in_app: true, email: true }] } });
    await tell(owner, { type: "task.reminder" });
    expect(await outboxCount(owner.workspaceId)).toBe(1);

    expectProblem(await call("PUT", "/api/v1/notifications/preferences", { token: owner.token, body: { data: [{ type: "nope", in_app: true, email: true }] } }), 422);
    expectProblem(
      await call("PUT", "/api/v1/notifications/preferences", {
        token: owner.token,
        body: { data: [{ type: "task.reminder", in_app: true, email: true }, { type: "task.reminder", in_app: false, email: true }] },
      }),
      422,
    );
  });

  it("tells nobody who is not a member of the workspace", async () => {
    const owner = await signUp();
    const stranger = await signUp();
    const result = await notifyUser(env, createDatabase(env.DB), {
      workspaceId: owner.workspaceId,
      userId: stranger.userId,
      message: { type: "task.reminder", title: "Not for you", dueAt: Date.now() },
      dedupeKey: "x",
      link: null,
      data: {},
      now: Date.now(),
    });
    expect(result.notificationId).toBeNull();
    expect(await outboxCount(owner.workspaceId)).toBe(0);
  });

  it("needs a signed-in person: API keys and anonymous callers are refused", async () => {
    const owner = await signUp();
    const key = await createApiKey(owner, "admin");
    expectProblem(await call("GET", "/api/v1/notifications", { token: key.key }), 403);
    expectProblem(await call("GET", "/api/v1/notifications"), 401);
  });

  it("pushes a new notification live to the target person's sockets only, once", async () => {
    const owner = await signUp();
    const member = await addMember(owner, "member");
    const ownerSocket = await openSocket(owner);
    const memberSocket = await openSocket(member);
    const { notificationId } = await tell(owner, { dedupeKey: "live", title: "Live one" });
    await vi.waitFor(() => expect(ownerSocket.frames.filter((f) => f.type === "notification")).toHaveLength(1));
    const frame = ownerSocket.frames.find((f) => f.type === "notification");
    expect(frame?.id).toBe(notificationId);
    expect(frame?.data).toMatchObject({ id: notificationId, text: "Reminder: Live one", type: "task.reminder", read_at: null });
    await tell(owner, { dedupeKey: "live", title: "Live one" });
    // A frame the member should not get would arrive with the owner's; give both a moment.
    await call("PATCH", "/api/v1/workspace", { token: owner.token, body: { name: "Flush" } });
    await vi.waitFor(() => expect(memberSocket.frames.some((f) => f.type === "workspace.updated")).toBe(true));
    expect(memberSocket.frames.filter((f) => f.type === "notification")).toEqual([]);
    expect(ownerSocket.frames.filter((f) => f.type === "notification")).toHaveLength(1);
    ownerSocket.socket.close();
    memberSocket.socket.close();
  });

  it("tells the person's other tabs what was read and the new count, and nobody else", async () => {
    const owner = await signUp();
    const member = await addMember(owner, "member");
    const a = (await tell(owner)).notificationId;
    await tell(owner);
    await tell(member);
    const firstTab = await openSocket(owner);
    const secondTab = await openSocket(owner);
    const memberSocket = await openSocket(member);
    const reads = (frames: typeof firstTab.frames) => frames.filter((f) => f.type === "notifications.read");

    const byIds = await call("POST", "/api/v1/notifications/read", { token: owner.token, body: { ids: [a] } });
    expect(byIds.json).toEqual({ unread_count: 1 });
    await vi.waitFor(() => expect(reads(secondTab.frames)).toHaveLength(1));
    expect(reads(secondTab.frames)[0]).toMatchObject({ ids: [a], unread_count: 1 });
    // Every tab of the person gets it: the hub cannot tell which one asked.
    await vi.waitFor(() => expect(reads(firstTab.frames)).toHaveLength(1));

    const all = await call("POST", "/api/v1/notifications/read", { token: owner.token, body: { all: true } });
    expect(all.json).toEqual({ unread_count: 0 });
    await vi.waitFor(() => expect(reads(secondTab.frames)).toHaveLength(2));
    expect(reads(secondTab.frames)[1]).toMatchObject({ ids: null, unread_count: 0 });

    // A frame the member should not get would arrive with the owner's; flush with a broadcast.
    await call("PATCH", "/api/v1/workspace", { token: owner.token, body: { name: "Flush" } });
    await vi.waitFor(() => expect(memberSocket.frames.some((f) => f.type === "workspace.updated")).toBe(true));
    expect(reads(memberSocket.frames)).toEqual([]);
    // The read frames took no workspace seq: the next event follows hello's directly (no gap for anyone).
    const hello = secondTab.frames[0]?.seq ?? -1;
    expect(reads(secondTab.frames).map((f) => f.seq)).toEqual([hello, hello]);
    await vi.waitFor(() => expect(secondTab.frames.find((f) => f.type === "workspace.updated")?.seq).toBe(hello + 1));
    expect((await list(member)).unread_count).toBe(1);
    for (const open of [firstTab, secondTab, memberSocket]) open.socket.close();
  });
});

describe("the outbox", () => {
  it("is readable by admins and the owner only, scoped to the workspace", async () => {
    const owner = await signUp();
    const admin = await addMember(owner, "admin");
    const member = await addMember(owner, "member");
    await tell(member, { title: "Due soon" });
    const page = await call("GET", "/api/v1/outbox", { token: owner.token });
    expect(page.status, page.text).toBe(200);
    const emails = field<{ id: string; to_address: string; from_address: string; kind: string; status: string; headers: Record<string, string> }[]>(page.json, "data");
    expect(emails).toHaveLength(1);
    expect(emails[0]).toMatchObject({ to_address: member.email, from_address: "Rapport <no-reply@rapport.localhost>", kind: "task.reminder", status: "stored" });
    expect(emails[0]?.headers["Auto-Submitted"]).toBe("auto-generated");
    const id = emails[0]?.id ?? "";

    expect((await call("GET", `/api/v1/outbox/${id}`, { token: admin.token })).status).toBe(200);
    expectProblem(await call("GET", "/api/v1/outbox", { token: member.token }), 403);
    expectProblem(await call("GET", `/api/v1/outbox/${id}`, { token: member.token }), 403);
    const other = await signUp();
    expectProblem(await call("GET", `/api/v1/outbox/${id}`, { token: other.token }), 404);
    expect(field<unknown[]>((await call("GET", "/api/v1/outbox", { token: other.token })).json, "data")).toEqual([]);
  });

  it("serves an email's HTML part as its own document: inline styles allowed, scripts and remote images not, admins only", async () => {
    const owner = await signUp();
    const member = await addMember(owner, "member");
    const body = '<p style="color: rgb(200, 0, 0)">Labas</p><img src="https://tracker.example/p.gif">';
    // A browser would follow a meta refresh (CSP cannot stop it); mail clients ignore it.
    const html = `<head><META HTTP-EQUIV='Refresh' content="0;url=https://evil.example/"></head>${body}`;
    const transport = new OutboxTransport(createDatabase(env.DB));
    await transport.send({ workspaceId: owner.workspaceId, dedupeKey: "html-doc", kind: "campaign", from: "A <a@example.lt>", to: "b@example.lt", toName: null, subject: "S", text: "Labas", html });
    await transport.send({ workspaceId: owner.workspaceId, dedupeKey: "text-only", kind: "campaign", from: "A <a@example.lt>", to: "b@example.lt", toName: null, subject: "T", text: "Only text" });
    const emails = field<{ id: string; subject: string }[]>((await call("GET", "/api/v1/outbox", { token: owner.token })).json, "data");
    const withHtml = emails.find((e) => e.subject === "S")?.id ?? "";
    const textOnly = emails.find((e) => e.subject === "T")?.id ?? "";

    const document = await call("GET", `/api/v1/outbox/${withHtml}/html`, { token: owner.token });
    expect(document.status).toBe(200);
    expect(document.text).toBe(`<head></head>${body}`);
    expect(document.headers.get("content-type")).toBe("text/html; charset=utf-8");
    const csp = document.headers.get("content-security-policy") ?? "";
    expect(csp).toBe(emailDocumentCsp(false));
    expect(csp).toContain("style-src 'unsafe-inline'");
    expect(csp).toContain("img-src data:;");
    expect(csp).toContain("sandbox");
    expect(document.headers.get("x-frame-options")).toBe("SAMEORIGIN");
    expectProblem(await call("GET", `/api/v1/outbox/${textOnly}/html`, { token: owner.token }), 404);
    expectProblem(await call("GET", `/api/v1/outbox/${withHtml}/html`, { token: member.token }), 403);
    expectProblem(await call("GET", `/api/v1/outbox/${withHtml}/html`, { token: (await signUp()).token }), 404);
    expectProblem(await call("GET", `/api/v1/outbox/${withHtml}/html`), 401);
  });
});
