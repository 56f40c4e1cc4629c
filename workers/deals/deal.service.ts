import { and, asc, count, desc, eq, inArray, isNull, lt, sql, type SQL } from "drizzle-orm";
import type { BatchItem } from "drizzle-orm/batch";
import { auditInsert } from "../audit/audit.service";
import type { Database } from "../db/client";
import { newId } from "../db/ids";
import { companies, contacts, dealContacts, deals, dealStageHistory, stages, type StageKind } from "../db/schema";
import { isVersionConflict, raceToConflict, versionGuard } from "../db/version-guard";
import { isoTime } from "../http/fields";
import { idCursor, toPage } from "../http/pagination";
import { problems } from "../http/problem";
import type { ServiceContext } from "../lib/service-context";
import { tagsOf } from "../contacts/contact.mapper";
import { normalizeTags } from "../contacts/normalize";
import { assertCompanyInWorkspace, assertMemberOfWorkspace } from "../contacts/references";
import { getWorkspaceRow } from "../workspaces/workspace.service";
import { listPipelines } from "../pipelines/pipeline.service";
import type { Deal, DealCreateInput, DealPatchInput, StageChange } from "./deal.schema";

// Deal rows and their rules. Every write here is called by the WorkspaceHub Durable Object,
// which orders writes per workspace and computes positions from its board; these functions
// only know D1.

export type DealRow = typeof deals.$inferSelect;
type Ref = { id: string; name: string };
export type DealWithRefs = { deal: DealRow; contact: Ref | null; company: Ref | null; contactIds: string[] };

export function toDeal({ deal, contact, company, contactIds }: DealWithRefs): Deal {
  return {
    id: deal.id,
    title: deal.title,
    value: deal.value,
    currency: deal.currency,
    pipeline_id: deal.pipelineId,
    stage_id: deal.stageId,
    position: deal.position,
    primary_contact: contact,
    contact_ids: contactIds,
    company,
    owner_id: deal.ownerId,
    expected_close_date: deal.expectedCloseDate,
    status: deal.status,
    lost_reason: deal.lostReason,
    closed_at: isoTime(deal.closedAt),
    stage_entered_at: isoTime(deal.stageEnteredAt),
    last_activity_at: isoTime(deal.lastActivityAt),
    source: deal.source,
    tags: tagsOf(deal),
    created_by: deal.createdBy,
    created_at: isoTime(deal.createdAt),
    updated_at: isoTime(deal.updatedAt),
    version: deal.version,
  };
}

const contactName = sql<string | null>`CASE WHEN ${contacts.id} IS NULL THEN NULL ELSE coalesce(nullif(trim(coalesce(${contacts.firstName}, '') || ' ' || coalesce(${contacts.lastName}, '')), ''), ${contacts.primaryEmail}, ${contacts.primaryPhone}, '—') END`;

/** Deals with their primary contact's and company's names, for cards and pages. */
export async function loadDeals(db: Database, workspaceId: string, where: SQL[], options: { orderBy?: SQL[]; limit?: number } = {}): Promise<DealWithRefs[]> {
  const query = db
    .select({ deal: deals, contactId: contacts.id, contactName, companyId: companies.id, companyName: companies.name })
    .from(deals)
    .leftJoin(contacts, and(eq(contacts.id, deals.primaryContactId), isNull(contacts.deletedAt)))
    .leftJoin(companies, and(eq(companies.id, deals.companyId), isNull(companies.deletedAt)))
    .where(and(eq(deals.workspaceId, workspaceId), isNull(deals.deletedAt), ...where))
    .orderBy(...(options.orderBy ?? [asc(deals.position)]));
  const rows = options.limit ? await query.limit(options.limit) : await query;
  const others = new Map<string, string[]>();
  if (rows.length > 0) {
    // The other contacts of all these deals in one query (the same conditions as a subquery),
    // whatever the number of deals: a board of 2,000 deals is two round trips, not twenty-five.
    const links = await db
      .select()
      .from(dealContacts)
      .where(
        and(
          eq(dealContacts.workspaceId, workspaceId),
          inArray(
            dealContacts.dealId,
            options.limit
              ? // One JSON parameter however long the page: D1 binds at most 100 parameters.
                sql`(SELECT value FROM json_each(${JSON.stringify(rows.map((row) => row.deal.id))}))`
              : db
                  .select({ id: deals.id })
                  .from(deals)
                  .where(and(eq(deals.workspaceId, workspaceId), isNull(deals.deletedAt), ...where)),
          ),
        ),
      );
    for (const link of links) others.set(link.dealId, [...(others.get(link.dealId) ?? []), link.contactId]);
  }
  return rows.map((row) => ({
    deal: row.deal,
    contact: row.contactId ? { id: row.contactId, name: row.contactName ?? "—" } : null,
    company: row.companyId ? { id: row.companyId, name: row.companyName ?? "" } : null,
    contactIds: (others.get(row.deal.id) ?? []).sort(),
  }));
}

