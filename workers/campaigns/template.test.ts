import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { escapeHtml, fieldsUsed, mergeFields, parseTemplate, renderSubject, renderTemplate, type TemplatePart } from "./template";

function parts(source: string): TemplatePart[] {
  const parsed = parseTemplate(source);
  if (!parsed.ok) throw new Error(parsed.problems.map((p) => p.message).join("; "));
  return parsed.parts;
}

describe("parsing merge fields", () => {
  it("reads plain fields and defaults with either quote, with or without spaces", () => {
    expect(parts('Labas, {{first_name | default: "drauge"}}! {{ company }}{{city|default:\'Vilnius\'}}')).toEqual([
      { kind: "text", text: "Labas, " },
      { kind: "field", field: "first_name", fallback: "drauge" },
      { kind: "text", text: "! " },
      { kind: "field", field: "company", fallback: null },
      { kind: "field", field: "city", fallback: "Vilnius" },
    ]);
  });

  it("accepts escaped quotes and UTF-8 in defaults", () => {
    expect(parts('{{first_name | default: "\\"мой друг\\""}}')).toEqual([{ kind: "field", field: "first_name", fallback: '"мой друг"' }]);
  });

  it("names an unknown field with its position, so the editor can point at it", () => {
    const parsed = parseTemplate("Hi {{frist_name}}, and {{ company }}");
    expect(parsed).toEqual({
      ok: false,
      problems: [{ code: "unknown_field", index: 3, tag: "{{frist_name}}", message: expect.stringContaining('"frist_name"') }],
    });
  });

  it("rejects unknown filters, malformed tags and unclosed tags, listing every problem", () => {
    const parsed = parseTemplate('{{first_name | upcase}} {{ 1 + 2 }} {{ email | default: "x" }} {{ city');
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(parsed.problems.map((p) => [p.code, p.index])).toEqual([
      ["unknown_filter", 0],
      ["malformed_tag", 24],
      ["unclosed_tag", 63],
    ]);
  });

  it("treats an unclosed tag followed by a good one as one problem and keeps reading", () => {
    const parsed = parseTemplate("{{ first_name {{ email }}");
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.problems.map((p) => p.code)).toEqual(["unclosed_tag"]);
  });

  it("leaves single braces and text without tags alone", () => {
    expect(parts("a { b } c }} d")).toEqual([{ kind: "text", text: "a { b } c }} d" }]);
    expect(parts("")).toEqual([]);
  });

  it("lists the fields a template uses once each", () => {
    expect(fieldsUsed(parts("{{first_name}} {{email}} {{first_name|default:'x'}}"))).toEqual(["first_name", "email"]);
  });
});

describe("rendering", () => {
  const template = parts('<p>Sveiki, {{first_name | default: "kliente"}} iš {{company}}!</p>');

  it("escapes values in HTML but keeps the author's markup", () => {
    expect(renderTemplate(template, { first_name: '<img src=x onerror="alert(1)">', company: "A&B" }, "html")).toBe(
      "<p>Sveiki, &lt;img src=x onerror=&quot;alert(1)&quot;&gt; iš A&amp;B!</p>",
    );
  });

  it("uses the default for a missing or blank value and nothing when there is no default", () => {
    expect(renderTemplate(template, { first_name: "  ", company: null }, "text")).toBe("<p>Sveiki, kliente iš !</p>");
  });

  it("never lets a value break a subject onto a new header line", () => {
    expect(renderSubject(parts("Hello {{first_name}} — news"), { first_name: "Ona\r\nBcc: all@example.com" })).toBe("Hello Ona Bcc: all@example.com — news");
  });

  it("renders any value in HTML mode so that it reads back as the same text", () => {
    const decode = (html: string) => html.replace(/&(amp|lt|gt|quot|#39);/g, (_, e: string) => ({ amp: "&", lt: "<", gt: ">", quot: '"', "#39": "'" })[e] ?? "");
    fc.assert(
      fc.property(fc.string({ minLength: 1 }).filter((s) => s.trim().length > 0), (value) => {
        const html = renderTemplate(parts("{{email}}"), { email: value }, "html");
        expect(html).not.toMatch(/[<>"']/);
        expect(decode(html)).toBe(value);
      }),
    );
    expect(escapeHtml(`&<>"'`)).toBe("&amp;&lt;&gt;&quot;&#39;");
  });

  it("knows every field the sender fills", () => {
    expect(mergeFields).toContain("unsubscribe_url");
  });
});
