import { and, eq, isNull, sql, type SQL } from "drizzle-orm";
import type { BatchItem } from "drizzle-orm/batch";
import { z } from "zod";
import { latestContactActivitySql } from "../activities/latest-activity";
import { auditInsert } from "../audit/audit.service";
import type { Database } from "../db/client";
import { isUniqueViolation } from "../db/errors";
import { newId } from "../db/ids";
import {
  activities,
  companies,
  consentRecords,
  consentStatuses,
  contactEmails,
  contactMerges,
  contactPhones,
  contactTags,
  contacts,
  dealContacts,
  deals,
  duplicateClusterStatuses,
  duplicateClusters,
  formSubmissions,
  lifecycleStages,
  tasks,
} from "../db/schema";
import { isVersionConflict, versionGuard } from "../db/version-guard";
import { contactSnapshot, emailsOf, phonesOf, tagsOf, type ContactRow, type StoredPhone } from "../contacts/contact.mapper";
import type { Contact } from "../contacts/contact.schema";
import { getContact, nationalOf } from "../contacts/contact.service";
import { contactNameSort, normalizeTags, searchDocument } from "../contacts/normalize";
import { indexContact, reindexContact, unindexContact } from "../contacts/search-index";
import { isoTime } from "../http/fields";
import { problems, type FieldError } from "../http/problem";
import type { ServiceContext } from "../lib/service-context";
import { getWorkspaceRow } from "../workspaces/workspace.service";
import { clusterIds } from "./cluster.service";
import { mergeDealLinks, reverseDealLinkChanges, type DealLinkChange } from "./deal-links";
import type { Merge, MergeField, MergeInput } from "./duplicate.schema";
import { inJson } from "./records";

// Merging duplicates into one contact, and undoing it for 30 days. The merge row keeps a
// snapshot of every record before the merge and the ids of every link it moved, so undo can put
// each back. Contact-side writes are one D1 batch; deals are moved by the workspace hub (their
// single writer) through `relinkDeals`, before the batch, and moved back if the batch fails.

export const mergeUndoMs = 30 * 24 * 60 * 60 * 1000;
/** D1 stores a value of up to 2 MB; the snapshot stays well under it. */
const maxSnapshotBytes = 1_500_000;

export type RelinkDeals = (changes: DealLinkChange[]) => Promise<void>;
type MergeRow = typeof contactMerges.$inferSelect;
type ClusterRow = typeof duplicateClusters.$inferSelect;

// ---- the stored snapshot ------------------------------------------------------------------------

const nullableText = z.string().nullable();
const nullableNumber = z.number().nullable();
const ContactRowSchema = z.object({
  id: z.string(),
  workspaceId: z.string(),
  searchRowid: z.number(),
  firstName: nullableText,
  lastName: nullableText,
  nameSort: z.string(),
  primaryEmail: nullableText,
  primaryPhone: nullableText,
  emails: z.string(),
  phones: z.string(),
  companyId: nullableText,
  jobTitle: nullableText,
  lifecycleStage: z.enum(lifecycleStages),
  leadStatus: nullableText,
  ownerId: nullableText,
  tags: z.string(),
  source: nullableText,
  utmSource: nullableText,
  utmMedium: nullableText,
  utmCampaign: nullableText,
  utmTerm: nullableText,
  utmContent: nullableText,
  referrer: nullableText,
  landingPage: nullableText,
  firstSeenAt: nullableNumber,
  lastSeenAt: nullableNumber,
  city: nullableText,
  country: nullableText,
  timeZone: nullableText,
  language: nullableText,
  birthday: nullableText,
  consentStatus: z.enum(consentStatuses),
  consentAt: nullableNumber,
  consentSource: nullableText,
  consentLegalBasis: nullableText,
  lastActivityAt: nullableNumber,
  mergedIntoId: nullableText,
  createdBy: nullableText,
  updatedBy: nullableText,
  createdAt: z.number(),
  updatedAt: z.number(),
  version: z.number(),
  deletedAt: nullableNumber,
}) satisfies z.ZodType<ContactRow>;

