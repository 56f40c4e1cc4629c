import { and, desc, eq, inArray, lt, sql } from "drizzle-orm";
import { auditInsert } from "../audit/audit.service";
import { hasRole, type Principal } from "../auth/principal";
import type { Database } from "../db/client";
import { newId } from "../db/ids";
import { exportChunks, exports as exportJobs, type CsvDelimiterName, type ExportEntity } from "../db/schema";
import { isoTime } from "../http/fields";
import { idCursor, toPage } from "../http/pagination";
import { ProblemError, problems } from "../http/problem";
import { publishToWorkspace } from "../hub/publish";
import { sendJobs } from "../jobs/enqueue";
import type { ServiceContext } from "../lib/service-context";
import { exportSource, loadLookups, pageSizes, parseFilters, type ExportFormat, type ExportSource, type ParsedFilters } from "./export-source";
import { emptyLookups } from "./columns";
import { csvDelimiters } from "./csv";
import type { Export, ExportCreateInput } from "./export.schema";

// Exports: a direct download streamed from the list services (up to directExportMaxRows), or a
// job that writes the file into export_chunks page by page and is downloaded from there.
// Every export is personal data leaving the system, so each one (and each download of a stored
// one) writes an audit entry.

export const directExportMaxRows = 10_000;
/** A stored export lives in D1 (chunks of at most chunkMaxBytes); this bounds one export's size. */
export const jobExportMaxRows = 250_000;
export const exportLifetimeMs = 7 * 24 * 60 * 60 * 1000;
/** Below D1's 2 MB value limit with room to spare. */
export const chunkMaxBytes = 900_000;

type ExportRow = typeof exportJobs.$inferSelect;

// ---- shaping -----------------------------------------------------------------------------------

const storedFilters = (row: ExportRow): Record<string, string> => {
  const parsed: unknown = JSON.parse(row.filters);
  const out: Record<string, string> = {};
  if (parsed && typeof parsed === "object") {
    for (const [key, value] of Object.entries(parsed)) if (typeof value === "string") out[key] = value;
  }
  return out;
};

export function downloadPath(id: string): string {
  return `/api/v1/exports/${id}/download`;
}

export function toExport(row: ExportRow, now: number): Export {
  return {
    id: row.id,
    entity: row.entity,
    format: row.format,
    delimiter: row.delimiter,
    filters: storedFilters(row),
    status: row.status,
    row_count: row.rowCount,
    byte_size: row.byteSize,
    error: row.error,
    created_by: row.createdBy,
    created_at: isoTime(row.createdAt),
    finished_at: isoTime(row.finishedAt),
    expires_at: isoTime(row.expiresAt),
    download_url: row.status === "done" && row.expiresAt > now ? downloadPath(row.id) : null,
  };
}

/** `contacts-2026-11-22.csv`: the entity, the UTC date the data was read, the format. */
export function exportFileName(entity: ExportEntity, format: ExportFormat, at: number): string {
  return `${entity}-${new Date(at).toISOString().slice(0, 10)}.${format}`;
}

export function exportHeaders(entity: ExportEntity, format: ExportFormat, at: number): Headers {
  return new Headers({
    "content-type": format === "csv" ? "text/csv; charset=utf-8; header=present" : "application/json; charset=utf-8",
    "content-disposition": `attachment; filename="${exportFileName(entity, format, at)}"`,
    // Personal data: no shared cache may keep it.
    "cache-control": "private, no-store",
  });
}

export function tooLarge(entity: ExportEntity, format: ExportFormat, filters: Record<string, string>, max: number, delimiter: CsvDelimiterName = "comma"): ProblemError {
  return new ProblemError({
    status: 422,
    code: "export_too_large",
    title: "Export too large",
    detail: `More than ${max.toLocaleString("en")} ${entity} match; start an export job with POST /api/v1/exports and download the file when it is ready.`,
    extensions: { max_rows: max, export_job: { method: "POST", href: "/api/v1/exports", body: { entity, format, delimiter, filters } } },
  });
}

// ---- rendering -------------------------------------------------------------------------------

/** The text of one page: its records, each after a separator unless it is the file's first. */
function pageText(source: ExportSource, records: readonly string[], rowsBefore: number): string {
  let text = "";
  records.forEach((record, index) => {
    text += (rowsBefore + index > 0 ? source.separator : "") + record;
  });
  return text;
}

const encoder = new TextEncoder();

