import { env, exports } from "cloudflare:workers";
import { describe, expect, it, vi } from "vitest";
import { addMember, call, createApiKey, expectProblem, field, signUp, uniqueEmail } from "../helpers/api";

type AuditRow = { action: string; entity_type: string; entity_id: string; actor_id: string; request_id: string; diff: { before: unknown; after: unknown } };

async function auditOf(token: string, query = "") {
  const res = await call("GET", `/api/v1/audit-log?limit=200${query}`, { token });
  expect(res.status).toBe(200);
  return field<AuditRow[]>(res.json, "data");
}

describe("invitations", () => {
  it("invites by email with a role and answers a link that works once", async () => {
    const owner = await signUp();
    const email = uniqueEmail("invitee");
    const invite = await call("POST", "/api/v1/invitations", { token: owner.token, body: { email: email.toUpperCase(), role: "member" } });
    expect(invite.status).toBe(201);
    const token = field<string>(invite.json, "token");
    expect(field(invite.json, "invite_url")).toBe(`http://localhost/invite/${token}`);
    expect(field(invite.json, "email")).toBe(email);

    const preview = await call("GET", `/api/v1/invitations/${token}`);
    expect(preview.json).toMatchObject({ workspace_name: "Acme Baltic", email, role: "member", invited_by_name: "Ona Owner", account_exists: false });

    const tooShort = await call("POST", `/api/v1/invitations/${token}/accept`, { body: { password: "short" } });
    const problem = expectProblem(tooShort, 422);
    expect(field<{ pointer: string }[]>(problem, "errors").map((e) => e.pointer).sort()).toEqual(["/name", "/password"]);

    const accepted = await call("POST", `/api/v1/invitations/${token}/accept`, { body: { name: "Jonas", password: "a long enough passphrase" } });
    expect(accepted.status).toBe(200);
    expect(field(accepted.json, "role")).toBe("member");
    expect(field(accepted.json, "workspace_id")).toBe(owner.workspaceId);

    expectProblem(await call("POST", `/api/v1/invitations/${token}/accept`, { body: { name: "Again", password: "a long enough passphrase" } }), 410);
    const list = await call("GET", "/api/v1/invitations", { token: owner.token });
    expect(field<{ status: string }[]>(list.json, "data")[0]?.status).toBe("accepted");
  });

  it("lets a person with an account join a second workspace with their existing password", async () => {
    const first = await signUp();
    const second = await signUp();
    const invite = await call("POST", "/api/v1/invitations", { token: second.token, body: { email: first.email, role: "viewer" } });
    const token = field<string>(invite.json, "token");
    expect(field((await call("GET", `/api/v1/invitations/${token}`)).json, "account_exists")).toBe(true);
    expectProblem(await call("POST", `/api/v1/invitations/${token}/accept`, { body: { password: "not the password" } }), 401);
    const joined = await call("POST", `/api/v1/invitations/${token}/accept`, { body: { password: first.password } });
    expect(joined.status).toBe(200);
    const me = await call("GET", "/api/v1/me", { token: field<string>(joined.json, "access_token") });
    expect(field<unknown[]>(me.json, "workspaces")).toHaveLength(2);
  });

  it("refuses to invite someone who is already a member, and revokes pending invitations", async () => {
    const owner = await signUp();
    expectProblem(await call("POST", "/api/v1/invitations", { token: owner.token, body: { email: owner.email, role: "admin" } }), 409, "already_member");
    const invite = await call("POST", "/api/v1/invitations", { token: owner.token, body: { email: uniqueEmail(), role: "viewer" } });
    expect((await call("DELETE", `/api/v1/invitations/${field<string>(invite.json, "id")}`, { token: owner.token })).status).toBe(204);
    expectProblem(await call("GET", `/api/v1/invitations/${field<string>(invite.json, "token")}`), 410, "invitation_unavailable");
  });

  it("never invites anyone as owner", async () => {
    const owner = await signUp();
    expectProblem(await call("POST", "/api/v1/invitations", { token: owner.token, body: { email: uniqueEmail(), role: "owner" } }), 422);
  });
});

