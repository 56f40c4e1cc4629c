import { attributeNamed, tagPattern } from "./html-tags";
import { decodeEntities } from "./html-to-text";
import { signClickLink, signLink } from "./link-token";
import { escapeHtml } from "./template";

// Open and click tracking for one rendered email, used only when the campaign has
// tracking_enabled (off by default: privacy by default). Every http(s) link becomes a signed
// redirect `{origin}/t/c/{token}` and a 1×1 image `{origin}/t/o/{token}.gif` is added. Left as
// written: the unsubscribe link (it must keep working as itself, and following it is not a
// "click"), links already pointing at the redirect, mailto:, tel:, in-page anchors and anything
// else that is not http(s). The plain-text part is not rewritten: it keeps the real addresses.
// Pure string work on the rendered HTML (workerd has no DOM; HTMLRewriter is streaming and would
// cost a Response per recipient); the attribute is decoded to the real URL before it is signed,
// and the new URL is escaped when written back.

export type TrackOptions = {
  /** The JWT_SECRET the link tokens are signed with. */
  secret: string;
  /** Where people reach Rapport (PUBLIC_URL or the campaign's link origin), without a trailing slash. */
  origin: string;
  /** The campaign_recipients id the email is for. */
  recipientId: string;
};

const comment = /<!--[\s\S]*?-->/g;

/** The click redirect and open pixel paths for an origin. */
export const clickPath = "/t/c/";
export const openPath = "/t/o/";

function trimOrigin(origin: string): string {
  return origin.replace(/\/+$/, "");
}

/** Whether a link (already decoded) should become a tracked redirect. */
export function isTrackable(url: string, origin: string): boolean {
  if (!/^https?:\/\//i.test(url)) return false;
  const base = trimOrigin(origin);
  const lower = url.toLowerCase();
  if (lower.startsWith(`${base.toLowerCase()}/u/`) || lower.startsWith(`${base.toLowerCase()}/t/`)) return false;
  try {
    new URL(url);
  } catch {
    return false;
  }
  return true;
}

/** The open pixel's URL for a recipient. */
export async function openPixelUrl(options: TrackOptions): Promise<string> {
  return `${trimOrigin(options.origin)}${openPath}${await signLink(options.secret, "open", options.recipientId)}.gif`;
}

/** Rewrites every http(s) link to a signed redirect and adds the open pixel. */
export async function trackLinks(html: string, options: TrackOptions): Promise<string> {
  const base = trimOrigin(options.origin);
  // Links inside comments (conditional comments for Outlook among them) are left alone: find
  // anchors only in the parts between comments.
  const pieces: { text: string; isComment: boolean }[] = [];
  let last = 0;
  for (const match of html.matchAll(comment)) {
    pieces.push({ text: html.slice(last, match.index), isComment: false }, { text: match[0], isComment: true });
    last = match.index + match[0].length;
  }
  pieces.push({ text: html.slice(last), isComment: false });

  // Each distinct URL is signed once per email.
  const tokens = new Map<string, Promise<string | null>>();
  const tracked = (url: string) => {
    let token = tokens.get(url);
    if (!token) {
      token = signClickLink(options.secret, options.recipientId, url);
      tokens.set(url, token);
    }
    return token;
  };

  const out: string[] = [];
  for (const piece of pieces) {
    if (piece.isComment) {
      out.push(piece.text);
      continue;
    }
    let text = "";
    let at = 0;
    for (const match of piece.text.matchAll(tagPattern)) {
      if (match[1] !== "" || match[2]?.toLowerCase() !== "a") continue;
      const tag = match[0];
      text += piece.text.slice(at, match.index);
      at = match.index + tag.length;
      // Offsets within the tag: "<a" plus the attribute text.
      const attributeText = match[3] ?? "";
      const offset = tag.length - 1 - attributeText.length;
      const href = attributeNamed(attributeText, "href");
      const url = href?.rawValue === null || href === null ? null : decodeEntities(href.value).trim();
      const token = url !== null && isTrackable(url, base) ? await tracked(url) : null;
      if (!href || token === null) {
        text += tag;
        continue;
      }
      const replacement = `href="${escapeHtml(`${base}${clickPath}${token}`)}"`;
      text += tag.slice(0, offset + href.start) + replacement + tag.slice(offset + href.end);
    }
    out.push(text + piece.text.slice(at));
  }

  // The pixel goes before the last </body> outside comments, else at the end.
  const pixel = `<img src="${escapeHtml(await openPixelUrl(options))}" width="1" height="1" alt="">`;
  for (let i = out.length - 1; i >= 0; i -= 1) {
    const piece = pieces[i];
    const text = out[i] ?? "";
    if (!piece || piece.isComment) continue;
    const close = text.search(/<\/body\s*>(?![\s\S]*<\/body\s*>)/i);
    if (close === -1) continue;
    out[i] = `${text.slice(0, close)}${pixel}${text.slice(close)}`;
    return out.join("");
  }
  return `${out.join("")}\n${pixel}`;
}
