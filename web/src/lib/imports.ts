// Pure logic of the CSV import wizard: the column → field mapping the user edits, where a row's
// validation errors belong in the preview table, progress from live events, and what the report
// may still offer (undo within its window). No DOM here, so all of it is unit-tested.

/** Mirrors importFields in workers/imports/header-mapping.ts (a test keeps the two equal). */
export const importFields = ["first_name", "last_name", "emails", "phones", "job_title", "city", "country", "tags", "lifecycle_stage", "owner_id", "company_name", "notes"] as const;
export type ImportField = (typeof importFields)[number];
export const mappingTargets = [...importFields, "ignore"] as const;
export type MappingTarget = (typeof mappingTargets)[number];
export type Mapping = Record<string, MappingTarget>;

export const importStatuses = ["queued", "running", "done", "failed"] as const;
export const importOutcomes = ["created", "updated", "skipped", "invalid", "duplicate"] as const;
/** The order the wizard offers them in; update_empty is the API's default. */
export const onMatchChoices = ["update_empty", "skip", "create"] as const;
export const countKeys = ["created", "updated", "skipped", "invalid", "duplicates"] as const;
export type CountKey = (typeof countKeys)[number];
export type Counts = Record<CountKey, number>;

/** The API refuses larger uploads with 413; checking first spares the user a 50 MB upload. */
export const maxUploadBytes = 50 * 1024 * 1024;
/** Mirrors importEncodings in workers/imports/decode.ts (a test keeps the two equal). */
export const importEncodings = ["utf-8", "utf-16le", "windows-1257", "windows-1250", "windows-1251"] as const;
/** What the wizard offers as overrides; "auto" sends nothing and lets the server detect. */
export const encodingChoices = ["auto", "utf-8", "windows-1257", "windows-1250", "windows-1251", "utf-16le"] as const;
export const delimiterChoices = ["auto", ";", ",", "\t"] as const;
export type DelimiterChoice = (typeof delimiterChoices)[number];

export function isMappingTarget(value: string): value is MappingTarget {
  return mappingTargets.some((target) => target === value);
}

/** Fields several columns may fill ("Work email", "Private email"), as the API allows. */
export const listFields: ReadonlySet<MappingTarget> = new Set<MappingTarget>(["emails", "phones", "tags", "notes"]);

/**
 * Points `header` at `field`, keeping one column per field: a column that already had the field
 * falls back to "ignore" (its name is returned so the UI can say so). "ignore" and the list
 * fields may repeat.
 */
export function assignField(mapping: Mapping, header: string, field: MappingTarget): { mapping: Mapping; displaced: string | null } {
  const next: Mapping = { ...mapping, [header]: field };
  let displaced: string | null = null;
  if (field !== "ignore" && !listFields.has(field)) {
    for (const [other, target] of Object.entries(next)) {
      if (other !== header && target === field) {
        next[other] = "ignore";
        displaced = other;
      }
    }
  }
  return { mapping: next, displaced };
}

/** The mapping for every header: what the user chose, else the suggestion, else "ignore". */
export function completeMapping(headers: readonly string[], chosen: Mapping, suggested: Mapping): Mapping {
  return Object.fromEntries(headers.map((header) => [header, chosen[header] ?? suggested[header] ?? "ignore"]));
}

/** A contact needs a name, an email or a phone: a mapping filling none of them imports nothing. */
export function mappingIdentifies(mapping: Mapping): boolean {
  return Object.values(mapping).some((field) => field === "first_name" || field === "last_name" || field === "emails" || field === "phones");
}

export function sameMapping(a: Mapping, b: Mapping): boolean {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  return [...keys].every((key) => (a[key] ?? "ignore") === (b[key] ?? "ignore"));
}

/** "mapping.El. paštas" (a field error from pointer /mapping/El. paštas) → the header "El. paštas". */
export function mappingErrorHeader(fieldName: string): string | null {
  return fieldName.startsWith("mapping.") ? fieldName.slice("mapping.".length) : null;
}

export type CellError = { pointer: string; code: string; message: string };

/** The API words a cell's error as 'Column "El. paštas": …'; this splits off the column. */
export function splitColumnMessage(message: string): { header: string | null; text: string } {
  const match = /^Column "(.+?)": (.*)$/s.exec(message);
  return match?.[1] !== undefined && match[2] !== undefined ? { header: match[1], text: match[2] } : { header: null, text: message };
}

/**
 * Sorts a row's errors into the column they belong to: the column the message names, else the
 * one the pointer leads to — the field the row fills ("/emails/0" → the column mapped to
 * emails), a column ("/columns/2") or a header ("/El. paštas"). Anything else (a row-wide
 * problem such as "no name, email or phone") stays with the row.
 */
export function errorsByColumn(errors: readonly CellError[], headers: readonly string[], mapping: Mapping): { columns: Map<number, CellError[]>; row: CellError[] } {
  const columns = new Map<number, CellError[]>();
  const row: CellError[] = [];
  for (const error of errors) {
    const named = splitColumnMessage(error.message).header;
    const byName = named === null ? -1 : headers.indexOf(named);
    const index = byName >= 0 ? byName : columnOfPointer(error.pointer, headers, mapping);
    if (index === null) row.push(error);
    else columns.set(index, [...(columns.get(index) ?? []), error]);
  }
  return { columns, row };
}

