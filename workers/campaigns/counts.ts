import type { campaigns } from "../db/schema";
import type { Campaign } from "./campaign.schema";

/**
 * The counts a campaign shows, from its counters (kept in the same batch as each recipient's
 * status change). Pending is what is neither sent, failed nor skipped yet: waiting for its time
 * or on the queue. Opened and clicked count recipients (each once) and stay 0 without tracking.
 */
export function countsOf(
  row: Pick<typeof campaigns.$inferSelect, "recipientCount" | "sentCount" | "failedCount" | "skippedCount" | "unsubscribedCount" | "openedCount" | "clickedCount">,
): Campaign["counts"] {
  return {
    recipients: row.recipientCount,
    sent: row.sentCount,
    failed: row.failedCount,
    skipped: row.skippedCount,
    unsubscribed: row.unsubscribedCount,
    pending: Math.max(0, row.recipientCount - row.sentCount - row.failedCount - row.skippedCount),
    opened: row.openedCount,
    clicked: row.clickedCount,
  };
}
