import { DurableObject } from "cloudflare:workers";
import { and, eq, gte, inArray, isNull, lt, or, sql } from "drizzle-orm";
import { z } from "zod";
import { latestActivitySql } from "../activities/latest-activity";
import { createDatabase } from "../db/client";
import { deals } from "../db/schema";
import { ProblemError, problems, type ProblemInit } from "../http/problem";
import type { ServiceContext } from "../lib/service-context";
import type { Actor } from "../auth/principal";
import { getPipeline } from "../pipelines/pipeline.service";
import type { Stage } from "../pipelines/pipeline.schema";
import { getWorkspaceRow } from "../workspaces/workspace.service";
import { buildBoard, type Rates } from "../deals/board";
import type { Board, Deal, DealCreateInput, DealMoveInput, DealPatchInput } from "../deals/deal.schema";
import { createDeal, deleteDeal, findStage, getDeal, loadDeals, moveDeal, resolvePlacement, staleDeal, toDeal, updateDeal } from "../deals/deal.service";
import { currentRates } from "../deals/exchange-rate.service";
import { placeInColumn } from "../deals/placement";
import { applyDealLinkChanges, type DealLinkChange } from "../duplicates/deal-links";
import { ClientFrame, type HubEvent, type HubEventInput } from "./events";

// One instance per workspace (idFromName(workspaceId)). It is the single writer of deals: every
// create, change, move and delete is queued here, so moves are applied in one order, positions
// are computed from an up-to-date board, and a stale version is caught before anything is
// written. D1 is written (one batch) before memory changes and before anyone is told. The boards
// in memory are derived state: rebuilt from D1 on first use after the object wakes.
//
// It also numbers the workspace's events and fans them out over hibernating WebSockets, and
// tracks who is looking at which board or deal (presence).

export type HubResult<T> = { ok: true; value: T } | { ok: false; problem: ProblemInit };
export type WriteContext = { actor: Actor; requestId: string | null };

export const closedDealsShownMs = 30 * 24 * 60 * 60 * 1000;

function onBoard(now: number) {
  return or(eq(deals.status, "open"), gte(deals.closedAt, now - closedDealsShownMs)) ?? sql`1`;
}

type BoardState = { stages: Stage[]; deals: Map<string, Deal>; baseCurrency: string; rates: Rates };
const PresenceSchema = z.object({ userId: z.string(), target: z.string().nullable() });
type Presence = z.infer<typeof PresenceSchema>;

function presenceOf(socket: WebSocket): Presence | null {
  const parsed = PresenceSchema.safeParse(socket.deserializeAttachment());
  return parsed.success ? parsed.data : null;
}

