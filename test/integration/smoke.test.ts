import { exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";

describe("smoke", () => {
  it("health", async () => {
    const res = await exports.default.fetch("http://example.com/api/health");
    expect(res.status).toBe(200);
    const r2 = await exports.default.fetch("http://example.com/api/v1/auth/signup", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ workspace_name: "A", name: "Ona", email: "ona@example.com", password: "correct horse battery" }),
    });
    console.log(r2.status, await r2.text(), [...r2.headers]);
  });
});
