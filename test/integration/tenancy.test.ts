import { env, exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { addMember, call, createApiKey, field, signUp, uniqueEmail } from "../helpers/api";

// Walks every operation in the OpenAPI document, so a route added later is covered without
// touching this file: anonymous calls get 401, and workspace B's credentials cannot read,
// change or delete anything of workspace A (404 for A's ids, and A's data never appears).

type Operation = {
  security?: Record<string, string[]>[];
  parameters?: { name: string; in: string; required?: boolean }[];
  requestBody?: { content?: Record<string, { example?: unknown; schema?: unknown }> };
};
type OpenApi = { security: Record<string, string[]>[]; paths: Record<string, Record<string, Operation>> };

const methods = ["get", "post", "put", "patch", "delete"] as const;

async function loadOperations() {
  const doc = field<OpenApi>((await call("GET", "/api/openapi.json")).json);
  const operations: { method: string; path: string; op: Operation; isPublic: boolean }[] = [];
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const method of methods) {
      const op = item[method];
      if (!op) continue;
      const security = op.security ?? doc.security;
      operations.push({ method: method.toUpperCase(), path, op, isPublic: security.length === 0 });
    }
  }
  return operations;
}

async function workspaceA() {
  const owner = await signUp({ workspace_name: `Alpha ${crypto.randomUUID()}` });
  const member = await addMember(owner, "member");
  const key = await createApiKey(owner, "read");
  const invitation = await call("POST", "/api/v1/invitations", { token: owner.token, body: { email: uniqueEmail("pending"), role: "viewer" } });
  const workspace = await call("GET", "/api/v1/workspace", { token: owner.token });
  const company = await call("POST", "/api/v1/companies", { token: owner.token, body: { name: "Alpha Secret Company", domain: "alpha-secret.lt" } });
  const contact = await call("POST", "/api/v1/contacts", {
    token: owner.token,
    body: { first_name: "Alphonse", last_name: "Secretas", emails: ["alphonse@alpha-secret.lt"], company_id: field<string>(company.json, "id") },
  });
  const pipelines = await call("GET", "/api/v1/pipelines", { token: owner.token });
  const deal = await call("POST", "/api/v1/deals", { token: owner.token, body: { title: "Alpha secret deal", value: 100 } });
  const form = await call("POST", "/api/v1/forms", { token: owner.token, body: { name: "Alpha secret form", fields: [{ field: "email", required: true }] } });
  const formKey = field<string>(form.json, "public_key");
  const posted = await exports.default.fetch(`http://localhost/f/${formKey}`, {
    method: "POST",
    headers: { "content-type": "application/json", "cf-connecting-ip": "192.0.2.1" },
    body: JSON.stringify({ email: "alpha-lead@alpha-secret.lt", website: "spam" }),
  });
  const activity = await call("POST", "/api/v1/activities", {
    token: owner.token,
    body: { type: "call", direction: "inbound", subject: "Alpha secret call", contact_id: field<string>(contact.json, "id") },
  });
  const task = await call("POST", "/api/v1/tasks", {
    token: owner.token,
    body: { title: "Alpha secret task", due_at: new Date(Date.now() + 3_600_000).toISOString(), assignee_id: member.userId, contact_id: field<string>(contact.json, "id") },
  });
  // Data quality: an import, an export, an audit, a duplicate scan, a cluster and a merge of A's.
  const imported = await call("POST", "/api/v1/imports", { token: owner.token, rawBody: csvUpload("Alpha Importas", "alpha-import@alpha-secret.lt") });
  const exported = await call("POST", "/api/v1/exports", { token: owner.token, body: { entity: "contacts", format: "csv", filters: {} } });
  const audit = await call("POST", "/api/v1/audits/run", { token: owner.token });
  const scan = await call("POST", "/api/v1/duplicates/scan", { token: owner.token });
  const twin = async (email: string) =>
    field<string>((await call("POST", "/api/v1/contacts", { token: owner.token, body: { first_name: "Alpha", last_name: "Twin", emails: [email] } })).json, "id");
  const [twinA, twinB, twinC, twinD] = [await twin("twin-a@alpha-secret.lt"), await twin("twin-b@alpha-secret.lt"), await twin("twin-c@alpha-secret.lt"), await twin("twin-d@alpha-secret.lt")];
  const merged = await call("POST", "/api/v1/contacts/merge", { token: owner.token, body: { primary_id: twinA, duplicate_ids: [twinB] } });
  const clusterId = `dup_tenancy${crypto.randomUUID().replaceAll("-", "").slice(0, 16)}`;
  await env.DB.prepare(
    "INSERT INTO duplicate_clusters (id, workspace_id, member_key, contact_ids, score, reasons, status, created_at, updated_at) VALUES (?, ?, ?, ?, 0.9, '[]', 'open', ?, ?)",
  )
    .bind(clusterId, owner.workspaceId, [twinC, twinD].sort().join(","), JSON.stringify([twinC, twinD]), Date.now(), Date.now())
    .run();
  for (const res of [imported, exported, audit, scan]) expect(res.status, res.text).toBe(202);
  expect(merged.status, merged.text).toBe(200);
  // Campaigns: a segment, a template and a draft campaign of A's.
  const segment = await call("POST", "/api/v1/segments", { token: owner.token, body: { name: "Alpha secret segment", filter: { op: "and", conditions: [{ field: "city", op: "in", value: ["Vilnius"] }] } } });
  const template = await call("POST", "/api/v1/templates", {
    token: owner.token,
    body: { name: "Alpha secret template", default_language: "en", variants: [{ language: "en", subject: "Alpha news for {{first_name}}", html: "<p>Alpha secret body</p>" }] },
  });
  const campaign = await call("POST", "/api/v1/campaigns", {
    token: owner.token,
    body: { name: "Alpha secret campaign", from_name: "Alpha", from_address: "news@alpha-secret.lt", segment_id: field<string>(segment.json, "id"), template_id: field<string>(template.json, "id") },
  });
  const preview = await call("POST", "/api/v1/templates/previews", {
    token: owner.token,
    body: { default_language: "en", variants: [{ language: "en", subject: "Alpha news", html: "<p>Alpha secret preview</p>" }], contact_id: field<string>(contact.json, "id") },
  });
  for (const res of [segment, template, campaign, preview]) expect(res.status, res.text).toBe(201);
  // Email leaves only from scheduled work; a stored one stands in for a sent reminder.
  const emailId = `eml_tenancy${crypto.randomUUID().replaceAll("-", "").slice(0, 16)}`;
  await env.DB.prepare(
    "INSERT INTO email_outbox (id, workspace_id, dedupe_key, kind, from_address, to_address, subject, text, status, created_at) VALUES (?, ?, ?, 'task.reminder', 'no-reply@rapport.localhost', ?, 'Alpha secret reminder', 'Alpha secret body', 'stored', ?)",
  )
    .bind(emailId, owner.workspaceId, `tenancy:${emailId}`, owner.email, Date.now())
    .run();
  return {
    segmentId: field<string>(segment.json, "id"),
    templateId: field<string>(template.json, "id"),
    campaignId: field<string>(campaign.json, "id"),
    previewId: field<string>(preview.json, "url").split("/").pop() ?? "",
    importId: field<string>(imported.json, "id"),
    exportId: field<string>(exported.json, "id"),
    auditId: field<string>(audit.json, "id"),
    scanId: field<string>(scan.json, "id"),
    clusterId,
    mergeId: field<string>(merged.json, "merge", "id"),
    activityId: field<string>(activity.json, "id"),
    taskId: field<string>(task.json, "id"),
    emailId,
    formId: field<string>(form.json, "id"),
    submissionId: field<string>(await posted.json(), "submission_id"),
    pipelineId: field<string>(pipelines.json, "data", 0, "id"),
    dealId: field<string>(deal.json, "id"),
    companyId: field<string>(company.json, "id"),
    contactId: field<string>(contact.json, "id"),
    owner,
    member,
    key,
    invitationId: field<string>(invitation.json, "id"),
    invitationToken: field<string>(invitation.json, "token"),
    name: field<string>(workspace.json, "name"),
  };
}

