import { z } from "zod";
import { describe, expect, it } from "vitest";
import { fieldErrorsFrom, toPointer } from "./validation";

describe("toPointer", () => {
  it("builds RFC 6901 pointers and escapes ~ and /", () => {
    expect(toPointer(["emails", 0, "value"])).toBe("/emails/0/value");
    expect(toPointer(["a/b", "c~d"])).toBe("/a~1b/c~0d");
    expect(toPointer([])).toBe("");
  });
});

describe("fieldErrorsFrom", () => {
  const schema = z.object({ email: z.email(), tags: z.array(z.string()) });

  it("points at body fields for JSON bodies", () => {
    const result = schema.safeParse({ email: "x", tags: [1] });
    expect(result.success).toBe(false);
    if (result.success) return;
    expect(fieldErrorsFrom(result.error, "json").map((e) => [e.pointer, e.code])).toEqual([
      ["/email", "invalid_email"],
      ["/tags/0", "invalid_type"],
    ]);
  });

  it("names the parameter for query strings", () => {
    const result = z.object({ limit: z.number() }).safeParse({ limit: "x" });
    if (result.success) throw new Error("expected failure");
    expect(fieldErrorsFrom(result.error, "query")).toEqual([{ parameter: "limit", code: "invalid_type", detail: expect.any(String) }]);
  });
});
