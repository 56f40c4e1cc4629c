import { describe, expect, it } from "vitest";
import { companyNameSort, contactNameSort, fold, normalizeDomain, normalizePhone, normalizeTags, searchQuery } from "./normalize";

describe("fold", () => {
  it("lowers case and drops diacritics in all five languages", () => {
    expect(fold("Šarūnas Žygimantas")).toBe("sarunas zygimantas");
    expect(fold("Jānis Bērziņš")).toBe("janis berzins");
    expect(fold("Anže Košir")).toBe("anze kosir");
    expect(fold("Иван Петров")).toBe("иван петров");
  });
});

describe("normalizePhone", () => {
  it("reads national and international forms in the default country", () => {
    for (const raw of ["8 612 34567", "+370 612 34567", "(8-612) 34567", "00370 612 34567"]) {
      expect(normalizePhone(raw, "LT")?.e164, raw).toBe("+37061234567");
    }
    expect(normalizePhone("+386 41 234 567", "LT")).toEqual({ e164: "+38641234567", national: "41234567" });
  });

  it("refuses numbers that cannot exist", () => {
    expect(normalizePhone("123", "LT")).toBeNull();
    expect(normalizePhone("+370 000 00000", "LT")).toBeNull();
    expect(normalizePhone("call me", "LT")).toBeNull();
  });
});

describe("names", () => {
  it("sorts contacts by last name, then first, then email", () => {
    expect(contactNameSort({ firstName: "Šarūnas", lastName: "Ąžuolas", email: null, phone: null })).toBe("azuolas sarunas");
    expect(contactNameSort({ firstName: null, lastName: null, email: "x@y.lt", phone: null })).toBe("x@y.lt");
  });

  it("sorts companies without their legal form or quotes", () => {
    expect(companyNameSort('UAB "Alfa"')).toBe("alfa");
    expect(companyNameSort("SIA Baltija")).toBe("baltija");
    expect(companyNameSort("Kovinska d.o.o.")).toBe("kovinska");
    expect(companyNameSort("ООО «Ромашка»")).toBe("ромашка");
    expect(companyNameSort("Acme, Ltd")).toBe("acme");
    expect(companyNameSort("UAB")).toBe("uab");
  });
});

describe("normalizeDomain", () => {
  it("reduces URLs and www to the host", () => {
    expect(normalizeDomain("https://www.Alfa.LT/about?x=1")).toBe("alfa.lt");
    expect(normalizeDomain("alfa.lt")).toBe("alfa.lt");
    expect(normalizeDomain("not a domain")).toBeNull();
    expect(normalizeDomain("localhost")).toBeNull();
  });
});

describe("normalizeTags", () => {
  it("trims, lowers, dedupes and sorts", () => {
    expect(normalizeTags([" VIP", "vip", "Kaunas", ""])).toEqual(["kaunas", "vip"]);
  });
});

describe("searchQuery", () => {
  it("prefixes every word", () => {
    expect(searchQuery("Šarūnas Pet", null)).toBe('{name email phone company} : ("sarunas"* AND "pet"*)');
  });

  it("matches phones by their digits in every form", () => {
    expect(searchQuery("8 612 34567", "LT")).toBe('phone : ("37061234567"* OR "61234567"*)');
  });

  it("reads a partly typed national number without its trunk prefix", () => {
    expect(searchQuery("8 612", "LT")).toBe('phone : ("612"* OR "370612"*)');
    expect(searchQuery("+386 41", "LT")).toBe('phone : ("41"* OR "38641"*)');
  });

  it("neutralises FTS syntax in what people type", () => {
    expect(searchQuery('ona" OR ws : *', "LT")).toBe('{name email phone company} : ("ona"* AND "or"* AND "ws"*)');
    expect(searchQuery("  ***  ", "LT")).toBeNull();
  });
});
