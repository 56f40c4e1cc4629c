import { evictDurableObject } from "cloudflare:test";
import { env, exports } from "cloudflare:workers";
import { describe, expect, it, vi } from "vitest";
import { addMember, call, expectProblem, field, signUp, type Account } from "../helpers/api";

type Stage = { id: string; name: string; kind: string; probability: number };
type Deal = { id: string; stage_id: string; position: string; version: number; title: string; value: number; status: string };
type Board = { seq: number; columns: (Stage & { deals: Deal[]; count: number; total: number; weighted_total: number })[]; missing_rates: string[]; base_currency: string };

async function defaultPipeline(owner: Account) {
  const res = await call("GET", "/api/v1/pipelines", { token: owner.token });
  const [pipeline] = field<{ id: string; stages: Stage[]; is_default: boolean }[]>(res.json, "data");
  if (!pipeline) throw new Error("no pipeline");
  return pipeline;
}

async function newDeal(owner: Account, body: Record<string, unknown>) {
  const res = await call("POST", "/api/v1/deals", { token: owner.token, body });
  if (res.status !== 201) throw new Error(`deal ${res.status} ${res.text}`);
  return field<Deal>(res.json);
}

async function board(owner: Account, pipelineId: string) {
  const res = await call("GET", `/api/v1/pipelines/${pipelineId}/board`, { token: owner.token });
  expect(res.status, res.text).toBe(200);
  return field<Board>(res.json);
}

const titles = (b: Board, stageIndex: number) => b.columns[stageIndex]?.deals.map((d) => d.title) ?? [];

describe("pipelines", () => {
  it("sign-up creates the default pipeline New → Qualified → Proposal → Negotiation → Won / Lost", async () => {
    const owner = await signUp();
    const pipeline = await defaultPipeline(owner);
    expect(pipeline.is_default).toBe(true);
    expect(pipeline.stages.map((s) => [s.name, s.probability, s.kind])).toEqual([
      ["New", 10, "open"],
      ["Qualified", 25, "open"],
      ["Proposal", 50, "open"],
      ["Negotiation", 75, "open"],
      ["Won", 100, "won"],
      ["Lost", 0, "lost"],
    ]);
  });

  it("refuses to drop a stage that holds deals unless told where they go", async () => {
    const owner = await signUp();
    const pipeline = await defaultPipeline(owner);
    const [first, second, ...rest] = pipeline.stages;
    await newDeal(owner, { title: "Held" });
    const without = pipeline.stages.slice(1).map(({ id, name, probability, kind }) => ({ id, name, probability, kind }));
    expectProblem(await call("PATCH", `/api/v1/pipelines/${pipeline.id}`, { token: owner.token, body: { stages: without } }), 409, "stage_has_deals");
    const ok = await call("PATCH", `/api/v1/pipelines/${pipeline.id}`, { token: owner.token, body: { stages: without, move_deals_to: { [first?.id ?? ""]: second?.id ?? "" } } });
    expect(ok.status, ok.text).toBe(200);
    expect(field<Stage[]>(ok.json, "stages")).toHaveLength(rest.length + 1);
    expect(titles(await board(owner, pipeline.id), 0)).toEqual(["Held"]);
  });
});

describe("pipeline edits that touch deals", () => {
  it("removes a stage whose only deals were deleted, and creates a pipeline with many stages", async () => {
    const owner = await signUp();
    const pipeline = await defaultPipeline(owner);
    const deal = await newDeal(owner, { title: "Deleted" });
    expect((await call("DELETE", `/api/v1/deals/${deal.id}`, { token: owner.token })).status).toBe(204);
    const without = pipeline.stages.slice(1).map(({ id, name, probability, kind }) => ({ id, name, probability, kind }));
    const res = await call("PATCH", `/api/v1/pipelines/${pipeline.id}`, { token: owner.token, body: { stages: without } });
    expect(res.status, res.text).toBe(200);
    const many = Array.from({ length: 20 }, (_, i) => ({ name: `Step ${i}`, probability: i * 5, kind: "open" }));
    expect((await call("POST", "/api/v1/pipelines", { token: owner.token, body: { name: "Long", stages: many } })).status).toBe(201);
  });
});

