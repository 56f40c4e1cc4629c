import { describe, expect, it } from "vitest";
import { diffSnapshots } from "./diff";

describe("diffSnapshots", () => {
  it("keeps only the fields that changed", () => {
    expect(diffSnapshots({ name: "A", currency: "EUR", tags: ["x"] }, { name: "B", currency: "EUR", tags: ["x"] })).toEqual({
      before: { name: "A" },
      after: { name: "B" },
    });
  });

  it("compares nested values by content", () => {
    expect(diffSnapshots({ tags: ["x"] }, { tags: ["x", "y"] })).toEqual({ before: { tags: ["x"] }, after: { tags: ["x", "y"] } });
  });

  it("keeps whole snapshots for creates and deletes, without secrets", () => {
    expect(diffSnapshots(null, { email: "a@b.c", password_hash: "scrypt$..." })).toEqual({ before: null, after: { email: "a@b.c" } });
    expect(diffSnapshots({ key_hash: "h", name: "k" }, null)).toEqual({ before: { name: "k" }, after: null });
  });
});
