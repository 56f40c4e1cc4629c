import { and, asc, eq, isNull, sql, type SQL } from "drizzle-orm";
import { z } from "zod";
import { diffSnapshots } from "../audit/diff";
import { contactSnapshot, emailsOf, phonesOf, tagsOf, type ContactRow, type StoredPhone } from "../contacts/contact.mapper";
import { nationalOf } from "../contacts/contact.service";
import { companyNameSort, contactNameSort, searchDocument, workspaceToken } from "../contacts/normalize";
import { createDatabase, type Database } from "../db/client";
import { isUniqueViolation, constraintMessage } from "../db/errors";
import { newId } from "../db/ids";
import { companies, contacts, importChunks, imports, jobStatuses, memberships, users, workspaces, type ImportMatchMode, type ImportRowOutcome } from "../db/schema";
import { isVersionConflict } from "../db/version-guard";
import { publishToWorkspace } from "../hub/publish";
import { sendJobs } from "../jobs/enqueue";
import { notifyUser } from "../notifications/notify";
import { scanAfterImport, suggestAfterChunk } from "./duplicate-suggestions";
import { jsonParts } from "./json-parts";
import { rawBatch } from "./raw-batch";
import { parseChunk, type CsvDelimiter, type CsvIssue } from "./parse";
import { columnsOf, countsOf, importLink, parseStoredHeaders, parseStoredMapping, type ImportRow } from "./import.service";
import { mapRow, memberDirectory, type Column, type MappedRow, type PreparedContact, type RowContext, type RowError } from "./row-mapping";

// The `import.run` job. Chunks are processed in order, each in ONE D1 batch (one transaction):
// its contacts, companies, child rows, search documents, notes and audit entries, its
// import_rows and import_keys, the import's counters and the chunk's processed_at, guarded so
// that a chunk already processed fails the batch instead of being written twice. A redelivered
// message, two deliveries at once, or a consumer that died between two chunks therefore never
// creates anything twice: whatever committed is skipped, whatever did not is done again.
// Every write is INSERT … SELECT … FROM json_each(?): one bound JSON array per statement, so
// D1's 100-parameter limit does not limit rows per statement. Matching is set-based: a chunk
// asks once for all its emails, once for all its phones, once for its company names.

/** After this much wall time a message hands the rest of the import to a new message. */
export const importTimeBudgetMs = 20_000;
/** Consecutive failed attempts at a chunk before the import is marked failed. */
export const maxImportFailures = 3;

type Job = {
  imp: ImportRow;
  workspaceId: string;
  delimiter: CsvDelimiter;
  headerCount: number;
  columns: Column[];
  onMatch: ImportMatchMode;
  dryRun: boolean;
  defaultCountry: string;
  rowContext: RowContext;
  actorType: "user" | "api_key" | "system";
  /** The owner of a new contact whose row names none: the importer, when a person. */
  defaultOwner: string | null;
};

export type ImportProgress = {
  status: ImportRow["status"];
  processed_rows: number;
  total_rows: number;
  counts: ReturnType<typeof countsOf>;
};

class RetryChunk extends Error {}

const ProgressRow = z.object({
  status: z.enum(jobStatuses),
  processed_rows: z.number(),
  total_rows: z.number(),
  created_count: z.number(),
  updated_count: z.number(),
  skipped_count: z.number(),
  invalid_count: z.number(),
  duplicate_count: z.number(),
});

// ---- the message ---------------------------------------------------------------------------------

export async function runImport(env: Env, importId: string, now: number, options: { budgetMs?: number } = {}): Promise<void> {
  const db = createDatabase(env.DB);
  const wallStart = Date.now();
  const clock = () => now + (Date.now() - wallStart);
  const [imp] = await db.select().from(imports).where(eq(imports.id, importId)).limit(1);
  if (!imp || imp.status === "failed") return;
  if (imp.status === "done") {
    // A redelivery after the end: the notification is keyed, so this only finishes a lost one.
    await notifyFinished(env, db, imp, clock());
    return;
  }
  if (imp.status === "queued") {
    await db.update(imports).set({ status: "running", startedAt: clock(), updatedAt: clock() }).where(and(eq(imports.id, importId), eq(imports.status, "queued")));
  }
  const job = await loadJob(db, imp);
  const budget = options.budgetMs ?? importTimeBudgetMs;
  for (;;) {
    const [chunk] = await db
      .select()
      .from(importChunks)
      .where(and(eq(importChunks.importId, importId), isNull(importChunks.processedAt)))
      .orderBy(asc(importChunks.seq))
      .limit(1);
    if (!chunk) {
      await finishImport(env, db, importId, clock());
      return;
    }
    let progress: ImportProgress | null;
    try {
      progress = await processChunkWithRetries(env, db, job, chunk, clock);
    } catch (error) {
      const failed = await recordFailure(env, db, imp, chunk.firstRow, error, clock());
      if (failed) return;
      throw error;
    }
    if (progress === null) continue; // another delivery committed this chunk first
    await publishToWorkspace(env, job.workspaceId, { type: "import.progress", id: importId, actor: imp.createdBy, data: progress });
    if (Date.now() - wallStart >= budget) {
      await sendJobs(env, [{ type: "import.run", import_id: importId }]);
      return;
    }
  }
}

