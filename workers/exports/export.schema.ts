import { z } from "@hono/zod-openapi";
import { CompanyListQuery } from "../companies/company.schema";
import { ContactListQuery } from "../contacts/contact.schema";
import { csvDelimiterNames, exportEntities, exportFormats, jobStatuses, type ExportEntity } from "../db/schema";
import { DealListQuery } from "../deals/deal.schema";
import { TimestampField } from "../http/fields";
import { pageOf, PageQuery } from "../http/pagination";

// An export takes exactly the list endpoint's filters (the same zod schemas, minus paging), so
// "export what I see" cannot drift from the list.

export const ContactExportFilters = ContactListQuery.omit({ limit: true, cursor: true });
export const CompanyExportFilters = CompanyListQuery.omit({ limit: true, cursor: true });
export const DealExportFilters = DealListQuery.omit({ limit: true, cursor: true });

export const exportFilterSchemas = {
  contacts: ContactExportFilters,
  companies: CompanyExportFilters,
  deals: DealExportFilters,
} as const satisfies Record<ExportEntity, z.ZodType>;

export type ContactExportFilterInput = z.infer<typeof ContactExportFilters>;
export type CompanyExportFilterInput = z.infer<typeof CompanyExportFilters>;
export type DealExportFilterInput = z.infer<typeof DealExportFilters>;

const FormatField = z.enum(exportFormats).default("csv").openapi({ param: { name: "format", in: "query" }, description: "csv (RFC 4180, UTF-8 with BOM) or json (an array of the API's records)." });

const DelimiterField = z
  .enum(csvDelimiterNames)
  .default("comma")
  .openapi({ param: { name: "delimiter", in: "query" }, description: "CSV only: comma (RFC 4180) or semicolon, which Excel expects in Lithuanian, Latvian, Slovenian and Russian locales." });

export const ContactExportQuery = ContactExportFilters.extend({ format: FormatField, delimiter: DelimiterField });
export const CompanyExportQuery = CompanyExportFilters.extend({ format: FormatField, delimiter: DelimiterField });
export const DealExportQuery = DealExportFilters.extend({ format: FormatField, delimiter: DelimiterField });

/** The list's query parameters as strings, exactly as the list endpoint takes them ("true", "-created_at", ISO times). */
export const ExportFiltersField = z
  .record(z.string().max(64), z.string().max(500))
  .refine((filters) => Object.keys(filters).length <= 30, "At most 30 filters.")
  .openapi({ description: "The list endpoint's own query parameters (without limit and cursor), as strings.", example: { lifecycle_stage: "customer", tag: "vip" } });

export const ExportCreate = z
  .object({
    entity: z.enum(exportEntities),
    format: z.enum(exportFormats).default("csv"),
    delimiter: z.enum(csvDelimiterNames).default("comma").openapi({ description: "CSV only: comma or semicolon (Excel in LT/LV/SI/RU locales)." }),
    filters: ExportFiltersField.default({}),
  })
  .strict()
  .openapi("ExportCreate");

export const ExportSchema = z
  .object({
    id: z.string(),
    entity: z.enum(exportEntities),
    format: z.enum(exportFormats),
    delimiter: z.enum(csvDelimiterNames),
    filters: z.record(z.string(), z.string()),
    status: z.enum(jobStatuses),
    row_count: z.number().int(),
    byte_size: z.number().int(),
    error: z.string().nullable().openapi({ description: "Why a failed export failed." }),
    created_by: z.string().nullable(),
    created_at: TimestampField,
    finished_at: TimestampField.nullable(),
    expires_at: TimestampField.openapi({ description: "The file is deleted after this time (7 days after the export was asked for)." }),
    download_url: z.string().nullable().openapi({ description: "Where to download the file once it is done and until it expires." }),
  })
  .openapi("Export");

export const ExportPage = pageOf(ExportSchema, "ExportPage");
export const ExportListQuery = PageQuery;

export type Export = z.infer<typeof ExportSchema>;
export type ExportCreateInput = z.infer<typeof ExportCreate>;
