import { describe, expect, it } from "vitest";
import { htmlToText, decodeEntities } from "./html-to-text";
import { chooseVariant, contactLanguage, messageIdFor, renderForRecipient, unsubscribeUrl, type RenderableContact, type RenderableTemplate } from "./render";

const ona: RenderableContact = {
  firstName: "Ona",
  lastName: "Žukauskienė",
  primaryEmail: "ona@example.lt",
  jobTitle: "Vadovė",
  city: "Vilnius",
  country: "LT",
  language: "lt-LT",
};

const newsletter: RenderableTemplate = {
  defaultLanguage: "en",
  variants: [
    { language: "en", subject: "News for {{first_name | default: \"you\"}}", html: "<p>Hello {{first_name}} from {{company}}</p><p><a href=\"{{unsubscribe_url}}\">Unsubscribe</a></p>", text: null },
    { language: "lt", subject: "Naujienos, {{first_name}}! Ąčęėįšųūž", html: "<h1>Labas, {{full_name}}</h1><p>Jūsų vadybininkas: {{owner_name}}</p><p><a href=\"{{unsubscribe_url}}\">Atsisakyti</a></p>", text: null },
    { language: "ru", subject: "Новости для {{first_name}}", html: "<p>Здравствуйте, {{first_name}}!</p>", text: "Здравствуйте, {{first_name}}! Отписаться: {{unsubscribe_url}}" },
  ],
};

const options = { unsubscribeUrl: "https://crm.example.com/u/rcp_1.abc", ownerName: "Jonas", companyName: "UAB Ąžuolas" };

describe("renderForRecipient", () => {
  it("chooses the variant by the contact's language (region subtag ignored) and fills merge values", () => {
    const email = renderForRecipient(newsletter, ona, options);
    expect(email.language).toBe("lt");
    expect(email.subject).toBe("Naujienos, Ona! Ąčęėįšųūž");
    expect(email.html).toContain("<h1>Labas, Ona Žukauskienė</h1>");
    expect(email.html).toContain("Jūsų vadybininkas: Jonas");
  });

  it("renders a Russian subject and keeps the author's own text part, adding no second link", () => {
    const email = renderForRecipient(newsletter, { ...ona, firstName: "Мария", language: "ru" }, options);
    expect(email.language).toBe("ru");
    expect(email.subject).toBe("Новости для Мария");
    expect(email.text).toBe("Здравствуйте, Мария! Отписаться: https://crm.example.com/u/rcp_1.abc");
  });

  it("falls back to the default language, then to the first variant", () => {
    expect(renderForRecipient(newsletter, { ...ona, language: "lv" }, options).language).toBe("en");
    expect(renderForRecipient(newsletter, { ...ona, language: null }, options).language).toBe("en");
    const onlyRussian: RenderableTemplate = { defaultLanguage: "en", variants: [newsletter.variants[2]!] };
    expect(renderForRecipient(onlyRussian, ona, options).language).toBe("ru");
  });

  it("a forced language wins over the contact's", () => {
    expect(renderForRecipient(newsletter, ona, { ...options, language: "ru" }).language).toBe("ru");
  });

  it("escapes merge values in HTML but not in the subject or generated text", () => {
    const email = renderForRecipient(newsletter, { ...ona, firstName: "<b>Tom & \"Jerry\"</b>", language: "en" }, { ...options, companyName: "A&B <Ltd>" });
    expect(email.html).toContain("Hello &lt;b&gt;Tom &amp; &quot;Jerry&quot;&lt;/b&gt; from A&amp;B &lt;Ltd&gt;");
    expect(email.html).not.toContain("<b>Tom");
    expect(email.subject).toBe('News for <b>Tom & "Jerry"</b>');
    expect(email.text).toContain('Hello <b>Tom & "Jerry"</b> from A&B <Ltd>');
  });

  it("a value with line breaks cannot add a header through the subject", () => {
    const email = renderForRecipient(newsletter, { ...ona, firstName: "Ona\r\nBcc: all@example.com", language: "en" }, options);
    expect(email.subject).toBe("News for Ona Bcc: all@example.com");
    expect(email.subject).not.toMatch(/[\r\n]/);
  });

  it("uses the default of a blank field", () => {
    expect(renderForRecipient(newsletter, { ...ona, firstName: "  ", language: "en" }, options).subject).toBe("News for you");
  });

  it("generates the plain-text part from the rendered HTML with the link target kept", () => {
    const email = renderForRecipient(newsletter, ona, options);
    expect(email.text).toBe("Labas, Ona Žukauskienė\n\nJūsų vadybininkas: Jonas\n\nAtsisakyti (https://crm.example.com/u/rcp_1.abc)");
  });

  it("adds a localised unsubscribe footer when the author left the link out", () => {
    const email = renderForRecipient(newsletter, { ...ona, language: "ru" }, options);
    expect(email.html).toContain('<a href="https://crm.example.com/u/rcp_1.abc">Отписаться</a>');
    const lithuanianWithout: RenderableTemplate = { defaultLanguage: "lt", variants: [{ language: "lt", subject: "S", html: "<p>Sveiki</p>", text: "Sveiki" }] };
    const lt = renderForRecipient(lithuanianWithout, ona, options);
    expect(lt.html).toContain("Atsisakyti prenumeratos");
    expect(lt.text).toBe("Sveiki\n\nNenorite gauti šių laiškų? Atsisakyti prenumeratos: https://crm.example.com/u/rcp_1.abc");
  });

  it("carries RFC 8058 one-click headers, the mailto when configured, and a stable Message-ID", () => {
    const first = renderForRecipient(newsletter, ona, { ...options, idempotencyKey: "campaign:cpg_01abc:con_01def", messageIdDomain: "example.com" });
    const again = renderForRecipient(newsletter, ona, { ...options, idempotencyKey: "campaign:cpg_01abc:con_01def", messageIdDomain: "example.com" });
    expect(first.headers).toEqual({
      "List-Unsubscribe": "<https://crm.example.com/u/rcp_1.abc>",
      "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
      "Message-ID": "<campaign.cpg_01abc.con_01def@example.com>",
    });
    expect(again.headers["Message-ID"]).toBe(first.headers["Message-ID"]);
    const other = renderForRecipient(newsletter, ona, { ...options, idempotencyKey: "campaign:cpg_01abc:con_01xyz", messageIdDomain: "example.com" });
    expect(other.headers["Message-ID"]).not.toBe(first.headers["Message-ID"]);
    const withMailto = renderForRecipient(newsletter, ona, { ...options, unsubscribeMailto: "unsubscribe@example.com" });
    expect(withMailto.headers["List-Unsubscribe"]).toBe("<https://crm.example.com/u/rcp_1.abc>, <mailto:unsubscribe@example.com?subject=unsubscribe>");
  });

  it("throws for a stored template that does not parse (never validated)", () => {
    expect(() => renderForRecipient({ defaultLanguage: "en", variants: [{ language: "en", subject: "{{nope}}", html: "x", text: null }] }, ona, options)).toThrow(/does not parse/);
  });
});

