import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { addMember, call, createApiKey, signUp } from "../helpers/api";

// Generated bodies, thrown at the routes that take input from people and integrations: whatever
// arrives, the answer is a 2xx or a 4xx problem, never a 5xx.

const jsonValue = fc.jsonValue({ maxDepth: 3 });
const stringish = fc.oneof(fc.string(), fc.string({ unit: "grapheme" }), fc.constantFrom("", " ", "\u0000", "🙂", "a@b", "x".repeat(300)), fc.emailAddress());
const fieldValue = fc.oneof(stringish, fc.integer(), fc.double(), fc.boolean(), fc.constant(null), fc.array(fc.string(), { maxLength: 3 }), jsonValue);

function objectWith(keys: string[]) {
  return fc.dictionary(fc.oneof(fc.constantFrom(...keys), fc.string()), fieldValue, { maxKeys: keys.length + 2 });
}

const bodies = (keys: string[]) => fc.oneof(objectWith(keys), jsonValue);

async function expectNo5xx(method: string, path: string, body: unknown, token?: string) {
  const res = await call(method, path, { body, ...(token ? { token } : {}) });
  expect(res.status, `${method} ${path} ${JSON.stringify(body)} → ${res.text}`).toBeLessThan(500);
  if (res.status >= 400) expect(res.headers.get("content-type")).toBe("application/problem+json");
}

const runs = { numRuns: 60 };