const ClusterRowSchema = z.object({
  id: z.string(),
  workspaceId: z.string(),
  memberKey: z.string(),
  contactIds: z.string(),
  score: z.number(),
  reasons: z.string(),
  status: z.enum(duplicateClusterStatuses),
  scanId: nullableText,
  createdAt: z.number(),
  updatedAt: z.number(),
  resolvedAt: nullableNumber,
  resolvedBy: nullableText,
}) satisfies z.ZodType<ClusterRow>;

const idLists = z.record(z.string(), z.array(z.string()));
const Snapshot = z.object({
  primary: ContactRowSchema,
  primaryAfter: ContactRowSchema,
  duplicates: z.array(ContactRowSchema),
  links: z.object({ activities: idLists, tasks: idLists, submissions: idLists, consents: idLists }),
  deals: z.array(z.object({ dealId: z.string(), primary: z.object({ from: z.string(), to: z.string() }).nullable(), add: z.array(z.string()), remove: z.array(z.string()) })),
  /** Clusters the merge resolved (back to their status on undo) and stale ones it removed (put back). */
  resolvedClusters: z.array(ClusterRowSchema),
  removedClusters: z.array(ClusterRowSchema),
});
type Snapshot = z.infer<typeof Snapshot>;

const StoredStrings = z.array(z.string());
const StoredFields = z.record(z.string(), z.string());

export function toMerge(row: MergeRow): Merge {
  return {
    id: row.id,
    primary_id: row.primaryId,
    duplicate_ids: StoredStrings.parse(JSON.parse(row.duplicateIds)),
    fields: StoredFields.parse(JSON.parse(row.fields)),
    created_at: isoTime(row.createdAt),
    undo_until: isoTime(row.expiresAt),
    undone_at: isoTime(row.undoneAt),
  };
}

export async function getMergeRow(db: Database, workspaceId: string, id: string): Promise<MergeRow> {
  const [row] = await db
    .select()
    .from(contactMerges)
    .where(and(eq(contactMerges.workspaceId, workspaceId), eq(contactMerges.id, id)))
    .limit(1);
  if (!row) throw problems.notFound("merge");
  return row;
}

// ---- choosing the surviving values --------------------------------------------------------------

type Columns = (keyof ContactRow)[];

// Each choosable field and the columns it decides together (a consent is one decision). "name",
// "email" and "phone" are handled on their own: name picks both name columns, email and phone
// pick whose address or number comes first.
type ColumnField = Exclude<MergeField, "name" | "email" | "phone">;
const fieldColumns: Record<ColumnField, Columns> = {
  first_name: ["firstName"],
  last_name: ["lastName"],
  company_id: ["companyId"],
  job_title: ["jobTitle"],
  lifecycle_stage: ["lifecycleStage"],
  lead_status: ["leadStatus"],
  owner_id: ["ownerId"],
  source: ["source"],
  utm_source: ["utmSource"],
  utm_medium: ["utmMedium"],
  utm_campaign: ["utmCampaign"],
  utm_term: ["utmTerm"],
  utm_content: ["utmContent"],
  referrer: ["referrer"],
  landing_page: ["landingPage"],
  city: ["city"],
  country: ["country"],
  time_zone: ["timeZone"],
  language: ["language"],
  birthday: ["birthday"],
  consent: ["consentStatus", "consentAt", "consentSource", "consentLegalBasis"],
};

const columnFields = Object.keys(fieldColumns).filter((field): field is ColumnField => field in fieldColumns);

function isEmpty(row: ContactRow, field: ColumnField): boolean {
  if (field === "consent") return row.consentStatus === "unknown";
  const [column] = fieldColumns[field];
  const value = column === undefined ? null : row[column];
  return value === null || value === "";
}

