import { describe, expect, it } from "vitest";
import { isPublicRoute, matchRoute, safeNextPath } from "./routes";

describe("matchRoute", () => {
  it("knows contacts and companies, their record pages and the recently deleted", () => {
    expect(matchRoute("/contacts")).toEqual({ name: "contacts" });
    expect(matchRoute("/contacts/new")).toEqual({ name: "contacts-new" });
    expect(matchRoute("/contacts/deleted/")).toEqual({ name: "contacts-deleted" });
    expect(matchRoute("/contacts/con_01HX9abc")).toEqual({ name: "contact", id: "con_01HX9abc" });
    expect(matchRoute("/contacts/cmp_01HX9abc").name).toBe("not-found");
    expect(matchRoute("/companies/cmp_01HX9abc")).toEqual({ name: "company", id: "cmp_01HX9abc" });
    expect(matchRoute("/companies/new")).toEqual({ name: "companies-new" });
    expect(matchRoute("/companies/deleted")).toEqual({ name: "companies-deleted" });
  });

  it("knows the app's paths, with or without a trailing slash", () => {
    expect(matchRoute("/")).toEqual({ name: "home" });
    expect(matchRoute("/settings/team/")).toEqual({ name: "settings-team" });
    expect(matchRoute("/settings")).toEqual({ name: "settings-workspace" });
    expect(matchRoute("/settings/audit")).toEqual({ name: "settings-audit" });
  });

  it("extracts invitation tokens and rejects odd ones", () => {
    expect(matchRoute("/invite/inv_tok_abcdefghijkl")).toEqual({ name: "invite", token: "inv_tok_abcdefghijkl" });
    expect(matchRoute("/invite/short").name).toBe("not-found");
    expect(matchRoute("/invite/has%20space%20in%20it").name).toBe("not-found");
  });

  it("answers not-found for the rest", () => {
    expect(matchRoute("/reports").name).toBe("not-found");
    expect(matchRoute("/contacts/con_/edit").name).toBe("not-found");
  });
});

describe("safeNextPath", () => {
  it("allows app paths and refuses other origins or auth screens", () => {
    expect(safeNextPath("/settings/team")).toBe("/settings/team");
    expect(safeNextPath("//evil.example/settings")).toBe("/");
    expect(safeNextPath("https://evil.example")).toBe("/");
    expect(safeNextPath("/signin")).toBe("/");
    expect(safeNextPath(null)).toBe("/");
  });

  it("treats only sign-in, sign-up and invitations as public", () => {
    expect(isPublicRoute(matchRoute("/signup"))).toBe(true);
    expect(isPublicRoute(matchRoute("/settings/api-keys"))).toBe(false);
  });

describe("pipeline routes", () => {
  it("matches the board, a deal and the pipeline settings", () => {
    expect(matchRoute("/pipeline")).toEqual({ name: "pipeline", id: null });
    expect(matchRoute("/pipeline/pip_01abc")).toEqual({ name: "pipeline", id: "pip_01abc" });
    expect(matchRoute("/deals/deal_01abc")).toEqual({ name: "deal", id: "deal_01abc" });
    expect(matchRoute("/deals/con_1")).toEqual({ name: "not-found" });
    expect(matchRoute("/deals")).toEqual({ name: "pipeline", id: null });
    expect(matchRoute("/settings/pipelines")).toEqual({ name: "settings-pipelines" });
    expect(matchRoute("/settings/exchange-rates")).toEqual({ name: "settings-exchange-rates" });
    expect(matchRoute("/settings/forms")).toEqual({ name: "settings-forms" });
    expect(matchRoute("/settings/forms/new")).toEqual({ name: "settings-form-new" });
    expect(matchRoute("/settings/forms/frm_01abc")).toEqual({ name: "settings-form", id: "frm_01abc" });
    expect(matchRoute("/settings/forms/frm_01abc/edit")).toEqual({ name: "settings-form-edit", id: "frm_01abc" });
    expect(matchRoute("/settings/forms/con_01abc")).toEqual({ name: "not-found" });
  });

  it("matches my tasks, notification settings and the outbox reader", () => {
    expect(matchRoute("/tasks")).toEqual({ name: "tasks" });
    expect(matchRoute("/settings/notifications")).toEqual({ name: "settings-notifications" });
    expect(matchRoute("/settings/outbox")).toEqual({ name: "settings-outbox" });
    expect(matchRoute("/settings/outbox/eml_01abc")).toEqual({ name: "settings-outbox-email", id: "eml_01abc" });
    expect(matchRoute("/settings/outbox/tsk_01abc")).toEqual({ name: "not-found" });
  });
});
});
