import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { decodeBytes, encodeLegacy } from "./decode";
import { type CsvDelimiter, type CsvRow, detectDelimiter, iterateRows, parseChunk, previewCsv, readHeader } from "./parse";

const bom = (text: string) => new Uint8Array([0xef, 0xbb, 0xbf, ...new TextEncoder().encode(text)]);

// Excel LT "CSV UTF-8 (Comma delimited)" with a Lithuanian list separator: BOM, semicolons,
// CRLF between rows, LF inside a multi-line cell, decimal commas, a blank row and trailing ;;;.
const excelLt = [
  "Vardas;Pavardė;El. paštas;Telefonas;Įmonė;Pastabos;Suma",
  'Šarūnas;Žemaitė;sarunas@pavyzdys.lt;+370 612 34567;"UAB ""Ąžuolas""";"Skambinti po 14 val.\nKlausė apie kainą; nori nuolaidos";1,5',
  "Giedrė;Jankūnienė;giedre@pavyzdys.lt;8 698 12345;Šviesa;;2,75",
  ";;;;;;",
  'Rūta;Čepulytė;ruta@pavyzdys.lt;;"Kęstučio ūkis, MB";"Eilutė 1\nEilutė 2\nEilutė 3";',
  "Jonas;Jonaitis;jonas@pavyzdys.lt;;;;",
  "",
].join("\r\n");

function all(text: string, delimiter?: CsvDelimiter): { header: string[]; rows: CsvRow[] } {
  const head = readHeader(text, delimiter);
  const rows = [...iterateRows(text, { delimiter: head.delimiter, from: head.start, chunkRows: 2 })].flatMap((chunk) => chunk.rows);
  return { header: head.header, rows };
}

describe("an Excel LT export (UTF-8 with BOM, semicolons)", () => {
  const text = decodeBytes(bom(excelLt)).text;

  it("detects the semicolon even with decimal commas and commas in quoted cells", () => {
    expect(detectDelimiter(text)).toBe(";");
  });

  it("reads quoted cells with doubled quotes, delimiters and newlines, and numbers rows like the spreadsheet", () => {
    const { header, rows } = all(text);
    expect(header).toEqual(["Vardas", "Pavardė", "El. paštas", "Telefonas", "Įmonė", "Pastabos", "Suma"]);
    expect(rows.map((r) => [r.row, r.line, r.fields[0]])).toEqual([
      [1, 2, "Šarūnas"],
      [2, 4, "Giedrė"],
      // Row 3 is the blank ;;;;;; row: skipped, still counted.
      [4, 6, "Rūta"],
      [5, 9, "Jonas"],
    ]);
    expect(rows[0]?.fields).toEqual(["Šarūnas", "Žemaitė", "sarunas@pavyzdys.lt", "+370 612 34567", 'UAB "Ąžuolas"', "Skambinti po 14 val.\nKlausė apie kainą; nori nuolaidos", "1,5"]);
    expect(rows[2]?.fields[4]).toBe("Kęstučio ūkis, MB");
    expect(rows[2]?.fields[5]).toBe("Eilutė 1\nEilutė 2\nEilutė 3");
    expect(rows[3]?.fields).toHaveLength(7);
  });
});

describe("code-page files end to end", () => {
  it("reads a cp1257 Latvian file", () => {
    const source = "Vārds;Uzvārds;E-pasts;Tālrunis\r\nJānis;Bērziņš;janis@piemers.lv;+371 2123 4567\r\nLīga;Ozoliņa;liga@piemers.lv;\r\n";
    const { header, rows } = all(decodeBytes(encodeLegacy(source, "windows-1257")).text);
    expect(header).toEqual(["Vārds", "Uzvārds", "E-pasts", "Tālrunis"]);
    expect(rows.map((r) => r.fields)).toEqual([
      ["Jānis", "Bērziņš", "janis@piemers.lv", "+371 2123 4567"],
      ["Līga", "Ozoliņa", "liga@piemers.lv", ""],
    ]);
  });

  it("reads a cp1251 Russian file with a quoted multi-line note", () => {
    const source = 'Имя;Фамилия;Телефон;Примечание\r\nИван;Петров;+7 912 345-67-89;"Перезвонить в пятницу.\r\nСпросить про ""Ромашку"""\r\nЁлена;Смирнова;;\r\n';
    const { header, rows } = all(decodeBytes(encodeLegacy(source, "windows-1251")).text);
    expect(header).toEqual(["Имя", "Фамилия", "Телефон", "Примечание"]);
    expect(rows).toEqual([
      { row: 1, line: 2, fields: ["Иван", "Петров", "+7 912 345-67-89", 'Перезвонить в пятницу.\nСпросить про "Ромашку"'] },
      { row: 2, line: 4, fields: ["Ёлена", "Смирнова", "", ""] },
    ]);
  });

  it("reads a cp1250 Slovenian file", () => {
    const source = "Ime;Priimek;E-pošta;Podjetje\r\nAnže;Košir;anze@primer.si;Čebelica d.o.o.\r\nNataša;Žagar;natasa@primer.si;\"Šolski center, Celje\"";
    const { rows } = all(decodeBytes(encodeLegacy(source, "windows-1250")).text);
    expect(rows.map((r) => r.fields)).toEqual([
      ["Anže", "Košir", "anze@primer.si", "Čebelica d.o.o."],
      ["Nataša", "Žagar", "natasa@primer.si", "Šolski center, Celje"],
    ]);
  });
});

