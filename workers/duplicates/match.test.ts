import { describe, expect, it } from "vitest";
import { findDuplicateClusters, memberKey } from "./cluster";
import { blockingKeyHash, blockingKeyHashes, blockingKeys, cityKey, companyKey, compareNames, jaroWinkler, matchWords, normalizeEmail, prepareRecord, scorePair, withinOneEdit, type MatchInput } from "./match";

function person(id: string, fields: Partial<MatchInput> = {}): MatchInput {
  return { id, firstName: null, lastName: null, emails: [], phones: [], companyName: null, city: null, birthday: null, ...fields };
}
const prep = (id: string, fields: Partial<MatchInput> = {}) => prepareRecord(person(id, fields));

describe("comparison words", () => {
  it("fold and transliterate Cyrillic so Russian and Latin spellings meet", () => {
    expect(matchWords("Иван Петров")).toEqual(matchWords("Ivan Petrov"));
    expect(matchWords("Янис Берзиньш")).toEqual(matchWords("Jānis Bērziņš"));
    expect(matchWords("Михаил")).toEqual(matchWords("Mikhail"));
    expect(matchWords("Алексей")).toEqual(matchWords("Alexey"));
    expect(matchWords("Юрий")).toEqual(matchWords("Yuriy"));
    expect(matchWords("Наталья")).toEqual(matchWords("Natalya"));
    expect(matchWords("Екатерина")).toEqual(matchWords("Yekaterina"));
    expect(matchWords("  ŠARŪNAS   Petrauskas ")).toEqual(["sarunas", "petrauskas"]);
  });

  it("keeps different names different", () => {
    expect(matchWords("Ozols")).not.toEqual(matchWords("Ozoliņš"));
    expect(matchWords("Petrauskienė")).not.toEqual(matchWords("Petrauskaitė"));
  });

  it("normalises emails for case and spaces", () => {
    expect(normalizeEmail(" Sarunas.Petrauskas@AlfaStatyba.lt ")).toBe("sarunas.petrauskas@alfastatyba.lt");
  });
});

describe("company key", () => {
  it("drops legal forms wherever they sit, and quotes", () => {
    const alfa = ["UAB „Alfa Statyba“", "Alfa statyba, UAB", "AB ALFA-STATYBA", 'Alfa Statyba UAB', "Uždaroji akcinė bendrovė Alfa statyba"];
    for (const name of alfa) expect(companyKey(name), name).toBe("alfastatiba");
    expect(companyKey("ООО «Ромашка»")).toBe(companyKey("Romashka LLC"));
    expect(companyKey("ЗАО «Северный ветер»")).toBe(companyKey("Severny Veter CJSC"));
    expect(companyKey("АО «Вектор»")).toBe(companyKey("Vektor JSC"));
    expect(companyKey("ИП Кузнецов")).toBe(companyKey("Кузнецов"));
    expect(companyKey("Gorenje d.o.o.")).toBe(companyKey("GORENJE, d. o. o."));
    expect(companyKey("Krka d.d.")).toBe(companyKey("KRKA, d. d."));
    expect(companyKey("Luka Horvat s.p.")).toBe(companyKey("Luka Horvat"));
    expect(companyKey('SIA "Rīgas Koks"')).toBe(companyKey("Rigas koks SIA"));
    expect(companyKey('VšĮ „Sveikata visiems“')).toBe(companyKey("Sveikata visiems"));
    expect(companyKey("IĮ Medis")).toBe(companyKey("Medis"));
    expect(companyKey("MB Žalia pieva")).toBe(companyKey("Zalia Pieva"));
    for (const name of ["Acme Ltd", "ACME Limited", "Acme PLC", "Acme LLP", "Acme GmbH", "Acme, Inc.", "Acme LLC"]) expect(companyKey(name), name).toBe("acme");
  });

  it("keeps a name that is only a legal form-like word, and is null for nothing", () => {
    expect(companyKey("AS")).toBe("as");
    expect(companyKey("  ")).toBeNull();
    expect(companyKey(null)).toBeNull();
  });

  it("reads cities in either script", () => {
    expect(cityKey("Вильнюс")).toBe(cityKey("Vilnius"));
    expect(cityKey("Любляна")).toBe(cityKey("Ljubljana"));
    expect(cityKey("Klaipėda")).toBe(cityKey("klaipeda"));
  });
});

