import { base64url, constantTimeEqual } from "../lib/crypto";

// The minimum fill time: the hosted form and the embed script carry a signed "rendered at"
// timestamp; a post that arrives sooner than the form's minimum after it, or with a forged or
// day-old stamp, is quarantined as spam. Signed with a key derived from JWT_SECRET.

const maxAgeMs = 24 * 60 * 60 * 1000;

async function key(secret: string) {
  return crypto.subtle.importKey("raw", new TextEncoder().encode(`form-fill-token:${secret}`), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
}

async function sign(secret: string, formKey: string, at: number) {
  const mac = await crypto.subtle.sign("HMAC", await key(secret), new TextEncoder().encode(`${formKey}.${at}`));
  return base64url(new Uint8Array(mac));
}

export async function issueFillToken(secret: string, formKey: string, now: number): Promise<string> {
  return `${now}.${await sign(secret, formKey, now)}`;
}

export type FillCheck = { ok: true } | { ok: false; reason: "missing_fill_token" | "forged_fill_token" | "filled_too_fast" | "stale_fill_token" };

export async function checkFillToken(secret: string, formKey: string, token: string | undefined, minSeconds: number, now: number): Promise<FillCheck> {
  if (!token) return { ok: false, reason: "missing_fill_token" };
  const [atText, mac] = token.split(".");
  const at = Number(atText);
  if (!mac || !Number.isSafeInteger(at) || !constantTimeEqual(mac, await sign(secret, formKey, at))) return { ok: false, reason: "forged_fill_token" };
  if (now - at < minSeconds * 1000) return { ok: false, reason: "filled_too_fast" };
  if (now - at > maxAgeMs) return { ok: false, reason: "stale_fill_token" };
  return { ok: true };
}
