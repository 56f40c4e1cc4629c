import { lifecycleStages, type LifecycleStage } from "../db/schema";
import { fold } from "../contacts/normalize";

// Cell values as people type them in spreadsheets → the values the contact API stores. Pure:
// the same cell always gives the same value, whatever the workspace or the chunk.

/** A word-ish key: folded (case, diacritics) with punctuation as single spaces. */
function key(text: string): string {
  return fold(text)
    .replace(/[^\p{L}\p{N}]+/gu, " ")
    .trim();
}

// The stage names the web client shows in its five languages (web/src/i18n/*.ts, "stage.*"),
// plus the API values and the abbreviations sales teams use.
const stageNames: Record<LifecycleStage, readonly string[]> = {
  subscriber: ["subscriber", "Prenumeratorius", "Abonents", "Naročnik", "Подписчик"],
  lead: ["lead", "Potencialus klientas", "Potenciālais klients", "Potencialna stranka", "Лид"],
  marketing_qualified: [
    "marketing_qualified",
    "Marketing qualified lead",
    "Marketing qualified",
    "MQL",
    "Rinkodaros kvalifikuotas potencialus klientas",
    "Mārketinga kvalificēts potenciālais klients",
    "Marketinško kvalificirana potencialna stranka",
    "Лид, квалифицированный маркетингом (MQL)",
    "Лид, квалифицированный маркетингом",
  ],
  sales_qualified: [
    "sales_qualified",
    "Sales qualified lead",
    "Sales qualified",
    "SQL",
    "Pardavimų kvalifikuotas potencialus klientas",
    "Pārdošanas kvalificēts potenciālais klients",
    "Prodajno kvalificirana potencialna stranka",
    "Лид, квалифицированный продажами (SQL)",
    "Лид, квалифицированный продажами",
  ],
  opportunity: ["opportunity", "Pardavimo galimybė", "Pārdošanas iespēja", "Prodajna priložnost", "Сделка в работе"],
  customer: ["customer", "client", "Klientas", "Klients", "Stranka", "Клиент"],
  evangelist: ["evangelist", "Ambasadorius", "Vēstnesis", "Ambasador", "Амбассадор"],
  other: ["other", "Kita", "Cits", "Drugo", "Другое"],
};

let stagesByKey: Map<string, LifecycleStage> | null = null;

/** The lifecycle stage a cell names (API value or a name in any of the five languages), or null. */
export function parseLifecycleStage(cell: string): LifecycleStage | null {
  if (!stagesByKey) {
    stagesByKey = new Map();
    for (const stage of lifecycleStages) for (const name of stageNames[stage]) stagesByKey.set(key(name), stage);
  }
  return stagesByKey.get(key(cell)) ?? null;
}

const nameLanguages = ["en", "lt", "lv", "sl", "ru"] as const;
// Names people write that Intl does not give.
const countryAliases: Record<string, string> = { uk: "GB", "great britain": "GB", england: "GB", usa: "US", "u s a": "US", "u s": "US", america: "US", russia: "RU", россия: "RU" };

let countriesByKey: Map<string, string> | null = null;

function regionOf(code: string): string | undefined {
  try {
    return new Intl.Locale(`und-${code}`).region;
  } catch {
    return undefined;
  }
}

function countryTable(): Map<string, string> {
  if (countriesByKey) return countriesByKey;
  const table = new Map<string, string>();
  const namers = nameLanguages.map((language) => new Intl.DisplayNames([language], { type: "region", fallback: "none" }));
  const letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
  for (const a of letters) {
    for (const b of letters) {
      const code = a + b;
      // Deprecated codes (DD, YU, SU…) canonicalise to today's; their names belong to those.
      if (regionOf(code) !== code) continue;
      for (const namer of namers) {
        let name: string | undefined;
        try {
          name = namer.of(code);
        } catch {
          name = undefined;
        }
        // Regions without a name of their own (and ones Intl names only as a code) are skipped.
        if (name && name !== code && !table.has(key(name))) table.set(key(name), code);
      }
    }
  }
  for (const [alias, code] of Object.entries(countryAliases)) table.set(alias, code);
  countriesByKey = table;
  return table;
}

/**
 * The ISO 3166 code a cell names: a code in any case ("lt"), or the country's name in English,
 * Lithuanian, Latvian, Slovenian or Russian ("Lietuva", "Latvija", "Slovenija", "Литва").
 * Null when it names nothing we know; the contact schema still checks the code.
 */
export function parseCountry(cell: string): string | null {
  const trimmed = cell.trim();
  const alias = countryAliases[key(trimmed)];
  if (alias) return alias;
  if (/^[A-Za-z]{2}$/.test(trimmed)) return trimmed.toUpperCase();
  return countryTable().get(key(trimmed)) ?? null;
}

/** Several emails in one cell: "a@x.lt; b@y.lt", "a@x.lt, b@y.lt" or one per line. */
export function splitEmails(cell: string): string[] {
  return cell.split(/[\s,;]+/).filter(Boolean);
}

/** Several phones in one cell, separated by ; , | or a line break (spaces belong to the number). */
export function splitPhones(cell: string): string[] {
  return cell
    .split(/[;,|\n]+/)
    .map((part) => part.trim())
    .filter(Boolean);
}

/** Tags separated by , ; | or a line break. */
export function splitTags(cell: string): string[] {
  return cell
    .split(/[;,|\n]+/)
    .map((part) => part.trim())
    .filter(Boolean);
}
