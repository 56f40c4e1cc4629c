// CSV text → records, resumable from any record boundary. A hand-written RFC 4180 reader rather
// than a library: the import needs the exact character offset after every record (a queue
// consumer parses 100,000 rows in chunks and resumes where the last chunk stopped) and the exact
// physical line of every record; see docs/decisions.md, "Imports".

export const csvDelimiters = [";", ",", "\t"] as const;
export type CsvDelimiter = (typeof csvDelimiters)[number];

/** Where a chunk starts: a record boundary, the data row number and physical line found there. */
export type CsvCursor = { offset: number; row: number; line: number };

export type CsvIssue = {
  /** unterminated_quote: a quoted field runs to the end of the file; stray_quote: text after a closing quote. */
  code: "unterminated_quote" | "stray_quote";
  row: number;
  line: number;
};

export type CsvRow = {
  /** 1-based data row after the header, blank rows counted: row 5 is row 6 in the spreadsheet. */
  row: number;
  /** 1-based physical line of the file where the record starts (a multi-line cell spans more). */
  line: number;
  fields: string[];
};

type RawRecord = { fields: string[]; end: number; breaks: number; issues: CsvIssue["code"][] };

/**
 * Reads one record starting at `start`. Line breaks are CRLF, LF or a lone CR outside quotes;
 * inside quotes they are data (CRLF inside a cell becomes LF). A quote opens a quoted field only
 * at the field's start; a quote inside an unquoted field is kept as a character, as Excel does.
 */
function readRecord(text: string, start: number, delimiter: CsvDelimiter): RawRecord {
  const fields: string[] = [];
  const issues: CsvIssue["code"][] = [];
  let i = start;
  let breaks = 0;
  const length = text.length;
  for (;;) {
    let value = "";
    if (text[i] === '"') {
      i++;
      for (;;) {
        const quote = text.indexOf('"', i);
        if (quote === -1) {
          value += text.slice(i);
          breaks += countBreaks(text, i, length);
          i = length;
          issues.push("unterminated_quote");
          break;
        }
        breaks += countBreaks(text, i, quote);
        value += text.slice(i, quote);
        i = quote + 1;
        if (text[i] === '"') {
          value += '"';
          i++;
          continue;
        }
        break;
      }
      value = value.replace(/\r\n?/g, "\n");
      // `"abc"def` is read as abcdef, and reported.
      const after = nextStop(text, i, delimiter);
      if (after > i) {
        issues.push("stray_quote");
        value += text.slice(i, after);
        i = after;
      }
    } else {
      const stop = nextStop(text, i, delimiter);
      value = text.slice(i, stop);
      i = stop;
    }
    fields.push(value);
    if (i >= length) return { fields, end: length, breaks, issues };
    if (text[i] === delimiter) {
      i++;
      continue;
    }
    // A line break ends the record.
    if (text[i] === "\r" && text[i + 1] === "\n") i += 2;
    else i += 1;
    return { fields, end: i, breaks: breaks + 1, issues };
  }
}

function nextStop(text: string, from: number, delimiter: CsvDelimiter): number {
  for (let i = from; i < text.length; i++) {
    const char = text[i];
    if (char === delimiter || char === "\n" || char === "\r") return i;
  }
  return text.length;
}

function countBreaks(text: string, from: number, to: number): number {
  let count = 0;
  for (let i = from; i < to; i++) {
    const char = text[i];
    if (char === "\n") count++;
    else if (char === "\r" && text[i + 1] !== "\n") count++;
  }
  return count;
}

function isBlank(fields: readonly string[]): boolean {
  return fields.every((field) => field.trim() === "");
}

/**
 * The delimiter of a file: of ; , and tab, the one that splits the header into more than one
 * column and the first records into the same number of columns most often. `;` goes first on a
 * tie, because a semicolon file with decimal commas ("1,5") also splits on commas.
 */
