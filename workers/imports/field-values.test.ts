import { describe, expect, it } from "vitest";
import { parseCountry, parseLifecycleStage, splitEmails, splitPhones, splitTags } from "./field-values";

describe("parseLifecycleStage", () => {
  it("reads API values and the stage names of all five languages, folded", () => {
    expect(parseLifecycleStage("customer")).toBe("customer");
    expect(parseLifecycleStage("KLIENTAS")).toBe("customer");
    expect(parseLifecycleStage("Potenciālais klients")).toBe("lead");
    expect(parseLifecycleStage("prodajna priloznost")).toBe("opportunity");
    expect(parseLifecycleStage("Лид, квалифицированный продажами (SQL)")).toBe("sales_qualified");
    expect(parseLifecycleStage("MQL")).toBe("marketing_qualified");
  });

  it("answers null for what is not a stage", () => {
    expect(parseLifecycleStage("VIP")).toBeNull();
    expect(parseLifecycleStage("")).toBeNull();
  });
});

describe("parseCountry", () => {
  it("reads codes in any case and country names in the five languages", () => {
    expect(parseCountry("lt")).toBe("LT");
    expect(parseCountry("Lietuva")).toBe("LT");
    expect(parseCountry("Latvija")).toBe("LV");
    expect(parseCountry("Slovenija")).toBe("SI");
    expect(parseCountry("Литва")).toBe("LT");
    expect(parseCountry("Germany")).toBe("DE");
    expect(parseCountry("UK")).toBe("GB");
  });

  it("answers null for a name it does not know", () => {
    expect(parseCountry("Atlantis")).toBeNull();
  });
});

describe("splitting list cells", () => {
  it("splits emails on separators and spaces, phones and tags on separators only", () => {
    expect(splitEmails("a@x.lt; b@y.lt,c@z.lt\nd@w.lt")).toEqual(["a@x.lt", "b@y.lt", "c@z.lt", "d@w.lt"]);
    expect(splitPhones("+370 612 34567, 8 698 12345")).toEqual(["+370 612 34567", "8 698 12345"]);
    expect(splitTags("vip; Kaunas |  ")).toEqual(["vip", "Kaunas"]);
  });
});
