import { beforeAll, describe, expect, it } from "vitest";
import { addMember, call, expectProblem, field, signUp, type Account } from "../helpers/api";

// Templates API: language versions with merge fields checked at save (422 pointers), rendering
// for a contact in their language, the test send through the transport, If-Match, roles and
// workspace isolation.

let owner: Account;
let ruta: string;

const body = {
  name: "November newsletter",
  default_language: "en",
  variants: [
    { language: "en", subject: "News for {{first_name | default: \"you\"}}", html: "<p>Hello {{first_name}} from {{company | default: \"us\"}}</p><p><a href=\"{{unsubscribe_url}}\">Unsubscribe</a></p>" },
    { language: "lt", subject: "Naujienos, {{first_name}}! Ąčęėįšųūž", html: "<h1>Labas, {{full_name}}</h1><p>Vadybininkas: {{owner_name}}</p>" },
  ],
};

beforeAll(async () => {
  owner = await signUp();
  const company = await call("POST", "/api/v1/companies", { token: owner.token, body: { name: "UAB <Ąžuolas>" } });
  const created = await call("POST", "/api/v1/contacts", {
    token: owner.token,
    body: { first_name: "Rūta", last_name: "Žemaitė", emails: ["ruta@example.lt"], language: "lt", company_id: field<string>(company.json, "id") },
  });
  if (created.status !== 201) throw new Error(created.text);
  ruta = field<string>(created.json, "id");
});

async function createTemplate(token = owner.token) {
  const res = await call("POST", "/api/v1/templates", { token, body });
  if (res.status !== 201) throw new Error(`${res.status} ${res.text}`);
  return field<string>(res.json, "id");
}

