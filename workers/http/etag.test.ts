import { describe, expect, it } from "vitest";
import { assertVersion, etagFor, parseIfMatch } from "./etag";
import { ProblemError } from "./problem";

describe("If-Match", () => {
  it("reads strong and weak ETags and ignores a missing header or *", () => {
    expect(parseIfMatch(etagFor(3))).toBe(3);
    expect(parseIfMatch('W/"4"')).toBe(4);
    expect(parseIfMatch(undefined)).toBeNull();
    expect(parseIfMatch("*")).toBeNull();
  });

  it("rejects a malformed header and a stale version", () => {
    expect(() => parseIfMatch("three")).toThrow(ProblemError);
    expect(() => assertVersion(2, 3)).toThrow(ProblemError);
    expect(() => assertVersion(3, 3)).not.toThrow();
  });
});