export class WorkspaceHub extends DurableObject<Env> {
  private seq: number;
  private readonly boards = new Map<string, Promise<BoardState>>();
  private queue: Promise<unknown> = Promise.resolve();

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.seq = ctx.storage.kv.get<number>("seq") ?? 0;
  }

  // ---- events ----------------------------------------------------------------------------------

  async publish(input: HubEventInput): Promise<HubEvent> {
    this.seq += 1;
    this.ctx.storage.kv.put("seq", this.seq);
    const event: HubEvent = { seq: this.seq, at: new Date().toISOString(), ...input };
    this.broadcast(JSON.stringify(event));
    return event;
  }

  private broadcast(frame: string) {
    for (const socket of this.ctx.getWebSockets()) {
      try {
        socket.send(frame);
      } catch {
        socket.close(1011, "send failed");
      }
    }
  }

  /**
   * Delivers a frame to one person's open tabs only (their notifications). It takes no workspace
   * seq of its own (it carries the latest one, like presence): nobody else receives it, so it
   * must not look like a gap to them. Returns how many tabs it reached.
   */
  async notify(userId: string, notification: { id: string } & Record<string, unknown>): Promise<number> {
    return this.toUser(userId, JSON.stringify({ type: "notification", seq: this.seq, id: notification.id, data: notification }));
  }

  /**
   * The person marked notifications read (ids, or all with null): their other tabs and devices
   * update the bell without refetching. Personal like `notify`, so it takes no seq either.
   */
  async notificationsRead(userId: string, ids: string[] | null, unreadCount: number): Promise<number> {
    return this.toUser(userId, JSON.stringify({ type: "notifications.read", seq: this.seq, ids, unread_count: unreadCount }));
  }

  private toUser(userId: string, frame: string): number {
    let delivered = 0;
    for (const socket of this.ctx.getWebSockets(userId)) {
      try {
        socket.send(frame);
        delivered += 1;
      } catch {
        socket.close(1011, "send failed");
      }
    }
    return delivered;
  }

  connections(): number {
    return this.ctx.getWebSockets().length;
  }

  /**
   * Closes the live connections of one person or API key (removed, revoked), or of everyone
   * (workspace deleted, null): losing access ends the stream too, not only new requests.
   */
  async disconnect(actorId: string | null): Promise<void> {
    for (const socket of actorId === null ? this.ctx.getWebSockets() : this.ctx.getWebSockets(actorId)) {
      socket.close(4403, "access ended");
    }
  }

  // ---- boards ------------------------------------------------------------------------------------

  private db() {
    return createDatabase(this.env.DB);
  }

  private loadBoard(workspaceId: string, pipelineId: string): Promise<BoardState> {
    let pending = this.boards.get(pipelineId);
    if (!pending) {
      pending = (async () => {
        const db = this.db();
        const pipeline = await getPipeline(db, workspaceId, pipelineId);
        const workspace = await getWorkspaceRow(db, workspaceId);
        // Open deals, and those won or lost in the last 30 days: the board stays the size of
        // the work in progress, however many deals the pipeline has closed over the years.
        const rows = await loadDeals(db, workspaceId, [eq(deals.pipelineId, pipelineId), onBoard(Date.now())]);
        const rates = await currentRates(db, workspaceId, new Date().toISOString().slice(0, 10));
        return { stages: pipeline.stages, deals: new Map(rows.map((row) => [row.deal.id, toDeal(row)])), baseCurrency: workspace.defaultCurrency, rates };
      })();
      this.boards.set(pipelineId, pending);
      // A failed load must not be cached.
      pending.catch(() => this.boards.delete(pipelineId));
    }
    return pending;
  }

  async board(workspaceId: string, pipelineId: string): Promise<HubResult<Board>> {
    return this.attempt(async () => {
      const state = await this.loadBoard(workspaceId, pipelineId);
      return buildBoard({ pipelineId, baseCurrency: state.baseCurrency, seq: this.seq, stages: state.stages, deals: state.deals.values(), rates: state.rates });
    });
  }

  /** Forget cached boards (after pipeline, stage, currency or rate changes); they rebuild on next use. */
  async invalidate(pipelineId?: string): Promise<void> {
    if (pipelineId) this.boards.delete(pipelineId);
    else this.boards.clear();
  }

  // Only boards already in memory are updated; one not loaded yet will read the new row from D1.
  private async remember(deal: Deal, previousPipelineId: string | null) {
    if (previousPipelineId && previousPipelineId !== deal.pipeline_id) {
      const before = this.boards.get(previousPipelineId);
      if (before) (await before).deals.delete(deal.id);
    }
    const board = this.boards.get(deal.pipeline_id);
    if (board) (await board).deals.set(deal.id, deal);
  }

  private async forget(deal: Deal) {
    const board = this.boards.get(deal.pipeline_id);
    if (board) (await board).deals.delete(deal.id);
  }

  // ---- deal writes (one at a time) ---------------------------------------------------------------

  private serial<T>(work: () => Promise<T>): Promise<T> {
    const next = this.queue.then(work, work);
    this.queue = next.catch(() => undefined);
    return next;
  }

  private async attempt<T>(work: () => Promise<T>): Promise<HubResult<T>> {
    try {
      return { ok: true, value: await work() };
    } catch (error) {
      if (error instanceof ProblemError) return { ok: false, problem: error.problem };
      throw error;
    }
  }

  private context(write: WriteContext): ServiceContext {
    return { db: this.db(), actor: write.actor, requestId: write.requestId, now: Date.now() };
  }

  private async column(workspaceId: string, pipelineId: string, stageId: string) {
    const state = await this.loadBoard(workspaceId, pipelineId);
    return [...state.deals.values()].filter((deal) => deal.stage_id === stageId);
  }

  async createDeal(write: WriteContext, input: DealCreateInput): Promise<HubResult<Deal>> {
    return this.attempt(() =>
      this.serial(async () => {
        const ctx = this.context(write);
        const stage = await resolvePlacement(ctx.db, write.actor.workspaceId, input, ctx.now);
        const position = placeInColumn(await this.column(write.actor.workspaceId, stage.pipelineId, stage.id), null, {});
        const deal = toDeal(await createDeal(ctx, input, stage, position));
        await this.remember(deal, null);
        await this.publish({ type: "deal.created", id: deal.id, actor: write.actor.id, data: deal });
        return deal;
      }),
    );
  }

  async updateDeal(write: WriteContext, id: string, patch: DealPatchInput, expectedVersion: number | null): Promise<HubResult<Deal>> {
    return this.attempt(() =>
      this.serial(async () => {
        const ctx = this.context(write);
        const current = await getDeal(ctx.db, write.actor.workspaceId, id);
        if (expectedVersion !== null && expectedVersion !== current.deal.version) throw problems.preconditionFailed(current.deal.version);
        const deal = toDeal(await updateDeal(ctx, current.deal, patch));
        await this.remember(deal, current.deal.pipelineId);
        await this.publish({ type: "deal.updated", id: deal.id, actor: write.actor.id, data: deal });
        return deal;
      }),
    );
  }

  async moveDeal(write: WriteContext, id: string, move: DealMoveInput): Promise<HubResult<Deal>> {
    return this.attempt(() =>
      this.serial(async () => {
        const ctx = this.context(write);
        const workspaceId = write.actor.workspaceId;
        const current = await getDeal(ctx.db, workspaceId, id);
        if (move.version !== current.deal.version) throw staleDeal(current);
        const stage = await findStage(ctx.db, workspaceId, move.stage_id, "/stage_id");
        const column = await this.column(workspaceId, stage.pipelineId, stage.id);
        const position = placeInColumn(column, id, { beforeId: move.before_id, afterId: move.after_id });
        const deal = toDeal(await moveDeal(ctx, current, stage, position, move.lost_reason));
        await this.remember(deal, current.deal.pipelineId);
        await this.publish({
          type: "deal.moved",
          id: deal.id,
          actor: write.actor.id,
          data: { ...deal, from_stage_id: current.deal.stageId },
        });
        return deal;
      }),
    );
  }

  async deleteDeal(write: WriteContext, id: string): Promise<HubResult<null>> {
    return this.attempt(() =>
      this.serial(async () => {
        const ctx = this.context(write);
        const current = await getDeal(ctx.db, write.actor.workspaceId, id);
        await deleteDeal(ctx, current.deal);
        await this.forget(toDeal(current));
        await this.publish({ type: "deal.deleted", id, actor: write.actor.id, data: { pipeline_id: current.deal.pipelineId, stage_id: current.deal.stageId } });
        return null;
      }),
    );
  }

  /**
   * An activity on the deal happened at `at`: last_activity_at becomes the later of the two.
   * Queued like every other deal write so the board in memory never goes back in time; no
   * version bump (nobody's edit of the deal goes stale), and nothing is published when the deal
   * already knew a later activity.
   */
  async touchDeal(write: WriteContext, dealId: string, at: number): Promise<void> {
    await this.serial(async () => {
      const db = this.db();
      const workspaceId = write.actor.workspaceId;
      const changed = await db
        .update(deals)
        .set({ lastActivityAt: at })
        .where(and(eq(deals.workspaceId, workspaceId), eq(deals.id, dealId), isNull(deals.deletedAt), or(isNull(deals.lastActivityAt), lt(deals.lastActivityAt, at))))
        .returning({ id: deals.id });
      if (changed.length === 0) return;
      const deal = toDeal(await getDeal(db, workspaceId, dealId));
      await this.remember(deal, null);
      await this.publish({ type: "deal.updated", id: deal.id, actor: write.actor.id, data: deal });
    });
  }

  /**
   * Works the deal's last_activity_at out again from its live activities (after one was deleted,
   * back-dated or moved away, where touchDeal's forward-only move would keep a time that no
   * longer exists). One UPDATE … SET = (index lookup), so the value is whatever D1 holds when
   * this write's turn in the queue comes, which also keeps it right when a touchDeal for a newer
   * activity runs before or after it. Like touchDeal: D1, then the board in memory, then
   * `deal.updated`; no version bump, and nothing is published when the value did not change.
   */
  async settleDeal(write: WriteContext, dealId: string): Promise<void> {
    await this.serial(async () => {
      const db = this.db();
      const workspaceId = write.actor.workspaceId;
      const latest = latestActivitySql("deal", workspaceId, dealId);
      const changed = await db
        .update(deals)
        .set({ lastActivityAt: latest })
        .where(and(eq(deals.workspaceId, workspaceId), eq(deals.id, dealId), isNull(deals.deletedAt), sql`${deals.lastActivityAt} IS NOT ${latest}`))
        .returning({ id: deals.id });
      if (changed.length === 0) return;
      const deal = toDeal(await getDeal(db, workspaceId, dealId));
      await this.remember(deal, null);
      await this.publish({ type: "deal.updated", id: deal.id, actor: write.actor.id, data: deal });
    });
  }

  /**
   * A contact merge (or its undo) moves deals' contact links: queued like every other deal
   * write; D1 first (one batch, versions bumped, audited), then the boards in memory, then
   * `deal.updated` for each deal that changed. Returns the ids of those deals.
   */
  async relinkDealContacts(write: WriteContext, changes: DealLinkChange[]): Promise<HubResult<string[]>> {
    return this.attempt(() =>
      this.serial(async () => {
        const ctx = this.context(write);
        const changed = await applyDealLinkChanges(ctx, changes);
        for (const row of changed.length > 0 ? await loadDeals(ctx.db, write.actor.workspaceId, [inArray(deals.id, changed)]) : []) {
          const deal = toDeal(row);
          await this.remember(deal, null);
          await this.publish({ type: "deal.updated", id: deal.id, actor: write.actor.id, data: deal });
        }
        return changed;
      }),
    );
  }

  /** For tests and diagnostics: whether a deal's row in D1 agrees with the board in memory. */
  async liveDealIds(workspaceId: string, pipelineId: string): Promise<string[]> {
    const rows = await this.db()
      .select({ id: deals.id })
      .from(deals)
      .where(and(eq(deals.workspaceId, workspaceId), eq(deals.pipelineId, pipelineId), isNull(deals.deletedAt)));
    return rows.map((row) => row.id).sort();
  }

  // ---- WebSockets and presence ---------------------------------------------------------------------

  override async fetch(request: Request): Promise<Response> {
    if (request.headers.get("upgrade")?.toLowerCase() !== "websocket") return new Response("Expected a WebSocket upgrade", { status: 426 });
    const userId = request.headers.get("x-rapport-actor") ?? "unknown";
    const pair = new WebSocketPair();
    this.ctx.acceptWebSocket(pair[1], [userId]);
    pair[1].serializeAttachment({ userId, target: null } satisfies Presence);
    pair[1].send(JSON.stringify({ type: "hello", seq: this.seq }));
    return new Response(null, { status: 101, webSocket: pair[0] });
  }

  private viewersOf(target: string): string[] {
    const users = new Set<string>();
    for (const socket of this.ctx.getWebSockets()) {
      const presence = presenceOf(socket);
      if (presence?.target === target) users.add(presence.userId);
    }
    return [...users].sort();
  }

  private announcePresence(target: string | null) {
    if (target === null) return;
    this.broadcast(JSON.stringify({ type: "presence", seq: this.seq, target, users: this.viewersOf(target) }));
  }

  override async webSocketMessage(socket: WebSocket, message: string | ArrayBuffer): Promise<void> {
    let frame;
    try {
      frame = ClientFrame.safeParse(JSON.parse(typeof message === "string" ? message : new TextDecoder().decode(message)));
    } catch {
      frame = null;
    }
    if (!frame?.success) {
      socket.send(JSON.stringify({ type: "error", seq: this.seq, detail: "Unknown or malformed frame; the connection stays open." }));
      return;
    }
    if (frame.data.type === "ping") {
      socket.send(JSON.stringify({ type: "pong", seq: this.seq }));
      return;
    }
    const presence = presenceOf(socket);
    const previous = presence?.target ?? null;
    socket.serializeAttachment({ userId: presence?.userId ?? "unknown", target: frame.data.target } satisfies Presence);
    if (previous !== frame.data.target) this.announcePresence(previous);
    this.announcePresence(frame.data.target);
  }

  override async webSocketClose(socket: WebSocket, code: number): Promise<void> {
    const presence = presenceOf(socket);
    socket.close(code === 1005 ? 1000 : code, "closing");
    this.announcePresence(presence?.target ?? null);
  }
}
