import { sql } from "drizzle-orm";
import type { Database } from "../db/client";
import { campaignLinkClicks, campaignRecipients, campaigns } from "../db/schema";
import { rawBatch } from "../imports/raw-batch";

// Recording opens and clicks from the public /t routes. Each is one D1 batch keyed by the
// recipient id from a verified token: the recipient's first opened_at / clicked_at is set only
// while still NULL, and the campaign's counter moves by changes() right after, so a recipient is
// counted once however often the pixel loads or a link is followed (repeats and retries change
// nothing). A click is an open too: many mail clients block images. A recipient row that is gone
// (a deleted workspace) matches nothing and records nothing.

const campaignOf = (recipientId: string) => sql`(SELECT ${campaignRecipients.campaignId} FROM ${campaignRecipients} WHERE ${campaignRecipients.id} = ${recipientId})`;

function firstOpen(recipientId: string, now: number) {
  return [
    sql`UPDATE ${campaignRecipients} SET opened_at = ${now} WHERE id = ${recipientId} AND opened_at IS NULL`,
    sql`UPDATE ${campaigns} SET opened_count = opened_count + changes() WHERE id = ${campaignOf(recipientId)}`,
  ];
}

export async function recordOpen(db: Database, recipientId: string, now: number): Promise<void> {
  await rawBatch(db, firstOpen(recipientId, now));
}

export async function recordClick(db: Database, recipientId: string, url: string, now: number): Promise<void> {
  await rawBatch(db, [
    ...firstOpen(recipientId, now),
    sql`UPDATE ${campaignRecipients} SET clicked_at = ${now} WHERE id = ${recipientId} AND clicked_at IS NULL`,
    sql`UPDATE ${campaigns} SET clicked_count = clicked_count + changes() WHERE id = ${campaignOf(recipientId)}`,
    sql`INSERT INTO ${campaignLinkClicks} (workspace_id, campaign_id, recipient_id, url, clicks, first_at, last_at)
      SELECT workspace_id, campaign_id, id, ${url}, 1, ${now}, ${now} FROM ${campaignRecipients} WHERE id = ${recipientId}
      ON CONFLICT (recipient_id, url) DO UPDATE SET clicks = clicks + 1, last_at = excluded.last_at`,
  ]);
}

export type LinkStat = { url: string; recipients: number; clicks: number };

/** The campaign's most clicked links: distinct recipients and all clicks per URL (campaign_link_clicks_campaign_idx). */
export async function linkStats(db: Database, campaignId: string, limit: number): Promise<LinkStat[]> {
  return db.all<LinkStat>(
    sql`SELECT url, COUNT(*) AS recipients, SUM(clicks) AS clicks FROM ${campaignLinkClicks} WHERE campaign_id = ${campaignId} GROUP BY url ORDER BY recipients DESC, clicks DESC, url LIMIT ${limit}`,
  );
}
