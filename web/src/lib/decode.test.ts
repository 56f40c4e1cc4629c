import { describe, expect, it } from "vitest";
import { array, DecodeError, nullable, number, object, oneOf, page, string } from "./decode";

describe("decoders", () => {
  const person = object({ name: string, age: nullable(number), role: oneOf(["admin", "member"] as const) });

  it("keeps the declared fields and drops the rest", () => {
    expect(person({ name: "Ona", age: null, role: "admin", secret: "x" })).toEqual({ name: "Ona", age: null, role: "admin" });
  });

  it("names the path of the first wrong field", () => {
    expect(() => array(person)([{ name: "Ona", age: 3, role: "owner" }])).toThrow(/\[0\]\.role is not one of admin, member/);
    expect(() => person({ name: 1, age: 3, role: "admin" })).toThrow(DecodeError);
    expect(() => person("nope")).toThrow(/is not an object/);
  });

  it("decodes cursor pages", () => {
    expect(page(string)({ data: ["a"], next_cursor: null })).toEqual({ data: ["a"], next_cursor: null });
    expect(() => page(string)({ data: ["a"] })).toThrow(/next_cursor/);
  });

  it("rejects non-finite numbers", () => {
    expect(() => number(Number.NaN)).toThrow(DecodeError);
  });
});
