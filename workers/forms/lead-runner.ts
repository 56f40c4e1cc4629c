import { createDatabase } from "../db/client";
import { hubFor, unwrap } from "../hub/client";
import { publishToWorkspace } from "../hub/publish";
import { markFailed, processSubmission, type CreateDealForLead } from "./lead.service";
import { contacts, forms, formSubmissions } from "../db/schema";
import { and, eq } from "drizzle-orm";
import type { Database } from "../db/client";
import { notifyUser } from "../notifications/notify";
import { suggestAndAnnounce } from "../duplicates/entry-suggestions";

// Runs a submission's processing with the real collaborators (the hub creates deals), records a
// failure on the submission and hands it to the queue for retries. Used by the public endpoint,
// by the replay route and by the queue consumer.

function dealCreator(env: Env): CreateDealForLead {
  return async (input) => {
    const result = await hubFor(env, input.actor.workspaceId).createDeal(
      { actor: input.actor, requestId: null },
      { title: input.title, value: 0, stage_id: input.stageId, primary_contact_id: input.contactId, company_id: input.companyId, owner_id: input.ownerId, source: input.source },
    );
    return unwrap(result).id;
  };
}

/** Processes now; on failure stores the reason and enqueues a retry. Never throws. */
export async function runLeadProcessing(env: Env, submissionId: string): Promise<void> {
  const db = createDatabase(env.DB);
  try {
    await processAndAnnounce(env, submissionId);
  } catch (error) {
    console.error("Lead processing failed; queued for retry", submissionId, error);
    await markFailed(db, submissionId, error);
    await env.JOBS.send({ type: "form.process", submission_id: submissionId }, { delaySeconds: 10 });
  }
}

/** Processes and tells the workspace; throws on failure (the queue consumer retries). */
export async function processAndAnnounce(env: Env, submissionId: string): Promise<void> {
  const db = createDatabase(env.DB);
  const outcome = await processSubmission(db, submissionId, Date.now(), dealCreator(env));
  if (outcome.status !== "processed" || !outcome.contactId) return;
  const [row] = await db
    .select({ workspaceId: formSubmissions.workspaceId, formId: formSubmissions.formId, formName: forms.name })
    .from(formSubmissions)
    .innerJoin(forms, eq(forms.id, formSubmissions.formId))
    .where(eq(formSubmissions.id, submissionId))
    .limit(1);
  if (!row) return;
  // A lead that created a contact may share a phone or a name at the company with one already there.
  if (outcome.created) await suggestAndAnnounce(env, row.workspaceId, [outcome.contactId]);
  await publishToWorkspace(env, row.workspaceId, {
    type: "form.submitted",
    id: submissionId,
    actor: null,
    data: { form_id: row.formId, form_name: row.formName, contact_id: outcome.contactId, deal_id: outcome.dealId, owner_id: outcome.ownerId, new_contact: outcome.created },
  });
  if (outcome.ownerId) {
    await notifyLeadOwner(env, db, {
      workspaceId: row.workspaceId,
      submissionId,
      formId: row.formId,
      formName: row.formName,
      contactId: outcome.contactId,
      dealId: outcome.dealId,
      ownerId: outcome.ownerId,
    });
  }
}

/**
 * Tells the lead's owner. Keyed by the submission, so a processing that runs again (a queue
 * redelivery, a retry after a failure further on) tells them once. The lead is already stored
 * and processed: a notification that cannot be sent is logged, and must not turn the lead into
 * a failed one that the queue would process again.
 */
async function notifyLeadOwner(
  env: Env,
  db: Database,
  lead: { workspaceId: string; submissionId: string; formId: string; formName: string; contactId: string; dealId: string | null; ownerId: string },
): Promise<void> {
  try {
    const [contact] = await db
      .select({ firstName: contacts.firstName, lastName: contacts.lastName, email: contacts.primaryEmail, phone: contacts.primaryPhone })
      .from(contacts)
      .where(and(eq(contacts.workspaceId, lead.workspaceId), eq(contacts.id, lead.contactId)))
      .limit(1);
    const fullName = [contact?.firstName, contact?.lastName].filter((part) => part).join(" ");
    await notifyUser(env, db, {
      workspaceId: lead.workspaceId,
      userId: lead.ownerId,
      // A lead without a name is still somebody: their address says who better than "a contact".
      message: { type: "lead.assigned", name: fullName || contact?.email || contact?.phone || null, formName: lead.formName },
      dedupeKey: `lead.assigned:${lead.submissionId}`,
      link: `/contacts/${lead.contactId}`,
      data: { submission_id: lead.submissionId, form_id: lead.formId, contact_id: lead.contactId, deal_id: lead.dealId },
      now: Date.now(),
    });
  } catch (error) {
    console.error("Lead owner not notified", lead.submissionId, error);
  }
}
