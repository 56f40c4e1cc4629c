import { describe, expect, it } from "vitest";
import { compareNewestFirst, mergeNewestFirst, type TimelineKey } from "./merge";

const item = (id: string, at: number): TimelineKey => ({ id, at });

/** What a source returns for a cursor: its items older than the cursor, newest first, at most limit + 1. */
function fetchSource(items: TimelineKey[], cursor: TimelineKey | null, limit: number) {
  return [...items]
    .sort(compareNewestFirst)
    .filter((candidate) => cursor === null || compareNewestFirst(cursor, candidate) < 0)
    .slice(0, limit + 1);
}

describe("merging timeline sources", () => {
  it("interleaves sources newest first and breaks ties on `at` by id", () => {
    const { page, next } = mergeNewestFirst(
      [
        [item("act_b", 30), item("act_a", 10)],
        [item("tsk_a", 20), item("tsk_b", 30)],
        [item("aud_a", 30)],
      ],
      10,
    );
    expect(page.map((entry) => entry.id)).toEqual(["tsk_b", "aud_a", "act_b", "tsk_a", "act_a"]);
    expect(next).toBeNull();
  });

  it("returns `limit` items and a cursor when any source has more", () => {
    const { page, next } = mergeNewestFirst([[item("act_c", 50), item("act_b", 40), item("act_a", 30)], [item("sub_a", 45)]], 2);
    expect(page.map((entry) => entry.id)).toEqual(["act_c", "sub_a"]);
    expect(next).toEqual({ at: 45, id: "sub_a" });
  });

  it("walks every item exactly once across pages, whatever the page size, with ties across sources", () => {
    const sources = [
      Array.from({ length: 7 }, (_, i) => item(`act_${i}`, 100 - i * 3)),
      Array.from({ length: 5 }, (_, i) => item(`tsk_${i}`, 100 - i * 4)),
      [item("sub_0", 91), item("sub_1", 91), item("sub_2", 1)],
      [],
    ];
    const everything = sources.flat().sort(compareNewestFirst).map((entry) => entry.id);
    for (const limit of [1, 2, 3, 5, 50]) {
      const seen: string[] = [];
      let cursor: TimelineKey | null = null;
      for (let guard = 0; guard < 100; guard++) {
        const { page, next }: { page: TimelineKey[]; next: TimelineKey | null } = mergeNewestFirst(
          sources.map((source) => fetchSource(source, cursor, limit)),
          limit,
          cursor,
        );
        seen.push(...page.map((entry) => entry.id));
        if (next === null) break;
        cursor = next;
      }
      expect(seen, `limit ${limit}`).toEqual(everything);
    }
  });

  it("drops anything a source returned that is not older than the cursor", () => {
    const { page } = mergeNewestFirst([[item("act_b", 20), item("act_a", 10)]], 5, { at: 20, id: "act_b" });
    expect(page.map((entry) => entry.id)).toEqual(["act_a"]);
  });
});
