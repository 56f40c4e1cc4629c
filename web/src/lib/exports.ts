// Exports (issue 8), the pure half: what a list's "Export" asks the server for, given the filters
// the list is showing, and how the answers are read. The element (rapport-export-menu) and the
// calls (api/exports.ts) build on these.
import type { ExportEntity } from "../../../workers/db/schema";
import { isRecord } from "./decode";

export type { ExportEntity };
export const exportEntities = ["contacts", "companies", "deals"] as const satisfies readonly ExportEntity[];
export const exportFormats = ["csv", "json"] as const;
export type ExportFormat = (typeof exportFormats)[number];
/** CSV only: comma (RFC 4180, Google Sheets, Excel in English) or semicolon (Excel in LT/LV/SI/RU locales). */
export const csvDelimiterNames = ["comma", "semicolon"] as const;
export type CsvDelimiterName = (typeof csvDelimiterNames)[number];
export const exportStatuses = ["queued", "running", "done", "failed"] as const;
export type ExportStatus = (typeof exportStatuses)[number];

/** Paging is the export's business, not the list's: these never travel with the filters. */
const notFilters = new Set(["limit", "cursor", "format"]);

/** The list's query (as the list element builds it for GET /contacts etc.) as export filters: strings only, empties dropped. */
export function exportFilters(query: Readonly<Record<string, string | number | undefined>>): Record<string, string> {
  const filters: Record<string, string> = {};
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined || notFilters.has(key)) continue;
    const text = String(value);
    if (text !== "") filters[key] = text;
  }
  return filters;
}

/** GET /api/v1/{entity}/export?format=…&<filters>: the direct download of what the list shows. */
export function directExportUrl(entity: ExportEntity, format: ExportFormat, query: Readonly<Record<string, string | number | undefined>>, delimiter: CsvDelimiterName = "comma"): string {
  const params = new URLSearchParams({ format });
  if (format === "csv" && delimiter !== "comma") params.set("delimiter", delimiter);
  for (const [key, value] of Object.entries(exportFilters(query))) params.set(key, value);
  return `/api/v1/${entity}/export?${params.toString()}`;
}

export type BoardExportFilters = { owner: string; tag: string };

/**
 * The board shows one pipeline, filtered in the browser by owner (a member, or "none") and tag.
 * The deals list filters by pipeline and owner only, so "no owner" and a tag cannot travel:
 * `partial` says the file will hold more than the board shows, and the menu says so.
 */
export function dealExportQuery(pipelineId: string, filters: BoardExportFilters): { query: Record<string, string | undefined>; partial: boolean } {
  const owner = filters.owner && filters.owner !== "none" ? filters.owner : undefined;
  return {
    query: { pipeline_id: pipelineId || undefined, owner_id: owner },
    partial: filters.owner === "none" || filters.tag !== "",
  };
}

/** The file name from Content-Disposition (`attachment; filename="contacts-2026-11-22.csv"`), else the fallback. */
export function fileNameFrom(disposition: string | null, fallback: string): string {
  const match = disposition ? /filename="([^"]+)"/i.exec(disposition) : null;
  const name = match?.[1]?.trim();
  // Only a plain file name: nothing that could be read as a path.
  return name && /^[\w.-]+$/.test(name) ? name : fallback;
}

export function fallbackFileName(entity: ExportEntity, format: ExportFormat, now: Date): string {
  return `${entity}-${now.toISOString().slice(0, 10)}.${format}`;
}

export type ExportJobBody = { entity: ExportEntity; format: ExportFormat; delimiter?: CsvDelimiterName; filters: Record<string, string> };

function isEntity(value: unknown): value is ExportEntity {
  return exportEntities.some((entity) => entity === value);
}

function isFormat(value: unknown): value is ExportFormat {
  return exportFormats.some((format) => format === value);
}

/**
 * The job the server proposes in its 422 export_too_large (`export_job.body`), checked field by
 * field; when it is missing or odd, the request the menu made stands in for it.
 */
export function jobFromProblem(extensions: Record<string, unknown>, fallback: ExportJobBody): ExportJobBody {
  const job = extensions.export_job;
  const body = isRecord(job) ? job.body : undefined;
  if (!isRecord(body) || !isEntity(body.entity) || !isFormat(body.format) || !isRecord(body.filters)) return fallback;
  const filters: Record<string, string> = {};
  for (const [key, value] of Object.entries(body.filters)) if (typeof value === "string") filters[key] = value;
  const delimiter = csvDelimiterNames.find((name) => name === body.delimiter);
  return { entity: body.entity, format: body.format, ...(delimiter ? { delimiter } : {}), filters };
}

export function isFinished(status: ExportStatus): boolean {
  return status === "done" || status === "failed";
}

/** Menu keys: the index that gets focus after a key press in a menu of `count` items, or null for keys the menu does not handle. */
export function menuIndexAfter(key: string, current: number, count: number): number | null {
  if (count === 0) return null;
  switch (key) {
    case "ArrowDown":
      return (current + 1 + count) % count;
    case "ArrowUp":
      return (current - 1 + count) % count;
    case "Home":
      return 0;
    case "End":
      return count - 1;
    default:
      return null;
  }
}