/** Cuts text into pieces of at most maxBytes UTF-8 bytes, at record boundaries where it can. */
export function splitPieces(parts: readonly string[], maxBytes: number): { text: string; bytes: number }[] {
  const pieces: { text: string; bytes: number }[] = [];
  let text = "";
  let bytes = 0;
  for (const part of parts) {
    const size = encoder.encode(part).byteLength;
    if (bytes > 0 && bytes + size > maxBytes) {
      pieces.push({ text, bytes });
      text = "";
      bytes = 0;
    }
    text += part;
    bytes += size;
  }
  if (bytes > 0 || pieces.length === 0) pieces.push({ text, bytes });
  return pieces;
}

/** Streams the export straight from the list service, one keyset page per pull, at most maxRows rows. */
export function streamExport(source: ExportSource, pageSize: number, maxRows: number): ReadableStream<Uint8Array> {
  let cursor: string | null = null;
  let written = 0;
  let opened = false;
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        if (!opened) {
          opened = true;
          controller.enqueue(encoder.encode(source.opening));
          return;
        }
        const room = maxRows - written;
        const page = room > 0 ? await source.page(cursor, Math.min(pageSize, room)) : { records: [], next_cursor: null };
        if (page.records.length > 0) controller.enqueue(encoder.encode(pageText(source, page.records, written)));
        written += page.records.length;
        cursor = page.next_cursor;
        if (cursor === null || written >= maxRows) {
          if (source.closing) controller.enqueue(encoder.encode(source.closing));
          controller.close();
        }
      },
    },
    { highWaterMark: 0 },
  );
}

// ---- direct export -----------------------------------------------------------------------------

export type DirectExport = { stream: ReadableStream<Uint8Array>; headers: Headers; rowCount: number };

/**
 * Counts first (at most max + 1 index entries), so a too-large export is a 422 before a byte is
 * sent, then writes the audit entry and hands back the stream.
 */
export async function startDirectExport(
  ctx: ServiceContext,
  parsed: ParsedFilters,
  rawFilters: Record<string, string>,
  format: ExportFormat,
  delimiter: CsvDelimiterName = "comma",
  max = directExportMaxRows,
): Promise<DirectExport> {
  const workspaceId = ctx.actor.workspaceId;
  const lookups = await loadLookups(ctx.db, workspaceId, parsed.entity);
  const source = exportSource(ctx.db, workspaceId, parsed, format, lookups, ctx.now, csvDelimiters[delimiter]);
  const rowCount = await source.count(max);
  if (rowCount > max) throw tooLarge(parsed.entity, format, rawFilters, max, delimiter);
  await auditInsert(ctx, {
    action: "export.downloaded",
    entityType: "export",
    entityId: newId("export", ctx.now),
    before: null,
    after: { entity: parsed.entity, format, filters: rawFilters, row_count: rowCount, mode: "direct" },
  });
  return { stream: streamExport(source, pageSizes[parsed.entity], max), headers: exportHeaders(parsed.entity, format, ctx.now), rowCount };
}

// ---- stored exports --------------------------------------------------------------------------

/** Admins and owners see every export of the workspace; everyone else (and every API key) only their own. */
function visibleTo(principal: Principal) {
  const inWorkspace = eq(exportJobs.workspaceId, principal.workspaceId);
  return principal.kind === "user" && hasRole(principal.role, "admin") ? inWorkspace : and(inWorkspace, eq(exportJobs.createdBy, principal.id));
}

async function getExportRow(db: Database, principal: Principal, id: string): Promise<ExportRow> {
  const [row] = await db
    .select()
    .from(exportJobs)
    .where(and(visibleTo(principal), eq(exportJobs.id, id)))
    .limit(1);
  if (!row) throw problems.notFound("export");
  return row;
}

export async function getExport(db: Database, principal: Principal, id: string, now: number): Promise<Export> {
  return toExport(await getExportRow(db, principal, id), now);
}

export async function listExports(db: Database, principal: Principal, query: { limit: number; cursor?: string | undefined }, now: number) {
  const after = idCursor(query.cursor);
  const rows = await db
    .select()
    .from(exportJobs)
    .where(and(visibleTo(principal), ...(after !== null ? [lt(exportJobs.id, after)] : [])))
    .orderBy(desc(exportJobs.id))
    .limit(query.limit + 1);
  return toPage(rows, query.limit, (row) => [row.id], (row) => toExport(row, now));
}