async function loadJob(db: Database, imp: ImportRow): Promise<Job> {
  const [[workspace], members] = await Promise.all([
    db.select({ country: workspaces.defaultPhoneCountry }).from(workspaces).where(eq(workspaces.id, imp.workspaceId)).limit(1),
    db
      .select({ userId: memberships.userId, email: users.email, name: users.name })
      .from(memberships)
      .innerJoin(users, eq(users.id, memberships.userId))
      .where(eq(memberships.workspaceId, imp.workspaceId)),
  ]);
  const defaultCountry = workspace?.country ?? "";
  const headers = parseStoredHeaders(imp.headers);
  const createdBy = imp.createdBy;
  const actorType = createdBy?.startsWith("usr_") ? "user" : createdBy?.startsWith("key_") ? "api_key" : "system";
  return {
    imp,
    workspaceId: imp.workspaceId,
    delimiter: imp.delimiter === "\t" || imp.delimiter === "," ? imp.delimiter : ";",
    headerCount: headers.length,
    columns: columnsOf(headers, parseStoredMapping(imp.mapping)),
    onMatch: imp.onMatch,
    dryRun: imp.dryRun,
    defaultCountry,
    rowContext: { defaultCountry, members: memberDirectory(members) },
    actorType,
    defaultOwner: actorType === "user" ? createdBy : null,
  };
}

function chunkAlreadyProcessed(error: unknown): boolean {
  return constraintMessage(error).includes("import_chunks.row_count");
}

async function processChunkWithRetries(env: Env, db: Database, job: Job, chunk: typeof importChunks.$inferSelect, clock: () => number): Promise<ImportProgress | null> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await processChunk(env, db, job, chunk, clock());
    } catch (error) {
      if (chunkAlreadyProcessed(error)) return null;
      // Someone changed a matched contact or took an email between our read and our batch:
      // read again and decide again.
      const race = error instanceof RetryChunk || isVersionConflict(error) || isUniqueViolation(error);
      if (!race || attempt >= 3) throw error;
    }
  }
}

async function recordFailure(env: Env, db: Database, imp: ImportRow, firstRow: number, error: unknown, now: number): Promise<boolean> {
  console.error("Import chunk failed", imp.id, firstRow, error);
  const [row] = await db
    .update(imports)
    .set({ failures: sql`${imports.failures} + 1`, error: `Rows from ${firstRow} could not be imported yet; retrying.`, updatedAt: now })
    .where(eq(imports.id, imp.id))
    .returning({ failures: imports.failures });
  if (!row || row.failures < maxImportFailures) return false;
  const [failed] = await db
    .update(imports)
    .set({
      status: "failed",
      error: `The import stopped at row ${firstRow} after ${row.failures} attempts. The rows before it were imported; the report lists every one.`,
      finishedAt: now,
      updatedAt: now,
    })
    .where(and(eq(imports.id, imp.id), eq(imports.status, "running")))
    .returning();
  if (failed) await announceFinished(env, db, failed, now);
  return true;
}

async function finishImport(env: Env, db: Database, importId: string, now: number) {
  const [flipped] = await db.update(imports).set({ status: "done", finishedAt: now, updatedAt: now }).where(and(eq(imports.id, importId), eq(imports.status, "running"))).returning();
  // The file and the claimed keys were only needed while running.
  await rawBatch(db, [sql`DELETE FROM import_keys WHERE import_id = ${importId}`, sql`DELETE FROM import_chunks WHERE import_id = ${importId}`]);
  if (flipped) {
    await announceFinished(env, db, flipped, now);
    await scanAfterImport(env, flipped, now);
  } else {
    const [current] = await db.select().from(imports).where(eq(imports.id, importId)).limit(1);
    if (current?.status === "done") await notifyFinished(env, db, current, now);
  }
}

async function announceFinished(env: Env, db: Database, imp: ImportRow, now: number) {
  await publishToWorkspace(env, imp.workspaceId, {
    type: "import.finished",
    id: imp.id,
    actor: imp.createdBy,
    data: { status: imp.status, processed_rows: imp.processedRows, total_rows: imp.totalRows, counts: countsOf(imp), dry_run: imp.dryRun },
  });
  await notifyFinished(env, db, imp, now);
}

async function notifyFinished(env: Env, db: Database, imp: ImportRow, now: number) {
  if (!imp.createdBy?.startsWith("usr_")) return;
  await notifyUser(env, db, {
    workspaceId: imp.workspaceId,
    userId: imp.createdBy,
    message: { type: "import.finished", fileName: imp.fileName, created: imp.createdCount, updated: imp.updatedCount, invalid: imp.invalidCount, dryRun: imp.dryRun },
    dedupeKey: `import.finished:${imp.id}`,
    link: importLink(imp.id),
    data: { import_id: imp.id, status: imp.status, dry_run: imp.dryRun, counts: countsOf(imp) },
    now,
  });
}

// ---- one chunk -----------------------------------------------------------------------------------

