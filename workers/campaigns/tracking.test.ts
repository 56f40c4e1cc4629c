import { describe, expect, it } from "vitest";
import { attributeNamed, tagPattern } from "./html-tags";
import { decodeEntities } from "./html-to-text";
import { signClickLink, signLink, verifyClickLink, verifyLink } from "./link-token";
import { isTrackable, trackLinks } from "./tracking";

const secret = "test-secret-with-at-least-32-characters!!";
const origin = "https://crm.example.com";
const recipientId = "rcp_01jd3xabcdefghjkmnpqrstv";
const options = { secret, origin, recipientId };

/** The decoded href values of every <a> in the HTML, read as a browser would (quoted values whole). */
function hrefs(html: string): string[] {
  return [...html.matchAll(tagPattern)].flatMap((m) => {
    const href = m[1] === "" && m[2]?.toLowerCase() === "a" ? attributeNamed(m[3] ?? "", "href") : null;
    return href ? [decodeEntities(href.value)] : [];
  });
}

async function clickTarget(url: string) {
  const prefix = `${origin}/t/c/`;
  expect(url.startsWith(prefix)).toBe(true);
  return verifyClickLink(secret, url.slice(prefix.length));
}

describe("trackLinks", () => {
  it("rewrites http(s) links to signed redirects that lead back to the exact URL, entities decoded", async () => {
    const html = `<html><body><p><a href="https://shop.example.lt/sale?a=1&amp;b=2">Sale</a> and <a class="x" href='http://example.com/ž?q=&quot;x&quot;'>more</a> <a href=https://bare.example/path>bare</a></p></body></html>`;
    const out = await trackLinks(html, options);
    const links = hrefs(out);
    expect(links).toHaveLength(3);
    expect(await clickTarget(links[0] ?? "")).toEqual({ recipientId, url: "https://shop.example.lt/sale?a=1&b=2" });
    expect(await clickTarget(links[1] ?? "")).toEqual({ recipientId, url: 'http://example.com/ž?q="x"' });
    expect(await clickTarget(links[2] ?? "")).toEqual({ recipientId, url: "https://bare.example/path" });
    // Other attributes and the link text stay as written; the new value is quoted.
    expect(out).toContain('<a class="x" href="https://crm.example.com/t/c/');
    expect(out).toContain(">Sale</a>");
    expect(out).not.toContain("shop.example.lt");
  });

  it("leaves the unsubscribe link, mailto:, tel:, anchors and other schemes untouched", async () => {
    const unsubscribe = `${origin}/u/rcp_01jd3xabcdefghjkmnpqrstv.abcdefghijklmnopqrstuv`;
    const html = `<p><a href="${unsubscribe}">Unsubscribe</a> <a href="mailto:hi@example.com?subject=a&amp;b">mail</a> <a href="tel:+37060000000">call</a> <a href="#top">top</a> <a href="javascript:alert(1)">x</a> <a name="n">no href</a> <a href="/relative">rel</a></p>`;
    const out = await trackLinks(html, options);
    expect(out.replace(/<img[^>]*>/, "").trim()).toBe(html);
  });

  it("adds one 1×1 open pixel before </body>, or at the end without one, with a genuine open token", async () => {
    const withBody = await trackLinks("<html><body><p>Hi</p></body></html>", options);
    expect(withBody).toMatch(/<p>Hi<\/p><img src="https:\/\/crm\.example\.com\/t\/o\/[^"]+\.gif" width="1" height="1" alt=""><\/body><\/html>$/);
    const token = /\/t\/o\/([^"]+)\.gif/.exec(withBody)?.[1] ?? "";
    expect(await verifyLink(secret, "open", token)).toBe(recipientId);
    expect(await verifyLink(secret, "unsubscribe", token)).toBeNull();

    const fragment = await trackLinks("<p>Hi</p>", options);
    expect(fragment.startsWith("<p>Hi</p>")).toBe(true);
    expect(fragment.match(/<img /g)).toHaveLength(1);
    expect(fragment.endsWith('alt="">')).toBe(true);
  });

  it("keeps links inside comments (Outlook conditionals) and signs a repeated URL once, identically", async () => {
    const html = `<!--[if mso]><a href="https://mso.example">x</a><![endif]--><a href="https://a.example">1</a><a href="https://a.example">2</a>`;
    const out = await trackLinks(html, { ...options, origin: `${origin}/` });
    expect(out).toContain('<!--[if mso]><a href="https://mso.example">x</a><![endif]-->');
    const links = hrefs(out).slice(1);
    expect(links).toHaveLength(2);
    expect(links[0]).toBe(links[1]);
    expect(links[0]?.startsWith(`${origin}/t/c/`)).toBe(true);
  });

  it("reads quoted attribute values whole: an href= or a > inside another attribute (a merge value from a web form) is text, never a link", async () => {
    // What a template `<a title="{{first_name}}" href="https://shop.example">` renders when a
    // lead typed ` href=https://evil.example/x` as their first name (quotes are escaped, spaces and = are not).
    const html = `<p><a title="Hi href=https://evil.example/x" href="https://shop.example/">Shop</a> <a title="a>b" href="https://second.example/">Two</a></p>`;
    const out = await trackLinks(html, options);
    const links = hrefs(out);
    expect(links).toHaveLength(2);
    expect(await clickTarget(links[0] ?? "")).toEqual({ recipientId, url: "https://shop.example/" });
    expect(await clickTarget(links[1] ?? "")).toEqual({ recipientId, url: "https://second.example/" });
    expect(out).toContain('title="Hi href=https://evil.example/x"');
    expect(out).toContain('title="a>b"');
    expect(out).not.toContain("https://shop.example/");
  });

  it("puts the pixel before the real </body>, not one inside a comment", async () => {
    const out = await trackLinks("<html><body><p>Hi</p></body></html><!-- </body> -->", options);
    expect(out).toMatch(/<p>Hi<\/p><img src="https:\/\/crm\.example\.com\/t\/o\/[^"]+" width="1" height="1" alt=""><\/body><\/html><!-- <\/body> -->$/);
  });

  it("leaves URLs too long to track as they are", async () => {
    const long = `https://example.com/${"a".repeat(3000)}`;
    const out = await trackLinks(`<a href="${long}">long</a>`, options);
    expect(hrefs(out)).toEqual([long]);
  });

  it("knows what is trackable", () => {
    expect(isTrackable("https://example.com", origin)).toBe(true);
    expect(isTrackable("HTTP://EXAMPLE.COM/x", origin)).toBe(true);
    expect(isTrackable(`${origin}/u/abc`, origin)).toBe(false);
    expect(isTrackable(`${origin}/t/c/abc`, origin)).toBe(false);
    expect(isTrackable("https://", origin)).toBe(false);
    expect(isTrackable("ftp://example.com", origin)).toBe(false);
  });
});

describe("click tokens", () => {
  it("verify to the recipient and URL they were signed for, and are URL-safe", async () => {
    const token = await signClickLink(secret, recipientId, "https://example.com/a?b=c&d=é");
    expect(token).toMatch(/^rcp_[a-z0-9]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{22}$/);
    expect(await verifyClickLink(secret, token ?? "")).toEqual({ recipientId, url: "https://example.com/a?b=c&d=é" });
  });

  it("refuse a forged target, another recipient, another secret, another purpose and junk", async () => {
    const token = (await signClickLink(secret, recipientId, "https://example.com/")) ?? "";
    const [, , mac] = token.split(".");
    const evil = btoa("https://evil.example/").replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");
    expect(await verifyClickLink(secret, `${recipientId}.${evil}.${mac}`)).toBeNull();
    expect(await verifyClickLink(secret, token.replace(recipientId, "rcp_other"))).toBeNull();
    expect(await verifyClickLink("another-secret-with-at-least-32-chars!!", token)).toBeNull();
    // An open or unsubscribe token for the same recipient is not a click, nor the reverse.
    expect(await verifyClickLink(secret, await signLink(secret, "open", recipientId))).toBeNull();
    expect(await verifyClickLink(secret, `${await signLink(secret, "click", recipientId)}.x`)).toBeNull();
    expect(await verifyLink(secret, "open", token)).toBeNull();
    for (const junk of ["", "..", "a.b.c", `${recipientId}..${mac}`, `${recipientId}.%%%.${mac}`, `${recipientId}.${evil}`, `${token}.x`, `${recipientId}.a.${mac}`]) {
      expect(await verifyClickLink(secret, junk)).toBeNull();
    }
  });
});
