import { problems, type FieldError } from "../http/problem";
import { toPointer } from "../http/validation";
import { decodeBytes, type DecodedText, type EncodingCandidate, type ImportEncoding, type LegacyEncoding } from "./decode";
import { importFields, suggestMapping, type ImportField, type MappingTarget } from "./header-mapping";
import { parseChunk, readHeader, type CsvCursor, type CsvDelimiter } from "./parse";
import type { Column } from "./row-mapping";

// An uploaded file from bytes to something importable: decoded, its header read, its mapping
// checked, and (for a real upload) cut into chunks. Everything wrong with the file as a whole is
// a 4xx problem here, before anything is stored; what is wrong with single rows is reported per
// row by the consumer.

export const maxUploadBytes = 50 * 1024 * 1024;
export const maxColumns = 200;
export const maxRows = 1_000_000;
/** A chunk is one D1 value and one consumer step: at most this much UTF-8 text… */
export const chunkBytes = 1_000_000;
/** …and at most this many rows (one batch of contact writes). */
export const chunkRows = 500;

export type FileOptions = {
  encoding: ImportEncoding | "auto";
  delimiter: CsvDelimiter | undefined;
  /** Header → field, as the caller sent it (checked here against the file's headers). */
  mapping: Record<string, string> | undefined;
};

export type Warning = { code: string; message: string };

export type PreparedFile = {
  decoded: DecodedText;
  /** Scored candidates even when the caller chose the encoding (so a wrong choice shows). */
  candidates: EncodingCandidate[];
  delimiter: CsvDelimiter;
  /** The header cells, made unique ("Email", "Email (2)") and never empty ("Column 3"). */
  headers: string[];
  start: CsvCursor;
  suggested: Record<string, MappingTarget>;
  mapping: Record<string, MappingTarget>;
  columns: Column[];
  warnings: Warning[];
};

const fileProblem = (code: string, detail: string, pointer = "/file") => problems.unprocessable(code, detail, [{ pointer, code, detail }]);

/** Signatures of files people upload by mistake: a workbook, an archive, a PDF, an image. */
function binaryKind(bytes: Uint8Array): string | null {
  const starts = (...sig: number[]) => sig.every((b, i) => bytes[i] === b);
  if (starts(0x50, 0x4b, 0x03, 0x04)) return "an Excel workbook (.xlsx) or a ZIP archive";
  if (starts(0xd0, 0xcf, 0x11, 0xe0)) return "an Excel 97–2003 workbook (.xls)";
  if (starts(0x25, 0x50, 0x44, 0x46)) return "a PDF";
  if (starts(0x89, 0x50, 0x4e, 0x47) || starts(0xff, 0xd8, 0xff) || starts(0x47, 0x49, 0x46)) return "an image";
  return null;
}

/** Control characters that no spreadsheet writes into a CSV (tab, CR and LF are fine). */
function controlShare(text: string): number {
  const sample = text.slice(0, 64 * 1024);
  if (sample.length === 0) return 0;
  let controls = 0;
  for (let i = 0; i < sample.length; i++) {
    const code = sample.charCodeAt(i);
    if ((code < 0x20 && code !== 0x09 && code !== 0x0a && code !== 0x0d) || code === 0x7f) controls++;
  }
  return controls / sample.length;
}

function looksLikeData(cell: string): boolean {
  return /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(cell) || (/^[\d\s()+.\-/]+$/.test(cell) && cell.replace(/\D/g, "").length >= 7);
}

function uniqueHeaders(cells: readonly string[]): string[] {
  const seen = new Map<string, number>();
  return cells.map((cell, index) => {
    const base = cell || `Column ${index + 1}`;
    const count = (seen.get(base.toLowerCase()) ?? 0) + 1;
    seen.set(base.toLowerCase(), count);
    return count === 1 ? base : `${base} (${count})`;
  });
}

