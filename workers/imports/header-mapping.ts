import type { ContactCreateInput } from "../contacts/contact.schema";
import { fold } from "../contacts/normalize";

// Suggests which contact field each CSV column fills, from header names in English, Lithuanian,
// Latvian, Slovenian and Russian. The user edits the suggestion before anything is imported.

/** ContactCreate's own field names (the importer builds a ContactCreate body from them)… */
const contactTargets = ["first_name", "last_name", "emails", "phones", "job_title", "city", "country", "tags", "lifecycle_stage", "owner_id"] as const satisfies readonly (keyof ContactCreateInput)[];

/**
 * …plus two the importer resolves itself: `company_name` finds or creates the company and sets
 * `company_id`; `notes` becomes a note activity on the contact.
 */
export const importFields = [...contactTargets, "company_name", "notes"] as const;
export type ImportField = (typeof importFields)[number];
export type MappingTarget = ImportField | "ignore";

const synonyms: Record<ImportField, readonly string[]> = {
  first_name: ["first name", "firstname", "given name", "forename", "name first", "vardas", "vārds", "ime", "имя"],
  last_name: ["last name", "lastname", "surname", "family name", "pavardė", "uzvārds", "priimek", "фамилия"],
  emails: ["email", "e-mail", "email address", "e-mail address", "mail", "el. paštas", "el. pašto adresas", "elektroninis paštas", "e-pasts", "e-pasta adrese", "e-pošta", "e-naslov", "elektronska pošta", "эл. почта", "электронная почта", "email адрес", "e-mail адрес"],
  phones: ["phone", "phone number", "telephone", "tel", "mobile", "mobile phone", "cell", "telefonas", "tel. nr.", "telefono numeris", "mobilus", "mobilusis", "mob. tel.", "tālrunis", "tālr.", "telefons", "telefona numurs", "mobilais", "telefon", "telefonska številka", "mobitel", "gsm", "телефон", "мобильный", "мобильный телефон", "номер телефона"],
  company_name: ["company", "company name", "organization", "organisation", "account", "account name", "įmonė", "įmonės pavadinimas", "organizacija", "uzņēmums", "uzņēmuma nosaukums", "organizācija", "podjetje", "ime podjetja", "naziv podjetja", "firma", "компания", "организация", "название компании", "фирма"],
  job_title: ["job title", "title", "position", "role", "pareigos", "amats", "ieņemamais amats", "delovno mesto", "funkcija", "naziv delovnega mesta", "должность"],
  city: ["city", "town", "miestas", "pilsēta", "mesto", "kraj", "город", "населенный пункт"],
  country: ["country", "šalis", "valstybė", "valsts", "država", "страна"],
  tags: ["tags", "tag", "labels", "žymos", "žymės", "birkas", "birka", "oznake", "značke", "теги", "метки"],
  lifecycle_stage: ["lifecycle stage", "lifecycle", "stage", "etapas", "stadija", "posms", "dzīves cikla posms", "faza", "stopnja", "стадия", "этап"],
  owner_id: ["owner", "contact owner", "assigned to", "atsakingas", "savininkas", "vadybininkas", "atbildīgais", "īpašnieks", "lastnik", "odgovorna oseba", "skrbnik", "ответственный", "владелец", "менеджер"],
  notes: ["notes", "note", "comment", "comments", "description", "pastabos", "pastaba", "komentaras", "komentarai", "piezīmes", "piezīme", "komentārs", "opombe", "opomba", "komentar", "заметки", "заметка", "примечание", "комментарий", "описание"],
};

/** A header or synonym as comparable words: folded (case, diacritics), punctuation as spaces. */
function words(text: string): string {
  return fold(text)
    .replace(/[^\p{L}\p{N}]+/gu, " ")
    .trim();
}

const synonymWords = Object.entries(synonyms).flatMap(([field, names]) => names.map((name) => ({ field: field as ImportField, words: words(name) })));
// "E-mail" and "Email" fold to "e mail" and "email": both are listed, so no gluing is needed.

export type HeaderSuggestion = { index: number; header: string; field: MappingTarget; score: number };

/** 1 for an exact name, 0.8 when the header contains a name as whole words ("Kontakto el. paštas"). */
function scoreHeader(header: string): Map<ImportField, number> {
  const folded = words(header);
  const scores = new Map<ImportField, number>();
  if (!folded) return scores;
  const padded = ` ${folded} `;
  for (const { field, words: name } of synonymWords) {
    const score = folded === name ? 1 : padded.includes(` ${name} `) ? 0.8 : 0;
    if (score > (scores.get(field) ?? 0)) scores.set(field, score);
  }
  // A header that contains the names of two fields ("Vardas, pavardė", "Name and phone") fills neither.
  const partial = [...scores].filter(([, score]) => score < 1);
  if (partial.length > 1 && ![...scores.values()].includes(1)) return new Map();
  return scores;
}

/**
 * A field for each header: each header gets at most one field and each field at most one header;
 * the best match wins (exact before partial, then the leftmost column) and the rest are "ignore".
 */
export function suggestMapping(headers: readonly string[]): HeaderSuggestion[] {
  const candidates = headers.flatMap((header, index) => [...scoreHeader(header)].map(([field, score]) => ({ index, field, score })));
  candidates.sort((a, b) => b.score - a.score || a.index - b.index);
  const byIndex = new Map<number, { field: ImportField; score: number }>();
  const taken = new Set<ImportField>();
  for (const { index, field, score } of candidates) {
    if (byIndex.has(index) || taken.has(field)) continue;
    byIndex.set(index, { field, score });
    taken.add(field);
  }
  return headers.map((header, index) => ({ index, header, field: byIndex.get(index)?.field ?? "ignore", score: byIndex.get(index)?.score ?? 0 }));
}
