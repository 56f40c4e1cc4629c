import { and, count, desc, eq, gte, inArray, isNotNull, isNull, lt, ne, sql, type SQL } from "drizzle-orm";
import { auditInsert } from "../audit/audit.service";
import type { Database } from "../db/client";
import { isUniqueViolation } from "../db/errors";
import { isVersionConflict, raceToConflict, versionGuard } from "../db/version-guard";
import { newId } from "../db/ids";
import { companies, consentRecords, contactEmails, contactPhones, contactTags, contacts, type ConsentStatus } from "../db/schema";
import { assertVersion } from "../http/etag";
import { isoTime } from "../http/fields";
import { keysetAfter, orderBy, type Direction } from "../http/keyset";
import { decodeCursor, toPage } from "../http/pagination";
import { problems, type FieldError } from "../http/problem";
import type { ServiceContext } from "../lib/service-context";
import { getWorkspaceRow } from "../workspaces/workspace.service";
import { savedSegmentCondition } from "../segments/segment.service";
import { contactSnapshot, emailsOf, phonesOf, tagsOf, toContact, type ContactRow, type StoredPhone } from "./contact.mapper";
import type { ConsentRecord, Contact, ContactCreateInput, ContactListInput, ContactPatchInput, ContactSort } from "./contact.schema";
import { contactNameSort, isPhoneLike, normalizePhone, normalizeTags, searchDocument, searchQuery } from "./normalize";
import { assertCompanyInWorkspace, assertMemberOfWorkspace } from "./references";
import { contactsFts, indexContact, nextSearchRowid, reindexContact, unindexContact } from "./search-index";

export const restoreWindowMs = 30 * 24 * 60 * 60 * 1000;

// ---- reading ---------------------------------------------------------------------------------

const companyOfContact = { id: companies.id, name: companies.name };

export async function getContactRow(db: Database, workspaceId: string, id: string, options: { includeDeleted?: boolean } = {}) {
  const conditions = [eq(contacts.workspaceId, workspaceId), eq(contacts.id, id)];
  if (!options.includeDeleted) conditions.push(isNull(contacts.deletedAt));
  const [row] = await db
    .select({ contact: contacts, company: companyOfContact })
    .from(contacts)
    .leftJoin(companies, and(eq(companies.id, contacts.companyId), isNull(companies.deletedAt)))
    .where(and(...conditions))
    .limit(1);
  if (!row) throw problems.notFound("contact");
  return row;
}

export async function getContact(db: Database, workspaceId: string, id: string): Promise<Contact> {
  const row = await getContactRow(db, workspaceId, id);
  return toContact(row.contact, row.company);
}

type SortSpec = { value: SQL; direction: Direction; key: (row: ContactRow) => string | number };

const sorts: Record<ContactSort, SortSpec> = {
  name: { value: sql`${contacts.nameSort}`, direction: "asc", key: (r) => r.nameSort },
  "-name": { value: sql`${contacts.nameSort}`, direction: "desc", key: (r) => r.nameSort },
  created_at: { value: sql`${contacts.createdAt}`, direction: "asc", key: (r) => r.createdAt },
  "-created_at": { value: sql`${contacts.createdAt}`, direction: "desc", key: (r) => r.createdAt },
  updated_at: { value: sql`${contacts.updatedAt}`, direction: "asc", key: (r) => r.updatedAt },
  "-updated_at": { value: sql`${contacts.updatedAt}`, direction: "desc", key: (r) => r.updatedAt },
  last_activity_at: { value: sql`coalesce(${contacts.lastActivityAt}, 0)`, direction: "asc", key: (r) => r.lastActivityAt ?? 0 },
  "-last_activity_at": { value: sql`coalesce(${contacts.lastActivityAt}, 0)`, direction: "desc", key: (r) => r.lastActivityAt ?? 0 },
};

/** The list's filters without its paging and order: what an export of "the current list" takes. */
export type ContactFilterInput = Omit<ContactListInput, "limit" | "cursor" | "sort">;

