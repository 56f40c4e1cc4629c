import { createMessageBatch, createExecutionContext, getQueueResult } from "cloudflare:test";
import { env, exports } from "cloudflare:workers";
import fc from "fast-check";
import { describe, expect, it, vi } from "vitest";
import worker from "../../workers/index";
import { issueFillToken } from "../../workers/forms/fill-token";
import { addMember, call, expectProblem, field, signUp, type Account } from "../helpers/api";

type FormJson = { id: string; public_key: string; post_url: string };
type Submission = { id: string; status: string; reason: string | null; contact_id: string | null; deal_id: string | null; attribution: Record<string, string> };
let ipCounter = 0;
// Documentation address ranges (RFC 5737), rotated so that no address nears the rate limit.
const ranges = ["192.0.2", "198.51.100", "203.0.113"];
const freshIp = () => {
  ipCounter += 1;
  return `${ranges[ipCounter % 3]}.${Math.floor(ipCounter / 3) % 250 + 1}`;
};

async function setup(overrides: Record<string, unknown> = {}) {
  const owner = await signUp();
  const member = await addMember(owner, "member");
  const pipelines = await call("GET", "/api/v1/pipelines", { token: owner.token });
  const stageId = field<string>(pipelines.json, "data", 0, "stages", 0, "id");
  const res = await call("POST", "/api/v1/forms", {
    token: owner.token,
    body: {
      name: "Demo request",
      fields: [
        { field: "first_name", required: true },
        { field: "last_name" },
        { field: "email" },
        { field: "phone" },
        { field: "company" },
      ],
      allowed_origins: ["http://landing.test:8080"],
      owner_mode: "round_robin",
      owner_ids: [owner.userId, member.userId],
      tags: ["Web"],
      deal_stage_id: stageId,
      consent_text: "Send me news",
      consent_legal_basis: "consent",
      min_fill_seconds: 0,
      ...overrides,
    },
  });
  expect(res.status, res.text).toBe(201);
  return { owner, member, form: field<FormJson>(res.json), stageId };
}

function postForm(key: string, fields: Record<string, string>, headers: Record<string, string> = {}) {
  return exports.default.fetch(`http://localhost/f/${key}`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded", "cf-connecting-ip": freshIp(), ...headers },
    body: new URLSearchParams(fields).toString(),
    redirect: "manual",
  });
}

function postJson(key: string, body: unknown, headers: Record<string, string> = {}) {
  return exports.default.fetch(`http://localhost/f/${key}`, {
    method: "POST",
    headers: { "content-type": "application/json", origin: "http://landing.test:8080", "cf-connecting-ip": freshIp(), ...headers },
    body: JSON.stringify(body),
  });
}

async function submissions(owner: Account, formId: string) {
  const res = await call("GET", `/api/v1/forms/${formId}/submissions?limit=200`, { token: owner.token });
  return field<Submission[]>(res.json, "data");
}

async function contacts(owner: Account) {
  return field<{ id: string; email: string; owner_id: string; tags: string[]; utm_source: string | null; first_name: string; company: { name: string } | null; consent: { status: string } }[]>(
    (await call("GET", "/api/v1/contacts?limit=200", { token: owner.token })).json,
    "data",
  );
}

describe("the hosted form", () => {
  it("renders an accessible form with a signed fill token and a honeypot, under a strict CSP", async () => {
    const { form } = await setup();
    const res = await exports.default.fetch(`http://localhost/f/${form.public_key}`);
    const html = await res.text();
    expect(res.status).toBe(200);
    expect(res.headers.get("content-security-policy")).toContain("default-src 'none'");
    expect(html).toContain('<label for="f-first_name">');
    expect(html).toMatch(/name="_ts" value="\d+\.[\w-]+"/);
    expect(html).toContain('name="website"');
    expect(html).not.toContain("<script");
    expect((await exports.default.fetch("http://localhost/f/nope")).status).toBe(404);
  });

  it("serves the embed script that landing pages load from another origin", async () => {
    const res = await exports.default.fetch("http://localhost/f/embed.js");
    expect(res.headers.get("content-type")).toContain("text/javascript");
    expect(res.headers.get("access-control-allow-origin")).toBe("*");
    const script = await res.text();
    expect(script).toContain('form[data-rapport-form]');
    expect(script).toContain("utm_source");
  });
});

