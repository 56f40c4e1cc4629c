import { env } from "cloudflare:workers";
import { and, eq, isNull } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { createDatabase } from "../../workers/db/client";
import { contacts } from "../../workers/db/schema";
import { compileSegmentFilter } from "../../workers/segments/compile";
import { SegmentFilter, type SegmentGroup } from "../../workers/segments/segment-filter";
import { addMember, call, field, signUp, type Account } from "../helpers/api";

// Segment filters compiled to SQL and run against D1: each case names who it must select.

let owner: Account;
let colleagueId: string;
const ids = new Map<string, string>();
const day = 24 * 60 * 60 * 1000;

async function create(path: string, body: Record<string, unknown>) {
  const res = await call("POST", path, { token: owner.token, body });
  if (res.status !== 201) throw new Error(`${path} ${res.status} ${res.text}`);
  return field<{ id: string }>(res.json).id;
}

beforeAll(async () => {
  owner = await signUp();
  colleagueId = (await addMember(owner, "member")).userId;
  const software = await create("/api/v1/companies", { name: "Programa UAB", industry: "Software", size_band: "11-50" });
  const farm = await create("/api/v1/companies", { name: "Ūkis", industry: "Agriculture", size_band: "1-10" });
  const people: [string, Record<string, unknown>][] = [
    ["ona", { first_name: "Ona", city: "Vilnius", country: "LT", lifecycle_stage: "customer", tags: ["VIP", "newsletter"], consent: { status: "granted", source: "form" }, company_id: software }],
    ["jonas", { first_name: "Jonas", city: " vilnius ", country: "LT", lifecycle_stage: "lead", tags: ["newsletter"], consent: { status: "denied", source: "email" }, company_id: farm, owner_id: null }],
    ["anna", { first_name: "Anna", city: "Rīga", country: "LV", lifecycle_stage: "customer", consent: { status: "granted", source: "form" } }],
    ["ivan", { first_name: "Иван", city: null, country: null, lifecycle_stage: "opportunity" }],
  ];
  for (const [key, body] of people) ids.set(key, await create("/api/v1/contacts", body));
  // Ivan belongs to a colleague; Jonas to no one; the rest to the owner (the creator).
  const ivan = ids.get("ivan") ?? "";
  const current = await call("GET", `/api/v1/contacts/${ivan}`, { token: owner.token });
  await call("PATCH", `/api/v1/contacts/${ivan}`, { token: owner.token, body: { owner_id: colleagueId }, headers: { "if-match": current.headers.get("etag") ?? "" } });
  const pipelines = await call("GET", "/api/v1/pipelines", { token: owner.token });
  const [pipeline] = field<{ stages: { id: string; kind: string }[] }[]>(pipelines.json, "data");
  const open = pipeline?.stages.find((s) => s.kind === "open")?.id;
  const won = pipeline?.stages.find((s) => s.kind === "won")?.id;
  await create("/api/v1/deals", { title: "Licences", stage_id: open, primary_contact_id: ids.get("ona") });
  await create("/api/v1/deals", { title: "Seeds", stage_id: won, primary_contact_id: ids.get("jonas"), contact_ids: [ids.get("anna")] });
  // Anna had a call 10 days ago; Ona 200 days ago; the others never.
  await create("/api/v1/activities", { type: "call", contact_id: ids.get("anna"), occurred_at: new Date(Date.now() - 10 * day).toISOString() });
  await create("/api/v1/activities", { type: "call", contact_id: ids.get("ona"), occurred_at: new Date(Date.now() - 200 * day).toISOString() });
});

async function select(filter: unknown): Promise<string[]> {
  const group: SegmentGroup = SegmentFilter.parse(filter);
  const db = createDatabase(env.DB);
  const rows = await db
    .select({ id: contacts.id })
    .from(contacts)
    .where(and(eq(contacts.workspaceId, owner.workspaceId), isNull(contacts.deletedAt), compileSegmentFilter(group, owner.workspaceId, Date.now())));
  const names = new Map([...ids].map(([name, id]) => [id, name]));
  return rows.map((row) => names.get(row.id) ?? row.id).sort();
}

const where = (...conditions: unknown[]) => ({ op: "and", conditions });