describe("deals on the board", () => {
  it("places new deals at the end and moves them before, after and across stages", async () => {
    const owner = await signUp();
    const pipeline = await defaultPipeline(owner);
    const [newStage, qualified] = pipeline.stages;
    const a = await newDeal(owner, { title: "A", value: 1000 });
    const b = await newDeal(owner, { title: "B", value: 2000 });
    const c = await newDeal(owner, { title: "C", value: 3000 });
    expect(titles(await board(owner, pipeline.id), 0)).toEqual(["A", "B", "C"]);

    const moved = await call("POST", `/api/v1/deals/${c.id}/move`, { token: owner.token, body: { stage_id: newStage?.id, before_id: a.id, version: c.version } });
    expect(moved.status, moved.text).toBe(200);
    expect(titles(await board(owner, pipeline.id), 0)).toEqual(["C", "A", "B"]);
    await call("POST", `/api/v1/deals/${a.id}/move`, { token: owner.token, body: { stage_id: qualified?.id, version: a.version } });
    await call("POST", `/api/v1/deals/${b.id}/move`, { token: owner.token, body: { stage_id: qualified?.id, after_id: a.id, version: b.version } });
    const after = await board(owner, pipeline.id);
    expect(titles(after, 0)).toEqual(["C"]);
    expect(titles(after, 1)).toEqual(["A", "B"]);
    expect(after.columns[1]).toMatchObject({ count: 2, total: 3000, weighted_total: 750 });
    const history = await call("GET", `/api/v1/deals/${a.id}/history`, { token: owner.token });
    expect(field<{ from_stage_id: string | null; to_stage_id: string }[]>(history.json, "data").map((h) => [h.from_stage_id, h.to_stage_id])).toEqual([
      [newStage?.id, qualified?.id],
      [null, newStage?.id],
    ]);
  });

  it("answers a stale version with 409 and the deal's current state", async () => {
    const owner = await signUp();
    const pipeline = await defaultPipeline(owner);
    const deal = await newDeal(owner, { title: "Stale" });
    await call("POST", `/api/v1/deals/${deal.id}/move`, { token: owner.token, body: { stage_id: pipeline.stages[1]?.id, version: 1 } });
    const stale = await call("POST", `/api/v1/deals/${deal.id}/move`, { token: owner.token, body: { stage_id: pipeline.stages[2]?.id, version: 1 } });
    const problem = expectProblem(stale, 409, "deal_changed");
    expect(field(problem, "current")).toMatchObject({ id: deal.id, version: 2, stage_id: pipeline.stages[1]?.id });
  });

  it("closes deals moved to won or lost and reopens them when moved back", async () => {
    const owner = await signUp();
    const pipeline = await defaultPipeline(owner);
    const deal = await newDeal(owner, { title: "Close me" });
    const lost = await call("POST", `/api/v1/deals/${deal.id}/move`, { token: owner.token, body: { stage_id: pipeline.stages[5]?.id, version: 1, lost_reason: "Price" } });
    expect(lost.json).toMatchObject({ status: "lost", lost_reason: "Price" });
    expect(field(lost.json, "closed_at")).not.toBeNull();
    const reopened = await call("POST", `/api/v1/deals/${deal.id}/move`, { token: owner.token, body: { stage_id: pipeline.stages[0]?.id, version: 2 } });
    expect(reopened.json).toMatchObject({ status: "open", closed_at: null, lost_reason: null });
  });

  it("totals in the base currency with exchange rates, and names currencies without one", async () => {
    const owner = await signUp();
    const pipeline = await defaultPipeline(owner);
    await newDeal(owner, { title: "EUR", value: 10000 });
    await newDeal(owner, { title: "USD", value: 10000, currency: "USD" });
    await newDeal(owner, { title: "GBP", value: 10000, currency: "GBP" });
    let b = await board(owner, pipeline.id);
    expect(b.columns[0]).toMatchObject({ total: 10000 });
    expect(b.missing_rates).toEqual(["GBP", "USD"]);
    const rates = await call("PUT", "/api/v1/exchange-rates", { token: owner.token, body: { rates: [{ currency: "USD", rate: "0.9", valid_from: "2026-01-01" }] } });
    expect(rates.status, rates.text).toBe(200);
    b = await board(owner, pipeline.id);
    expect(b.columns[0]).toMatchObject({ total: 19000, weighted_total: 1900 });
    expect(b.missing_rates).toEqual(["GBP"]);
  });

  it("refuses stages, contacts and companies of other workspaces, and bad moves", async () => {
    const owner = await signUp();
    const other = await signUp();
    const theirs = await defaultPipeline(other);
    const pipeline = await defaultPipeline(owner);
    const deal = await newDeal(owner, { title: "Mine" });
    const theirDeal = await newDeal(other, { title: "Theirs" });
    expectProblem(await call("POST", "/api/v1/deals", { token: owner.token, body: { title: "X", stage_id: theirs.stages[0]?.id } }), 422);
    expectProblem(await call("POST", `/api/v1/deals/${deal.id}/move`, { token: owner.token, body: { stage_id: theirs.stages[1]?.id, version: 1 } }), 422);
    expectProblem(await call("POST", `/api/v1/deals/${theirDeal.id}/move`, { token: owner.token, body: { stage_id: pipeline.stages[1]?.id, version: 1 } }), 404);
    expectProblem(await call("POST", `/api/v1/deals/${deal.id}/move`, { token: owner.token, body: { stage_id: pipeline.stages[1]?.id, before_id: theirDeal.id, version: 1 } }), 422);
    expectProblem(await call("POST", "/api/v1/deals", { token: owner.token, body: { title: "X", primary_contact_id: "con_nope" } }), 422);
    const viewer = await addMember(owner, "viewer");
    expectProblem(await call("POST", `/api/v1/deals/${deal.id}/move`, { token: viewer.token, body: { stage_id: pipeline.stages[1]?.id, version: 1 } }), 403);
  });
});