describe("roles", () => {
  it("lets only admins and the owner manage the team and API keys", async () => {
    const owner = await signUp();
    const admin = await addMember(owner, "admin");
    const member = await addMember(owner, "member");
    const viewer = await addMember(owner, "viewer");
    for (const who of [member, viewer]) {
      expectProblem(await call("POST", "/api/v1/invitations", { token: who.token, body: { email: uniqueEmail(), role: "viewer" } }), 403);
      expectProblem(await call("GET", "/api/v1/api-keys", { token: who.token }), 403);
      expectProblem(await call("POST", "/api/v1/api-keys", { token: who.token, body: { name: "x", scope: "read" } }), 403);
      expectProblem(await call("PATCH", `/api/v1/members/${viewer.membershipId}`, { token: who.token, body: { role: "member" } }), 403);
      expectProblem(await call("GET", "/api/v1/audit-log", { token: who.token }), 403);
    }
    expect((await call("POST", "/api/v1/invitations", { token: admin.token, body: { email: uniqueEmail(), role: "viewer" } })).status).toBe(201);
    expect((await call("POST", "/api/v1/api-keys", { token: admin.token, body: { name: "x", scope: "read" } })).status).toBe(201);
    expect((await call("PATCH", `/api/v1/members/${viewer.membershipId}`, { token: admin.token, body: { role: "member" } })).status).toBe(200);
  });

  it("keeps a viewer from writing and lets a viewer read", async () => {
    const owner = await signUp();
    const viewer = await addMember(owner, "viewer");
    expect((await call("GET", "/api/v1/workspace", { token: viewer.token })).status).toBe(200);
    expect((await call("GET", "/api/v1/members", { token: viewer.token })).status).toBe(200);
    expectProblem(await call("PATCH", "/api/v1/workspace", { token: viewer.token, body: { name: "No" } }), 403);
  });

  it("lets only the owner delete the workspace or transfer ownership", async () => {
    const owner = await signUp();
    const admin = await addMember(owner, "admin");
    const adminKey = await createApiKey(owner, "admin");
    expectProblem(await call("DELETE", "/api/v1/workspace?confirm=Acme%20Baltic", { token: admin.token }), 403);
    expectProblem(await call("DELETE", "/api/v1/workspace?confirm=Acme%20Baltic", { token: adminKey.key }), 403);
    expectProblem(await call("POST", "/api/v1/workspace/transfer-ownership", { token: admin.token, body: { member_id: admin.membershipId } }), 403);

    expect((await call("POST", "/api/v1/workspace/transfer-ownership", { token: owner.token, body: { member_id: admin.membershipId } })).status).toBe(204);
    expect(field((await call("GET", "/api/v1/me", { token: admin.token })).json, "role")).toBe("owner");
    expect(field((await call("GET", "/api/v1/me", { token: owner.token })).json, "role")).toBe("admin");
    expectProblem(await call("DELETE", "/api/v1/workspace?confirm=Acme%20Baltic", { token: owner.token }), 403);
  });

  it("deletes a workspace with everything in it, after the name is confirmed", async () => {
    const owner = await signUp();
    const member = await addMember(owner, "member");
    await createApiKey(owner, "read");
    const company = await call("POST", "/api/v1/companies", { token: owner.token, body: { name: "UAB Gone", domain: "gone.lt" } });
    await call("POST", "/api/v1/contacts", {
      token: owner.token,
      body: { first_name: "Gone", emails: ["gone@gone.lt"], phones: [{ number: "+37061234567" }], tags: ["x"], company_id: field<string>(company.json, "id"), consent: { status: "granted" } },
    });
    const form = await call("POST", "/api/v1/forms", { token: owner.token, body: { name: "Gone form", fields: [{ field: "email", required: true }] } });
    await exports.default.fetch(`http://localhost/f/${field<string>(form.json, "public_key")}`, {
      method: "POST",
      headers: { "content-type": "application/json", "cf-connecting-ip": "192.0.2.44" },
      body: JSON.stringify({ email: "lead@gone.lt" }),
    });
    expectProblem(await call("DELETE", "/api/v1/workspace?confirm=wrong", { token: owner.token }), 422);
    expect((await call("DELETE", "/api/v1/workspace?confirm=Acme%20Baltic", { token: owner.token })).status).toBe(204);
    expectProblem(await call("GET", "/api/v1/workspace", { token: owner.token }), 401);
    expectProblem(await call("GET", "/api/v1/workspace", { token: member.token }), 401);
    for (const table of ["contacts", "companies", "contact_emails", "pipelines", "stages", "forms", "form_submissions", "deals", "audit_log"]) {
      const left = await env.DB.prepare(`SELECT COUNT(*) AS n FROM ${table} WHERE workspace_id = ?`).bind(owner.workspaceId).first<{ n: number }>();
      expect(left?.n, table).toBe(0);
    }
  });

  it("never changes or removes the owner through member routes", async () => {
    const owner = await signUp();
    const admin = await addMember(owner, "admin");
    const members = field<{ id: string; role: string }[]>((await call("GET", "/api/v1/members", { token: owner.token })).json, "data");
    const ownerMembership = members.find((m) => m.role === "owner")?.id ?? "";
    expectProblem(await call("PATCH", `/api/v1/members/${ownerMembership}`, { token: admin.token, body: { role: "viewer" } }), 422, "owner_role_fixed");
    expectProblem(await call("DELETE", `/api/v1/members/${ownerMembership}`, { token: admin.token }), 422, "owner_cannot_leave");
    expectProblem(await call("PATCH", `/api/v1/members/${admin.membershipId}`, { token: owner.token, body: { role: "owner" } }), 422);
  });

  it("lets a member leave the workspace but not remove others", async () => {
    const owner = await signUp();
    const member = await addMember(owner, "member");
    const other = await addMember(owner, "viewer");
    expectProblem(await call("DELETE", `/api/v1/members/${other.membershipId}`, { token: member.token }), 403);
    expect((await call("DELETE", `/api/v1/members/${member.membershipId}`, { token: member.token })).status).toBe(204);
  });
});