export async function getDeal(db: Database, workspaceId: string, id: string): Promise<DealWithRefs> {
  const [row] = await loadDeals(db, workspaceId, [eq(deals.id, id)]);
  if (!row) throw problems.notFound("deal");
  return row;
}

/** The deal list's filters (an export of "the current list" takes the same). */
export type DealFilterInput = {
  pipeline_id?: string | undefined;
  stage_id?: string | undefined;
  owner_id?: string | undefined;
  status?: "open" | "won" | "lost" | undefined;
  contact_id?: string | undefined;
  company_id?: string | undefined;
};

function dealFilters(workspaceId: string, query: DealFilterInput): SQL[] {
  const where: SQL[] = [];
  if (query.pipeline_id) where.push(eq(deals.pipelineId, query.pipeline_id));
  if (query.stage_id) where.push(eq(deals.stageId, query.stage_id));
  if (query.owner_id) where.push(eq(deals.ownerId, query.owner_id));
  if (query.status) where.push(eq(deals.status, query.status));
  if (query.company_id) where.push(eq(deals.companyId, query.company_id));
  if (query.contact_id) {
    where.push(
      sql`(${deals.primaryContactId} = ${query.contact_id} OR ${deals.id} IN (SELECT ${dealContacts.dealId} FROM ${dealContacts} WHERE ${dealContacts.workspaceId} = ${workspaceId} AND ${dealContacts.contactId} = ${query.contact_id}))`,
    );
  }
  return where;
}

/** How many deals the list's filters match, counted no further than cap + 1 (an export's check before it streams). */
export async function countDealsUpTo(db: Database, workspaceId: string, query: DealFilterInput, cap: number): Promise<number> {
  const matching = db
    .select({ one: sql<number>`1`.as("one") })
    .from(deals)
    .where(and(eq(deals.workspaceId, workspaceId), isNull(deals.deletedAt), ...dealFilters(workspaceId, query)))
    .limit(cap + 1);
  const [row] = await db.select({ n: count() }).from(matching.as("matching"));
  return row?.n ?? 0;
}

export async function listDeals(db: Database, workspaceId: string, query: DealFilterInput & { limit: number; cursor?: string | undefined }) {
  const where = dealFilters(workspaceId, query);
  const after = idCursor(query.cursor);
  if (after !== null) where.push(lt(deals.id, after));
  const rows = await loadDeals(db, workspaceId, where, { orderBy: [desc(deals.id)], limit: query.limit + 1 });
  return toPage(rows, query.limit, (row) => [row.deal.id], toDeal);
}

export async function dealHistory(db: Database, workspaceId: string, dealId: string): Promise<StageChange[]> {
  await getDeal(db, workspaceId, dealId);
  const rows = await db
    .select()
    .from(dealStageHistory)
    .where(and(eq(dealStageHistory.workspaceId, workspaceId), eq(dealStageHistory.dealId, dealId)))
    .orderBy(desc(dealStageHistory.id))
    .limit(500);
  return rows.map((row) => ({ id: row.id, from_stage_id: row.fromStageId, to_stage_id: row.toStageId, actor_type: row.actorType, actor_id: row.actorId, at: isoTime(row.at) }));
}