function filtersOf(workspaceId: string, query: ContactFilterInput, now: number): SQL[] {
  const where: SQL[] = [eq(contacts.workspaceId, workspaceId)];
  if (query.deleted) {
    where.push(isNotNull(contacts.deletedAt), gte(contacts.deletedAt, now - restoreWindowMs));
  } else {
    where.push(isNull(contacts.deletedAt));
  }
  if (query.lifecycle_stage) where.push(eq(contacts.lifecycleStage, query.lifecycle_stage));
  if (query.owner_id) where.push(eq(contacts.ownerId, query.owner_id));
  if (query.company_id) where.push(eq(contacts.companyId, query.company_id));
  if (query.country) where.push(eq(contacts.country, query.country));
  if (query.consent) where.push(eq(contacts.consentStatus, query.consent));
  if (query.has_email !== undefined) where.push(query.has_email ? isNotNull(contacts.primaryEmail) : isNull(contacts.primaryEmail));
  if (query.has_phone !== undefined) where.push(query.has_phone ? isNotNull(contacts.primaryPhone) : isNull(contacts.primaryPhone));
  if (query.created_after) where.push(gte(contacts.createdAt, Date.parse(query.created_after)));
  if (query.created_before) where.push(lt(contacts.createdAt, Date.parse(query.created_before)));
  if (query.updated_after) where.push(gte(contacts.updatedAt, Date.parse(query.updated_after)));
  if (query.updated_before) where.push(lt(contacts.updatedAt, Date.parse(query.updated_before)));
  if (query.tag) {
    const tag = query.tag.toLowerCase();
    where.push(
      inArray(
        contacts.id,
        sql`(SELECT ${contactTags.contactId} FROM ${contactTags} WHERE ${contactTags.workspaceId} = ${workspaceId} AND ${contactTags.tag} = ${tag})`,
      ),
    );
  }
  return where;
}

/** The FTS match for a search, or null when the words can match nothing. */
async function searchMatchFor(db: Database, workspaceId: string, q: string): Promise<string | null> {
  // The workspace's default country only matters for phone-like queries: one round trip saved.
  const country = isPhoneLike(q) ? (await getWorkspaceRow(db, workspaceId)).defaultPhoneCountry : null;
  return searchQuery(q, country);
}

/**
 * How many contacts the list's filters (search included) match, counted no further than cap + 1:
 * an export asks this before it streams, and it reads at most cap + 1 index entries. It shares
 * filtersOf and searchMatchFor with listContacts so the two can never disagree about a filter.
 */
export async function countContactsUpTo(db: Database, workspaceId: string, query: ContactFilterInput, now: number, cap: number): Promise<number> {
  const where = filtersOf(workspaceId, query, now);
  if (query.segment_id) where.push(await savedSegmentCondition(db, workspaceId, query.segment_id, now));
  const one = sql<number>`1`.as("one");
  let matching;
  if (query.q) {
    const match = await searchMatchFor(db, workspaceId, query.q);
    if (match === null) return 0;
    matching = db
      .select({ one })
      .from(contacts)
      .innerJoin(contactsFts, eq(contactsFts.rowid, contacts.searchRowid))
      .where(and(sql`contacts_fts MATCH ${match}`, ...where))
      .limit(cap + 1);
  } else {
    matching = db.select({ one }).from(contacts).where(and(...where)).limit(cap + 1);
  }
  const [row] = await db.select({ n: count() }).from(matching.as("matching"));
  return row?.n ?? 0;
}

