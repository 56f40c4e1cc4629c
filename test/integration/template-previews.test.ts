import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { maxLivePreviews } from "../../workers/campaigns/template.service";
import { emailDocumentCsp } from "../../workers/email/email-document";
import { createDatabase } from "../../workers/db/client";
import { purgeExpired } from "../../workers/jobs/maintenance";
import { addMember, call, cookieHeader, expectProblem, field, signUp, type Account } from "../helpers/api";

// The template editor's preview is a document of its own (POST /templates/previews, then the
// iframe loads the returned url) so that the email's inline styles apply: a srcdoc frame would
// inherit the app's CSP (style-src 'self') and show the email unstyled.

const styled = '<p style="color: rgb(200, 0, 0)">Sveiki, {{first_name}}!</p><style>h1 { font-size: 30px }</style>';

async function contact(account: Account, body: Record<string, unknown>) {
  const res = await call("POST", "/api/v1/contacts", { token: account.token, body });
  expect(res.status, res.text).toBe(201);
  return field<string>(res.json, "id");
}

function draft(contactId: string, extra: Record<string, unknown> = {}) {
  return {
    default_language: "en",
    variants: [
      { language: "en", subject: "News for {{first_name}}", html: "<p>Hello {{first_name}}</p>" },
      { language: "lt", subject: "Naujienos, {{first_name}}", html: styled },
    ],
    contact_id: contactId,
    ...extra,
  };
}

async function previewOf(account: Account, body: unknown) {
  const res = await call("POST", "/api/v1/templates/previews", { token: account.token, body });
  expect(res.status, res.text).toBe(201);
  return res.json as { url: string; language: string; subject: string; expires_at: string };
}

const idOf = (url: string) => url.split("/").pop() ?? "";