describe("API keys", () => {
  it("shows the key once, stores only its hash, and authenticates with it", async () => {
    const owner = await signUp();
    const created = await createApiKey(owner, "write");
    expect(created.key).toMatch(/^rk_[\w-]{43}$/);
    const list = await call("GET", "/api/v1/api-keys", { token: owner.token });
    expect(list.text).not.toContain(created.key);
    expect(field<{ prefix: string }[]>(list.json, "data")[0]?.prefix).toBe(created.key.slice(0, 10));
    const me = await call("GET", "/api/v1/me", { token: created.key });
    expect(me.json).toMatchObject({ user: null, api_key: { id: created.id, scope: "write" }, role: "member" });
  });

  it("limits a key to its scope", async () => {
    const owner = await signUp();
    const read = await createApiKey(owner, "read");
    const write = await createApiKey(owner, "write");
    const admin = await createApiKey(owner, "admin");
    expect((await call("GET", "/api/v1/members", { token: read.key })).status).toBe(200);
    expectProblem(await call("PATCH", "/api/v1/workspace", { token: read.key, body: { name: "x" } }), 403);
    expectProblem(await call("PATCH", "/api/v1/workspace", { token: write.key, body: { name: "x" } }), 403);
    expect((await call("PATCH", "/api/v1/workspace", { token: admin.key, body: { name: "x" } })).status).toBe(200);
  });

  it("stops a revoked key at once", async () => {
    const owner = await signUp();
    const key = await createApiKey(owner, "read");
    expect((await call("DELETE", `/api/v1/api-keys/${key.id}`, { token: owner.token })).status).toBe(204);
    expectProblem(await call("GET", "/api/v1/me", { token: key.key }), 401);
    expectProblem(await call("DELETE", `/api/v1/api-keys/${key.id}`, { token: owner.token }), 404);
  });
});