export async function listContacts(db: Database, workspaceId: string, query: ContactListInput, now: number) {
  const where = filtersOf(workspaceId, query, now);
  // A saved segment is one more condition, so it combines with every other filter and sort.
  if (query.segment_id) where.push(await savedSegmentCondition(db, workspaceId, query.segment_id, now));
  const cursor = decodeCursor(query.cursor);
  const base = db
    .select({ contact: contacts, company: companyOfContact })
    .from(contacts)
    .leftJoin(companies, and(eq(companies.id, contacts.companyId), isNull(companies.deletedAt)));

  if (query.q) {
    const match = await searchMatchFor(db, workspaceId, query.q);
    if (match === null) return { data: [], next_cursor: null };
    // Search results come newest first, straight from the FTS index's rowid order, so a short
    // prefix that matches thousands still reads one page.
    let after: number | undefined;
    if (cursor !== null) {
      const [rowid] = cursor;
      if (typeof rowid !== "number") throw problems.validation([{ parameter: "cursor", detail: "This cursor is not one the API returned." }]);
      after = rowid;
    }
    const rows = await base
      .innerJoin(contactsFts, eq(contactsFts.rowid, contacts.searchRowid))
      .where(and(sql`contacts_fts MATCH ${match}`, ...(after !== undefined ? [lt(contactsFts.rowid, after)] : []), ...where))
      .orderBy(desc(contactsFts.rowid))
      .limit(query.limit + 1);
    return toPage(rows, query.limit, (row) => [row.contact.searchRowid], (row) => toContact(row.contact, row.company));
  }

  if (query.deleted) {
    const rows = await base
      .where(and(...where, ...(cursor ? [keysetAfter(sql`${contacts.deletedAt}`, contacts.id, "desc", cursor) ?? sql`1`] : [])))
      .orderBy(...orderBy(sql`${contacts.deletedAt}`, contacts.id, "desc"))
      .limit(query.limit + 1);
    return toPage(rows, query.limit, (row) => [row.contact.deletedAt ?? 0, row.contact.id], (row) => toContact(row.contact, row.company));
  }

  const sort = sorts[query.sort];
  const after = keysetAfter(sort.value, contacts.id, sort.direction, cursor);
  const rows = await base
    .where(and(...where, ...(after ? [after] : [])))
    .orderBy(...orderBy(sort.value, contacts.id, sort.direction))
    .limit(query.limit + 1);
  return toPage(rows, query.limit, (row) => [sort.key(row.contact), row.contact.id], (row) => toContact(row.contact, row.company));
}

export async function listConsentRecords(db: Database, workspaceId: string, contactId: string): Promise<ConsentRecord[]> {
  await getContactRow(db, workspaceId, contactId, { includeDeleted: true });
  const rows = await db
    .select()
    .from(consentRecords)
    .where(and(eq(consentRecords.workspaceId, workspaceId), eq(consentRecords.contactId, contactId)))
    .orderBy(desc(consentRecords.id))
    .limit(200);
  return rows.map((row) => ({
    id: row.id,
    status: row.status,
    source: row.source,
    legal_basis: row.legalBasis,
    actor_type: row.actorType,
    actor_id: row.actorId,
    at: isoTime(row.at),
  }));
}

// ---- preparing input ---------------------------------------------------------------------------

function normalizePhones(input: readonly { number: string; label?: string | undefined }[], defaultCountry: string): StoredPhone[] {
  const errors: FieldError[] = [];
  const phones: StoredPhone[] = [];
  input.forEach((phone, index) => {
    const normalized = normalizePhone(phone.number, defaultCountry);
    if (!normalized) {
      errors.push({ pointer: `/phones/${index}/number`, code: "invalid_phone", detail: `This is not a valid phone number (default country ${defaultCountry}).` });
      return;
    }
    if (!phones.some((p) => p.e164 === normalized.e164)) phones.push({ e164: normalized.e164, raw: phone.number, label: phone.label ?? null });
  });
  if (errors.length > 0) throw problems.validation(errors);
  return phones;
}

function uniqueEmails(emails: readonly string[]): string[] {
  return [...new Set(emails)];
}

