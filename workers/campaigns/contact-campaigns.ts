import { and, desc, eq, isNull, lt } from "drizzle-orm";
import { z } from "@hono/zod-openapi";
import { getContactRow } from "../contacts/contact.service";
import type { Database } from "../db/client";
import { campaignRecipientStatuses, campaignRecipients, campaigns, campaignStatuses } from "../db/schema";
import { isoTime, TimestampField } from "../http/fields";
import { idCursor, pageOf, PageQuery, toPage } from "../http/pagination";

// A contact's campaign history, for the contact page: every campaign that listed them, newest
// first, with what happened (sent, skipped and why, failed), and — where the campaign tracked —
// the first open and click, and an unsubscribe from that email. One indexed read
// (campaign_recipients_contact_idx) joined to the campaign by primary key.

export const ContactCampaignSchema = z
  .object({
    campaign_id: z.string(),
    campaign_name: z.string(),
    campaign_status: z.enum(campaignStatuses),
    tracking_enabled: z.boolean(),
    status: z.enum(campaignRecipientStatuses),
    skip_reason: z.string().nullable(),
    error: z.string().nullable(),
    email: z.string().nullable(),
    sent_at: TimestampField.nullable(),
    opened_at: TimestampField.nullable(),
    clicked_at: TimestampField.nullable(),
    unsubscribed_at: TimestampField.nullable(),
  })
  .openapi("ContactCampaign");

export const ContactCampaignPage = pageOf(ContactCampaignSchema, "ContactCampaignPage");
export const ContactCampaignQuery = PageQuery;

export async function listContactCampaigns(db: Database, workspaceId: string, contactId: string, query: z.infer<typeof ContactCampaignQuery>) {
  // A deleted contact's history stays readable while it can be restored.
  await getContactRow(db, workspaceId, contactId, { includeDeleted: true });
  const after = idCursor(query.cursor);
  const rows = await db
    .select({
      id: campaignRecipients.id,
      campaignId: campaigns.id,
      campaignName: campaigns.name,
      campaignStatus: campaigns.status,
      trackingEnabled: campaigns.trackingEnabled,
      status: campaignRecipients.status,
      skipReason: campaignRecipients.skipReason,
      error: campaignRecipients.error,
      email: campaignRecipients.email,
      sentAt: campaignRecipients.sentAt,
      openedAt: campaignRecipients.openedAt,
      clickedAt: campaignRecipients.clickedAt,
      unsubscribedAt: campaignRecipients.unsubscribedAt,
    })
    .from(campaignRecipients)
    .innerJoin(campaigns, eq(campaigns.id, campaignRecipients.campaignId))
    // Deleted campaigns leave the history with their report.
    .where(and(eq(campaignRecipients.contactId, contactId), eq(campaignRecipients.workspaceId, workspaceId), isNull(campaigns.deletedAt), after === null ? undefined : lt(campaignRecipients.id, after)))
    .orderBy(desc(campaignRecipients.id))
    .limit(query.limit + 1);
  return toPage(
    rows,
    query.limit,
    (row) => [row.id],
    (row) => ({
      campaign_id: row.campaignId,
      campaign_name: row.campaignName,
      campaign_status: row.campaignStatus,
      tracking_enabled: row.trackingEnabled,
      status: row.status,
      skip_reason: row.skipReason,
      error: row.error,
      email: row.email,
      sent_at: isoTime(row.sentAt),
      opened_at: isoTime(row.openedAt),
      clicked_at: isoTime(row.clickedAt),
      unsubscribed_at: isoTime(row.unsubscribedAt),
    }),
  );
}
