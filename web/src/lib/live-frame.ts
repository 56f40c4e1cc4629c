import { isRecord } from "./decode";

// Frames from GET /api/v1/live. Mirrors hubEventTypes in workers/hub/events.ts.
export const liveEventTypes = [
  "workspace.updated",
  "member.added",
  "member.updated",
  "member.removed",
  "contact.created",
  "contact.updated",
  "contact.deleted",
  "contact.restored",
  "contacts.bulk_changed",
  "company.created",
  "company.updated",
  "company.deleted",
  "company.restored",
  "deal.created",
  "deal.updated",
  "deal.moved",
  "deal.deleted",
  "pipeline.changed",
  "form.submitted",
  "activity.created",
  "activity.updated",
  "activity.deleted",
  "task.created",
  "task.updated",
  "task.deleted",
  "import.progress",
  "import.finished",
  "duplicates.updated",
  "contacts.merged",
  "audit.finished",
  "export.finished",
  "segment.changed",
  "template.changed",
  "campaign.updated",
  "campaign.progress",
] as const;
export type LiveEventType = (typeof liveEventTypes)[number];
export type LiveEvent = { type: LiveEventType; seq: number; id: string; data: Record<string, unknown> };
export type PresenceFrame = { type: "presence"; seq: number; target: string; users: string[] };
// A notification for the signed-in person only; it carries the latest seq without taking one.
export type NotificationFrame = { type: "notification"; seq: number; id: string; data: Record<string, unknown> };
// The person marked notifications read in another tab or device (ids, or all with null), with
// the unread count after it; personal like a notification, so it carries the latest seq too.
export type NotificationsReadFrame = { type: "notifications.read"; seq: number; ids: string[] | null; unreadCount: number };
export type LiveFrame = LiveEvent | PresenceFrame | NotificationFrame | NotificationsReadFrame | { type: "hello" | "pong"; seq: number };

export function parseLiveFrame(text: string): LiveFrame | null {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return null;
  }
  if (!isRecord(value) || typeof value.seq !== "number") return null;
  const { type, seq } = value;
  if (type === "hello" || type === "pong") return { type, seq };
  if (type === "presence") {
    const users = Array.isArray(value.users) ? value.users.filter((user): user is string => typeof user === "string") : [];
    return typeof value.target === "string" ? { type, seq, target: value.target, users } : null;
  }
  if (type === "notification") {
    return typeof value.id === "string" ? { type, seq, id: value.id, data: isRecord(value.data) ? value.data : {} } : null;
  }
  if (type === "notifications.read") {
    const ids = value.ids === null ? null : Array.isArray(value.ids) ? value.ids.filter((id): id is string => typeof id === "string") : undefined;
    const count = value.unread_count;
    // A frame without a usable count would set the badge to nonsense: better ignored.
    if (ids === undefined || typeof count !== "number" || !Number.isInteger(count) || count < 0) return null;
    return { type, seq, ids, unreadCount: count };
  }
  const eventType = liveEventTypes.find((candidate) => candidate === type);
  if (!eventType || typeof value.id !== "string") return null;
  return { type: eventType, seq, id: value.id, data: isRecord(value.data) ? value.data : {} };
}

/** Reconnect delay: doubles from 1 s up to 30 s, with up to 20 % jitter so tabs do not stampede. */
export function reconnectDelay(attempt: number, random: number): number {
  const base = Math.min(30_000, 1000 * 2 ** Math.max(0, attempt));
  return Math.round(base * (1 + 0.2 * random));
}

/** A gap in seq means events were missed (e.g. while offline): the client must refetch. */
export function missedEvents(lastSeq: number | null, frame: LiveFrame): boolean {
  if (lastSeq === null) return false;
  // hello, pong, presence and the personal frames carry the latest seq without being an event themselves.
  return "id" in frame && frame.type !== "notification" ? frame.seq > lastSeq + 1 : frame.seq > lastSeq;
}

/** What a page is looking at, for presence: a pipeline's board or one deal. */
export function watchTarget(kind: "pipeline" | "deal", id: string): string {
  return `${kind}:${id}`;
}

/** The other people looking at the same thing (the user's own other tabs are not "others"). */
export function othersPresent(users: readonly string[], selfId: string | null): string[] {
  return users.filter((user) => user !== selfId);
}

/** A processed form post, as `form.submitted` carries it; null when the frame is not one. */
export type FormSubmitted = { submissionId: string; formId: string; contactId: string; dealId: string | null; ownerId: string | null; newContact: boolean };

export function formSubmittedOf(frame: LiveEvent): FormSubmitted | null {
  const { data } = frame;
  if (frame.type !== "form.submitted" || typeof data.form_id !== "string" || typeof data.contact_id !== "string") return null;
  return {
    submissionId: frame.id,
    formId: data.form_id,
    contactId: data.contact_id,
    dealId: typeof data.deal_id === "string" ? data.deal_id : null,
    ownerId: typeof data.owner_id === "string" ? data.owner_id : null,
    newContact: data.new_contact === true,
  };
}

/** The lead's owner is told; a lead nobody owns is news for everyone. */
export function leadIsFor(lead: Pick<FormSubmitted, "ownerId">, selfId: string | null): boolean {
  return lead.ownerId === null || lead.ownerId === selfId;
}
