import { describe, expect, it } from "vitest";
import { ContactPatch } from "../contacts/contact.schema";
import { importFields, suggestMapping } from "./header-mapping";

const fieldsOf = (headers: string[]) => suggestMapping(headers).map((s) => s.field);

describe("suggestMapping", () => {
  it.each([
    ["English", ["First name", "Last name", "E-mail", "Phone", "Company", "Job title", "City", "Country", "Tags", "Lifecycle stage", "Owner", "Notes"]],
    ["Lithuanian", ["Vardas", "Pavardė", "El. paštas", "Telefonas", "Įmonė", "Pareigos", "Miestas", "Šalis", "Žymos", "Etapas", "Atsakingas", "Pastabos"]],
    ["Latvian", ["Vārds", "Uzvārds", "E-pasts", "Tālrunis", "Uzņēmums", "Amats", "Pilsēta", "Valsts", "Birkas", "Posms", "Atbildīgais", "Piezīmes"]],
    ["Slovenian", ["Ime", "Priimek", "E-pošta", "Telefon", "Podjetje", "Delovno mesto", "Kraj", "Država", "Oznake", "Faza", "Lastnik", "Opombe"]],
    ["Russian", ["Имя", "Фамилия", "Электронная почта", "Телефон", "Организация", "Должность", "Город", "Страна", "Теги", "Стадия", "Ответственный", "Примечание"]],
  ])("maps a %s header row", (_language, headers) => {
    expect(fieldsOf(headers)).toEqual(["first_name", "last_name", "emails", "phones", "company_name", "job_title", "city", "country", "tags", "lifecycle_stage", "owner_id", "notes"]);
  });

  it("ignores case, diacritics, punctuation and spacing", () => {
    expect(fieldsOf(["VARDAS", "pavarde", " el.pastas ", "TELEFONAS", "imone"])).toEqual(["first_name", "last_name", "emails", "phones", "company_name"]);
    expect(fieldsOf(["vards", "UZVARDS", "e pasts", "talrunis", "uznemums"])).toEqual(["first_name", "last_name", "emails", "phones", "company_name"]);
    expect(fieldsOf(["ЭЛ. ПОЧТА", "Email", "Mobilus"])).toEqual(["emails", "ignore", "phones"]);
  });

  it("matches a name inside a longer header when it is the only field named", () => {
    expect(suggestMapping(["Kontakto el. paštas", "Work phone", "Rīgas pilsēta"]).map(({ field, score }) => [field, score])).toEqual([
      ["emails", 0.8],
      ["phones", 0.8],
      ["city", 0.8],
    ]);
  });

  it("gives each field one column: exact beats partial, then the leftmost column", () => {
    expect(fieldsOf(["Mobile phone number", "Telefonas", "Mobilus"])).toEqual(["ignore", "phones", "ignore"]);
    expect(fieldsOf(["Email", "E-mail"])).toEqual(["emails", "ignore"]);
  });

  it("leaves unknown and two-field headers alone", () => {
    expect(fieldsOf(["ID", "Vardas, pavardė", "Vārds Uzvārds", "Suma", ""])).toEqual(["ignore", "ignore", "ignore", "ignore", "ignore"]);
  });

  it("does not read Slovenian 'Ime podjetja' (company name) as a first name", () => {
    expect(fieldsOf(["Ime", "Ime podjetja"])).toEqual(["first_name", "company_name"]);
  });

  it("targets the contact API's own field names (ContactCreate and ContactPatch share them), plus company_name and notes", () => {
    const contactKeys = Object.keys(ContactPatch.shape);
    expect(importFields.filter((field) => !contactKeys.includes(field))).toEqual(["company_name", "notes"]);
  });
});
