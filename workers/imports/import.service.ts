import { and, desc, eq, gt, lt, sql, type SQL } from "drizzle-orm";
import type { BatchItem } from "drizzle-orm/batch";
import { z } from "zod";
import { diffSnapshots } from "../audit/diff";
import { contactSnapshot, emailsOf, phonesOf, tagsOf, type ContactRow } from "../contacts/contact.mapper";
import { nationalOf } from "../contacts/contact.service";
import { contactNameSort, searchDocument, workspaceToken } from "../contacts/normalize";
import type { Database } from "../db/client";
import { constraintMessage } from "../db/errors";
import { isVersionConflict } from "../db/version-guard";
import { newId } from "../db/ids";
import { companies, contacts, importChunks, importRows, imports, memberships, users } from "../db/schema";
import { isoTime } from "../http/fields";
import { encodeCursor, idCursor, decodeCursor } from "../http/pagination";
import { problems } from "../http/problem";
import type { ServiceContext } from "../lib/service-context";
import { getWorkspaceRow } from "../workspaces/workspace.service";
import { importEncodings, preferredEncodingFor, type ImportEncoding } from "./decode";
import { assertImportable, cutChunks, prepareFile, type PreparedFile } from "./file";
import { importFields, type MappingTarget } from "./header-mapping";
import type { Import, ImportPreview, ImportRowItem, ImportRowsInput } from "./import.schema";
import { iterateRows, parseChunk, type CsvIssue } from "./parse";
import { jsonParts } from "./json-parts";
import { rawBatch } from "./raw-batch";
import { mapRow, memberDirectory, previewContact, type Column, type RowError } from "./row-mapping";
import type { Upload } from "./upload";

export type ImportRow = typeof imports.$inferSelect;

/** How long a finished import can be undone. */
export const undoWindowMs = 7 * 24 * 60 * 60 * 1000;
const previewRows = 20;

// ---- stored values -----------------------------------------------------------------------------

const storedHeaders = z.array(z.string());
const mappingTargets = z.enum([...importFields, "ignore"]);
const storedMapping = z.record(z.string(), mappingTargets);
const storedErrors = z.array(z.object({ pointer: z.string(), code: z.string(), message: z.string() }));

export function parseStoredHeaders(text: string): string[] {
  return storedHeaders.parse(JSON.parse(text));
}

export function parseStoredMapping(text: string): Record<string, MappingTarget> {
  return storedMapping.parse(JSON.parse(text));
}

export function columnsOf(headers: readonly string[], mapping: Record<string, MappingTarget>): Column[] {
  return headers.flatMap((header, index): Column[] => {
    const field = mapping[header];
    return field && field !== "ignore" ? [{ index, header, field }] : [];
  });
}

export function countsOf(row: ImportRow) {
  return { created: row.createdCount, updated: row.updatedCount, skipped: row.skippedCount, invalid: row.invalidCount, duplicates: row.duplicateCount };
}

/** Where the web client shows an import (the notification links there). */
export function importLink(id: string): string {
  return `/contacts/import?id=${id}`;
}

function encodingOf(value: string): ImportEncoding {
  return (importEncodings as readonly string[]).includes(value) ? (value as ImportEncoding) : "utf-8";
}

export function toImport(row: ImportRow): Import {
  const undoable = !row.dryRun && row.finishedAt !== null && row.undoneAt === null && (row.status === "done" || row.status === "failed");
  return {
    id: row.id,
    file_name: row.fileName,
    size_bytes: row.sizeBytes,
    encoding: encodingOf(row.encoding),
    delimiter: row.delimiter,
    headers: parseStoredHeaders(row.headers),
    mapping: parseStoredMapping(row.mapping),
    on_match: row.onMatch,
    dry_run: row.dryRun,
    status: row.status,
    total_rows: row.totalRows,
    processed_rows: row.processedRows,
    counts: countsOf(row),
    error: row.error,
    created_by: row.createdBy,
    created_at: isoTime(row.createdAt),
    started_at: isoTime(row.startedAt),
    finished_at: isoTime(row.finishedAt),
    undone_at: isoTime(row.undoneAt),
    undo_until: undoable && row.finishedAt !== null ? isoTime(row.finishedAt + undoWindowMs) : null,
  };
}

// ---- preview -------------------------------------------------------------------------------------

async function membersOf(db: Database, workspaceId: string) {
  return db
    .select({ userId: memberships.userId, email: users.email, name: users.name })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(eq(memberships.workspaceId, workspaceId));
}

