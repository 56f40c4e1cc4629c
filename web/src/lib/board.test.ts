import { describe, expect, it } from "vitest";
import type { Board, BoardColumn, Deal } from "../../../workers/deals/deal.schema";
import { anchorAt, applyDealEvent, daysInStage, filterBoard, findDeal, isNewerThanSnapshot, isRotting, keyboardTarget, moveLocally, othersIn, placeDeal, ratesInForce } from "./board";

const none = new Map<string, number>();

function deal(id: string, stage: string, position: string, extra: Partial<Deal> = {}): Deal {
  return {
    id,
    title: id,
    value: 10_000,
    currency: "EUR",
    pipeline_id: "pip_1",
    stage_id: stage,
    position,
    primary_contact: null,
    contact_ids: [],
    company: null,
    owner_id: null,
    expected_close_date: null,
    status: "open",
    lost_reason: null,
    closed_at: null,
    stage_entered_at: "2026-11-01T00:00:00.000Z",
    last_activity_at: null,
    source: null,
    tags: [],
    created_by: null,
    created_at: "2026-11-01T00:00:00.000Z",
    updated_at: "2026-11-01T00:00:00.000Z",
    version: 1,
    ...extra,
  };
}

function column(id: string, probability: number, deals: Deal[]): BoardColumn {
  return { id, name: id, position: 0, probability, kind: "open", rotting_days: 14, deals, count: deals.length, total: 0, weighted_total: 0 };
}

function board(): Board {
  return {
    pipeline_id: "pip_1",
    base_currency: "EUR",
    seq: 10,
    missing_rates: [],
    columns: [column("stg_a", 10, [deal("deal_1", "stg_a", "a0"), deal("deal_2", "stg_a", "a1")]), column("stg_b", 50, [deal("deal_3", "stg_b", "a0")]), column("stg_c", 100, [])],
  };
}

const ids = (b: Board) => b.columns.map((c) => c.deals.map((d) => d.id));

describe("placing deals", () => {
  it("sorts a server deal into its stage by position and recomputes totals", () => {
    const next = placeDeal(board(), deal("deal_1", "stg_b", "a1", { version: 2, value: 5_000 }), none);
    expect(ids(next)).toEqual([["deal_2"], ["deal_3", "deal_1"], []]);
    expect(next.columns[1]).toMatchObject({ count: 2, total: 15_000, weighted_total: 7_500 });
  });

  it("converts other currencies with the rate in force and lists missing ones", () => {
    const b = placeDeal(board(), deal("deal_9", "stg_c", "a0", { currency: "USD", value: 1_000 }), new Map([["USD", 0.9]]));
    expect(b.columns[2]?.total).toBe(900);
    const missing = placeDeal(board(), deal("deal_9", "stg_c", "a0", { currency: "SEK" }), none);
    expect(missing.missing_rates).toEqual(["SEK"]);
    expect(missing.columns[2]?.total).toBe(0);
  });

  it("ignores the echo of a move the board already shows (same version)", () => {
    const moved = placeDeal(board(), deal("deal_1", "stg_b", "a1", { version: 2 }), none);
    expect(applyDealEvent(moved, "deal.moved", "deal_1", deal("deal_1", "stg_b", "a1", { version: 2 }), none)).toBeNull();
    expect(applyDealEvent(moved, "deal.moved", "deal_1", deal("deal_1", "stg_a", "a0", { version: 1 }), none)).toBeNull();
  });

  it("applies a newer remote move in place, adds created deals and removes deleted ones", () => {
    const moved = applyDealEvent(board(), "deal.moved", "deal_2", deal("deal_2", "stg_c", "a0", { version: 2 }), none);
    expect(moved && ids(moved)).toEqual([["deal_1"], ["deal_3"], ["deal_2"]]);
    const created = applyDealEvent(board(), "deal.created", "deal_4", deal("deal_4", "stg_a", "Zz"), none);
    expect(created && ids(created)).toEqual([["deal_4", "deal_1", "deal_2"], ["deal_3"], []]);
    expect(applyDealEvent(board(), "deal.created", "deal_5", deal("deal_5", "stg_x", "a0", { pipeline_id: "pip_2" }), none)).toBeNull();
    const deleted = applyDealEvent(board(), "deal.deleted", "deal_3", null, none);
    expect(deleted && ids(deleted)).toEqual([["deal_1", "deal_2"], [], []]);
  });

  it("drops a deal moved to another pipeline", () => {
    const next = applyDealEvent(board(), "deal.updated", "deal_3", deal("deal_3", "stg_z", "a0", { pipeline_id: "pip_2", version: 2 }), none);
    expect(next && ids(next)).toEqual([["deal_1", "deal_2"], [], []]);
  });

  it("knows which events the snapshot already holds", () => {
    expect(isNewerThanSnapshot(board(), 10)).toBe(false);
    expect(isNewerThanSnapshot(board(), 11)).toBe(true);
  });
});

