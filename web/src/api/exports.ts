// Exports (issue 8) through the one client where it can be: jobs are JSON like everything else.
// The direct download is a file, which the client's JSON/text reader would re-encode (and strip
// the BOM Excel needs), so it is one fetch of its own that reads a Blob, with the same session
// rules: same-origin cookies, one refresh on 401 through the client, problem+json as ApiError.
import type { Export } from "../../../workers/exports/export.schema";
import { type Decoder, nullable, number, object, oneOf, record, string } from "../lib/decode";
import {
  csvDelimiterNames,
  directExportUrl,
  exportEntities,
  exportFormats,
  exportStatuses,
  fallbackFileName,
  fileNameFrom,
  jobFromProblem,
  type ExportEntity,
  type ExportFormat,
  type CsvDelimiterName,
  type ExportJobBody,
} from "../lib/exports";
import { toApiError } from "../lib/problem";
import { api, request } from "./client";

export type { Export };

const stringRecord: Decoder<Record<string, string>> = (value, path = "") => {
  const source = record(value, path);
  const out: Record<string, string> = {};
  for (const [key, item] of Object.entries(source)) out[key] = string(item, `${path}.${key}`);
  return out;
};

export const decodeExport: Decoder<Export> = object({
  id: string,
  entity: oneOf(exportEntities),
  format: oneOf(exportFormats),
  delimiter: oneOf(csvDelimiterNames),
  filters: stringRecord,
  status: oneOf(exportStatuses),
  row_count: number,
  byte_size: number,
  error: nullable(string),
  created_by: nullable(string),
  created_at: string,
  finished_at: nullable(string),
  expires_at: string,
  download_url: nullable(string),
});

export type DirectResult = { kind: "file"; blob: Blob; fileName: string } | { kind: "too_large"; job: ExportJobBody };

async function fetchFile(url: string): Promise<Response> {
  return fetch(url, { credentials: "same-origin", headers: { accept: "text/csv, application/json" } });
}

const id = (value: string) => encodeURIComponent(value);

export const exportsApi = {
  create: (body: ExportJobBody) => request.json<Export>(decodeExport, "POST", "/exports", { body }),
  get: (exportId: string) => request.json<Export>(decodeExport, "GET", `/exports/${id(exportId)}`),
  /** A plain link downloads it: GET with the session cookie, Content-Disposition: attachment. */
  downloadUrl: (exportId: string) => `/api/v1/exports/${id(exportId)}/download`,

  /** The list as a file, or the job to start when the server says it is too large for a direct download. */
  async direct(entity: ExportEntity, format: ExportFormat, query: Readonly<Record<string, string | number | undefined>>, delimiter: CsvDelimiterName = "comma"): Promise<DirectResult> {
    const url = directExportUrl(entity, format, query, delimiter);
    let response = await fetchFile(url);
    if (response.status === 401) {
      // The access cookie expired: one authenticated call through the client refreshes the
      // session (or signs the person out), then the download is asked for once more.
      await api.me();
      response = await fetchFile(url);
    }
    if (!response.ok) {
      let body: unknown = null;
      try {
        body = await response.json();
      } catch {
        body = null;
      }
      const error = toApiError(response.status, body, response.headers.get("retry-after"));
      if (error.code === "export_too_large") {
        const filters: Record<string, string> = {};
        for (const [key, value] of new URL(url, location.origin).searchParams) if (key !== "format") filters[key] = value;
        return { kind: "too_large", job: jobFromProblem(error.extensions, { entity, format, delimiter, filters }) };
      }
      throw error;
    }
    const fileName = fileNameFrom(response.headers.get("content-disposition"), fallbackFileName(entity, format, new Date()));
    return { kind: "file", blob: await response.blob(), fileName };
  },
};