export async function findStage(db: Database, workspaceId: string, stageId: string, pointer: string) {
  const [stage] = await db.select().from(stages).where(and(eq(stages.workspaceId, workspaceId), eq(stages.id, stageId))).limit(1);
  if (!stage) throw problems.validation([{ pointer, code: "unknown_stage", detail: "No stage with that id in this workspace." }]);
  return stage;
}

async function assertContactsInWorkspace(db: Database, workspaceId: string, ids: readonly string[], pointer: (index: number) => string) {
  if (ids.length === 0) return;
  const found = await db
    .select({ id: contacts.id })
    .from(contacts)
    .where(and(eq(contacts.workspaceId, workspaceId), inArray(contacts.id, [...ids]), isNull(contacts.deletedAt)));
  const known = new Set(found.map((row) => row.id));
  const errors = ids.flatMap((id, index) => (known.has(id) ? [] : [{ pointer: pointer(index), code: "unknown_contact", detail: "No contact with that id in this workspace." }]));
  if (errors.length > 0) throw problems.validation(errors);
}

function statusFor(kind: StageKind): DealRow["status"] {
  return kind;
}

/** Where a new deal goes when the body does not say: the default pipeline's first open stage. */
export async function resolvePlacement(db: Database, workspaceId: string, input: { pipeline_id?: string | undefined; stage_id?: string | undefined }, now: number) {
  if (input.stage_id) {
    const stage = await findStage(db, workspaceId, input.stage_id, "/stage_id");
    if (input.pipeline_id && input.pipeline_id !== stage.pipelineId) {
      throw problems.validation([{ pointer: "/stage_id", code: "stage_not_in_pipeline", detail: "This stage belongs to another pipeline." }]);
    }
    return stage;
  }
  const all = await listPipelines(db, workspaceId, now);
  const pipeline = input.pipeline_id ? all.find((p) => p.id === input.pipeline_id) : (all.find((p) => p.is_default) ?? all[0]);
  if (!pipeline) throw problems.validation([{ pointer: "/pipeline_id", code: "unknown_pipeline", detail: "No pipeline with that id in this workspace." }]);
  const first = pipeline.stages.find((s) => s.kind === "open") ?? pipeline.stages[0];
  if (!first) throw problems.validation([{ pointer: "/pipeline_id", code: "empty_pipeline", detail: "This pipeline has no stages." }]);
  return findStage(db, workspaceId, first.id, "/stage_id");
}