describe("generated input never produces a 5xx", () => {
  it("auth routes", async () => {
    await fc.assert(
      fc.asyncProperty(bodies(["workspace_name", "name", "email", "password", "language", "time_zone", "default_phone_country"]), (body) =>
        expectNo5xx("POST", "/api/v1/auth/signup", body),
      ),
      runs,
    );
    await fc.assert(fc.asyncProperty(bodies(["email", "password", "workspace_id"]), (body) => expectNo5xx("POST", "/api/v1/auth/login", body)), runs);
  });

  it("workspace and profile routes", async () => {
    const owner = await signUp();
    await fc.assert(
      fc.asyncProperty(bodies(["name", "default_currency", "time_zone", "default_phone_country", "language"]), (body) =>
        expectNo5xx("PATCH", "/api/v1/workspace", body, owner.token),
      ),
      runs,
    );
    await fc.assert(fc.asyncProperty(bodies(["name", "language", "time_zone"]), (body) => expectNo5xx("PATCH", "/api/v1/me", body, owner.token)), runs);
    await fc.assert(fc.asyncProperty(bodies(["member_id"]), (body) => expectNo5xx("POST", "/api/v1/workspace/transfer-ownership", body, owner.token)), runs);
  });

  it("team routes", async () => {
    const owner = await signUp();
    const member = await addMember(owner, "member");
    await fc.assert(fc.asyncProperty(bodies(["email", "role"]), (body) => expectNo5xx("POST", "/api/v1/invitations", body, owner.token)), runs);
    await fc.assert(fc.asyncProperty(bodies(["role"]), (body) => expectNo5xx("PATCH", `/api/v1/members/${member.membershipId}`, body, owner.token)), runs);
    await fc.assert(
      fc.asyncProperty(stringish, bodies(["name", "password"]), (token, body) =>
        expectNo5xx("POST", `/api/v1/invitations/${encodeURIComponent(token) || "x"}/accept`, body),
      ),
      runs,
    );
    await fc.assert(fc.asyncProperty(stringish, (id) => expectNo5xx("DELETE", `/api/v1/members/${encodeURIComponent(id) || "x"}`, undefined, owner.token)), runs);
  });

  it("API key routes and query strings", async () => {
    const owner = await signUp();
    await createApiKey(owner, "read");
    await fc.assert(fc.asyncProperty(bodies(["name", "scope"]), (body) => expectNo5xx("POST", "/api/v1/api-keys", body, owner.token)), runs);
    await fc.assert(
      fc.asyncProperty(stringish, stringish, async (limit, cursor) => {
        const res = await call("GET", `/api/v1/api-keys?limit=${encodeURIComponent(limit)}&cursor=${encodeURIComponent(cursor)}`, { token: owner.token });
        expect(res.status).toBeLessThan(500);
      }),
      runs,
    );
    // Header values are visible ASCII on the wire; fetch itself refuses anything else.
    const headerToken = fc.string({ unit: fc.integer({ min: 0x21, max: 0x7e }).map((c) => String.fromCharCode(c)), minLength: 1 });
    await fc.assert(fc.asyncProperty(headerToken, (token) => expectNo5xx("GET", "/api/v1/me", undefined, token)), runs);
  });

  it("contact and company routes", async () => {
    const owner = await signUp();
    const contact = await call("POST", "/api/v1/contacts", { token: owner.token, body: { first_name: "Ona", emails: ["ona@example.com"] } });
    const id = String((contact.json as { id: string }).id);
    const contactKeys = ["first_name", "last_name", "emails", "phones", "company_id", "lifecycle_stage", "owner_id", "tags", "country", "birthday", "consent", "referrer", "time_zone", "language"];
    const phoneLike = fc.oneof(fc.string(), fc.stringMatching(/^[+0-9 ()-]{0,20}$/));
    const contactBody = fc.oneof(
      bodies(contactKeys),
      fc.record({ first_name: stringish, phones: fc.array(fc.record({ number: phoneLike }), { maxLength: 3 }), emails: fc.array(stringish, { maxLength: 3 }) }),
    );
    await fc.assert(fc.asyncProperty(contactBody, (body) => expectNo5xx("POST", "/api/v1/contacts", body, owner.token)), runs);
    await fc.assert(fc.asyncProperty(contactBody, (body) => expectNo5xx("PATCH", `/api/v1/contacts/${id}`, body, owner.token)), runs);
    await fc.assert(fc.asyncProperty(bodies(["action", "ids", "tags", "owner_id", "lifecycle_stage"]), (body) => expectNo5xx("POST", "/api/v1/contacts/bulk", body, owner.token)), runs);
    await fc.assert(
      fc.asyncProperty(bodies(["name", "domain", "phone", "website", "annual_revenue", "size_band", "country", "tags"]), (body) => expectNo5xx("POST", "/api/v1/companies", body, owner.token)),
      runs,
    );
    const queryKeys = ["q", "sort", "limit", "cursor", "tag", "lifecycle_stage", "has_email", "created_after", "country", "deleted"];
    await fc.assert(
      fc.asyncProperty(fc.dictionary(fc.constantFrom(...queryKeys), stringish, { maxKeys: 4 }), async (params) => {
        const res = await call("GET", `/api/v1/contacts?${new URLSearchParams(params).toString()}`, { token: owner.token });
        expect(res.status, `${JSON.stringify(params)} → ${res.text}`).toBeLessThan(500);
        const companies = await call("GET", `/api/v1/companies?${new URLSearchParams(params).toString()}`, { token: owner.token });
        expect(companies.status, `${JSON.stringify(params)} → ${companies.text}`).toBeLessThan(500);
      }),
      runs,
    );
  });

  it("pipeline and deal routes", async () => {
    const owner = await signUp();
    const pipelines = await call("GET", "/api/v1/pipelines", { token: owner.token });
    const stageId = String((pipelines.json as { data: { stages: { id: string }[] }[] }).data[0]?.stages[1]?.id);
    const deal = await call("POST", "/api/v1/deals", { token: owner.token, body: { title: "Prop" } });
    const id = String((deal.json as { id: string }).id);
    await fc.assert(fc.asyncProperty(bodies(["title", "value", "currency", "stage_id", "pipeline_id", "primary_contact_id", "contact_ids", "tags", "expected_close_date"]), (body) => expectNo5xx("POST", "/api/v1/deals", body, owner.token)), runs);
    await fc.assert(fc.asyncProperty(bodies(["title", "value", "currency", "owner_id", "tags"]), (body) => expectNo5xx("PATCH", `/api/v1/deals/${id}`, body, owner.token)), runs);
    await fc.assert(
      fc.asyncProperty(fc.oneof(bodies(["stage_id", "before_id", "after_id", "version"]), fc.record({ stage_id: fc.constant(stageId), version: fc.integer(), before_id: stringish })), (body) =>
        expectNo5xx("POST", `/api/v1/deals/${id}/move`, body, owner.token),
      ),
      runs,
    );
    await fc.assert(fc.asyncProperty(bodies(["name", "stages", "move_deals_to", "position"]), (body) => expectNo5xx("POST", "/api/v1/pipelines", body, owner.token)), runs);
    await fc.assert(fc.asyncProperty(bodies(["rates"]), (body) => expectNo5xx("PUT", "/api/v1/exchange-rates", body, owner.token)), runs);
  });

  it("activity, task, timeline and notification routes", async () => {
    const owner = await signUp();
    const contact = await call("POST", "/api/v1/contacts", { token: owner.token, body: { first_name: "Prop" } });
    const contactId = String((contact.json as { id: string }).id);
    const activity = await call("POST", "/api/v1/activities", { token: owner.token, body: { type: "note", contact_id: contactId } });
    const activityId = String((activity.json as { id: string }).id);
    const task = await call("POST", "/api/v1/tasks", { token: owner.token, body: { title: "Prop" } });
    const taskId = String((task.json as { id: string }).id);
    const activityKeys = ["type", "direction", "subject", "body", "occurred_at", "duration_seconds", "outcome", "contact_id", "company_id", "deal_id"];
    const taskKeys = ["title", "description", "due_at", "reminder_offsets", "assignee_id", "priority", "contact_id", "status", "recurrence"];
    await fc.assert(fc.asyncProperty(bodies(activityKeys), (body) => expectNo5xx("POST", "/api/v1/activities", body, owner.token)), runs);
    await fc.assert(fc.asyncProperty(bodies(activityKeys), (body) => expectNo5xx("PATCH", `/api/v1/activities/${activityId}`, body, owner.token)), runs);
    await fc.assert(fc.asyncProperty(bodies(taskKeys), (body) => expectNo5xx("POST", "/api/v1/tasks", body, owner.token)), runs);
    await fc.assert(fc.asyncProperty(bodies(taskKeys), (body) => expectNo5xx("PATCH", `/api/v1/tasks/${taskId}`, body, owner.token)), runs);
    await fc.assert(fc.asyncProperty(bodies(["ids", "all"]), (body) => expectNo5xx("POST", "/api/v1/notifications/read", body, owner.token)), runs);
    await fc.assert(fc.asyncProperty(bodies(["data"]), (body) => expectNo5xx("PUT", "/api/v1/notifications/preferences", body, owner.token)), runs);
    await fc.assert(
      fc.asyncProperty(stringish, stringish, (types, cursor) =>
        expectNo5xx("GET", `/api/v1/contacts/${contactId}/timeline?types=${encodeURIComponent(types)}&cursor=${encodeURIComponent(cursor)}`, undefined, owner.token),
      ),
      runs,
    );
    await fc.assert(
      fc.asyncProperty(stringish, stringish, stringish, (assignee, due, status) =>
        expectNo5xx("GET", `/api/v1/tasks?assignee_id=${encodeURIComponent(assignee)}&due_before=${encodeURIComponent(due)}&status=${encodeURIComponent(status)}`, undefined, owner.token),
      ),
      runs,
    );
  });

  it("data-quality routes: imports, duplicates and merge, audits, exports", async () => {
    const owner = await signUp();
    const contactIds: string[] = [];
    for (const email of ["ona@example.com", "ona.p@example.com"]) {
      const res = await call("POST", "/api/v1/contacts", { token: owner.token, body: { first_name: "Ona", emails: [email] } });
      contactIds.push(String((res.json as { id: string }).id));
    }
    const upload = async (bytes: Uint8Array, fields: Record<string, string>, path: string) => {
      const form = new FormData();
      form.set("file", new File([bytes], "x.csv", { type: "text/csv" }));
      for (const [name, value] of Object.entries(fields)) form.set(name, value);
      const res = await call("POST", path, { token: owner.token, rawBody: form });
      expect(res.status, `${path} → ${res.text}`).toBeLessThan(500);
      if (res.status >= 400) expect(res.headers.get("content-type")).toBe("application/problem+json");
    };
    const csvish = fc.oneof(
      fc.uint8Array({ maxLength: 300 }),
      fc.array(fc.array(fc.oneof(stringish, fc.constantFrom('"', '""', ";", ",", "\r\n", "\n")), { maxLength: 6 }), { maxLength: 6 }).map((rows) => new TextEncoder().encode(rows.map((cells) => cells.join(";")).join("\r\n"))),
    );
    const importFields = fc.dictionary(fc.constantFrom("mapping", "dry_run", "on_match", "encoding", "delimiter", "other"), stringish, { maxKeys: 4 });
    await fc.assert(fc.asyncProperty(csvish, importFields, (bytes, fields) => upload(bytes, fields, "/api/v1/imports/preview")), runs);
    await fc.assert(fc.asyncProperty(csvish, importFields, (bytes, fields) => upload(bytes, { ...fields, dry_run: "true" }, "/api/v1/imports")), { numRuns: 20 });
    const someId = fc.oneof(fc.constantFrom(...contactIds), stringish);
    await fc.assert(
      fc.asyncProperty(fc.oneof(bodies(["primary_id", "duplicate_ids", "fields", "cluster_id"]), fc.record({ primary_id: someId, duplicate_ids: fc.array(someId, { maxLength: 3 }), fields: objectWith(["first_name", "email", "phone", "city"]) })), (body) =>
        expectNo5xx("POST", "/api/v1/contacts/merge", body, owner.token),
      ),
      runs,
    );
    await fc.assert(
      fc.asyncProperty(fc.dictionary(fc.constantFrom("email", "phone", "first_name", "last_name", "company_id", "city", "x"), stringish, { maxKeys: 4 }), (query) =>
        expectNo5xx("GET", `/api/v1/duplicates/check?${new URLSearchParams(query).toString()}`, undefined, owner.token),
      ),
      runs,
    );
    await fc.assert(fc.asyncProperty(stringish, (id) => expectNo5xx("POST", `/api/v1/duplicates/${encodeURIComponent(id) || "x"}/dismiss`, undefined, owner.token)), runs);
    await fc.assert(fc.asyncProperty(bodies(["entity", "format", "filters"]), (body) => expectNo5xx("POST", "/api/v1/exports", body, owner.token)), runs);
    await fc.assert(
      fc.asyncProperty(fc.constantFrom("contacts", "companies", "deals"), fc.dictionary(fc.constantFrom("format", "q", "owner_id", "created_after", "status", "sort", "tag", "x"), stringish, { maxKeys: 4 }), (entity, query) =>
        expectNo5xx("GET", `/api/v1/${entity}/export?${new URLSearchParams(query).toString()}`, undefined, owner.token),
      ),
      runs,
    );
    await fc.assert(fc.asyncProperty(bodies(["quality_inactive_days", "name"]), (body) => expectNo5xx("PATCH", "/api/v1/workspace", body, owner.token)), runs);
    const audit = await call("POST", "/api/v1/audits/run", { token: owner.token });
    const auditId = String((audit.json as { id: string }).id);
    await fc.assert(
      fc.asyncProperty(stringish, stringish, stringish, (kind, ownerId, cursor) =>
        expectNo5xx("GET", `/api/v1/audits/${auditId}/findings?${new URLSearchParams({ kind, owner_id: ownerId, cursor }).toString()}`, undefined, owner.token),
      ),
      runs,
    );
  });

  it("campaign routes: segments, templates, campaigns, schedules and the public unsubscribe page", async () => {
    const owner = await signUp();
    const condition = fc.record({ field: fc.oneof(fc.constantFrom("city", "tags", "consent", "country", "created_at", "last_activity_at", "owner_id"), stringish), op: fc.oneof(fc.constantFrom("in", "not_in", "has_any", "within_last_days", "before"), stringish), value: fieldValue });
    const filter = fc.oneof(jsonValue, fc.record({ op: fc.oneof(fc.constantFrom("and", "or"), stringish), conditions: fc.array(fc.oneof(condition, jsonValue), { maxLength: 4 }) }));
    await fc.assert(fc.asyncProperty(fc.oneof(bodies(["name", "description", "filter"]), fc.record({ name: stringish, filter })), (body) => expectNo5xx("POST", "/api/v1/segments", body, owner.token)), runs);
    await fc.assert(fc.asyncProperty(fc.oneof(bodies(["filter", "limit"]), fc.record({ filter })), (body) => expectNo5xx("POST", "/api/v1/segments/preview", body, owner.token)), runs);
    const variant = fc.record({ language: fc.oneof(fc.constantFrom("en", "lt", "ru"), stringish), subject: fc.oneof(stringish, fc.constantFrom("{{first_name}}", "{{ frist }}", "{{", "{{email | default: 'x'}}")), html: stringish, text: fc.oneof(stringish, fc.constant(null)) });
    await fc.assert(
      fc.asyncProperty(fc.oneof(bodies(["name", "default_language", "variants"]), fc.record({ name: stringish, default_language: fc.constantFrom("en", "lt"), variants: fc.array(variant, { maxLength: 3 }) })), (body) =>
        expectNo5xx("POST", "/api/v1/templates", body, owner.token),
      ),
      runs,
    );
    const contact = await call("POST", "/api/v1/contacts", { token: owner.token, body: { first_name: "Fuzz", emails: ["fuzz-preview@example.com"] } });
    const contactId = String((contact.json as { id: string }).id);
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          bodies(["default_language", "variants", "contact_id", "language"]),
          fc.record({ default_language: fc.constantFrom("en", "lt"), variants: fc.array(variant, { maxLength: 3 }), contact_id: fc.oneof(fc.constant(contactId), stringish), language: fc.oneof(fc.constantFrom("en", "ru"), stringish) }, { requiredKeys: ["default_language", "variants", "contact_id"] }),
        ),
        (body) => expectNo5xx("POST", "/api/v1/templates/previews", body, owner.token),
      ),
      runs,
    );
    await fc.assert(
      fc.asyncProperty(bodies(["name", "segment_id", "template_id", "from_name", "from_address", "reply_to", "quiet_start", "quiet_end", "throttle_per_minute", "kind", "send_local_time"]), (body) =>
        expectNo5xx("POST", "/api/v1/campaigns", body, owner.token),
      ),
      runs,
    );
    const campaign = await call("POST", "/api/v1/campaigns", { token: owner.token, body: { name: "Fuzz", from_name: "Fuzz", from_address: "fuzz@example.com" } });
    const campaignId = String((campaign.json as { id: string }).id);
    await fc.assert(fc.asyncProperty(bodies(["mode", "at", "local_date", "local_time"]), (body) => expectNo5xx("POST", `/api/v1/campaigns/${campaignId}/schedule`, body, owner.token)), runs);
    await fc.assert(
      fc.asyncProperty(stringish, fc.oneof(fc.constant("List-Unsubscribe=One-Click"), stringish), async (token, form) => {
        for (const method of ["GET", "POST"]) {
          const res = await call(method, `/u/${encodeURIComponent(token) || "x"}`, method === "POST" ? { rawBody: form, headers: { "content-type": "application/x-www-form-urlencoded" } } : {});
          expect(res.status, `${method} /u/${token} → ${res.text.slice(0, 200)}`).toBeLessThan(500);
        }
      }),
      runs,
    );
    // The tracking routes: a click that is not genuine is a 404 problem, the pixel always a GIF.
    await fc.assert(
      fc.asyncProperty(stringish, async (token) => {
        const path = encodeURIComponent(token) || "x";
        const click = await call("GET", `/t/c/${path}`);
        expect(click.status, `GET /t/c/${token} → ${click.text.slice(0, 200)}`).toBe(404);
        expect(click.headers.get("content-type")).toBe("application/problem+json");
        const pixel = await call("GET", `/t/o/${path}.gif`);
        expect(pixel.status).toBe(200);
        expect(pixel.headers.get("content-type")).toBe("image/gif");
      }),
      runs,
    );
  });
});