describe("detectDelimiter", () => {
  it("tells comma, semicolon and tab files apart", () => {
    expect(detectDelimiter("First name,Last name,Notes\nAnn,Lee,\"a; b\"\nBo,Kim,x\n")).toBe(",");
    expect(detectDelimiter("Ime;Priimek\nAnže;Košir, ml.\n")).toBe(";");
    expect(detectDelimiter("Имя\tФамилия\tЗаметки\nИван\tПетров\tа, б; в\n")).toBe("\t");
    // One column: nothing to split on.
    expect(detectDelimiter("Email\na@example.com\n")).toBe(",");
  });
});

describe("line endings and edges", () => {
  it("reads LF, CRLF and lone CR files alike, with or without a trailing newline", () => {
    for (const newline of ["\n", "\r\n", "\r"]) {
      for (const trailing of ["", newline, newline + newline]) {
        const text = ["a,b", "1,2", '"x' + newline + 'y",3'].join(newline) + trailing;
        const { rows } = all(text);
        expect(rows, JSON.stringify(text)).toEqual([
          { row: 1, line: 2, fields: ["1", "2"] },
          { row: 2, line: 3, fields: ["x\ny", "3"] },
        ]);
      }
    }
  });

  it("skips a BOM and blank lines before the header", () => {
    expect(readHeader("\uFEFF\r\n\r\n Name ;Email\r\nAnn;a@x.lt\r\n")).toMatchObject({ delimiter: ";", header: ["Name", "Email"], start: { row: 1, line: 4 } });
  });

  it("keeps a quote inside an unquoted cell and reports text after a closing quote", () => {
    const text = 'a;b;c\n12" screen;"ab"cd;x\n';
    const head = readHeader(text);
    const chunk = parseChunk(text, { delimiter: head.delimiter, from: head.start, maxRows: 10 });
    expect(chunk.rows[0]?.fields).toEqual(['12" screen', "abcd", "x"]);
    expect(chunk.issues).toEqual([{ code: "stray_quote", row: 1, line: 2 }]);
  });

  it("reports a quote that never closes at the row where it opened", () => {
    const text = 'a;b\n1;2\n3;"never closed\n4;5\n6;7\n';
    const head = readHeader(text);
    const chunk = parseChunk(text, { delimiter: head.delimiter, from: head.start, maxRows: 10 });
    expect(chunk.issues).toEqual([{ code: "unterminated_quote", row: 2, line: 3 }]);
    expect(chunk.rows).toHaveLength(2);
    expect(chunk.next).toBeNull();
  });

  it("previews the first rows and says whether there are more", () => {
    const text = "a,b\n" + Array.from({ length: 30 }, (_, i) => `${i},x`).join("\n");
    const preview = previewCsv(text, { maxRows: 5 });
    expect(preview.rows.map((r) => r.row)).toEqual([1, 2, 3, 4, 5]);
    expect(preview.truncated).toBe(true);
    expect(previewCsv("a,b\n1,2\n").truncated).toBe(false);
  });
});

describe("chunked parsing", () => {
  it("resumes exactly where a chunk stopped, across multi-line cells", () => {
    const lines = ["Name;Notes"];
    for (let i = 1; i <= 1000; i++) lines.push(i % 7 === 0 ? `N${i};"line one\r\nline ""two"";\nthree"` : `N${i};plain ${i}`);
    const text = lines.join("\r\n") + "\r\n";
    const head = readHeader(text);
    const chunks = [...iterateRows(text, { delimiter: head.delimiter, from: head.start, chunkRows: 100 })];
    expect(chunks).toHaveLength(10);
    const rows = chunks.flatMap((c) => c.rows);
    expect(rows).toHaveLength(1000);
    // Every seventh record spans three lines, so line = row + 1 + 2 × (multi-line rows before it).
    for (const { row, line, fields } of rows) {
      expect(fields[0]).toBe(`N${row}`);
      expect(line).toBe(row + 1 + 2 * Math.floor((row - 1) / 7));
    }
    expect(rows[6]?.fields[1]).toBe('line one\nline "two";\nthree');
  });

  it("round-trips any table written the RFC 4180 way, in any chunk size", () => {
    const cell = fc.string({ unit: fc.constantFrom("a", "ž", "Я", " ", ",", ";", "\t", '"', "\n", "\r\n", "x") , maxLength: 8 });
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 4 }).chain((width) => fc.array(fc.array(cell, { minLength: width, maxLength: width }), { minLength: 1, maxLength: 12 })),
        fc.constantFrom<CsvDelimiter>(",", ";", "\t"),
        fc.constantFrom("\n", "\r\n"),
        fc.integer({ min: 1, max: 5 }),
        (table, delimiter, newline, chunkRows) => {
          const quote = (value: string) => (/["\r\n,;\t]/.test(value) || value.trim() !== value ? `"${value.replaceAll('"', '""')}"` : value);
          const header = table[0]?.map((_, i) => `h${i}`) ?? [];
          const text = [header, ...table].map((row) => row.map(quote).join(delimiter)).join(newline) + newline;
          const head = readHeader(text, delimiter);
          const rows = [...iterateRows(text, { delimiter, from: head.start, chunkRows })].flatMap((c) => c.rows);
          const expected = table
            .map((fields, i) => ({ row: i + 1, fields: fields.map((f) => f.replace(/\r\n/g, "\n")) }))
            .filter((r) => r.fields.some((f) => f.trim() !== ""));
          expect(rows.map(({ row, fields }) => ({ row, fields }))).toEqual(expected);
        },
      ),
      { numRuns: 300 },
    );
  });
});
