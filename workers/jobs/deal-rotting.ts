import { and, eq, isNotNull, isNull, lte, sql } from "drizzle-orm";
import type { Database } from "../db/client";
import { deals, stages } from "../db/schema";
import { notifyUser } from "../notifications/notify";
import { sendJobs } from "./enqueue";

const dayMs = 24 * 60 * 60 * 1000;

/** Hourly, first step: one message per open stage that has rotting days, in every workspace. */
export async function fanOutRottingScan(env: Env, db: Database, window: string): Promise<number> {
  const rows = await db
    .select({ id: stages.id })
    .from(stages)
    .where(and(eq(stages.kind, "open"), isNotNull(stages.rottingDays)));
  await sendJobs(
    env,
    rows.map((row) => ({ type: "deals.rotting_scan" as const, window, stage_id: row.id })),
  );
  return rows.length;
}

/**
 * Second step, per stage: open deals whose idle-since (the later of entering the stage and the
 * last activity) is older than the stage's rotting days, read through deals_board_idx
 * (workspace, pipeline, stage). The owner is told once per idle period: the dedupe key carries
 * idle-since, so a new activity or a move starts a new period that can rot again.
 */
export async function scanRottingStage(env: Env, db: Database, stageId: string, now: number): Promise<number> {
  const [stage] = await db.select().from(stages).where(eq(stages.id, stageId)).limit(1);
  if (!stage || stage.kind !== "open" || stage.rottingDays === null) return 0;
  const idleSince = sql<number>`max(${deals.stageEnteredAt}, coalesce(${deals.lastActivityAt}, 0))`;
  const rotten = await db
    .select({ id: deals.id, title: deals.title, ownerId: deals.ownerId, idleSince })
    .from(deals)
    .where(
      and(
        eq(deals.workspaceId, stage.workspaceId),
        eq(deals.pipelineId, stage.pipelineId),
        eq(deals.stageId, stage.id),
        isNull(deals.deletedAt),
        eq(deals.status, "open"),
        isNotNull(deals.ownerId),
        lte(idleSince, now - stage.rottingDays * dayMs),
      ),
    );
  let told = 0;
  for (const deal of rotten) {
    if (deal.ownerId === null) continue;
    const idleDays = Math.floor((now - deal.idleSince) / dayMs);
    await notifyUser(env, db, {
      workspaceId: stage.workspaceId,
      userId: deal.ownerId,
      message: { type: "deal.rotting", title: deal.title, stageName: stage.name, idleDays },
      dedupeKey: `deal.rotting:${deal.id}:${deal.idleSince}`,
      link: `/deals/${deal.id}`,
      data: { deal_id: deal.id, stage_id: stage.id, idle_since: new Date(deal.idleSince).toISOString(), idle_days: idleDays, rotting_days: stage.rottingDays },
      now,
    });
    told += 1;
  }
  return told;
}
