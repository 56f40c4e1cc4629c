import { AsYouType, isSupportedCountry, parsePhoneNumberFromString } from "libphonenumber-js/max";

// Pure normalisation shared by every entry path (API, forms, imports, the seed script): the same
// input always lands as the same stored value, which is what makes duplicate detection work.

/** Lower case without diacritics, for sorting and prefix comparisons ("Šarūnas" → "sarunas"). */
export function fold(text: string): string {
  return text
    .normalize("NFKD")
    .replace(/\p{M}+/gu, "")
    .toLowerCase()
    .replace(/\s+/g, " ")
    .trim();
}

const legalForms = new Set(["uab", "ab", "mb", "ii", "vsi", "sia", "as", "ooo", "ооо", "оао", "зао", "пао", "ао", "ип", "doo", "dd", "sp", "ltd", "llc", "inc", "plc", "gmbh", "ou", "oy", "sa", "srl"]);

/**
 * A company's sort and search key: folded, without quotes and without the legal form in front
 * or behind (`UAB "Alfa"`, `Alfa, d.o.o.`, `ООО «Ромашка»` → "alfa", "alfa", "ромашка").
 */
export function companyNameSort(name: string): string {
  const words = fold(name)
    .replace(/["'«»„“”‘’]/g, " ")
    .split(/[\s,]+/)
    .filter(Boolean);
  const isForm = (word: string) => legalForms.has(word.replace(/\./g, ""));
  while (words.length > 1 && isForm(words[0] ?? "")) words.shift();
  while (words.length > 1 && isForm(words.at(-1) ?? "")) words.pop();
  return words.join(" ");
}

export function displayName(parts: { firstName: string | null; lastName: string | null; email: string | null; phone: string | null }): string {
  const name = [parts.firstName, parts.lastName].filter(Boolean).join(" ").trim();
  return name || parts.email || parts.phone || "—";
}

/** Contacts sort by last name, then first name; a contact with no name sorts by email or phone. */
export function contactNameSort(parts: { firstName: string | null; lastName: string | null; email: string | null; phone: string | null }): string {
  const byName = fold([parts.lastName, parts.firstName].filter(Boolean).join(" "));
  return byName || fold(parts.email ?? parts.phone ?? "");
}

export type NormalizedPhone = { e164: string; national: string };

/** A phone as typed, in the workspace's default country, to E.164; null when it cannot be a real number. */
export function normalizePhone(raw: string, defaultCountry: string): NormalizedPhone | null {
  const parsed = parsePhoneNumberFromString(raw, { ...(isSupportedCountry(defaultCountry) ? { defaultCountry } : {}), extract: false });
  if (!parsed || !parsed.isValid()) return null;
  return { e164: parsed.number, national: parsed.nationalNumber };
}

/** example.com from "https://www.Example.com/about", "www.example.com" or "Example.COM". */
export function normalizeDomain(input: string): string | null {
  const trimmed = input.trim().toLowerCase();
  if (!trimmed) return null;
  let host: string;
  try {
    host = new URL(/^[a-z][a-z0-9+.-]*:\/\//.test(trimmed) ? trimmed : `http://${trimmed}`).hostname;
  } catch {
    return null;
  }
  host = host.replace(/^www\./, "").replace(/\.$/, "");
  if (!/^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z0-9-]{2,63}$/.test(host)) return null;
  return host;
}

export function normalizeTags(tags: readonly string[]): string[] {
  return [...new Set(tags.map((tag) => tag.trim().toLowerCase()).filter(Boolean))].sort();
}

export type SearchDocument = { ws: string; name: string; email: string; phone: string; company: string };

/** The workspace token stored in the search index: the id without its prefix (one FTS token). */
export function workspaceToken(workspaceId: string): string {
  return workspaceId.replace(/^ws_/, "");
}

export function searchDocument(input: {
  workspaceId: string;
  firstName: string | null;
  lastName: string | null;
  emails: readonly string[];
  phones: readonly NormalizedPhone[];
  companyName: string | null;
}): SearchDocument {
  return {
    ws: workspaceToken(input.workspaceId),
    name: [input.firstName, input.lastName].filter(Boolean).join(" "),
    email: input.emails.join(" "),
    phone: input.phones.flatMap((p) => [p.e164.replace(/^\+/, ""), p.national]).join(" "),
    company: input.companyName ?? "",
  };
}

function quote(token: string): string {
  return `"${token.replaceAll('"', '""')}"`;
}

/** Whether what was typed looks like (part of) a phone number rather than words. */
export function isPhoneLike(input: string): boolean {
  return /^[\d\s()+.\-/]+$/.test(input.trim()) && input.replace(/\D/g, "").length >= 3;
}

/**
 * The digit prefixes a phone-like query can match in the index, reading it in the workspace's
 * default country even when incomplete: the national number without its trunk prefix and the
 * same with the country code ("8 612" in LT → "612…" and "370612…").
 */
export function phoneSearchPrefixes(input: string, defaultCountry: string): string[] {
  const complete = normalizePhone(input, defaultCountry);
  if (complete) return [complete.e164.replace(/^\+/, ""), complete.national];
  if (isSupportedCountry(defaultCountry)) {
    const typing = new AsYouType(defaultCountry);
    typing.input(input);
    const partial = typing.getNumber();
    // Read in the default country, the digits as typed would also match numbers of other
    // countries ("8 612" is not an Irish "86 12…"), so only the national reading is searched.
    if (partial?.nationalNumber) return [partial.nationalNumber, partial.number.replace(/^\+/, "")];
  }
  return [input.replace(/\D/g, "")];
}

/**
 * Turns what a person typed into an FTS5 query: every word must match the start of a word in
 * the name, email, phone or company; a phone-like input matches the number however it was
 * formatted ("8 612 34567" finds +37061234567). Null when nothing is left to search for. The
 * workspace is not part of the query: the join on contacts.workspace_id scopes it, which keeps
 * selective searches from walking the whole workspace's doclist.
 */
export function searchQuery(input: string, defaultCountry: string | null): string | null {
  if (isPhoneLike(input)) {
    const prefixes = phoneSearchPrefixes(input, defaultCountry ?? "");
    return `phone : (${prefixes.map((c) => `${quote(c)}*`).join(" OR ")})`;
  }
  const words = fold(input)
    .split(/[^\p{L}\p{N}]+/u)
    .filter((word) => word.length > 0)
    .slice(0, 8);
  if (words.length === 0) return null;
  return `{name email phone company} : (${words.map((w) => `${quote(w)}*`).join(" AND ")})`;
}