// Emails, phones, tags and notes may come from several columns ("Work email", "Private email").
const listFields = new Set<ImportField>(["emails", "phones", "tags", "notes"]);
const identityFields = new Set<ImportField>(["first_name", "last_name", "emails", "phones"]);
const isImportField = (value: string): value is ImportField => (importFields as readonly string[]).includes(value);

/** The applied mapping: the caller's (checked) or the suggestion; headers it does not name are ignored. */
function resolveMapping(headers: readonly string[], suggested: Record<string, MappingTarget>, given: Record<string, string> | undefined) {
  if (given === undefined) return suggested;
  const errors: FieldError[] = [];
  const mapping: Record<string, MappingTarget> = Object.fromEntries(headers.map((h) => [h, "ignore" as const]));
  const taken = new Map<ImportField, string>();
  for (const [header, target] of Object.entries(given)) {
    const pointer = toPointer(["mapping", header]);
    if (!headers.includes(header)) {
      errors.push({ pointer, code: "unknown_column", detail: `The file has no column "${header}".` });
      continue;
    }
    if (target === "ignore") continue;
    if (!isImportField(target)) {
      errors.push({ pointer, code: "unknown_field", detail: `"${target}" is not a field; use one of ${importFields.join(", ")} or ignore.` });
      continue;
    }
    const earlier = taken.get(target);
    if (earlier !== undefined && !listFields.has(target)) {
      errors.push({ pointer, code: "field_mapped_twice", detail: `"${earlier}" already fills ${target}; one column per field.` });
      continue;
    }
    taken.set(target, header);
    mapping[header] = target;
  }
  if (errors.length > 0) throw problems.validation(errors, "The mapping does not fit the file.");
  return mapping;
}

/**
 * Decodes and reads the head of an upload and resolves its mapping. Throws 422 problems for a
 * file that is empty, binary or has no header, and for a mapping that does not fit it.
 */
export function prepareFile(bytes: Uint8Array, options: FileOptions, prefer: LegacyEncoding | undefined): PreparedFile {
  if (bytes.length === 0) throw fileProblem("empty_file", "The file is empty.");
  const kind = binaryKind(bytes);
  if (kind) throw fileProblem("binary_file", `This is ${kind}, not a CSV file. In the spreadsheet choose Save as → CSV UTF-8 and upload that.`);
  const decoded = decodeBytes(bytes, { encoding: options.encoding, ...(prefer ? { prefer } : {}) });
  if (controlShare(decoded.text) > 0.001 || (decoded.encoding !== "utf-16le" && bytes.subarray(0, 64 * 1024).includes(0))) {
    throw fileProblem("binary_file", "This file contains binary data, not text. Upload a CSV file (in the spreadsheet: Save as → CSV UTF-8).");
  }
  const warnings: Warning[] = [];
  let candidates = decoded.candidates;
  if (decoded.source === "explicit") {
    // Say when the bytes look like another code page than the one chosen.
    const detected = decodeBytes(bytes.subarray(0, 256 * 1024), prefer ? { prefer } : {});
    candidates = detected.candidates;
    if (detected.encoding !== decoded.encoding && !detected.ambiguous && detected.source !== "bom") {
      warnings.push({ code: "encoding_mismatch", message: `The file reads more like ${detected.encoding} than ${decoded.encoding}: check the names in the preview.` });
    }
  }
  if (decoded.ambiguous) warnings.push({ code: "encoding_ambiguous", message: `The encoding could be ${candidates.map((c) => c.encoding).join(" or ")}: check the names in the preview.` });
  if (decoded.replacements > 0) {
    warnings.push({ code: "invalid_characters", message: `${decoded.replacements} characters cannot be read as ${decoded.encoding}: choose another encoding.` });
  }
  if (decoded.text.trim() === "") throw fileProblem("empty_file", "The file has no text in it.");

  const head = readHeader(decoded.text, options.delimiter);
  if (head.header.length > maxColumns) throw fileProblem("too_many_columns", `The header has ${head.header.length} columns; at most ${maxColumns} can be imported.`);
  const dataLike = head.header.find(looksLikeData);
  if (dataLike !== undefined) {
    throw fileProblem("no_header", `The first row looks like data ("${dataLike}"): the first row must name the columns, such as First name;Email;Phone.`);
  }
  const headers = uniqueHeaders(head.header);
  const suggested: Record<string, MappingTarget> = Object.fromEntries(suggestMapping(headers).map((s) => [s.header, s.field]));
  const mapping = resolveMapping(headers, suggested, options.mapping);
  const columns = headers.flatMap((header, index): Column[] => {
    const field = mapping[header];
    return field && field !== "ignore" ? [{ index, header, field }] : [];
  });
  return { decoded, candidates, delimiter: head.delimiter, headers, start: head.start, suggested, mapping, columns, warnings };
}