/** The merged primary row (without last_activity_at, which SQL works out after the links move). */
function survivingRow(ctx: ServiceContext, ordered: readonly ContactRow[], chosen: Partial<Record<MergeField, string>>) {
  const [primary] = ordered;
  if (!primary) throw new Error("a merge needs a primary");
  const byId = (id: string) => ordered.find((row) => row.id === id) ?? primary;
  const sources: Record<string, string> = {};
  const next: ContactRow = { ...primary };
  const assign = <K extends keyof ContactRow>(target: ContactRow, source: ContactRow, column: K) => {
    target[column] = source[column];
  };
  for (const field of columnFields) {
    const columns = fieldColumns[field];
    const explicit = chosen[field] ?? (field === "first_name" || field === "last_name" ? chosen.name : undefined);
    const source = explicit ? byId(explicit) : (ordered.find((row) => !isEmpty(row, field)) ?? primary);
    sources[field] = source.id;
    for (const column of columns) assign(next, source, column);
  }
  const emailSource = chosen.email ? byId(chosen.email) : (ordered.find((row) => emailsOf(row).length > 0) ?? primary);
  const phoneSource = chosen.phone ? byId(chosen.phone) : (ordered.find((row) => phonesOf(row).length > 0) ?? primary);
  sources.email = emailSource.id;
  sources.phone = phoneSource.id;
  if (chosen.name) sources.name = chosen.name;
  const emails = [...new Set([...emailsOf(emailSource), ...ordered.flatMap(emailsOf)])];
  const phones: StoredPhone[] = [];
  for (const phone of [...phonesOf(phoneSource), ...ordered.flatMap(phonesOf)]) if (!phones.some((p) => p.e164 === phone.e164)) phones.push(phone);
  const tags = normalizeTags(ordered.flatMap(tagsOf));
  const seen = ordered.map((row) => row.firstSeenAt).filter((at): at is number => at !== null);
  const lastSeen = ordered.map((row) => row.lastSeenAt).filter((at): at is number => at !== null);
  Object.assign(next, identity(next.firstName, next.lastName, emails, phones), {
    tags: JSON.stringify(tags),
    firstSeenAt: seen.length > 0 ? Math.min(...seen) : null,
    lastSeenAt: lastSeen.length > 0 ? Math.max(...lastSeen) : null,
    updatedAt: ctx.now,
    updatedBy: ctx.actor.id,
    version: primary.version + 1,
  });
  return { next, sources };
}

/** The columns derived from the name, emails and phones, as the contacts service derives them. */
function identity(firstName: string | null, lastName: string | null, emails: readonly string[], phones: readonly StoredPhone[]) {
  const primaryEmail = emails[0] ?? null;
  const primaryPhone = phones[0]?.e164 ?? null;
  return {
    nameSort: contactNameSort({ firstName, lastName, email: primaryEmail, phone: primaryPhone }),
    primaryEmail,
    primaryPhone,
    emails: JSON.stringify(emails),
    phones: JSON.stringify(phones),
  };
}

/** contact_emails, contact_phones and contact_tags rows of a contact, from its row's JSON lists. */
function childInserts(db: Database, row: ContactRow): BatchItem<"sqlite">[] {
  const workspaceId = row.workspaceId;
  return [
    ...emailsOf(row).map((email, position) => db.insert(contactEmails).values({ workspaceId, email, contactId: row.id, isPrimary: position === 0, position })),
    ...phonesOf(row).map((phone, position) => db.insert(contactPhones).values({ workspaceId, contactId: row.id, position, e164: phone.e164, raw: phone.raw, label: phone.label })),
    ...tagsOf(row).map((tag) => db.insert(contactTags).values({ workspaceId, tag, contactId: row.id })),
  ];
}

function childDeletes(db: Database, ids: readonly string[]): BatchItem<"sqlite">[] {
  return [db.delete(contactEmails).where(inJson(contactEmails.contactId, ids)), db.delete(contactPhones).where(inJson(contactPhones.contactId, ids)), db.delete(contactTags).where(inJson(contactTags.contactId, ids))];
}

async function searchDoc(db: Database, row: ContactRow, defaultCountry: string) {
  const [company] = row.companyId
    ? await db.select({ name: companies.name }).from(companies).where(and(eq(companies.id, row.companyId), isNull(companies.deletedAt))).limit(1)
    : [];
  return searchDocument({
    workspaceId: row.workspaceId,
    firstName: row.firstName,
    lastName: row.lastName,
    emails: emailsOf(row),
    phones: nationalOf(phonesOf(row), defaultCountry),
    companyName: company?.name ?? null,
  });
}