describe("posting leads", () => {
  it("turns a plain HTML post into a contact with its source, an owner in turn and a deal", async () => {
    const { owner, member, form } = await setup();
    const first = await postForm(form.public_key, { first_name: "Ona", email: "ona@lead.lt", phone: "8 612 34567", utm_source: "newsletter", utm_campaign: "nov", consent: "on" }, { referer: "http://landing.test:8080/offer?x=1" });
    expect(first.status).toBe(303);
    expect(first.headers.get("location")).toBe(`/f/${form.public_key}/thanks`);
    await postForm(form.public_key, { first_name: "Jonas", email: "jonas@lead.lt" });
    const list = await contacts(owner);
    const ona = list.find((c) => c.email === "ona@lead.lt");
    const jonas = list.find((c) => c.email === "jonas@lead.lt");
    expect(ona).toMatchObject({ owner_id: owner.userId, tags: ["web"], utm_source: "newsletter", consent: { status: "granted" } });
    expect(jonas?.owner_id).toBe(member.userId);
    const [latest, earliest] = await submissions(owner, form.id);
    expect(earliest).toMatchObject({ status: "processed", contact_id: ona?.id });
    expect(earliest?.deal_id).toMatch(/^deal_/);
    expect(earliest?.attribution).toMatchObject({ utm_source: "newsletter", utm_campaign: "nov", landing_page: "http://landing.test:8080/offer?x=1" });
    expect(latest?.contact_id).toBe(jonas?.id);
  });

  it("accepts JSON from an allowed origin with CORS, and refuses other origins", async () => {
    const { form } = await setup();
    const preflight = await exports.default.fetch(`http://localhost/f/${form.public_key}`, { method: "OPTIONS", headers: { origin: "http://landing.test:8080", "access-control-request-method": "POST" } });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get("access-control-allow-origin")).toBe("http://landing.test:8080");
    const evilPreflight = await exports.default.fetch(`http://localhost/f/${form.public_key}`, { method: "OPTIONS", headers: { origin: "http://evil.test" } });
    expect(evilPreflight.status).toBe(403);
    expect(evilPreflight.headers.get("access-control-allow-origin")).toBeNull();
    const ok = await postJson(form.public_key, { first_name: "Ona", email: "ona@json.lt" });
    expect(ok.status).toBe(201);
    expect(ok.headers.get("access-control-allow-origin")).toBe("http://landing.test:8080");
    expect(await ok.json()).toEqual({ submission_id: expect.stringMatching(/^sub_/) });
    expect((await postJson(form.public_key, { first_name: "X", email: "x@y.lt" }, { origin: "http://evil.test" })).status).toBe(403);
  });

  it("merges the same person posting twice into one contact with two submissions", async () => {
    const { owner, form } = await setup();
    await postJson(form.public_key, { first_name: "Ona", email: "Ona.P@Lead.lt", phone: "+370 612 34567", utm_source: "google" });
    await postJson(form.public_key, { first_name: "Ona", last_name: "Petraitė", email: "ona.p@lead.LT", phone: "8 (612) 34567", utm_source: "facebook" });
    await postJson(form.public_key, { first_name: "Ona", phone: "861234567" });
    const list = await contacts(owner);
    expect(list).toHaveLength(1);
    expect(list[0]).toMatchObject({ utm_source: "google" });
    const contact = field<{ last_name: string; phones: unknown[] }>((await call("GET", `/api/v1/contacts/${list[0]?.id}`, { token: owner.token })).json);
    expect(contact.last_name).toBe("Petraitė");
    expect(contact.phones).toHaveLength(1);
    const subs = await submissions(owner, form.id);
    expect(subs.map((s) => s.contact_id)).toEqual([list[0]?.id, list[0]?.id, list[0]?.id]);
    expect(subs.filter((s) => s.deal_id)).toHaveLength(1);
  });

  it("never overwrites what a person entered", async () => {
    const { owner, form } = await setup();
    const created = await call("POST", "/api/v1/contacts", { token: owner.token, body: { first_name: "Ona Marija", emails: ["ona@keep.lt"], job_title: "CEO" } });
    await postJson(form.public_key, { first_name: "Onutė", email: "ona@keep.lt", company: "UAB Alfa" });
    const after = await call("GET", `/api/v1/contacts/${field<string>(created.json, "id")}`, { token: owner.token });
    expect(after.json).toMatchObject({ first_name: "Ona Marija", job_title: "CEO", company: { name: "UAB Alfa" } });
  });

  it("answers invalid input with 422 and field pointers, keeps the submission, and gives HTML posts an error page", async () => {
    const { owner, form } = await setup();
    const res = await postJson(form.public_key, { email: "not-an-email", phone: "12" });
    const problem = (await res.json()) as { status: number; errors: { pointer: string }[] };
    expect(res.status).toBe(422);
    expect(problem.errors.map((e) => e.pointer).sort()).toEqual(["/email", "/first_name", "/phone"]);
    const page = await postForm(form.public_key, { email: "bad" });
    expect(page.status).toBe(422);
    const html = await page.text();
    expect(html).toContain('role="alert"');
    expect(html).toContain(`href="/f/${form.public_key}"`);
    const subs = await submissions(owner, form.id);
    expect(subs.map((s) => s.status)).toEqual(["invalid", "invalid"]);
    expect(await contacts(owner)).toEqual([]);
  });
});

