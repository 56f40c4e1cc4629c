import { z } from "zod";

// Events fanned out to everyone connected to a workspace: {seq, type, id, at, actor, data}.
// `seq` increases by one per workspace, so a client that sees a gap knows to refetch.
// New capabilities add their event types to this union.
export const hubEventTypes = [
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
export type HubEventType = (typeof hubEventTypes)[number];

export type HubEventInput = { type: HubEventType; id: string; actor: string | null; data: Record<string, unknown> };
export type HubEvent = HubEventInput & { seq: number; at: string };

// Frames a client may send over the socket.
export const ClientFrame = z.discriminatedUnion("type", [z.object({ type: z.literal("ping") }).strict()]);
