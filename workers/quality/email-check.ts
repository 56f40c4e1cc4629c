// Which stored email addresses an audit flags: addresses that cannot be delivered as written
// (syntax), and addresses at an obvious misspelling of a big mail provider ("gmial.com",
// "gmail.con"). Pure, so the rules are unit-tested and the audit only applies them.

export type EmailProblem = { problem: "syntax" | "typo"; suggestion: string | null };

// Providers people in our markets (LT, LV, SI, RU and the international ones) actually use. An
// address at one of them is never a typo; an address one edit away from one of them probably is.
// Names that are themselves one edit from another provider (mail.com, email.com, ymail.com) are
// listed so they are recognised as real rather than "corrected".
export const knownMailDomains: ReadonlySet<string> = new Set([
  "gmail.com",
  "googlemail.com",
  "yahoo.com",
  "ymail.com",
  "yahoo.co.uk",
  "hotmail.com",
  "hotmail.co.uk",
  "outlook.com",
  "live.com",
  "msn.com",
  "icloud.com",
  "me.com",
  "mail.com",
  "email.com",
  "aol.com",
  "gmx.com",
  "gmx.de",
  "gmx.net",
  "web.de",
  "proton.me",
  "protonmail.com",
  "zoho.com",
  // Lithuania
  "one.lt",
  "inbox.lt",
  "takas.lt",
  "delfi.lt",
  "zebra.lt",
  // Latvia
  "inbox.lv",
  "mail.lv",
  "apollo.lv",
  "tvnet.lv",
  // Slovenia
  "siol.net",
  "t-2.net",
  "amis.net",
  "gmail.si",
  // Russian-speaking
  "mail.ru",
  "yandex.ru",
  "ya.ru",
  "rambler.ru",
  "list.ru",
  "bk.ru",
  "inbox.ru",
]);

// Top-level domains that are keyboard slips for ".com"/".net", not places anyone registers mail.
const slippedTlds: Record<string, string> = {
  con: "com",
  cm: "com",
  om: "com",
  co: "com",
  cim: "com",
  comm: "com",
  coom: "com",
  cpm: "com",
  xom: "com",
  vom: "com",
  ocm: "com",
  cmo: "com",
  nte: "net",
  ent: "net",
  nett: "net",
};

const localPart = /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*$/;
// Letters of any script are allowed in domain labels (internationalised domains); a label starts
// and ends with a letter or digit; the top level is letters (or an xn-- punycode label).
const domainLabel = /^[\p{L}\p{N}](?:[\p{L}\p{N}-]{0,61}[\p{L}\p{N}])?$/u;
const topLevel = /^(?:\p{L}{2,63}|xn--[a-z0-9-]{1,59})$/u;

/** Optimal string alignment distance (Damerau–Levenshtein with adjacent transpositions), capped. */
export function editDistance(a: string, b: string, cap = 3): number {
  if (Math.abs(a.length - b.length) > cap) return cap + 1;
  const rows: number[][] = [];
  for (let i = 0; i <= a.length; i++) rows.push(Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++) {
    const row = rows[i] ?? [];
    const above = rows[i - 1] ?? [];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min((above[j] ?? 0) + 1, (row[j - 1] ?? 0) + 1, (above[j - 1] ?? 0) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) best = Math.min(best, (rows[i - 2]?.[j - 2] ?? 0) + 1);
      row[j] = best;
    }
  }
  return rows[a.length]?.[b.length] ?? cap + 1;
}

function splitDomain(domain: string): { name: string; tld: string } {
  const dot = domain.lastIndexOf(".");
  return { name: domain.slice(0, dot), tld: domain.slice(dot + 1) };
}

/**
 * The provider domain a typed domain is an obvious slip of, or null. Deliberately narrow, since a
 * false alarm on a real company domain costs trust: the provider's name must match exactly with a
 * slipped top level ("gmail.con"), or be one edit away (a name of at least four letters) with the
 * same or a slipped top level ("gmial.com", "yandx.ru", "hotmial.con"). A different real country
 * code ("inbox.lt" vs "inbox.lv") is never a typo.
 */
export function suggestDomain(domain: string): string | null {
  if (knownMailDomains.has(domain) || !domain.includes(".")) return null;
  const typed = splitDomain(domain);
  const fixedTld = slippedTlds[typed.tld];
  for (const known of knownMailDomains) {
    const target = splitDomain(known);
    const sameTld = typed.tld === target.tld || fixedTld === target.tld;
    if (!sameTld) continue;
    if (typed.name === target.name && fixedTld === target.tld) return known;
    if (target.name.length >= 4 && editDistance(typed.name, target.name, 1) === 1) return known;
  }
  return null;
}

/** Null for an address that looks deliverable; otherwise what is wrong and, for a typo, the fix. */
export function checkEmail(address: string): EmailProblem | null {
  const at = address.lastIndexOf("@");
  if (address.length > 254 || at < 1 || at === address.length - 1) return { problem: "syntax", suggestion: null };
  const local = address.slice(0, at);
  const domain = address.slice(at + 1).toLowerCase();
  if (local.length > 64 || !localPart.test(local)) return { problem: "syntax", suggestion: null };
  const labels = domain.split(".");
  if (labels.length < 2 || !labels.every((label) => domainLabel.test(label)) || !topLevel.test(labels.at(-1) ?? "")) {
    return { problem: "syntax", suggestion: null };
  }
  const fixed = suggestDomain(domain);
  return fixed ? { problem: "typo", suggestion: `${local}@${fixed}` } : null;
}

/** The finding's detail: the address, and for a typo the suggested address after an arrow. */
export function emailDetail(address: string, problem: EmailProblem): string {
  return problem.suggestion ? `${address} → ${problem.suggestion}` : address;
}
