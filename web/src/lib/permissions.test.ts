import { describe, expect, it } from "vitest";
import { can, hasRole } from "./permissions";

describe("permissions", () => {
  it("orders roles", () => {
    expect(hasRole("owner", "admin")).toBe(true);
    expect(hasRole("member", "admin")).toBe(false);
    expect(hasRole("viewer", "viewer")).toBe(true);
  });

  it("keeps settings read-only for members and viewers", () => {
    expect(can.editWorkspace("viewer")).toBe(false);
    expect(can.editWorkspace("member")).toBe(false);
    expect(can.editWorkspace("admin")).toBe(true);
    expect(can.manageApiKeys("member")).toBe(false);
  });

  it("never offers to demote or remove the owner, and lets anyone leave", () => {
    expect(can.changeRoleOf("owner", { role: "owner" })).toBe(false);
    expect(can.changeRoleOf("admin", { role: "member" })).toBe(true);
    expect(can.remove("owner", { role: "owner", user_id: "u1" }, "u1")).toBe(false);
    expect(can.remove("viewer", { role: "viewer", user_id: "u2" }, "u2")).toBe(true);
    expect(can.remove("member", { role: "viewer", user_id: "u3" }, "u2")).toBe(false);
  });
});