export function detectDelimiter(text: string, sampleRecords = 20): CsvDelimiter {
  let best: { delimiter: CsvDelimiter; consistent: number; columns: number } | null = null;
  for (const delimiter of csvDelimiters) {
    const counts: number[] = [];
    let offset = text.charCodeAt(0) === 0xfeff ? 1 : 0;
    while (offset < text.length && counts.length < sampleRecords) {
      const record = readRecord(text, offset, delimiter);
      offset = record.end;
      if (!isBlank(record.fields)) counts.push(record.fields.length);
    }
    const columns = counts[0] ?? 0;
    if (columns < 2) continue;
    const consistent = counts.filter((count) => count === columns).length / counts.length;
    if (!best || consistent > best.consistent || (consistent === best.consistent && columns > best.columns)) {
      best = { delimiter, consistent, columns };
    }
  }
  return best?.delimiter ?? ",";
}

export type CsvHeader = {
  delimiter: CsvDelimiter;
  /** The header cells, trimmed; the first non-blank record of the file. */
  header: string[];
  /** Where the data starts: pass it to `parseChunk`. */
  start: CsvCursor;
  issues: CsvIssue[];
};

/** Reads the header (a leading BOM and blank lines are skipped) and detects the delimiter unless given. */
export function readHeader(text: string, delimiter: CsvDelimiter = detectDelimiter(text)): CsvHeader {
  let offset = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  let line = 1;
  while (offset < text.length) {
    const record = readRecord(text, offset, delimiter);
    const issues = record.issues.map((code) => ({ code, row: 0, line }));
    offset = record.end;
    line += record.breaks;
    if (!isBlank(record.fields)) return { delimiter, header: record.fields.map((cell) => cell.trim()), start: { offset, row: 1, line }, issues };
  }
  return { delimiter, header: [], start: { offset, row: 1, line }, issues: [] };
}

export type CsvChunk = {
  rows: CsvRow[];
  issues: CsvIssue[];
  /** Where the next chunk starts; null at the end of the file. */
  next: CsvCursor | null;
};

/**
 * Up to `maxRows` non-blank data rows from `from` (a cursor from `readHeader` or a previous
 * chunk). Blank rows are skipped but counted, so row numbers match the spreadsheet's. Each call
 * reads only its own records, so a consumer handles a large file in bounded steps.
 */
export function parseChunk(text: string, options: { delimiter: CsvDelimiter; from: CsvCursor; maxRows: number }): CsvChunk {
  const rows: CsvRow[] = [];
  const issues: CsvIssue[] = [];
  let { offset, row, line } = options.from;
  while (offset < text.length && rows.length < options.maxRows) {
    const record = readRecord(text, offset, options.delimiter);
    for (const code of record.issues) issues.push({ code, row, line });
    if (!isBlank(record.fields)) rows.push({ row, line, fields: record.fields });
    offset = record.end;
    line += record.breaks;
    row += 1;
  }
  // Trailing blank lines are not a next chunk.
  let rest = offset;
  while (rest < text.length && /[\r\n]/.test(text[rest] ?? "")) rest++;
  return { rows, issues, next: rest < text.length ? { offset, row, line } : null };
}

/** Every data row, chunk by chunk: a generator for callers that hold the whole text. */
export function* iterateRows(text: string, options: { delimiter: CsvDelimiter; from: CsvCursor; chunkRows?: number }): Generator<CsvChunk> {
  let from: CsvCursor | null = options.from;
  while (from) {
    const chunk = parseChunk(text, { delimiter: options.delimiter, from, maxRows: options.chunkRows ?? 500 });
    yield chunk;
    from = chunk.next;
  }
}

export type CsvPreview = CsvHeader & { rows: CsvRow[]; truncated: boolean };

/** Header plus the first rows: what the mapping screen shows before anything is imported. */
export function previewCsv(text: string, options: { delimiter?: CsvDelimiter; maxRows?: number } = {}): CsvPreview {
  const head = readHeader(text, options.delimiter);
  const chunk = parseChunk(text, { delimiter: head.delimiter, from: head.start, maxRows: options.maxRows ?? 20 });
  return { ...head, rows: chunk.rows, issues: [...head.issues, ...chunk.issues], truncated: chunk.next !== null };
}
