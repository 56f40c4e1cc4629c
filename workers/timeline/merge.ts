// Merging the timeline's sources (activities, tasks, submissions, stage changes, audit entries)
// into one page, newest first. Each source has already returned, from its own index, at most
// `limit + 1` items older than the cursor in the same order; the newest `limit` of their union
// is the page. If any source had more, the union holds more than `limit` items, so "is there a
// next page" needs no extra query. Ties on `at` fall back to the id (prefixes differ per source,
// so the order is total and a cursor of (at, id) is exact).

export type TimelineKey = { at: number; id: string };

/** Newest first: later `at`, then the larger id (string order, as SQLite compares text). */
export function compareNewestFirst(a: TimelineKey, b: TimelineKey): number {
  if (a.at !== b.at) return b.at - a.at;
  return a.id < b.id ? 1 : a.id > b.id ? -1 : 0;
}

/** True when `item` comes after the cursor in newest-first order (what the next page shows). */
export function isOlderThan(item: TimelineKey, cursor: TimelineKey | null): boolean {
  return cursor === null || compareNewestFirst(cursor, item) < 0;
}

export function mergeNewestFirst<T extends TimelineKey>(sources: readonly (readonly T[])[], limit: number, cursor: TimelineKey | null = null): { page: T[]; next: TimelineKey | null } {
  // Sources promise items older than the cursor; filtering again costs nothing and keeps a page
  // from repeating an item if one ever does not.
  const all = sources.flat().filter((item) => isOlderThan(item, cursor));
  all.sort(compareNewestFirst);
  const page = all.slice(0, limit);
  const last = page.at(-1);
  return { page, next: all.length > limit && last !== undefined ? { at: last.at, id: last.id } : null };
}