export async function createDeal(ctx: ServiceContext, input: DealCreateInput, stage: typeof stages.$inferSelect, position: string): Promise<DealWithRefs> {
  const workspaceId = ctx.actor.workspaceId;
  const workspace = await getWorkspaceRow(ctx.db, workspaceId);
  if (input.company_id) await assertCompanyInWorkspace(ctx.db, workspaceId, input.company_id, "/company_id");
  if (input.primary_contact_id) await assertContactsInWorkspace(ctx.db, workspaceId, [input.primary_contact_id], () => "/primary_contact_id");
  const others = [...new Set(input.contact_ids ?? [])].filter((id) => id !== input.primary_contact_id);
  await assertContactsInWorkspace(ctx.db, workspaceId, others, (i) => `/contact_ids/${i}`);
  const ownerId = input.owner_id === undefined ? (ctx.actor.type === "user" ? ctx.actor.id : null) : input.owner_id;
  if (ownerId) await assertMemberOfWorkspace(ctx.db, workspaceId, ownerId, "/owner_id");
  const status = statusFor(stage.kind);
  const row: DealRow = {
    id: newId("deal", ctx.now),
    workspaceId,
    pipelineId: stage.pipelineId,
    stageId: stage.id,
    position,
    title: input.title,
    value: input.value,
    currency: input.currency ?? workspace.defaultCurrency,
    primaryContactId: input.primary_contact_id ?? null,
    companyId: input.company_id ?? null,
    ownerId,
    expectedCloseDate: input.expected_close_date ?? null,
    status,
    lostReason: status === "lost" ? (input.lost_reason ?? null) : null,
    closedAt: status === "open" ? null : ctx.now,
    stageEnteredAt: ctx.now,
    source: input.source ?? null,
    tags: JSON.stringify(normalizeTags(input.tags ?? [])),
    lastActivityAt: null,
    createdBy: ctx.actor.id,
    updatedBy: ctx.actor.id,
    createdAt: ctx.now,
    updatedAt: ctx.now,
    version: 1,
    deletedAt: null,
  };
  await ctx.db.batch([
    ctx.db.insert(deals).values(row),
    ...others.map((contactId) => ctx.db.insert(dealContacts).values({ workspaceId, dealId: row.id, contactId })),
    ctx.db.insert(dealStageHistory).values({ id: newId("stageChange", ctx.now), workspaceId, dealId: row.id, fromStageId: null, toStageId: stage.id, actorType: ctx.actor.type, actorId: ctx.actor.id, at: ctx.now }),
    auditInsert(ctx, { action: "deal.created", entityType: "deal", entityId: row.id, before: null, after: dealSnapshot(row) }),
  ]);
  return getDeal(ctx.db, workspaceId, row.id);
}

function dealSnapshot(row: DealRow) {
  return {
    title: row.title,
    value: row.value,
    currency: row.currency,
    stage_id: row.stageId,
    primary_contact_id: row.primaryContactId,
    company_id: row.companyId,
    owner_id: row.ownerId,
    expected_close_date: row.expectedCloseDate,
    status: row.status,
    lost_reason: row.lostReason,
    source: row.source,
    tags: tagsOf(row),
  };
}

export function staleDeal(current: DealWithRefs) {
  return problems.conflict("deal_changed", "Someone changed this deal first. Here is its current state.", { extensions: { current: toDeal(current) } });
}

async function commit(ctx: ServiceContext, current: DealRow, writes: BatchItem<"sqlite">[]) {
  await ctx.db.batch([versionGuard(ctx.db, deals, current.id, current.version), ...writes]).catch(async (error: unknown) => {
    if (isVersionConflict(error)) throw staleDeal(await getDeal(ctx.db, ctx.actor.workspaceId, current.id));
    throw error;
  });
}

export async function updateDeal(ctx: ServiceContext, current: DealRow, patch: DealPatchInput): Promise<DealWithRefs> {
  const workspaceId = ctx.actor.workspaceId;
  if (patch.company_id) await assertCompanyInWorkspace(ctx.db, workspaceId, patch.company_id, "/company_id");
  if (patch.primary_contact_id) await assertContactsInWorkspace(ctx.db, workspaceId, [patch.primary_contact_id], () => "/primary_contact_id");
  if (patch.contact_ids) await assertContactsInWorkspace(ctx.db, workspaceId, patch.contact_ids, (i) => `/contact_ids/${i}`);
  if (patch.owner_id) await assertMemberOfWorkspace(ctx.db, workspaceId, patch.owner_id, "/owner_id");
  const next: DealRow = {
    ...current,
    title: patch.title ?? current.title,
    value: patch.value ?? current.value,
    currency: patch.currency ?? current.currency,
    primaryContactId: patch.primary_contact_id === undefined ? current.primaryContactId : patch.primary_contact_id,
    companyId: patch.company_id === undefined ? current.companyId : patch.company_id,
    ownerId: patch.owner_id === undefined ? current.ownerId : patch.owner_id,
    expectedCloseDate: patch.expected_close_date === undefined ? current.expectedCloseDate : patch.expected_close_date,
    lostReason: patch.lost_reason === undefined ? current.lostReason : patch.lost_reason,
    source: patch.source === undefined ? current.source : patch.source,
    tags: patch.tags === undefined ? current.tags : JSON.stringify(normalizeTags(patch.tags)),
    updatedBy: ctx.actor.id,
    updatedAt: ctx.now,
    version: current.version + 1,
  };
  const { id: _id, workspaceId: _ws, createdAt: _c, createdBy: _cb, ...changes } = next;
  const others = patch.contact_ids === undefined ? null : [...new Set(patch.contact_ids)].filter((id) => id !== next.primaryContactId);
  await commit(ctx, current, [
    ctx.db.update(deals).set(changes).where(eq(deals.id, current.id)),
    ...(others === null ? [] : [ctx.db.delete(dealContacts).where(eq(dealContacts.dealId, current.id)), ...others.map((contactId) => ctx.db.insert(dealContacts).values({ workspaceId, dealId: current.id, contactId }))]),
    auditInsert(ctx, { action: "deal.updated", entityType: "deal", entityId: current.id, before: dealSnapshot(current), after: dealSnapshot(next) }),
  ]);
  // Read back: the contact or company may have changed, and the card shows their names.
  return getDeal(ctx.db, workspaceId, current.id);
}

