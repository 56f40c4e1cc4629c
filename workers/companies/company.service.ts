import { and, count, eq, gte, isNotNull, isNull, lt, sql, type SQL } from "drizzle-orm";
import { auditInsert } from "../audit/audit.service";
import type { Database } from "../db/client";
import { isUniqueViolation } from "../db/errors";
import { newId } from "../db/ids";
import { companies, contacts } from "../db/schema";
import { isVersionConflict, raceToConflict, versionGuard } from "../db/version-guard";
import { assertVersion } from "../http/etag";
import { isoTime } from "../http/fields";
import { keysetAfter, orderBy, type Direction } from "../http/keyset";
import { decodeCursor, toPage } from "../http/pagination";
import { problems } from "../http/problem";
import type { ServiceContext } from "../lib/service-context";
import { getWorkspaceRow } from "../workspaces/workspace.service";
import { tagsOf } from "../contacts/contact.mapper";
import { companyNameSort, normalizeDomain, normalizePhone, normalizeTags } from "../contacts/normalize";
import { assertMemberOfWorkspace } from "../contacts/references";
import { contactsFts } from "../contacts/search-index";
import type { Company, CompanyCreateInput, CompanyListInput, CompanyPatchInput, CompanySort } from "./company.schema";

type CompanyRow = typeof companies.$inferSelect;
const restoreWindowMs = 30 * 24 * 60 * 60 * 1000;

export function toCompany(row: CompanyRow): Company {
  return {
    id: row.id,
    name: row.name,
    domain: row.domain,
    industry: row.industry,
    size_band: row.sizeBand,
    annual_revenue: row.annualRevenue === null || row.annualRevenueCurrency === null ? null : { amount: row.annualRevenue, currency: row.annualRevenueCurrency },
    phone: row.phone === null ? null : { e164: row.phone, raw: row.phoneRaw ?? row.phone },
    website: row.website,
    address: row.address,
    city: row.city,
    country: row.country,
    owner_id: row.ownerId,
    tags: tagsOf(row),
    last_activity_at: isoTime(row.lastActivityAt),
    created_by: row.createdBy,
    updated_by: row.updatedBy,
    created_at: isoTime(row.createdAt),
    updated_at: isoTime(row.updatedAt),
    version: row.version,
    deleted_at: isoTime(row.deletedAt),
  };
}

function companySnapshot(row: CompanyRow) {
  const { id: _id, created_at: _c, updated_at: _u, version: _v, deleted_at: _d, created_by: _cb, updated_by: _ub, last_activity_at: _l, ...fields } = toCompany(row);
  return fields;
}

export async function getCompanyRow(db: Database, workspaceId: string, id: string, options: { includeDeleted?: boolean } = {}) {
  const conditions = [eq(companies.workspaceId, workspaceId), eq(companies.id, id)];
  if (!options.includeDeleted) conditions.push(isNull(companies.deletedAt));
  const [row] = await db.select().from(companies).where(and(...conditions)).limit(1);
  if (!row) throw problems.notFound("company");
  return row;
}

type SortSpec = { value: SQL; direction: Direction; key: (row: CompanyRow) => string | number };
const sorts: Record<CompanySort, SortSpec> = {
  name: { value: sql`${companies.nameSort}`, direction: "asc", key: (r) => r.nameSort },
  "-name": { value: sql`${companies.nameSort}`, direction: "desc", key: (r) => r.nameSort },
  created_at: { value: sql`${companies.createdAt}`, direction: "asc", key: (r) => r.createdAt },
  "-created_at": { value: sql`${companies.createdAt}`, direction: "desc", key: (r) => r.createdAt },
  updated_at: { value: sql`${companies.updatedAt}`, direction: "asc", key: (r) => r.updatedAt },
  "-updated_at": { value: sql`${companies.updatedAt}`, direction: "desc", key: (r) => r.updatedAt },
};

/** The list's filters without its paging and order: what an export of "the current list" takes. */
export type CompanyFilterInput = Omit<CompanyListInput, "limit" | "cursor" | "sort">;

// name_sort drops the legal form ("UAB", "SIA", "ООО", "d.o.o.") and quotes, so `UAB "Alfa"`
// sorts under A and a prefix search for "alfa" is an index range, not a scan.
function companyFilters(workspaceId: string, query: CompanyFilterInput, now: number): SQL[] {
  const where: SQL[] = [eq(companies.workspaceId, workspaceId)];
  if (query.deleted) where.push(isNotNull(companies.deletedAt), gte(companies.deletedAt, now - restoreWindowMs));
  else where.push(isNull(companies.deletedAt));
  if (query.owner_id) where.push(eq(companies.ownerId, query.owner_id));
  if (query.q) {
    // A dotted query is a domain ("alfa.lt"); anything else a name. One index range each, so the
    // results stream out of the index already in order.
    const domain = query.q.trim().toLowerCase();
    const [column, prefix] = domain.includes(".") ? [companies.domain, domain] : [companies.nameSort, companyNameSort(query.q)];
    if (prefix) where.push(gte(column, prefix), lt(column, `${prefix}\uffff`));
  }
  return where;
}