describe("moving", () => {
  it("moves a card locally before, after or at the end", () => {
    expect(ids(moveLocally(board(), "deal_3", "stg_a", { before_id: "deal_2" }, none))).toEqual([["deal_1", "deal_3", "deal_2"], [], []]);
    expect(ids(moveLocally(board(), "deal_1", "stg_a", { after_id: "deal_2" }, none))).toEqual([["deal_2", "deal_1"], ["deal_3"], []]);
    const atEnd = moveLocally(board(), "deal_1", "stg_c", {}, none);
    expect(ids(atEnd)).toEqual([["deal_2"], ["deal_3"], ["deal_1"]]);
    expect(findDeal(atEnd, "deal_1")?.deal.stage_id).toBe("stg_c");
    expect(atEnd.columns[2]?.weighted_total).toBe(10_000);
  });

  it("names the neighbour to land next to", () => {
    const others = othersIn(board().columns[0] as BoardColumn, "deal_1");
    expect(anchorAt(others, 0)).toEqual({ before_id: "deal_2" });
    expect(anchorAt(others, 1)).toEqual({ after_id: "deal_2" });
    expect(anchorAt([], 0)).toEqual({});
  });

  it("computes keyboard targets: arrows within and across columns, clamped", () => {
    const b = board();
    expect(keyboardTarget(b, "deal_1", { stageIndex: 0, index: 0 }, "ArrowUp")).toEqual({ stageIndex: 0, index: 0 });
    expect(keyboardTarget(b, "deal_1", { stageIndex: 0, index: 0 }, "ArrowDown")).toEqual({ stageIndex: 0, index: 1 });
    expect(keyboardTarget(b, "deal_1", { stageIndex: 0, index: 1 }, "ArrowDown")).toEqual({ stageIndex: 0, index: 1 });
    expect(keyboardTarget(b, "deal_1", { stageIndex: 0, index: 1 }, "ArrowRight")).toEqual({ stageIndex: 1, index: 1 });
    expect(keyboardTarget(b, "deal_1", { stageIndex: 1, index: 1 }, "ArrowRight")).toEqual({ stageIndex: 2, index: 0 });
    expect(keyboardTarget(b, "deal_1", { stageIndex: 2, index: 0 }, "ArrowRight")).toEqual({ stageIndex: 2, index: 0 });
    expect(keyboardTarget(b, "deal_1", { stageIndex: 0, index: 0 }, "ArrowLeft")).toEqual({ stageIndex: 0, index: 0 });
    expect(keyboardTarget(b, "deal_3", { stageIndex: 0, index: 0 }, "End")).toEqual({ stageIndex: 0, index: 2 });
  });
});

describe("filters, rot and rates", () => {
  it("filters by owner and tag with totals of what is shown", () => {
    const b = placeDeal(board(), deal("deal_7", "stg_a", "a2", { owner_id: "usr_1", tags: ["vip"], value: 300 }), none);
    const mine = filterBoard(b, { owner: "usr_1", tag: "" }, none);
    expect(ids(mine)).toEqual([["deal_7"], [], []]);
    expect(mine.columns[0]?.total).toBe(300);
    expect(ids(filterBoard(b, { owner: "none", tag: "" }, none))).toEqual([["deal_1", "deal_2"], ["deal_3"], []]);
    expect(ids(filterBoard(b, { owner: "", tag: "vip" }, none))).toEqual([["deal_7"], [], []]);
  });

  it("counts whole days in stage and flags rotting open deals", () => {
    const now = Date.parse("2026-11-22T12:00:00Z");
    const d = deal("deal_1", "stg_a", "a0");
    expect(daysInStage(d, now)).toBe(21);
    expect(isRotting(d, { kind: "open", rotting_days: 14 }, now)).toBe(true);
    expect(isRotting(d, { kind: "open", rotting_days: 30 }, now)).toBe(false);
    expect(isRotting(d, { kind: "won", rotting_days: 14 }, now)).toBe(false);
    expect(isRotting(d, { kind: "open", rotting_days: null }, now)).toBe(false);
  });

  it("counts idle days from the later of stage entry and the last activity", () => {
    const now = Date.parse("2026-11-22T12:00:00Z");
    const touched = deal("deal_1", "stg_a", "a0", { last_activity_at: "2026-11-20T00:00:00.000Z" });
    expect(daysInStage(touched, now)).toBe(2);
    expect(isRotting(touched, { kind: "open", rotting_days: 14 }, now)).toBe(false);
    // An activity logged before the deal entered its stage does not make it look fresher.
    const older = deal("deal_1", "stg_a", "a0", { last_activity_at: "2026-10-01T00:00:00.000Z" });
    expect(daysInStage(older, now)).toBe(21);
    expect(isRotting(older, { kind: "open", rotting_days: 14 }, now)).toBe(true);
  });

  it("applies a touch (same version, later activity) and ignores one the board already shows", () => {
    const touched = deal("deal_1", "stg_a", "a0", { last_activity_at: "2026-11-20T00:00:00.000Z" });
    const next = applyDealEvent(board(), "deal.updated", "deal_1", touched, none);
    expect(next && findDeal(next, "deal_1")?.deal.last_activity_at).toBe("2026-11-20T00:00:00.000Z");
    expect(next && applyDealEvent(next, "deal.updated", "deal_1", touched, none)).toBeNull();
  });

  it("picks the latest rate that is in force today", () => {
    const rates = ratesInForce(
      [
        { currency: "USD", rate: "0.90", valid_from: "2026-01-01" },
        { currency: "USD", rate: "0.95", valid_from: "2026-11-01" },
        { currency: "USD", rate: "1.10", valid_from: "2027-01-01" },
      ],
      "2026-11-22",
    );
    expect(rates.get("USD")).toBe(0.95);
  });
});
