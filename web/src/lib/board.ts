// The kanban board's state as pure functions: placing a deal that arrived from the server or from
// a live event, moving a card optimistically, filtering, totals in the base currency, and where a
// keyboard move lands. The element only renders what these return.
import type { Board, BoardColumn, Deal } from "../../../workers/deals/deal.schema";

export type Rates = ReadonlyMap<string, number>;
/** Where a moved deal goes: the stage, and the visible neighbour it lands before or after. */
export type Anchor = { before_id?: string; after_id?: string };
export type Slot = { stageIndex: number; index: number };
export type BoardFilters = { owner: string; tag: string };

function byPosition(a: Pick<Deal, "id" | "position">, b: Pick<Deal, "id" | "position">): number {
  return a.position < b.position ? -1 : a.position > b.position ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

function minorDigits(currency: string): number {
  return new Intl.NumberFormat("en", { style: "currency", currency }).resolvedOptions().maximumFractionDigits ?? 2;
}

/** Mirrors the server's arithmetic (workers/deals/board.ts): null when the currency has no rate. */
export function valueInBase(deal: Pick<Deal, "value" | "currency">, base: string, rates: Rates): number | null {
  if (deal.currency === base) return deal.value;
  const rate = rates.get(deal.currency);
  if (rate === undefined) return null;
  return Math.round(deal.value * rate * 10 ** (minorDigits(base) - minorDigits(deal.currency)));
}

export function withTotals(column: BoardColumn, base: string, rates: Rates): BoardColumn {
  let total = 0;
  for (const deal of column.deals) total += valueInBase(deal, base, rates) ?? 0;
  return { ...column, count: column.deals.length, total, weighted_total: Math.round((total * column.probability) / 100) };
}

function missingRates(columns: readonly BoardColumn[], base: string, rates: Rates): string[] {
  const missing = new Set<string>();
  for (const column of columns) for (const deal of column.deals) if (valueInBase(deal, base, rates) === null) missing.add(deal.currency);
  return [...missing].sort();
}

function rebuild(board: Board, columns: BoardColumn[], rates: Rates): Board {
  const totalled = columns.map((column) => withTotals(column, board.base_currency, rates));
  return { ...board, columns: totalled, missing_rates: missingRates(totalled, board.base_currency, rates) };
}

export function findDeal(board: Board, dealId: string): { deal: Deal; stageIndex: number; index: number } | null {
  for (const [stageIndex, column] of board.columns.entries()) {
    const index = column.deals.findIndex((deal) => deal.id === dealId);
    const deal = column.deals[index];
    if (deal) return { deal, stageIndex, index };
  }
  return null;
}

/** The deal as the server now has it, sorted into its stage by position (or dropped when it left the pipeline). */
export function placeDeal(board: Board, deal: Deal, rates: Rates): Board {
  const columns = board.columns.map((column) => {
    const others = column.deals.filter((candidate) => candidate.id !== deal.id);
    const here = deal.pipeline_id === board.pipeline_id && deal.stage_id === column.id;
    return { ...column, deals: here ? [...others, deal].sort(byPosition) : others };
  });
  return rebuild(board, columns, rates);
}

export function removeDeal(board: Board, dealId: string, rates: Rates): Board {
  return rebuild(board, board.columns.map((column) => ({ ...column, deals: column.deals.filter((deal) => deal.id !== dealId) })), rates);
}

/**
 * A live deal event, unless it tells this board nothing new: the echo of the user's own move or
 * an event the snapshot already holds comes with a version the board already has.
 */
export function applyDealEvent(board: Board, type: string, dealId: string, deal: Deal | null, rates: Rates): Board | null {
  const known = findDeal(board, dealId);
  if (type === "deal.deleted") return known ? removeDeal(board, dealId, rates) : null;
  if (!deal) return null;
  // An activity touches last_activity_at without a version bump, so the same version with a
  // later activity is news too.
  if (known && (known.deal.version > deal.version || (known.deal.version === deal.version && (deal.last_activity_at ?? "") <= (known.deal.last_activity_at ?? "")))) return null;
  if (!known && deal.pipeline_id !== board.pipeline_id) return null;
  return placeDeal(board, deal, rates);
}

/** Events up to the snapshot's seq are already in it; later ones (received while it loaded) are not. */
export function isNewerThanSnapshot(board: Pick<Board, "seq">, eventSeq: number): boolean {
  return eventSeq > board.seq;
}

/** The optimistic move: the card goes where it was dropped at once; the server's answer then settles it. */
export function moveLocally(board: Board, dealId: string, stageId: string, anchor: Anchor, rates: Rates): Board {
  const found = findDeal(board, dealId);
  if (!found) return board;
  const moved: Deal = { ...found.deal, stage_id: stageId };
  const columns = board.columns.map((column) => {
    const deals = column.deals.filter((deal) => deal.id !== dealId);
    if (column.id !== stageId) return { ...column, deals };
    const anchorId = anchor.before_id ?? anchor.after_id;
    let at = anchorId === undefined ? deals.length : deals.findIndex((deal) => deal.id === anchorId);
    if (at < 0) at = deals.length;
    else if (anchor.after_id !== undefined) at += 1;
    deals.splice(at, 0, moved);
    return { ...column, deals };
  });
  return rebuild(board, columns, rates);
}

/** The anchor for landing at `index` among a column's other deals (the moving deal left out). */
export function anchorAt(others: readonly Pick<Deal, "id">[], index: number): Anchor {
  const before = others[index];
  if (before) return { before_id: before.id };
  const last = others.at(-1);
  return last ? { after_id: last.id } : {};
}

/** Deals other than the moving one, in the order shown. */
export function othersIn(column: BoardColumn, movingId: string): Deal[] {
  return column.deals.filter((deal) => deal.id !== movingId);
}

export type MoveKey = "ArrowUp" | "ArrowDown" | "ArrowLeft" | "ArrowRight" | "Home" | "End";

/** Where a lifted card goes for one key press: up and down within a column, left and right across columns (same row, clamped). */
export function keyboardTarget(board: Board, movingId: string, from: Slot, key: MoveKey): Slot {
  const columnCount = board.columns.length;
  const room = (stageIndex: number) => {
    const column = board.columns[stageIndex];
    return column ? othersIn(column, movingId).length : 0;
  };
  switch (key) {
    case "ArrowUp":
      return { stageIndex: from.stageIndex, index: Math.max(0, from.index - 1) };
    case "ArrowDown":
      return { stageIndex: from.stageIndex, index: Math.min(room(from.stageIndex), from.index + 1) };
    case "Home":
      return { stageIndex: from.stageIndex, index: 0 };
    case "End":
      return { stageIndex: from.stageIndex, index: room(from.stageIndex) };
    case "ArrowLeft":
    case "ArrowRight": {
      const stageIndex = Math.min(columnCount - 1, Math.max(0, from.stageIndex + (key === "ArrowLeft" ? -1 : 1)));
      if (stageIndex === from.stageIndex) return from;
      return { stageIndex, index: Math.min(room(stageIndex), from.index) };
    }
  }
}

/** The board as a filter shows it: only matching deals, with counts and totals of what is shown. */
export function filterBoard(board: Board, filters: BoardFilters, rates: Rates): Board {
  if (!filters.owner && !filters.tag) return board;
  const matches = (deal: Deal) => (!filters.owner || (filters.owner === "none" ? deal.owner_id === null : deal.owner_id === filters.owner)) && (!filters.tag || deal.tags.includes(filters.tag));
  return rebuild(board, board.columns.map((column) => ({ ...column, deals: column.deals.filter(matches) })), rates);
}

export function boardTags(board: Board): string[] {
  const tags = new Set<string>();
  for (const column of board.columns) for (const deal of column.deals) for (const tag of deal.tags) tags.add(tag);
  return [...tags].sort((a, b) => a.localeCompare(b));
}

const day = 86_400_000;

/** When the deal last moved forward: it entered its stage, or someone logged an activity on it, whichever is later. */
export function idleSince(deal: Pick<Deal, "stage_entered_at" | "last_activity_at">): number {
  const entered = Date.parse(deal.stage_entered_at);
  const active = deal.last_activity_at === null ? Number.NaN : Date.parse(deal.last_activity_at);
  if (Number.isNaN(active)) return entered;
  return Number.isNaN(entered) ? active : Math.max(entered, active);
}

/** Whole days the deal has been idle: in its stage with no activity logged since. */
export function daysInStage(deal: Pick<Deal, "stage_entered_at" | "last_activity_at">, now: number): number {
  const since = idleSince(deal);
  return Number.isNaN(since) ? 0 : Math.max(0, Math.floor((now - since) / day));
}

/** An open deal in an open stage, idle (no stage change, no activity) longer than the stage allows. */
export function isRotting(deal: Pick<Deal, "stage_entered_at" | "last_activity_at" | "status">, stage: Pick<BoardColumn, "kind" | "rotting_days">, now: number): boolean {
  return deal.status === "open" && stage.kind === "open" && stage.rotting_days !== null && daysInStage(deal, now) > stage.rotting_days;
}

/** Exchange rates in force today: the latest per currency whose valid_from is not in the future. */
export function ratesInForce(rates: readonly { currency: string; rate: string; valid_from: string }[], today: string): Map<string, number> {
  const chosen = new Map<string, { rate: number; from: string }>();
  for (const rate of rates) {
    if (rate.valid_from > today) continue;
    const seen = chosen.get(rate.currency);
    if (!seen || rate.valid_from > seen.from) chosen.set(rate.currency, { rate: Number(rate.rate), from: rate.valid_from });
  }
  return new Map([...chosen].map(([currency, { rate }]) => [currency, rate]));
}
