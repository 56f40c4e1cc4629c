import { base64url, constantTimeEqual } from "../lib/crypto";

// Links in marketing email that act without a session: unsubscribe (GET shows the page, POST —
// also the RFC 8058 one-click POST from mail clients — records it) and, when a workspace turns
// tracking on, click redirects. The token carries its subject (a recipient id, or a recipient id
// and link index) and an HMAC over purpose + subject with a key derived from JWT_SECRET, so a
// token cannot be forged, moved to another recipient, or reused for another purpose. Recipient
// ids are random (80 bits) as well; the MAC lets a forged link be refused before any read.

export const linkPurposes = ["unsubscribe", "click"] as const;
export type LinkPurpose = (typeof linkPurposes)[number];

const encoder = new TextEncoder();
const keys = new Map<string, Promise<CryptoKey>>();

function keyFor(secret: string): Promise<CryptoKey> {
  let key = keys.get(secret);
  if (!key) {
    key = crypto.subtle.importKey("raw", encoder.encode(`campaign-link:${secret}`), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
    keys.set(secret, key);
  }
  return key;
}

async function mac(secret: string, purpose: LinkPurpose, subject: string): Promise<string> {
  const signature = await crypto.subtle.sign("HMAC", await keyFor(secret), encoder.encode(`${purpose}\n${subject}`));
  // 128 bits of the MAC are plenty for a link and keep URLs short.
  return base64url(new Uint8Array(signature).slice(0, 16));
}

// Subjects are ids and small integers joined by "~": URL-safe, and never containing the "." that
// separates the MAC.
const subjectPattern = /^[a-z0-9_~]{1,200}$/;

export async function signLink(secret: string, purpose: LinkPurpose, subject: string): Promise<string> {
  if (!subjectPattern.test(subject)) throw new Error(`Not a link subject: ${subject}`);
  return `${subject}.${await mac(secret, purpose, subject)}`;
}

/** The subject of a genuine token for `purpose`, or null for anything else. */
export async function verifyLink(secret: string, purpose: LinkPurpose, token: string): Promise<string | null> {
  const dot = token.lastIndexOf(".");
  if (dot <= 0) return null;
  const subject = token.slice(0, dot);
  if (!subjectPattern.test(subject)) return null;
  return constantTimeEqual(token.slice(dot + 1), await mac(secret, purpose, subject)) ? subject : null;
}
