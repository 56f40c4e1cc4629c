import { describe, expect, it } from "vitest";
import { placeInColumn, sortColumn, type Placed } from "./placement";
import { ProblemError } from "../http/problem";

function apply(column: Placed[], id: string, target: { beforeId?: string; afterId?: string }) {
  const position = placeInColumn(column, id, target);
  const next = column.filter((d) => d.id !== id).concat({ id, position });
  return sortColumn(next).map((d) => d.id);
}

describe("placeInColumn", () => {
  const column: Placed[] = [
    { id: "a", position: "a0" },
    { id: "b", position: "a1" },
    { id: "c", position: "a2" },
  ];

  it("puts a deal at the end when no neighbour is named", () => {
    expect(apply(column, "x", {})).toEqual(["a", "b", "c", "x"]);
  });

  it("puts a deal before or after a named neighbour", () => {
    expect(apply(column, "x", { beforeId: "a" })).toEqual(["x", "a", "b", "c"]);
    expect(apply(column, "x", { beforeId: "c" })).toEqual(["a", "b", "x", "c"]);
    expect(apply(column, "x", { afterId: "c" })).toEqual(["a", "b", "c", "x"]);
    expect(apply(column, "c", { beforeId: "a" })).toEqual(["c", "a", "b"]);
  });

  it("keeps ordering through a thousand inserts at the same spot (no renumbering)", () => {
    let current: Placed[] = [...column];
    for (let i = 0; i < 1000; i++) {
      const position = placeInColumn(current, `n${i}`, { afterId: "a" });
      current = sortColumn([...current, { id: `n${i}`, position }]);
    }
    expect(current[0]?.id).toBe("a");
    expect(current[1]?.id).toBe("n999");
    expect(current.at(-1)?.id).toBe("c");
  });

  it("refuses a neighbour that is not in the column", () => {
    expect(() => placeInColumn(column, "x", { beforeId: "zzz" })).toThrow(ProblemError);
  });
});