describe("templates", () => {
  it("saves language versions in a stable order and reads them back", async () => {
    const res = await call("POST", "/api/v1/templates", { token: owner.token, body: { ...body, variants: [...body.variants].reverse() } });
    expect(res.status).toBe(201);
    expect(res.headers.get("etag")).toBe('"1"');
    expect(res.json).toMatchObject({ name: "November newsletter", default_language: "en", version: 1 });
    expect(field<{ language: string; text: string | null }[]>(res.json, "variants").map((v) => [v.language, v.text])).toEqual([
      ["en", null],
      ["lt", null],
    ]);
    const id = field<string>(res.json, "id");
    const got = await call("GET", `/api/v1/templates/${id}`, { token: owner.token });
    expect(got.json).toEqual(res.json);
    const list = await call("GET", "/api/v1/templates", { token: owner.token });
    expect(field<{ id: string }[]>(list.json, "data").map((t) => t.id)).toContain(id);
  });

  it("answers an unknown merge field, a missing default version and a repeated language with 422 pointers", async () => {
    const unknown = await call("POST", "/api/v1/templates", {
      token: owner.token,
      body: { ...body, variants: [body.variants[0], { ...body.variants[1], html: "<p>Labas {{frist_name}}</p>" }] },
    });
    const errors = field<{ pointer: string; detail: string }[]>(expectProblem(unknown, 422), "errors");
    expect(errors).toEqual([expect.objectContaining({ pointer: "/variants/1/html", detail: expect.stringContaining("frist_name") })]);
    const subject = await call("POST", "/api/v1/templates", { token: owner.token, body: { ...body, variants: [{ ...body.variants[0], subject: "Hi {{first_name | upcase}}" }] } });
    expect(field<{ pointer: string }[]>(expectProblem(subject, 422), "errors").map((e) => e.pointer)).toEqual(["/variants/0/subject"]);
    const noDefault = await call("POST", "/api/v1/templates", { token: owner.token, body: { ...body, default_language: "ru" } });
    expect(field<{ pointer: string }[]>(expectProblem(noDefault, 422), "errors").map((e) => e.pointer)).toEqual(["/default_language"]);
    const twice = await call("POST", "/api/v1/templates", { token: owner.token, body: { ...body, variants: [body.variants[0], body.variants[0]] } });
    expect(field<{ pointer: string }[]>(expectProblem(twice, 422), "errors").map((e) => e.pointer)).toEqual(["/variants/1/language"]);
  });

  it("previews for a contact in their language with escaped values, or in the language asked for", async () => {
    const id = await createTemplate();
    const lt = await call("POST", `/api/v1/templates/${id}/preview`, { token: owner.token, body: { contact_id: ruta } });
    expect(lt.status).toBe(200);
    expect(lt.json).toMatchObject({ language: "lt", subject: "Naujienos, Rūta! Ąčęėįšųūž" });
    expect(field<string>(lt.json, "html")).toContain("<h1>Labas, Rūta Žemaitė</h1><p>Vadybininkas: Ona Owner</p>");
    // The author left out the link: the Lithuanian footer carries it, signed as a preview.
    expect(field<string>(lt.json, "html")).toMatch(/Atsisakyti prenumeratos<\/a>/);
    expect(field<string>(lt.json, "text")).toContain("Labas, Rūta Žemaitė");
    const en = await call("POST", `/api/v1/templates/${id}/preview`, { token: owner.token, body: { contact_id: ruta, language: "en" } });
    expect(en.json).toMatchObject({ language: "en", subject: "News for Rūta" });
    expect(field<string>(en.json, "html")).toContain("from UAB &lt;Ąžuolas&gt;");
    const link = /href="(http[^"]+\/u\/[^"]+)"/.exec(field<string>(en.json, "html"))?.[1] ?? "";
    const page = await call("GET", new URL(link).pathname);
    expect(page.status).toBe(200);
    expect(page.text).toContain("Nobody was unsubscribed");
    const unknownContact = await call("POST", `/api/v1/templates/${id}/preview`, { token: owner.token, body: { contact_id: "con_01jd0000000000000000000000" } });
    expect(field<{ pointer: string }[]>(expectProblem(unknownContact, 422), "errors").map((e) => e.pointer)).toEqual(["/contact_id"]);
  });

  it("test-sends the rendered email to the caller through the transport, with the unsubscribe headers", async () => {
    const id = await createTemplate();
    const sent = await call("POST", `/api/v1/templates/${id}/test`, { token: owner.token, body: { language: "lt" } });
    expect(sent.status).toBe(202);
    expect(sent.json).toMatchObject({ to: owner.email, language: "lt" });
    const outbox = await call("GET", "/api/v1/outbox", { token: owner.token });
    const [email] = field<{ kind: string; to_address: string; subject: string; headers: Record<string, string>; text: string }[]>(outbox.json, "data");
    expect(email).toMatchObject({ kind: "template.test", to_address: owner.email, subject: "[TEST] Naujienos, Ona! Ąčęėįšųūž" });
    expect(email?.headers["List-Unsubscribe-Post"]).toBe("List-Unsubscribe=One-Click");
    expect(email?.headers["List-Unsubscribe"]).toMatch(/^<http:\/\/localhost\/u\/preview\.[A-Za-z0-9_-]+>$/);
    expect(email?.headers["Message-ID"]).toMatch(/^<template-test\.tpl_[a-z0-9]+\.usr_[a-z0-9]+\.\d+@rapport\.localhost>$/);
  });

  it("changes with If-Match (variants replaced, 412 when stale) and deletes", async () => {
    const id = await createTemplate();
    const changed = await call("PATCH", `/api/v1/templates/${id}`, {
      token: owner.token,
      headers: { "if-match": '"1"' },
      body: { default_language: "ru", variants: [{ language: "ru", subject: "Новости для {{first_name}}", html: "<p>Привет</p>", text: "Привет, {{first_name}}" }] },
    });
    expect(changed.status).toBe(200);
    expect(changed.json).toMatchObject({ default_language: "ru", version: 2, variants: [{ language: "ru", text: "Привет, {{first_name}}" }] });
    expectProblem(await call("PATCH", `/api/v1/templates/${id}`, { token: owner.token, headers: { "if-match": '"1"' }, body: { name: "Late" } }), 412);
    const orphanDefault = await call("PATCH", `/api/v1/templates/${id}`, { token: owner.token, body: { default_language: "lv" } });
    expect(field<{ pointer: string }[]>(expectProblem(orphanDefault, 422), "errors").map((e) => e.pointer)).toEqual(["/default_language"]);
    expect((await call("DELETE", `/api/v1/templates/${id}`, { token: owner.token })).status).toBe(204);
    expectProblem(await call("GET", `/api/v1/templates/${id}`, { token: owner.token }), 404);
  });

  it("lets viewers read and preview but not write or send, and hides other workspaces' templates", async () => {
    const id = await createTemplate();
    const viewer = await addMember(owner, "viewer");
    expect((await call("GET", `/api/v1/templates/${id}`, { token: viewer.token })).status).toBe(200);
    expect((await call("POST", `/api/v1/templates/${id}/preview`, { token: viewer.token, body: { contact_id: ruta } })).status).toBe(200);
    expectProblem(await call("POST", "/api/v1/templates", { token: viewer.token, body }), 403);
    expectProblem(await call("POST", `/api/v1/templates/${id}/test`, { token: viewer.token, body: {} }), 403);
    const member = await addMember(owner, "member");
    expect((await call("POST", `/api/v1/templates/${id}/test`, { token: member.token, body: {} })).status).toBe(202);
    const stranger = await signUp();
    expectProblem(await call("GET", `/api/v1/templates/${id}`, { token: stranger.token }), 404);
    expectProblem(await call("PATCH", `/api/v1/templates/${id}`, { token: stranger.token, body: { name: "x" } }), 404);
    expectProblem(await call("DELETE", `/api/v1/templates/${id}`, { token: stranger.token }), 404);
    expectProblem(await call("POST", `/api/v1/templates/${id}/test`, { token: stranger.token, body: {} }), 404);
    expectProblem(await call("POST", `/api/v1/templates/${id}/preview`, { token: stranger.token, body: { contact_id: ruta } }), 404);
    // Their own template cannot be rendered for our contact either.
    const theirs = await createTemplate(stranger.token);
    const leak = await call("POST", `/api/v1/templates/${theirs}/preview`, { token: stranger.token, body: { contact_id: ruta } });
    expectProblem(leak, 422);
  });
});