/** How many companies the list's filters match, counted no further than cap + 1 (an export's check before it streams). */
export async function countCompaniesUpTo(db: Database, workspaceId: string, query: CompanyFilterInput, now: number, cap: number): Promise<number> {
  const matching = db
    .select({ one: sql<number>`1`.as("one") })
    .from(companies)
    .where(and(...companyFilters(workspaceId, query, now)))
    .limit(cap + 1);
  const [row] = await db.select({ n: count() }).from(matching.as("matching"));
  return row?.n ?? 0;
}

export async function listCompanies(db: Database, workspaceId: string, query: CompanyListInput, now: number) {
  const where = companyFilters(workspaceId, query, now);
  const sort = query.deleted ? sorts["-updated_at"] : sorts[query.sort];
  const after = keysetAfter(sort.value, companies.id, sort.direction, decodeCursor(query.cursor));
  const rows = await db
    .select()
    .from(companies)
    .where(and(...where, ...(after ? [after] : [])))
    .orderBy(...orderBy(sort.value, companies.id, sort.direction))
    .limit(query.limit + 1);
  return toPage(rows, query.limit, (row) => [sort.key(row), row.id], toCompany);
}

function prepare(input: CompanyPatchInput, defaultCountry: string) {
  const out: Partial<CompanyRow> = {};
  if (input.name !== undefined) {
    out.name = input.name;
    out.nameSort = companyNameSort(input.name);
  }
  if (input.domain !== undefined) {
    if (input.domain === null || input.domain === "") out.domain = null;
    else {
      const domain = normalizeDomain(input.domain);
      if (!domain) throw problems.validation([{ pointer: "/domain", code: "invalid_domain", detail: "Use a domain such as example.com." }]);
      out.domain = domain;
    }
  }
  if (input.phone !== undefined) {
    if (input.phone === null || input.phone === "") {
      out.phone = null;
      out.phoneRaw = null;
    } else {
      const phone = normalizePhone(input.phone, defaultCountry);
      if (!phone) throw problems.validation([{ pointer: "/phone", code: "invalid_phone", detail: `This is not a valid phone number (default country ${defaultCountry}).` }]);
      out.phone = phone.e164;
      out.phoneRaw = input.phone;
    }
  }
  if (input.annual_revenue !== undefined) {
    out.annualRevenue = input.annual_revenue?.amount ?? null;
    out.annualRevenueCurrency = input.annual_revenue?.currency ?? null;
  }
  if (input.industry !== undefined) out.industry = input.industry || null;
  if (input.size_band !== undefined) out.sizeBand = input.size_band;
  if (input.website !== undefined) out.website = input.website;
  if (input.address !== undefined) out.address = input.address || null;
  if (input.city !== undefined) out.city = input.city || null;
  if (input.country !== undefined) out.country = input.country;
  if (input.owner_id !== undefined) out.ownerId = input.owner_id;
  if (input.tags !== undefined) out.tags = JSON.stringify(normalizeTags(input.tags));
  return out;
}

function domainTaken(domain: string | null | undefined, existingId?: string) {
  const detail = `Another company in this workspace already has the domain ${domain ?? ""}.`;
  return problems.conflict("duplicate_domain", detail, {
    ...(existingId ? { extensions: { existing_id: existingId } } : {}),
    errors: [{ pointer: "/domain", code: "duplicate_domain", detail }],
  });
}

async function assertDomainFree(db: Database, workspaceId: string, domain: string | null | undefined, exceptId: string | null) {
  if (!domain) return;
  const [taken] = await db
    .select({ id: companies.id })
    .from(companies)
    .where(and(eq(companies.workspaceId, workspaceId), eq(companies.domain, domain), isNull(companies.deletedAt)))
    .limit(1);
  if (taken && taken.id !== exceptId) throw domainTaken(domain, taken.id);
}

export async function createCompany(ctx: ServiceContext, input: CompanyCreateInput): Promise<Company> {
  const workspaceId = ctx.actor.workspaceId;
  const workspace = await getWorkspaceRow(ctx.db, workspaceId);
  const fields = prepare(input, workspace.defaultPhoneCountry);
  const ownerId = input.owner_id === undefined ? (ctx.actor.type === "user" ? ctx.actor.id : null) : input.owner_id;
  if (ownerId) await assertMemberOfWorkspace(ctx.db, workspaceId, ownerId, "/owner_id");
  await assertDomainFree(ctx.db, workspaceId, fields.domain, null);
  const row: CompanyRow = {
    id: newId("company", ctx.now),
    workspaceId,
    name: input.name,
    nameSort: companyNameSort(input.name),
    domain: fields.domain ?? null,
    industry: fields.industry ?? null,
    sizeBand: fields.sizeBand ?? null,
    annualRevenue: fields.annualRevenue ?? null,
    annualRevenueCurrency: fields.annualRevenueCurrency ?? null,
    phone: fields.phone ?? null,
    phoneRaw: fields.phoneRaw ?? null,
    website: fields.website ?? null,
    address: fields.address ?? null,
    city: fields.city ?? null,
    country: fields.country ?? null,
    ownerId,
    tags: fields.tags ?? "[]",
    lastActivityAt: null,
    createdBy: ctx.actor.id,
    updatedBy: ctx.actor.id,
    createdAt: ctx.now,
    updatedAt: ctx.now,
    version: 1,
    deletedAt: null,
  };
  await ctx.db
    .batch([
      ctx.db.insert(companies).values(row),
      auditInsert(ctx, { action: "company.created", entityType: "company", entityId: row.id, before: null, after: companySnapshot(row) }),
    ])
    .catch((error: unknown) => {
      throw isUniqueViolation(error) ? domainTaken(row.domain) : error;
    });
  return toCompany(row);
}

