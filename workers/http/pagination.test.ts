import { describe, expect, it } from "vitest";
import { decodeCursor, encodeCursor, idCursor, toPage } from "./pagination";
import { ProblemError } from "./problem";

describe("cursors", () => {
  it("round-trip the sort key, including non-ASCII text", () => {
    const key = ["Šarūnas", 42, "con_01"];
    expect(decodeCursor(encodeCursor(key))).toEqual(key);
  });

  it("reject anything the API did not issue with a 422 problem", () => {
    for (const forged of ["!!!", "bm90LWpzb24", encodeCursor([]), btoa(JSON.stringify({ id: 1 }))]) {
      expect(() => decodeCursor(forged)).toThrow(ProblemError);
    }
    expect(() => idCursor(encodeCursor([7]))).toThrow(ProblemError);
  });

  it("treat no cursor as the first page", () => {
    expect(decodeCursor(undefined)).toBeNull();
  });
});

describe("toPage", () => {
  const rows = [{ id: "a" }, { id: "b" }, { id: "c" }];

  it("returns limit rows and a cursor when one more row was fetched", () => {
    const page = toPage(rows, 2, (row) => [row.id], (row) => row.id);
    expect(page.data).toEqual(["a", "b"]);
    expect(page.next_cursor && decodeCursor(page.next_cursor)).toEqual(["b"]);
  });

  it("returns no cursor on the last page", () => {
    expect(toPage(rows, 3, (row) => [row.id], (row) => row.id).next_cursor).toBeNull();
  });
});
