import { and, eq, inArray } from "drizzle-orm";
import { failDeadLetteredSend } from "../campaigns/dead-letter";
import { createDatabase } from "../db/client";
import { duplicateScans, exports as exportJobs, imports, qualityAudits } from "../db/schema";
import { publishToWorkspace } from "../hub/publish";
import { JobMessage } from "./messages";

// A message the jobs queue gave up on (max_retries) lands here. Background work a person is
// waiting for (an import, an export, a duplicate scan, an audit) must then say "failed" instead
// of "running" forever, so the screen stops spinning and the person can retry. Everything else
// is logged: reminders and digests are best effort by then, form submissions stay stored and can
// be replayed by an admin. A campaign send's recipients are marked failed (campaigns/dead-letter.ts)
// so the tick does not queue them again forever; a campaign's listing (`campaign.materialize`) is
// only logged, because the minute tick lists a stalled newsletter on from its cursor every five
// minutes and a birthday campaign every hour (campaigns/dispatch.ts).

/** The jobs queue's dead-letter queue (wrangler.toml), consumed by this Worker too. */
export const deadLetterQueue = "rapport-jobs-dlq";

const gaveUp = "This job failed repeatedly and was stopped. Start it again; if it fails again, contact support with its id.";
const unfinished = ["queued", "running"] as const;

async function settle(env: Env, message: JobMessage, now: number): Promise<void> {
  const db = createDatabase(env.DB);
  switch (message.type) {
    case "import.run": {
      const [row] = await db
        .update(imports)
        .set({ status: "failed", error: gaveUp, finishedAt: now, updatedAt: now })
        .where(and(eq(imports.id, message.import_id), inArray(imports.status, [...unfinished])))
        .returning({ workspaceId: imports.workspaceId });
      if (row) await publishToWorkspace(env, row.workspaceId, { type: "import.finished", id: message.import_id, actor: null, data: { status: "failed" } });
      return;
    }
    case "export.run": {
      const [row] = await db
        .update(exportJobs)
        .set({ status: "failed", error: gaveUp, finishedAt: now, cursor: null })
        .where(and(eq(exportJobs.id, message.export_id), inArray(exportJobs.status, [...unfinished])))
        .returning({ workspaceId: exportJobs.workspaceId });
      if (row) await publishToWorkspace(env, row.workspaceId, { type: "export.finished", id: message.export_id, actor: null, data: { status: "failed" } });
      return;
    }
    case "duplicates.scan": {
      const [row] = await db
        .update(duplicateScans)
        .set({ status: "failed", error: gaveUp, finishedAt: now })
        .where(and(eq(duplicateScans.id, message.scan_id), inArray(duplicateScans.status, [...unfinished])))
        .returning({ workspaceId: duplicateScans.workspaceId });
      if (row) await publishToWorkspace(env, row.workspaceId, { type: "duplicates.updated", id: message.scan_id, actor: null, data: { scan_id: message.scan_id, status: "failed" } });
      return;
    }
    case "quality.audit": {
      const [row] = await db
        .update(qualityAudits)
        .set({ status: "failed", error: gaveUp, finishedAt: now, cursor: null })
        .where(and(eq(qualityAudits.id, message.audit_id), inArray(qualityAudits.status, [...unfinished])))
        .returning({ workspaceId: qualityAudits.workspaceId });
      if (row) await publishToWorkspace(env, row.workspaceId, { type: "audit.finished", id: message.audit_id, actor: null, data: { status: "failed" } });
      return;
    }
    case "campaign.send": {
      const failed = await failDeadLetteredSend(env, db, message.campaign_id, message.recipient_ids, now);
      console.error("Campaign send given up after retries", message.campaign_id, `${failed} of ${message.recipient_ids.length} recipients marked failed`);
      return;
    }
    case "campaign.materialize":
    case "campaign.dispatch":
      // Nothing to mark: the minute tick lists a stalled newsletter on from its cursor and claims
      // due recipients itself (dispatch.ts).
      console.error("Campaign job given up after retries; the minute tick takes it up again", message.type, message.campaign_id);
      return;
    default:
      console.error("Job given up after retries", message.type, JSON.stringify(message));
  }
}

export async function settleDeadLetters(batch: MessageBatch, env: Env): Promise<void> {
  for (const message of batch.messages) {
    const parsed = JobMessage.safeParse(message.body);
    if (!parsed.success) {
      console.error("Dropping malformed dead letter", message.id, parsed.error.message);
      message.ack();
      continue;
    }
    try {
      await settle(env, parsed.data, Date.now());
      message.ack();
    } catch (error) {
      // Settling is one guarded UPDATE: retrying it is safe. The DLQ has no DLQ of its own.
      console.error("Could not settle a dead letter; it will be retried", message.id, parsed.data.type, error);
      message.retry({ delaySeconds: 60 });
    }
  }
}