describe("leads that arrive in odd circumstances", () => {
  it("keeps a post from a site that is not on the list, quarantined", async () => {
    const { owner, form } = await setup();
    expect((await postJson(form.public_key, { first_name: "Ona", email: "ona@other.lt" }, { origin: "http://forgotten.test" })).status).toBe(403);
    expect((await submissions(owner, form.id)).map((s) => [s.status, s.reason])).toEqual([["spam", "origin_not_allowed"]]);
  });

  it("gives the lead no owner when the fixed owner has left, instead of failing", async () => {
    const owner = await signUp();
    const member = await addMember(owner, "member");
    const created = await call("POST", "/api/v1/forms", { token: owner.token, body: { name: "Fixed", fields: [{ field: "email", required: true }], owner_mode: "fixed", owner_ids: [member.userId], min_fill_seconds: 0 } });
    const form = field<FormJson>(created.json);
    await call("DELETE", `/api/v1/members/${member.membershipId}`, { token: owner.token });
    expect((await postJson(form.public_key, { email: "orphan@lead.lt" }, { origin: "http://localhost" })).status).toBe(201);
    const [submission] = await submissions(owner, form.id);
    expect(submission?.status).toBe("processed");
    expect((await contacts(owner))[0]?.owner_id).toBeNull();
  });

  it("brings back a contact deleted long ago when the person posts again", async () => {
    const { owner, form } = await setup();
    const old = await call("POST", "/api/v1/contacts", { token: owner.token, body: { first_name: "Returning", emails: ["back@lead.lt"] } });
    const id = field<string>(old.json, "id");
    await call("DELETE", `/api/v1/contacts/${id}`, { token: owner.token });
    await env.DB.prepare("UPDATE contacts SET deleted_at = ? WHERE id = ?").bind(Date.now() - 90 * 24 * 3600 * 1000, id).run();
    expect((await postJson(form.public_key, { first_name: "Returning", email: "back@lead.lt" })).status).toBe(201);
    expect((await submissions(owner, form.id))[0]).toMatchObject({ status: "processed", contact_id: id });
    expect((await call("GET", `/api/v1/contacts/${id}`, { token: owner.token })).status).toBe(200);
  });
});

