import { describe, expect, it } from "vitest";
import { companyFiltersFrom, companySearch, contactFiltersFrom, contactQuery, contactSearch, hasActiveFilters } from "./list-query";

describe("contact filters in the URL", () => {
  it("round-trips filters and leaves defaults out", () => {
    const filters = contactFiltersFrom("?q=ona&lifecycle_stage=lead&has_email=true&sort=-created_at&tag=vip");
    expect(filters).toEqual({ q: "ona", sort: "-created_at", lifecycle_stage: "lead", has_email: true, tag: "vip" });
    expect(contactFiltersFrom(contactSearch(filters))).toEqual(filters);
    expect(contactSearch(contactFiltersFrom(""))).toBe("");
  });

  it("drops unknown values instead of sending them", () => {
    const filters = contactFiltersFrom("?lifecycle_stage=boss&sort=shoe_size&consent=maybe&has_phone=yes&country=lithuania");
    expect(filters).toEqual({ q: "", sort: "name" });
    expect(hasActiveFilters(filters)).toBe(false);
  });

  it("omits sort while searching, because search results come newest first", () => {
    expect(contactQuery({ q: "  sarunas ", sort: "-name" })).toMatchObject({ q: "sarunas", sort: undefined });
    expect(contactQuery({ q: " ", sort: "-name" })).toMatchObject({ q: undefined, sort: "-name" });
    expect(hasActiveFilters({ q: "x", sort: "name" })).toBe(true);
  });

  it("normalises the country code", () => {
    expect(contactFiltersFrom("?country=lt").country).toBe("LT");
  });
});

describe("company filters in the URL", () => {
  it("round-trips", () => {
    const filters = companyFiltersFrom("?q=alfa&sort=-updated_at");
    expect(filters).toEqual({ q: "alfa", sort: "-updated_at" });
    expect(companySearch(filters)).toBe("?q=alfa&sort=-updated_at");
    expect(companySearch({ q: "", sort: "name" })).toBe("");
  });
});