// ---- reading what a merge touches --------------------------------------------------------------

async function contactRows(db: Database, workspaceId: string, ids: readonly string[]): Promise<ContactRow[]> {
  return db.select().from(contacts).where(and(eq(contacts.workspaceId, workspaceId), inJson(contacts.id, ids)));
}

const linkTables = {
  activities: { table: activities, id: activities.id, contact: activities.contactId, workspace: activities.workspaceId },
  tasks: { table: tasks, id: tasks.id, contact: tasks.contactId, workspace: tasks.workspaceId },
  submissions: { table: formSubmissions, id: formSubmissions.id, contact: formSubmissions.contactId, workspace: formSubmissions.workspaceId },
  consents: { table: consentRecords, id: consentRecords.id, contact: consentRecords.contactId, workspace: consentRecords.workspaceId },
} as const;
type LinkKind = keyof typeof linkTables;

/** The ids of each duplicate's activities, tasks, submissions and consent records (deleted ones too). */
async function linkedIds(db: Database, workspaceId: string, duplicateIds: readonly string[]): Promise<Snapshot["links"]> {
  const read = async (kind: LinkKind) => {
    const link = linkTables[kind];
    const rows = await db
      .select({ id: link.id, contactId: link.contact })
      .from(link.table)
      .where(and(eq(link.workspace, workspaceId), inJson(link.contact, duplicateIds)));
    const byContact: Record<string, string[]> = {};
    for (const row of rows) if (row.contactId) (byContact[row.contactId] ??= []).push(row.id);
    return byContact;
  };
  const [activityIds, taskIds, submissionIds, consentIds] = await Promise.all([read("activities"), read("tasks"), read("submissions"), read("consents")]);
  return { activities: activityIds, tasks: taskIds, submissions: submissionIds, consents: consentIds };
}

async function dealLinksOf(db: Database, workspaceId: string, primaryId: string, duplicateIds: readonly string[]): Promise<DealLinkChange[]> {
  const asPrimary = await db.select({ id: deals.id }).from(deals).where(and(eq(deals.workspaceId, workspaceId), inJson(deals.primaryContactId, duplicateIds)));
  const asOther = await db.select({ id: dealContacts.dealId }).from(dealContacts).where(and(eq(dealContacts.workspaceId, workspaceId), inJson(dealContacts.contactId, duplicateIds)));
  const dealIds = [...new Set([...asPrimary, ...asOther].map((row) => row.id))];
  if (dealIds.length === 0) return [];
  const rows = await db.select({ id: deals.id, primaryContactId: deals.primaryContactId }).from(deals).where(and(eq(deals.workspaceId, workspaceId), inJson(deals.id, dealIds)));
  const links = await db.select().from(dealContacts).where(and(eq(dealContacts.workspaceId, workspaceId), inJson(dealContacts.dealId, dealIds)));
  const before = rows.map((row) => ({ ...row, contactIds: links.filter((link) => link.dealId === row.id).map((link) => link.contactId) }));
  return mergeDealLinks(before, primaryId, new Set(duplicateIds));
}

/** Open clusters with any of these contacts among their members (and the one the merge names). */
async function clustersTouching(db: Database, workspaceId: string, ids: readonly string[], clusterId: string | undefined): Promise<ClusterRow[]> {
  const touching: SQL = sql`EXISTS (SELECT 1 FROM json_each(${duplicateClusters.contactIds}) WHERE value IN (SELECT value FROM json_each(${JSON.stringify(ids)})))`;
  const rows = await db
    .select()
    .from(duplicateClusters)
    .where(and(eq(duplicateClusters.workspaceId, workspaceId), eq(duplicateClusters.status, "open"), touching));
  if (clusterId && !rows.some((row) => row.id === clusterId)) {
    const [named] = await db.select().from(duplicateClusters).where(and(eq(duplicateClusters.workspaceId, workspaceId), eq(duplicateClusters.id, clusterId))).limit(1);
    if (!named) throw problems.validation([{ pointer: "/cluster_id", code: "unknown_cluster", detail: "No duplicate cluster with that id in this workspace." }]);
    rows.push(named);
  }
  return rows;
}

