import { languages, type Language } from "../db/schema";
import { htmlToText } from "./html-to-text";
import { escapeHtml, fieldsUsed, parseTemplate, renderSubject, renderTemplate, type MergeValues, type TemplatePart } from "./template";

// One campaign email for one recipient: the language variant, merge values, subject, HTML and
// plain text, and the headers every marketing email carries (RFC 8058 one-click unsubscribe and
// a Message-ID that stays the same however often the send is retried). Pure: the consumer, the
// preview route and the test send all call this, so what is previewed is what is sent.

export type RenderableVariant = { language: Language; subject: string; html: string; text: string | null };
export type RenderableTemplate = { defaultLanguage: Language; variants: readonly RenderableVariant[] };

/** What rendering reads from a contact (a contacts row has all of these). */
export type RenderableContact = {
  firstName: string | null;
  lastName: string | null;
  primaryEmail: string | null;
  jobTitle: string | null;
  city: string | null;
  country: string | null;
  language: string | null;
};

export type RenderOptions = {
  /** The recipient's own signed link (unsubscribeUrl below). */
  unsubscribeUrl: string;
  ownerName?: string | null | undefined;
  companyName?: string | null | undefined;
  /** A mailbox that unsubscribes whoever writes to it, offered beside the link when configured. */
  unsubscribeMailto?: string | null | undefined;
  /** The send's idempotency key, e.g. `campaign:{campaign_id}:{contact_id}`: the Message-ID is derived from it. */
  idempotencyKey?: string | undefined;
  /** The domain of the Message-ID (the sender's domain). */
  messageIdDomain?: string | undefined;
  /** Forces a language (preview and test send); otherwise the contact's. */
  language?: Language | undefined;
};

export type RenderedEmail = { language: Language; subject: string; html: string; text: string; headers: Record<string, string> };

type PreparedVariant = { language: Language; subject: TemplatePart[]; html: TemplatePart[]; text: TemplatePart[] | null; mentionsUnsubscribe: boolean };

// A template is parsed once per template object, not once per recipient: a 100,000-recipient
// campaign renders the same few variants over and over.
const prepared = new WeakMap<RenderableTemplate, Map<Language, PreparedVariant>>();

function parsed(source: string, where: string): TemplatePart[] {
  const result = parseTemplate(source);
  // Templates are validated when saved, so this only fires on a row written around the API.
  if (!result.ok) throw new Error(`Template ${where} does not parse: ${result.problems.map((p) => p.message).join("; ")}`);
  return result.parts;
}

function prepare(template: RenderableTemplate): Map<Language, PreparedVariant> {
  let variants = prepared.get(template);
  if (variants) return variants;
  variants = new Map();
  for (const variant of template.variants) {
    const html = parsed(variant.html, `${variant.language} html`);
    const text = variant.text === null || variant.text.trim() === "" ? null : parsed(variant.text, `${variant.language} text`);
    variants.set(variant.language, {
      language: variant.language,
      subject: parsed(variant.subject, `${variant.language} subject`),
      html,
      text,
      mentionsUnsubscribe: fieldsUsed(html).includes("unsubscribe_url"),
    });
  }
  prepared.set(template, variants);
  return variants;
}

const isLanguage = (value: string): value is Language => (languages as readonly string[]).includes(value);

/** The primary subtag of a stored language ("lt-LT", "LT", "lt" → "lt"), if it is one Rapport speaks. */
export function contactLanguage(language: string | null): Language | null {
  const primary = language?.trim().toLowerCase().split(/[-_]/)[0] ?? "";
  return isLanguage(primary) ? primary : null;
}

/** The variant for a language: that language's, else the template's default, else the first there is. */
export function chooseVariant<T extends { language: Language }>(variants: readonly T[], wanted: Language | null, defaultLanguage: Language): T | null {
  return variants.find((v) => v.language === wanted) ?? variants.find((v) => v.language === defaultLanguage) ?? variants[0] ?? null;
}