type Decision = {
  mapped: MappedRow;
  outcome: ImportRowOutcome;
  contactId: string | null;
  errors: RowError[];
  /** Keys this row claims for later rows: its emails, phones, name key, matched contact. */
  claims: string[];
  create?: PreparedContact;
  fill?: { current: CurrentContact; contact: PreparedContact };
  /** What undo needs (import_rows.filled), set when the writes are built. */
  filled?: string;
};

/** A matched contact as update_empty reads it, with its company's name for the search index. */
type CurrentContact = { row: ContactRow; companyName: string | null };

type Lookups = {
  prior: Map<string, number>;
  emailOwners: Map<string, { contactId: string | null; deleted: boolean }>;
  phoneOwners: Map<string, string>;
  nameOwners: Map<string, string>;
  companiesByKey: Map<string, { id: string; name: string }>;
};

const emailKey = (email: string) => `e:${email}`;
const phoneKey = (e164: string) => `p:${e164}`;
const contactKey = (id: string) => `c:${id}`;

/** A contact with only a name is matched by its name and company: the same key twice is the same row. */
function nameKeyOf(contact: PreparedContact): string | null {
  if (contact.emails.length > 0 || contact.phones.length > 0) return null;
  const name = contactNameSort({ firstName: contact.firstName, lastName: contact.lastName, email: null, phone: null });
  return name ? `${name}|${contact.companyName ? companyNameSort(contact.companyName) : ""}` : null;
}

function keysOf(contact: PreparedContact): string[] {
  const name = nameKeyOf(contact);
  return [...contact.emails.map(emailKey), ...contact.phones.map((p) => phoneKey(p.e164)), ...(name ? [`n:${name}`] : [])];
}

function describeKey(key: string): { pointer: string; what: string } {
  if (key.startsWith("e:")) return { pointer: "/emails", what: `the email ${key.slice(2)}` };
  if (key.startsWith("p:")) return { pointer: "/phones", what: `the phone ${key.slice(2)}` };
  if (key.startsWith("n:")) return { pointer: "/first_name", what: "the name (and company) and no email or phone" };
  return { pointer: "", what: "the same existing contact" };
}

function json(items: readonly unknown[]): string {
  return JSON.stringify(items);
}

const parts = jsonParts;

async function lookup(db: Database, job: Job, contacts_: PreparedContact[], keys: string[]): Promise<Lookups> {
  const ws = job.workspaceId;
  const emails = [...new Set(contacts_.flatMap((c) => c.emails))];
  const phones = [...new Set(contacts_.flatMap((c) => c.phones.map((p) => p.e164)))];
  const names = [...new Set(contacts_.flatMap((c) => (nameKeyOf(c) ? [contactNameSort({ firstName: c.firstName, lastName: c.lastName, email: null, phone: null })] : [])))];
  const companyKeys = [...new Set(contacts_.flatMap((c) => (c.companyName ? [companyNameSort(c.companyName)] : [])))];
  const none = Promise.resolve([]);
  const [prior, emailRows, phoneRows, nameRows, companyRows] = await Promise.all([
    keys.length
      ? db.all<{ key: string; row_number: number }>(sql`SELECT key, row_number FROM import_keys WHERE import_id = ${job.imp.id} AND key IN (SELECT value FROM json_each(${json(keys)}))`)
      : none,
    // A deleted contact keeps its emails (it can be restored); one merged into another is that one.
    emails.length
      ? db.all<{ email: string; contact_id: string; deleted_at: number | null; merged_into_id: string | null }>(
          sql`SELECT ce.email, ce.contact_id, c.deleted_at, c.merged_into_id FROM contact_emails ce JOIN contacts c ON c.id = ce.contact_id
              WHERE ce.workspace_id = ${ws} AND ce.email IN (SELECT value FROM json_each(${json(emails)}))`,
        )
      : none,
    // contact_phones_e164_idx (workspace_id, e164); the oldest live contact with the number wins.
    phones.length
      ? db.all<{ e164: string; contact_id: string }>(
          sql`SELECT cp.e164, min(cp.contact_id) AS contact_id FROM contact_phones cp JOIN contacts c ON c.id = cp.contact_id AND c.deleted_at IS NULL
              WHERE cp.workspace_id = ${ws} AND cp.e164 IN (SELECT value FROM json_each(${json(phones)})) GROUP BY cp.e164`,
        )
      : none,
    names.length
      ? db.all<{ id: string; name_sort: string; company_key: string | null }>(
          sql`SELECT c.id, c.name_sort, co.name_sort AS company_key FROM contacts c LEFT JOIN companies co ON co.id = c.company_id AND co.deleted_at IS NULL
              WHERE c.workspace_id = ${ws} AND c.deleted_at IS NULL AND c.name_sort IN (SELECT value FROM json_each(${json(names)}))
                AND c.primary_email IS NULL AND c.primary_phone IS NULL ORDER BY c.id`,
        )
      : none,
    // companies_name_idx (workspace_id, name_sort, id) WHERE deleted_at IS NULL; the oldest wins.
    companyKeys.length
      ? db.all<{ id: string; name: string; name_sort: string }>(
          sql`SELECT min(id) AS id, name, name_sort FROM companies WHERE workspace_id = ${ws} AND deleted_at IS NULL
              AND name_sort IN (SELECT value FROM json_each(${json(companyKeys)})) GROUP BY name_sort`,
        )
      : none,
  ]);
  const emailOwners = new Map<string, { contactId: string | null; deleted: boolean }>();
  for (const row of emailRows) {
    const live = row.deleted_at === null;
    emailOwners.set(row.email, { contactId: live ? row.contact_id : row.merged_into_id, deleted: !live && row.merged_into_id === null });
  }
  const nameOwners = new Map<string, string>();
  for (const row of nameRows) {
    const key = `n:${row.name_sort}|${row.company_key ?? ""}`;
    if (!nameOwners.has(key)) nameOwners.set(key, row.id);
  }
  return {
    prior: new Map(prior.map((row) => [row.key, row.row_number])),
    emailOwners,
    phoneOwners: new Map(phoneRows.map((row) => [row.e164, row.contact_id])),
    nameOwners,
    companiesByKey: new Map(companyRows.map((row) => [row.name_sort, { id: row.id, name: row.name }])),
  };
}

