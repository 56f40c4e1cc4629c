import { markets } from "../seed/data";

// A deterministic population of contacts for the duplicate scan at scale: names, companies and
// cities from the seed's five markets (a small vocabulary, so many namesakes: a hard case for
// blocking), plus a share of duplicates typed another way (swapped or unaccented names, the same
// phone or email, the company with another legal form). Pure: the scale test inserts it into D1.

export type PopulationContact = {
  id: string;
  firstName: string;
  lastName: string;
  email: string | null;
  phone: string | null;
  companyIndex: number | null;
  city: string;
  createdAt: number;
};

export type Population = { contacts: PopulationContact[]; companies: string[]; duplicates: number; planted: [string, string][] };

function prng(seed: number) {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number) => Math.floor(next() * n);
  const pick = <T>(items: readonly T[]): T => {
    const item = items[int(items.length)];
    if (item === undefined) throw new Error("empty list");
    return item;
  };
  return { next, int, pick };
}

const countryCodes: Record<string, string> = { lt: "+3706", lv: "+3712", sl: "+38641", ru: "+79", en: "+447" };

function ascii(text: string): string {
  return text
    .normalize("NFKD")
    .replace(/\p{M}+/gu, "")
    .toLowerCase()
    .replace(/[^a-z]/g, "");
}

export function duplicatePopulation(count: number, seed = 8): Population {
  const rng = prng(seed);
  const companies: { name: string; market: number }[] = [];
  markets.forEach((market, m) => {
    for (let i = 0; i < 400; i++) {
      const base = `${rng.pick(market.companyPrefixes)} ${rng.pick(market.companyWords)} ${rng.pick(market.companySectors)}`.trim();
      companies.push({ name: rng.pick(market.legalForms)(base), market: m });
    }
  });
  const weights = markets.map((market) => market.weight);
  const totalWeight = weights.reduce((a, b) => a + b, 0);
  const pickMarket = () => {
    let r = rng.next() * totalWeight;
    for (let m = 0; m < markets.length; m++) {
      r -= weights[m] ?? 0;
      if (r < 0) return m;
    }
    return 0;
  };
  const companiesOf = markets.map((_, m) => companies.filter((company) => company.market === m));
  const contacts: PopulationContact[] = [];
  let duplicates = 0;
  const planted: [string, string][] = [];
  const start = Date.UTC(2024, 0, 1);
  let serial = 0;
  const nextId = () => `con_scale${String(serial++).padStart(10, "0")}`;
  while (contacts.length < count) {
    const m = pickMarket();
    const market = markets[m];
    if (!market) continue;
    const female = rng.next() < 0.5;
    const first = rng.pick(female ? market.femaleFirst : market.maleFirst);
    const surname = rng.pick(market.surnames);
    const last = female ? surname[1] : surname[0];
    const companyChoices = companiesOf[m] ?? [];
    const companyIndex = rng.next() < 0.7 ? companies.indexOf(rng.pick(companyChoices)) : null;
    const digits = String(10_000_000 + rng.int(89_999_999)).slice(0, market.code === "ru" ? 9 : market.code === "sl" ? 6 : market.code === "en" ? 9 : 7);
    const phone = rng.next() < 0.8 ? `${countryCodes[market.code] ?? "+3706"}${digits}` : null;
    const domain = companyIndex !== null && rng.next() < 0.6 ? `${ascii(companies[companyIndex]?.name ?? "x").slice(0, 20)}.com` : rng.pick(market.freeMail);
    const email = rng.next() < 0.85 ? `${ascii(first)}.${ascii(last)}.${contacts.length}@${domain}` : null;
    const city = rng.pick(market.cities).name;
    const original: PopulationContact = { id: nextId(), firstName: first, lastName: last, email, phone, companyIndex, city, createdAt: start + contacts.length * 1000 };
    contacts.push(original);
    if (rng.next() < 0.03 && contacts.length < count) {
      // The same person entered again, typed differently (swapped, unaccented or lower-case
      // name) and sharing one piece of evidence with the first record: the phone, the company
      // or, failing both, the city (never the email: every entry path refuses that already).
      duplicates += 1;
      const nameForm = rng.int(3);
      const evidence = [...(original.phone ? ["phone"] : []), ...(original.companyIndex !== null ? ["company"] : []), "city"];
      const shared = rng.pick(evidence);
      const retype = (text: string) => (market.code === "ru" ? text.toLowerCase() : ascii(text));
      const copyId = nextId();
      planted.push([original.id, copyId]);
      contacts.push({
        id: copyId,
        firstName: nameForm === 0 ? last : nameForm === 1 ? retype(first) : first.toUpperCase(),
        lastName: nameForm === 0 ? first : nameForm === 1 ? retype(last) : last.toUpperCase(),
        email: null,
        phone: shared === "phone" ? original.phone : null,
        companyIndex: shared === "company" ? original.companyIndex : null,
        city: shared === "city" ? city : rng.pick(market.cities).name,
        createdAt: start + contacts.length * 1000,
      });
    }
  }
  return { contacts, companies: companies.map((company) => company.name), duplicates, planted };
}