describe("the deal list", () => {
  it("returns a full page of 200 deals with their other contacts (more ids than D1 binds parameters)", async () => {
    const owner = await signUp();
    const contact = field<{ id: string }>((await call("POST", "/api/v1/contacts", { token: owner.token, body: { first_name: "Ona" } })).json);
    for (let i = 0; i < 150; i += 1) await newDeal(owner, { title: `Deal ${i}`, contact_ids: i % 2 === 0 ? [contact.id] : [] });
    const res = await call("GET", "/api/v1/deals?limit=200", { token: owner.token });
    expect(res.status, res.text).toBe(200);
    const page = field<(Deal & { contact_ids: string[] })[]>(res.json, "data");
    expect(page).toHaveLength(150);
    expect(page.filter((deal) => deal.contact_ids.includes(contact.id))).toHaveLength(75);
  });
});

describe("the hub under load", () => {
  it("applies fifty concurrent moves without losing one, in one order every observer sees", async () => {
    const owner = await signUp();
    const pipeline = await defaultPipeline(owner);
    const deals: Deal[] = [];
    for (let i = 0; i < 10; i++) deals.push(await newDeal(owner, { title: `D${i}` }));
    const sockets = await Promise.all([openSocket(owner), openSocket(owner)]);

    // Fifty moves from parallel requests; a move whose version went stale is retried with the
    // current version, like a client would.
    const moves = Array.from({ length: 50 }, (_, i) => ({ deal: deals[i % deals.length] as Deal, stage: pipeline.stages[i % 4] as Stage }));
    await Promise.all(
      moves.map(async ({ deal, stage }) => {
        for (let attempt = 0; attempt < 20; attempt++) {
          const current = field<Deal>((await call("GET", `/api/v1/deals/${deal.id}`, { token: owner.token })).json);
          const res = await call("POST", `/api/v1/deals/${deal.id}/move`, { token: owner.token, body: { stage_id: stage.id, version: current.version } });
          if (res.status === 200) return;
          expect(res.status, res.text).toBe(409);
        }
        throw new Error("move never succeeded");
      }),
    );
    const finalBoard = await board(owner, pipeline.id);
    const fromD1 = await Promise.all(deals.map(async (d) => field<Deal>((await call("GET", `/api/v1/deals/${d.id}`, { token: owner.token })).json)));
    expect(fromD1.reduce((sum, d) => sum + d.version, 0)).toBe(deals.length + 50);
    for (const deal of fromD1) {
      const column = finalBoard.columns.find((col) => col.id === deal.stage_id);
      expect(column?.deals.find((d) => d.id === deal.id)?.version).toBe(deal.version);
    }
    await vi.waitFor(() => {
      for (const socket of sockets) expect(socket.events.filter((e) => e.type === "deal.moved")).toHaveLength(50);
    });
    const [first, second] = sockets.map((socket) => socket.events.filter((e) => e.type === "deal.moved").map((e) => `${e.seq}:${e.id}`));
    expect(first).toEqual(second);
    const seqs = sockets[0]?.events.map((e) => e.seq) ?? [];
    expect(seqs).toEqual([...seqs].sort((x, y) => x - y));
    for (const socket of sockets) socket.close();
  });

  it("rebuilds an identical board after the hub is evicted", async () => {
    const owner = await signUp();
    const pipeline = await defaultPipeline(owner);
    for (let i = 0; i < 5; i++) await newDeal(owner, { title: `E${i}`, value: i * 100 });
    const before = await board(owner, pipeline.id);
    const stub = env.HUB.get(env.HUB.idFromName(owner.workspaceId));
    await evictDurableObject(stub);
    const after = await board(owner, pipeline.id);
    expect(after).toEqual(before);
  });

  it("answers a malformed frame with an error event and keeps the connection; tracks presence", async () => {
    const owner = await signUp();
    const pipeline = await defaultPipeline(owner);
    const watcher = await openSocket(owner);
    const other = await openSocket(owner);
    watcher.socket.send("not json");
    watcher.socket.send(JSON.stringify({ type: "launch_missiles" }));
    await vi.waitFor(() => expect(watcher.events.filter((e) => e.type === "error")).toHaveLength(2));
    other.socket.send(JSON.stringify({ type: "watch", target: `pipeline:${pipeline.id}` }));
    await vi.waitFor(() => expect(watcher.events.find((e) => e.type === "presence")).toMatchObject({ target: `pipeline:${pipeline.id}`, users: [owner.userId] }));
    watcher.socket.send(JSON.stringify({ type: "ping" }));
    await vi.waitFor(() => expect(watcher.events.some((e) => e.type === "pong")).toBe(true));
    watcher.close();
    other.close();
  });
});

