// Pure rules of the Campaigns screens: the segment builder's draft and how it becomes the
// server's filter JSON, the merge-field picker, which 422 pointer belongs to which editor tab,
// the wizard's schedule body and a send's progress. No DOM, so every rule is unit-tested.

// ------------------------------------------------------------------ segment filter

// Mirrors workers/segments/segment-filter.ts (the unit test checks the lists are equal and that
// every filter built here passes the worker's own zod schema).
export const segmentFields = ["lifecycle_stage", "tags", "owner_id", "country", "city", "company_industry", "company_size", "consent", "deal_status", "created_at", "last_activity_at"] as const;
export type SegmentField = (typeof segmentFields)[number];
export const dealStatuses = ["open", "won", "lost"] as const;
export const maxConditions = 30;
export const maxDepth = 3;

/** How a field's value is entered: a fixed set (checkboxes), free items (a list), members, or a date. */
export type ValueKind = "stage" | "size" | "consent" | "deal" | "owner" | "country" | "list" | "date";

export const valueKind: Record<SegmentField, ValueKind> = {
  lifecycle_stage: "stage",
  tags: "list",
  owner_id: "owner",
  country: "country",
  city: "list",
  company_industry: "list",
  company_size: "size",
  consent: "consent",
  deal_status: "deal",
  created_at: "date",
  last_activity_at: "date",
};

export const dateOps = ["within_last_days", "not_within_last_days", "before", "after"] as const;
export type DateOp = (typeof dateOps)[number];

/** The operators that make sense for a field, the first being the default. */
export function operatorsFor(field: SegmentField): readonly string[] {
  if (field === "tags") return ["has_any", "has_all", "has_none"];
  if (field === "deal_status") return ["has_any", "has_none"];
  if (valueKind[field] === "date") return dateOps;
  return ["in", "not_in"];
}

/**
 * One condition as the builder holds it: values for set/list fields (null = "no owner"), and for
 * dates either an absolute day (YYYY-MM-DD) or a number of days. Incomplete conditions are kept
 * on screen but left out of the filter sent to the server.
 */
export type ConditionDraft = { kind: "condition"; key: string; field: SegmentField; op: string; values: (string | null)[]; date: string; days: string };
export type GroupDraft = { kind: "group"; key: string; op: "and" | "or"; items: (ConditionDraft | GroupDraft)[] };

export type FilterCondition =
  | { field: Exclude<SegmentField, "created_at" | "last_activity_at">; op: string; value: (string | null)[] }
  | { field: "created_at" | "last_activity_at"; op: "before" | "after"; value: string }
  | { field: "created_at" | "last_activity_at"; op: "within_last_days" | "not_within_last_days"; value: number };
export type FilterGroup = { op: "and" | "or"; conditions: (FilterCondition | FilterGroup)[] };

let keyCounter = 0;
export function nextKey(): string {
  keyCounter += 1;
  return `k${keyCounter}`;
}

export function newCondition(field: SegmentField = "city"): ConditionDraft {
  return { kind: "condition", key: nextKey(), field, op: operatorsFor(field)[0] ?? "in", values: [], date: "", days: "30" };
}

export function newGroup(op: "and" | "or" = "and", items: (ConditionDraft | GroupDraft)[] = []): GroupDraft {
  return { kind: "group", key: nextKey(), op, items };
}

/** Changing the field resets operator and values, since the old ones rarely fit the new field. */
export function withField(condition: ConditionDraft, field: SegmentField): ConditionDraft {
  return { ...condition, field, op: operatorsFor(field)[0] ?? "in", values: [], date: "", days: "30" };
}

export function isDateOp(op: string): op is DateOp {
  return (dateOps as readonly string[]).includes(op);
}

const dayPattern = /^\d{4}-\d{2}-\d{2}$/;

