// Runtime shapes of the import responses (issue 8): the Import job, the preview of an upload and
// its per-row outcomes. Kept beside decoders.ts so the record decoders there stay untouched.
import { array, boolean, type Decoder, nullable, number, object, oneOf, record, string } from "../lib/decode";
import { importOutcomes, importStatuses, mappingTargets, type MappingTarget, onMatchChoices } from "../lib/imports";

const text = nullable(string);

export type ImportStatus = (typeof importStatuses)[number];
export type ImportOutcome = (typeof importOutcomes)[number];
export type OnMatch = (typeof onMatchChoices)[number];
export type ImportCounts = { created: number; updated: number; skipped: number; invalid: number; duplicates: number };
export type RowError = { pointer: string; code: string; message: string };

export type Import = {
  id: string;
  file_name: string;
  size_bytes: number;
  encoding: string;
  delimiter: string;
  headers: string[];
  mapping: Record<string, MappingTarget>;
  on_match: OnMatch;
  dry_run: boolean;
  status: ImportStatus;
  total_rows: number;
  processed_rows: number;
  counts: ImportCounts;
  error: string | null;
  created_by: string | null;
  created_at: string;
  started_at: string | null;
  finished_at: string | null;
  undone_at: string | null;
  undo_until: string | null;
};

export type PreviewRow = { row_number: number; values: string[]; contact: Record<string, unknown> | null; errors: RowError[] };

export type ImportPreview = {
  file_name: string;
  size_bytes: number;
  encoding: string;
  encoding_detected: boolean;
  encoding_ambiguous: boolean;
  encoding_candidates: { encoding: string; score: number }[];
  delimiter: string;
  headers: string[];
  suggested_mapping: Record<string, MappingTarget>;
  mapping: Record<string, MappingTarget>;
  fields: string[];
  total_rows: number;
  rows: PreviewRow[];
  warnings: { code: string; message: string }[];
};

export type ImportRow = { row_number: number; outcome: ImportOutcome; contact_id: string | null; errors: RowError[] };

/** header → field; a target the client does not know fails loudly instead of showing a blank select. */
const mapping: Decoder<Record<string, MappingTarget>> = (value, path = "") => {
  const source = record(value, path);
  const target = oneOf(mappingTargets);
  return Object.fromEntries(Object.entries(source).map(([header, field]) => [header, target(field, `${path}.${header}`)]));
};

const rowError: Decoder<RowError> = object({ pointer: string, code: string, message: string });

export const decodeImport: Decoder<Import> = object({
  id: string,
  file_name: string,
  size_bytes: number,
  encoding: string,
  delimiter: string,
  headers: array(string),
  mapping,
  on_match: oneOf(onMatchChoices),
  dry_run: boolean,
  status: oneOf(importStatuses),
  total_rows: number,
  processed_rows: number,
  counts: object({ created: number, updated: number, skipped: number, invalid: number, duplicates: number }),
  error: text,
  created_by: text,
  created_at: string,
  started_at: text,
  finished_at: text,
  undone_at: text,
  undo_until: text,
});

export const decodeImportPreview: Decoder<ImportPreview> = object({
  file_name: string,
  size_bytes: number,
  encoding: string,
  encoding_detected: boolean,
  encoding_ambiguous: boolean,
  encoding_candidates: array(object({ encoding: string, score: number })),
  delimiter: string,
  headers: array(string),
  suggested_mapping: mapping,
  mapping,
  fields: array(string),
  total_rows: number,
  rows: array(object({ row_number: number, values: array(string), contact: nullable(record), errors: array(rowError) })),
  warnings: array(object({ code: string, message: string })),
});

export const decodeImportRow: Decoder<ImportRow> = object({ row_number: number, outcome: oneOf(importOutcomes), contact_id: text, errors: array(rowError) });
