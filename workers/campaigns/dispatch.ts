import { and, eq, inArray, isNull, sql } from "drizzle-orm";
import type { Database } from "../db/client";
import { campaignRecipients, campaigns } from "../db/schema";
import { publishToWorkspace } from "../hub/publish";
import { sendJobs } from "../jobs/enqueue";
import type { JobMessage } from "../jobs/messages";
import { announceProgress } from "./materialize";

// The per-minute "campaigns" step: start scheduled campaigns whose time has come, hand due
// recipients of sending campaigns to the sends queue in messages of at most 100 ids, and close
// campaigns with nothing left. Handing out is bounded by time, not by a count: each step claims
// due recipients for at most `claimWindowMs`, and when there are more it leaves the rest to a
// `campaign.dispatch` job that does the same and sends itself again, so a 100,000-recipient
// newsletter is on the queue seconds after it is listed instead of over several ticks, while
// no invocation runs long and every sendBatch carries ≤ 100 messages. A campaign's throttle
// still caps what goes out per minute.

/** Recipients of one campaign claimed per step (tick or dispatch job); the window usually ends it first. */
export const maxClaimPerStep = 100_000;
/** All campaigns together, per tick. */
export const maxClaimPerTickTotal = 200_000;
/** How long one step keeps claiming before it hands the rest to a `campaign.dispatch` job. */
export const claimWindowMs = 10_000;
/** One UPDATE … RETURNING claims at most this many rows, keeping each statement short. */
const claimChunk = 5_000;
export const recipientsPerMessage = 100;
/** Queued recipients untouched this long (their message lost or dead-lettered) are queued again. */
export const staleQueuedMs = 15 * 60_000;
const minuteMs = 60_000;

/** What the tick reads of each campaign with work to do. */
const activeColumns = {
  id: campaigns.id,
  workspaceId: campaigns.workspaceId,
  kind: campaigns.kind,
  status: campaigns.status,
  scheduledAt: campaigns.scheduledAt,
  startedAt: campaigns.startedAt,
  throttlePerMinute: campaigns.throttlePerMinute,
  materializedAt: campaigns.materializedAt,
};
type ActiveCampaign = Pick<typeof campaigns.$inferSelect, keyof typeof activeColumns>;
/** What claiming needs of a campaign. */
type Claimable = Pick<ActiveCampaign, "id" | "throttlePerMinute">;

export type DispatchResult = { started: string[]; claimed: number; finished: string[] };

export async function dispatchCampaigns(env: Env, db: Database, now: number): Promise<DispatchResult> {
  const minute = new Date(now).getUTCMinutes();
  const active: ActiveCampaign[] = await db
    .select(activeColumns)
    .from(campaigns)
    // campaigns_active_idx: only campaigns with work to do.
    .where(and(inArray(campaigns.status, ["scheduled", "sending"]), isNull(campaigns.deletedAt)));

  const result: DispatchResult = { started: [], claimed: 0, finished: [] };
  const jobs: JobMessage[] = [];
  const sending: ActiveCampaign[] = [];
  for (const campaign of active) {
    if (campaign.status === "scheduled") {
      if (campaign.scheduledAt === null || campaign.scheduledAt > now) continue;
      if (await startCampaign(env, db, campaign.id, campaign.workspaceId, now)) {
        result.started.push(campaign.id);
        jobs.push({ type: "campaign.materialize", campaign_id: campaign.id });
      }
      continue;
    }
    sending.push(campaign);
    // Birthday campaigns list the day's birthdays hourly; a newsletter whose listing stalled
    // (its message dead-lettered) is listed on from its cursor every five minutes. Both are
    // safe to run twice.
    if (campaign.kind === "birthday" && minute === 0) jobs.push({ type: "campaign.materialize", campaign_id: campaign.id });
    if (campaign.kind === "newsletter" && campaign.materializedAt === null && minute % 5 === 0 && (campaign.startedAt ?? now) < now - 5 * minuteMs) {
      jobs.push({ type: "campaign.materialize", campaign_id: campaign.id });
    }
  }
  if (jobs.length > 0) await sendJobs(env, jobs);

  let budget = maxClaimPerTickTotal;
  const continued: JobMessage[] = [];
  // One window for the whole tick, however many campaigns are sending: the digests and hourly
  // scans run after this step in the same minute.
  const deadline = Date.now() + claimWindowMs;
  for (const campaign of sending) {
    if (budget <= 0) break;
    if (minute % 5 === 0) await requeueStale(env, db, campaign.id, now);
    const { claimed, more } = Date.now() < deadline ? await claimDue(env, db, campaign, now, budget, deadline) : { claimed: 0, more: true };
    budget -= claimed;
    result.claimed += claimed;
    if (more) continued.push({ type: "campaign.dispatch", campaign_id: campaign.id });
    if (claimed === 0 && (await finishIfDone(env, db, campaign.id, now))) result.finished.push(campaign.id);
  }
  if (continued.length > 0) await sendJobs(env, continued);
  return result;
}

/**
 * The `campaign.dispatch` job: claims a sending campaign's due recipients for one window and, if
 * more are due (and the throttle allows), sends itself again. Safe to run twice at once: every
 * claim is a conditional UPDATE. Returns how many it claimed.
 */