export async function createExport(ctx: ServiceContext, env: Env, input: ExportCreateInput): Promise<Export> {
  const parsed = parseFilters(input.entity, input.filters, "/filters");
  const workspaceId = ctx.actor.workspaceId;
  // Refused up front rather than failing half-way: the count reads at most max + 1 index entries.
  const source = exportSource(ctx.db, workspaceId, parsed, input.format, emptyLookups, ctx.now);
  if ((await source.count(jobExportMaxRows)) > jobExportMaxRows) throw tooLarge(input.entity, input.format, input.filters, jobExportMaxRows, input.delimiter);

  const row: ExportRow = {
    id: newId("export", ctx.now),
    workspaceId,
    createdBy: ctx.actor.id,
    entity: input.entity,
    format: input.format,
    delimiter: input.delimiter,
    filters: JSON.stringify(input.filters),
    status: "queued",
    rowCount: 0,
    byteSize: 0,
    chunkCount: 0,
    cursor: null,
    error: null,
    createdAt: ctx.now,
    finishedAt: null,
    expiresAt: ctx.now + exportLifetimeMs,
  };
  await ctx.db.batch([
    ctx.db.insert(exportJobs).values(row),
    auditInsert(ctx, { action: "export.created", entityType: "export", entityId: row.id, before: null, after: { entity: row.entity, format: row.format, filters: input.filters } }),
  ]);
  try {
    await sendJobs(env, [{ type: "export.run", export_id: row.id }]);
  } catch (error) {
    console.error("Export not queued", row.id, error);
    const failed = { status: "failed" as const, error: "The export could not be queued; try again.", finishedAt: ctx.now };
    await ctx.db.update(exportJobs).set(failed).where(eq(exportJobs.id, row.id));
    return toExport({ ...row, ...failed }, ctx.now);
  }
  return toExport(row, ctx.now);
}

/** The stored file as a stream of its chunks, read one at a time; each download is audited. */
export async function downloadExport(ctx: ServiceContext, principal: Principal, id: string): Promise<{ stream: ReadableStream<Uint8Array>; headers: Headers }> {
  const row = await getExportRow(ctx.db, principal, id);
  if (row.expiresAt <= ctx.now) throw problems.gone("export_expired", "This export has expired; start a new one.");
  if (row.status !== "done") {
    throw problems.conflict("export_not_ready", row.status === "failed" ? `This export failed: ${row.error ?? "unknown error"}.` : "This export is still running; download it when its status is done.");
  }
  await auditInsert(ctx, {
    action: "export.downloaded",
    entityType: "export",
    entityId: row.id,
    before: null,
    after: { entity: row.entity, format: row.format, filters: storedFilters(row), row_count: row.rowCount, mode: "job" },
  });
  const db = ctx.db;
  let seq = 0;
  const stream = new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        const [chunk] = await db
          .select({ body: exportChunks.body })
          .from(exportChunks)
          .where(and(eq(exportChunks.exportId, row.id), eq(exportChunks.seq, seq)))
          .limit(1);
        seq += 1;
        if (chunk) controller.enqueue(encoder.encode(chunk.body));
        if (!chunk || seq >= row.chunkCount) controller.close();
      },
    },
    { highWaterMark: 0 },
  );
  const headers = exportHeaders(row.entity, row.format, row.createdAt);
  headers.set("content-length", String(row.byteSize));
  return { stream, headers };
}

// ---- the job -----------------------------------------------------------------------------------

export type RunOptions = {
  /** Rows per page (defaults to the entity's page size). */
  pageSize?: number;
  /** After this long, the run continues in a new message. */
  budgetMs?: number;
  /** The most pages one message writes (bounds D1 queries per invocation). */
  maxPages?: number;
  /** The most rows one export holds. */
  maxRows?: number;
  clock?: () => number;
};

const defaultBudgetMs = 15_000;
const defaultMaxPages = 100;

async function finish(env: Env, row: ExportRow, data: { status: "done" | "failed"; row_count: number; byte_size: number }) {
  await publishToWorkspace(env, row.workspaceId, {
    type: "export.finished",
    id: row.id,
    actor: row.createdBy,
    data: { entity: row.entity, format: row.format, ...data, download_url: data.status === "done" ? downloadPath(row.id) : null },
  });
}

/**
 * One step of an export job: pages from the row's cursor go into export_chunks. Each page is one
 * batch that inserts its chunks and moves the cursor, and every statement in it is guarded by
 * the chunk count it started from, so a redelivered or concurrent message that lost the race
 * writes nothing. After the time budget the run continues in a new message.
 */