describe("Jaro-Winkler and edits", () => {
  it("matches the textbook values", () => {
    expect(jaroWinkler("martha", "marhta")).toBeCloseTo(0.961, 3);
    expect(jaroWinkler("dwayne", "duane")).toBeCloseTo(0.84, 2);
    expect(jaroWinkler("dixon", "dicksonx")).toBeCloseTo(0.813, 3);
    expect(jaroWinkler("abc", "abc")).toBe(1);
    expect(jaroWinkler("abc", "")).toBe(0);
  });

  it("knows one typo from two", () => {
    expect(withinOneEdit("petraitis", "petraitys")).toBe(true);
    expect(withinOneEdit("jonas", "jonsa")).toBe(true);
    expect(withinOneEdit("kranjc", "kranjec")).toBe(true);
    expect(withinOneEdit("ozols", "ozolins")).toBe(false);
    expect(withinOneEdit("tomas", "tadas")).toBe(false);
  });
});

describe("names", () => {
  it("sees swapped first and last names as the same name", () => {
    const result = compareNames(prep("a", { firstName: "Jonas", lastName: "Petraitis" }), prep("b", { firstName: "PETRAITIS", lastName: "jonas" }));
    expect(result).toMatchObject({ kind: "same", swapped: true });
  });

  it("treats one-letter typos, initials and a full name in one field as similar", () => {
    expect(compareNames(prep("a", { firstName: "Jonas", lastName: "Petraitis" }), prep("b", { firstName: "Jonas", lastName: "Petraitas" })).kind).toBe("similar");
    expect(compareNames(prep("a", { firstName: "V.", lastName: "Žemaitis" }), prep("b", { firstName: "Vytautas", lastName: "Zemaitis" })).kind).toBe("similar");
    expect(compareNames(prep("a", { firstName: "Kęstutis Grigas" }), prep("b", { firstName: "Kestutis", lastName: "Grigas" })).kind).toBe("same");
  });

  it("keeps relatives and colleagues apart", () => {
    const different = (a: [string, string], b: [string, string]) =>
      compareNames(prep("a", { firstName: a[0], lastName: a[1] }), prep("b", { firstName: b[0], lastName: b[1] })).kind;
    expect(different(["Darius", "Petrauskas"], ["Marius", "Petrauskas"])).toBe("different");
    expect(different(["Tomas", "Butkus"], ["Tadas", "Butkus"])).toBe("different");
    expect(different(["Ieva", "Kazlauskaitė"], ["Ieva", "Kazlauskienė"])).toBe("different");
    expect(different(["Jānis", "Ozols"], ["Jānis", "Ozoliņš"])).toBe("different");
    expect(different(["Ona", "Jonaitė"], ["Ana", "Jonaitė"])).toBe("different");
  });
});

describe("blocking keys", () => {
  it("are the same for swapped names and survive a typo in either word", () => {
    const base = prep("a", { firstName: "Jonas", lastName: "Petraitis", companyName: "UAB Alfa" });
    const swapped = prep("b", { firstName: "Petraitis", lastName: "Jonas", companyName: "Alfa, UAB" });
    expect(blockingKeys(swapped).sort()).toEqual(blockingKeys(base).sort());
    const typoLast = new Set(blockingKeys(prep("c", { firstName: "Jonas", lastName: "Petraitas", companyName: "Alfa" })));
    const typoFirst = new Set(blockingKeys(prep("d", { firstName: "Jnoas", lastName: "Petraitis", companyName: "Alfa" })));
    expect(blockingKeys(base).some((key) => typoLast.has(key))).toBe(true);
    expect(blockingKeys(base).some((key) => typoFirst.has(key))).toBe(true);
  });

  it("file every email and phone, and names only with a company, corporate domain or city", () => {
    const keys = blockingKeys(prep("a", { firstName: "Jonas", lastName: "Petraitis", emails: ["jonas@alfa.lt", "jonas@gmail.com"], phones: ["+37061234567"], city: "Kaunas" }));
    expect(keys).toEqual(expect.arrayContaining(["e:jonas@alfa.lt", "e:jonas@gmail.com", "p:+37061234567", "n:ionas/p|c:alfa", "n:petraitis/i|y:kaunas"]));
    expect(keys.some((key) => key.includes("gmail"))).toBe(true);
    expect(keys.filter((key) => key.startsWith("n:") && key.includes("gmail"))).toEqual([]);
    expect(blockingKeys(prep("b", { firstName: "Jonas", lastName: "Petraitis" }))).toEqual([]);
  });
});

