import { isSupportedCountry, parsePhoneNumberFromString } from "libphonenumber-js/max";

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

/**
 * Turns what a person typed into an FTS5 query scoped to the workspace: every word must match
 * the start of a word in the name, email, phone or company; a phone-like input also matches the
 * number however it was formatted ("8 612 34567" finds +37061234567). Null when nothing is left
 * to search for.
 */
export function searchQuery(workspaceId: string, input: string, defaultCountry: string): string | null {
  const scope = `ws : ${quote(workspaceToken(workspaceId))}`;
  const digits = input.replace(/\D/g, "");
  if (/^[\d\s()+.\-/]+$/.test(input.trim()) && digits.length >= 3) {
    const candidates = new Set([digits]);
    const phone = normalizePhone(input, defaultCountry);
    if (phone) {
      candidates.add(phone.e164.replace(/^\+/, ""));
      candidates.add(phone.national);
    }
    return `${scope} AND phone : (${[...candidates].map((c) => `${quote(c)}*`).join(" OR ")})`;
  }
  const words = fold(input)
    .split(/[^\p{L}\p{N}]+/u)
    .filter((word) => word.length > 0)
    .slice(0, 8);
  if (words.length === 0) return null;
  return `${scope} AND {name email phone company} : (${words.map((w) => `${quote(w)}*`).join(" AND ")})`;
}
