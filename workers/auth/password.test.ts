import { describe, expect, it } from "vitest";
import { hashPassword, needsRehash, verifyPassword } from "./password";

describe("password hashing", () => {
  it("verifies the right password and refuses others", async () => {
    const hash = await hashPassword("Šarūnas likes long passphrases");
    expect(await verifyPassword("Šarūnas likes long passphrases", hash)).toBe(true);
    expect(await verifyPassword("sarunas likes long passphrases", hash)).toBe(false);
  });

  it("salts every hash", async () => {
    expect(await hashPassword("same password here")).not.toBe(await hashPassword("same password here"));
  });

  it("treats composed and decomposed Unicode as the same password", async () => {
    const hash = await hashPassword("Žygimantas");
    expect(await verifyPassword("Z\u030cygimantas", hash)).toBe(true);
  });

  it("asks for a rehash when the stored cost is below today's", async () => {
    const current = await hashPassword("a password");
    expect(needsRehash(current)).toBe(false);
    expect(needsRehash(current.replace("N=16384", "N=1024"))).toBe(true);
    expect(needsRehash("pbkdf2$whatever")).toBe(true);
  });

  it("refuses malformed stored hashes instead of throwing", async () => {
    expect(await verifyPassword("x", "garbage")).toBe(false);
  });
});