export async function moveDeal(ctx: ServiceContext, current: DealWithRefs, stage: typeof stages.$inferSelect, position: string, lostReason: string | undefined): Promise<DealWithRefs> {
  const moved = await writeMove(ctx, current.deal, stage, position, lostReason);
  // A move changes no names: the answer is built from what was written, without a read-back.
  return { ...current, deal: moved };
}

async function writeMove(ctx: ServiceContext, current: DealRow, stage: typeof stages.$inferSelect, position: string, lostReason: string | undefined): Promise<DealRow> {
  const stageChanged = stage.id !== current.stageId;
  const status = statusFor(stage.kind);
  const next: DealRow = {
    ...current,
    pipelineId: stage.pipelineId,
    stageId: stage.id,
    position,
    status,
    closedAt: status === "open" ? null : stageChanged || current.closedAt === null ? ctx.now : current.closedAt,
    lostReason: status === "lost" ? (lostReason ?? current.lostReason) : null,
    stageEnteredAt: stageChanged ? ctx.now : current.stageEnteredAt,
    updatedBy: ctx.actor.id,
    updatedAt: ctx.now,
    version: current.version + 1,
  };
  await commit(ctx, current, [
    ctx.db
      .update(deals)
      .set({ pipelineId: next.pipelineId, stageId: next.stageId, position, status, closedAt: next.closedAt, lostReason: next.lostReason, stageEnteredAt: next.stageEnteredAt, updatedBy: next.updatedBy, updatedAt: ctx.now, version: next.version })
      .where(eq(deals.id, current.id)),
    ...(stageChanged
      ? [
          ctx.db.insert(dealStageHistory).values({ id: newId("stageChange", ctx.now), workspaceId: current.workspaceId, dealId: current.id, fromStageId: current.stageId, toStageId: stage.id, actorType: ctx.actor.type, actorId: ctx.actor.id, at: ctx.now }),
          auditInsert(ctx, { action: "deal.moved", entityType: "deal", entityId: current.id, before: { stage_id: current.stageId, status: current.status }, after: { stage_id: stage.id, status } }),
        ]
      : [
          // A reorder within the stage is a change too, so it is audited (no stage history).
          auditInsert(ctx, { action: "deal.reordered", entityType: "deal", entityId: current.id, before: { position: current.position }, after: { position } }),
        ]),
  ]);
  return next;
}

export async function deleteDeal(ctx: ServiceContext, current: DealRow) {
  await ctx.db.batch([
    versionGuard(ctx.db, deals, current.id, current.version),
    ctx.db.update(deals).set({ deletedAt: ctx.now, updatedAt: ctx.now, updatedBy: ctx.actor.id, version: current.version + 1 }).where(eq(deals.id, current.id)),
    auditInsert(ctx, { action: "deal.deleted", entityType: "deal", entityId: current.id, before: dealSnapshot(current), after: null }),
  ]).catch(raceToConflict);
}
