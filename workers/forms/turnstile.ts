import { z } from "zod";

// Cloudflare Turnstile's server-side check. A missing token or any failure of the call counts
// as "not verified": the post is quarantined (still stored), never silently accepted.
const verifyUrl = "https://challenges.cloudflare.com/turnstile/v0/siteverify";
const VerifyResponse = z.object({ success: z.boolean() }).passthrough();

export async function verifyTurnstile(secret: string, token: string | undefined, ip: string): Promise<boolean> {
  if (!token) return false;
  try {
    const body = new FormData();
    body.set("secret", secret);
    body.set("response", token);
    if (ip !== "local") body.set("remoteip", ip);
    const response = await fetch(verifyUrl, { method: "POST", body });
    const parsed = VerifyResponse.safeParse(await response.json());
    return parsed.success && parsed.data.success;
  } catch {
    return false;
  }
}
