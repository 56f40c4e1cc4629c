// Small rules for the bell and the reminder pop-up, kept pure so they can be tested.

/**
 * Remembers ids already handled, so a notification frame delivered twice (a reconnect that
 * replays, two hub pushes racing) pops up once. Bounded: the oldest ids are forgotten first.
 */
export function onceEach(limit = 200): (id: string) => boolean {
  const seen = new Set<string>();
  return (id) => {
    if (seen.has(id)) return false;
    seen.add(id);
    if (seen.size > limit) {
      const oldest = seen.values().next().value;
      if (oldest !== undefined) seen.delete(oldest);
    }
    return true;
  };
}

/** The badge text: the count, capped so the badge stays small. Empty when there is nothing unread. */
export function badgeText(count: number): string {
  if (count <= 0) return "";
  return count > 99 ? "99+" : String(count);
}

/** Links in notifications are client routes; anything else (an absolute URL) is not followed. */
export function safeLink(link: string | null): string | null {
  return link && link.startsWith("/") && !link.startsWith("//") && !link.startsWith("/\\") ? link : null;
}
