import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseChunk } from "../imports/parse";
import { majorUnits } from "./columns";
import { csvBom, csvField, csvHeader, csvRecord, csvRow, neutralise, quoteField, type CsvColumn } from "./csv";
import { splitPieces } from "./export.service";

// The import reader turns CRLF and a lone CR inside a quoted cell into LF, as spreadsheets do.
const asRead = (value: string) => value.replace(/\r\n?/g, "\n");

function readBack(text: string): string[][] {
  return parseChunk(text, { delimiter: ",", from: { offset: 0, row: 1, line: 1 }, maxRows: 10_000 }).rows.map((row) => row.fields);
}

describe("RFC 4180 fields", () => {
  it("leaves plain text alone and quotes only what must be quoted", () => {
    expect(quoteField("Ona")).toBe("Ona");
    expect(quoteField("Vilnius, LT")).toBe('"Vilnius, LT"');
    expect(quoteField('UAB "Alfa"')).toBe('"UAB ""Alfa"""');
    expect(quoteField("line one\nline two")).toBe('"line one\nline two"');
    expect(quoteField("carriage\rreturn")).toBe('"carriage\rreturn"');
    expect(quoteField("semi;colon")).toBe("semi;colon");
  });

  it("ends every record with CRLF and writes empty cells for null", () => {
    expect(csvRecord(["a", "", "c"])).toBe("a,,c\r\n");
    expect(csvField(null)).toBe("");
    expect(csvField(undefined)).toBe("");
    expect(csvField(12.5)).toBe("12.5");
  });

  it("starts the file with the UTF-8 byte order mark", () => {
    expect(new TextEncoder().encode(csvBom)).toEqual(new Uint8Array([0xef, 0xbb, 0xbf]));
  });
});

describe("formula injection", () => {
  it('neutralises =HYPERLINK("http://x") and keeps it one quoted cell', () => {
    expect(csvField('=HYPERLINK("http://x")')).toBe(`"'=HYPERLINK(""http://x"")"`);
    expect(readBack(csvRecord([csvField('=HYPERLINK("http://x")'), csvField("ok")]))).toEqual([[`'=HYPERLINK("http://x")`, "ok"]]);
  });

  it.each(["=1+1", "+1+1", "-1+1", "@SUM(A1)", "\t=1", "\r=1", "=cmd|' /C calc'!A0"])("prefixes %j with an apostrophe", (value) => {
    expect(neutralise(value)).toBe(`'${value}`);
    expect(readBack(csvRecord([csvField(value)]))[0]?.[0]).toBe(asRead(`'${value}`));
  });

  it("leaves cells that merely contain a trigger later on", () => {
    expect(neutralise("Ona=Petras")).toBe("Ona=Petras");
    expect(neutralise(" =1")).toBe(" =1");
    expect(neutralise("ona@example.lt")).toBe("ona@example.lt");
    expect(neutralise("")).toBe("");
  });

  it("keeps E.164 numbers in phone columns verbatim, and nothing else that starts with +", () => {
    expect(neutralise("+37061234567", "e164")).toBe("+37061234567");
    expect(neutralise("+37061234567; +37120000000", "e164")).toBe("+37061234567; +37120000000");
    expect(neutralise("+37061234567", "text")).toBe("'+37061234567");
    expect(neutralise("+1+cmd|' /C calc'!A0", "e164")).toBe("'+1+cmd|' /C calc'!A0");
    expect(neutralise("+370 612 34567", "e164")).toBe("'+370 612 34567");
    expect(neutralise('+1; =HYPERLINK("x")', "e164")).toBe(`'+1; =HYPERLINK("x")`);
    expect(neutralise("+0123", "e164")).toBe("'+0123");
  });

  it("keeps decimal amounts verbatim in amount columns only", () => {
    expect(neutralise("-12.50", "decimal")).toBe("-12.50");
    expect(neutralise("-12.50", "text")).toBe("'-12.50");
    expect(neutralise("-1+1", "decimal")).toBe("'-1+1");
  });

  it("round-trips any cells through the import parser, with formula-like cells neutralised", () => {
    const cell = fc.string({ unit: fc.constantFrom("a", "ž", "Я", " ", ",", ";", "\t", '"', "\n", "\r", "=", "+", "-", "@", "x"), maxLength: 8 });
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 4 }).chain((width) => fc.array(fc.array(cell, { minLength: width, maxLength: width }), { minLength: 1, maxLength: 10 })),
        (rows) => {
          const text = rows.map((row) => csvRecord(row.map((value) => csvField(value)))).join("");
          const parsed = readBack(text);
          // The reader skips records whose cells are all blank, as a spreadsheet shows them.
          const expected = rows.map((row) => row.map((value) => asRead(neutralise(value)))).filter((row) => !row.every((value) => value.trim() === ""));
          expect(parsed).toEqual(expected);
          for (const row of parsed) for (const value of row) expect(/^[=+\-@\t\r]/.test(value)).toBe(false);
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe("columns", () => {
  type Row = { name: string; phones: string[] };
  const columns: CsvColumn<Row>[] = [
    { key: "name", header: "Name", value: (r) => r.name },
    { key: "phones", header: "Phones", kind: "e164", value: (r) => r.phones.join("; ") },
  ];

  it("writes a header record and one record per row with each column's rule", () => {
    expect(csvHeader(columns)).toBe("Name,Phones\r\n");
    expect(csvRow(columns, { name: "=2+2", phones: ["+37061234567"] })).toBe("'=2+2,+37061234567\r\n");
  });

  it("writes amounts in major units exactly, by the currency's minor digits", () => {
    expect(majorUnits(123450, "EUR")).toBe("1234.50");
    expect(majorUnits(5, "EUR")).toBe("0.05");
    expect(majorUnits(0, "EUR")).toBe("0.00");
    expect(majorUnits(1500, "JPY")).toBe("1500");
    expect(majorUnits(1234, "BHD")).toBe("1.234");
    expect(majorUnits(-250, "EUR")).toBe("-2.50");
    expect(majorUnits(Number.MAX_SAFE_INTEGER, "EUR")).toBe("90071992547409.91");
  });
});

describe("chunk pieces", () => {
  it("cuts at record boundaries below the byte limit, counting UTF-8 bytes", () => {
    const pieces = splitPieces(["ab", "žž", "cd"], 4);
    expect(pieces).toEqual([
      { text: "ab", bytes: 2 },
      { text: "žž", bytes: 4 },
      { text: "cd", bytes: 2 },
    ]);
    expect(splitPieces([], 10)).toEqual([{ text: "", bytes: 0 }]);
    expect(splitPieces(["a", "b", "c"], 10)).toEqual([{ text: "abc", bytes: 3 }]);
  });
});
