import { env, exports } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { signClickLink, signLink } from "../../workers/campaigns/link-token";
import { decodeEntities } from "../../workers/campaigns/html-to-text";
import type { JobMessage } from "../../workers/jobs/messages";
import { call, expectProblem, field, signUp, type Account } from "../helpers/api";
import { captureJobSends, deliverJobs, runScheduled } from "../helpers/queue";

// Open and click tracking end to end inside workerd: a campaign with tracking_enabled is sent
// through the outbox transport (API → materialise → tick → consumer), its email's links are
// signed redirects and it carries the open pixel; following a link redirects to the real URL and
// counts the recipient once however often; a forged link is refused; the pixel is a GIF whatever
// the token; and a campaign without tracking sends the links as written, with no pixel.

let sequence = 0;
const nextId = (prefix: string) => `${prefix}_tt${Date.now().toString(36)}${String((sequence += 1)).padStart(8, "0")}`;

afterEach(() => {
  vi.restoreAllMocks();
});

async function drain(sent: JobMessage[], campaignId: string) {
  for (let round = 0; round < 10; round++) {
    const mine = sent.filter((m) => "campaign_id" in m && m.campaign_id === campaignId);
    if (mine.length === 0) return;
    for (const m of mine) sent.splice(sent.indexOf(m), 1);
    await deliverJobs(mine);
  }
}

const sale = "https://shop.example.lt/sale?a=1&b=2";
const html = `<html><body><p>Labas, {{first_name}}!</p><p><a href="https://shop.example.lt/sale?a=1&amp;b=2">Išpardavimas</a> · <a href="https://example.com/about">About</a> · <a href="mailto:info@example.lt">Rašykite</a></p><p><a href="{{unsubscribe_url}}">Atsisakyti</a></p></body></html>`;

async function sentCampaign(owner: Account, trackingEnabled: boolean, people: string[]) {
  const sent = captureJobSends();
  const now = Date.now();
  for (const [i, email] of people.entries()) {
    await env.DB.prepare(
      "INSERT INTO contacts (id, workspace_id, search_rowid, first_name, name_sort, primary_email, lifecycle_stage, city, language, consent_status, created_at, updated_at) VALUES (?, ?, ?, 'Ona', 'ona', ?, 'customer', 'Vilnius', 'lt', 'granted', ?, ?)",
    )
      .bind(nextId("con"), owner.workspaceId, Math.floor(Math.random() * 1e12), email, now + i, now + i)
      .run();
  }
  const segmentId = nextId("seg");
  await env.DB.prepare("INSERT INTO segments (id, workspace_id, name, filter, created_at, updated_at) VALUES (?, ?, 'Vilnius', ?, ?, ?)")
    .bind(segmentId, owner.workspaceId, JSON.stringify({ op: "and", conditions: [{ field: "city", op: "in", value: ["Vilnius"] }] }), now, now)
    .run();
  const templateId = nextId("tpl");
  await env.DB.prepare("INSERT INTO email_templates (id, workspace_id, name, default_language, created_at, updated_at) VALUES (?, ?, 'News', 'lt', ?, ?)").bind(templateId, owner.workspaceId, now, now).run();
  await env.DB.prepare("INSERT INTO email_template_variants (template_id, language, subject, html) VALUES (?, 'lt', 'Naujienos', ?)").bind(templateId, html).run();
  const created = await call("POST", "/api/v1/campaigns", {
    token: owner.token,
    body: { name: "Tracked", from_name: "Acme", from_address: "news@acme.lt", segment_id: segmentId, template_id: templateId, tracking_enabled: trackingEnabled },
  });
  expect(created.status, created.text).toBe(201);
  const id = field<string>(created.json, "id");
  expect(field(created.json, "tracking_enabled")).toBe(trackingEnabled);
  expect(field(created.json, "counts")).toMatchObject({ opened: 0, clicked: 0 });
  expect((await call("POST", `/api/v1/campaigns/${id}/schedule`, { token: owner.token, body: { mode: "now" } })).status).toBe(200);
  await drain(sent, id);
  await runScheduled(Date.now());
  await drain(sent, id);
  const emails = (
    await env.DB.prepare("SELECT to_address, html, text FROM email_outbox WHERE workspace_id = ? AND kind = 'campaign' ORDER BY to_address").bind(owner.workspaceId).all<{ to_address: string; html: string; text: string }>()
  ).results;
  expect(emails.map((e) => e.to_address)).toEqual([...people].sort());
  return { id, emails };
}