type A = Awaited<ReturnType<typeof workspaceA>>;

// The id of A's resource for each collection; a new collection with path ids must be added
// here, and the test says so instead of silently skipping it.
function idFor(path: string, a: A): string {
  const segments = path.split("/");
  const collection = segments[segments.indexOf("{id}") - 1];
  const ids: Record<string, string> = {
    members: a.member.membershipId,
    "api-keys": a.key.id,
    invitations: a.invitationId,
    contacts: a.contactId,
    companies: a.companyId,
    pipelines: a.pipelineId,
    deals: a.dealId,
    forms: a.formId,
    activities: a.activityId,
    tasks: a.taskId,
    outbox: a.emailId,
    imports: a.importId,
    exports: a.exportId,
    audits: a.auditId,
    scans: a.scanId,
    duplicates: a.clusterId,
    merges: a.mergeId,
    segments: a.segmentId,
    templates: a.templateId,
    campaigns: a.campaignId,
    previews: a.previewId,
  };
  const id = collection ? ids[collection] : undefined;
  if (!id) throw new Error(`tenancy walker: no fixture id for ${path}; add one for the new collection`);
  return id;
}

/** A one-row CSV upload (multipart), as the import routes take it. */
function csvUpload(name: string, email: string): FormData {
  const form = new FormData();
  form.set("file", new File([`Name;Email\n${name};${email}\n`], "contacts.csv", { type: "text/csv" }));
  return form;
}