async function prepare(db: Database, workspaceId: string, upload: Upload): Promise<{ file: PreparedFile; country: string }> {
  const workspace = await getWorkspaceRow(db, workspaceId);
  const file = prepareFile(upload.bytes, upload.options, preferredEncodingFor(workspace.defaultPhoneCountry));
  return { file, country: workspace.defaultPhoneCountry };
}

/** What the file would become: its encoding, header, mapping and first rows. Stores nothing. */
export async function previewImport(db: Database, workspaceId: string, upload: Upload): Promise<ImportPreview> {
  const [{ file, country }, members] = await Promise.all([prepare(db, workspaceId, upload), membersOf(db, workspaceId)]);
  const text = file.decoded.text;
  const head = parseChunk(text, { delimiter: file.delimiter, from: file.start, maxRows: previewRows });
  const ctx = { defaultCountry: country, members: memberDirectory(members) };
  const issuesOf = (row: number) => head.issues.filter((issue) => issue.row === row);
  const rows = head.rows.map((row) => {
    const mapped = mapRow(row, issuesOf(row.row), file.columns, file.headers.length, ctx);
    return { row_number: row.row, values: row.fields, contact: mapped.contact ? previewContact(mapped.contact) : null, errors: mapped.errors };
  });
  // Every row is read once to count them; a quote that never closes is worth saying up front.
  let total = 0;
  let unterminated: CsvIssue | undefined;
  for (const chunk of iterateRows(text, { delimiter: file.delimiter, from: file.start, chunkRows: 5000 })) {
    total += chunk.rows.length;
    unterminated ??= chunk.issues.find((issue) => issue.code === "unterminated_quote");
  }
  const warnings = [...file.warnings];
  if (unterminated) {
    warnings.push({ code: "unterminated_quote", message: `Row ${unterminated.row} (line ${unterminated.line}) opens a quote that never closes: the rest of the file would be one cell.` });
  }
  return {
    file_name: upload.fileName,
    size_bytes: upload.bytes.length,
    encoding: file.decoded.encoding,
    encoding_detected: file.decoded.source !== "explicit",
    encoding_ambiguous: file.decoded.ambiguous,
    encoding_candidates: file.candidates,
    delimiter: file.delimiter,
    headers: file.headers,
    suggested_mapping: file.suggested,
    mapping: file.mapping,
    fields: [...importFields],
    total_rows: total,
    rows,
    warnings,
  };
}

// ---- upload ----------------------------------------------------------------------------------------

/** Chunks stored per D1 batch: a few MB of text per round trip. */
const chunkBatchBytes = 4_000_000;

/**
 * Checks and stores an upload as a queued import: the file is decoded and read whole once (a
 * file that cannot be imported is a 4xx here and nothing is stored), cut into chunks and saved
 * with the imports row; `enqueue` then sends import.run.
 */
export async function createImport(ctx: ServiceContext, upload: Upload, enqueue: (importId: string) => Promise<void>): Promise<Import> {
  const workspaceId = ctx.actor.workspaceId;
  const { file } = await prepare(ctx.db, workspaceId, upload);
  assertImportable(file, upload.encodingGiven);
  const { chunks, totalRows } = cutChunks(file.decoded.text, file.start, file.delimiter);
  if (totalRows === 0) {
    throw problems.unprocessable("no_rows", "The file has a header but no rows to import.", [{ pointer: "/file", code: "no_rows", detail: "The file has a header but no rows to import." }]);
  }
  const row: ImportRow = {
    id: newId("import", ctx.now),
    workspaceId,
    createdBy: ctx.actor.id,
    fileName: upload.fileName,
    sizeBytes: upload.bytes.length,
    encoding: file.decoded.encoding,
    delimiter: file.delimiter,
    headers: JSON.stringify(file.headers),
    mapping: JSON.stringify(file.mapping),
    onMatch: upload.onMatch,
    dryRun: upload.dryRun,
    status: "queued",
    totalRows,
    processedRows: 0,
    createdCount: 0,
    updatedCount: 0,
    skippedCount: 0,
    invalidCount: 0,
    duplicateCount: 0,
    chunkCount: chunks.length,
    error: null,
    failures: 0,
    createdAt: ctx.now,
    updatedAt: ctx.now,
    startedAt: null,
    finishedAt: null,
    undoneAt: null,
    undoneBy: null,
  };
  // The imports row goes first (the chunks reference it); the message only after every chunk.
  const batches: BatchItem<"sqlite">[][] = [[ctx.db.insert(imports).values(row)]];
  let size = 0;
  for (const chunk of chunks) {
    const bytes = chunk.text.length * 2;
    const current = batches.at(-1) ?? [];
    if (size + bytes > chunkBatchBytes && current.length > 0) {
      batches.push([]);
      size = 0;
    }
    batches.at(-1)?.push(ctx.db.insert(importChunks).values({ importId: row.id, seq: chunk.seq, firstRow: chunk.firstRow, firstLine: chunk.firstLine, rowCount: chunk.rowCount, text: chunk.text }));
    size += bytes;
  }
  try {
    for (const [first, ...rest] of batches) if (first) await ctx.db.batch([first, ...rest]);
    await enqueue(row.id);
  } catch (error) {
    // Nothing half-stored stays "queued": the import says it failed, and the error is logged.
    await ctx.db
      .update(imports)
      .set({ status: "failed", error: "The file could not be stored; upload it again.", finishedAt: ctx.now, updatedAt: ctx.now })
      .where(eq(imports.id, row.id))
      .catch(() => undefined);
    throw error;
  }
  return toImport(row);
}