describe("template preview documents", () => {
  it("render the unsaved draft for a contact and serve it as HTML under its own restrictive CSP", async () => {
    const owner = await signUp();
    const ona = await contact(owner, { first_name: "Ona", emails: ["ona@example.lt"], language: "lt" });
    const before = Date.now();
    const created = await previewOf(owner, draft(ona));
    expect(created).toMatchObject({ language: "lt", subject: "Naujienos, Ona" });
    expect(created.url).toMatch(/^\/api\/v1\/templates\/previews\/tpv_[0-9a-z]{26}$/);
    const expires = Date.parse(created.expires_at) - before;
    expect(expires).toBeGreaterThan(9 * 60_000);
    expect(expires).toBeLessThanOrEqual(10 * 60_000 + 5_000);

    // The browser's iframe navigation carries the session cookie (no CSRF header: a GET).
    const res = await call("GET", created.url, { headers: { cookie: cookieHeader(owner.cookies) } });
    expect(res.status, res.text).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/html; charset=utf-8");
    const csp = res.headers.get("content-security-policy") ?? "";
    expect(csp).toBe(emailDocumentCsp(true));
    expect(csp).toContain("style-src 'unsafe-inline'");
    expect(csp).toContain("default-src 'none'");
    expect(csp).not.toContain("script-src");
    expect(csp.split(";").map((d) => d.trim())).toContain("sandbox");
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
    expect(res.headers.get("referrer-policy")).toBe("no-referrer");
    expect(res.headers.get("x-frame-options")).toBe("SAMEORIGIN");
    expect(res.headers.get("cache-control")).toBe("no-store");
    expect(res.text).toContain('<p style="color: rgb(200, 0, 0)">Sveiki, Ona!</p>');
    expect(res.text).toContain("<style>h1 { font-size: 30px }</style>");
    // The author left out the link: the footer carries a preview unsubscribe link, as in the JSON preview.
    expect(res.text).toMatch(/\/u\/preview\./);

    // The language asked for wins over the contact's; a bearer token works as well as the cookie.
    const en = await previewOf(owner, draft(ona, { language: "en" }));
    expect(en.language).toBe("en");
    expect((await call("GET", en.url, { token: owner.token })).text).toContain("<p>Hello Ona</p>");

    // The rest of the API keeps its blanket policy.
    expect((await call("GET", "/api/v1/templates", { token: owner.token })).headers.get("x-frame-options")).toBe("DENY");
  });

  it("is refused without credentials, hidden from other workspaces, readable by viewers, and gone after 10 minutes", async () => {
    const owner = await signUp();
    const ona = await contact(owner, { first_name: "Ona", emails: ["ona@example.lt"], language: "lt" });
    const created = await previewOf(owner, draft(ona));

    expectProblem(await call("GET", created.url), 401);
    const stranger = await signUp({ workspace_name: "Elsewhere" });
    const leak = await call("GET", created.url, { token: stranger.token });
    expectProblem(leak, 404);
    expect(leak.text).not.toContain("Sveiki");
    // Nor can another workspace preview with this workspace's contact.
    expectProblem(await call("POST", "/api/v1/templates/previews", { token: stranger.token, body: draft(ona) }), 422, "validation_failed");

    const viewer = await addMember(owner, "viewer");
    const mine = await previewOf(viewer, draft(ona));
    expect((await call("GET", mine.url, { token: viewer.token })).status).toBe(200);
    expect((await call("GET", created.url, { token: viewer.token })).status).toBe(200);

    await env.DB.prepare("UPDATE template_previews SET expires_at = ? WHERE id = ?").bind(Date.now() - 1, idOf(created.url)).run();
    expectProblem(await call("GET", created.url, { token: owner.token }), 410, "preview_expired");
    // The workspace's next preview clears its expired ones; the nightly purge clears the rest.
    await previewOf(owner, draft(ona));
    const left = async (id: string) => (await env.DB.prepare("SELECT COUNT(*) AS n FROM template_previews WHERE id = ?").bind(id).first<{ n: number }>())?.n;
    expect(await left(idOf(created.url))).toBe(0);
    await env.DB.prepare("UPDATE template_previews SET expires_at = ? WHERE id = ?").bind(Date.now() - 1, idOf(mine.url)).run();
    await purgeExpired(createDatabase(env.DB), Date.now());
    expect(await left(idOf(mine.url))).toBe(0);
  });

  it("checks the draft like a save: pointers into the variants, an unknown contact, unknown fields", async () => {
    const owner = await signUp();
    const ona = await contact(owner, { first_name: "Ona", emails: ["ona@example.lt"] });
    const bad = await call("POST", "/api/v1/templates/previews", {
      token: owner.token,
      body: { ...draft(ona), variants: [{ language: "en", subject: "Hi", html: "<p>ok</p>" }, { language: "lt", subject: "Labas", html: "<p>{{frist_name}}</p>" }] },
    });
    const problem = expectProblem(bad, 422, "validation_failed");
    expect(JSON.stringify(problem.errors)).toContain("/variants/1/html");
    const unknown = expectProblem(await call("POST", "/api/v1/templates/previews", { token: owner.token, body: draft("con_01jd0000000000000000000000") }), 422);
    expect(JSON.stringify(unknown.errors)).toContain("/contact_id");
    expectProblem(await call("POST", "/api/v1/templates/previews", { token: owner.token, body: { ...draft(ona), name: "extra" } }), 422);
    expectProblem(await call("GET", "/api/v1/templates/previews/tpv_01jd0000000000000000000000", { token: owner.token }), 404);
  });

  it("keep at most the newest 50 per workspace, however fast they are asked for", async () => {
    const owner = await signUp();
    const ona = await contact(owner, { first_name: "Ona", emails: ["ona@example.lt"] });
    const first = await previewOf(owner, draft(ona));
    for (let i = 0; i < maxLivePreviews; i += 1) await previewOf(owner, draft(ona));
    const live = await env.DB.prepare("SELECT COUNT(*) AS n FROM template_previews WHERE workspace_id = ?").bind(owner.workspaceId).first<{ n: number }>();
    expect(live?.n).toBe(maxLivePreviews);
    expect((await call("GET", first.url, { token: owner.token })).status).toBe(404);
  });

  it("go with their workspace when it is deleted", async () => {
    const owner = await signUp({ workspace_name: "Doomed previews" });
    const ona = await contact(owner, { first_name: "Ona", emails: ["ona@example.lt"] });
    const created = await previewOf(owner, draft(ona));
    const count = async () => (await env.DB.prepare("SELECT COUNT(*) AS n FROM template_previews WHERE workspace_id = ?").bind(owner.workspaceId).first<{ n: number }>())?.n;
    expect(await count()).toBe(1);
    const res = await call("DELETE", "/api/v1/workspace?confirm=Doomed%20previews", { token: owner.token });
    expect(res.status, res.text).toBe(204);
    expect(await count()).toBe(0);
    expect((await call("GET", created.url, { token: owner.token })).status).toBe(401);
  });
});