describe("spam", () => {
  it("quarantines a filled honeypot, a too-fast post and a forged token, creating no contact", async () => {
    const { owner, form } = await setup({ min_fill_seconds: 5 });
    await postForm(form.public_key, { first_name: "Bot", email: "bot@spam.lt", website: "http://spam.example" });
    const fresh = await issueFillToken(env.JWT_SECRET, form.public_key, Date.now());
    await postForm(form.public_key, { first_name: "Fast", email: "fast@spam.lt", _ts: fresh });
    await postForm(form.public_key, { first_name: "Forged", email: "forged@spam.lt", _ts: `${Date.now() - 60_000}.forged` });
    const slow = await issueFillToken(env.JWT_SECRET, form.public_key, Date.now() - 10_000);
    await postForm(form.public_key, { first_name: "Human", email: "human@lead.lt", _ts: slow });
    const subs = await submissions(owner, form.id);
    expect(subs.map((s) => [s.status, s.reason])).toEqual([
      ["processed", null],
      ["spam", "forged_fill_token"],
      ["spam", "filled_too_fast"],
      ["spam", "honeypot"],
    ]);
    expect((await contacts(owner)).map((c) => c.email)).toEqual(["human@lead.lt"]);
  });

  it("quarantines posts over the rate limit with 429", async () => {
    const { owner, form } = await setup();
    const ip = "198.18.0.77";
    const statuses: number[] = [];
    // 25 posts in a few seconds span at most two of the limiter's one-minute windows, so at most
    // 20 get through whatever the clock, and the rest must be refused.
    for (let i = 0; i < 25; i++) statuses.push((await postJson(form.public_key, { first_name: "R", email: `r${i}@lead.lt` }, { "cf-connecting-ip": ip })).status);
    const limited = statuses.filter((status) => status === 429).length;
    expect(statuses.slice(0, 10)).toEqual(Array(10).fill(201));
    expect(limited).toBeGreaterThanOrEqual(5);
    expect(statuses.filter((status) => status === 201)).toHaveLength(25 - limited);
    const subs = await submissions(owner, form.id);
    expect(subs.filter((s) => s.reason === "rate_limited")).toHaveLength(limited);
    expect(await contacts(owner)).toHaveLength(25 - limited);
  });

  it("checks Turnstile when the form has a secret", async () => {
    const { owner, form } = await setup({ turnstile_secret: "1x0000000000000000000000000000000AA" });
    const realFetch = globalThis.fetch;
    const verify = vi.spyOn(globalThis, "fetch").mockImplementation(async (input, init) => {
      if (String(input instanceof Request ? input.url : input).startsWith("https://challenges.cloudflare.com/")) {
        const body = init?.body instanceof FormData ? init.body : null;
        return Response.json({ success: body?.get("response") === "good-token" });
      }
      return realFetch(input, init);
    });
    await postJson(form.public_key, { first_name: "Bad", email: "bad@t.lt", "cf-turnstile-response": "bad-token" });
    await postJson(form.public_key, { first_name: "None", email: "none@t.lt" });
    await postJson(form.public_key, { first_name: "Good", email: "good@t.lt", "cf-turnstile-response": "good-token" });
    verify.mockRestore();
    expect((await submissions(owner, form.id)).map((s) => s.reason)).toEqual([null, "turnstile_failed", "turnstile_failed"]);
    expect((await contacts(owner)).map((c) => c.email)).toEqual(["good@t.lt"]);
  });
});