function fill(path: string, op: Operation, a: A) {
  let url = path.replace("{id}", () => idFor(path, a)).replace("{token}", a.invitationToken).replace("{submission_id}", a.submissionId);
  const query = (op.parameters ?? []).filter((p) => p.in === "query" && p.required);
  if (query.length > 0) url += `?${query.map((p) => `${p.name}=${encodeURIComponent(p.name === "confirm" ? a.name : "x")}`).join("&")}`;
  const body = op.requestBody?.content?.["application/json"]?.example;
  // Uploads are multipart: each call gets a fresh form (a body is read once).
  const upload = op.requestBody?.content?.["multipart/form-data"] ? () => csvUpload("Bravo Upload", "bravo-upload@example.com") : undefined;
  return { url, body, upload };
}

function requestOf(body: unknown, upload: (() => FormData) | undefined) {
  if (upload) return { rawBody: upload() };
  return body === undefined ? {} : { body };
}

describe("tenancy", () => {
  it("covers every route: 401 without credentials, 404 or nothing of A's with B's credentials", async () => {
    const operations = await loadOperations();
    expect(operations.length).toBeGreaterThan(15);
    const a = await workspaceA();
    const b = await signUp({ workspace_name: "Bravo" });
    const bKey = await createApiKey(b, "admin");
    const secretsOfA = [a.owner.workspaceId, a.owner.email, a.member.email, a.member.membershipId, a.key.id, a.invitationId, a.name, a.contactId, a.companyId, a.pipelineId, a.dealId, a.formId, a.submissionId, "Alpha secret form", "alpha-lead", "Alphonse", "alpha-secret", "Alpha secret deal", a.activityId, a.taskId, a.emailId, "Alpha secret call", "Alpha secret task", "Alpha secret reminder", a.importId, a.exportId, a.auditId, a.scanId, a.clusterId, a.mergeId, "Alpha Importas", "alpha-import", "Alpha Twin", "twin-a@", "twin-b@", "twin-c@", a.segmentId, a.templateId, a.campaignId, "Alpha secret segment", "Alpha secret template", "Alpha secret campaign", "Alpha news", a.previewId, "Alpha secret preview"];

    for (const { method, path, op, isPublic } of operations) {
      const { url, body, upload } = fill(path, op, a);
      if (op.requestBody && !upload) expect(body, `${method} ${path} needs a request body example`).toBeDefined();
      const label = `${method} ${url}`;

      if (!isPublic) {
        const anonymous = await call(method, url, requestOf(body, upload));
        expect(anonymous.status, label).toBe(401);
      }
      if (isPublic || !path.startsWith("/api/v1/")) continue;

      for (const credential of [b.token, bKey.key]) {
        const res = await call(method, url, { token: credential, ...requestOf(body, upload) });
        expect(res.status, `${label} → ${res.text}`).toBeLessThan(500);
        if (path.includes("{id}")) expect(res.status, `${label} → ${res.text}`).toBe(404);
        // The caller's own URL may be echoed back (problem `instance`); anything else of A may not.
        for (const secret of secretsOfA.filter((s) => !url.includes(s) && !JSON.stringify(body ?? "").includes(s))) {
          expect(res.text, `${label} leaked ${secret}`).not.toContain(secret);
        }
      }
    }

    // Nothing of A changed.
    const members = field<{ id: string; role: string }[]>((await call("GET", "/api/v1/members", { token: a.owner.token })).json, "data");
    expect(members.find((m) => m.id === a.member.membershipId)?.role).toBe("member");
    expect((await call("GET", "/api/v1/me", { token: a.key.key })).status).toBe(200);
    expect(field((await call("GET", `/api/v1/invitations/${a.invitationToken}`)).json, "workspace_name")).toBe(a.name);
    expect(field((await call("GET", "/api/v1/workspace", { token: a.owner.token })).json, "name")).toBe(a.name);
    expect(field((await call("GET", `/api/v1/contacts/${a.contactId}`, { token: a.owner.token })).json, "version")).toBe(1);
    expect(field((await call("GET", `/api/v1/companies/${a.companyId}`, { token: a.owner.token })).json, "version")).toBe(1);
    expect(field((await call("GET", `/api/v1/deals/${a.dealId}`, { token: a.owner.token })).json, "version")).toBe(1);
    expect(field((await call("GET", "/api/v1/pipelines", { token: a.owner.token })).json, "data", 0, "version")).toBe(1);
    expect(field((await call("GET", `/api/v1/activities/${a.activityId}`, { token: a.owner.token })).json, "version")).toBe(1);
    expect(field((await call("GET", `/api/v1/tasks/${a.taskId}`, { token: a.owner.token })).json, "version")).toBe(1);
    expect(field((await call("GET", `/api/v1/outbox/${a.emailId}`, { token: a.owner.token })).json, "subject")).toBe("Alpha secret reminder");
    expect(field((await call("GET", `/api/v1/imports/${a.importId}`, { token: a.owner.token })).json, "undone_at")).toBeNull();
    expect(field((await call("GET", `/api/v1/merges/${a.mergeId}`, { token: a.owner.token })).json, "undone_at")).toBeNull();
    expect(field((await call("GET", `/api/v1/duplicates/${a.clusterId}`, { token: a.owner.token })).json, "status")).toBe("open");
    expect((await call("GET", `/api/v1/exports/${a.exportId}`, { token: a.owner.token })).status).toBe(200);
    expect((await call("GET", `/api/v1/audits/${a.auditId}`, { token: a.owner.token })).status).toBe(200);
    expect((await call("GET", `/api/v1/duplicates/scans/${a.scanId}`, { token: a.owner.token })).status).toBe(200);
    expect(field((await call("GET", `/api/v1/segments/${a.segmentId}`, { token: a.owner.token })).json, "version")).toBe(1);
    expect(field((await call("GET", `/api/v1/templates/${a.templateId}`, { token: a.owner.token })).json, "version")).toBe(1);
    expect(field((await call("GET", `/api/v1/campaigns/${a.campaignId}`, { token: a.owner.token })).json, "status")).toBe("draft");
  });
});