describe("helpers", () => {
  it("reads the primary language subtag and ignores languages Rapport does not speak", () => {
    expect(contactLanguage("LT")).toBe("lt");
    expect(contactLanguage("sl_SI")).toBe("sl");
    expect(contactLanguage("de")).toBeNull();
    expect(contactLanguage(null)).toBeNull();
  });

  it("chooses variants in order: wanted, default, first", () => {
    const vs = [{ language: "ru" as const }, { language: "lv" as const }];
    expect(chooseVariant(vs, "lv", "ru")?.language).toBe("lv");
    expect(chooseVariant(vs, "en", "lv")?.language).toBe("lv");
    expect(chooseVariant(vs, "en", "sl")?.language).toBe("ru");
    expect(chooseVariant([], "en", "en")).toBeNull();
  });

  it("builds unsubscribe URLs on the origin without double slashes", () => {
    expect(unsubscribeUrl("https://crm.example.com/", "rcp_1.ab-c_d")).toBe("https://crm.example.com/u/rcp_1.ab-c_d");
  });

  it("keeps Message-IDs to safe characters", () => {
    expect(messageIdFor("a b<c>@d", "ex ample.com>")).toBe("<a.b.c.d@example.com>");
  });
});

describe("htmlToText", () => {
  it("reads a link's real href, not an href= written inside another attribute's value", () => {
    expect(htmlToText('<p><a title="x href=https://evil.example/" href="https://shop.example/">Shop</a> <a title="a>b" href="https://two.example/">Two</a></p>')).toBe("Shop (https://shop.example/) Two (https://two.example/)");
  });

  it("turns blocks, breaks, lists, images and links into readable text", () => {
    const html = `<!doctype html><html><head><title>T</title><style>p{color:red}</style></head><body>
      <h1>Sveiki!</h1><p>Line one<br>line   two</p><ul><li>First</li><li>Second</li></ul>
      <img src="x.png" alt="Logo"><p><a href="https://example.com/a?b=1&amp;c=2">Read more</a> or <a href="https://example.com">https://example.com</a></p>
      <!-- hidden --><script>alert(1)</script><table><tr><td>A</td><td>B</td></tr></table></body></html>`;
    expect(htmlToText(html)).toBe("Sveiki!\n\nLine one\nline two\n\n- First\n- Second\n\nLogo\n\nRead more (https://example.com/a?b=1&c=2) or https://example.com\n\nA B");
  });

  it("drops links that are not web or mail links, keeping their text", () => {
    expect(htmlToText('<a href="javascript:alert(1)">Click</a>')).toBe("Click");
  });

  it("decodes named, decimal and hex references and leaves unknown ones", () => {
    expect(decodeEntities("&lt;&#269;&#x17E;&nbsp;&bogus;&#0;")).toBe("<čž\u00a0&bogus;&#0;");
  });
});
