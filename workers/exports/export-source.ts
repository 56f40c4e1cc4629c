import { and, eq } from "drizzle-orm";
import { countCompaniesUpTo, listCompanies } from "../companies/company.service";
import { countContactsUpTo, listContacts } from "../contacts/contact.service";
import type { Database } from "../db/client";
import { memberships, pipelines, stages, users, type ExportEntity } from "../db/schema";
import { countDealsUpTo, listDeals } from "../deals/deal.service";
import { problems, type FieldError } from "../http/problem";
import { fieldErrorsFrom } from "../http/validation";
import { companyColumns, contactColumns, dealColumns, emptyLookups, type ExportLookups, type Person, type StageRef } from "./columns";
import { csvBom, csvHeader, csvRow, type CsvColumn, type CsvDelimiter } from "./csv";
import { exportFilterSchemas, type CompanyExportFilterInput, type ContactExportFilterInput, type DealExportFilterInput } from "./export.schema";

// Where an export's rows come from: the list services themselves (their filters, their order,
// their keyset cursors, their record JSON), page after page. Nothing here filters on its own.

export type ExportFormat = "csv" | "json";

export type ParsedFilters =
  | { entity: "contacts"; filters: ContactExportFilterInput }
  | { entity: "companies"; filters: CompanyExportFilterInput }
  | { entity: "deals"; filters: DealExportFilterInput };

/** A page of rendered records (CSV records or JSON texts) and the list's cursor for the next. */
export type RenderedPage = { records: string[]; next_cursor: string | null };

export type ExportSource = {
  /** How many rows match, counted no further than cap + 1. */
  count(cap: number): Promise<number>;
  page(cursor: string | null, limit: number): Promise<RenderedPage>;
  /** What comes before the first record: the BOM and header row, or "[". */
  opening: string;
  /** What goes between two records. */
  separator: string;
  /** What comes after the last record. */
  closing: string;
};

// Rows per page. Deals load their linked contacts with an IN list of the page's ids, and D1
// binds at most 100 parameters per statement, so a deal page stays under that.
export const pageSizes: Record<ExportEntity, number> = { contacts: 500, companies: 500, deals: 90 };

/**
 * Validates stored or posted filters (strings, as the list takes them) with the list's own schema.
 * Unknown names are refused rather than ignored: a typo must not silently export everything.
 */
export function parseFilters(entity: ExportEntity, filters: Record<string, string>, pointerBase: string | null): ParsedFilters {
  const fail = (errors: FieldError[]) => problems.validation(errors, "The filters are not ones the list takes.");
  const toField = (error: FieldError): FieldError =>
    pointerBase === null ? error : { pointer: `${pointerBase}${error.pointer ?? ""}`, ...(error.code ? { code: error.code } : {}), detail: error.detail };
  switch (entity) {
    case "contacts": {
      const result = exportFilterSchemas.contacts.strict().safeParse(filters);
      if (!result.success) throw fail(fieldErrorsFrom(result.error, pointerBase === null ? "query" : "json").map(toField));
      return { entity, filters: result.data };
    }
    case "companies": {
      const result = exportFilterSchemas.companies.strict().safeParse(filters);
      if (!result.success) throw fail(fieldErrorsFrom(result.error, pointerBase === null ? "query" : "json").map(toField));
      return { entity, filters: result.data };
    }
    case "deals": {
      const result = exportFilterSchemas.deals.strict().safeParse(filters);
      if (!result.success) throw fail(fieldErrorsFrom(result.error, pointerBase === null ? "query" : "json").map(toField));
      return { entity, filters: result.data };
    }
  }
}

/** The filter names of an entity's list, to pick them out of a query string. */
export function filterNames(entity: ExportEntity): string[] {
  return Object.keys(exportFilterSchemas[entity].shape);
}

/** Owners' names (members of the workspace) and, for deals, pipeline and stage names: one query each. */
export async function loadLookups(db: Database, workspaceId: string, entity: ExportEntity): Promise<ExportLookups> {
  const people = new Map<string, Person>();
  const members = await db
    .select({ id: users.id, name: users.name, email: users.email })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(eq(memberships.workspaceId, workspaceId));
  for (const member of members) people.set(member.id, { name: member.name, email: member.email });
  if (entity !== "deals") return { ...emptyLookups, people };

  const stageMap = new Map<string, StageRef>();
  const pipelineMap = new Map<string, string>();
  const rows = await db
    .select({ stageId: stages.id, stageName: stages.name, pipelineId: pipelines.id, pipelineName: pipelines.name })
    .from(stages)
    .innerJoin(pipelines, and(eq(pipelines.id, stages.pipelineId), eq(pipelines.workspaceId, workspaceId)))
    .where(eq(stages.workspaceId, workspaceId));
  for (const row of rows) {
    stageMap.set(row.stageId, { name: row.stageName, pipelineName: row.pipelineName });
    pipelineMap.set(row.pipelineId, row.pipelineName);
  }
  return { people, stages: stageMap, pipelines: pipelineMap };
}

function framed<T>(
  format: ExportFormat,
  columns: readonly CsvColumn<T>[],
  count: (cap: number) => Promise<number>,
  list: (cursor: string | undefined, limit: number) => Promise<{ data: T[]; next_cursor: string | null }>,
  delimiter: CsvDelimiter,
): ExportSource {
  const render = format === "csv" ? (row: T) => csvRow(columns, row, delimiter) : (row: T) => JSON.stringify(row);
  return {
    count,
    async page(cursor, limit) {
      const page = await list(cursor ?? undefined, limit);
      return { records: page.data.map(render), next_cursor: page.next_cursor };
    },
    opening: format === "csv" ? csvBom + csvHeader(columns, delimiter) : "[\n",
    separator: format === "csv" ? "" : ",\n",
    closing: format === "csv" ? "" : "\n]\n",
  };
}

/** The rows of one export, read through the entity's list service. */
export function exportSource(db: Database, workspaceId: string, parsed: ParsedFilters, format: ExportFormat, lookups: ExportLookups, now: number, delimiter: CsvDelimiter = ","): ExportSource {
  switch (parsed.entity) {
    case "contacts": {
      const filters = parsed.filters;
      return framed(
        format,
        contactColumns(lookups),
        (cap) => countContactsUpTo(db, workspaceId, filters, now, cap),
        (cursor, limit) => listContacts(db, workspaceId, { ...filters, limit, cursor }, now),
        delimiter,
      );
    }
    case "companies": {
      const filters = parsed.filters;
      return framed(
        format,
        companyColumns(lookups),
        (cap) => countCompaniesUpTo(db, workspaceId, filters, now, cap),
        (cursor, limit) => listCompanies(db, workspaceId, { ...filters, limit, cursor }, now),
        delimiter,
      );
    }
    case "deals": {
      const filters = parsed.filters;
      return framed(
        format,
        dealColumns(lookups),
        (cap) => countDealsUpTo(db, workspaceId, filters, cap),
        (cursor, limit) => listDeals(db, workspaceId, { ...filters, limit, cursor }),
        delimiter,
      );
    }
  }
}
