// Turns GET /contacts/{id}/communication into what a person reads on the contact card: the
// channels actually used (busiest first), totals each way, the typical reply time, and the
// channel the contact prefers.
import { type ActivityType, activityTypes, formatDuration } from "./timeline";

export type ChannelCounts = Record<ActivityType, number>;
export type Communication = {
  inbound: ChannelCounts;
  outbound: ChannelCounts;
  first_response: { median_seconds: number | null; average_seconds: number | null; samples: number };
  preferred_channel: ActivityType | null;
};

export type ChannelRow = { type: ActivityType; inbound: number; outbound: number; total: number; share: number };
export type CommunicationSummary = {
  empty: boolean;
  inbound: number;
  outbound: number;
  channels: ChannelRow[];
  /** "2 h 15 min", or null when no inbound message has been answered yet. */
  firstResponse: string | null;
  firstResponseAverage: string | null;
  samples: number;
  preferred: ActivityType | null;
};

const sum = (counts: ChannelCounts) => activityTypes.reduce((total, type) => total + counts[type], 0);

export function summarizeCommunication(metrics: Communication, locale: string): CommunicationSummary {
  const inbound = sum(metrics.inbound);
  const outbound = sum(metrics.outbound);
  const all = inbound + outbound;
  const channels = activityTypes
    .map((type) => {
      const total = metrics.inbound[type] + metrics.outbound[type];
      return { type, inbound: metrics.inbound[type], outbound: metrics.outbound[type], total, share: all === 0 ? 0 : total / all };
    })
    .filter((row) => row.total > 0)
    // Busiest first; ties keep the fixed channel order so the card does not reshuffle on reload.
    .sort((a, b) => b.total - a.total || activityTypes.indexOf(a.type) - activityTypes.indexOf(b.type));
  const { median_seconds: median, average_seconds: average, samples } = metrics.first_response;
  return {
    empty: all === 0,
    inbound,
    outbound,
    channels,
    firstResponse: median === null ? null : formatDuration(median, locale),
    firstResponseAverage: average === null ? null : formatDuration(average, locale),
    samples,
    preferred: metrics.preferred_channel,
  };
}
