import { describe, expect, it } from "vitest";
import { methodIndex } from "./method-not-allowed";

describe("methodIndex", () => {
  const allowed = methodIndex([
    { method: "GET", path: "/api/v1/members" },
    { method: "PATCH", path: "/api/v1/members/:id" },
    { method: "DELETE", path: "/api/v1/members/:id" },
    { method: "ALL", path: "/api/v1/*" },
  ]);

  it("lists the methods registered for a path, ignoring middleware", () => {
    expect(allowed("/api/v1/members/mem_1")).toEqual(["DELETE", "PATCH"]);
    expect(allowed("/api/v1/members")).toEqual(["GET"]);
  });

  it("finds nothing for unknown paths", () => {
    expect(allowed("/api/v1/members/mem_1/extra")).toEqual([]);
  });
});