async function assertEmailsFree(db: Database, workspaceId: string, emails: readonly string[], exceptContactId: string | null) {
  if (emails.length === 0) return;
  const taken = await db
    .select({ email: contactEmails.email, contactId: contactEmails.contactId })
    .from(contactEmails)
    .where(and(eq(contactEmails.workspaceId, workspaceId), inArray(contactEmails.email, [...emails]), ...(exceptContactId ? [ne(contactEmails.contactId, exceptContactId)] : [])))
    .limit(1);
  const [first] = taken;
  if (first) throw duplicateEmail(first.contactId, emails.indexOf(first.email));
}

function duplicateEmail(existingId: string, index: number) {
  const detail = "A contact with this email already exists in the workspace.";
  return problems.conflict("duplicate_email", detail, {
    extensions: { existing_id: existingId },
    errors: [{ pointer: `/emails/${Math.max(0, index)}`, code: "duplicate_email", detail }],
  });
}

async function companyName(db: Database, workspaceId: string, companyId: string | null | undefined) {
  if (!companyId) return null;
  return assertCompanyInWorkspace(db, workspaceId, companyId, "/company_id");
}

function childRows(db: Database, workspaceId: string, contactId: string, emails: readonly string[], phones: readonly StoredPhone[], tags: readonly string[]) {
  return {
    emails: emails.map((email, position) => db.insert(contactEmails).values({ workspaceId, email, contactId, isPrimary: position === 0, position })),
    phones: phones.map((phone, position) => db.insert(contactPhones).values({ workspaceId, contactId, position, e164: phone.e164, raw: phone.raw, label: phone.label })),
    tags: tags.map((tag) => db.insert(contactTags).values({ workspaceId, tag, contactId })),
  };
}

/** Stored phones with their national numbers, as the search index wants them. */
export function nationalOf(phones: readonly StoredPhone[], defaultCountry: string) {
  return phones.map((p) => normalizePhone(p.e164, defaultCountry) ?? { e164: p.e164, national: p.e164.replace(/^\+/, "") });
}

function consentInsert(ctx: ServiceContext, contactId: string, consent: { status: ConsentStatus; source?: string | undefined; legal_basis?: string | undefined }) {
  return ctx.db.insert(consentRecords).values({
    id: newId("consent", ctx.now),
    workspaceId: ctx.actor.workspaceId,
    contactId,
    status: consent.status,
    source: consent.source ?? null,
    legalBasis: consent.legal_basis ?? null,
    actorType: ctx.actor.type,
    actorId: ctx.actor.id,
    at: ctx.now,
  });
}

// ---- writing -----------------------------------------------------------------------------------

/** The workspace's default phone country, read (one round trip) only when there are phones. */
async function phoneCountry(db: Database, workspaceId: string, hasPhones: boolean): Promise<string> {
  return hasPhones ? (await getWorkspaceRow(db, workspaceId)).defaultPhoneCountry : "";
}

/** The columns derived from who the contact is: its sort key and its primary email and phone. */
function identityColumns(firstName: string | null, lastName: string | null, emails: readonly string[], phones: readonly StoredPhone[]) {
  const primaryEmail = emails[0] ?? null;
  const primaryPhone = phones[0]?.e164 ?? null;
  return {
    firstName,
    lastName,
    nameSort: contactNameSort({ firstName, lastName, email: primaryEmail, phone: primaryPhone }),
    primaryEmail,
    primaryPhone,
    emails: JSON.stringify(emails),
    phones: JSON.stringify(phones),
  };
}