/** A public /t request as a mail reader's browser makes it: no session, redirects not followed. */
async function visit(path: string, method = "GET", headers: Record<string, string> = {}) {
  const response = await exports.default.fetch(new Request(`http://localhost${path}`, { method, headers, redirect: "manual" }));
  const bytes = new Uint8Array(await response.arrayBuffer());
  return { status: response.status, headers: response.headers, bytes, text: new TextDecoder().decode(bytes) };
}

const linksIn = (body: string) => [...body.matchAll(/<a\b[^>]*\shref="([^"]*)"/g)].map((m) => decodeEntities(m[1] ?? ""));
const pathOf = (url: string) => new URL(url).pathname;

async function campaignCounts(owner: Account, id: string) {
  const res = await call("GET", `/api/v1/campaigns/${id}`, { token: owner.token });
  expect(res.status).toBe(200);
  return field<Record<string, number>>(res.json, "counts");
}

describe("open and click tracking", () => {
  it("a tracked campaign's links redirect to the real URL and count each recipient once; forged links are refused; the pixel is always a GIF", async () => {
    const owner = await signUp();
    const { id, emails } = await sentCampaign(owner, true, ["ona.clicks@example.lt", "ona.opens@example.lt"]);
    const [clicker, opener] = emails;
    if (!clicker || !opener) throw new Error("two emails expected");

    const links = linksIn(clicker.html);
    // Two tracked links; mailto and the unsubscribe link stay as written.
    const tracked = links.filter((link) => link.startsWith("http://localhost/t/c/"));
    expect(tracked).toHaveLength(2);
    expect(links).toContain("mailto:info@example.lt");
    expect(links.some((link) => /^http:\/\/localhost\/u\/rcp_/.test(link))).toBe(true);
    expect(clicker.html).not.toContain("shop.example.lt");
    // The plain-text part keeps the real addresses.
    expect(clicker.text).toContain(sale);
    const pixel = /<img src="(http:\/\/localhost\/t\/o\/[^"]+\.gif)" width="1" height="1" alt=""><\/body>/.exec(clicker.html)?.[1];
    expect(pixel).toBeDefined();

    // HEAD (a link checker) redirects but counts nothing.
    const head = await visit(pathOf(tracked[0] ?? ""), "HEAD");
    expect(head.status).toBe(302);
    expect(await campaignCounts(owner, id)).toMatchObject({ opened: 0, clicked: 0 });

    // Following the sale link three times: 302 to the exact URL, counted once.
    for (let i = 0; i < 3; i++) {
      const res = await visit(pathOf(tracked[0] ?? ""));
      expect(res.status).toBe(302);
      expect(res.headers.get("location")).toBe(sale);
      expect(res.headers.get("cache-control")).toBe("no-store");
      expect(res.headers.get("referrer-policy")).toBe("no-referrer");
    }
    expect((await visit(pathOf(tracked[1] ?? ""))).headers.get("location")).toBe("https://example.com/about");
    // Robots that announce themselves are sent on but not counted.
    expect((await visit(pathOf(tracked[1] ?? ""), "GET", { "user-agent": "Barracuda Sentinel (EE)" })).status).toBe(302);
    // A click is an open too, even with images blocked.
    expect(await campaignCounts(owner, id)).toMatchObject({ sent: 2, opened: 1, clicked: 1 });

    // The other recipient only opens, twice.
    const openerPixel = /<img src="(http:\/\/localhost\/t\/o\/[^"]+\.gif)"/.exec(opener.html)?.[1] ?? "";
    for (let i = 0; i < 2; i++) {
      const res = await visit(pathOf(openerPixel));
      expect(res.status).toBe(200);
      expect(res.headers.get("content-type")).toBe("image/gif");
      expect(res.headers.get("cache-control")).toBe("no-store");
      expect(res.bytes.length).toBe(43);
      expect(res.text.slice(0, 6)).toBe("GIF89a");
    }
    expect((await visit(pathOf(pixel ?? ""))).status).toBe(200);
    expect(await campaignCounts(owner, id)).toMatchObject({ sent: 2, opened: 2, clicked: 1 });

    // Forged and mangled click links: refused with a problem, nothing counted, no redirect anywhere.
    const clickerId = /\/t\/c\/(rcp_[a-z0-9]+)\./.exec(tracked[0] ?? "")?.[1] ?? "";
    const evil = btoa("https://evil.example/").replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");
    const [, , mac] = (tracked[0] ?? "").slice("http://localhost/t/c/".length).split(".");
    const otherSecret = await signClickLink("another-secret-with-at-least-32-characters", clickerId, "https://evil.example/");
    for (const bad of [`${clickerId}.${evil}.${mac}`, `${pathOf(tracked[0] ?? "").slice(5, -3)}`, otherSecret, await signLink(env.JWT_SECRET, "click", clickerId), "nonsense", "x".repeat(4000)]) {
      const res = await call("GET", `/t/c/${bad}`);
      expect((await visit(`/t/c/${bad}`)).headers.get("location")).toBeNull();
      expectProblem(res, 404);
      expect(field(res.json, "code")).toBe("invalid_link");
    }
    // A forged pixel is still a GIF (an image loader learns nothing) and records nothing.
    const forgedOpen = await visit(`/t/o/${await signLink(env.JWT_SECRET, "unsubscribe", clickerId)}.gif`);
    expect(forgedOpen.status).toBe(200);
    expect(forgedOpen.headers.get("content-type")).toBe("image/gif");
    expect((await visit("/t/o/nonsense.gif")).bytes.length).toBe(43);
    expect(await campaignCounts(owner, id)).toMatchObject({ opened: 2, clicked: 1 });

    // A database failure while recording still sends the reader on.
    vi.spyOn(env.DB, "batch").mockRejectedValueOnce(new Error("D1 is down"));
    vi.spyOn(console, "error").mockImplementation(() => undefined);
    const whileDown = await visit(pathOf(tracked[1] ?? ""));
    expect(whileDown.status).toBe(302);
    expect(whileDown.headers.get("location")).toBe("https://example.com/about");

    // The report: recipients with their first open and click, and the links by recipients.
    const recipients = await call("GET", `/api/v1/campaigns/${id}/recipients`, { token: owner.token });
    const rows = field<{ email: string; opened_at: string | null; clicked_at: string | null }[]>(recipients.json, "data");
    const byEmail = new Map(rows.map((row) => [row.email, row]));
    expect(byEmail.get(clicker.to_address)).toMatchObject({ opened_at: expect.any(String), clicked_at: expect.any(String) });
    expect(byEmail.get(opener.to_address)).toMatchObject({ opened_at: expect.any(String), clicked_at: null });
    const report = await call("GET", `/api/v1/campaigns/${id}/links`, { token: owner.token });
    expect(report.status).toBe(200);
    expect(field(report.json, "data")).toEqual([
      { url: sale, recipients: 1, clicks: 3 },
      { url: "https://example.com/about", recipients: 1, clicks: 1 },
    ]);
    expectProblem(await call("GET", `/api/v1/campaigns/${id}/links?limit=0`, { token: owner.token }), 422);
    const stranger = await signUp();
    expectProblem(await call("GET", `/api/v1/campaigns/${id}/links`, { token: stranger.token }), 404);
  });

  it("a campaign without tracking (the default) sends the links as written and no pixel", async () => {
    const owner = await signUp();
    const { id, emails } = await sentCampaign(owner, false, ["ona.private@example.lt"]);
    const [email] = emails;
    expect(email?.html).not.toContain("/t/");
    expect(email?.html).not.toContain("<img");
    expect(linksIn(email?.html ?? "")).toContain(sale);
    expect(await campaignCounts(owner, id)).toMatchObject({ sent: 1, opened: 0, clicked: 0 });
    expect(field((await call("GET", `/api/v1/campaigns/${id}/links`, { token: owner.token })).json, "data")).toEqual([]);
  });
});
