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
] as const;
export type LiveEventType = (typeof liveEventTypes)[number];
export type LiveEvent = { type: LiveEventType; seq: number; id: string; data: Record<string, unknown> };
export type LiveFrame = LiveEvent | { type: "hello" | "pong"; seq: number };

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
  return frame.type === "hello" || frame.type === "pong" ? frame.seq > lastSeq : frame.seq > lastSeq + 1;
}
