import { describe, expect, it } from "vitest";
import { describeDiff } from "./audit";

describe("describeDiff", () => {
  it("lists only the fields that changed", () => {
    expect(describeDiff({ before: { name: "A", version: 1, currency: "EUR" }, after: { name: "B", version: 2, currency: "EUR" } })).toEqual([
      "name: A → B",
      "version: 1 → 2",
    ]);
  });

  it("shows created and deleted records", () => {
    expect(describeDiff({ before: null, after: { role: "member" } })).toEqual(["role: member"]);
    expect(describeDiff({ before: { role: "member" }, after: null })).toEqual(["role: member → ∅"]);
  });

  it("caps long diffs", () => {
    const after = Object.fromEntries(Array.from({ length: 9 }, (_, i) => [`f${i}`, i]));
    expect(describeDiff({ before: null, after }, 3)).toEqual(["f0: 0", "f1: 1", "f2: 2", "+6"]);
  });
});
