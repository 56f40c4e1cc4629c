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
export type HubEventType = (typeof hubEventTypes)[number];

export type HubEventInput = { type: HubEventType; id: string; actor: string | null; data: Record<string, unknown> };
export type HubEvent = HubEventInput & { seq: number; at: string };

// Frames a client may send over the socket.
// `watch` says what the person is looking at ("pipeline:pip_…" or "deal:deal_…", null for
// nothing) so others see who else is there.
export const ClientFrame = z.discriminatedUnion("type", [
  z.object({ type: z.literal("ping") }).strict(),
  z
    .object({
      type: z.literal("watch"),
      target: z
        .string()
        .regex(/^(pipeline|deal):[a-z]+_[0-9a-z]{1,40}$/)
        .nullable(),
    })
    .strict(),
]);