export async function dispatchCampaign(env: Env, db: Database, campaignId: string, now: number): Promise<number> {
  const [campaign] = await db
    .select({ id: campaigns.id, throttlePerMinute: campaigns.throttlePerMinute })
    .from(campaigns)
    .where(and(eq(campaigns.id, campaignId), eq(campaigns.status, "sending"), isNull(campaigns.deletedAt)))
    .limit(1);
  if (!campaign) return 0;
  const { claimed, more } = await claimDue(env, db, campaign, now, maxClaimPerStep, Date.now() + claimWindowMs);
  if (more) await sendJobs(env, [{ type: "campaign.dispatch", campaign_id: campaignId }]);
  return claimed;
}

/** scheduled → sending, once (the conditional UPDATE is the claim); false if someone else did it. */
export async function startCampaign(env: Env, db: Database, campaignId: string, workspaceId: string, now: number): Promise<boolean> {
  const started = await db
    .update(campaigns)
    .set({ status: "sending", startedAt: now, updatedAt: now, version: sql`${campaigns.version} + 1` })
    .where(and(eq(campaigns.id, campaignId), eq(campaigns.status, "scheduled"), isNull(campaigns.deletedAt)))
    .returning({ id: campaigns.id, version: campaigns.version });
  const row = started[0];
  if (!row) return false;
  await publishToWorkspace(env, workspaceId, { type: "campaign.updated", id: campaignId, actor: null, data: { status: "sending", version: row.version } });
  return true;
}

/**
 * Claims due pending recipients (pending → queued, enqueued_at) through the pending partial
 * index and sends their ids in messages of ≤ 100. The claim is one conditional UPDATE per chunk
 * that also reads the campaign's status and, for a throttled campaign, what went out in the last
 * minute, so steps running at once never hand out a recipient twice, never hand out after a
 * pause or cancel, and never spend one minute's allowance twice. Stops when fewer than asked come
 * back (none due, or the throttle reached), at the per-step cap, or at `deadline`; `more` says
 * whether due recipients may be left for a `campaign.dispatch`.
 */
async function claimDue(env: Env, db: Database, campaign: Claimable, now: number, budget: number, deadline: number): Promise<{ claimed: number; more: boolean }> {
  let remaining = Math.min(maxClaimPerStep, budget);
  let claimed = 0;
  const recentHandOuts = sql`(SELECT COUNT(*) FROM ${campaignRecipients} WHERE campaign_id = ${campaign.id} AND enqueued_at > ${now - minuteMs})`;
  while (remaining > 0) {
    const take = Math.min(claimChunk, remaining);
    const limit = campaign.throttlePerMinute === null ? sql`${take}` : sql`max(0, min(${take}, ${campaign.throttlePerMinute} - ${recentHandOuts}))`;
    const rows = await db.all<{ id: string }>(sql`UPDATE ${campaignRecipients} SET status = 'queued', enqueued_at = ${now}
      WHERE id IN (
        SELECT id FROM ${campaignRecipients}
        WHERE campaign_id = ${campaign.id} AND status = 'pending' AND send_at <= ${now}
          AND EXISTS (SELECT 1 FROM ${campaigns} WHERE id = ${campaign.id} AND status = 'sending' AND deleted_at IS NULL)
        ORDER BY send_at, id LIMIT ${limit})
        AND status = 'pending'
      RETURNING id`);
    if (rows.length > 0) await sendJobs(env, messagesFor(campaign.id, rows.map((row) => row.id)));
    claimed += rows.length;
    remaining -= rows.length;
    if (rows.length < take) return { claimed, more: false };
    if (Date.now() >= deadline) break;
  }
  return { claimed, more: true };
}

export function messagesFor(campaignId: string, ids: readonly string[]): JobMessage[] {
  const messages: JobMessage[] = [];
  for (let start = 0; start < ids.length; start += recipientsPerMessage) {
    messages.push({ type: "campaign.send", campaign_id: campaignId, recipient_ids: ids.slice(start, start + recipientsPerMessage) });
  }
  return messages;
}

/** Queued long ago, not leased by a consumer: the message was lost; queue them again. */
async function requeueStale(env: Env, db: Database, campaignId: string, now: number) {
  const rows = await db.all<{ id: string }>(sql`UPDATE ${campaignRecipients} SET enqueued_at = ${now}
    WHERE campaign_id = ${campaignId} AND status = 'queued' AND enqueued_at < ${now - staleQueuedMs} AND (claimed_until IS NULL OR claimed_until < ${now})
    RETURNING id`);
  if (rows.length > 0) await sendJobs(env, messagesFor(campaignId, rows.map((row) => row.id)));
}

/**
 * A newsletter whose recipients are all listed and none is pending or queued is sent. One
 * conditional UPDATE (list_idx answers the NOT EXISTS), so the consumer and the tick may both
 * try. Birthday campaigns never finish by themselves: there is a birthday every day.
 */
export async function finishIfDone(env: Env, db: Database, campaignId: string, now: number): Promise<boolean> {
  const rows = await db.all<{ id: string; workspace_id: string; version: number }>(sql`UPDATE ${campaigns}
    SET status = 'sent', finished_at = ${now}, updated_at = ${now}, version = version + 1
    WHERE id = ${campaignId} AND status = 'sending' AND kind = 'newsletter' AND materialized_at IS NOT NULL
      AND NOT EXISTS (SELECT 1 FROM ${campaignRecipients} WHERE campaign_id = ${campaignId} AND status IN ('pending', 'queued'))
    RETURNING id, workspace_id, version`);
  const row = rows[0];
  if (!row) return false;
  await publishToWorkspace(env, row.workspace_id, { type: "campaign.updated", id: campaignId, actor: null, data: { status: "sent", version: row.version } });
  await announceProgress(env, db, campaignId);
  return true;
}