export async function createContact(ctx: ServiceContext, input: ContactCreateInput): Promise<Contact> {
  const workspaceId = ctx.actor.workspaceId;
  const country = await phoneCountry(ctx.db, workspaceId, (input.phones ?? []).length > 0);
  const emails = uniqueEmails(input.emails ?? []);
  const phones = normalizePhones(input.phones ?? [], country);
  const tags = normalizeTags(input.tags ?? []);
  const company = await companyName(ctx.db, workspaceId, input.company_id);
  const ownerId = input.owner_id === undefined ? (ctx.actor.type === "user" ? ctx.actor.id : null) : input.owner_id;
  if (ownerId) await assertMemberOfWorkspace(ctx.db, workspaceId, ownerId, "/owner_id");
  await assertEmailsFree(ctx.db, workspaceId, emails, null);

  const id = newId("contact", ctx.now);
  const firstName = input.first_name || null;
  const lastName = input.last_name || null;
  const consent = input.consent;
  const row = {
    id,
    workspaceId,
    searchRowid: nextSearchRowid,
    ...identityColumns(firstName, lastName, emails, phones),
    companyId: company?.id ?? null,
    jobTitle: input.job_title || null,
    lifecycleStage: input.lifecycle_stage ?? "lead",
    leadStatus: input.lead_status || null,
    ownerId,
    tags: JSON.stringify(tags),
    source: input.source || null,
    utmSource: input.utm_source || null,
    utmMedium: input.utm_medium || null,
    utmCampaign: input.utm_campaign || null,
    utmTerm: input.utm_term || null,
    utmContent: input.utm_content || null,
    referrer: input.referrer ?? null,
    landingPage: input.landing_page ?? null,
    city: input.city || null,
    country: input.country ?? null,
    timeZone: input.time_zone ?? null,
    language: input.language ?? null,
    birthday: input.birthday ?? null,
    consentStatus: consent?.status ?? "unknown",
    consentAt: consent ? ctx.now : null,
    consentSource: consent?.source ?? null,
    consentLegalBasis: consent?.legal_basis ?? null,
    createdBy: ctx.actor.id,
    updatedBy: ctx.actor.id,
    createdAt: ctx.now,
    updatedAt: ctx.now,
  };
  const children = childRows(ctx.db, workspaceId, id, emails, phones, tags);
  const doc = searchDocument({ workspaceId, firstName, lastName, emails, phones: nationalOf(phones, country), companyName: company?.name ?? null });
  try {
    await ctx.db.batch([
      ctx.db.insert(contacts).values(row),
      ...children.emails,
      ...children.phones,
      ...children.tags,
      ...(consent ? [consentInsert(ctx, id, consent)] : []),
      indexContact(ctx.db, id, doc),
      auditInsert(ctx, { action: "contact.created", entityType: "contact", entityId: id, before: null, after: contactSnapshotOf(row) }),
    ]);
  } catch (error) {
    if (!isUniqueViolation(error)) throw error;
    // Another request took one of the emails between our check and this batch.
    const [taken] = await ctx.db
      .select({ email: contactEmails.email, contactId: contactEmails.contactId })
      .from(contactEmails)
      .where(and(eq(contactEmails.workspaceId, workspaceId), inArray(contactEmails.email, emails)))
      .limit(1);
    throw taken ? duplicateEmail(taken.contactId, emails.indexOf(taken.email)) : error;
  }
  // Answered from what was written (the batch committed as a whole): no read-back round trip.
  return toContact(completeRow(row), company ? { id: company.id, name: company.name } : null);
}

type NewContactRow = Omit<ContactRow, "searchRowid" | "version" | "deletedAt" | "lastActivityAt" | "firstSeenAt" | "lastSeenAt" | "mergedIntoId"> & { searchRowid: unknown };

/** A just-inserted row as it now stands in D1 (its search rowid is internal and not needed). */
function completeRow(row: NewContactRow): ContactRow {
  return { ...row, searchRowid: 0, version: 1, deletedAt: null, lastActivityAt: null, firstSeenAt: null, lastSeenAt: null, mergedIntoId: null };
}

function contactSnapshotOf(row: NewContactRow) {
  return contactSnapshot(completeRow(row));
}

function pick<T>(patch: T | undefined, current: T): T {
  return patch === undefined ? current : patch;
}

function emptyToNull(value: string | null | undefined): string | null | undefined {
  return value === "" ? null : value;
}