describe("segment filters on contacts", () => {
  it("matches customers in Vilnius who agreed to marketing, whatever the city's case and spaces", async () => {
    expect(await select(where({ field: "city", op: "in", value: ["Vilnius"] }))).toEqual(["jonas", "ona"]);
    expect(await select(where({ field: "city", op: "in", value: ["VILNIUS"] }, { field: "consent", op: "in", value: ["granted"] }, { field: "lifecycle_stage", op: "in", value: ["customer"] }))).toEqual(["ona"]);
  });

  it("counts a contact with no value as 'not in' a list", async () => {
    expect(await select(where({ field: "country", op: "not_in", value: ["LT"] }))).toEqual(["anna", "ivan"]);
    expect(await select(where({ field: "city", op: "not_in", value: ["vilnius", "rīga"] }))).toEqual(["ivan"]);
  });

  it("reads tags case-insensitively with any, all and none", async () => {
    expect(await select(where({ field: "tags", op: "has_any", value: ["vip", "Newsletter"] }))).toEqual(["jonas", "ona"]);
    expect(await select(where({ field: "tags", op: "has_all", value: ["vip", "newsletter"] }))).toEqual(["ona"]);
    expect(await select(where({ field: "tags", op: "has_none", value: ["newsletter"] }))).toEqual(["anna", "ivan"]);
  });

  it("selects by owner, with null meaning no owner", async () => {
    expect(await select(where({ field: "owner_id", op: "in", value: [null] }))).toEqual(["jonas"]);
    expect(await select(where({ field: "owner_id", op: "in", value: [colleagueId, null] }))).toEqual(["ivan", "jonas"]);
    expect(await select(where({ field: "owner_id", op: "not_in", value: [owner.userId] }))).toEqual(["ivan", "jonas"]);
    expect(await select(where({ field: "owner_id", op: "not_in", value: [owner.userId, null] }))).toEqual(["ivan"]);
  });

  it("looks through the company for industry and size", async () => {
    expect(await select(where({ field: "company_industry", op: "in", value: ["Software"] }))).toEqual(["ona"]);
    expect(await select(where({ field: "company_size", op: "not_in", value: ["11-50"] }))).toEqual(["anna", "ivan", "jonas"]);
  });

  it("finds contacts on deals by status, as primary contact or one of the deal's contacts", async () => {
    expect(await select(where({ field: "deal_status", op: "has_any", value: ["won"] }))).toEqual(["anna", "jonas"]);
    expect(await select(where({ field: "deal_status", op: "has_any", value: ["open"] }))).toEqual(["ona"]);
    expect(await select(where({ field: "deal_status", op: "has_none", value: ["open", "won", "lost"] }))).toEqual(["ivan"]);
  });

  it("keeps relative dates relative and counts never as 'not within'", async () => {
    expect(await select(where({ field: "last_activity_at", op: "within_last_days", value: 30 }))).toEqual(["anna"]);
    expect(await select(where({ field: "last_activity_at", op: "not_within_last_days", value: 90 }))).toEqual(["ivan", "jonas", "ona"]);
    expect(await select(where({ field: "created_at", op: "after", value: new Date(Date.now() - day).toISOString() }))).toEqual(["anna", "ivan", "jonas", "ona"]);
    expect(await select(where({ field: "created_at", op: "before", value: new Date(Date.now() - day).toISOString() }))).toEqual([]);
  });

  it("combines nested and/or groups; an empty 'and' is everyone and an empty 'or' no one", async () => {
    const filter = {
      op: "or",
      conditions: [
        where({ field: "country", op: "in", value: ["LV"] }, { field: "consent", op: "in", value: ["granted"] }),
        where({ field: "lifecycle_stage", op: "in", value: ["opportunity"] }, { op: "or", conditions: [] }),
        where({ field: "tags", op: "has_any", value: ["vip"] }),
      ],
    };
    expect(await select(filter)).toEqual(["anna", "ona"]);
    expect(await select(where())).toEqual(["anna", "ivan", "jonas", "ona"]);
    expect(await select({ op: "or", conditions: [] })).toEqual([]);
  });
});

describe("validating a segment filter", () => {
  const problems = (filter: unknown) => {
    const parsed = SegmentFilter.safeParse(filter);
    return parsed.success ? [] : parsed.error.issues.map((issue) => [`/${issue.path.join("/")}`, issue.message]);
  };

  it("points at an unknown field, a wrong type and an unknown operator", () => {
    expect(problems(where({ field: "citty", op: "in", value: ["Vilnius"] }))).toEqual([["/conditions/0/field", expect.stringContaining("lifecycle_stage")]]);
    expect(problems(where({ field: "city", op: "in", value: [3] }))).toEqual([["/conditions/0/value/0", expect.any(String)]]);
    expect(problems(where({ op: "or", conditions: [{ field: "created_at", op: "soon", value: 3 }] }))).toEqual([["/conditions/0/conditions/0/op", expect.any(String)]]);
    expect(problems(where({ field: "last_activity_at", op: "within_last_days", value: "30" }))).toEqual([["/conditions/0/value", expect.any(String)]]);
  });

  it("limits nesting depth and the number of conditions", () => {
    const deep = where(where(where(where({ field: "country", op: "in", value: ["LT"] }))));
    expect(problems(deep)).toEqual([["/conditions", expect.stringContaining("3 deep")]]);
    const many = where(...Array.from({ length: 16 }, () => where({ field: "country", op: "in", value: ["LT"] }, { field: "country", op: "in", value: ["LV"] })));
    expect(problems(many)).toEqual([["/conditions", expect.stringContaining("30 conditions")]]);
  });
});
