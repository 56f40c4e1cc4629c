import { and, asc, eq, inArray, sql } from "drizzle-orm";
import type { BatchItem } from "drizzle-orm/batch";
import { auditInsert } from "../audit/audit.service";
import type { Database } from "../db/client";
import { isUniqueViolation } from "../db/errors";
import { newId } from "../db/ids";
import { deals, dealStageHistory, pipelines, stages } from "../db/schema";
import { isVersionConflict, raceToConflict, versionGuard } from "../db/version-guard";
import { assertVersion } from "../http/etag";
import { isoTime } from "../http/fields";
import { problems } from "../http/problem";
import type { ServiceContext } from "../lib/service-context";
import type { Pipeline, PipelineCreateInput, PipelinePatchInput, Stage } from "./pipeline.schema";

type PipelineRow = typeof pipelines.$inferSelect;
type StageRow = typeof stages.$inferSelect;

export const defaultStages = [
  { name: "New", probability: 10, kind: "open" },
  { name: "Qualified", probability: 25, kind: "open" },
  { name: "Proposal", probability: 50, kind: "open" },
  { name: "Negotiation", probability: 75, kind: "open" },
  { name: "Won", probability: 100, kind: "won" },
  { name: "Lost", probability: 0, kind: "lost" },
] as const;

export function toStage(row: StageRow): Stage {
  return { id: row.id, name: row.name, position: row.position, probability: row.probability, kind: row.kind, rotting_days: row.rottingDays };
}

export function toPipeline(row: PipelineRow, stageRows: StageRow[]): Pipeline {
  return {
    id: row.id,
    name: row.name,
    position: row.position,
    is_default: row.isDefault,
    stages: stageRows.filter((s) => s.pipelineId === row.id).sort((a, b) => a.position - b.position).map(toStage),
    version: row.version,
    created_at: isoTime(row.createdAt),
    updated_at: isoTime(row.updatedAt),
  };
}

/** The inserts for a workspace's default pipeline (New → Qualified → Proposal → Negotiation → Won / Lost). */
export function defaultPipelineInserts(db: Database, workspaceId: string, now: number) {
  const pipelineId = newId("pipeline", now);
  return [
    db.insert(pipelines).values({ id: pipelineId, workspaceId, name: "Sales", position: 0, isDefault: true, createdAt: now, updatedAt: now }),
    db.insert(stages).values(
      defaultStages.map((stage, position) => ({ id: newId("stage", now), workspaceId, pipelineId, position, name: stage.name, probability: stage.probability, kind: stage.kind, rottingDays: stage.kind === "open" ? 14 : null })),
    ),
  ] as const;
}

export async function listPipelines(db: Database, workspaceId: string, now: number): Promise<Pipeline[]> {
  let rows = await db.select().from(pipelines).where(eq(pipelines.workspaceId, workspaceId)).orderBy(asc(pipelines.position), asc(pipelines.id));
  if (rows.length === 0) {
    // Workspaces created before pipelines existed get their default on first look.
    await db.batch(defaultPipelineInserts(db, workspaceId, now)).catch((error: unknown) => {
      if (!isUniqueViolation(error)) throw error;
    });
    rows = await db.select().from(pipelines).where(eq(pipelines.workspaceId, workspaceId)).orderBy(asc(pipelines.position), asc(pipelines.id));
  }
  const stageRows = await db.select().from(stages).where(eq(stages.workspaceId, workspaceId));
  return rows.map((row) => toPipeline(row, stageRows));
}

export async function getPipeline(db: Database, workspaceId: string, id: string): Promise<Pipeline> {
  const [row] = await db.select().from(pipelines).where(and(eq(pipelines.workspaceId, workspaceId), eq(pipelines.id, id))).limit(1);
  if (!row) throw problems.notFound("pipeline");
  const stageRows = await db.select().from(stages).where(and(eq(stages.workspaceId, workspaceId), eq(stages.pipelineId, id)));
  return toPipeline(row, stageRows);
}

