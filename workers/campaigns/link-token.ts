import { base64url, constantTimeEqual } from "../lib/crypto";

// Links in marketing email that act without a session: unsubscribe (GET shows the page, POST —
// also the RFC 8058 one-click POST from mail clients — records it) and, when a campaign turns
// tracking on, the open pixel and click redirects. The token carries its subject (a recipient id;
// for a click also the target URL) and an HMAC over purpose + subject with a key derived from
// JWT_SECRET, so a token cannot be forged, moved to another recipient or another URL, or reused
// for another purpose. Recipient ids are random (80 bits) as well; the MAC lets a forged link be
// refused before any read.

export const linkPurposes = ["unsubscribe", "click", "open"] as const;
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

// Click links carry their target, so the redirect needs no lookup and works after the campaign is
// gone: `{recipient}.{base64url(url)}.{mac over "click\n{recipient}\n{url}"}`. The MAC covers the
// exact URL, so the redirect can only ever go where the email pointed (no open redirect). A
// subject-only "click" token (signLink) can never verify here: its subject has no line break.

/** Longer URLs are left untracked rather than made into links some clients cut off. */
export const maxTrackedUrlLength = 2048;

const decoder = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false });

function fromBase64url(text: string): string | null {
  if (!/^[A-Za-z0-9_-]*$/.test(text)) return null;
  try {
    const binary = atob(text.replaceAll("-", "+").replaceAll("_", "/"));
    return decoder.decode(Uint8Array.from(binary, (char) => char.charCodeAt(0)));
  } catch {
    return null;
  }
}

/** The token of a tracked link to `url` for one recipient; null when the URL is too long to track. */
export async function signClickLink(secret: string, recipientId: string, url: string): Promise<string | null> {
  if (!subjectPattern.test(recipientId)) throw new Error(`Not a link subject: ${recipientId}`);
  if (url.length === 0 || url.length > maxTrackedUrlLength) return null;
  return `${recipientId}.${base64url(encoder.encode(url))}.${await mac(secret, "click", `${recipientId}\n${url}`)}`;
}

/** The recipient and URL of a genuine click token, or null for anything else. */
export async function verifyClickLink(secret: string, token: string): Promise<{ recipientId: string; url: string } | null> {
  const parts = token.split(".");
  if (parts.length !== 3) return null;
  const [recipientId = "", encoded = "", signature = ""] = parts;
  if (!subjectPattern.test(recipientId)) return null;
  const url = fromBase64url(encoded);
  if (url === null || url.length === 0 || url.length > maxTrackedUrlLength) return null;
  return constantTimeEqual(signature, await mac(secret, "click", `${recipientId}\n${url}`)) ? { recipientId, url } : null;
}
