import { generateKeyBetween } from "fractional-indexing";
import { problems } from "../http/problem";

// Where a moved or new deal lands in a column, as a fractional index between its neighbours:
// one row changes, and the rest of the column keeps its keys (no renumbering storms).
export type Placed = { id: string; position: string };

function byPosition(a: Placed, b: Placed) {
  return a.position < b.position ? -1 : a.position > b.position ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

export function placeInColumn(column: readonly Placed[], movingId: string | null, target: { beforeId?: string | undefined; afterId?: string | undefined }): string {
  const others = column.filter((deal) => deal.id !== movingId).sort(byPosition);
  const anchorId = target.beforeId ?? target.afterId;
  if (anchorId === undefined) return generateKeyBetween(others.at(-1)?.position ?? null, null);
  const index = others.findIndex((deal) => deal.id === anchorId);
  if (index < 0) {
    const pointer = target.beforeId ? "/before_id" : "/after_id";
    throw problems.validation([{ pointer, code: "not_in_stage", detail: "That deal is not in the target stage." }]);
  }
  const [lower, upper] = target.beforeId ? [others[index - 1], others[index]] : [others[index], others[index + 1]];
  // Two deals can share a key after a bulk move between pipelines; nudge past the tie.
  if (lower && upper && lower.position >= upper.position) return generateKeyBetween(lower.position, null);
  return generateKeyBetween(lower?.position ?? null, upper?.position ?? null);
}

export function sortColumn<T extends Placed>(column: T[]): T[] {
  return column.sort(byPosition);
}