/** Days for "within the last N days": a whole number 1…3650, else null. */
export function parseDays(text: string): number | null {
  if (!/^\s*\d{1,4}\s*$/.test(text)) return null;
  const days = Number(text);
  return days >= 1 && days <= 3650 ? days : null;
}

/** A condition ready for the server, or null while it is still incomplete. */
export function conditionFilter(draft: ConditionDraft): FilterCondition | null {
  if (draft.field === "created_at" || draft.field === "last_activity_at") {
    if (draft.op === "before" || draft.op === "after") {
      if (!dayPattern.test(draft.date)) return null;
      return { field: draft.field, op: draft.op, value: `${draft.date}T00:00:00.000Z` };
    }
    if (draft.op !== "within_last_days" && draft.op !== "not_within_last_days") return null;
    const days = parseDays(draft.days);
    return days === null ? null : { field: draft.field, op: draft.op, value: days };
  }
  const values = draft.values.filter((value, index, all) => all.indexOf(value) === index);
  if (values.length === 0) return null;
  return { field: draft.field, op: draft.op, value: values };
}

/**
 * The draft as the server's filter: incomplete conditions and empty groups are left out. `origin`
 * says which draft item each pointer of the result came from, so a 422 from the server lands on
 * the condition the person is looking at even when incomplete ones were skipped.
 */
export function toFilter(root: GroupDraft): { filter: FilterGroup; origin: Map<string, string>; count: number } {
  const origin = new Map<string, string>();
  let count = 0;
  const walk = (group: GroupDraft, pointer: string): FilterGroup => {
    const conditions: (FilterCondition | FilterGroup)[] = [];
    for (const item of group.items) {
      const at = `${pointer}/conditions/${conditions.length}`;
      if (item.kind === "group") {
        const inner = walk(item, at);
        if (inner.conditions.length === 0) continue;
        origin.set(at, item.key);
        conditions.push(inner);
      } else {
        const condition = conditionFilter(item);
        if (!condition) continue;
        origin.set(at, item.key);
        count += 1;
        conditions.push(condition);
      }
    }
    return { op: group.op, conditions };
  };
  return { filter: walk(root, ""), origin, count };
}

/** The draft item a server pointer such as /filter/conditions/1/conditions/0/value/2 points into. */
export function itemOfPointer(pointer: string, origin: Map<string, string>): string | null {
  const path = pointer.replace(/^\/filter(?=\/|$)/, "");
  const parts = path.split("/");
  // Longest prefix first: an error inside a nested condition belongs to that condition, not its group.
  for (let end = parts.length; end > 1; end -= 1) {
    const key = origin.get(parts.slice(0, end).join("/"));
    if (key) return key;
  }
  return null;
}

const isGroup = (value: FilterCondition | FilterGroup): value is FilterGroup => "conditions" in value;

/** A saved filter back into a draft for editing. */
export function fromFilter(filter: FilterGroup): GroupDraft {
  return newGroup(
    filter.op,
    filter.conditions.map((item) => {
      if (isGroup(item)) return fromFilter(item);
      const draft = newCondition(item.field);
      draft.op = item.op;
      if (Array.isArray(item.value)) draft.values = [...item.value];
      else if (typeof item.value === "number") draft.days = String(item.value);
      else draft.date = item.value.slice(0, 10);
      return draft;
    }),
  );
}

export function depthOf(group: GroupDraft): number {
  return 1 + Math.max(0, ...group.items.map((item) => (item.kind === "group" ? depthOf(item) : 0)));
}

export function conditionCount(group: GroupDraft): number {
  return group.items.reduce((sum, item) => sum + (item.kind === "group" ? conditionCount(item) : 1), 0);
}

/** Whether another nested group fits under `group` sitting at `depth` (the root is depth 1). */
export function canNest(depth: number): boolean {
  return depth < maxDepth;
}

