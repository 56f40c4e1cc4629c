import { describe, expect, it } from "vitest";
import { checkEmail, editDistance, emailDetail, suggestDomain } from "./email-check";
import { checkPhone, phoneDetail } from "./phone-check";
import { qualityScore, scoreWeights } from "./score";

describe("checkEmail", () => {
  it("passes ordinary addresses, including plus tags, subdomains and internationalised domains", () => {
    for (const address of ["ona@example.com", "ona.petraitiene+crm@uab-saule.lt", "j.berzins@mail.lv", "ivan@почта.рф", "a@b.co", "x@gmail.com", "ana@siol.net"]) {
      expect(checkEmail(address), address).toBeNull();
    }
  });

  it("flags addresses that cannot be delivered as written", () => {
    for (const address of ["ona", "ona@", "@example.com", "ona@example", "ona@@example.com", "ona..p@example.com", ".ona@example.com", "ona@-example.com", "ona@example.c", "ona @example.com", "ona@exa mple.com", "ona@example.123"]) {
      expect(checkEmail(address), address).toEqual({ problem: "syntax", suggestion: null });
    }
  });

  it("suggests the provider for obvious slips of a big mail domain", () => {
    expect(checkEmail("ona@gmial.com")).toEqual({ problem: "typo", suggestion: "ona@gmail.com" });
    expect(checkEmail("ona@gmail.con")).toEqual({ problem: "typo", suggestion: "ona@gmail.com" });
    expect(checkEmail("ona@gmail.co")).toEqual({ problem: "typo", suggestion: "ona@gmail.com" });
    expect(checkEmail("ona@hotmial.com")).toEqual({ problem: "typo", suggestion: "ona@hotmail.com" });
    expect(checkEmail("ivan@yandx.ru")).toEqual({ problem: "typo", suggestion: "ivan@yandex.ru" });
    expect(checkEmail("ivan@mial.ru")).toEqual({ problem: "typo", suggestion: "ivan@mail.ru" });
    expect(checkEmail("ona@outlok.com")).toEqual({ problem: "typo", suggestion: "ona@outlook.com" });
  });

  it("does not 'correct' real domains that merely look alike", () => {
    for (const domain of ["inbox.lv", "inbox.lt", "one.lt", "mail.com", "email.com", "ymail.com", "gmx.de", "mail.ee", "example.com", "saule.lt", "gmail.si", "bk.ru", "one.lv"]) {
      expect(suggestDomain(domain), domain).toBeNull();
    }
  });

  it("writes the detail as the address, with the suggested one after an arrow", () => {
    expect(emailDetail("ona@gmial.com", { problem: "typo", suggestion: "ona@gmail.com" })).toBe("ona@gmial.com → ona@gmail.com");
    expect(emailDetail("ona@", { problem: "syntax", suggestion: null })).toBe("ona@");
  });

  it("measures edits with transpositions as one", () => {
    expect(editDistance("gmial", "gmail")).toBe(1);
    expect(editDistance("gmail", "gmail")).toBe(0);
    expect(editDistance("abc", "xyz")).toBe(3);
    expect(editDistance("a", "abcdefgh", 2)).toBe(3);
  });
});

describe("checkPhone", () => {
  it("passes numbers valid in their country", () => {
    for (const e164 of ["+37061234567", "+37120012345", "+38641234567", "+79161234567", "+442079460000"]) {
      expect(checkPhone(e164), e164).toBeNull();
    }
  });

  it("flags numbers the country's numbering plan does not allow, naming the country when it can", () => {
    expect(checkPhone("+3706123")).toEqual({ country: "LT" });
    expect(checkPhone("+37000000000")).toEqual({ country: "LT" });
    expect(checkPhone("+386123")).toEqual({ country: "SI" });
    expect(checkPhone("not a number")).toEqual({ country: null });
    expect(checkPhone("+0123")).toEqual({ country: null });
  });

  it("writes the detail with the country when known", () => {
    expect(phoneDetail("+3706123", { country: "LT" })).toBe("+3706123 (LT)");
    expect(phoneDetail("+999", { country: null })).toBe("+999");
  });
});

describe("qualityScore", () => {
  const allWeights = Object.values(scoreWeights).reduce((a, b) => a + b, 0);
  const contactWeights = allWeights - scoreWeights.rotting_deal;

  it("is 100 with nothing to check and with nothing wrong", () => {
    expect(qualityScore({ contacts: 0, openDeals: 0, affected: {} })).toBe(100);
    expect(qualityScore({ contacts: 10, openDeals: 3, affected: {} })).toBe(100);
  });

  it("weighs each check's share of affected records", () => {
    // Half the contacts lack a phone: that check contributes half its weight.
    expect(qualityScore({ contacts: 10, openDeals: 0, affected: { missing_phone: 5 } })).toBe(Math.round((100 * (contactWeights - 0.5 * scoreWeights.missing_phone)) / contactWeights));
    // Every open deal rotting costs the rotting weight in full, measured against open deals.
    expect(qualityScore({ contacts: 10, openDeals: 4, affected: { rotting_deal: 4 } })).toBe(Math.round((100 * (allWeights - scoreWeights.rotting_deal)) / allWeights));
    // Everything wrong everywhere is 0.
    const all = { missing_email: 2, missing_phone: 2, invalid_email: 2, invalid_phone: 2, inactive: 2, no_owner: 2, open_duplicates: 2, unknown_consent: 2, rotting_deal: 1 };
    expect(qualityScore({ contacts: 2, openDeals: 1, affected: all })).toBe(0);
  });

  it("rises when records are fixed and caps an over-count at the base", () => {
    const before = qualityScore({ contacts: 4, openDeals: 0, affected: { missing_phone: 2, no_owner: 1 } });
    const after = qualityScore({ contacts: 4, openDeals: 0, affected: { missing_phone: 1, no_owner: 1 } });
    expect(after).toBeGreaterThan(before);
    expect(qualityScore({ contacts: 2, openDeals: 0, affected: { open_duplicates: 9 } })).toBe(qualityScore({ contacts: 2, openDeals: 0, affected: { open_duplicates: 2 } }));
  });
});