export async function createPipeline(ctx: ServiceContext, input: PipelineCreateInput): Promise<Pipeline> {
  const workspaceId = ctx.actor.workspaceId;
  const existing = await listPipelines(ctx.db, workspaceId, ctx.now);
  const row: PipelineRow = { id: newId("pipeline", ctx.now), workspaceId, name: input.name, position: existing.length, isDefault: false, version: 1, createdAt: ctx.now, updatedAt: ctx.now };
  const stageRows: StageRow[] = input.stages.map((stage, position) => ({
    id: newId("stage", ctx.now),
    workspaceId,
    pipelineId: row.id,
    name: stage.name,
    position,
    probability: stage.probability,
    kind: stage.kind,
    rottingDays: stage.rotting_days ?? null,
  }));
  await ctx.db.batch([
    ctx.db.insert(pipelines).values(row),
    // One statement per stage: D1 binds at most 100 parameters per statement.
    ...stageRows.map((stage) => ctx.db.insert(stages).values(stage)),
    auditInsert(ctx, { action: "pipeline.created", entityType: "pipeline", entityId: row.id, before: null, after: { name: row.name, stages: stageRows.map((s) => s.name) } }),
  ]);
  return toPipeline(row, stageRows);
}

export async function updatePipeline(ctx: ServiceContext, id: string, patch: PipelinePatchInput, expectedVersion: number | null): Promise<Pipeline> {
  const workspaceId = ctx.actor.workspaceId;
  const current = await getPipeline(ctx.db, workspaceId, id);
  assertVersion(expectedVersion, current.version);
  const writes: BatchItem<"sqlite">[] = [];
  let nextStages: StageRow[] = current.stages.map((s) => ({ id: s.id, workspaceId, pipelineId: id, name: s.name, position: s.position, probability: s.probability, kind: s.kind, rottingDays: s.rotting_days }));

  if (patch.stages) {
    const known = new Set(current.stages.map((s) => s.id));
    const unknown = patch.stages.findIndex((s) => s.id !== undefined && !known.has(s.id));
    if (unknown >= 0) throw problems.validation([{ pointer: `/stages/${unknown}/id`, code: "unknown_stage", detail: "No stage with that id in this pipeline." }]);
    nextStages = patch.stages.map((stage, position) => ({
      id: stage.id ?? newId("stage", ctx.now),
      workspaceId,
      pipelineId: id,
      name: stage.name,
      position,
      probability: stage.probability,
      kind: stage.kind,
      rottingDays: stage.rotting_days ?? null,
    }));
    const upserts = nextStages.map(
      (stage) => ctx.db.insert(stages).values(stage).onConflictDoUpdate({ target: stages.id, set: { name: stage.name, position: stage.position, probability: stage.probability, kind: stage.kind, rottingDays: stage.rottingDays } }),
    );
    const kept = new Set(patch.stages.flatMap((s) => (s.id ? [s.id] : [])));
    const removed = current.stages.filter((s) => !kept.has(s.id)).map((s) => s.id);
    if (removed.length > 0) {
      // Kept and new stages are written first, so moved deals can point at any of them.
      writes.push(...upserts);
      const occupied = await ctx.db
        .select({ stageId: deals.stageId, count: sql<number>`count(*)` })
        .from(deals)
        .where(and(eq(deals.workspaceId, workspaceId), inArray(deals.stageId, removed), sql`${deals.deletedAt} IS NULL`))
        .groupBy(deals.stageId);
      // Deleted deals in a removed stage follow silently to the first stage: they are not on any
      // board, but their rows still point at the stage.
      const firstStage = nextStages[0];
      if (firstStage) {
        writes.push(
          ctx.db
            .update(deals)
            .set({ stageId: firstStage.id })
            .where(and(eq(deals.workspaceId, workspaceId), inArray(deals.stageId, removed), sql`${deals.deletedAt} IS NOT NULL`)),
        );
      }
      for (const { stageId } of occupied) {
        const target = patch.move_deals_to?.[stageId];
        if (!target || !kept.has(target)) {
          throw problems.conflict("stage_has_deals", "A stage that holds deals can only be removed when move_deals_to names an existing stage of this pipeline for them.", {
            extensions: { stage_id: stageId },
          });
        }
        writes.push(
          ctx.db.insert(dealStageHistory).select(
            ctx.db
              .select({
                id: sql<string>`${`dsh_${ctx.now.toString(36)}`} || lower(hex(randomblob(8)))`.as("id"),
                workspaceId: deals.workspaceId,
                dealId: deals.id,
                fromStageId: deals.stageId,
                toStageId: sql<string>`${target}`.as("to_stage_id"),
                actorType: sql<"user" | "api_key" | "system">`${ctx.actor.type}`.as("actor_type"),
                actorId: sql<string | null>`${ctx.actor.id}`.as("actor_id"),
                at: sql<number>`${ctx.now}`.as("at"),
              })
              .from(deals)
              .where(and(eq(deals.workspaceId, workspaceId), eq(deals.stageId, stageId))),
          ),
          ctx.db
            .update(deals)
            .set({ stageId: target, stageEnteredAt: ctx.now, updatedAt: ctx.now, version: sql`${deals.version} + 1` })
            .where(and(eq(deals.workspaceId, workspaceId), eq(deals.stageId, stageId))),
        );
      }
      writes.push(ctx.db.delete(stages).where(and(eq(stages.workspaceId, workspaceId), inArray(stages.id, removed))));
    } else {
      writes.push(...upserts);
    }
  }
  const name = patch.name ?? current.name;
  const position = patch.position ?? current.position;
  await ctx.db
    .batch([
      versionGuard(ctx.db, pipelines, id, current.version),
      ctx.db.update(pipelines).set({ name, position, version: current.version + 1, updatedAt: ctx.now }).where(eq(pipelines.id, id)),
      ...writes,
      auditInsert(ctx, {
        action: "pipeline.updated",
        entityType: "pipeline",
        entityId: id,
        before: { name: current.name, position: current.position, stages: current.stages.map((s) => `${s.name} ${s.probability}% ${s.kind}`) },
        after: { name, position, stages: nextStages.map((s) => `${s.name} ${s.probability}% ${s.kind}`) },
      }),
    ])
    .catch(async (error: unknown) => {
      if (isVersionConflict(error)) throw problems.preconditionFailed((await getPipeline(ctx.db, workspaceId, id)).version);
      throw error;
    });
  return getPipeline(ctx.db, workspaceId, id);
}

