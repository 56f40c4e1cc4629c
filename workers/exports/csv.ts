// CSV out: RFC 4180 (comma, CRLF record ends, fields quoted only when they must be, quotes doubled)
// with a UTF-8 byte order mark first so Excel reads the file as UTF-8 instead of the machine's
// ANSI code page (which would garble Lithuanian, Latvian, Slovenian and Cyrillic names).
//
// Formula injection (OWASP "CSV Injection"): a spreadsheet evaluates a cell that starts with
// =, +, -, @ (and treats tab / carriage return at the start as whitespace before one), so a
// contact named `=HYPERLINK("http://x")` would become a live link or worse. Such a cell gets a
// leading apostrophe, which spreadsheets read as "this is text". The apostrophe changes the
// value, so the one exemption is a value we can prove harmless: a column of E.164 phone numbers
// whose cell is nothing but "+" and digits (a list of them joined with "; " included). Without a
// letter, a parenthesis, a quote or a pipe there is no function, reference or DDE call to run;
// the worst a spreadsheet does is read the number as arithmetic. Keeping "+370…" verbatim keeps
// the file importable (Rapport's own import and other CRMs read it as E.164); anything else in a
// phone column is neutralised like any other cell. Amounts we format ourselves ("-12.50") are
// exempt by the same argument: a decimal number and nothing else.

export const csvBom = "\uFEFF";
/** The field separator by name: comma (RFC 4180) or semicolon (Excel in LT/LV/SI/RU locales). */
export const csvDelimiters = { comma: ",", semicolon: ";" } as const;
export type CsvDelimiter = (typeof csvDelimiters)[keyof typeof csvDelimiters];
export const csvRecordEnd = "\r\n";

/** How a column's cells are treated: plain text, E.164 phone numbers or decimal amounts (see the exemptions above). */
export type CsvColumnKind = "text" | "e164" | "decimal";

const formulaTriggers = new Set(["=", "+", "-", "@", "\t", "\r"]);
const e164List = /^\+[1-9]\d{1,14}(?:; \+[1-9]\d{1,14})*$/;
const decimal = /^-?\d{1,20}(?:\.\d{1,6})?$/;

/** Whether a spreadsheet could read the cell as a formula. */
export function startsLikeFormula(value: string): boolean {
  return value.length > 0 && formulaTriggers.has(value.charAt(0));
}

/** The cell's text as a spreadsheet should see it: text that starts like a formula gets a leading apostrophe. */
export function neutralise(value: string, kind: CsvColumnKind = "text"): string {
  if (!startsLikeFormula(value)) return value;
  if (kind === "e164" && e164List.test(value)) return value;
  if (kind === "decimal" && decimal.test(value)) return value;
  return `'${value}`;
}

/** One RFC 4180 field: quoted when it contains the delimiter, a quote, CR or LF; quotes doubled. */
export function quoteField(value: string, delimiter: CsvDelimiter = ","): string {
  if (value.includes(delimiter) || value.includes('"') || value.includes("\r") || value.includes("\n")) {
    return `"${value.replaceAll('"', '""')}"`;
  }
  return value;
}

export type CsvValue = string | number | boolean | null | undefined;

/** A value written by us as a number (row counts, amounts) is never a formula; text always goes through neutralise. */
export function csvField(value: CsvValue, kind: CsvColumnKind = "text", delimiter: CsvDelimiter = ","): string {
  if (value === null || value === undefined) return "";
  if (typeof value === "number") return Number.isFinite(value) ? quoteField(String(value), delimiter) : "";
  if (typeof value === "boolean") return value ? "true" : "false";
  return quoteField(neutralise(value, kind), delimiter);
}

/** One record, CRLF-terminated. */
export function csvRecord(fields: readonly string[], delimiter: CsvDelimiter = ","): string {
  return fields.join(delimiter) + csvRecordEnd;
}

export type CsvColumn<T> = { key: string; header: string; kind?: CsvColumnKind; value: (row: T) => CsvValue };

/** The header record (the human-readable headers; they are ours, but neutralised all the same). */
export function csvHeader<T>(columns: readonly CsvColumn<T>[], delimiter: CsvDelimiter = ","): string {
  return csvRecord(
    columns.map((column) => csvField(column.header, "text", delimiter)),
    delimiter,
  );
}

export function csvRow<T>(columns: readonly CsvColumn<T>[], row: T, delimiter: CsvDelimiter = ","): string {
  return csvRecord(
    columns.map((column) => csvField(column.value(row), column.kind ?? "text", delimiter)),
    delimiter,
  );
}
