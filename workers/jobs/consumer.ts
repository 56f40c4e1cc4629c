import { materializeCampaign } from "../campaigns/materialize";
import { dispatchCampaign } from "../campaigns/dispatch";
import { sendCampaignBatch } from "../campaigns/send";
import { createDatabase } from "../db/client";
import { runExport } from "../exports/export.service";
import { processAndAnnounce } from "../forms/lead-runner";
import { fanOutNightlyScans, runScan } from "../duplicates/scan.service";
import { runImport } from "../imports/import-runner";
import { scanBirthdays } from "./birthdays";
import { fanOutRottingScan, scanRottingStage } from "./deal-rotting";
import { sendDigest } from "./digest";
import { purgeExpired } from "./maintenance";
import { JobMessage } from "./messages";
import { fanOutNightlyAudits, runAudit } from "../quality/audit-job";
import { remindTask } from "./task-reminders";

export async function handleJob(env: Env, message: JobMessage, now: number) {
  switch (message.type) {
    case "maintenance.purge":
      await purgeExpired(createDatabase(env.DB), now);
      return;
    case "form.process":
      await processAndAnnounce(env, message.submission_id);
      return;
    case "task.remind":
      await remindTask(env, createDatabase(env.DB), message.reminder_id, now);
      return;
    case "digest.send":
      await sendDigest(env, createDatabase(env.DB), message, now);
      return;
    case "deals.rotting_scan":
      if (message.stage_id === undefined) await fanOutRottingScan(env, createDatabase(env.DB), message.window);
      else await scanRottingStage(env, createDatabase(env.DB), message.stage_id, now);
      return;
    case "contacts.birthday_scan":
      await scanBirthdays(env, createDatabase(env.DB), message.window, message.after_id, now);
      return;
    case "import.run":
      await runImport(env, message.import_id, now);
      return;
    case "duplicates.nightly":
      await fanOutNightlyScans(env, createDatabase(env.DB), message.window, now);
      return;
    case "duplicates.scan":
      await runScan(env, createDatabase(env.DB), message.scan_id);
      return;
    case "quality.nightly":
      await fanOutNightlyAudits(env, createDatabase(env.DB), message.window, now);
      return;
    case "quality.audit":
      await runAudit(env, createDatabase(env.DB), message.audit_id, now);
      return;
    case "export.run":
      await runExport(env, createDatabase(env.DB), message.export_id, now);
      return;
    case "campaign.materialize":
      await materializeCampaign(env, createDatabase(env.DB), message.campaign_id, now);
      return;
    case "campaign.dispatch":
      await dispatchCampaign(env, createDatabase(env.DB), message.campaign_id, now);
      return;
    case "campaign.send":
      await sendCampaignBatch(env, createDatabase(env.DB), message.campaign_id, message.recipient_ids, now);
      return;
  }
}

// Messages in a batch are independent (each has its own dedupe key), so a few run at once: most
// of a message's time is waiting on D1 and the hub, and ten in flight keep a 50-message batch
// short without flooding D1. Each message is acknowledged or retried on its own, so one failure
// does not redeliver the batch.
export const consumerConcurrency = 10;
/**
 * Campaign sends each hold one SMTP connection while they run, and a Worker invocation may have
 * six outgoing connections opening at once (Workers limits); more would wait for a slot while
 * their connect timeout runs.
 */
export const sendsConcurrency = 6;
const campaignSendsQueue = "rapport-campaign-sends";

async function consumeOne(message: Message, env: Env) {
  const parsed = JobMessage.safeParse(message.body);
  if (!parsed.success) {
    console.error("Dropping malformed job message", message.id, parsed.error.message);
    message.ack();
    return;
  }
  try {
    await handleJob(env, parsed.data, Date.now());
    message.ack();
  } catch (error) {
    console.error("Job failed; it will be retried", message.id, parsed.data.type, error);
    message.retry({ delaySeconds: Math.min(300, 10 * 2 ** message.attempts) });
  }
}

export async function consumeJobs(batch: MessageBatch, env: Env) {
  let next = 0;
  const worker = async () => {
    while (next < batch.messages.length) {
      const message = batch.messages[next];
      next += 1;
      if (message) await consumeOne(message, env);
    }
  };
  const concurrency = batch.queue === campaignSendsQueue ? sendsConcurrency : consumerConcurrency;
  await Promise.all(Array.from({ length: Math.min(concurrency, batch.messages.length) }, worker));
}