// ---- reading ---------------------------------------------------------------------------------------

export async function getImportRow(db: Database, workspaceId: string, id: string): Promise<ImportRow> {
  const [row] = await db
    .select()
    .from(imports)
    .where(and(eq(imports.workspaceId, workspaceId), eq(imports.id, id)))
    .limit(1);
  if (!row) throw problems.notFound("import");
  return row;
}

export async function getImport(db: Database, workspaceId: string, id: string): Promise<Import> {
  return toImport(await getImportRow(db, workspaceId, id));
}

/** Newest first, keyset on the id (imports_workspace_idx). */
export async function listImports(db: Database, workspaceId: string, query: { limit: number; cursor?: string | undefined }) {
  const after = idCursor(query.cursor);
  const rows = await db
    .select()
    .from(imports)
    .where(and(eq(imports.workspaceId, workspaceId), ...(after ? [lt(imports.id, after)] : [])))
    .orderBy(desc(imports.id))
    .limit(query.limit + 1);
  const page = rows.slice(0, query.limit);
  const last = page.at(-1);
  return { data: page.map(toImport), next_cursor: rows.length > query.limit && last ? encodeCursor([last.id]) : null };
}

function toImportRowItem(row: typeof importRows.$inferSelect): ImportRowItem {
  let errors: RowError[] = [];
  if (row.errors) {
    const parsed = storedErrors.safeParse(JSON.parse(row.errors));
    if (parsed.success) errors = parsed.data;
  }
  return { row_number: row.rowNumber, outcome: row.outcome, contact_id: row.contactId, errors };
}

function rowCursor(cursor: string | undefined): number {
  const key = decodeCursor(cursor);
  if (key === null) return 0;
  const [row] = key;
  if (typeof row !== "number") throw problems.validation([{ parameter: "cursor", detail: "This cursor is not one the API returned." }]);
  return row;
}

/** One page of the report in row order: the primary key, or import_rows_outcome_idx with an outcome. */
async function rowsPage(db: Database, importId: string, options: { outcome?: ImportRowItem["outcome"] | undefined; after: number; limit: number }) {
  return db
    .select()
    .from(importRows)
    .where(and(eq(importRows.importId, importId), ...(options.outcome ? [eq(importRows.outcome, options.outcome)] : []), gt(importRows.rowNumber, options.after)))
    .orderBy(importRows.rowNumber)
    .limit(options.limit);
}

export async function listImportRows(db: Database, workspaceId: string, id: string, query: ImportRowsInput) {
  const imp = await getImportRow(db, workspaceId, id);
  const rows = await rowsPage(db, imp.id, { outcome: query.outcome, after: rowCursor(query.cursor), limit: query.limit + 1 });
  const page = rows.slice(0, query.limit);
  const last = page.at(-1);
  return { data: page.map(toImportRowItem), next_cursor: rows.length > query.limit && last ? encodeCursor([last.rowNumber]) : null };
}

/** A cell for a spreadsheet: quoted when needed, and never a formula (=, +, -, @, tab, CR). */
export function csvCell(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n;]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