/** Keeps the company name in its contacts' search documents, so "alfa" keeps finding its people. */
function reindexCompanyName(db: Database, workspaceId: string, companyId: string, name: string) {
  return db
    .update(contactsFts)
    .set({ company: name })
    .where(
      sql`${contactsFts.rowid} IN (SELECT ${contacts.searchRowid} FROM ${contacts} WHERE ${contacts.workspaceId} = ${workspaceId} AND ${contacts.companyId} = ${companyId} AND ${contacts.deletedAt} IS NULL)`,
    );
}

export async function updateCompany(ctx: ServiceContext, id: string, patch: CompanyPatchInput, expectedVersion: number | null): Promise<Company> {
  const workspaceId = ctx.actor.workspaceId;
  const current = await getCompanyRow(ctx.db, workspaceId, id);
  assertVersion(expectedVersion, current.version);
  const workspace = await getWorkspaceRow(ctx.db, workspaceId);
  const fields = prepare(patch, workspace.defaultPhoneCountry);
  if (patch.owner_id) await assertMemberOfWorkspace(ctx.db, workspaceId, patch.owner_id, "/owner_id");
  if (fields.domain !== undefined) await assertDomainFree(ctx.db, workspaceId, fields.domain, id);
  const next: CompanyRow = { ...current, ...fields, updatedAt: ctx.now, updatedBy: ctx.actor.id, version: current.version + 1 };
  const { id: _id, workspaceId: _ws, createdAt: _c, createdBy: _cb, ...changes } = next;
  await ctx.db
    .batch([
      versionGuard(ctx.db, companies, id, current.version),
      ctx.db.update(companies).set(changes).where(eq(companies.id, id)),
      ...(next.name !== current.name ? [reindexCompanyName(ctx.db, workspaceId, id, next.name)] : []),
      auditInsert(ctx, { action: "company.updated", entityType: "company", entityId: id, before: companySnapshot(current), after: companySnapshot(next) }),
    ])
    .catch(async (error: unknown) => {
      if (isVersionConflict(error)) throw problems.preconditionFailed((await getCompanyRow(ctx.db, workspaceId, id)).version);
      throw isUniqueViolation(error) ? domainTaken(next.domain) : error;
    });
  return toCompany(next);
}

export async function deleteCompany(ctx: ServiceContext, id: string) {
  const current = await getCompanyRow(ctx.db, ctx.actor.workspaceId, id);
  await ctx.db.batch([
    versionGuard(ctx.db, companies, id, current.version),
    ctx.db.update(companies).set({ deletedAt: ctx.now, updatedAt: ctx.now, updatedBy: ctx.actor.id, version: current.version + 1 }).where(eq(companies.id, id)),
    reindexCompanyName(ctx.db, ctx.actor.workspaceId, id, ""),
    auditInsert(ctx, { action: "company.deleted", entityType: "company", entityId: id, before: { deleted_at: null }, after: { deleted_at: isoTime(ctx.now) } }),
  ]).catch(raceToConflict);
}

export async function restoreCompany(ctx: ServiceContext, id: string): Promise<Company> {
  const current = await getCompanyRow(ctx.db, ctx.actor.workspaceId, id, { includeDeleted: true });
  if (current.deletedAt === null) return toCompany(current);
  if (current.deletedAt < ctx.now - restoreWindowMs) throw problems.gone("restore_window_passed", "Deleted companies can be restored for 30 days.");
  await assertDomainFree(ctx.db, ctx.actor.workspaceId, current.domain, id);
  const next: CompanyRow = { ...current, deletedAt: null, updatedAt: ctx.now, updatedBy: ctx.actor.id, version: current.version + 1 };
  await ctx.db.batch([
    versionGuard(ctx.db, companies, id, current.version),
    ctx.db.update(companies).set({ deletedAt: null, updatedAt: ctx.now, updatedBy: ctx.actor.id, version: next.version }).where(eq(companies.id, id)),
    reindexCompanyName(ctx.db, ctx.actor.workspaceId, id, current.name),
    auditInsert(ctx, { action: "company.restored", entityType: "company", entityId: id, before: { deleted_at: isoTime(current.deletedAt) }, after: { deleted_at: null } }),
  ]).catch(raceToConflict);
  return toCompany(next);
}
