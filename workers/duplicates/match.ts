import { fold } from "../contacts/normalize";

// Pure duplicate matching: the same rules run in the workspace scan, in the entry-path
// suggestions and in GET /duplicates/check. Nothing here knows D1.
//
// A pair is only ever compared when the two records share a blocking key (an email, a phone, or a
// name with a company, email domain or city), so a workspace is never compared pair by pair.
// The score is built from named pieces of evidence (the reason codes) so a person reviewing a
// cluster can see why it was proposed; docs/decisions.md explains the weights.

// ---- text keys -----------------------------------------------------------------------------------

// Russian, Ukrainian and Serbian Cyrillic to the Latin letters Baltic and Slovene spellings fold
// to (ш → s as š folds to s, ж → z, ч → c, х → h, й → j), so "Берзиньш" meets "Bērziņš" and
// "Петров" meets "Petrov". й and ё never reach this table: fold's NFKD already made them и, е.
const cyrillic: Record<string, string> = {
  а: "a", б: "b", в: "v", г: "g", д: "d", е: "e", ж: "z", з: "z", и: "i", й: "j", к: "k", л: "l", м: "m",
  н: "n", о: "o", п: "p", р: "r", с: "s", т: "t", у: "u", ф: "f", х: "h", ц: "c", ч: "c", ш: "s", щ: "sc",
  ъ: "", ы: "y", ь: "", э: "e", ю: "ju", я: "ja", і: "i", ї: "ji", є: "je", ґ: "g", ђ: "dj", ј: "j",
  љ: "lj", њ: "nj", ћ: "c", џ: "dz",
};

// Latin letters NFKD does not decompose.
const latinExtra: Record<string, string> = { đ: "dj", ł: "l", ø: "o", ß: "ss", æ: "ae", œ: "oe", ı: "i", þ: "th" };

/** Cyrillic (and a few Latin letters fold keeps) to plain Latin; expects folded text. */
export function transliterate(folded: string): string {
  let out = "";
  for (const ch of folded) out += cyrillic[ch] ?? latinExtra[ch] ?? ch;
  return out;
}

/**
 * One spelling per sound, so English, Baltic, Slovene and transliterated Russian spellings of a
 * name meet: "Mikhail"/"Михаил", "Yuriy"/"Jurij"/"Юрий", "Aleksandr"/"Alexandr", "Marija"/"Maria".
 * Applied to both sides of every comparison, so it can only make names more alike, never less.
 */
export function canonical(latin: string): string {
  return latin
    .replace(/shch|sch/g, "s")
    .replace(/kh/g, "h")
    .replace(/zh/g, "z")
    .replace(/sh/g, "s")
    .replace(/ch/g, "c")
    .replace(/t[sz]/g, "c")
    .replace(/x/g, "ks")
    .replace(/w/g, "v")
    .replace(/ph/g, "f")
    .replace(/q/g, "k")
    .replace(/[yj]/g, "i")
    // Е at the start of a Russian word is often written "Ye" ("Yekaterina"/"Ekaterina").
    .replace(/\bie/g, "e")
    .replace(/([a-z])\1+/g, "$1");
}

/** Folded, transliterated, canonical words: the form every name, company and city is compared in. */
export function matchWords(text: string | null | undefined): string[] {
  if (!text) return [];
  return canonical(transliterate(fold(text)))
    .split(/[^a-z0-9]+/)
    .filter(Boolean);
}

// Legal forms in the five markets and in English, removed wherever they sit. Compared in
// matchWords form (ООО → "o", d.o.o. → "do" once its dots are joined, VšĮ → "vsi", ИП → "ip").
const legalForms = new Set(
  [
    "uab", "ab", "mb", "všį", "iį", "kūb", "tūb", "sia", "as", "ik", "doo", "dd", "sp", "ооо", "ао", "зао", "пао", "оао", "ип",
    "ltd", "limited", "plc", "llp", "llc", "inc", "incorporated", "corp", "corporation", "co", "gmbh", "ag", "kg", "oü", "oy",
    "sa", "srl", "bv", "nv", "jsc", "pjsc", "cjsc",
  ].flatMap(matchWords),
);
// Legal forms written out in full.
const legalPhrases = [
  "uždaroji akcinė bendrovė",
  "akcinė bendrovė",
  "mažoji bendrija",
  "viešoji įstaiga",
  "individuali įmonė",
  "sabiedrība ar ierobežotu atbildību",
  "akciju sabiedrība",
  "общество с ограниченной ответственностью",
  "закрытое акционерное общество",
  "публичное акционерное общество",
  "акционерное общество",
  "индивидуальный предприниматель",
  "družba z omejeno odgovornostjo",
  "delniška družba",
  "samostojni podjetnik",
].map((phrase) => matchWords(phrase));