function commitProblem(error: unknown): never {
  if (isVersionConflict(error)) throw problems.conflict("concurrent_change", "One of these contacts changed at the same moment. Reload them and try again.");
  if (isUniqueViolation(error)) throw problems.conflict("duplicate_email", "An email of these contacts now belongs to another contact.");
  throw error;
}

async function moveDeals(relinkDeals: RelinkDeals, changes: DealLinkChange[]) {
  if (changes.length > 0) await relinkDeals(changes);
}

// ---- merge -------------------------------------------------------------------------------------

export type MergeOutcome = { merge: Merge; contact: Contact; clusterIds: string[] };

export async function mergeContacts(ctx: ServiceContext, input: MergeInput, relinkDeals: RelinkDeals): Promise<MergeOutcome> {
  const workspaceId = ctx.actor.workspaceId;
  const selfIndex = input.duplicate_ids.indexOf(input.primary_id);
  if (selfIndex >= 0) {
    throw problems.unprocessable("merge_with_itself", "A contact cannot be merged into itself.", [
      { pointer: `/duplicate_ids/${selfIndex}`, code: "merge_with_itself", detail: "This is the primary contact." },
    ]);
  }
  const allIds = [input.primary_id, ...input.duplicate_ids];
  const found = await contactRows(ctx.db, workspaceId, allIds);
  const ordered: ContactRow[] = [];
  for (const id of allIds) {
    const row = found.find((candidate) => candidate.id === id);
    if (row && row.deletedAt !== null && row.mergedIntoId) {
      throw problems.conflict("already_merged", "This contact was merged into another one already.", { extensions: { contact_id: id, merged_into_id: row.mergedIntoId } });
    }
    if (!row || row.deletedAt !== null) throw problems.notFound("contact");
    ordered.push(row);
  }
  const chosen = input.fields ?? {};
  const fieldErrors: FieldError[] = Object.entries(chosen).flatMap(([field, id]) =>
    allIds.includes(id) ? [] : [{ pointer: `/fields/${field}`, code: "not_in_merge", detail: "Choose one of the contacts being merged." }],
  );
  if (fieldErrors.length > 0) throw problems.validation(fieldErrors);

  const [primary, ...duplicates] = ordered;
  if (!primary) throw problems.notFound("contact");
  const duplicateIds = duplicates.map((row) => row.id);
  const { next, sources } = survivingRow(ctx, ordered, chosen);
  const links = await linkedIds(ctx.db, workspaceId, duplicateIds);
  const dealChanges = await dealLinksOf(ctx.db, workspaceId, primary.id, duplicateIds);
  const touched = await clustersTouching(ctx.db, workspaceId, duplicateIds, input.cluster_id);
  const mergedSet = new Set(allIds);
  const resolved = touched.filter((row) => row.id === input.cluster_id || clusterIds(row).every((id) => mergedSet.has(id)));
  const removed = touched.filter((row) => !resolved.includes(row));
  const snapshot: Snapshot = { primary, primaryAfter: next, duplicates, links, deals: dealChanges, resolvedClusters: resolved, removedClusters: removed };
  const snapshotJson = JSON.stringify(snapshot);
  if (snapshotJson.length > maxSnapshotBytes) {
    throw problems.unprocessable("merge_too_large", "These contacts have too many linked records to merge with undo in one go; merge fewer at once.");
  }
  const workspace = await getWorkspaceRow(ctx.db, workspaceId);
  const primaryDoc = await searchDoc(ctx.db, next, workspace.defaultPhoneCountry);

  const mergeRow: MergeRow = {
    id: newId("merge", ctx.now),
    workspaceId,
    primaryId: primary.id,
    duplicateIds: JSON.stringify(duplicateIds),
    fields: JSON.stringify(sources),
    snapshot: snapshotJson,
    clusterId: input.cluster_id ?? null,
    createdBy: ctx.actor.id,
    createdAt: ctx.now,
    expiresAt: ctx.now + mergeUndoMs,
    undoneAt: null,
    undoneBy: null,
  };
  const { id: _id, workspaceId: _ws, searchRowid: _rowid, createdAt: _created, createdBy: _createdBy, lastActivityAt: _activity, ...changes } = next;
  const repoint = (kind: LinkKind) => {
    const link = linkTables[kind];
    return ctx.db
      .update(link.table)
      .set({ contactId: primary.id })
      .where(and(eq(link.workspace, workspaceId), inJson(link.contact, duplicateIds)));
  };

  // Deals first: if the contact batch then fails, the hub moves them back.
  await moveDeals(relinkDeals, dealChanges);
  try {
    await ctx.db.batch([
      versionGuard(ctx.db, contacts, primary.id, primary.version),
      ...duplicates.map((row) => versionGuard(ctx.db, contacts, row.id, row.version)),
      ctx.db.update(contacts).set(changes).where(eq(contacts.id, primary.id)),
      ...childDeletes(ctx.db, allIds),
      ...childInserts(ctx.db, next),
      repoint("activities"),
      repoint("tasks"),
      repoint("submissions"),
      repoint("consents"),
      ctx.db.update(contacts).set({ lastActivityAt: latestContactActivitySql(workspaceId, primary.id) }).where(eq(contacts.id, primary.id)),
      ...duplicates.map((row) =>
        ctx.db
          .update(contacts)
          .set({ deletedAt: ctx.now, mergedIntoId: primary.id, updatedAt: ctx.now, updatedBy: ctx.actor.id, version: row.version + 1 })
          .where(eq(contacts.id, row.id)),
      ),
      reindexContact(ctx.db, primary.searchRowid, primaryDoc),
      ...duplicates.map((row) => unindexContact(ctx.db, row.searchRowid)),
      ...resolved.map((row) =>
        ctx.db.update(duplicateClusters).set({ status: "merged", resolvedAt: ctx.now, resolvedBy: ctx.actor.id, updatedAt: ctx.now }).where(eq(duplicateClusters.id, row.id)),
      ),
      ...(removed.length > 0 ? [ctx.db.delete(duplicateClusters).where(inJson(duplicateClusters.id, removed.map((row) => row.id)))] : []),
      ctx.db.insert(contactMerges).values(mergeRow),
      auditInsert(ctx, { action: "contact.merged", entityType: "contact", entityId: primary.id, before: contactSnapshot(primary), after: { ...contactSnapshot(next), merged_ids: duplicateIds } }),
      ...duplicates.map((row) =>
        auditInsert(ctx, {
          action: "contact.merged_into",
          entityType: "contact",
          entityId: row.id,
          before: { deleted_at: null, merged_into_id: null },
          after: { deleted_at: isoTime(ctx.now), merged_into_id: primary.id },
        }),
      ),
    ]);
  } catch (error) {
    await moveDeals(relinkDeals, reverseDealLinkChanges(dealChanges)).catch((undoError: unknown) => console.error("Deals not moved back after a failed merge", mergeRow.id, undoError));
    commitProblem(error);
  }
  return { merge: toMerge(mergeRow), contact: await getContact(ctx.db, workspaceId, primary.id), clusterIds: resolved.map((row) => row.id) };
}