describe("score", () => {
  it("proposes the same person with a shared email, or a shared phone, or a name and company", () => {
    const a = prep("a", { firstName: "Šarūnas", lastName: "Petrauskas", emails: ["sarunas@alfa.lt"], phones: ["+37061234567"], companyName: "UAB „Alfa“" });
    expect(scorePair(a, prep("b", { firstName: "Sarunas", lastName: "Petrauskas", emails: ["sarunas@alfa.lt"] }))).toEqual({ score: 0.97, reasons: ["same_email", "same_name", "same_company"] });
    expect(scorePair(a, prep("c", { firstName: "Petrauskas", lastName: "Sarunas", phones: ["+37061234567"] }))).toEqual({ score: 0.95, reasons: ["same_phone", "same_name", "swapped_name"] });
    expect(scorePair(a, prep("d", { firstName: "Sarunas", lastName: "Petrauskis", companyName: "Alfa, UAB" })).score).toBeGreaterThanOrEqual(0.8);
    expect(scorePair(a, prep("e", { phones: ["+37061234567"] })).score).toBe(0.85);
  });

  it("does not propose colleagues on a switchboard number", () => {
    const switchboard = { phones: ["+37052111111"], companyName: "UAB Alfa Statyba" };
    const result = scorePair(prep("a", { firstName: "Jonas", lastName: "Kazlauskas", ...switchboard }), prep("b", { firstName: "Ona", lastName: "Petrauskienė", ...switchboard }));
    expect(result.reasons).toEqual(["same_phone", "different_name", "same_company"]);
    expect(result.score).toBeLessThan(0.8);
  });

  it("does not propose namesakes at other companies and cities, nor father and son", () => {
    const namesakes = scorePair(
      prep("a", { firstName: "Jonas", lastName: "Petraitis", emails: ["jonas.petraitis@alfa.lt"], city: "Vilnius" }),
      prep("b", { firstName: "Jonas", lastName: "Petraitis", emails: ["jpetraitis@beta.lt"], city: "Vilnius" }),
    );
    expect(namesakes.reasons).toContain("different_company");
    expect(namesakes.score).toBeLessThan(0.8);
    const family = scorePair(
      prep("a", { firstName: "Antanas", lastName: "Kairys", phones: ["+37037233445"], birthday: "1958-03-02" }),
      prep("b", { firstName: "Antanas", lastName: "Kairys", phones: ["+37037233445"], birthday: "1986-07-19" }),
    );
    expect(family.reasons).toContain("different_birthday");
    expect(family.score).toBeLessThan(0.8);
  });
});

describe("clusters", () => {
  it("joins transitive pairs, skips dismissed ones, and counts comparisons", () => {
    const records = [
      prep("con_a", { firstName: "Jonas", lastName: "Petraitis", emails: ["j@alfa.lt"] }),
      prep("con_b", { firstName: "Jonas", lastName: "Petraitis", emails: ["j@alfa.lt"], phones: ["+37061234567"] }),
      prep("con_c", { firstName: "Petraitis", lastName: "Jonas", phones: ["+37061234567"] }),
      prep("con_d", { firstName: "Ona", lastName: "Jonaitė", phones: ["+37061234567"] }),
    ];
    const found = findDuplicateClusters(records);
    expect(found.clusters.map((c) => memberKey(c.ids))).toEqual(["con_a,con_b,con_c"]);
    // a–b share the email, b–c–d the phone: a is never compared with c or d.
    expect(found.comparisons).toBe(4);
    const dismissed = findDuplicateClusters(records, { isDismissed: (a, b) => a === "con_b" && b === "con_c" });
    expect(dismissed.clusters.map((c) => c.ids)).toEqual([["con_a", "con_b"]]);
  });

  it("caps a huge block to neighbours in name order and a cluster to ten contacts", () => {
    const shared = Array.from({ length: 300 }, (_, i) => prep(`con_${String(i).padStart(3, "0")}`, { firstName: "Jonas", lastName: "Petraitis", phones: ["+37052111111"] }));
    const found = findDuplicateClusters(shared, { maxBlock: 100, window: 10 });
    expect(found.cappedBlocks).toBe(1);
    expect(found.comparisons).toBeLessThanOrEqual(300 * 10);
    for (const cluster of found.clusters) expect(cluster.ids.length).toBeLessThanOrEqual(10);
  });
});

describe("blocking key hashes", () => {
  it("are exactly the hashes of the blocking keys, without building the strings", () => {
    const records = [
      prep("a", { firstName: "Jonas", lastName: "Petraitis", emails: ["jonas@alfa.lt", "j@gmail.com"], phones: ["+37061234567"], companyName: "UAB Alfa", city: "Vilnius" }),
      prep("b", { firstName: "V.", lastName: "Žemaitis", companyName: "Žemaitijos pienas", emails: ["v@zemaitijospienas.lt"] }),
      prep("c", { phones: ["+37061234567", "+37052111111"] }),
    ];
    for (const record of records) {
      expect(blockingKeyHashes(record)).toEqual([...new Set(blockingKeys(record).map(blockingKeyHash))].sort((x, y) => x - y));
    }
  });
});