/** Decides every row of the chunk in file order; `claimed` carries what earlier rows used. */
function decide(job: Job, mapped: MappedRow[], found: Lookups, current: Map<string, CurrentContact>, claimedContacts: Map<string, number>): Decision[] {
  const claimed = new Map(found.prior);
  for (const [id, row] of claimedContacts) claimed.set(contactKey(id), row);
  return mapped.map((row): Decision => {
    const contact = row.contact;
    if (!contact) return { mapped: row, outcome: "invalid", contactId: null, errors: row.errors, claims: [] };
    const keys = keysOf(contact);
    const repeated = keys.find((key) => claimed.has(key));
    if (repeated !== undefined) {
      const { pointer, what } = describeKey(repeated);
      const errors = [{ pointer, code: "duplicate_in_file", message: `Row ${claimed.get(repeated)} of this file has ${what}.` }];
      return { mapped: row, outcome: "duplicate", contactId: null, errors, claims: [] };
    }
    const byEmail = contact.emails.map((email) => found.emailOwners.get(email)).find((owner) => owner?.contactId);
    const deletedEmail = contact.emails.find((email) => found.emailOwners.get(email)?.deleted);
    const byPhone = contact.phones.map((p) => found.phoneOwners.get(p.e164)).find(Boolean);
    const nameKey = nameKeyOf(contact);
    const byName = nameKey ? found.nameOwners.get(`n:${nameKey}`) : undefined;
    const claim = (outcome: ImportRowOutcome, contactId: string | null, extra: Partial<Decision> = {}, errors: RowError[] = []): Decision => {
      for (const key of keys) claimed.set(key, row.row);
      if (contactId) claimed.set(contactKey(contactId), row.row);
      return { mapped: row, outcome, contactId, errors, claims: [...keys, ...(contactId && outcome !== "created" ? [contactKey(contactId)] : [])], ...extra };
    };
    if (!byEmail?.contactId && deletedEmail !== undefined) {
      const index = contact.emails.indexOf(deletedEmail);
      const errors = [{ pointer: `/emails/${index}`, code: "email_of_deleted_contact", message: `A deleted contact has the email ${deletedEmail}: restore it from recently deleted, or remove the email from this row.` }];
      return { mapped: row, outcome: "invalid", contactId: null, errors, claims: [] };
    }
    const matchId = byEmail?.contactId ?? byPhone ?? byName ?? null;
    if (matchId === null) return claim("created", null, { create: contact });
    const previous = claimed.get(contactKey(matchId));
    if (previous !== undefined) {
      return { mapped: row, outcome: "duplicate", contactId: matchId, errors: [{ pointer: "", code: "duplicate_in_file", message: `Row ${previous} of this file matches the same contact.` }], claims: [] };
    }
    if (byEmail?.contactId) {
      if (job.onMatch === "create") {
        const errors = [{ pointer: "/emails/0", code: "email_exists", message: "A contact with this email already exists; a second one is not created." }];
        return claim("duplicate", matchId, {}, errors);
      }
    } else if (job.onMatch === "create") {
      // A phone (or name) match may be a colleague on the same switchboard: create, and let
      // duplicate review decide.
      return claim("created", null, { create: contact });
    }
    if (job.onMatch === "skip") return claim("skipped", matchId);
    const existing = current.get(matchId);
    // The match was deleted between our reads: decide again with fresh reads.
    if (!existing) throw new RetryChunk();
    const fill = fillsOf(existing.row, contact);
    return fill ? claim("updated", matchId, { fill: { current: existing, contact } }) : claim("skipped", matchId);
  });
}

