import { describe, expect, it } from "vitest";
import { initials, isTypingTarget, nextRowIndex, phonesPatch, phonesText, splitList, textOrNull } from "./records";

describe("initials", () => {
  it("takes the first letters of two words, accents and Cyrillic included", () => {
    expect(initials("Šarūnas Petrauskas")).toBe("ŠP");
    expect(initials("иван петров")).toBe("ИП");
    expect(initials("Ona")).toBe("O");
    expect(initials("ona.petraitiene@example.com")).toBe("OP");
    expect(initials("+370 612 34567")).toBe("#");
    expect(initials("")).toBe("?");
    expect(initials('UAB "Alfa"')).toBe("A");
    expect(initials("Beta d.o.o.")).toBe("B");
    expect(initials("ООО «Вектор Плюс»")).toBe("ВП");
    expect(initials("SIA Rīgas Koks")).toBe("RK");
  });
});

describe("splitList", () => {
  it("trims, drops empties and repeats in any case", () => {
    expect(splitList(" vip, Riga ,, VIP;new\n")).toEqual(["vip", "Riga", "new"]);
    expect(splitList("")).toEqual([]);
  });
});

describe("textOrNull", () => {
  it("turns blank into null", () => {
    expect(textOrNull("   ")).toBeNull();
    expect(textOrNull(" CEO ")).toBe("CEO");
  });
});

describe("phones", () => {
  const current = [
    { e164: "+37061234567", raw: "+370 612 34567", label: "mobile" },
    { e164: "+37052123456", raw: "8 5 212 3456", label: null },
  ];
  it("keeps the label of a number that stays", () => {
    expect(phonesPatch("+370 612 34567, +371 2000 0000", current)).toEqual([{ number: "+370 612 34567", label: "mobile" }, { number: "+371 2000 0000" }]);
    expect(phonesPatch("+37061234567", current)).toEqual([{ number: "+37061234567", label: "mobile" }]);
    expect(phonesPatch("", current)).toEqual([]);
  });
  it("shows what the user typed", () => {
    expect(phonesText({ phones: current })).toBe("+370 612 34567, 8 5 212 3456");
  });
});

describe("nextRowIndex", () => {
  it("moves within bounds", () => {
    expect(nextRowIndex(0, "ArrowDown", 3)).toBe(1);
    expect(nextRowIndex(2, "ArrowDown", 3)).toBe(2);
    expect(nextRowIndex(0, "ArrowUp", 3)).toBe(0);
    expect(nextRowIndex(1, "End", 3)).toBe(2);
    expect(nextRowIndex(2, "Home", 3)).toBe(0);
    expect(nextRowIndex(0, "PageDown", 30)).toBe(10);
    expect(nextRowIndex(5, "PageUp", 30)).toBe(0);
    expect(nextRowIndex(0, "a", 3)).toBeNull();
    expect(nextRowIndex(0, "ArrowDown", 0)).toBeNull();
  });
});

describe("isTypingTarget", () => {
  it("lets shortcuts through except while typing", () => {
    expect(isTypingTarget({ tagName: "INPUT", type: "search" })).toBe(true);
    expect(isTypingTarget({ tagName: "INPUT", type: "checkbox" })).toBe(false);
    expect(isTypingTarget({ tagName: "TEXTAREA" })).toBe(true);
    expect(isTypingTarget({ tagName: "SELECT" })).toBe(true);
    expect(isTypingTarget({ tagName: "DIV", isContentEditable: true })).toBe(true);
    expect(isTypingTarget({ tagName: "TR" })).toBe(false);
    expect(isTypingTarget(null)).toBe(false);
  });
});
