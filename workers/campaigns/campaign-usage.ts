import { and, eq, inArray, isNull } from "drizzle-orm";
import type { Database } from "../db/client";
import { campaigns, type CampaignStatus } from "../db/schema";

/** Campaigns that may still send: their segment and template must stay. */
export const unfinishedCampaignStatuses = ["draft", "scheduled", "sending", "paused"] as const satisfies readonly CampaignStatus[];

/** The id of an unfinished campaign of the workspace that uses this segment or template, if any. */
export async function unfinishedCampaignUsing(db: Database, workspaceId: string, use: { segmentId: string } | { templateId: string }): Promise<string | null> {
  const column = "segmentId" in use ? eq(campaigns.segmentId, use.segmentId) : eq(campaigns.templateId, use.templateId);
  const [row] = await db
    .select({ id: campaigns.id })
    .from(campaigns)
    .where(and(eq(campaigns.workspaceId, workspaceId), column, isNull(campaigns.deletedAt), inArray(campaigns.status, [...unfinishedCampaignStatuses])))
    .limit(1);
  return row?.id ?? null;
}