/**
 * A company's comparison key: matchWords without legal forms anywhere and without quotes, joined
 * without spaces ("UAB „Alfa Statyba“", "Alfa statyba, UAB", "AB ALFA-STATYBA" → "alfastatyba";
 * "ООО «Ромашка»" and "Romashka LLC" → "romaska"). Null when nothing is left.
 */
export function companyKey(name: string | null | undefined): string | null {
  if (!name) return null;
  // "d. o. o." and "s. p." are legal forms only once their letters are joined.
  const joined = fold(name).replace(/\b([a-z])\.\s*(?=[a-z]\.)/g, "$1").replace(/\./g, "");
  let words = matchWords(joined);
  for (const phrase of legalPhrases) words = removeSequence(words, phrase);
  const kept = words.filter((word) => !legalForms.has(word));
  const key = (kept.length > 0 ? kept : words).join("");
  return key || null;
}

function removeSequence(words: string[], phrase: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < words.length; i++) {
    if (phrase.every((part, k) => words[i + k] === part)) {
      i += phrase.length - 1;
      continue;
    }
    out.push(words[i] ?? "");
  }
  return out;
}

export function cityKey(city: string | null | undefined): string | null {
  const words = matchWords(city);
  return words.length > 0 ? words.join("") : null;
}

// Mailboxes that say nothing about an employer: a shared domain there is no company evidence.
const freeMailDomains = new Set([
  "gmail.com", "googlemail.com", "yahoo.com", "yahoo.co.uk", "outlook.com", "hotmail.com", "hotmail.co.uk", "live.com", "icloud.com",
  "me.com", "aol.com", "proton.me", "protonmail.com", "gmx.com", "gmx.net", "one.lt", "inbox.lt", "takas.lt", "zebra.lt", "inbox.lv",
  "apollo.lv", "siol.net", "t-2.net", "amis.net", "mail.ru", "yandex.ru", "ya.ru", "rambler.ru", "bk.ru", "list.ru", "inbox.ru",
]);

/** A normalised email: trimmed, lower case, inner spaces removed. */
export function normalizeEmail(email: string): string {
  return email.replace(/\s+/g, "").toLowerCase();
}

function corporateDomain(email: string): string | null {
  const domain = email.slice(email.lastIndexOf("@") + 1);
  return domain && !freeMailDomains.has(domain) ? domain : null;
}

/** The domain's name without its public suffix, in company-key form ("alfastatyba.lt" → "alfastatyba"). */
function domainLabel(domain: string): string {
  const parts = domain.split(".");
  const label = parts.length >= 3 && parts.at(-2)!.length <= 3 ? parts.at(-3) : parts.at(-2);
  return canonical((label ?? domain).replace(/[^a-z0-9]/g, ""));
}

// ---- string similarity ---------------------------------------------------------------------------

/** Jaro-Winkler similarity (prefix scale 0.1, up to four prefix characters), 0..1. */
export function jaroWinkler(a: string, b: string): number {
  if (a === b) return 1;
  if (a.length === 0 || b.length === 0) return 0;
  const range = Math.max(0, Math.floor(Math.max(a.length, b.length) / 2) - 1);
  const aMatched = new Array<boolean>(a.length).fill(false);
  const bMatched = new Array<boolean>(b.length).fill(false);
  let matches = 0;
  for (let i = 0; i < a.length; i++) {
    const from = Math.max(0, i - range);
    const to = Math.min(b.length - 1, i + range);
    for (let j = from; j <= to; j++) {
      if (bMatched[j] || a[i] !== b[j]) continue;
      aMatched[i] = true;
      bMatched[j] = true;
      matches += 1;
      break;
    }
  }
  if (matches === 0) return 0;
  let transpositions = 0;
  let k = 0;
  for (let i = 0; i < a.length; i++) {
    if (!aMatched[i]) continue;
    while (!bMatched[k]) k += 1;
    if (a[i] !== b[k]) transpositions += 1;
    k += 1;
  }
  const jaro = (matches / a.length + matches / b.length + (matches - transpositions / 2) / matches) / 3;
  let prefix = 0;
  while (prefix < 4 && prefix < a.length && prefix < b.length && a[prefix] === b[prefix]) prefix += 1;
  return jaro + prefix * 0.1 * (1 - jaro);
}

// ---- records ---------------------------------------------------------------------------------------

/** What matching needs of a contact. Emails normalised, phones E.164. */
export type MatchInput = {
  id: string;
  firstName: string | null;
  lastName: string | null;
  emails: readonly string[];
  phones: readonly string[];
  companyName: string | null;
  city: string | null;
  birthday: string | null;
};

export type PreparedRecord = {
  id: string;
  /** Given and family name in comparison form; both empty when the contact has no name. */
  first: string;
  last: string;
  emails: ReadonlySet<string>;
  phones: ReadonlySet<string>;
  company: string | null;
  domains: ReadonlySet<string>;
  city: string | null;
  birthday: string | null;
  /** Sorted name words: the same for "Jonas Petraitis" and "Petraitis Jonas". */
  nameKey: string;
};

