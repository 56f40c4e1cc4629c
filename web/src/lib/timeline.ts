// Pure logic behind the record timeline and the activity form: kinds and filters, times in the
// reader's zone, durations, and audit diffs turned into field-by-field rows.

export const activityTypes = ["call", "email", "meeting", "note", "message"] as const;
export type ActivityType = (typeof activityTypes)[number];
export const directions = ["inbound", "outbound"] as const;
export type Direction = (typeof directions)[number];

export const timelineKinds = ["activity", "task", "submission", "stage_change", "change"] as const;
export type TimelineKind = (typeof timelineKinds)[number];

export type RecordType = "contact" | "company" | "deal";
export type RecordLinks = { contact_id?: string; company_id?: string; deal_id?: string };

export function isActivityType(value: string): value is ActivityType {
  return activityTypes.some((type) => type === value);
}

export function isDirection(value: string): value is Direction {
  return directions.some((direction) => direction === value);
}

/** Meetings and notes have no sender and receiver; calls, emails and messages do. */
export function hasDirection(type: ActivityType): boolean {
  return type === "call" || type === "email" || type === "message";
}

/**
 * The `types` query for the chosen kinds: nothing chosen (or everything) asks for the whole
 * timeline, so the common case sends no filter at all. Kept in the canonical order so the same
 * choice is the same URL.
 */
export function typesQuery(chosen: ReadonlySet<TimelineKind>): string | undefined {
  if (chosen.size === 0 || chosen.size === timelineKinds.length) return undefined;
  return timelineKinds.filter((kind) => chosen.has(kind)).join(",");
}

/** Adds the kind, or removes it when it is already chosen. */
export function toggleKind(chosen: ReadonlySet<TimelineKind>, kind: TimelineKind): Set<TimelineKind> {
  const next = new Set(chosen);
  if (next.has(kind)) next.delete(kind);
  else next.add(kind);
  return next;
}

/** The links a new activity carries: the record itself and, on a deal, its primary contact and company. */
export function activityLinks(type: RecordType, id: string, extra: RecordLinks = {}): RecordLinks {
  const links: RecordLinks = { ...extra };
  if (type === "contact") links.contact_id = id;
  else if (type === "company") links.company_id = id;
  else links.deal_id = id;
  return links;
}

const units: [Intl.RelativeTimeFormatUnit, number][] = [
  ["year", 365 * 24 * 3600],
  ["month", 30 * 24 * 3600],
  ["week", 7 * 24 * 3600],
  ["day", 24 * 3600],
  ["hour", 3600],
  ["minute", 60],
];

/** "5 minutes ago", "yesterday", "in 2 hours": the largest whole unit, in the reader's language. */
export function relativeTime(iso: string, now: number, locale: string): string {
  const at = Date.parse(iso);
  if (Number.isNaN(at)) return "";
  const seconds = Math.round((at - now) / 1000);
  const format = new Intl.RelativeTimeFormat(locale, { numeric: "auto" });
  for (const [unit, size] of units) {
    if (Math.abs(seconds) >= size) return format.format(Math.trunc(seconds / size), unit);
  }
  return format.format(0, "minute");
}

/** "1 h 5 min", "45 s", "2 d 3 h": at most two units, each in the reader's locale. */
export function formatDuration(totalSeconds: number, locale: string): string {
  const seconds = Math.max(0, Math.round(totalSeconds));
  const parts: [string, number][] = [
    ["day", Math.floor(seconds / 86400)],
    ["hour", Math.floor((seconds % 86400) / 3600)],
    ["minute", Math.floor((seconds % 3600) / 60)],
    ["second", seconds % 60],
  ];
  const first = parts.findIndex(([, value]) => value > 0);
  if (first === -1) return new Intl.NumberFormat(locale, { style: "unit", unit: "second", unitDisplay: "short" }).format(0);
  return parts
    .slice(first, first + 2)
    .filter(([, value]) => value > 0)
    .map(([unit, value]) => new Intl.NumberFormat(locale, { style: "unit", unit, unitDisplay: "short" }).format(value))
    .join(" ");
}

