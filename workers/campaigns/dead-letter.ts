import { sql } from "drizzle-orm";
import type { Database } from "../db/client";
import { campaignRecipients, campaigns } from "../db/schema";
import { rawBatch } from "../imports/raw-batch";
import { finishIfDone } from "./dispatch";
import { announceProgress } from "./materialize";

// A `campaign.send` message the jobs queue gave up on. Failed sends never get here (the
// consumer marks a recipient failed on its 5th attempt, below max_retries), so this is a message
// that kept throwing for some other reason. Left alone, its recipients would stay `queued` until
// the tick's requeueStale sent them again 15 minutes later — and a message that always fails
// would loop forever. So its recipients still queued and not leased by a live consumer are
// marked failed, counted in the same batch, and the campaign closes if nothing else is left.

export const gaveUpOnSend = "Sending to this recipient failed repeatedly and was stopped.";

/** Marks the message's unsent, unleased recipients failed; returns how many it marked. */
export async function failDeadLetteredSend(env: Env, db: Database, campaignId: string, recipientIds: readonly string[], now: number): Promise<number> {
  const ids = JSON.stringify(recipientIds);
  // Only a sending campaign: pause already gave its unleased rows back to pending and cancel
  // skipped them, so rows still queued there belong to pause/cancel's own path. The last send
  // error, when there was one, is kept after the explanation.
  const [marked] = await rawBatch(db, [
    sql`UPDATE ${campaignRecipients}
      SET status = 'failed', claimed_until = NULL,
        error = substr(${gaveUpOnSend} || CASE WHEN error IS NULL OR error = '' THEN '' ELSE ' Last error: ' || error END, 1, 500)
      WHERE id IN (SELECT value FROM json_each(${ids})) AND campaign_id = ${campaignId} AND status = 'queued'
        AND (claimed_until IS NULL OR claimed_until < ${now})
        AND EXISTS (SELECT 1 FROM ${campaigns} WHERE id = ${campaignId} AND status = 'sending')`,
    sql`UPDATE ${campaigns} SET failed_count = failed_count + changes() WHERE id = ${campaignId}`,
  ]);
  const changed = marked?.meta.changes ?? 0;
  if (changed > 0) {
    await announceProgress(env, db, campaignId);
    await finishIfDone(env, db, campaignId, now);
  }
  return changed;
}
