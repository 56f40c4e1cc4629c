import { describe, expect, it } from "vitest";
import { signLink, verifyLink } from "./link-token";

const secret = "test-secret-with-at-least-32-characters!!";

describe("signed campaign links", () => {
  it("gives back the subject of a genuine token", async () => {
    const token = await signLink(secret, "unsubscribe", "rcp_01jd3xabcdefghjkmnpqrstv");
    expect(token).toMatch(/^rcp_01jd3xabcdefghjkmnpqrstv\.[A-Za-z0-9_-]{22}$/);
    expect(await verifyLink(secret, "unsubscribe", token)).toBe("rcp_01jd3xabcdefghjkmnpqrstv");
  });

  it("refuses a token moved to another recipient, used for another purpose, or signed with another secret", async () => {
    const token = await signLink(secret, "unsubscribe", "rcp_a");
    const mac = token.split(".")[1];
    expect(await verifyLink(secret, "unsubscribe", `rcp_b.${mac}`)).toBeNull();
    expect(await verifyLink(secret, "click", token)).toBeNull();
    expect(await verifyLink("another-secret-with-at-least-32-chars!!", "unsubscribe", token)).toBeNull();
  });

  it("refuses malformed tokens without throwing", async () => {
    for (const token of ["", ".", "rcp_a", "rcp_a.", ".abc", "RCP_A.abc", "rcp a.abc", `${"a".repeat(201)}.abc`]) {
      expect(await verifyLink(secret, "unsubscribe", token)).toBeNull();
    }
  });

  it("will not sign a subject that could be confused with the separator", async () => {
    await expect(signLink(secret, "click", "rcp_a.1")).rejects.toThrow();
  });
});
