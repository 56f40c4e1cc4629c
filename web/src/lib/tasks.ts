// "My tasks" logic that must not depend on the browser's clock settings: tasks are grouped by the
// signed-in user's own time zone (the one on their account), not the zone of the machine they
// happen to use, and due times typed into the quick-add form are read in that same zone.

export type TaskGroup = "overdue" | "today" | "upcoming" | "none";
export const taskGroups: readonly TaskGroup[] = ["overdue", "today", "upcoming", "none"];

type Groupable = { due_at: string | null };

const dateFormats = new Map<string, Intl.DateTimeFormat>();

function partsFormat(timeZone: string): Intl.DateTimeFormat {
  let format = dateFormats.get(timeZone);
  if (!format) {
    // en-CA with numeric parts and h23 gives plain digits whatever the UI language is.
    format = new Intl.DateTimeFormat("en-CA", { timeZone, year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", second: "2-digit", hourCycle: "h23" });
    dateFormats.set(timeZone, format);
  }
  return format;
}

/** Wall-clock fields of an instant in a zone. */
function wallClock(ms: number, timeZone: string): { year: number; month: number; day: number; hour: number; minute: number; second: number } {
  const parts: Record<string, number> = {};
  for (const part of partsFormat(timeZone).formatToParts(new Date(ms))) if (part.type !== "literal") parts[part.type] = Number(part.value);
  return { year: parts.year ?? 1970, month: parts.month ?? 1, day: parts.day ?? 1, hour: (parts.hour ?? 0) % 24, minute: parts.minute ?? 0, second: parts.second ?? 0 };
}

const pad = (value: number, width = 2) => String(value).padStart(width, "0");

/** "2026-03-29": the calendar day an instant falls on in the zone. */
export function localDate(ms: number, timeZone: string): string {
  const wall = wallClock(ms, timeZone);
  return `${pad(wall.year, 4)}-${pad(wall.month)}-${pad(wall.day)}`;
}

/** The zone's offset from UTC at an instant, in milliseconds (Vilnius in summer: +3 h). */
function offsetAt(ms: number, timeZone: string): number {
  const wall = wallClock(ms, timeZone);
  const asUtc = Date.UTC(wall.year, wall.month - 1, wall.day, wall.hour, wall.minute, wall.second);
  return asUtc - Math.floor(ms / 1000) * 1000;
}

/**
 * The instant of a wall-clock date and time in a zone. A time that does not exist (the hour
 * skipped when clocks go forward) moves forward by the gap, as a person's clock would; a time
 * that happens twice (clocks go back) is the first of the two.
 */
export function zonedToUtc(date: string, time: string, timeZone: string): number | null {
  const dateMatch = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  const timeMatch = /^(\d{2}):(\d{2})$/.exec(time);
  if (!dateMatch || !timeMatch) return null;
  const naive = Date.UTC(Number(dateMatch[1]), Number(dateMatch[2]) - 1, Number(dateMatch[3]), Number(timeMatch[1]), Number(timeMatch[2]));
  if (Number.isNaN(naive)) return null;
  // Try the offsets in force a day either side: the earlier one that maps back exactly wins.
  const candidates = [offsetAt(naive - 86_400_000, timeZone), offsetAt(naive + 86_400_000, timeZone)].sort((a, b) => b - a);
  for (const offset of candidates) {
    const instant = naive - offset;
    if (offsetAt(instant, timeZone) === offset) return instant;
  }
  // In the gap: neither offset round-trips; the pre-change offset lands just after the jump.
  return naive - Math.min(...candidates);
}

/** An instant as the values of a date input and a time input in the zone. */
export function utcToZoned(ms: number, timeZone: string): { date: string; time: string } {
  const wall = wallClock(ms, timeZone);
  return { date: `${pad(wall.year, 4)}-${pad(wall.month)}-${pad(wall.day)}`, time: `${pad(wall.hour)}:${pad(wall.minute)}` };
}

/**
 * Which heading a task goes under for a person in `timeZone` at `now`: past its due time is
 * overdue (even earlier today), later today is today, a later local day is upcoming.
 */
export function taskGroup(task: Groupable, now: number, timeZone: string): TaskGroup {
  if (task.due_at === null) return "none";
  const due = Date.parse(task.due_at);
  if (Number.isNaN(due)) return "none";
  if (due < now) return "overdue";
  return localDate(due, timeZone) === localDate(now, timeZone) ? "today" : "upcoming";
}

/** Open tasks under the four headings, each by due time (the API's order is kept for ties). */
export function groupTasks<T extends Groupable>(tasks: readonly T[], now: number, timeZone: string): Record<TaskGroup, T[]> {
  const groups: Record<TaskGroup, T[]> = { overdue: [], today: [], upcoming: [], none: [] };
  for (const task of tasks) groups[taskGroup(task, now, timeZone)].push(task);
  const byDue = (a: T, b: T) => Date.parse(a.due_at ?? "") - Date.parse(b.due_at ?? "");
  for (const group of ["overdue", "today", "upcoming"] as const) groups[group].sort(byDue);
  return groups;
}

/** The reminder choices the quick-add form offers, as minutes before the due time. */
export const reminderPresets = [
  { value: "none", offsets: [] },
  { value: "0", offsets: [0] },
  { value: "15", offsets: [15] },
  { value: "60", offsets: [60] },
  { value: "1440", offsets: [1440] },
] as const;
export type ReminderPreset = (typeof reminderPresets)[number]["value"];

export function reminderOffsets(preset: string): number[] {
  return [...(reminderPresets.find((candidate) => candidate.value === preset)?.offsets ?? [0])];
}

/** The preset matching a task's offsets; several offsets (set through the API) show as the first. */
export function reminderPresetOf(offsets: readonly number[]): ReminderPreset {
  if (offsets.length === 0) return "none";
  const first = String(Math.min(...offsets));
  return reminderPresets.find((candidate) => candidate.value === first)?.value ?? "0";
}

type Linkable = {
  contact_id: string | null;
  contact_name: string | null;
  company_id: string | null;
  company_name: string | null;
  deal_id: string | null;
  deal_title: string | null;
};

/** One record a task is linked to; `name` is null when the server has none to show (deleted, nameless). */
export type TaskLink = { kind: "contact" | "company" | "deal"; href: string; name: string | null };

/**
 * The records a task row links to, contact first (the person to call), then company, then deal.
 * A blank name counts as none, so the row falls back to the generic "Contact" label.
 */
export function taskLinks(task: Linkable): TaskLink[] {
  const links: TaskLink[] = [];
  const named = (name: string | null) => (name && name.trim() ? name : null);
  if (task.contact_id) links.push({ kind: "contact", href: `/contacts/${task.contact_id}`, name: named(task.contact_name) });
  if (task.company_id) links.push({ kind: "company", href: `/companies/${task.company_id}`, name: named(task.company_name) });
  if (task.deal_id) links.push({ kind: "deal", href: `/deals/${task.deal_id}`, name: named(task.deal_title) });
  return links;
}