/** Splits "Jonas Petraitis" typed into one name field into given and family name. */
function nameParts(firstName: string | null, lastName: string | null): { first: string; last: string } {
  const first = matchWords(firstName);
  const last = matchWords(lastName);
  if (first.length === 0 && last.length >= 2) return { first: last[0] ?? "", last: last.slice(1).join(" ") };
  if (last.length === 0 && first.length >= 2) return { first: first.slice(0, -1).join(" "), last: first.at(-1) ?? "" };
  return { first: first.join(" "), last: last.join(" ") };
}

export function prepareRecord(input: MatchInput): PreparedRecord {
  const { first, last } = nameParts(input.firstName, input.lastName);
  const emails = new Set(input.emails.map(normalizeEmail).filter(Boolean));
  const domains = new Set([...emails].map(corporateDomain).filter((d): d is string => d !== null));
  return {
    id: input.id,
    first,
    last,
    emails,
    phones: new Set(input.phones.filter(Boolean)),
    company: companyKey(input.companyName),
    domains,
    city: cityKey(input.city),
    birthday: input.birthday || null,
    nameKey: [first, last].filter(Boolean).sort().join(" "),
  };
}

// ---- blocking --------------------------------------------------------------------------------------

/**
 * The keys a record is filed under; two records are compared only when they share one.
 * - `e:` every email, `p:` every phone.
 * - Name keys need both names and one piece of context (company key, corporate email domain or
 *   city). The name part is one full word plus the other word's initial, both ways round: a
 *   one-letter typo in either word still leaves one key in common, first/last swapped gives the
 *   same keys, and "J. Petraitis" meets "Jonas Petraitis".
 */
export function blockingKeys(record: PreparedRecord): string[] {
  const keys: string[] = [];
  for (const email of record.emails) keys.push(`e:${email}`);
  for (const phone of record.phones) keys.push(`p:${phone}`);
  if (record.first && record.last) {
    const names: string[] = [];
    if (record.first.length > 1) names.push(`${record.first}/${record.last[0]}`);
    if (record.last.length > 1) names.push(`${record.last}/${record.first[0]}`);
    const contexts: string[] = [];
    if (record.company) contexts.push(`c:${record.company}`);
    for (const domain of record.domains) contexts.push(`c:${domainLabel(domain)}`);
    if (record.city) contexts.push(`y:${record.city}`);
    for (const name of names) for (const context of new Set(contexts)) keys.push(`n:${name}|${context}`);
  }
  return keys;
}

// ---- scoring ---------------------------------------------------------------------------------------

export type NameKind = "same" | "similar" | "partial" | "different" | "unknown";
export type NameComparison = { kind: NameKind; similarity: number; swapped: boolean };

/** Whether one edit (substitution, insertion, deletion or swap of neighbours) turns a into b. */
export function withinOneEdit(a: string, b: string): boolean {
  if (a === b) return true;
  if (Math.abs(a.length - b.length) > 1) return false;
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i += 1;
  if (a.length === b.length) {
    if (a.slice(i + 1) === b.slice(i + 1)) return true;
    return a[i] === b[i + 1] && a[i + 1] === b[i] && a.slice(i + 2) === b.slice(i + 2);
  }
  return a.length > b.length ? a.slice(i + 1) === b.slice(i) : a.slice(i) === b.slice(i + 1);
}

type WordMatch = { similarity: number; match: "exact" | "similar" | "different" };

// Two name words are "similar" when they are one typo apart and Jaro-Winkler agrees (≥ 0.9). The
// edit limit keeps different surnames that share a stem apart ("Ozols"/"Ozoliņš",
// "Petrauskienė"/"Petrauskaitė": wife and daughter), the Jaro-Winkler floor keeps different given
// names apart that differ in their first letter ("Darius"/"Marius" 0.89). Words under four
// letters must be equal ("Ona"/"Ana"). An initial ("j") matches any word it starts.
export const similarWord = 0.9;

function compareWords(a: string, b: string): WordMatch {
  if (a === b) return { similarity: 1, match: "exact" };
  if (a.length === 1 || b.length === 1) return a[0] === b[0] ? { similarity: 0.9, match: "similar" } : { similarity: 0, match: "different" };
  const similarity = jaroWinkler(a, b);
  const similar = similarity >= similarWord && Math.min(a.length, b.length) >= 4 && withinOneEdit(a, b);
  return { similarity, match: similar ? "similar" : "different" };
}