/** A copy of the tree with `update` applied to the item with this key (immutably, so undo is a pointer swap). */
export function updateItem(root: GroupDraft, key: string, update: (item: ConditionDraft | GroupDraft) => ConditionDraft | GroupDraft | null): GroupDraft {
  const walk = (group: GroupDraft): GroupDraft => ({
    ...group,
    items: group.items.flatMap((item) => {
      if (item.key === key) {
        const next = update(item);
        return next ? [next] : [];
      }
      return [item.kind === "group" ? walk(item) : item];
    }),
  });
  if (root.key === key) {
    const next = update(root);
    return next && next.kind === "group" ? next : root;
  }
  return walk(root);
}

/** "Vilnius, Kaunas" → ["Vilnius", "Kaunas"]; country codes upper-cased. */
export function listValues(text: string, field: SegmentField): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const part of text.split(/[,;\n]/)) {
    let value = part.trim();
    if (field === "country") value = value.toUpperCase();
    if (value === "" || seen.has(value.toLocaleLowerCase())) continue;
    seen.add(value.toLocaleLowerCase());
    out.push(value);
  }
  return out;
}

// ------------------------------------------------------------------ templates

export const templateLanguages = ["en", "lt", "lv", "sl", "ru"] as const;
export type TemplateLanguage = (typeof templateLanguages)[number];
// Mirrors workers/campaigns/template.ts; unsubscribe_url is filled by the sender and still offered,
// so a body can place the link where it reads best.
export const mergeFields = ["first_name", "last_name", "full_name", "email", "company", "job_title", "city", "country", "owner_name", "unsubscribe_url"] as const;
export type MergeField = (typeof mergeFields)[number];

/** The tag the picker inserts; quotes and backslashes in the fallback are escaped. */
export function mergeTag(field: MergeField, fallback: string): string {
  const text = fallback.trim();
  if (text === "") return `{{${field}}}`;
  return `{{${field} | default: "${text.replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"}}`;
}

/** Inserts at the selection, replacing it; returns the new text and where the caret goes. */
export function insertAt(text: string, start: number, end: number, snippet: string): { text: string; caret: number } {
  const from = Math.max(0, Math.min(start, text.length));
  const to = Math.max(from, Math.min(end, text.length));
  return { text: text.slice(0, from) + snippet + text.slice(to), caret: from + snippet.length };
}

export type VariantDraft = { language: TemplateLanguage; subject: string; html: string };

/** Variants with a subject or body; an untouched tab is not a variant. */
export function filledVariants(drafts: readonly VariantDraft[]): VariantDraft[] {
  return drafts.filter((draft) => draft.subject.trim() !== "" || draft.html.trim() !== "");
}

/**
 * Where a template 422 belongs: `/variants/<i>/subject` → the tab of the i-th variant sent and
 * its subject field; `/name`, `/default_language` → those fields.
 */
export function templateErrorTarget(pointer: string, sent: readonly { language: string }[]): { language: string | null; field: string } | null {
  const variant = /^\/variants\/(\d+)(?:\/([a-z_]+))?/.exec(pointer);
  if (variant) {
    const language = sent[Number(variant[1])]?.language ?? null;
    return { language, field: variant[2] ?? "subject" };
  }
  const field = /^\/([a-z_]+)/.exec(pointer)?.[1];
  return field ? { language: null, field } : null;
}

// ------------------------------------------------------------------ campaigns

export const campaignStatuses = ["draft", "scheduled", "sending", "paused", "sent", "cancelled"] as const;
export type CampaignStatus = (typeof campaignStatuses)[number];
export const recipientStatuses = ["pending", "queued", "sent", "failed", "skipped"] as const;
export type RecipientStatus = (typeof recipientStatuses)[number];
export const scheduleModes = ["now", "at", "local_time"] as const;
export type ScheduleMode = (typeof scheduleModes)[number];

export type Counts = { recipients: number; sent: number; failed: number; skipped: number; unsubscribed: number; pending: number };