export async function deletePipeline(ctx: ServiceContext, id: string, moveDealsTo: string | undefined) {
  const workspaceId = ctx.actor.workspaceId;
  const current = await getPipeline(ctx.db, workspaceId, id);
  if (current.is_default) throw problems.unprocessable("default_pipeline", "The default pipeline cannot be deleted.");
  const [held] = await ctx.db.select({ count: sql<number>`count(*)` }).from(deals).where(and(eq(deals.workspaceId, workspaceId), eq(deals.pipelineId, id)));
  const writes: BatchItem<"sqlite">[] = [];
  if ((held?.count ?? 0) > 0) {
    const [target] = moveDealsTo
      ? await ctx.db.select().from(stages).where(and(eq(stages.workspaceId, workspaceId), eq(stages.id, moveDealsTo))).limit(1)
      : [];
    if (!target || target.pipelineId === id) {
      throw problems.conflict("pipeline_has_deals", "This pipeline holds deals: name a stage of another pipeline in move_deals_to.");
    }
    writes.push(
      ctx.db
        .update(deals)
        .set({ pipelineId: target.pipelineId, stageId: target.id, stageEnteredAt: ctx.now, updatedAt: ctx.now, version: sql`${deals.version} + 1` })
        .where(and(eq(deals.workspaceId, workspaceId), eq(deals.pipelineId, id))),
    );
  }
  await ctx.db.batch([
    versionGuard(ctx.db, pipelines, id, current.version),
    ...writes,
    ctx.db.delete(stages).where(and(eq(stages.workspaceId, workspaceId), eq(stages.pipelineId, id))),
    ctx.db.delete(pipelines).where(eq(pipelines.id, id)),
    auditInsert(ctx, { action: "pipeline.deleted", entityType: "pipeline", entityId: id, before: { name: current.name }, after: null }),
  ]).catch(raceToConflict);
}
