import { describe, expect, it } from "vitest";
import { buildBoard, inBaseCurrency } from "./board";
import type { Deal } from "./deal.schema";

const stage = (id: string, position: number, probability: number) => ({ id, name: id, position, probability, kind: "open" as const, rotting_days: null });
const deal = (id: string, stageId: string, value: number, currency: string, position: string): Deal => ({
  id,
  title: id,
  value,
  currency,
  pipeline_id: "pip_1",
  stage_id: stageId,
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
});

describe("buildBoard", () => {
  it("groups deals by stage in position order with counts, totals and weighted totals", () => {
    const board = buildBoard({
      pipelineId: "pip_1",
      baseCurrency: "EUR",
      seq: 7,
      stages: [stage("s2", 1, 50), stage("s1", 0, 10)],
      deals: [deal("b", "s1", 1000, "EUR", "a1"), deal("a", "s1", 500, "EUR", "a0"), deal("c", "s2", 1000, "USD", "a0"), deal("d", "s2", 100, "JPY", "a1")],
      rates: new Map([["USD", 0.9]]),
    });
    expect(board.columns.map((c) => [c.id, c.deals.map((d) => d.id), c.count, c.total, c.weighted_total])).toEqual([
      ["s1", ["a", "b"], 2, 1500, 150],
      ["s2", ["c", "d"], 2, 900, 450],
    ]);
    expect(board.missing_rates).toEqual(["JPY"]);
    expect(board.seq).toBe(7);
  });
});

describe("inBaseCurrency", () => {
  it("converts with the rate and rounds to minor units", () => {
    expect(inBaseCurrency({ value: 333, currency: "USD" }, "EUR", new Map([["USD", 0.915]]))).toBe(305);
    expect(inBaseCurrency({ value: 333, currency: "EUR" }, "EUR", new Map())).toBe(333);
    expect(inBaseCurrency({ value: 333, currency: "GBP" }, "EUR", new Map())).toBeNull();
  });

  it("respects the minor units of both currencies", () => {
    expect(inBaseCurrency({ value: 1000, currency: "JPY" }, "EUR", new Map([["JPY", 0.0062]]))).toBe(620);
    expect(inBaseCurrency({ value: 1000, currency: "BHD" }, "EUR", new Map([["BHD", 2.4]]))).toBe(240);
    expect(inBaseCurrency({ value: 620, currency: "EUR" }, "JPY", new Map([["EUR", 161.3]]))).toBe(1000);
  });
});