export function mergeValuesFor(contact: RenderableContact, options: Pick<RenderOptions, "unsubscribeUrl" | "ownerName" | "companyName">): MergeValues {
  const fullName = [contact.firstName, contact.lastName].map((part) => part?.trim() ?? "").filter(Boolean).join(" ");
  return {
    first_name: contact.firstName,
    last_name: contact.lastName,
    full_name: fullName || null,
    email: contact.primaryEmail,
    company: options.companyName ?? null,
    job_title: contact.jobTitle,
    city: contact.city,
    country: contact.country,
    owner_name: options.ownerName ?? null,
    unsubscribe_url: options.unsubscribeUrl,
  };
}

const footerWords: Record<Language, { lead: string; link: string }> = {
  en: { lead: "Don't want these emails?", link: "Unsubscribe" },
  lt: { lead: "Nenorite gauti šių laiškų?", link: "Atsisakyti prenumeratos" },
  lv: { lead: "Nevēlaties saņemt šīs vēstules?", link: "Atteikties no abonēšanas" },
  sl: { lead: "Ne želite več prejemati teh sporočil?", link: "Odjava" },
  ru: { lead: "Не хотите получать эти письма?", link: "Отписаться" },
};

/**
 * A Message-ID that is the same for every retry of one send (so a receiving server or client can
 * tell a resend from a new email) and different for every (campaign, contact). The key's ids are
 * opaque and random, so nothing personal leaks into the header.
 */
export function messageIdFor(idempotencyKey: string, domain: string): string {
  const local = idempotencyKey.replace(/[^A-Za-z0-9_-]+/g, ".").replace(/^\.+|\.+$/g, "") || "rapport";
  const host = domain.replace(/[^A-Za-z0-9.-]/g, "") || "rapport.localhost";
  return `<${local}@${host}>`;
}

/** The public link that unsubscribes one recipient: `{origin}/u/{token}`. */
export function unsubscribeUrl(origin: string, token: string): string {
  return `${origin.replace(/\/+$/, "")}/u/${encodeURIComponent(token)}`;
}

/** Renders one email for one contact; throws only for a template that was never validated. */
export function renderForRecipient(template: RenderableTemplate, contact: RenderableContact, options: RenderOptions): RenderedEmail {
  const variants = prepare(template);
  const wanted = options.language ?? contactLanguage(contact.language);
  const variant = chooseVariant([...variants.values()], wanted, template.defaultLanguage);
  if (!variant) throw new Error("Template has no variants");
  const values = mergeValuesFor(contact, options);
  let html = renderTemplate(variant.html, values, "html");
  // Every marketing email carries a visible way out, even when the author forgot the merge field.
  if (!variant.mentionsUnsubscribe) {
    const words = footerWords[variant.language];
    // A plain <small>, no styles: it reads as a footnote in any client, whatever the template's look.
    html += `\n<p><small>${escapeHtml(words.lead)} <a href="${escapeHtml(options.unsubscribeUrl)}">${escapeHtml(words.link)}</a></small></p>`;
  }
  let text = variant.text ? renderTemplate(variant.text, values, "text") : htmlToText(html);
  if (variant.text && !fieldsUsed(variant.text).includes("unsubscribe_url")) {
    const words = footerWords[variant.language];
    text += `\n\n${words.lead} ${words.link}: ${options.unsubscribeUrl}`;
  }
  const listUnsubscribe = [`<${options.unsubscribeUrl}>`];
  if (options.unsubscribeMailto) listUnsubscribe.push(`<mailto:${options.unsubscribeMailto}?subject=unsubscribe>`);
  const headers: Record<string, string> = {
    "List-Unsubscribe": listUnsubscribe.join(", "),
    "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
  };
  if (options.idempotencyKey) headers["Message-ID"] = messageIdFor(options.idempotencyKey, options.messageIdDomain ?? "rapport.localhost");
  return { language: variant.language, subject: renderSubject(variant.subject, values), html, text, headers };
}
