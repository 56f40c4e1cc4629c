import { describe, expect, it } from "vitest";
import { newId } from "./ids";

describe("newId", () => {
  it("is prefixed and 26 characters after the prefix", () => {
    expect(newId("workspace")).toMatch(/^ws_[0-9a-hjkmnp-tv-z]{26}$/);
    expect(newId("apiKey")).toMatch(/^key_/);
  });

  it("sorts by creation time", () => {
    const earlier = newId("user", Date.UTC(2026, 0, 1));
    const later = newId("user", Date.UTC(2026, 0, 2));
    expect([later, earlier].sort()).toEqual([earlier, later]);
  });

  it("does not repeat", () => {
    const ids = new Set(Array.from({ length: 1000 }, () => newId("audit", 1)));
    expect(ids.size).toBe(1000);
  });
});
