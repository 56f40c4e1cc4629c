import { and, eq, gte, inArray, isNotNull, isNull, sql, type SQL } from "drizzle-orm";
import type { BatchItem } from "drizzle-orm/batch";
import type { Database } from "../db/client";
import { auditLog, companies, contacts, contactTags } from "../db/schema";
import { nationalOf, restoreWindowMs } from "./contact.service";
import { problems } from "../http/problem";
import type { ServiceContext } from "../lib/service-context";
import type { ContactBulkInput } from "./contact.schema";
import { normalizeTags, searchDocument } from "./normalize";
import { emailsOf, phonesOf } from "./contact.mapper";
import { getWorkspaceRow } from "../workspaces/workspace.service";
import { assertMemberOfWorkspace } from "./references";
import { contactsFts } from "./search-index";

// Bulk changes are set-based SQL in one batch (one transaction): all-or-nothing, and a few dozen
// statements for 500 contacts instead of thousands. Ids are chunked to stay under D1's 100 bound
// parameters per statement.
const chunkSize = 80;

function chunks<T>(items: readonly T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += chunkSize) out.push(items.slice(i, i + chunkSize));
  return out;
}

// Every id must be a contact of this workspace: live ones for changes, recently deleted ones
// (within the restore window) for a restore.
async function assertAllPresent(db: Database, workspaceId: string, ids: readonly string[], deleted: { since: number } | null) {
  const found = new Set<string>();
  for (const part of chunks(ids)) {
    const rows = await db
      .select({ id: contacts.id })
      .from(contacts)
      .where(
        and(
          eq(contacts.workspaceId, workspaceId),
          inArray(contacts.id, part),
          deleted ? and(isNotNull(contacts.deletedAt), gte(contacts.deletedAt, deleted.since)) : isNull(contacts.deletedAt),
        ),
      );
    for (const row of rows) found.add(row.id);
  }
  const missing = ids.filter((id) => !found.has(id));
  if (missing.length > 0) {
    throw problems.validation(
      missing.slice(0, 20).map((id) => ({ pointer: `/ids/${ids.indexOf(id)}`, code: "unknown_contact", detail: `No contact ${id} in this workspace.` })),
      `${missing.length} of the ids are not contacts of this workspace; nothing was changed.`,
    );
  }
}

/** One audit row per contact, written by SQL from the rows themselves (before the change). */
function auditRows(ctx: ServiceContext, ids: readonly string[], action: string, before: SQL, after: SQL) {
  const idPrefix = `aud_${ctx.now.toString(36).padStart(10, "0")}`;
  return ctx.db.insert(auditLog).select(
    ctx.db
      .select({
        id: sql<string>`${idPrefix} || lower(hex(randomblob(8)))`.as("id"),
        workspaceId: contacts.workspaceId,
        actorType: sql<"user" | "api_key" | "system">`${ctx.actor.type}`.as("actor_type"),
        actorId: sql<string | null>`${ctx.actor.id}`.as("actor_id"),
        action: sql<string>`${action}`.as("action"),
        entityType: sql<string>`'contact'`.as("entity_type"),
        entityId: contacts.id,
        diff: sql<string>`json_object('before', json(${before}), 'after', json(${after}))`.as("diff"),
        requestId: sql<string | null>`${ctx.requestId}`.as("request_id"),
        at: sql<number>`${ctx.now}`.as("at"),
      })
      .from(contacts)
      .where(and(eq(contacts.workspaceId, ctx.actor.workspaceId), inArray(contacts.id, [...ids]))),
  );
}

/** Search documents for restored contacts, built by the same code as single writes; 16 rows per insert. */
async function searchInserts(db: Database, workspaceId: string, ids: readonly string[]): Promise<BatchItem<"sqlite">[]> {
  const workspace = await getWorkspaceRow(db, workspaceId);
  const documents: (typeof contactsFts.$inferInsert)[] = [];
  for (const part of chunks(ids)) {
    const rows = await db
      .select({ contact: contacts, companyName: companies.name })
      .from(contacts)
      .leftJoin(companies, and(eq(companies.id, contacts.companyId), isNull(companies.deletedAt)))
      .where(and(eq(contacts.workspaceId, workspaceId), inArray(contacts.id, part)));
    for (const { contact, companyName } of rows) {
      const phones = nationalOf(phonesOf(contact), workspace.defaultPhoneCountry);
      const doc = searchDocument({ workspaceId, firstName: contact.firstName, lastName: contact.lastName, emails: emailsOf(contact), phones, companyName });
      documents.push({ rowid: contact.searchRowid, ...doc });
    }
  }
  const inserts: BatchItem<"sqlite">[] = [];
  for (let i = 0; i < documents.length; i += 16) inserts.push(db.insert(contactsFts).values(documents.slice(i, i + 16)));
  return inserts;
}