export function compareNames(a: Pick<PreparedRecord, "first" | "last">, b: Pick<PreparedRecord, "first" | "last">): NameComparison {
  const aWords = [a.first, a.last].filter(Boolean);
  const bWords = [b.first, b.last].filter(Boolean);
  if (aWords.length === 0 || bWords.length === 0) return { kind: "unknown", similarity: 0, swapped: false };
  if (aWords.length === 1 || bWords.length === 1) {
    // Only one name on a side ("Jonas"): it matching a word of the other is weak evidence.
    let best: WordMatch = { similarity: 0, match: "different" };
    for (const x of aWords) {
      for (const y of bWords) {
        const match = compareWords(x, y);
        if (match.similarity > best.similarity) best = match;
      }
    }
    return { kind: best.match === "different" ? "different" : "partial", similarity: round(best.similarity), swapped: false };
  }
  const direct = [compareWords(a.first, b.first), compareWords(a.last, b.last)];
  const crossed = [compareWords(a.first, b.last), compareWords(a.last, b.first)];
  const mean = (pair: WordMatch[]) => pair.reduce((sum, word) => sum + word.similarity, 0) / pair.length;
  const swapped = mean(crossed) > mean(direct);
  const best = swapped ? crossed : direct;
  const kind: NameKind = best.every((word) => word.match === "exact")
    ? "same"
    : best.every((word) => word.match !== "different")
      ? "similar"
      : "different";
  return { kind, similarity: round(mean(best)), swapped: swapped && kind !== "different" };
}

function intersects<T>(a: ReadonlySet<T>, b: ReadonlySet<T>): boolean {
  for (const item of a) if (b.has(item)) return true;
  return false;
}

function sameCompany(a: PreparedRecord, b: PreparedRecord): "same" | "different" | "unknown" {
  const aLabels = new Set([...a.domains].map(domainLabel));
  const bLabels = new Set([...b.domains].map(domainLabel));
  if (a.company && b.company && (a.company === b.company || jaroWinkler(a.company, b.company) >= 0.95)) return "same";
  if (intersects(a.domains, b.domains)) return "same";
  if ((a.company && bLabels.has(a.company)) || (b.company && aLabels.has(b.company))) return "same";
  const aKnown = a.company !== null || a.domains.size > 0;
  const bKnown = b.company !== null || b.domains.size > 0;
  return aKnown && bKnown ? "different" : "unknown";
}

export type PairScore = { score: number; reasons: string[] };

/** Proposed as duplicates at or above this score. */
export const duplicateThreshold = 0.8;

function round(value: number): number {
  return Math.round(value * 100) / 100;
}

/**
 * How likely two contacts are the same person, 0..1, with the evidence as reason codes.
 *
 * - A shared email is near-certain; a shared phone is strong unless the names are clearly
 *   different (colleagues on a switchboard, family on a home line: never duplicates).
 * - Without a shared email or phone the names must be the same or similar, and the context
 *   decides: the same company (or corporate email domain) adds most, the same city less; a
 *   different company or city subtracts.
 * - Different birthdays mean different people (father and son) whatever else matches.
 */
export function scorePair(a: PreparedRecord, b: PreparedRecord): PairScore {
  const reasons: string[] = [];
  const name = compareNames(a, b);
  const email = intersects(a.emails, b.emails);
  const phone = intersects(a.phones, b.phones);
  const company = sameCompany(a, b);
  const city = a.city && b.city ? (a.city === b.city ? "same" : "different") : "unknown";
  const birthday = a.birthday && b.birthday ? (a.birthday === b.birthday ? "same" : "different") : "unknown";

  if (email) reasons.push("same_email");
  if (phone) reasons.push("same_phone");
  if (name.kind === "same") reasons.push("same_name");
  if (name.kind === "similar") reasons.push("similar_name");
  if (name.kind === "partial") reasons.push("partial_name");
  if (name.kind === "different") reasons.push("different_name");
  if (name.swapped) reasons.push("swapped_name");
  if (company !== "unknown") reasons.push(`${company}_company`);
  if (city !== "unknown") reasons.push(`${city}_city`);
  if (birthday !== "unknown") reasons.push(`${birthday}_birthday`);

  let score: number;
  if (name.kind === "different") {
    // A shared address or number between clearly different names is a shared line, not a person.
    score = email ? 0.5 : phone ? 0.3 : 0.1;
  } else if (email) {
    score = 0.97;
  } else if (phone) {
    score = name.kind === "same" || name.kind === "similar" ? 0.95 : 0.85;
  } else if (name.kind === "same" || name.kind === "similar") {
    score = name.kind === "same" ? 0.7 : 0.66;
    if (company === "same") score += 0.25;
    if (company === "different") score -= 0.3;
    if (city === "same") score += 0.15;
    if (city === "different") score -= 0.1;
    if (birthday === "same") score += 0.2;
  } else {
    score = 0;
  }
  if (birthday === "different") score = Math.min(score, 0.3);
  return { score: round(Math.max(0, Math.min(1, score))), reasons };
}
