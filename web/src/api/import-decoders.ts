// Runtime shapes of the import responses (issue 8): the Import job, the preview of an upload and
// its per-row outcomes. Typed with the worker's own types, so a field added to or renamed in
// workers/imports/import.schema.ts fails the web type check until it is handled here.
import type { Import, ImportPreview, ImportRowItem } from "../../../workers/imports/import.schema";
import { array, boolean, type Decoder, nullable, number, object, oneOf, record, string } from "../lib/decode";
import { importEncodings, importFields, importOutcomes, importStatuses, mappingTargets, type MappingTarget, onMatchChoices } from "../lib/imports";
import { lifecycleStages } from "../lib/records";

export type { Import, ImportPreview };
export type ImportRow = ImportRowItem;
export type ImportStatus = Import["status"];
export type ImportOutcome = ImportRow["outcome"];
export type OnMatch = Import["on_match"];
export type RowError = ImportRow["errors"][number];
export type PreviewRow = ImportPreview["rows"][number];

const text = nullable(string);

/** header → field; a target the client does not know fails loudly instead of showing a blank select. */
const mapping: Decoder<Record<string, MappingTarget>> = (value, path = "") => {
  const source = record(value, path);
  const target = oneOf(mappingTargets);
  return Object.fromEntries(Object.entries(source).map(([header, field]) => [header, target(field, `${path}.${header}`)]));
};

const rowError: Decoder<RowError> = object({ pointer: string, code: string, message: string });
const encoding = oneOf(importEncodings);

export const decodeImport: Decoder<Import> = object({
  id: string,
  file_name: string,
  size_bytes: number,
  encoding,
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

const previewContact = object({
  first_name: text,
  last_name: text,
  emails: array(string),
  phones: array(string),
  job_title: text,
  city: text,
  country: text,
  tags: array(string),
  lifecycle_stage: nullable(oneOf(lifecycleStages)),
  owner_id: text,
  company_name: text,
  notes: text,
});

export const decodeImportPreview: Decoder<ImportPreview> = object({
  file_name: string,
  size_bytes: number,
  encoding,
  encoding_detected: boolean,
  encoding_ambiguous: boolean,
  encoding_candidates: array(object({ encoding: string, score: number })),
  delimiter: string,
  headers: array(string),
  suggested_mapping: mapping,
  mapping,
  fields: array(oneOf(importFields)),
  total_rows: number,
  rows: array(object({ row_number: number, values: array(string), contact: nullable(previewContact), errors: array(rowError) })),
  warnings: array(object({ code: string, message: string })),
});

export const decodeImportRow: Decoder<ImportRow> = object({ row_number: number, outcome: oneOf(importOutcomes), contact_id: text, errors: array(rowError) });