/** The whole report as CSV (UTF-8 with BOM, CRLF), streamed a thousand rows at a time. */
export async function importReportCsv(db: Database, workspaceId: string, id: string): Promise<{ fileName: string; body: ReadableStream<Uint8Array> }> {
  const imp = await getImportRow(db, workspaceId, id);
  const encoder = new TextEncoder();
  let after = 0;
  let started = false;
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (!started) {
        started = true;
        controller.enqueue(encoder.encode("\uFEFFrow,outcome,contact_id,errors\r\n"));
        return;
      }
      const rows = await rowsPage(db, imp.id, { after, limit: 1000 });
      if (rows.length === 0) {
        controller.close();
        return;
      }
      after = rows.at(-1)?.rowNumber ?? after;
      const lines = rows.map((row) => {
        const item = toImportRowItem(row);
        const errors = item.errors.map((e) => (e.pointer ? `${e.pointer}: ${e.message}` : e.message)).join("; ");
        return [String(item.row_number), item.outcome, item.contact_id ?? "", errors].map(csvCell).join(",");
      });
      controller.enqueue(encoder.encode(`${lines.join("\r\n")}\r\n`));
    },
  });
  const base = imp.fileName.replace(/\.[^.]*$/, "").replace(/[^\p{L}\p{N}._-]+/gu, "_") || "import";
  return { fileName: `${base}-report.csv`, body };
}

// ---- undo --------------------------------------------------------------------------------------------

const storedFilled = z.object({
  version: z.number().int().optional(),
  fields: z.record(z.string(), z.unknown()).optional(),
  company_created: z.string().optional(),
});

/** A sortable audit id made by SQL for rows the statement itself selects (see newId). */
function auditIdSql(now: number) {
  return sql`${newId("audit", now).slice(0, 14)} || lower(hex(randomblob(8)))`;
}

/**
 * Undoes a finished import within 7 days, in one batch: the contacts it created are soft-deleted
 * (unindexed, audited, restorable for 30 days, as DELETE /contacts/{id} does), the companies it
 * created are soft-deleted unless something live still points at them, and the fields it filled
 * in existing contacts are emptied again on contacts nobody changed since (same version).
 */
export async function undoImport(ctx: ServiceContext, id: string): Promise<Import> {
  const workspaceId = ctx.actor.workspaceId;
  const imp = await getImportRow(ctx.db, workspaceId, id);
  if (imp.dryRun) throw problems.conflict("import_dry_run", "A dry run changed nothing, so there is nothing to undo.");
  if (imp.status === "queued" || imp.status === "running") throw problems.conflict("import_running", "The import is still running; undo it when it has finished.");
  if (imp.undoneAt !== null) throw problems.conflict("import_already_undone", "This import has already been undone.");
  if (imp.finishedAt === null || ctx.now > imp.finishedAt + undoWindowMs) throw problems.gone("undo_window_passed", "An import can be undone for 7 days after it finished.");

  const db = ctx.db;
  const actor = ctx.actor.id;
  const created = sql`(SELECT ${importRows.contactId} FROM ${importRows} WHERE ${importRows.importId} = ${id} AND ${importRows.outcome} = 'created')`;
  // By primary key through import_rows_outcome_idx; the unary + keeps the planner off the
  // (workspace_id, …) indexes, which would walk the whole workspace.
  const liveCreated = sql`+workspace_id = ${workspaceId} AND deleted_at IS NULL AND id IN ${created}`;
  const deletedAt = new Date(ctx.now).toISOString();
  const statements: SQL[] = [
    // A second undo racing this one fails the batch (NOT NULL) and answers 409.
    sql`UPDATE imports SET total_rows = NULL WHERE id = ${id} AND undone_at IS NOT NULL`,
    sql`INSERT INTO audit_log (id, workspace_id, actor_type, actor_id, action, entity_type, entity_id, diff, request_id, at)
      SELECT ${auditIdSql(ctx.now)}, workspace_id, ${ctx.actor.type}, ${actor}, 'contact.deleted', 'contact', id,
        json_object('before', json_object('deleted_at', NULL), 'after', json_object('deleted_at', ${deletedAt})), ${ctx.requestId}, ${ctx.now}
      FROM contacts WHERE ${liveCreated}`,
    sql`DELETE FROM contacts_fts WHERE rowid IN (SELECT search_rowid FROM contacts WHERE ${liveCreated})`,
    sql`UPDATE contacts SET deleted_at = ${ctx.now}, updated_at = ${ctx.now}, updated_by = ${actor}, version = version + 1 WHERE ${liveCreated}`,
  ];
  statements.push(...(await revertFills(ctx, id)));
  // Companies the import created, once no live contact or deal points at them any more.
  const createdCompanies = sql`+workspace_id = ${workspaceId} AND deleted_at IS NULL
    AND id IN (SELECT json_extract(filled, '$.company_created') FROM import_rows WHERE import_id = ${id} AND filled IS NOT NULL)
    AND NOT EXISTS (SELECT 1 FROM contacts c WHERE c.workspace_id = companies.workspace_id AND c.company_id = companies.id AND c.deleted_at IS NULL)
    AND NOT EXISTS (SELECT 1 FROM deals d WHERE d.workspace_id = companies.workspace_id AND d.company_id = companies.id AND d.deleted_at IS NULL)`;
  statements.push(
    sql`INSERT INTO audit_log (id, workspace_id, actor_type, actor_id, action, entity_type, entity_id, diff, request_id, at)
      SELECT ${auditIdSql(ctx.now)}, workspace_id, ${ctx.actor.type}, ${actor}, 'company.deleted', 'company', id,
        json_object('before', json_object('deleted_at', NULL), 'after', json_object('deleted_at', ${deletedAt})), ${ctx.requestId}, ${ctx.now}
      FROM companies WHERE ${createdCompanies}`,
    sql`UPDATE companies SET deleted_at = ${ctx.now}, updated_at = ${ctx.now}, updated_by = ${actor}, version = version + 1 WHERE ${createdCompanies}`,
    sql`UPDATE imports SET undone_at = ${ctx.now}, undone_by = ${actor}, updated_at = ${ctx.now} WHERE id = ${id}`,
  );
  await rawBatch(db, statements).catch((error: unknown) => {
    if (constraintMessage(error).includes("imports.total_rows")) throw problems.conflict("import_already_undone", "This import has already been undone.");
    if (isVersionConflict(error)) throw problems.conflict("concurrent_change", "Someone changed one of the contacts at the same moment. Try the undo again.");
    throw error;
  });
  // Answered from what was written (the batch committed as a whole): no read-back.
  return toImport({ ...imp, undoneAt: ctx.now, undoneBy: actor, updatedAt: ctx.now });
}