const tagsFromTable = sql`(SELECT coalesce(json_group_array(tag), '[]') FROM (SELECT ${contactTags.tag} AS tag FROM ${contactTags} WHERE ${contactTags.contactId} = ${contacts.id} ORDER BY ${contactTags.tag}))`;

export async function bulkUpdateContacts(ctx: ServiceContext, input: ContactBulkInput): Promise<{ updated: number }> {
  const workspaceId = ctx.actor.workspaceId;
  const ids = [...new Set(input.ids)];
  await assertAllPresent(ctx.db, workspaceId, ids, input.action === "restore" ? { since: ctx.now - restoreWindowMs } : null);
  if (input.action === "set_owner" && input.owner_id) await assertMemberOfWorkspace(ctx.db, workspaceId, input.owner_id, "/owner_id");

  const stamp = { updatedAt: ctx.now, updatedBy: ctx.actor.id, version: sql<number>`${contacts.version} + 1` };
  const statements = chunks(ids).flatMap((part): BatchItem<"sqlite">[] => {
    const scope = and(eq(contacts.workspaceId, workspaceId), inArray(contacts.id, part));
    switch (input.action) {
      case "set_owner":
        return [
          auditRows(ctx, part, "contact.updated", sql`json_object('owner_id', ${contacts.ownerId})`, sql`json_object('owner_id', ${input.owner_id})`),
          ctx.db.update(contacts).set({ ownerId: input.owner_id, ...stamp }).where(scope),
        ];
      case "set_lifecycle_stage":
        return [
          auditRows(ctx, part, "contact.updated", sql`json_object('lifecycle_stage', ${contacts.lifecycleStage})`, sql`json_object('lifecycle_stage', ${input.lifecycle_stage})`),
          ctx.db.update(contacts).set({ lifecycleStage: input.lifecycle_stage, ...stamp }).where(scope),
        ];
      case "add_tags":
      case "remove_tags": {
        const tags = normalizeTags(input.tags);
        const change =
          input.action === "add_tags"
            ? tags.map((tag) =>
                ctx.db
                  .insert(contactTags)
                  .select(
                    ctx.db
                      .select({ workspaceId: contacts.workspaceId, tag: sql<string>`${tag}`.as("tag"), contactId: contacts.id })
                      .from(contacts)
                      .where(scope),
                  )
                  .onConflictDoNothing(),
              )
            : tags.map((tag) => ctx.db.delete(contactTags).where(and(eq(contactTags.workspaceId, workspaceId), inArray(contactTags.contactId, part), eq(contactTags.tag, tag))));
        // The audit row goes between the tag change and the copy into contacts.tags: "before" is
        // still the old copy, "after" is already the new set.
        return [
          ...change,
          auditRows(ctx, part, "contact.updated", sql`json_object('tags', json(${contacts.tags}))`, sql`json_object('tags', json(${tagsFromTable}))`),
          ctx.db.update(contacts).set({ tags: tagsFromTable, ...stamp }).where(scope),
        ];
      }
      case "restore":
        return [
          auditRows(ctx, part, "contact.restored", sql`json_object('deleted_at', ${contacts.deletedAt})`, sql`json_object('deleted_at', NULL)`),
          ctx.db.update(contacts).set({ deletedAt: null, ...stamp }).where(scope),
        ];
      case "delete":
        return [
          auditRows(ctx, part, "contact.deleted", sql`json_object('deleted_at', NULL)`, sql`json_object('deleted_at', ${new Date(ctx.now).toISOString()})`),
          ctx.db.delete(contactsFts).where(inArray(contactsFts.rowid, ctx.db.select({ rowid: contacts.searchRowid }).from(contacts).where(scope))),
          ctx.db.update(contacts).set({ deletedAt: ctx.now, ...stamp }).where(scope),
        ];
    }
  });
  if (input.action === "restore") statements.push(...(await searchInserts(ctx.db, workspaceId, ids)));
  const [first, ...rest] = statements;
  if (first) await ctx.db.batch([first, ...rest]);
  return { updated: ids.length };
}