describe("the audit log", () => {
  it("records every change with actor, diff and request id, and never a secret", async () => {
    const owner = await signUp();
    const patched = await call("PATCH", "/api/v1/workspace", { token: owner.token, body: { name: "Renamed", default_currency: "USD" } });
    const member = await addMember(owner, "viewer");
    await call("PATCH", `/api/v1/members/${member.membershipId}`, { token: owner.token, body: { role: "member" } });
    const key = await createApiKey(owner, "read");
    await call("DELETE", `/api/v1/api-keys/${key.id}`, { token: owner.token });
    await call("DELETE", `/api/v1/members/${member.membershipId}`, { token: owner.token });

    const entries = await auditOf(owner.token);
    const actions = entries.map((e) => e.action);
    expect(actions).toEqual(
      expect.arrayContaining([
        "workspace.created",
        "user.created",
        "member.added",
        "workspace.updated",
        "invitation.created",
        "invitation.accepted",
        "member.role_changed",
        "api_key.created",
        "api_key.revoked",
        "member.removed",
      ]),
    );
    const update = entries.find((e) => e.action === "workspace.updated");
    expect(update?.diff).toEqual({ before: { name: "Acme Baltic", default_currency: "EUR" }, after: { name: "Renamed", default_currency: "USD" } });
    expect(update?.actor_id).toBe(owner.userId);
    expect(update?.request_id).toBe(patched.headers.get("x-request-id"));
    const all = JSON.stringify(entries);
    expect(all).not.toContain("scrypt$");
    expect(all).not.toContain(key.key);

    const filtered = await auditOf(owner.token, `&entity_type=member&entity_id=${member.membershipId}`);
    expect(filtered.map((e) => e.action).sort()).toEqual(["member.added", "member.removed", "member.role_changed"]);
  });
});

describe("names beside ids", () => {
  it("answers who invited and who acted by name", async () => {
    const owner = await signUp();
    await call("POST", "/api/v1/invitations", { token: owner.token, body: { email: uniqueEmail(), role: "viewer" } });
    const invitations = await call("GET", "/api/v1/invitations", { token: owner.token });
    expect(field<{ invited_by_name: string }[]>(invitations.json, "data")[0]?.invited_by_name).toBe("Ona Owner");
    const key = await createApiKey(owner, "admin");
    await call("PATCH", "/api/v1/workspace", { token: key.key, body: { name: "By key" } });
    const entries = await auditOf(owner.token);
    expect(entries.find((e) => e.action === "workspace.updated")).toMatchObject({ actor_type: "api_key", actor_name: "key admin" });
    expect(entries.find((e) => e.action === "invitation.created")).toMatchObject({ actor_type: "user", actor_name: "Ona Owner" });
  });

  it("points a duplicate invitation at the email field", async () => {
    const owner = await signUp();
    const res = await call("POST", "/api/v1/invitations", { token: owner.token, body: { email: owner.email, role: "viewer" } });
    const problem = expectProblem(res, 409, "already_member");
    expect(field(problem, "errors")).toEqual([{ pointer: "/email", code: "already_member", detail: expect.any(String) }]);
  });

  it("refuses reserved region codes as a phone country", async () => {
    const owner = await signUp();
    for (const code of ["ZZ", "EU", "UN", "QO", "XA"]) {
      expectProblem(await call("PATCH", "/api/v1/workspace", { token: owner.token, body: { default_phone_country: code } }), 422);
    }
    expect((await call("PATCH", "/api/v1/workspace", { token: owner.token, body: { default_phone_country: "XK" } })).status).toBe(200);
  });
});

describe("losing access", () => {
  it("throttles password guesses made through an invitation like sign-ins", async () => {
    const victim = await signUp();
    const other = await signUp();
    const invite = await call("POST", "/api/v1/invitations", { token: other.token, body: { email: victim.email, role: "viewer" } });
    const token = field<string>(invite.json, "token");
    for (let i = 0; i < 5; i++) expectProblem(await call("POST", `/api/v1/invitations/${token}/accept`, { body: { password: `guess ${i}` } }), 401);
    expectProblem(await call("POST", `/api/v1/invitations/${token}/accept`, { body: { password: victim.password } }), 429);
  });

  it("closes a removed member's live connection", async () => {
    const owner = await signUp();
    const member = await addMember(owner, "member");
    const res = await exports.default.fetch("http://localhost/api/v1/live", { headers: { upgrade: "websocket", authorization: `Bearer ${member.token}` } });
    const socket = res.webSocket;
    if (!socket) throw new Error("no socket");
    let closedWith = 0;
    socket.addEventListener("close", (event) => {
      closedWith = event.code;
    });
    socket.accept();
    expect((await call("DELETE", `/api/v1/members/${member.membershipId}`, { token: owner.token })).status).toBe(204);
    await vi.waitFor(() => expect(closedWith).toBe(4403));
  });
});