/** update_empty fills, emptied again where the contact still has the version the import left. */
async function revertFills(ctx: ServiceContext, importId: string): Promise<SQL[]> {
  const db = ctx.db;
  const workspaceId = ctx.actor.workspaceId;
  const rows = await db
    .select({ filled: importRows.filled, contact: contacts, companyName: companies.name })
    .from(importRows)
    .innerJoin(contacts, and(eq(contacts.id, importRows.contactId), eq(contacts.workspaceId, workspaceId)))
    .leftJoin(companies, eq(companies.id, contacts.companyId))
    .where(and(eq(importRows.importId, importId), eq(importRows.outcome, "updated"), sql`${contacts.deletedAt} IS NULL`));
  if (rows.length === 0) return [];
  const workspace = await getWorkspaceRow(db, workspaceId);
  const reverted: { row: ContactRow; next: ContactRow; fields: Set<string>; companyName: string | null }[] = [];
  for (const { filled, contact, companyName } of rows) {
    const parsed = storedFilled.safeParse(JSON.parse(filled ?? "{}"));
    if (!parsed.success || parsed.data.version !== contact.version || !parsed.data.fields) continue;
    const fields = new Set(Object.keys(parsed.data.fields));
    const empty = (field: string) => fields.has(field);
    const emails = empty("emails") ? [] : emailsOf(contact);
    const phones = empty("phones") ? [] : phonesOf(contact);
    const firstName = empty("first_name") ? null : contact.firstName;
    const lastName = empty("last_name") ? null : contact.lastName;
    const primaryEmail = emails[0] ?? null;
    const primaryPhone = phones[0]?.e164 ?? null;
    const next: ContactRow = {
      ...contact,
      firstName,
      lastName,
      nameSort: contactNameSort({ firstName, lastName, email: primaryEmail, phone: primaryPhone }),
      primaryEmail,
      primaryPhone,
      emails: JSON.stringify(emails),
      phones: JSON.stringify(phones),
      companyId: empty("company_id") ? null : contact.companyId,
      jobTitle: empty("job_title") ? null : contact.jobTitle,
      ownerId: empty("owner_id") ? null : contact.ownerId,
      tags: empty("tags") ? "[]" : JSON.stringify(tagsOf(contact)),
      city: empty("city") ? null : contact.city,
      country: empty("country") ? null : contact.country,
      updatedAt: ctx.now,
      updatedBy: ctx.actor.id,
      version: contact.version + 1,
    };
    reverted.push({ row: contact, next, fields, companyName: empty("company_id") ? null : companyName });
  }
  if (reverted.length === 0) return [];
  const ids = reverted.map((r) => r.row.id);
  const withField = (field: string) => reverted.filter((r) => r.fields.has(field)).map((r) => r.row.id);
  const payload = jsonParts(
    reverted.map(({ row, next }) => ({
      id: row.id,
      version: row.version,
      first_name: next.firstName,
      last_name: next.lastName,
      name_sort: next.nameSort,
      primary_email: next.primaryEmail,
      primary_phone: next.primaryPhone,
      emails: next.emails,
      phones: next.phones,
      company_id: next.companyId,
      job_title: next.jobTitle,
      owner_id: next.ownerId,
      tags: next.tags,
      city: next.city,
      country: next.country,
    })),
  );
  const search = jsonParts(
    reverted.map(({ row, next, companyName }) => ({
      id: row.id,
      ...searchDocument({
        workspaceId,
        firstName: next.firstName,
        lastName: next.lastName,
        emails: emailsOf(next),
        phones: nationalOf(phonesOf(next), workspace.defaultPhoneCountry),
        companyName,
      }),
    })),
  );
  const audit = jsonParts(
    reverted.map(({ row, next }) => ({ id: newId("audit", ctx.now), entity_id: row.id, diff: JSON.stringify(diffSnapshots(contactSnapshot(row), contactSnapshot(next))) })),
  );
  const emailsToDrop = jsonParts(reverted.filter((r) => r.fields.has("emails")).flatMap((r) => emailsOf(r.row)));
  const statements: SQL[] = [];
  for (const part of payload) {
    // Reverted only where nobody changed the contact between our read and this batch.
    statements.push(sql`UPDATE contacts SET version = NULL FROM json_each(${part}) u WHERE contacts.id = u.value->>'id' AND contacts.version <> u.value->>'version'`);
  }
  for (const part of payload) {
    statements.push(
      sql`UPDATE contacts SET first_name = u.value->>'first_name', last_name = u.value->>'last_name', name_sort = u.value->>'name_sort',
          primary_email = u.value->>'primary_email', primary_phone = u.value->>'primary_phone', emails = u.value->>'emails', phones = u.value->>'phones',
          company_id = u.value->>'company_id', job_title = u.value->>'job_title', owner_id = u.value->>'owner_id', tags = u.value->>'tags',
          city = u.value->>'city', country = u.value->>'country', updated_by = ${ctx.actor.id}, updated_at = ${ctx.now}, version = contacts.version + 1
        FROM json_each(${part}) u WHERE contacts.id = u.value->>'id'`,
    );
  }
  for (const part of emailsToDrop) statements.push(sql`DELETE FROM contact_emails WHERE workspace_id = ${workspaceId} AND email IN (SELECT value FROM json_each(${part}))`);
  for (const part of jsonParts(withField("phones"))) statements.push(sql`DELETE FROM contact_phones WHERE contact_id IN (SELECT value FROM json_each(${part}))`);
  for (const part of jsonParts(withField("tags"))) statements.push(sql`DELETE FROM contact_tags WHERE contact_id IN (SELECT value FROM json_each(${part}))`);
  for (const part of jsonParts(ids)) {
    statements.push(sql`DELETE FROM contacts_fts WHERE rowid IN (SELECT search_rowid FROM contacts WHERE id IN (SELECT value FROM json_each(${part})))`);
  }
  for (const part of search) {
    statements.push(
      sql`INSERT INTO contacts_fts (rowid, ws, name, email, phone, company)
        SELECT c.search_rowid, ${workspaceToken(workspaceId)}, j.value->>'name', j.value->>'email', j.value->>'phone', j.value->>'company'
        FROM json_each(${part}) j JOIN contacts c ON c.id = j.value->>'id'`,
    );
  }
  for (const part of audit) {
    statements.push(
      sql`INSERT INTO audit_log (id, workspace_id, actor_type, actor_id, action, entity_type, entity_id, diff, request_id, at)
        SELECT j.value->>'id', ${workspaceId}, ${ctx.actor.type}, ${ctx.actor.id}, 'contact.updated', 'contact', j.value->>'entity_id', j.value->>'diff', ${ctx.requestId}, ${ctx.now}
        FROM json_each(${part}) j`,
    );
  }
  return statements;
}

