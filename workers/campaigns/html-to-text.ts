// The plain-text part of a campaign email, generated from its HTML when the author wrote none.
// Mail clients that show text (and spam filters that compare the parts) need the same words and
// the same links, not a faithful layout, so this is a small converter for the HTML that email
// templates contain: block elements become line breaks, list items get a dash, a link keeps its
// target beside its text, images keep their alt text, and <head>/<style>/<script> disappear.
// Pure and sync, so it runs per recipient in the consumer without a DOM (workerd has none; an
// HTMLRewriter pass would be async and streaming for no gain here). See docs/decisions.md.

import { attributeNamed, tagPattern } from "./html-tags";

const namedEntities: Record<string, string> = {
  amp: "&",
  lt: "<",
  gt: ">",
  quot: '"',
  apos: "'",
  nbsp: "\u00a0",
  copy: "©",
  reg: "®",
  trade: "™",
  hellip: "…",
  mdash: "—",
  ndash: "–",
  laquo: "«",
  raquo: "»",
  bdquo: "„",
  ldquo: "“",
  rdquo: "”",
  lsquo: "‘",
  rsquo: "’",
  euro: "€",
  middot: "·",
  bull: "•",
};

/** Decodes character references: named (the common ones), decimal and hex. Unknown names stay as written. */
export function decodeEntities(text: string): string {
  return text.replace(/&(#\d{1,7}|#x[0-9a-f]{1,6}|[a-z][a-z0-9]{1,31});/gi, (whole, ref: string) => {
    if (ref.startsWith("#")) {
      const code = ref[1] === "x" || ref[1] === "X" ? Number.parseInt(ref.slice(2), 16) : Number.parseInt(ref.slice(1), 10);
      // Not a character (or a surrogate half): keep the reference rather than throw.
      if (!Number.isFinite(code) || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff) || code === 0) return whole;
      return String.fromCodePoint(code);
    }
    return namedEntities[ref.toLowerCase()] ?? whole;
  });
}

const blockTags = new Set([
  "p", "div", "section", "article", "header", "footer", "main", "aside", "nav", "table", "thead", "tbody", "tfoot", "tr",
  "ul", "ol", "dl", "dt", "dd", "blockquote", "pre", "hr", "h1", "h2", "h3", "h4", "h5", "h6", "center", "address", "figure", "figcaption",
]);

/** An attribute from a tag's attribute text, entity-decoded, or null. */
function attribute(attributeText: string, name: string): string | null {
  const found = attributeNamed(attributeText, name);
  return found ? decodeEntities(found.value) : null;
}

/** Plain text for an HTML email body. */
export function htmlToText(html: string): string {
  const source = html
    .replace(/<!--[\s\S]*?-->/g, "")
    .replace(/<(head|style|script|title|template)\b[\s\S]*?<\/\1\s*>/gi, "")
    .replace(/<!doctype[^>]*>/gi, "");
  let out = "";
  // The target of the link being read, and where its text started, so the URL can follow the text.
  let link: { href: string; start: number } | null = null;
  const tags = new RegExp(tagPattern.source, tagPattern.flags);
  let at = 0;
  for (let match = tags.exec(source); match; match = tags.exec(source)) {
    out += collapse(source.slice(at, match.index));
    at = match.index + match[0].length;
    const closing = match[1] === "/";
    const name = (match[2] ?? "").toLowerCase();
    const attributeText = match[3] ?? "";
    if (name === "br") out += "\n";
    else if (name === "li" && !closing) out += "\n- ";
    else if (name === "td" || name === "th") out += closing ? "" : " ";
    else if (name === "img" && !closing) out += attribute(attributeText, "alt") ?? "";
    else if (name === "a") {
      if (!closing) {
        const href = attribute(attributeText, "href");
        link = href && /^(https?:|mailto:)/i.test(href.trim()) ? { href: href.trim(), start: out.length } : null;
      } else if (link) {
        const label = out.slice(link.start).trim();
        const bare = link.href.replace(/^mailto:/i, "");
        // A link whose text is already its address needs no repeat.
        if (label !== link.href && label !== bare) out += label ? ` (${link.href})` : link.href;
        link = null;
      }
    } else if (blockTags.has(name)) out += name === "hr" ? "\n----------\n" : "\n\n";
  }
  out += collapse(source.slice(at));
  return decodeEntities(out)
    .replace(/\u00a0/g, " ")
    .split("\n")
    .map((line) => line.replace(/[ \t]+/g, " ").trim())
    .join("\n")
    .replace(/\n{3,}/g, "\n\n")
    .trim();
}

// HTML whitespace between tags is layout, not content.
function collapse(text: string): string {
  return text.replace(/\s+/g, " ");
}
