import { z } from "@hono/zod-openapi";
import { base64url } from "../lib/crypto";
import { problems } from "./problem";

// Keyset pagination: the cursor is an opaque, base64url-encoded JSON array of the sort key of
// the last row returned. No OFFSET, no COUNT(*).
export const maxPageSize = 200;

export const PageQuery = z.object({
  limit: z.coerce.number().int().min(1).max(maxPageSize).default(50).openapi({ param: { name: "limit", in: "query" }, example: 50 }),
  cursor: z.string().max(500).optional().openapi({ param: { name: "cursor", in: "query" } }),
});

export function pageOf<T extends z.ZodType>(item: T, name: string) {
  return z.object({ data: z.array(item), next_cursor: z.string().nullable() }).openapi(name);
}

export function encodeCursor(key: readonly (string | number)[]): string {
  return base64url(new TextEncoder().encode(JSON.stringify(key)));
}

const cursorKey = z.array(z.union([z.string(), z.number()])).min(1).max(4);

export function decodeCursor(cursor: string | undefined): (string | number)[] | null {
  if (cursor === undefined) return null;
  try {
    const json = atob(cursor.replaceAll("-", "+").replaceAll("_", "/"));
    const parsed = cursorKey.safeParse(JSON.parse(new TextDecoder().decode(Uint8Array.from(json, (ch) => ch.charCodeAt(0)))));
    if (parsed.success) return parsed.data;
  } catch {
    // fall through to the validation problem below
  }
  throw problems.validation([{ parameter: "cursor", detail: "This cursor is not one the API returned." }]);
}

/** Takes `limit + 1` rows fetched in order and returns one page plus the cursor for the next. */
export function toPage<Row, Item>(rows: Row[], limit: number, keyOf: (row: Row) => (string | number)[], shape: (row: Row) => Item) {
  const hasMore = rows.length > limit;
  const pageRows = hasMore ? rows.slice(0, limit) : rows;
  const last = pageRows.at(-1);
  return {
    data: pageRows.map(shape),
    next_cursor: hasMore && last !== undefined ? encodeCursor(keyOf(last)) : null,
  };
}

/** The single-id keyset used by lists ordered by id (ids are time-sortable). */
export function idCursor(cursor: string | undefined): string | null {
  const key = decodeCursor(cursor);
  if (key === null) return null;
  const [id] = key;
  if (typeof id !== "string") throw problems.validation([{ parameter: "cursor", detail: "This cursor is not one the API returned." }]);
  return id;
}