// ---- undo --------------------------------------------------------------------------------------

/** The columns of the surviving contact that undo sets back (unless changed since the merge). */
const restorableColumns = [
  "firstName",
  "lastName",
  "companyId",
  "jobTitle",
  "lifecycleStage",
  "leadStatus",
  "ownerId",
  "source",
  "utmSource",
  "utmMedium",
  "utmCampaign",
  "utmTerm",
  "utmContent",
  "referrer",
  "landingPage",
  "firstSeenAt",
  "lastSeenAt",
  "city",
  "country",
  "timeZone",
  "language",
  "birthday",
  "consentStatus",
  "consentAt",
  "consentSource",
  "consentLegalBasis",
] as const satisfies readonly (keyof ContactRow)[];

/**
 * Three-way restore of a list: what the merge added is taken out and what it removed is put back,
 * and anything changed by someone since the merge stays. Unchanged since the merge, it gives
 * back the list exactly as it was.
 */
function restoreList<T>(current: readonly T[], before: readonly T[], after: readonly T[], key: (item: T) => string): T[] {
  const beforeKeys = new Set(before.map(key));
  const afterKeys = new Set(after.map(key));
  const added = new Set([...afterKeys].filter((k) => !beforeKeys.has(k)));
  const kept = current.filter((item) => !added.has(key(item)));
  const keptKeys = new Set(kept.map(key));
  return [...kept, ...before.filter((item) => !afterKeys.has(key(item)) && !keptKeys.has(key(item)))];
}