/** Whether update_empty has anything to fill: an empty field of the contact that the row has. */
function fillsOf(current: ContactRow, contact: PreparedContact): boolean {
  return (
    (!current.firstName && contact.firstName !== null) ||
    (!current.lastName && contact.lastName !== null) ||
    (!current.jobTitle && contact.jobTitle !== null) ||
    (!current.city && contact.city !== null) ||
    (!current.country && contact.country !== null) ||
    (!current.ownerId && contact.ownerId !== null) ||
    (!current.companyId && contact.companyName !== null) ||
    (emailsOf(current).length === 0 && contact.emails.length > 0) ||
    (phonesOf(current).length === 0 && contact.phones.length > 0) ||
    (tagsOf(current).length === 0 && contact.tags.length > 0)
  );
}

function identityColumns(firstName: string | null, lastName: string | null, emails: readonly string[], phones: readonly StoredPhone[]) {
  const primaryEmail = emails[0] ?? null;
  const primaryPhone = phones[0]?.e164 ?? null;
  return { firstName, lastName, nameSort: contactNameSort({ firstName, lastName, email: primaryEmail, phone: primaryPhone }), primaryEmail, primaryPhone, emails: JSON.stringify(emails), phones: JSON.stringify(phones) };
}

/** Snake-case columns for json_each: the contacts row as SQL sees it. */
function contactColumns(row: ContactRow) {
  return {
    id: row.id,
    first_name: row.firstName,
    last_name: row.lastName,
    name_sort: row.nameSort,
    primary_email: row.primaryEmail,
    primary_phone: row.primaryPhone,
    emails: row.emails,
    phones: row.phones,
    company_id: row.companyId,
    job_title: row.jobTitle,
    lifecycle_stage: row.lifecycleStage,
    owner_id: row.ownerId,
    tags: row.tags,
    source: row.source,
    city: row.city,
    country: row.country,
    last_activity_at: row.lastActivityAt,
    version: row.version,
  };
}

async function processChunk(env: Env, db: Database, job: Job, chunk: typeof importChunks.$inferSelect, now: number): Promise<ImportProgress | null> {
  const importId = job.imp.id;
  const ws = job.workspaceId;
  const parsed = parseChunk(chunk.text, { delimiter: job.delimiter, from: { offset: 0, row: chunk.firstRow, line: chunk.firstLine }, maxRows: Number.MAX_SAFE_INTEGER });
  const issuesByRow = new Map<number, CsvIssue[]>();
  for (const issue of parsed.issues) issuesByRow.set(issue.row, [...(issuesByRow.get(issue.row) ?? []), issue]);
  const mapped = parsed.rows.map((row) => mapRow(row, issuesByRow.get(row.row) ?? [], job.columns, job.headerCount, job.rowContext));
  const valid = mapped.flatMap((m) => (m.contact ? [m.contact] : []));
  const found = await lookup(db, job, valid, [...new Set(valid.flatMap(keysOf))]);

  // Second round: which matched contacts earlier chunks already used, and the rows update_empty needs.
  const matchIds = new Set<string>();
  for (const contact of valid) {
    const id =
      contact.emails.map((e) => found.emailOwners.get(e)?.contactId).find(Boolean) ??
      contact.phones.map((p) => found.phoneOwners.get(p.e164)).find(Boolean) ??
      (nameKeyOf(contact) ? found.nameOwners.get(`n:${nameKeyOf(contact)}`) : undefined);
    if (id) matchIds.add(id);
  }
  const ids = [...matchIds];
  const [claimedRows, currentRows] = await Promise.all([
    ids.length
      ? db.all<{ key: string; row_number: number }>(
          sql`SELECT key, row_number FROM import_keys WHERE import_id = ${importId} AND key IN (SELECT value FROM json_each(${json(ids.map(contactKey))}))`,
        )
      : Promise.resolve([]),
    ids.length && job.onMatch === "update_empty"
      ? db
          .select({ row: contacts, companyName: companies.name })
          .from(contacts)
          .leftJoin(companies, and(eq(companies.id, contacts.companyId), isNull(companies.deletedAt)))
          // By primary key: the unary + keeps the planner off the (workspace_id, …) indexes, which
          // would walk the whole workspace to find a few hundred ids.
          .where(and(sql`+${contacts.workspaceId} = ${ws}`, isNull(contacts.deletedAt), sql`${contacts.id} IN (SELECT value FROM json_each(${json(ids)}))`))
      : Promise.resolve([]),
  ]);
  const claimedContacts = new Map(claimedRows.map((row) => [row.key.slice(2), row.row_number]));
  const current = new Map(currentRows.map((entry) => [entry.row.id, entry]));
  const decisions = decide(job, mapped, found, current, claimedContacts);

  const statements: SQL[] = [
    // Fails the whole batch (NOT NULL) when another delivery already committed this chunk.
    sql`UPDATE import_chunks SET row_count = NULL WHERE import_id = ${importId} AND seq = ${chunk.seq} AND processed_at IS NOT NULL`,
  ];
  const rowsOut: { row: number; outcome: ImportRowOutcome; contact_id: string | null; errors: string | null; filled: string | null }[] = [];
  const createdIds: string[] = [];
  if (!job.dryRun) statements.push(...contactWrites(job, decisions, found, now, createdIds));
  for (const decision of decisions) {
    rowsOut.push({
      row: decision.mapped.row,
      outcome: decision.outcome,
      contact_id: decision.contactId,
      errors: decision.errors.length > 0 ? JSON.stringify(decision.errors) : null,
      filled: decision.filled ?? null,
    });
  }
  for (const part of parts(rowsOut)) {
    statements.push(
      sql`INSERT INTO import_rows (import_id, row_number, outcome, contact_id, errors, filled)
        SELECT ${importId}, j.value->>'row', j.value->>'outcome', j.value->>'contact_id', j.value->>'errors', j.value->>'filled' FROM json_each(${part}) j`,
    );
  }
  const keys = decisions.flatMap((d) => d.claims.map((key) => ({ key, row: d.mapped.row })));
  for (const part of parts(keys)) {
    statements.push(sql`INSERT OR IGNORE INTO import_keys (import_id, key, row_number) SELECT ${importId}, j.value->>'key', j.value->>'row' FROM json_each(${part}) j`);
  }
  const count = (outcome: ImportRowOutcome) => decisions.filter((d) => d.outcome === outcome).length;
  statements.push(
    sql`UPDATE imports SET processed_rows = processed_rows + ${decisions.length}, created_count = created_count + ${count("created")},
      updated_count = updated_count + ${count("updated")}, skipped_count = skipped_count + ${count("skipped")},
      invalid_count = invalid_count + ${count("invalid")}, duplicate_count = duplicate_count + ${count("duplicate")},
      failures = 0, error = NULL, updated_at = ${now} WHERE id = ${importId}`,
    sql`UPDATE import_chunks SET processed_at = ${now} WHERE import_id = ${importId} AND seq = ${chunk.seq}`,
  );
  statements.push(
    sql`SELECT status, processed_rows, total_rows, created_count, updated_count, skipped_count, invalid_count, duplicate_count FROM imports WHERE id = ${importId}`,
  );
  const results = await rawBatch(db, statements);
  const imp = ProgressRow.safeParse(results.at(-1)?.results[0]);

  await suggestAfterChunk(env, ws, job.imp.totalRows, createdIds);
  if (!imp.success) return null;
  const p = imp.data;
  return {
    status: p.status,
    processed_rows: p.processed_rows,
    total_rows: p.total_rows,
    counts: { created: p.created_count, updated: p.updated_count, skipped: p.skipped_count, invalid: p.invalid_count, duplicates: p.duplicate_count },
  };
}


