// CSV imports (issue 8) through the one client: uploads go as multipart FormData, everything
// else as JSON, so cookies, CSRF, refresh and the D1 bookmark stay in client.ts.
import { page } from "../lib/decode";
import type { DelimiterChoice, Mapping } from "../lib/imports";
import { type Page, request } from "./client";
import { decodeImport, decodeImportPreview, decodeImportRow, type Import, type ImportOutcome, type ImportPreview, type ImportRow, type OnMatch } from "./import-decoders";

export type { Import, ImportOutcome, ImportPreview, ImportRow, OnMatch };

/** What the user chose about the file; "auto" is left out so the server detects it. */
export type FileOptions = { encoding: string; delimiter: DelimiterChoice; mapping: Mapping | null };

function form(file: File, options: FileOptions): FormData {
  const body = new FormData();
  body.set("file", file, file.name);
  if (options.encoding !== "auto") body.set("encoding", options.encoding);
  if (options.delimiter !== "auto") body.set("delimiter", options.delimiter);
  if (options.mapping) body.set("mapping", JSON.stringify(options.mapping));
  return body;
}

const id = (value: string) => encodeURIComponent(value);

export const importsApi = {
  preview: (file: File, options: FileOptions) => request.json<ImportPreview>(decodeImportPreview, "POST", "/imports/preview", { body: form(file, options) }),
  start: (file: File, options: FileOptions & { dryRun: boolean; onMatch: OnMatch }) => {
    const body = form(file, options);
    body.set("dry_run", String(options.dryRun));
    body.set("on_match", options.onMatch);
    return request.json<Import>(decodeImport, "POST", "/imports", { body });
  },
  list: (query: { cursor?: string | undefined; limit?: number } = {}) => request.json<Page<Import>>(page(decodeImport), "GET", "/imports", { query: { limit: 20, ...query } }),
  get: (importId: string) => request.json<Import>(decodeImport, "GET", `/imports/${id(importId)}`),
  rows: (importId: string, query: { outcome?: ImportOutcome | undefined; cursor?: string | undefined; limit?: number } = {}) =>
    request.json<Page<ImportRow>>(page(decodeImportRow), "GET", `/imports/${id(importId)}/rows`, { query: { limit: 50, ...query } }),
  undo: (importId: string) => request.json<Import>(decodeImport, "POST", `/imports/${id(importId)}/undo`),
  /** A plain link downloads it: GET with the session cookie, Content-Disposition: attachment. */
  rowsCsvUrl: (importId: string) => `/api/v1/imports/${id(importId)}/rows.csv`,
};