function restoredPrimary(ctx: ServiceContext, current: ContactRow, snapshot: Snapshot): ContactRow {
  const { primary: before, primaryAfter: after } = snapshot;
  const next: ContactRow = { ...current };
  const restore = <K extends (typeof restorableColumns)[number]>(column: K) => {
    if (current[column] === after[column]) next[column] = before[column];
  };
  for (const column of restorableColumns) restore(column);
  const emails = current.emails === after.emails ? emailsOf(before) : restoreList(emailsOf(current), emailsOf(before), emailsOf(after), (email) => email);
  const phones = current.phones === after.phones ? phonesOf(before) : restoreList(phonesOf(current), phonesOf(before), phonesOf(after), (phone) => phone.e164);
  const tags = current.tags === after.tags ? tagsOf(before) : normalizeTags(restoreList(tagsOf(current), tagsOf(before), tagsOf(after), (tag) => tag));
  return {
    ...next,
    ...identity(next.firstName, next.lastName, emails, phones),
    tags: JSON.stringify(tags),
    updatedAt: ctx.now,
    updatedBy: ctx.actor.id,
    version: current.version + 1,
  };
}

export type UndoOutcome = { merge: Merge; contacts: Contact[]; clusterIds: string[] };

/**
 * Puts the duplicates back as they were, moves every link the merge moved back to its contact
 * (those not moved elsewhere since), and returns the survivor's fields to their values before
 * the merge where nobody changed them since. 409 when already undone, 410 after 30 days.
 */
