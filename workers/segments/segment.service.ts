import { and, asc, count, eq, isNull, sql, type SQL } from "drizzle-orm";
import { auditInsert } from "../audit/audit.service";
import { toContact } from "../contacts/contact.mapper";
import type { Database } from "../db/client";
import { newId } from "../db/ids";
import { companies, contacts, segments } from "../db/schema";
import { unfinishedCampaignUsing } from "../campaigns/campaign-usage";
import { isVersionConflict, versionGuard } from "../db/version-guard";
import { isoTime } from "../http/fields";
import { problems } from "../http/problem";
import type { ServiceContext } from "../lib/service-context";
import { compileSegmentFilter } from "./compile";
import { SegmentFilter, type SegmentGroup } from "./segment-filter";
import type { Segment, SegmentCreateInput, SegmentPatchInput, SegmentPreview } from "./segment.schema";

export type SegmentRow = typeof segments.$inferSelect;

/** The stored filter, parsed (not cast): a row written around the API is a bug to surface. */
export function parseStoredFilter(row: SegmentRow): SegmentGroup {
  return SegmentFilter.parse(JSON.parse(row.filter));
}

export function toSegment(row: SegmentRow): Segment {
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    filter: parseStoredFilter(row),
    created_at: isoTime(row.createdAt),
    updated_at: isoTime(row.updatedAt),
    version: row.version,
  };
}

const snapshot = (row: SegmentRow) => ({ name: row.name, description: row.description, filter: row.filter });

export async function getSegmentRow(db: Database, workspaceId: string, id: string): Promise<SegmentRow> {
  const [row] = await db
    .select()
    .from(segments)
    .where(and(eq(segments.workspaceId, workspaceId), eq(segments.id, id), isNull(segments.deletedAt)))
    .limit(1);
  if (!row) throw problems.notFound("segment");
  return row;
}

/** A workspace has tens of segments, not thousands: one list by name (segments_workspace_idx), capped. */
export async function listSegments(db: Database, workspaceId: string): Promise<SegmentRow[]> {
  return db
    .select()
    .from(segments)
    .where(and(eq(segments.workspaceId, workspaceId), isNull(segments.deletedAt)))
    .orderBy(asc(segments.name), asc(segments.id))
    .limit(500);
}

export async function createSegment(ctx: ServiceContext, input: SegmentCreateInput): Promise<SegmentRow> {
  const row: SegmentRow = {
    id: newId("segment", ctx.now),
    workspaceId: ctx.actor.workspaceId,
    name: input.name,
    description: input.description,
    filter: JSON.stringify(input.filter),
    createdBy: ctx.actor.id,
    updatedBy: ctx.actor.id,
    createdAt: ctx.now,
    updatedAt: ctx.now,
    version: 1,
    deletedAt: null,
  };
  await ctx.db.batch([ctx.db.insert(segments).values(row), auditInsert(ctx, { action: "segment.created", entityType: "segment", entityId: row.id, before: null, after: snapshot(row) })]);
  return row;
}

export async function updateSegment(ctx: ServiceContext, id: string, patch: SegmentPatchInput, expectedVersion: number | null): Promise<SegmentRow> {
  const current = await getSegmentRow(ctx.db, ctx.actor.workspaceId, id);
  if (expectedVersion !== null && expectedVersion !== current.version) throw problems.preconditionFailed(current.version);
  const next: SegmentRow = {
    ...current,
    name: patch.name ?? current.name,
    description: patch.description === undefined ? current.description : patch.description,
    filter: patch.filter ? JSON.stringify(patch.filter) : current.filter,
    updatedBy: ctx.actor.id,
    updatedAt: ctx.now,
    version: current.version + 1,
  };
  await ctx.db
    .batch([
      versionGuard(ctx.db, segments, id, current.version),
      ctx.db
        .update(segments)
        .set({ name: next.name, description: next.description, filter: next.filter, updatedBy: next.updatedBy, updatedAt: next.updatedAt, version: next.version })
        .where(eq(segments.id, id)),
      auditInsert(ctx, { action: "segment.updated", entityType: "segment", entityId: id, before: snapshot(current), after: snapshot(next) }),
    ])
    .catch(async (error: unknown) => {
      if (isVersionConflict(error)) throw problems.preconditionFailed((await getSegmentRow(ctx.db, ctx.actor.workspaceId, id)).version);
      throw error;
    });
  return next;
}

/** Soft delete; refused while a campaign that has not finished still sends to it. */
export async function deleteSegment(ctx: ServiceContext, id: string): Promise<void> {
  const current = await getSegmentRow(ctx.db, ctx.actor.workspaceId, id);
  const inUse = await unfinishedCampaignUsing(ctx.db, ctx.actor.workspaceId, { segmentId: id });
  if (inUse) throw problems.conflict("segment_in_use", "A campaign that has not finished uses this segment. Change or cancel the campaign first.", { extensions: { campaign_id: inUse } });
  await ctx.db.batch([
    ctx.db.update(segments).set({ deletedAt: ctx.now, updatedAt: ctx.now }).where(eq(segments.id, id)),
    auditInsert(ctx, { action: "segment.deleted", entityType: "segment", entityId: id, before: snapshot(current), after: null }),
  ]);
}

/** The live contacts of a filter, as one condition on `contacts` (workspace and deleted_at included). */
export function segmentWhere(filter: SegmentGroup, workspaceId: string, now: number): SQL {
  return and(eq(contacts.workspaceId, workspaceId), isNull(contacts.deletedAt), compileSegmentFilter(filter, workspaceId, now)) ?? sql`1`;
}

/** The condition a saved segment adds to the contacts list (`segment_id=`); 422 for an unknown id. */
export async function savedSegmentCondition(db: Database, workspaceId: string, segmentId: string, now: number): Promise<SQL> {
  const [row] = await db
    .select()
    .from(segments)
    .where(and(eq(segments.workspaceId, workspaceId), eq(segments.id, segmentId), isNull(segments.deletedAt)))
    .limit(1);
  if (!row) throw problems.validation([{ parameter: "segment_id", code: "unknown_segment", detail: "No segment with that id in this workspace." }]);
  return compileSegmentFilter(parseStoredFilter(row), workspaceId, now);
}

/** The exact count (COUNT over the compiled condition) and the first contacts by name. */
export async function previewSegment(db: Database, workspaceId: string, filter: SegmentGroup, limit: number, now: number): Promise<SegmentPreview> {
  const where = segmentWhere(filter, workspaceId, now);
  // Two queries side by side rather than one D1 batch: drizzle maps batch results by column
  // name, and contacts.id and companies.id would collide (the sample came back without ids).
  const [counted, rows] = await Promise.all([
    db.select({ n: count() }).from(contacts).where(where),
    db
      .select({ contact: contacts, company: { id: companies.id, name: companies.name } })
      .from(contacts)
      .leftJoin(companies, and(eq(companies.id, contacts.companyId), isNull(companies.deletedAt)))
      .where(where)
      .orderBy(asc(contacts.nameSort), asc(contacts.id))
      .limit(limit),
  ]);
  return { count: counted[0]?.n ?? 0, data: rows.map((row) => toContact(row.contact, row.company)) };
}