/** What a real import additionally needs of a file: readable text and a column that identifies people. */
export function assertImportable(file: PreparedFile, encodingGiven: boolean) {
  if (file.decoded.replacements > 0) {
    const better = file.candidates.find((c) => c.encoding !== file.decoded.encoding);
    throw fileProblem(
      "undecodable",
      `${file.decoded.replacements} characters of the file cannot be read as ${file.decoded.encoding}${better ? `; it looks like ${better.encoding}` : ""}. Choose the file's encoding and try again.`,
      encodingGiven ? "/encoding" : "/file",
    );
  }
  if (!file.columns.some((column) => identityFields.has(column.field))) {
    throw problems.validation(
      [{ pointer: "/mapping", code: "identity_not_mapped", detail: "Map at least one column to first_name, last_name, emails or phones." }],
      "The mapping does not name anyone.",
    );
  }
}

/** UTF-8 length without encoding: what D1 will store. */
export function utf8Length(text: string): number {
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    bytes += code < 0x80 ? 1 : code < 0x800 ? 2 : code >= 0xd800 && code <= 0xdbff ? 2 : code >= 0xdc00 && code <= 0xdfff ? 2 : 3;
  }
  return bytes;
}

export type FileChunk = { seq: number; firstRow: number; firstLine: number; rowCount: number; text: string };

/**
 * Reads every record once and cuts the text at record boundaries into chunks of at most
 * `chunkRows` rows and `chunkBytes` bytes. A quote that never closes is a 422 here: it would
 * swallow the rest of the file into one cell.
 */
export function cutChunks(text: string, start: CsvCursor, delimiter: CsvDelimiter): { chunks: FileChunk[]; totalRows: number } {
  const chunks: FileChunk[] = [];
  let totalRows = 0;
  let from: CsvCursor | null = start;
  let limit = chunkRows;
  while (from) {
    const chunk = parseChunk(text, { delimiter, from, maxRows: limit });
    const end = chunk.next ? chunk.next.offset : text.length;
    const unterminated = chunk.issues.find((issue) => issue.code === "unterminated_quote");
    if (unterminated) {
      throw fileProblem("unterminated_quote", `Row ${unterminated.row} (line ${unterminated.line}) opens a quote that never closes, so the rest of the file would be one cell. Close the quote or remove it.`);
    }
    const slice = text.slice(from.offset, end);
    if (chunk.rows.length > 1 && utf8Length(slice) > chunkBytes) {
      // Long rows (notes): fewer of them per chunk.
      limit = Math.max(1, Math.floor(chunk.rows.length / 2));
      continue;
    }
    if (chunk.rows.length === 1 && utf8Length(slice) > chunkBytes) {
      throw fileProblem("row_too_large", `Row ${chunk.rows[0]?.row ?? from.row} is larger than 1 MB.`);
    }
    if (chunk.rows.length > 0) {
      chunks.push({ seq: chunks.length, firstRow: from.row, firstLine: from.line, rowCount: chunk.rows.length, text: slice });
      totalRows += chunk.rows.length;
      if (totalRows > maxRows) throw fileProblem("too_many_rows", `The file has more than ${maxRows.toLocaleString("en")} rows; split it into smaller files.`);
    }
    from = chunk.next;
    limit = chunkRows;
  }
  return { chunks, totalRows };
}