describe("a lead is never lost", () => {
  it("stores a post whose processing fails, retries it through the queue, and ends with one contact", async () => {
    const { owner, form } = await setup();
    await env.DB.prepare("CREATE TRIGGER simulated_outage BEFORE INSERT ON contacts BEGIN SELECT RAISE(ABORT, 'simulated outage'); END").run();
    const send = vi.spyOn(env.JOBS, "send");
    const error = vi.spyOn(console, "error").mockImplementation(() => undefined);
    const res = await postJson(form.public_key, { first_name: "Ona", email: "ona@outage.lt" });
    expect(res.status).toBe(201);
    const [failed] = await submissions(owner, form.id);
    expect(failed).toMatchObject({ status: "failed", contact_id: null });
    expect(failed?.reason).toContain("simulated outage");
    const queued = send.mock.calls.map(([body]) => body);
    expect(queued).toEqual([{ type: "form.process", submission_id: failed?.id }]);
    send.mockRestore();
    error.mockRestore();

    await env.DB.prepare("DROP TRIGGER simulated_outage").run();
    const messages = [1, 2].map((n) => ({ id: `m${n}`, timestamp: new Date(), attempts: n, body: queued[0] }));
    const batch = createMessageBatch("rapport-jobs", messages);
    await worker.queue(batch, env);
    const result = await getQueueResult(batch, createExecutionContext());
    expect(result.explicitAcks.sort()).toEqual(["m1", "m2"]);
    expect((await contacts(owner)).map((c) => c.email)).toEqual(["ona@outage.lt"]);
    const [done] = await submissions(owner, form.id);
    expect(done).toMatchObject({ status: "processed" });
  });

  it("lets an admin replay a quarantined submission", async () => {
    const { owner, form } = await setup();
    await postForm(form.public_key, { first_name: "Real", email: "real@person.lt", website: "autofilled by a browser" });
    const [spam] = await submissions(owner, form.id);
    expect(spam?.status).toBe("spam");
    const replay = await call("POST", `/api/v1/forms/${form.id}/submissions/${spam?.id}/replay`, { token: owner.token });
    expect(replay.status, replay.text).toBe(200);
    expect(replay.json).toMatchObject({ status: "processed" });
    expectProblem(await call("POST", `/api/v1/forms/${form.id}/submissions/${spam?.id}/replay`, { token: owner.token }), 409);
    const member = await addMember(owner, "member");
    expectProblem(await call("GET", `/api/v1/forms/${form.id}/submissions`, { token: member.token }), 403);
    await postJson(form.public_key, { first_name: "Bad", email: "not-an-email" });
    const invalid = (await submissions(owner, form.id)).find((s) => s.status === "invalid");
    const refused = expectProblem(await call("POST", `/api/v1/forms/${form.id}/submissions/${invalid?.id}/replay`, { token: owner.token }), 422);
    expect(field(refused, "errors", 0, "pointer")).toBe("/email");
  });

  it("stores every accepted post and never answers 5xx, whatever is sent", async () => {
    const { owner, form } = await setup();
    const before = (await env.DB.prepare("SELECT COUNT(*) AS n FROM form_submissions").first<{ n: number }>())?.n ?? 0;
    let accepted = 0;
    const value = fc.oneof(fc.string(), fc.string({ unit: "binary" }), fc.constantFrom("ona@x.lt", "+37061234567", "x".repeat(10_000)), fc.integer(), fc.constant(null));
    const keys = fc.oneof(fc.constantFrom("first_name", "email", "phone", "company", "website", "_ts", "consent", "utm_source"), fc.string({ maxLength: 30 }));
    await fc.assert(
      fc.asyncProperty(fc.dictionary(keys, value, { maxKeys: 8 }), fc.constantFrom("json", "form", "multipart"), async (fields, encoding) => {
        const ip = freshIp();
        let res: Response;
        if (encoding === "json") res = await postJson(form.public_key, fields, { "cf-connecting-ip": ip });
        else if (encoding === "form") res = await postForm(form.public_key, Object.fromEntries(Object.entries(fields).map(([k, v]) => [k, String(v)])), { "cf-connecting-ip": ip });
        else {
          const data = new FormData();
          // workerd's FormData refuses names ending in a backslash: a client cannot send those.
          for (const [k, v] of Object.entries(fields)) data.append(k.replace(/\\+$/, "_"), typeof v === "string" && v.length % 2 ? new Blob([v]) : String(v));
          res = await exports.default.fetch(`http://localhost/f/${form.public_key}`, { method: "POST", body: data, headers: { "cf-connecting-ip": ip }, redirect: "manual" });
        }
        expect(res.status, `${encoding} ${JSON.stringify(fields).slice(0, 200)}`).toBeLessThan(500);
        // Everything past the form lookup is stored: accepted, invalid (422) and rate-limited (429).
        if ([201, 303, 422, 429].includes(res.status)) accepted += 1;
      }),
      { numRuns: 2000 },
    );
    const after = (await env.DB.prepare("SELECT COUNT(*) AS n FROM form_submissions").first<{ n: number }>())?.n ?? 0;
    expect(after - before).toBe(accepted);
    expect((await submissions(owner, form.id)).length).toBeGreaterThan(0);
    // 2,000 posts, each fully processed: about 25 s on two idle cores, so it gets more than the
    // suite's 30 s default to stay green on a busy CI machine.
  }, 120_000);
});