export async function runExport(env: Env, db: Database, exportId: string, now: number, options: RunOptions = {}): Promise<void> {
  const clock = options.clock ?? Date.now;
  const started = clock();
  const budgetMs = options.budgetMs ?? defaultBudgetMs;
  const maxPages = options.maxPages ?? defaultMaxPages;
  const maxRows = options.maxRows ?? jobExportMaxRows;

  const [initial] = await db.select().from(exportJobs).where(eq(exportJobs.id, exportId)).limit(1);
  if (!initial || initial.status === "done" || initial.status === "failed") return;
  let row = initial;

  let parsed: ParsedFilters;
  try {
    parsed = parseFilters(row.entity, storedFilters(row), "/filters");
  } catch (error) {
    // Filters stored by an older version that the list no longer takes: retrying cannot help.
    const detail = error instanceof ProblemError ? error.problem.detail : "The stored filters are not valid.";
    await db.update(exportJobs).set({ status: "failed", error: detail, finishedAt: now, cursor: null }).where(eq(exportJobs.id, row.id));
    await finish(env, row, { status: "failed", row_count: row.rowCount, byte_size: row.byteSize });
    return;
  }
  const lookups = await loadLookups(db, row.workspaceId, row.entity);
  const source = exportSource(db, row.workspaceId, parsed, row.format, lookups, now, csvDelimiters[row.delimiter]);
  const pageSize = options.pageSize ?? pageSizes[row.entity];

  for (let pages = 0; ; pages += 1) {
    if (pages >= maxPages || clock() - started >= budgetMs) {
      await sendJobs(env, [{ type: "export.run", export_id: row.id }]);
      return;
    }
    const first = row.chunkCount === 0;
    const room = maxRows - row.rowCount;
    const page = room > 0 ? await source.page(row.cursor, Math.min(pageSize, room)) : { records: [], next_cursor: null };
    const rowCount = row.rowCount + page.records.length;
    const done = page.next_cursor === null || rowCount >= maxRows;
    const parts = [...(first ? [source.opening] : []), ...page.records.map((record, index) => (row.rowCount + index > 0 ? source.separator : "") + record), ...(done ? [source.closing] : [])];
    const pieces = splitPieces(parts, chunkMaxBytes);
    const byteSize = row.byteSize + pieces.reduce((sum, piece) => sum + piece.bytes, 0);
    const chunkCount = row.chunkCount + pieces.length;
    const cursor = done ? null : page.next_cursor;
    // Every statement is guarded by the state this step started from; the inserts come first
    // because the update changes that state.
    const claimed = and(eq(exportJobs.id, row.id), eq(exportJobs.chunkCount, row.chunkCount), inArray(exportJobs.status, ["queued", "running"]));
    const inserts = pieces.map((piece, index) =>
      db.insert(exportChunks).select(
        db
          .select({ exportId: exportJobs.id, seq: sql<number>`${row.chunkCount + index}`.as("seq"), body: sql<string>`${piece.text}`.as("body") })
          .from(exportJobs)
          .where(claimed),
      ),
    );
    const update = db
      .update(exportJobs)
      .set({ status: done ? "done" : "running", rowCount, byteSize, chunkCount, cursor, finishedAt: done ? clock() : null })
      .where(claimed);
    const [firstInsert, ...otherInserts] = inserts;
    await (firstInsert ? db.batch([firstInsert, ...otherInserts, update]) : db.batch([update]));
    // Read back whether this step won: another delivery may have written the same page first.
    const [current] = await db.select().from(exportJobs).where(eq(exportJobs.id, row.id)).limit(1);
    if (!current || current.chunkCount !== chunkCount || current.rowCount !== rowCount) return;
    row = current;
    if (done) {
      await finish(env, row, { status: "done", row_count: row.rowCount, byte_size: row.byteSize });
      return;
    }
  }
}

// ---- housekeeping ------------------------------------------------------------------------------

/** Deletes exports past their expiry and their chunks (maintenance.purge; deleting twice is harmless). */
export async function purgeExpiredExports(db: Database, now: number): Promise<void> {
  const expired = db.select({ id: exportJobs.id }).from(exportJobs).where(lt(exportJobs.expiresAt, now));
  await db.batch([db.delete(exportChunks).where(inArray(exportChunks.exportId, expired)), db.delete(exportJobs).where(lt(exportJobs.expiresAt, now))]);
}
