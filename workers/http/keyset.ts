import { sql, type SQL, type SQLWrapper } from "drizzle-orm";
import { problems } from "./problem";

// Keyset pagination over (sort value, id): the row-value comparison `(value, id) > (?, ?)` lets
// SQLite seek straight to the position in the (workspace, value, id) index, so page 2,000 costs
// what page 1 costs.

export type Direction = "asc" | "desc";

export function keysetAfter(value: SQLWrapper, id: SQLWrapper, direction: Direction, cursor: readonly (string | number)[] | null): SQL | undefined {
  if (cursor === null) return undefined;
  const [lastValue, lastId] = cursor;
  if (lastValue === undefined || typeof lastId !== "string") {
    throw problems.validation([{ parameter: "cursor", detail: "This cursor is not one the API returned." }]);
  }
  return direction === "asc" ? sql`(${value}, ${id}) > (${lastValue}, ${lastId})` : sql`(${value}, ${id}) < (${lastValue}, ${lastId})`;
}

export function orderBy(value: SQLWrapper, id: SQLWrapper, direction: Direction): SQL[] {
  return direction === "asc" ? [sql`${value} asc`, sql`${id} asc`] : [sql`${value} desc`, sql`${id} desc`];
}
