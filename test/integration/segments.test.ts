import { beforeAll, describe, expect, it } from "vitest";
import { addMember, call, expectProblem, field, signUp, type Account } from "../helpers/api";

// Segments API: saved filters with an exact live count and preview, saved views on the contacts
// list, 422 pointers into bad filters, If-Match, roles and workspace isolation.

let owner: Account;
const vilniusConsented = {
  op: "and",
  conditions: [
    { field: "city", op: "in", value: ["Vilnius"] },
    { field: "consent", op: "in", value: ["granted"] },
  ],
};

async function contact(body: Record<string, unknown>) {
  const res = await call("POST", "/api/v1/contacts", { token: owner.token, body });
  if (res.status !== 201) throw new Error(`contact ${res.status} ${res.text}`);
  return field<string>(res.json, "id");
}

beforeAll(async () => {
  owner = await signUp();
  await contact({ first_name: "Ona", city: "Vilnius", consent: { status: "granted", source: "form" } });
  await contact({ first_name: "Jonas", city: "Vilnius", consent: { status: "denied", source: "email" } });
  await contact({ first_name: "Aldona", city: "Vilnius", consent: { status: "granted", source: "form" } });
  await contact({ first_name: "Anna", city: "Rīga", consent: { status: "granted", source: "form" } });
});

describe("segments", () => {
  it("saves a segment and previews its exact count and first contacts by name", async () => {
    const created = await call("POST", "/api/v1/segments", { token: owner.token, body: { name: "Vilnius, consented", filter: vilniusConsented } });
    expect(created.status).toBe(201);
    expect(created.headers.get("etag")).toBe('"1"');
    const id = field<string>(created.json, "id");
    expect(id).toMatch(/^seg_/);
    expect(created.json).toMatchObject({ name: "Vilnius, consented", description: null, filter: vilniusConsented, version: 1 });

    const preview = await call("GET", `/api/v1/segments/${id}/preview?limit=1`, { token: owner.token });
    expect(preview.status).toBe(200);
    expect(field<number>(preview.json, "count")).toBe(2);
    expect(field<{ first_name: string }[]>(preview.json, "data").map((c) => c.first_name)).toEqual(["Aldona"]);
    // The sample is whole contacts, ids included (a joined company must not shadow the contact's id).
    expect(field<{ id: string }[]>(preview.json, "data").map((c) => c.id)).toEqual([expect.stringMatching(/^con_/)]);

    const live = await call("POST", "/api/v1/segments/preview", { token: owner.token, body: { filter: { op: "or", conditions: [{ field: "city", op: "in", value: ["Rīga"] }, vilniusConsented] } } });
    expect(live.status).toBe(200);
    expect(field<number>(live.json, "count")).toBe(3);

    const list = await call("GET", "/api/v1/segments", { token: owner.token });
    expect(field<{ id: string }[]>(list.json, "data").map((s) => s.id)).toContain(id);
  });

  it("serves as a saved view on the contacts list, combined with other filters; an unknown segment is a 422", async () => {
    const created = await call("POST", "/api/v1/segments", { token: owner.token, body: { name: "Vilnius", filter: { op: "and", conditions: [{ field: "city", op: "in", value: ["Vilnius"] }] } } });
    const id = field<string>(created.json, "id");
    const all = await call("GET", `/api/v1/contacts?segment_id=${id}`, { token: owner.token });
    expect(all.status).toBe(200);
    expect(field<{ first_name: string }[]>(all.json, "data").map((c) => c.first_name)).toEqual(["Aldona", "Jonas", "Ona"]);
    const denied = await call("GET", `/api/v1/contacts?segment_id=${id}&consent=denied`, { token: owner.token });
    expect(field<{ first_name: string }[]>(denied.json, "data").map((c) => c.first_name)).toEqual(["Jonas"]);
    const unknown = await call("GET", "/api/v1/contacts?segment_id=seg_01jd0000000000000000000000", { token: owner.token });
    const problem = expectProblem(unknown, 422);
    expect(problem.errors).toEqual([expect.objectContaining({ parameter: "segment_id" })]);
  });

  it("answers an unknown field or a wrong value type with a 422 pointing into the filter", async () => {
    const unknownField = await call("POST", "/api/v1/segments", { token: owner.token, body: { name: "x", filter: { op: "and", conditions: [{ field: "shoe_size", op: "in", value: [42] }] } } });
    expect(field<{ pointer: string }[]>(expectProblem(unknownField, 422), "errors").map((e) => e.pointer)).toContain("/filter/conditions/0/field");
    const wrongType = await call("POST", "/api/v1/segments/preview", { token: owner.token, body: { filter: { op: "and", conditions: [{ field: "created_at", op: "within_last_days", value: "ninety" }] } } });
    expect(field<{ pointer: string }[]>(expectProblem(wrongType, 422), "errors").map((e) => e.pointer)).toContain("/filter/conditions/0/value");
  });

  it("changes with If-Match (412 when stale) and deletes", async () => {
    const created = await call("POST", "/api/v1/segments", { token: owner.token, body: { name: "Old", filter: vilniusConsented } });
    const id = field<string>(created.json, "id");
    const changed = await call("PATCH", `/api/v1/segments/${id}`, { token: owner.token, headers: { "if-match": '"1"' }, body: { name: "New", description: "Renamed" } });
    expect(changed.status).toBe(200);
    expect(changed.json).toMatchObject({ name: "New", description: "Renamed", version: 2 });
    const stale = await call("PATCH", `/api/v1/segments/${id}`, { token: owner.token, headers: { "if-match": '"1"' }, body: { name: "Lost" } });
    expectProblem(stale, 412);
    const badFilter = await call("PATCH", `/api/v1/segments/${id}`, { token: owner.token, body: { filter: { op: "xor", conditions: [] } } });
    expectProblem(badFilter, 422);
    expect((await call("DELETE", `/api/v1/segments/${id}`, { token: owner.token })).status).toBe(204);
    expectProblem(await call("GET", `/api/v1/segments/${id}`, { token: owner.token }), 404);
  });

  it("lets viewers read but not write, and hides other workspaces' segments", async () => {
    const created = await call("POST", "/api/v1/segments", { token: owner.token, body: { name: "Mine", filter: vilniusConsented } });
    const id = field<string>(created.json, "id");
    const viewer = await addMember(owner, "viewer");
    expect((await call("GET", `/api/v1/segments/${id}/preview`, { token: viewer.token })).status).toBe(200);
    expectProblem(await call("POST", "/api/v1/segments", { token: viewer.token, body: { name: "No", filter: vilniusConsented } }), 403);
    expectProblem(await call("DELETE", `/api/v1/segments/${id}`, { token: viewer.token }), 403);
    const stranger = await signUp();
    expectProblem(await call("GET", `/api/v1/segments/${id}`, { token: stranger.token }), 404);
    expectProblem(await call("GET", `/api/v1/segments/${id}/preview`, { token: stranger.token }), 404);
    expectProblem(await call("PATCH", `/api/v1/segments/${id}`, { token: stranger.token, body: { name: "Stolen" } }), 404);
    expectProblem(await call("DELETE", `/api/v1/segments/${id}`, { token: stranger.token }), 404);
    expectProblem(await call("GET", `/api/v1/contacts?segment_id=${id}`, { token: stranger.token }), 422);
  });
});
