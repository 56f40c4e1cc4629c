import { describe, expect, it } from "vitest";
import { blankToNull, canReplay, spamReasonOf, embedSnippets, escapeHtml, formFieldNames, moveItem, nextUnusedField, parseTags } from "./forms";

const labels = Object.fromEntries(formFieldNames.map((name) => [name, name.replace("_", " ")])) as Record<(typeof formFieldNames)[number], string>;
const base = {
  publicKey: "pk_abc",
  postUrl: "https://crm.example.com/f/pk_abc",
  fields: [
    { field: "first_name" as const, required: true },
    { field: "email" as const, required: false, label: 'Work "email" <you@co>' },
    { field: "message" as const, required: false },
  ],
  consentText: "I agree to <b>emails</b> & calls",
  labels,
  submitLabel: "Send",
  honeypotLabel: "Leave this empty",
};

describe("embedSnippets", () => {
  it("builds a plain form that posts to post_url with honeypot and consent", () => {
    const { html } = embedSnippets(base);
    expect(html.startsWith('<form action="https://crm.example.com/f/pk_abc" method="post">')).toBe(true);
    expect(html).toContain('<input id="rapport-first_name" name="first_name" type="text" autocomplete="given-name" required>');
    expect(html).toContain('<label for="rapport-first_name">first name *</label>');
    expect(html).toContain('name="email" type="email"');
    expect(html).toContain('<textarea id="rapport-message" name="message" rows="4"></textarea>');
    expect(html).toContain('<input type="checkbox" name="consent" value="on"> I agree to &lt;b&gt;emails&lt;/b&gt; &amp; calls');
    expect(html).toContain('aria-hidden="true"');
    expect(html).toContain('<input id="rapport-website" name="website" tabindex="-1" autocomplete="off">');
    expect(html).not.toContain("<script");
    expect(html).not.toContain("data-rapport-form");
  });

  it("escapes labels, keys and URLs", () => {
    const { html, script } = embedSnippets({ ...base, publicKey: 'k"><script>', postUrl: 'https://crm.example.com/f/a"b', thankYouMessage: "<Thanks>" });
    expect(html).toContain("Work &quot;email&quot; &lt;you@co&gt;");
    expect(html).toContain('action="https://crm.example.com/f/a&quot;b"');
    expect(script).toContain('data-rapport-form="k&quot;&gt;&lt;script&gt;"');
    expect(script).toContain('data-rapport-thanks="&lt;Thanks&gt;"');
    expect(script.match(/<script/g)?.length).toBe(1);
  });

  it("adds the script variant's attribute and tag, and no consent without text", () => {
    const { script } = embedSnippets({ ...base, consentText: null });
    expect(script).toContain('data-rapport-form="pk_abc"');
    expect(script.endsWith('<script src="https://crm.example.com/f/embed.js" defer></script>')).toBe(true);
    expect(script).not.toContain('name="consent"');
  });
});

describe("editor helpers", () => {
  it("parses tags, blanks and moves", () => {
    expect(parseTags(" vip, webinar ,, vip")).toEqual(["vip", "webinar"]);
    expect(blankToNull("  ")).toBeNull();
    expect(blankToNull(" hi ")).toBe("hi");
    expect(moveItem(["a", "b", "c"], 0, 1)).toEqual(["b", "a", "c"]);
    expect(moveItem(["a", "b", "c"], 0, -1)).toEqual(["a", "b", "c"]);
    expect(moveItem(["a", "b", "c"], 2, -1)).toEqual(["a", "c", "b"]);
    expect(nextUnusedField(["first_name", "last_name"])).toBe("email");
    expect(nextUnusedField([...formFieldNames])).toBeNull();
    expect(escapeHtml(`<a href='x'>&</a>`)).toBe("&lt;a href=&#39;x&#39;&gt;&amp;&lt;/a&gt;");
  });

  it("offers replay only for rows that did not become a contact", () => {
    expect(canReplay("failed")).toBe(true);
    expect(canReplay("spam")).toBe(true);
    expect(canReplay("invalid")).toBe(true);
    expect(canReplay("processed")).toBe(false);
    expect(canReplay("received")).toBe(false);
  });
});

describe("spam reasons", () => {
  it("knows the quarantine reasons", () => {
    expect(spamReasonOf("honeypot")).toBe("honeypot");
    expect(spamReasonOf("filled_too_fast")).toBe("filled_too_fast");
    expect(spamReasonOf("Something else")).toBeNull();
    expect(spamReasonOf(null)).toBeNull();
  });
});
