import { activityTypes, type ActivityDirection, type ActivityType } from "../db/schema";
import type { Communication } from "./activity.schema";

// Communication metrics of one contact, computed from its activities (any order in, no I/O).
//
// First response: when the contact reaches out (inbound) and we answer (the next outbound
// activity), the time in between is one sample. Several inbound messages before one answer are
// one wait, measured from the first of them: the person has been waiting since then. Notes and
// other activities without a direction neither start nor end a wait.
//
// Preferred channel: the type the contact uses most when they reach out; on a tie, the one they
// used most recently.

export type CommunicationEvent = { type: ActivityType; direction: ActivityDirection | null; occurredAt: number };

function zeroCounts(): Record<ActivityType, number> {
  return Object.fromEntries(activityTypes.map((type) => [type, 0])) as Record<ActivityType, number>;
}

export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  const upper = sorted[middle] ?? 0;
  return sorted.length % 2 === 1 ? upper : ((sorted[middle - 1] ?? 0) + upper) / 2;
}

export function communicationMetrics(events: readonly CommunicationEvent[]): Omit<Communication, "activities_considered"> {
  const inbound = zeroCounts();
  const outbound = zeroCounts();
  const lastInboundAt = new Map<ActivityType, number>();
  // Oldest first; a stable sort keeps the input order for equal times.
  const ordered = [...events].sort((a, b) => a.occurredAt - b.occurredAt);
  const waits: number[] = [];
  let waitingSince: number | null = null;
  for (const event of ordered) {
    if (event.direction === "inbound") {
      inbound[event.type] += 1;
      lastInboundAt.set(event.type, event.occurredAt);
      waitingSince ??= event.occurredAt;
    } else if (event.direction === "outbound") {
      outbound[event.type] += 1;
      if (waitingSince !== null) {
        waits.push(event.occurredAt - waitingSince);
        waitingSince = null;
      }
    }
  }
  let preferred: ActivityType | null = null;
  for (const type of activityTypes) {
    if (inbound[type] === 0) continue;
    const best = preferred === null ? null : { count: inbound[preferred], at: lastInboundAt.get(preferred) ?? 0 };
    if (best === null || inbound[type] > best.count || (inbound[type] === best.count && (lastInboundAt.get(type) ?? 0) > best.at)) preferred = type;
  }
  const seconds = (ms: number | null) => (ms === null ? null : Math.round(ms / 1000));
  return {
    inbound,
    outbound,
    first_response: {
      median_seconds: seconds(median(waits)),
      average_seconds: seconds(waits.length === 0 ? null : waits.reduce((sum, wait) => sum + wait, 0) / waits.length),
      samples: waits.length,
    },
    preferred_channel: preferred,
  };
}