// ---- the contact writes of a real run -------------------------------------------------------------

type NewCompany = { id: string; name: string; name_sort: string };
type ChildRows = { id: string; emails: string[]; phones: StoredPhone[]; tags: string[] };
type SearchRow = { id: string; name: string; email: string; phone: string; company: string };
type AuditRow = { id: string; action: string; entity_type: string; entity_id: string; diff: string };

function withoutEmpty(snapshot: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(snapshot).filter(([, value]) => value !== null && !(Array.isArray(value) && value.length === 0)));
}

function companySnapshot(company: NewCompany, ownerId: string | null) {
  return { name: company.name, domain: null, industry: null, size_band: null, annual_revenue: null, phone: null, website: null, address: null, city: null, country: null, owner_id: ownerId, tags: [] };
}

/**
 * The statements that create and fill contacts for the chunk's decisions (real runs only), in
 * batch order. Sets each decision's `filled` (what undo reads) and pushes created ids.
 */
function contactWrites(job: Job, decisions: Decision[], found: Lookups, now: number, createdIds: string[]): SQL[] {
  const ws = job.workspaceId;
  const actor = job.imp.createdBy;
  const audit: AuditRow[] = [];
  // A create's diff is its snapshot without the empty fields (diffSnapshots(null, after) only
  // drops secret fields, which records built here do not have): a 100,000-row import writes
  // 100,000 of them, and the empty half of each is most of its bytes.
  const auditOf = (action: string, entityType: string, entityId: string, before: Record<string, unknown> | null, after: Record<string, unknown> | null) =>
    audit.push({
      id: newId("audit", now),
      action,
      entity_type: entityType,
      entity_id: entityId,
      diff: JSON.stringify(before === null ? { before: null, after: after && withoutEmpty(after) } : diffSnapshots(before, after)),
    });

  const newCompanies = new Map<string, NewCompany>();
  /** The company a name means: an existing one (by folded name), else one this chunk creates. */
  const companyFor = (name: string, decision: Decision) => {
    const key = companyNameSort(name);
    const existing = found.companiesByKey.get(key);
    if (existing) return existing;
    let created = newCompanies.get(key);
    if (!created) {
      created = { id: newId("company", now), name, name_sort: key };
      newCompanies.set(key, created);
      decision.filled = JSON.stringify({ company_created: created.id });
    }
    return created;
  };

  const inserted: ReturnType<typeof contactColumns>[] = [];
  const updated: ReturnType<typeof contactColumns>[] = [];
  const children: ChildRows[] = [];
  const search: SearchRow[] = [];
  const notes: { id: string; contact_id: string; body: string }[] = [];
  for (const decision of decisions) {
    const contact = decision.create;
    if (contact) {
      const company = contact.companyName ? companyFor(contact.companyName, decision) : null;
      const id = newId("contact", now);
      const row: ContactRow = {
        id,
        workspaceId: ws,
        searchRowid: 0,
        ...identityColumns(contact.firstName, contact.lastName, contact.emails, contact.phones),
        companyId: company?.id ?? null,
        jobTitle: contact.jobTitle,
        lifecycleStage: contact.lifecycleStage ?? "lead",
        leadStatus: null,
        ownerId: contact.ownerId ?? job.defaultOwner,
        tags: JSON.stringify(contact.tags),
        source: "import",
        utmSource: null,
        utmMedium: null,
        utmCampaign: null,
        utmTerm: null,
        utmContent: null,
        referrer: null,
        landingPage: null,
        firstSeenAt: null,
        lastSeenAt: null,
        city: contact.city,
        country: contact.country,
        timeZone: null,
        language: null,
        birthday: null,
        consentStatus: "unknown",
        consentAt: null,
        consentSource: null,
        consentLegalBasis: null,
        lastActivityAt: contact.notes ? now : null,
        mergedIntoId: null,
        createdBy: actor,
        updatedBy: actor,
        createdAt: now,
        updatedAt: now,
        version: 1,
        deletedAt: null,
      };
      decision.contactId = id;
      createdIds.push(id);
      inserted.push(contactColumns(row));
      children.push({ id, emails: contact.emails, phones: contact.phones, tags: contact.tags });
      search.push({ id, ...searchDocument({ workspaceId: ws, firstName: row.firstName, lastName: row.lastName, emails: contact.emails, phones: contact.nationals, companyName: company?.name ?? null }) });
      auditOf("contact.created", "contact", id, null, contactSnapshot(row));
      if (contact.notes) {
        const noteId = newId("activity", now);
        notes.push({ id: noteId, contact_id: id, body: contact.notes });
        auditOf("activity.created", "activity", noteId, null, { type: "note", direction: null, subject: null, body: contact.notes, occurred_at: new Date(now).toISOString(), duration_seconds: null, outcome: null, contact_id: id, company_id: null, deal_id: null });
      }
      continue;
    }
    if (!decision.fill) continue;
    // update_empty: only the contact's empty fields, and only with what the row has.
    const { row: cur, companyName: currentCompany } = decision.fill.current;
    const row = decision.fill.contact;
    const fields: Record<string, unknown> = {};
    const take = <T>(field: string, empty: boolean, value: T | null, keep: T): T => {
      if (!empty || value === null) return keep;
      fields[field] = value;
      return value;
    };
    const firstName = take("first_name", !cur.firstName, row.firstName, cur.firstName);
    const lastName = take("last_name", !cur.lastName, row.lastName, cur.lastName);
    const jobTitle = take("job_title", !cur.jobTitle, row.jobTitle, cur.jobTitle);
    const city = take("city", !cur.city, row.city, cur.city);
    const country = take("country", !cur.country, row.country, cur.country);
    const ownerId = take("owner_id", !cur.ownerId, row.ownerId, cur.ownerId);
    const currentEmails = emailsOf(cur);
    const emails = take("emails", currentEmails.length === 0, row.emails.length > 0 ? row.emails : null, currentEmails);
    const currentPhones = phonesOf(cur);
    const phones = take("phones", currentPhones.length === 0, row.phones.length > 0 ? row.phones : null, currentPhones);
    const currentTags = tagsOf(cur);
    const tags = take("tags", currentTags.length === 0, row.tags.length > 0 ? row.tags : null, currentTags);
    let companyId = cur.companyId;
    let companyName = currentCompany;
    if (!cur.companyId && row.companyName) {
      const company = companyFor(row.companyName, decision);
      companyId = company.id;
      companyName = company.name;
      fields.company_id = company.id;
    }
    const next: ContactRow = {
      ...cur,
      ...identityColumns(firstName, lastName, emails, phones),
      companyId,
      jobTitle,
      ownerId,
      tags: JSON.stringify(tags),
      city,
      country,
      updatedBy: actor,
      updatedAt: now,
      version: cur.version + 1,
    };
    const createdCompany = decision.filled ? (JSON.parse(decision.filled) as { company_created?: string }).company_created : undefined;
    if (fields.phones) fields.phones = phones.map((p) => p.e164);
    decision.filled = JSON.stringify({ version: next.version, fields, ...(createdCompany ? { company_created: createdCompany } : {}) });
    updated.push({ ...contactColumns(next), version: cur.version });
    children.push({ id: cur.id, emails: fields.emails ? emails : [], phones: fields.phones ? phones : [], tags: fields.tags ? tags : [] });
    search.push({ id: cur.id, ...searchDocument({ workspaceId: ws, firstName, lastName, emails, phones: nationalOf(phones, job.defaultCountry), companyName }) });
    auditOf("contact.updated", "contact", cur.id, contactSnapshot(cur), contactSnapshot(next));
  }

  const statements: SQL[] = [];
  for (const part of parts(updated)) {
    // Fails the batch (NOT NULL) when someone changed a matched contact after we read it.
    statements.push(sql`UPDATE contacts SET version = NULL FROM json_each(${part}) u WHERE contacts.id = u.value->>'id' AND contacts.version <> u.value->>'version'`);
  }
  const companyList = [...newCompanies.values()];
  for (const part of parts(companyList)) {
    statements.push(
      sql`INSERT INTO companies (id, workspace_id, name, name_sort, owner_id, tags, created_by, updated_by, created_at, updated_at)
        SELECT j.value->>'id', ${ws}, j.value->>'name', j.value->>'name_sort', ${job.defaultOwner}, '[]', ${actor}, ${actor}, ${now}, ${now} FROM json_each(${part}) j`,
    );
  }
  for (const company of companyList) auditOf("company.created", "company", company.id, null, companySnapshot(company, job.defaultOwner));
  for (const part of parts(inserted)) {
    // Search rowids continue after the largest one, in array order (see nextSearchRowid).
    statements.push(
      sql`INSERT INTO contacts (id, workspace_id, search_rowid, first_name, last_name, name_sort, primary_email, primary_phone, emails, phones,
          company_id, job_title, lifecycle_stage, owner_id, tags, source, city, country, last_activity_at, created_by, updated_by, created_at, updated_at)
        SELECT j.value->>'id', ${ws}, (SELECT coalesce(max(search_rowid), 0) FROM contacts) + j.key + 1, j.value->>'first_name', j.value->>'last_name',
          j.value->>'name_sort', j.value->>'primary_email', j.value->>'primary_phone', j.value->>'emails', j.value->>'phones', j.value->>'company_id',
          j.value->>'job_title', j.value->>'lifecycle_stage', j.value->>'owner_id', j.value->>'tags', j.value->>'source', j.value->>'city',
          j.value->>'country', j.value->>'last_activity_at', ${actor}, ${actor}, ${now}, ${now}
        FROM json_each(${part}) j`,
    );
  }
  for (const part of parts(updated)) {
    statements.push(
      sql`UPDATE contacts SET first_name = u.value->>'first_name', last_name = u.value->>'last_name', name_sort = u.value->>'name_sort',
          primary_email = u.value->>'primary_email', primary_phone = u.value->>'primary_phone', emails = u.value->>'emails', phones = u.value->>'phones',
          company_id = u.value->>'company_id', job_title = u.value->>'job_title', owner_id = u.value->>'owner_id', tags = u.value->>'tags',
          city = u.value->>'city', country = u.value->>'country', updated_by = ${actor}, updated_at = ${now}, version = contacts.version + 1
        FROM json_each(${part}) u WHERE contacts.id = u.value->>'id'`,
    );
  }
  for (const part of parts(children.filter((c) => c.emails.length > 0))) {
    statements.push(
      sql`INSERT INTO contact_emails (workspace_id, email, contact_id, is_primary, position)
        SELECT ${ws}, e.value, c.value->>'id', e.key = 0, e.key FROM json_each(${part}) c, json_each(c.value->'emails') e`,
    );
  }
  for (const part of parts(children.filter((c) => c.phones.length > 0))) {
    statements.push(
      sql`INSERT INTO contact_phones (workspace_id, contact_id, position, e164, raw, label)
        SELECT ${ws}, c.value->>'id', p.key, p.value->>'e164', p.value->>'raw', p.value->>'label' FROM json_each(${part}) c, json_each(c.value->'phones') p`,
    );
  }
  for (const part of parts(children.filter((c) => c.tags.length > 0))) {
    statements.push(
      sql`INSERT INTO contact_tags (workspace_id, tag, contact_id) SELECT ${ws}, t.value, c.value->>'id' FROM json_each(${part}) c, json_each(c.value->'tags') t`,
    );
  }
  const updatedIds = updated.map((u) => u.id);
  if (updatedIds.length > 0) {
    statements.push(sql`DELETE FROM contacts_fts WHERE rowid IN (SELECT search_rowid FROM contacts WHERE id IN (SELECT value FROM json_each(${json(updatedIds)})))`);
  }
  for (const part of parts(search)) {
    statements.push(
      sql`INSERT INTO contacts_fts (rowid, ws, name, email, phone, company)
        SELECT c.search_rowid, ${workspaceToken(ws)}, j.value->>'name', j.value->>'email', j.value->>'phone', j.value->>'company'
        FROM json_each(${part}) j JOIN contacts c ON c.id = j.value->>'id'`,
    );
  }
  for (const part of parts(notes)) {
    statements.push(
      sql`INSERT INTO activities (id, workspace_id, type, body, occurred_at, contact_id, author_id, created_at, updated_at)
        SELECT j.value->>'id', ${ws}, 'note', j.value->>'body', ${now}, j.value->>'contact_id', ${actor}, ${now}, ${now} FROM json_each(${part}) j`,
    );
  }
  for (const part of parts(audit)) {
    statements.push(
      sql`INSERT INTO audit_log (id, workspace_id, actor_type, actor_id, action, entity_type, entity_id, diff, request_id, at)
        SELECT j.value->>'id', ${ws}, ${job.actorType}, ${actor}, j.value->>'action', j.value->>'entity_type', j.value->>'entity_id', j.value->>'diff', ${job.imp.id}, ${now}
        FROM json_each(${part}) j`,
    );
  }
  return statements;
}