export async function undoMerge(ctx: ServiceContext, id: string, relinkDeals: RelinkDeals): Promise<UndoOutcome> {
  const workspaceId = ctx.actor.workspaceId;
  const row = await getMergeRow(ctx.db, workspaceId, id);
  if (row.undoneAt !== null) throw problems.conflict("merge_undone", "This merge was undone already.");
  if (row.expiresAt < ctx.now) throw problems.gone("undo_window_passed", "A merge can be undone for 30 days.");
  const snapshot = Snapshot.parse(JSON.parse(row.snapshot));
  const duplicateIds = snapshot.duplicates.map((duplicate) => duplicate.id);
  const currentRows = await contactRows(ctx.db, workspaceId, [row.primaryId, ...duplicateIds]);
  const current = currentRows.find((candidate) => candidate.id === row.primaryId);
  if (!current || current.deletedAt !== null) throw problems.conflict("primary_deleted", "The merged contact was deleted since; restore it first, then undo the merge.");
  const currentDuplicates = snapshot.duplicates.map((before) => {
    const now = currentRows.find((candidate) => candidate.id === before.id);
    if (!now || now.mergedIntoId !== row.primaryId || now.deletedAt === null) {
      throw problems.conflict("concurrent_change", "One of the merged contacts was restored or changed since the merge.");
    }
    return { before, now };
  });

  const primary = restoredPrimary(ctx, current, snapshot);
  const duplicates = currentDuplicates.map(({ before, now }): ContactRow => ({ ...before, mergedIntoId: null, deletedAt: before.deletedAt, updatedAt: ctx.now, updatedBy: ctx.actor.id, version: now.version + 1 }));
  const workspace = await getWorkspaceRow(ctx.db, workspaceId);
  const primaryDoc = await searchDoc(ctx.db, primary, workspace.defaultPhoneCountry);
  const duplicateDocs = await Promise.all(duplicates.map((duplicate) => searchDoc(ctx.db, duplicate, workspace.defaultPhoneCountry)));
  const moveBack = (kind: LinkKind) =>
    Object.entries(snapshot.links[kind]).map(([duplicateId, ids]) => {
      const link = linkTables[kind];
      return ctx.db
        .update(link.table)
        .set({ contactId: duplicateId })
        .where(and(eq(link.workspace, workspaceId), eq(link.contact, row.primaryId), inJson(link.id, ids)));
    });
  const { id: _id, workspaceId: _ws, searchRowid: _rowid, createdAt: _created, createdBy: _createdBy, lastActivityAt: _activity, ...primaryChanges } = primary;

  try {
    await ctx.db.batch([
      versionGuard(ctx.db, contacts, current.id, current.version),
      ...currentDuplicates.map(({ now }) => versionGuard(ctx.db, contacts, now.id, now.version)),
      ctx.db.update(contacts).set(primaryChanges).where(eq(contacts.id, primary.id)),
      ...duplicates.map((duplicate) => {
        const { id: _dupId, workspaceId: _dupWs, searchRowid: _dupRowid, createdAt: _dupCreated, createdBy: _dupCreatedBy, lastActivityAt: _dupActivity, ...restored } = duplicate;
        return ctx.db.update(contacts).set(restored).where(eq(contacts.id, duplicate.id));
      }),
      ...childDeletes(ctx.db, [primary.id, ...duplicateIds]),
      ...childInserts(ctx.db, primary),
      ...duplicates.flatMap((duplicate) => childInserts(ctx.db, duplicate)),
      ...moveBack("activities"),
      ...moveBack("tasks"),
      ...moveBack("submissions"),
      ...moveBack("consents"),
      ...[primary, ...duplicates].map((contact) =>
        ctx.db.update(contacts).set({ lastActivityAt: latestContactActivitySql(workspaceId, contact.id) }).where(eq(contacts.id, contact.id)),
      ),
      reindexContact(ctx.db, current.searchRowid, primaryDoc),
      ...duplicates.flatMap((duplicate, index) => {
        const doc = duplicateDocs[index];
        return doc ? [indexContact(ctx.db, duplicate.id, doc)] : [];
      }),
      ...snapshot.resolvedClusters.map((cluster) =>
        ctx.db
          .update(duplicateClusters)
          .set({ status: cluster.status, resolvedAt: cluster.resolvedAt, resolvedBy: cluster.resolvedBy, updatedAt: ctx.now })
          .where(and(eq(duplicateClusters.id, cluster.id), eq(duplicateClusters.status, "merged"))),
      ),
      ...snapshot.removedClusters.map((cluster) => ctx.db.insert(duplicateClusters).values({ ...cluster, updatedAt: ctx.now }).onConflictDoNothing()),
      ctx.db.update(contactMerges).set({ undoneAt: ctx.now, undoneBy: ctx.actor.id }).where(and(eq(contactMerges.id, row.id), isNull(contactMerges.undoneAt))),
      auditInsert(ctx, { action: "contact.merge_undone", entityType: "contact", entityId: primary.id, before: contactSnapshot(current), after: { ...contactSnapshot(primary), restored_ids: duplicateIds } }),
      ...duplicates.map((duplicate) =>
        auditInsert(ctx, {
          action: "contact.unmerged",
          entityType: "contact",
          entityId: duplicate.id,
          before: { deleted_at: isoTime(ctx.now), merged_into_id: row.primaryId },
          after: { deleted_at: null, merged_into_id: null },
        }),
      ),
    ]);
  } catch (error) {
    commitProblem(error);
  }
  // The contacts are back; deals follow through the hub. Were it unreachable, the deals would stay
  // with the surviving contact (a live record), so the failure is logged rather than undoing the undo.
  await moveDeals(relinkDeals, reverseDealLinkChanges(snapshot.deals)).catch((error: unknown) => console.error("Deals not moved back by merge undo", row.id, error));
  const contactsAfter = await Promise.all([primary.id, ...duplicateIds].map((contactId) => getContact(ctx.db, workspaceId, contactId)));
  return {
    merge: toMerge({ ...row, undoneAt: ctx.now, undoneBy: ctx.actor.id }),
    contacts: contactsAfter,
    clusterIds: snapshot.resolvedClusters.map((cluster) => cluster.id),
  };
}
