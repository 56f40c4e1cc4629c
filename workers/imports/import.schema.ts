import { z } from "@hono/zod-openapi";
import { importMatchModes, importRowOutcomes, jobStatuses, lifecycleStages } from "../db/schema";
import { TimestampField } from "../http/fields";
import { PageQuery } from "../http/pagination";
import { importEncodings } from "./decode";
import { importFields } from "./header-mapping";

const mappingTargets = [...importFields, "ignore"] as const;

export const RowErrorSchema = z
  .object({
    pointer: z.string().openapi({ description: 'JSON pointer into the contact the row becomes ("/emails/0"); "" for the row as a whole.' }),
    code: z.string().openapi({ example: "invalid_email" }),
    message: z.string().openapi({ example: 'Column "El. paštas": Enter a valid email address. ("jonas@")' }),
  })
  .openapi("ImportRowError");

export const ImportCountsSchema = z
  .object({ created: z.number().int(), updated: z.number().int(), skipped: z.number().int(), invalid: z.number().int(), duplicates: z.number().int() })
  .openapi("ImportCounts");

export const ImportSchema = z
  .object({
    id: z.string(),
    file_name: z.string(),
    size_bytes: z.number().int(),
    encoding: z.enum(importEncodings),
    delimiter: z.string(),
    headers: z.array(z.string()),
    mapping: z.record(z.string(), z.enum(mappingTargets)),
    on_match: z.enum(importMatchModes),
    dry_run: z.boolean(),
    status: z.enum(jobStatuses),
    total_rows: z.number().int(),
    processed_rows: z.number().int(),
    counts: ImportCountsSchema,
    error: z.string().nullable(),
    created_by: z.string().nullable(),
    created_at: TimestampField,
    started_at: TimestampField.nullable(),
    finished_at: TimestampField.nullable(),
    undone_at: TimestampField.nullable(),
    undo_until: TimestampField.nullable().openapi({ description: "Until when POST /imports/{id}/undo works (7 days after a real import finished)." }),
  })
  .openapi("Import");

export const ImportPageSchema = z.object({ data: z.array(ImportSchema), next_cursor: z.string().nullable() }).openapi("ImportPage");

export const PreviewContactSchema = z
  .object({
    first_name: z.string().nullable(),
    last_name: z.string().nullable(),
    emails: z.array(z.string()),
    phones: z.array(z.string()).openapi({ description: "E.164" }),
    job_title: z.string().nullable(),
    city: z.string().nullable(),
    country: z.string().nullable(),
    tags: z.array(z.string()),
    lifecycle_stage: z.enum(lifecycleStages).nullable(),
    owner_id: z.string().nullable(),
    company_name: z.string().nullable(),
    notes: z.string().nullable(),
  })
  .openapi("ImportPreviewContact");

export const ImportPreviewSchema = z
  .object({
    file_name: z.string(),
    size_bytes: z.number().int(),
    encoding: z.enum(importEncodings),
    encoding_detected: z.boolean(),
    encoding_ambiguous: z.boolean(),
    encoding_candidates: z.array(z.object({ encoding: z.string(), score: z.number() })),
    delimiter: z.string(),
    headers: z.array(z.string()),
    suggested_mapping: z.record(z.string(), z.enum(mappingTargets)),
    mapping: z.record(z.string(), z.enum(mappingTargets)),
    fields: z.array(z.enum(importFields)),
    total_rows: z.number().int(),
    rows: z.array(z.object({ row_number: z.number().int(), values: z.array(z.string()), contact: PreviewContactSchema.nullable(), errors: z.array(RowErrorSchema) })),
    warnings: z.array(z.object({ code: z.string(), message: z.string() })).openapi({ description: "What to check before importing: encoding_ambiguous, encoding_mismatch, invalid_characters, unterminated_quote." }),
  })
  .openapi("ImportPreview");

export const ImportRowSchema = z
  .object({ row_number: z.number().int(), outcome: z.enum(importRowOutcomes), contact_id: z.string().nullable(), errors: z.array(RowErrorSchema) })
  .openapi("ImportRow");

export const ImportRowPageSchema = z.object({ data: z.array(ImportRowSchema), next_cursor: z.string().nullable() }).openapi("ImportRowPage");

export const ImportRowsQuery = PageQuery.extend({
  outcome: z.enum(importRowOutcomes).optional().openapi({ param: { name: "outcome", in: "query" } }),
});

// The multipart body, documented by hand: the routes read it themselves (workers/imports/upload.ts)
// so that a 50 MB file is not copied into a FormData first.
export const uploadBodyDoc = (withRunOptions: boolean) => ({
  required: true,
  content: {
    "multipart/form-data": {
      schema: {
        type: "object" as const,
        required: ["file"],
        properties: {
          file: { type: "string" as const, format: "binary", description: "The CSV file, at most 50 MB." },
          encoding: { type: "string" as const, enum: ["auto", ...importEncodings], default: "auto" },
          delimiter: { type: "string" as const, enum: [";", ",", "tab"], description: "Detected when not given." },
          mapping: { type: "string" as const, description: 'JSON object: column header → field or "ignore". Default: the suggested mapping.' },
          ...(withRunOptions
            ? {
                dry_run: { type: "string" as const, enum: ["true", "false"], default: "false" },
                on_match: { type: "string" as const, enum: [...importMatchModes], default: "update_empty" },
              }
            : {}),
        },
      },
    },
  },
});

export type Import = z.infer<typeof ImportSchema>;
export type ImportPreview = z.infer<typeof ImportPreviewSchema>;
export type ImportRowItem = z.infer<typeof ImportRowSchema>;
export type ImportRowsInput = z.infer<typeof ImportRowsQuery>;