describe("what the board carries", () => {
  it("shows open deals and those closed in the last 30 days, not every deal ever closed", async () => {
    const owner = await signUp();
    const pipeline = await defaultPipeline(owner);
    const won = pipeline.stages.find((s) => s.kind === "won");
    const recent = await newDeal(owner, { title: "Won lately" });
    const old = await newDeal(owner, { title: "Won long ago" });
    await newDeal(owner, { title: "Open" });
    for (const deal of [recent, old]) await call("POST", `/api/v1/deals/${deal.id}/move`, { token: owner.token, body: { stage_id: won?.id, version: 1 } });
    await env.DB.prepare("UPDATE deals SET closed_at = ? WHERE id = ?").bind(Date.now() - 40 * 24 * 3600 * 1000, old.id).run();
    await evictDurableObject(env.HUB.get(env.HUB.idFromName(owner.workspaceId)));
    const titlesOnBoard = (await board(owner, pipeline.id)).columns.flatMap((c) => c.deals.map((d) => d.title)).sort();
    expect(titlesOnBoard).toEqual(["Open", "Won lately"]);
  });
});

type Frame = { type: string; seq: number; id?: string; target?: string; users?: string[] };

async function openSocket(owner: Account) {
  const res = await exports.default.fetch("http://localhost/api/v1/live", { headers: { upgrade: "websocket", authorization: `Bearer ${owner.token}` } });
  const socket = res.webSocket;
  if (!socket) throw new Error(`no socket: ${res.status}`);
  const events: Frame[] = [];
  socket.addEventListener("message", (event) => events.push(JSON.parse(String(event.data))));
  socket.accept();
  await vi.waitFor(() => expect(events[0]?.type).toBe("hello"));
  return { socket, events, close: () => socket.close() };
}