export async function updateContact(ctx: ServiceContext, id: string, patch: ContactPatchInput, expectedVersion: number | null): Promise<Contact> {
  const workspaceId = ctx.actor.workspaceId;
  const { contact: current, company: currentCompany } = await getContactRow(ctx.db, workspaceId, id);
  assertVersion(expectedVersion, current.version);
  const country = await phoneCountry(ctx.db, workspaceId, (patch.phones ?? phonesOf(current)).length > 0);

  const emails = patch.emails === undefined ? emailsOf(current) : uniqueEmails(patch.emails);
  const phones = patch.phones === undefined ? phonesOf(current) : normalizePhones(patch.phones, country);
  const tags = patch.tags === undefined ? tagsOf(current) : normalizeTags(patch.tags);
  if (patch.emails !== undefined) await assertEmailsFree(ctx.db, workspaceId, emails, id);
  if (patch.owner_id) await assertMemberOfWorkspace(ctx.db, workspaceId, patch.owner_id, "/owner_id");
  const company = patch.company_id === undefined ? undefined : await companyName(ctx.db, workspaceId, patch.company_id);

  const firstName = pick(emptyToNull(patch.first_name), current.firstName);
  const lastName = pick(emptyToNull(patch.last_name), current.lastName);
  if (!firstName && !lastName && emails.length === 0 && phones.length === 0) {
    throw problems.validation([{ pointer: "/first_name", code: "identity_required", detail: "Give the contact a name, an email or a phone." }]);
  }
  const consentChanged = patch.consent !== undefined && (patch.consent.status !== current.consentStatus || patch.consent.source !== undefined || patch.consent.legal_basis !== undefined);
  const next: ContactRow = {
    ...current,
    ...identityColumns(firstName, lastName, emails, phones),
    companyId: company === undefined ? current.companyId : (company?.id ?? null),
    jobTitle: pick(emptyToNull(patch.job_title), current.jobTitle),
    lifecycleStage: patch.lifecycle_stage ?? current.lifecycleStage,
    leadStatus: pick(emptyToNull(patch.lead_status), current.leadStatus),
    ownerId: pick(patch.owner_id, current.ownerId),
    tags: JSON.stringify(tags),
    source: pick(emptyToNull(patch.source), current.source),
    utmSource: pick(emptyToNull(patch.utm_source), current.utmSource),
    utmMedium: pick(emptyToNull(patch.utm_medium), current.utmMedium),
    utmCampaign: pick(emptyToNull(patch.utm_campaign), current.utmCampaign),
    utmTerm: pick(emptyToNull(patch.utm_term), current.utmTerm),
    utmContent: pick(emptyToNull(patch.utm_content), current.utmContent),
    referrer: pick(patch.referrer, current.referrer),
    landingPage: pick(patch.landing_page, current.landingPage),
    city: pick(emptyToNull(patch.city), current.city),
    country: pick(patch.country, current.country),
    timeZone: pick(patch.time_zone, current.timeZone),
    language: pick(patch.language, current.language),
    birthday: pick(patch.birthday, current.birthday),
    consentStatus: patch.consent?.status ?? current.consentStatus,
    consentAt: consentChanged ? ctx.now : current.consentAt,
    consentSource: consentChanged ? (patch.consent?.source ?? null) : current.consentSource,
    consentLegalBasis: consentChanged ? (patch.consent?.legal_basis ?? null) : current.consentLegalBasis,
    updatedBy: ctx.actor.id,
    updatedAt: ctx.now,
    version: current.version + 1,
  };

  const { id: _id, workspaceId: _ws, searchRowid: _rowid, createdAt: _createdAt, createdBy: _createdBy, ...changes } = next;
  const writes = [];
  if (patch.emails !== undefined) writes.push(ctx.db.delete(contactEmails).where(eq(contactEmails.contactId, id)));
  if (patch.phones !== undefined) writes.push(ctx.db.delete(contactPhones).where(eq(contactPhones.contactId, id)));
  if (patch.tags !== undefined) writes.push(ctx.db.delete(contactTags).where(eq(contactTags.contactId, id)));
  const children = childRows(ctx.db, workspaceId, id, patch.emails !== undefined ? emails : [], patch.phones !== undefined ? phones : [], patch.tags !== undefined ? tags : []);
  const companyForIndex = company === undefined ? (currentCompany?.name ?? null) : (company?.name ?? null);
  const doc = searchDocument({ workspaceId, firstName, lastName, emails, phones: nationalOf(phones, country), companyName: companyForIndex });

  await ctx.db
    .batch([
      versionGuard(ctx.db, contacts, id, current.version),
      ctx.db.update(contacts).set(changes).where(eq(contacts.id, id)),
      ...writes,
      ...children.emails,
      ...children.phones,
      ...children.tags,
      ...(consentChanged && patch.consent ? [consentInsert(ctx, id, patch.consent)] : []),
      reindexContact(ctx.db, current.searchRowid, doc),
      auditInsert(ctx, { action: "contact.updated", entityType: "contact", entityId: id, before: contactSnapshot(current), after: contactSnapshot(next) }),
    ])
    .catch(async (error: unknown) => {
      if (isVersionConflict(error)) throw problems.preconditionFailed((await getContactRow(ctx.db, workspaceId, id)).contact.version);
      if (isUniqueViolation(error)) throw problems.conflict("duplicate_email", "A contact with this email already exists in the workspace.");
      throw error;
    });
  return toContact(next, company === undefined ? currentCompany : company && { id: company.id, name: company.name });
}