function columnOfPointer(pointer: string, headers: readonly string[], mapping: Mapping): number | null {
  const segments = pointer.split("/").slice(1).map((part) => part.replaceAll("~1", "/").replaceAll("~0", "~"));
  const [first, second] = segments;
  if (first === undefined || first === "") return null;
  if (first === "columns" && second !== undefined && /^\d+$/.test(second)) {
    const index = Number(second);
    return index < headers.length ? index : null;
  }
  const byField = headers.findIndex((header) => mapping[header] === first && first !== "ignore");
  if (byField >= 0) return byField;
  // company_id is what company_name becomes on the contact.
  if (first === "company_id") {
    const company = headers.findIndex((header) => mapping[header] === "company_name");
    if (company >= 0) return company;
  }
  const byHeader = headers.indexOf(first);
  return byHeader >= 0 ? byHeader : null;
}

/** The API numbers data rows from 1 after the header; the spreadsheet shows the header as row 1. */
export function spreadsheetRow(rowNumber: number): number {
  return rowNumber + 1;
}

type Progress = { status: (typeof importStatuses)[number]; processed_rows: number; total_rows: number };

/** 0–100, whole numbers; a finished import is 100 even when its file had no data rows. */
export function progressPercent(progress: Progress): number {
  if (progress.status === "done") return 100;
  if (progress.total_rows <= 0) return 0;
  const share = Math.floor((progress.processed_rows / progress.total_rows) * 100);
  return Math.max(0, Math.min(progress.status === "failed" ? 100 : 99, share));
}

export function isFinished(status: Progress["status"]): boolean {
  return status === "done" || status === "failed";
}

export type ProgressUpdate = Progress & { counts: Counts | null };

/** The data of an import.progress / import.finished frame, or null when it is not usable. */
export function progressOf(data: Record<string, unknown>): ProgressUpdate | null {
  const status = importStatuses.find((candidate) => candidate === data.status);
  const processed = data.processed_rows;
  const total = data.total_rows;
  if (!status || typeof processed !== "number" || typeof total !== "number" || processed < 0 || total < 0) return null;
  return { status, processed_rows: processed, total_rows: total, counts: countsOf(data.counts) };
}

function countsOf(value: unknown): Counts | null {
  if (typeof value !== "object" || value === null) return null;
  const counts: Partial<Counts> = {};
  for (const key of countKeys) {
    const count: unknown = Reflect.get(value, key);
    if (typeof count !== "number") return null;
    counts[key] = count;
  }
  return { created: counts.created ?? 0, updated: counts.updated ?? 0, skipped: counts.skipped ?? 0, invalid: counts.invalid ?? 0, duplicates: counts.duplicates ?? 0 };
}

/**
 * Applies a live update unless it is older than what is shown: events and the fallback poll can
 * arrive out of order, and the bar must never run backwards or reopen a finished import.
 */
export function applyProgress<T extends Progress & { counts: Counts }>(current: T, update: ProgressUpdate): T {
  if (isFinished(current.status) && !isFinished(update.status)) return current;
  if (!isFinished(update.status) && update.processed_rows < current.processed_rows) return current;
  return { ...current, status: update.status, processed_rows: update.processed_rows, total_rows: update.total_rows, counts: update.counts ?? current.counts };
}

type Undoable = { status: Progress["status"]; dry_run: boolean; undone_at: string | null; undo_until: string | null };
export type UndoState = "available" | "undone" | "expired" | "dry_run" | "unavailable";

/** What the report says about undo: offered only for a finished real run, once, within its window. */
export function undoState(item: Undoable, now: number): UndoState {
  if (item.dry_run) return "dry_run";
  if (item.undone_at) return "undone";
  if (item.status !== "done" || !item.undo_until) return "unavailable";
  return Date.parse(item.undo_until) > now ? "available" : "expired";
}

/** Counts in the report's fixed order, for a summary line or a definition list. */
export function countList(counts: Counts): { key: CountKey; value: number }[] {
  return countKeys.map((key) => ({ key, value: counts[key] }));
}

export function problemCount(counts: Counts): number {
  return counts.invalid + counts.duplicates;
}

export type FileProblem = "too_large" | "empty" | "not_csv";

/** Checks the browser can make before uploading; the server checks again (413, 415, 422). */
export function fileProblem(file: { name: string; size: number; type: string }): FileProblem | null {
  if (file.size === 0) return "empty";
  if (file.size > maxUploadBytes) return "too_large";
  const name = file.name.toLowerCase();
  const textual = file.type === "" || file.type.startsWith("text/") || file.type === "application/vnd.ms-excel" || file.type === "application/csv";
  if (!textual && !name.endsWith(".csv") && !name.endsWith(".txt") && !name.endsWith(".tsv")) return "not_csv";
  return null;
}

/** The delimiter's name for the select and the summary line (";" reads badly on its own). */
export function delimiterName(delimiter: string): "semicolon" | "comma" | "tab" | "other" {
  return delimiter === ";" ? "semicolon" : delimiter === "," ? "comma" : delimiter === "\t" ? "tab" : "other";
}

/** "2.4 MB" / "830 KB" in the reader's locale. */
export function formatBytes(bytes: number, locale: string): string {
  const units = ["byte", "kilobyte", "megabyte", "gigabyte"] as const;
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  // Bytes spelled out ("623 bytes", "623 baitai"): the short form reads "623 byte".
  return new Intl.NumberFormat(locale, { style: "unit", unit: units[unit], unitDisplay: unit === 0 ? "long" : "short", maximumFractionDigits: unit === 0 ? 0 : 1 }).format(value);
}