/** What a person may do with a campaign in this status. */
export function campaignActions(status: CampaignStatus): { edit: boolean; schedule: boolean; pause: boolean; resume: boolean; cancel: boolean; remove: boolean } {
  return {
    edit: status === "draft" || status === "scheduled" || status === "paused",
    schedule: status === "draft",
    pause: status === "sending" || status === "scheduled",
    resume: status === "paused",
    cancel: status === "scheduled" || status === "sending" || status === "paused",
    remove: status === "draft" || status === "sent" || status === "cancelled",
  };
}

/** Whether the page should keep following the campaign (live events, polling). */
export function isActive(status: CampaignStatus): boolean {
  return status === "scheduled" || status === "sending" || status === "paused";
}

/** Share of recipients dealt with (sent, failed or skipped), 0…100, whole. */
export function progressPercent(counts: Counts): number {
  if (counts.recipients <= 0) return 0;
  const done = counts.sent + counts.failed + counts.skipped;
  return Math.max(0, Math.min(100, Math.floor((done / counts.recipients) * 100)));
}

const timePattern = /^([01]\d|2[0-3]):[0-5]\d$/;

export type ScheduleDraft = { mode: ScheduleMode; at: string; localDate: string; localTime: string };
export type ScheduleBody = { mode: "now" } | { mode: "at"; at: string } | { mode: "local_time"; local_date: string; local_time: string };

/**
 * The body of POST /campaigns/{id}/schedule, or the field that is wrong. `at` comes from a
 * datetime-local input, read in the person's own zone (offsetMinutes from Date#getTimezoneOffset).
 */
export function scheduleBody(draft: ScheduleDraft, now: Date): { ok: true; body: ScheduleBody } | { ok: false; field: "at" | "local_date" | "local_time"; reason: "missing" | "past" | "invalid" } {
  if (draft.mode === "now") return { ok: true, body: { mode: "now" } };
  if (draft.mode === "at") {
    if (draft.at === "") return { ok: false, field: "at", reason: "missing" };
    const when = new Date(draft.at);
    if (Number.isNaN(when.getTime())) return { ok: false, field: "at", reason: "invalid" };
    if (when.getTime() <= now.getTime()) return { ok: false, field: "at", reason: "past" };
    return { ok: true, body: { mode: "at", at: when.toISOString() } };
  }
  if (!dayPattern.test(draft.localDate)) return { ok: false, field: "local_date", reason: draft.localDate === "" ? "missing" : "invalid" };
  if (!timePattern.test(draft.localTime)) return { ok: false, field: "local_time", reason: draft.localTime === "" ? "missing" : "invalid" };
  return { ok: true, body: { mode: "local_time", local_date: draft.localDate, local_time: draft.localTime } };
}

/** Quiet hours are both set or both empty, as HH:MM. */
export function quietHours(start: string, end: string): { ok: true; start: string | null; end: string | null } | { ok: false; field: "quiet_start" | "quiet_end" } {
  if (start === "" && end === "") return { ok: true, start: null, end: null };
  if (!timePattern.test(start)) return { ok: false, field: "quiet_start" };
  if (!timePattern.test(end) || end === start) return { ok: false, field: "quiet_end" };
  return { ok: true, start, end };
}

export const maxThrottle = 30_000;
/** Throttle: empty = the dispatcher's own pace, else a whole number 1…30,000 per minute (the worker's ceiling). */
export function parseThrottle(text: string): { ok: true; value: number | null } | { ok: false } {
  const trimmed = text.trim();
  if (trimmed === "") return { ok: true, value: null };
  if (!/^\d{1,6}$/.test(trimmed)) return { ok: false };
  const value = Number(trimmed);
  return value >= 1 && value <= maxThrottle ? { ok: true, value } : { ok: false };
}

export const wizardSteps = ["name", "segment", "template", "sender", "schedule", "review"] as const;
export type WizardStep = (typeof wizardSteps)[number];

const emailPattern = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
export function isEmailAddress(text: string): boolean {
  return emailPattern.test(text.trim());
}