export async function deleteContact(ctx: ServiceContext, id: string) {
  const { contact } = await getContactRow(ctx.db, ctx.actor.workspaceId, id);
  await ctx.db.batch([
    versionGuard(ctx.db, contacts, id, contact.version),
    ctx.db.update(contacts).set({ deletedAt: ctx.now, updatedAt: ctx.now, updatedBy: ctx.actor.id, version: contact.version + 1 }).where(eq(contacts.id, id)),
    unindexContact(ctx.db, contact.searchRowid),
    auditInsert(ctx, { action: "contact.deleted", entityType: "contact", entityId: id, before: { deleted_at: null }, after: { deleted_at: isoTime(ctx.now) } }),
  ]).catch(raceToConflict);
}

export async function restoreContact(ctx: ServiceContext, id: string, options: { ignoreWindow?: boolean } = {}): Promise<Contact> {
  const workspaceId = ctx.actor.workspaceId;
  const { contact, company } = await getContactRow(ctx.db, workspaceId, id, { includeDeleted: true });
  if (contact.deletedAt === null) return toContact(contact, company);
  if (!options.ignoreWindow && contact.deletedAt < ctx.now - restoreWindowMs) throw problems.gone("restore_window_passed", "Deleted contacts can be restored for 30 days.");
  const storedPhones = phonesOf(contact);
  const country = await phoneCountry(ctx.db, workspaceId, storedPhones.length > 0);
  const doc = searchDocument({
    workspaceId,
    firstName: contact.firstName,
    lastName: contact.lastName,
    emails: emailsOf(contact),
    phones: nationalOf(storedPhones, country),
    companyName: company?.name ?? null,
  });
  await ctx.db.batch([
    versionGuard(ctx.db, contacts, id, contact.version),
    ctx.db.update(contacts).set({ deletedAt: null, updatedAt: ctx.now, updatedBy: ctx.actor.id, version: contact.version + 1 }).where(eq(contacts.id, id)),
    indexContact(ctx.db, id, doc),
    auditInsert(ctx, { action: "contact.restored", entityType: "contact", entityId: id, before: { deleted_at: isoTime(contact.deletedAt) }, after: { deleted_at: null } }),
  ]).catch(raceToConflict);
  return getContact(ctx.db, workspaceId, id);
}