function wallClock(ms: number, zone: string): { year: number; month: number; day: number; hour: number; minute: number } {
  const parts = new Intl.DateTimeFormat("en-US", { timeZone: zone, year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", hourCycle: "h23" }).formatToParts(new Date(ms));
  const get = (type: Intl.DateTimeFormatPartTypes) => Number(parts.find((part) => part.type === type)?.value ?? "0");
  return { year: get("year"), month: get("month"), day: get("day"), hour: get("hour"), minute: get("minute") };
}

const pad = (value: number, width = 2) => String(value).padStart(width, "0");

/** The value of an `<input type=datetime-local>` showing this instant on the reader's wall clock. */
export function zonedInputValue(ms: number, zone: string): string {
  const c = wallClock(ms, zone);
  return `${pad(c.year, 4)}-${pad(c.month)}-${pad(c.day)}T${pad(c.hour)}:${pad(c.minute)}`;
}

/**
 * The instant a wall-clock time means in the reader's zone ("2026-03-29T10:00" in Vilnius →
 * 07:00Z). The browser's own parsing would use the device's zone, which need not be the user's.
 * A time skipped by a DST jump lands one offset later, as clocks do; null for unreadable input.
 */
export function instantOfZonedInput(value: string, zone: string): string | null {
  const match = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})$/.exec(value);
  if (!match) return null;
  const [, y, mo, d, hh, mi] = match.map(Number);
  if (y === undefined || mo === undefined || d === undefined || hh === undefined || mi === undefined) return null;
  const asUtc = Date.UTC(y, mo - 1, d, hh, mi);
  if (Number.isNaN(asUtc)) return null;
  const offsetAt = (ms: number) => {
    const c = wallClock(ms, zone);
    return Date.UTC(c.year, c.month - 1, c.day, c.hour, c.minute) - Math.floor(ms / 60000) * 60000;
  };
  // Two passes: the offset guessed at the wall time as if it were UTC can differ from the offset at
  // the real instant when a DST change lies between them.
  let guess = asUtc - offsetAt(asUtc);
  guess = asUtc - offsetAt(guess);
  return new Date(guess).toISOString();
}

export type Diff = { before: Record<string, unknown> | null; after: Record<string, unknown> | null };
export type FieldChange = { field: string; before: string | null; after: string | null };

// Bookkeeping columns change on every write; listing them would bury the change a person made.
const noise = new Set(["version", "updated_at", "updated_by", "created_at", "created_by", "id", "workspace_id", "search_text", "deleted_at", "position", "last_activity_at"]);

function shown(value: unknown): string | null {
  if (value === undefined || value === null || value === "") return null;
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  if (Array.isArray(value)) {
    const items = value.map((item) => (typeof item === "object" && item !== null && "e164" in item ? String(item.e164) : shown(item))).filter((item): item is string => item !== null);
    return items.length ? items.join(", ") : null;
  }
  if (typeof value === "object" && "name" in value && typeof value.name === "string") return value.name;
  if (typeof value === "object" && "status" in value && typeof value.status === "string") return value.status;
  return JSON.stringify(value) ?? null;
}

/** What a person changed, field by field, with bookkeeping left out and values made readable. */
export function changedFields(diff: Diff, limit = 8): { changes: FieldChange[]; more: number } {
  const before = diff.before ?? {};
  const after = diff.after ?? {};
  const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].filter((key) => !noise.has(key)).sort();
  const changes: FieldChange[] = [];
  for (const key of keys) {
    if (JSON.stringify(before[key]) === JSON.stringify(after[key])) continue;
    const from = diff.before === null ? null : shown(before[key]);
    const to = diff.after === null ? null : shown(after[key]);
    if (from === to) continue;
    changes.push({ field: key, before: from, after: to });
  }
  return { changes: changes.slice(0, limit), more: Math.max(0, changes.length - limit) };
}
