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
const soundRewrites: Record<string, string> = { shch: "s", sch: "s", kh: "h", zh: "z", sh: "s", ch: "c", ts: "c", tz: "c", x: "ks", w: "v", ph: "f", q: "k", y: "i", j: "i" };

export function canonical(latin: string): string {
  return (
    latin
      .replace(/shch|sch|kh|zh|sh|ch|t[sz]|x|w|ph|q|[yj]/g, (match) => soundRewrites[match] ?? match)
      // Е at the start of a Russian word is often written "Ye" ("Yekaterina"/"Ekaterina").
      .replace(/\bie/g, "e")
      .replace(/([a-z])\1+/g, "$1")
  );
}

// Names, companies and cities repeat (a workspace has few distinct first names, companies and
// cities): a scan of 100,000 contacts computes each spelling once.
const wordCache = new Map<string, string[]>();
const wordCacheLimit = 50_000;

/** Folded, transliterated, canonical words: the form every name, company and city is compared in. */
export function matchWords(text: string | null | undefined): string[] {
  if (!text) return [];
  const cached = wordCache.get(text);
  if (cached) return cached;
  const words = canonical(transliterate(fold(text)))
    .split(/[^a-z0-9]+/)
    .filter(Boolean);
  if (wordCache.size >= wordCacheLimit) wordCache.clear();
  wordCache.set(text, words);
  return words;
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
const companyCache = new Map<string, string | null>();

export function companyKey(name: string | null | undefined): string | null {
  if (!name) return null;
  const cached = companyCache.get(name);
  if (cached !== undefined) return cached;
  const key = computeCompanyKey(name);
  if (companyCache.size >= wordCacheLimit) companyCache.clear();
  companyCache.set(name, key);
  return key;
}

function computeCompanyKey(name: string): string | null {
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

// Scratch flags reused by every call: a scan scores hundreds of thousands of name pairs, and
// two fresh arrays per call were most of its garbage.
let aFlags = new Uint8Array(64);
let bFlags = new Uint8Array(64);

/** Jaro-Winkler similarity (prefix scale 0.1, up to four prefix characters), 0..1. */
export function jaroWinkler(a: string, b: string): number {
  if (a === b) return 1;
  if (a.length === 0 || b.length === 0) return 0;
  if (a.length > aFlags.length || b.length > bFlags.length) {
    aFlags = new Uint8Array(Math.max(a.length, b.length) * 2);
    bFlags = new Uint8Array(Math.max(a.length, b.length) * 2);
  }
  aFlags.fill(0, 0, a.length);
  bFlags.fill(0, 0, b.length);
  const range = Math.max(0, Math.floor(Math.max(a.length, b.length) / 2) - 1);
  let matches = 0;
  for (let i = 0; i < a.length; i++) {
    const from = Math.max(0, i - range);
    const to = Math.min(b.length - 1, i + range);
    const ch = a.charCodeAt(i);
    for (let j = from; j <= to; j++) {
      if (bFlags[j] === 1 || ch !== b.charCodeAt(j)) continue;
      aFlags[i] = 1;
      bFlags[j] = 1;
      matches += 1;
      break;
    }
  }
  if (matches === 0) return 0;
  let transpositions = 0;
  let k = 0;
  for (let i = 0; i < a.length; i++) {
    if (aFlags[i] !== 1) continue;
    while (bFlags[k] !== 1) k += 1;
    if (a.charCodeAt(i) !== b.charCodeAt(k)) transpositions += 1;
    k += 1;
  }
  const jaro = (matches / a.length + matches / b.length + (matches - transpositions / 2) / matches) / 3;
  let prefix = 0;
  while (prefix < 4 && prefix < a.length && prefix < b.length && a.charCodeAt(prefix) === b.charCodeAt(prefix)) prefix += 1;
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
  // Arrays, not Sets: a scan holds 100,000 of these, and each list has one or two items.
  emails: readonly string[];
  phones: readonly string[];
  company: string | null;
  domains: readonly string[];
  /** The domains' names in company-key form, to meet a company typed by name. */
  domainLabels: readonly string[];
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
  const emails = [...new Set(input.emails.map(normalizeEmail).filter(Boolean))];
  const domains = [...new Set(emails.map(corporateDomain).filter((d): d is string => d !== null))];
  return {
    id: input.id,
    first,
    last,
    emails,
    phones: [...new Set(input.phones.filter(Boolean))],
    company: companyKey(input.companyName),
    domains,
    domainLabels: domains.map(domainLabel),
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
    for (const label of record.domainLabels) contexts.push(`c:${label}`);
    if (record.city) contexts.push(`y:${record.city}`);
    for (const name of names) for (const context of new Set(contexts)) keys.push(`n:${name}|${context}`);
  }
  return keys;
}

const fnvOffset = 0x811c9dc5;

/** FNV-1a over `text`, continuing from `hash`: hashing "ab" equals hashing "b" after "a". */
function fnv(hash: number, text: string): number {
  let h = hash;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** The 32-bit hash of a blocking key, as the scan files it. */
export function blockingKeyHash(key: string): number {
  return fnv(fnvOffset, key);
}

/**
 * blockingKeys(record).map(blockingKeyHash), sorted and without repeats, computed without
 * building the key strings: a scan of 100,000 contacts files about a million keys.
 */
export function blockingKeyHashes(record: PreparedRecord): number[] {
  const out: number[] = [];
  const emailBase = fnv(fnvOffset, "e:");
  const phoneBase = fnv(fnvOffset, "p:");
  for (const email of record.emails) out.push(fnv(emailBase, email));
  for (const phone of record.phones) out.push(fnv(phoneBase, phone));
  if (record.first && record.last) {
    const contexts: string[] = [];
    const addContext = (text: string) => {
      if (!contexts.includes(text)) contexts.push(text);
    };
    if (record.company) addContext(`c:${record.company}`);
    for (const label of record.domainLabels) addContext(`c:${label}`);
    if (record.city) addContext(`y:${record.city}`);
    const nameBase = fnv(fnvOffset, "n:");
    const names: number[] = [];
    if (record.first.length > 1) names.push(fnv(fnv(fnv(nameBase, record.first), "/"), record.last[0] ?? ""));
    if (record.last.length > 1) names.push(fnv(fnv(fnv(nameBase, record.last), "/"), record.first[0] ?? ""));
    for (const name of names) {
      const withBar = fnv(name, "|");
      for (const context of contexts) out.push(fnv(withBar, context));
    }
  }
  out.sort((x, y) => x - y);
  let kept = 0;
  for (let i = 0; i < out.length; i++) if (i === 0 || out[i] !== out[i - 1]) out[kept++] = out[i] ?? 0;
  out.length = kept;
  return out;
}

// ---- scoring ---------------------------------------------------------------------------------------

export type NameKind = "same" | "similar" | "partial" | "different" | "unknown";
export type NameComparison = { kind: NameKind; swapped: boolean };

/** Whether one edit (substitution, insertion, deletion or swap of neighbours) turns a into b. */
export function withinOneEdit(a: string, b: string): boolean {
  if (a === b) return true;
  if (Math.abs(a.length - b.length) > 1) return false;
  let i = 0;
  while (i < a.length && i < b.length && a.charCodeAt(i) === b.charCodeAt(i)) i += 1;
  const sameFrom = (x: string, xi: number, y: string, yi: number) => {
    if (x.length - xi !== y.length - yi) return false;
    for (; xi < x.length; xi++, yi++) if (x.charCodeAt(xi) !== y.charCodeAt(yi)) return false;
    return true;
  };
  if (a.length === b.length) {
    if (sameFrom(a, i + 1, b, i + 1)) return true;
    return a[i] === b[i + 1] && a[i + 1] === b[i] && sameFrom(a, i + 2, b, i + 2);
  }
  return a.length > b.length ? sameFrom(a, i + 1, b, i) : sameFrom(a, i, b, i + 1);
}

// How two name words compare: 2 the same, 1 similar, 0 different.
type WordMatch = 0 | 1 | 2;

// Two name words are "similar" when they are one typo apart and Jaro-Winkler agrees (≥ 0.9). The
// edit limit keeps different surnames that share a stem apart ("Ozols"/"Ozoliņš",
// "Petrauskienė"/"Petrauskaitė": wife and daughter), the Jaro-Winkler floor keeps different given
// names apart that differ in their first letter ("Darius"/"Marius" 0.89). Words under four
// letters must be equal ("Ona"/"Ana"). An initial ("j") matches any word it starts. The edit
// check runs first: it is cheap and rules out almost every pair before Jaro-Winkler is needed.
export const similarWord = 0.9;

function compareWords(a: string, b: string): WordMatch {
  if (a === b) return 2;
  if (a.length === 1 || b.length === 1) return a[0] === b[0] ? 1 : 0;
  if (Math.min(a.length, b.length) < 4 || !withinOneEdit(a, b)) return 0;
  return jaroWinkler(a, b) >= similarWord ? 1 : 0;
}

export function compareNames(a: Pick<PreparedRecord, "first" | "last">, b: Pick<PreparedRecord, "first" | "last">): NameComparison {
  const aHas = (a.first ? 1 : 0) + (a.last ? 1 : 0);
  const bHas = (b.first ? 1 : 0) + (b.last ? 1 : 0);
  if (aHas === 0 || bHas === 0) return { kind: "unknown", swapped: false };
  if (aHas === 1 || bHas === 1) {
    // Only one name on a side ("Jonas"): it matching a word of the other is weak evidence.
    let best: WordMatch = 0;
    for (const x of [a.first, a.last]) {
      for (const y of [b.first, b.last]) if (x && y) best = Math.max(best, compareWords(x, y)) as WordMatch;
    }
    return { kind: best === 0 ? "different" : "partial", swapped: false };
  }
  if (a.first === b.first && a.last === b.last) return { kind: "same", swapped: false };
  const direct = [compareWords(a.first, b.first), compareWords(a.last, b.last)] as const;
  const crossed = [compareWords(a.first, b.last), compareWords(a.last, b.first)] as const;
  // The reading in which more words agree, and more exactly; the written order on a tie.
  const rank = (pair: readonly [WordMatch, WordMatch]) => (pair[0] > 0 ? 4 : 0) + (pair[1] > 0 ? 4 : 0) + pair[0] + pair[1];
  const swapped = rank(crossed) > rank(direct);
  const [x, y] = swapped ? crossed : direct;
  const kind: NameKind = x === 2 && y === 2 ? "same" : x > 0 && y > 0 ? "similar" : "different";
  return { kind, swapped: swapped && kind !== "different" };
}

function intersects(a: readonly string[], b: readonly string[]): boolean {
  for (const item of a) if (b.includes(item)) return true;
  return false;
}

function sameCompany(a: PreparedRecord, b: PreparedRecord): "same" | "different" | "unknown" {
  const aLabels = a.domainLabels;
  const bLabels = b.domainLabels;
  // One typo apart is the same company too ("Müller Bau"/"Mueller Bau").
  if (a.company && b.company && compareWords(a.company, b.company) > 0) return "same";
  if (intersects(a.domains, b.domains)) return "same";
  if ((a.company && bLabels.includes(a.company)) || (b.company && aLabels.includes(b.company))) return "same";
  const aKnown = a.company !== null || a.domains.length > 0;
  const bKnown = b.company !== null || b.domains.length > 0;
  return aKnown && bKnown ? "different" : "unknown";
}

export type PairScore = { score: number; reasons: string[] };

/** Proposed as duplicates at or above this score. */
export const duplicateThreshold = 0.8;

function round(value: number): number {
  return Math.round(value * 100) / 100;
}

export type Evidence = {
  name: NameComparison;
  email: boolean;
  phone: boolean;
  company: "same" | "different" | "unknown";
  city: "same" | "different" | "unknown";
  birthday: "same" | "different" | "unknown";
};

export function pairEvidence(a: PreparedRecord, b: PreparedRecord): Evidence {
  return {
    name: compareNames(a, b),
    email: intersects(a.emails, b.emails),
    phone: intersects(a.phones, b.phones),
    company: sameCompany(a, b),
    city: a.city && b.city ? (a.city === b.city ? "same" : "different") : "unknown",
    birthday: a.birthday && b.birthday ? (a.birthday === b.birthday ? "same" : "different") : "unknown",
  };
}

export function scoreOf(evidence: Evidence): number {
  const { name, email, phone, company, city, birthday } = evidence;
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
  return round(Math.max(0, Math.min(1, score)));
}

export function reasonsOf(evidence: Evidence): string[] {
  const reasons: string[] = [];
  if (evidence.email) reasons.push("same_email");
  if (evidence.phone) reasons.push("same_phone");
  if (evidence.name.kind === "same") reasons.push("same_name");
  if (evidence.name.kind === "similar") reasons.push("similar_name");
  if (evidence.name.kind === "partial") reasons.push("partial_name");
  if (evidence.name.kind === "different") reasons.push("different_name");
  if (evidence.name.swapped) reasons.push("swapped_name");
  if (evidence.company !== "unknown") reasons.push(`${evidence.company}_company`);
  if (evidence.city !== "unknown") reasons.push(`${evidence.city}_city`);
  if (evidence.birthday !== "unknown") reasons.push(`${evidence.birthday}_birthday`);
  return reasons;
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
  const evidence = pairEvidence(a, b);
  return { score: scoreOf(evidence), reasons: reasonsOf(evidence) };
}
