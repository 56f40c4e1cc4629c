import { describe, expect, it } from "vitest";
import { dealExportQuery, directExportUrl, exportFilters, fallbackFileName, fileNameFrom, jobFromProblem, menuIndexAfter } from "./exports";

describe("export requests from a list's filters", () => {
  it("keeps the list's filters as strings and drops empties, paging and format", () => {
    expect(exportFilters({ q: "ona", sort: undefined, has_email: "true", limit: 50, cursor: "abc", format: "json", tag: "" })).toEqual({ q: "ona", has_email: "true" });
  });

  it("builds the direct export URL with the format first and the filters encoded", () => {
    expect(directExportUrl("contacts", "csv", { lifecycle_stage: "customer", q: "Šar ū", cursor: "x" })).toBe("/api/v1/contacts/export?format=csv&lifecycle_stage=customer&q=%C5%A0ar+%C5%AB");
    expect(directExportUrl("companies", "json", {})).toBe("/api/v1/companies/export?format=json");
    expect(directExportUrl("contacts", "csv", { tag: "vip" }, "semicolon")).toBe("/api/v1/contacts/export?format=csv&delimiter=semicolon&tag=vip");
    // JSON has no delimiter: the choice is not sent.
    expect(directExportUrl("contacts", "json", {}, "semicolon")).toBe("/api/v1/contacts/export?format=json");
    expect(jobFromProblem({ export_job: { body: { entity: "contacts", format: "csv", delimiter: "semicolon", filters: {} } } }, { entity: "contacts", format: "csv", filters: {} })).toEqual({ entity: "contacts", format: "csv", delimiter: "semicolon", filters: {} });
  });

  it("turns board filters into the deal list's filters and says when the file will hold more than the board shows", () => {
    expect(dealExportQuery("pip_1", { owner: "", tag: "" })).toEqual({ query: { pipeline_id: "pip_1", owner_id: undefined }, partial: false });
    expect(dealExportQuery("pip_1", { owner: "usr_1", tag: "" })).toEqual({ query: { pipeline_id: "pip_1", owner_id: "usr_1" }, partial: false });
    expect(dealExportQuery("pip_1", { owner: "none", tag: "" })).toEqual({ query: { pipeline_id: "pip_1", owner_id: undefined }, partial: true });
    expect(dealExportQuery("pip_1", { owner: "usr_1", tag: "vip" }).partial).toBe(true);
  });
});

describe("reading the answers", () => {
  it("takes a plain file name from Content-Disposition and nothing path-like", () => {
    expect(fileNameFrom('attachment; filename="contacts-2026-11-22.csv"', "x.csv")).toBe("contacts-2026-11-22.csv");
    expect(fileNameFrom('attachment; filename="../../etc/passwd"', "x.csv")).toBe("x.csv");
    expect(fileNameFrom(null, "x.csv")).toBe("x.csv");
    expect(fallbackFileName("deals", "json", new Date("2026-11-22T10:00:00Z"))).toBe("deals-2026-11-22.json");
  });

  it("reads the job proposed by export_too_large, falling back to the request when it is malformed", () => {
    const fallback = { entity: "contacts" as const, format: "csv" as const, filters: { tag: "vip" } };
    expect(jobFromProblem({ export_job: { method: "POST", href: "/api/v1/exports", body: { entity: "deals", format: "json", filters: { status: "open", bad: 3 } } } }, fallback)).toEqual({
      entity: "deals",
      format: "json",
      filters: { status: "open" },
    });
    expect(jobFromProblem({ export_job: { body: { entity: "tasks", format: "csv", filters: {} } } }, fallback)).toBe(fallback);
    expect(jobFromProblem({}, fallback)).toBe(fallback);
  });

  it("moves menu focus with arrows, Home and End, wrapping around", () => {
    expect(menuIndexAfter("ArrowDown", 0, 2)).toBe(1);
    expect(menuIndexAfter("ArrowDown", 1, 2)).toBe(0);
    expect(menuIndexAfter("ArrowUp", 0, 2)).toBe(1);
    expect(menuIndexAfter("Home", 1, 2)).toBe(0);
    expect(menuIndexAfter("End", 0, 2)).toBe(1);
    expect(menuIndexAfter("a", 0, 2)).toBeNull();
    expect(menuIndexAfter("ArrowDown", 0, 0)).toBeNull();
  });
});
