import { and, eq, inArray, sql } from "drizzle-orm";
import type { Actor } from "../auth/principal";
import type { Database } from "../db/client";
import { companies, contactEmails, contactPhones, formSubmissions, forms, memberships, stages } from "../db/schema";
import { ProblemError } from "../http/problem";
import type { ServiceContext } from "../lib/service-context";
import { emailsOf, phonesOf, tagsOf } from "../contacts/contact.mapper";
import type { ContactPatchInput } from "../contacts/contact.schema";
import { createContact, getContactRow, restoreContact, updateContact } from "../contacts/contact.service";
import { companyNameSort, normalizePhone, normalizeTags } from "../contacts/normalize";
import { createCompany } from "../companies/company.service";
import { getWorkspaceRow } from "../workspaces/workspace.service";
import { parseFormFields, parseRecord, parseStrings, type FormRow } from "./form.service";
import { leadFromPayload, type Lead } from "./lead";

// Turning a stored submission into a contact (and maybe a deal). Runs right after the post is
// stored, and again from the queue when that failed; a submission that is already processed is
// left alone, so a retry or a duplicated message changes nothing.

export type ProcessOutcome = { status: "processed" | "skipped"; contactId: string | null; dealId: string | null; ownerId: string | null; created: boolean };
export type CreateDealForLead = (input: { actor: Actor; title: string; stageId: string; contactId: string; companyId: string | null; ownerId: string | null; source: string }) => Promise<string>;

async function findExisting(db: Database, workspaceId: string, lead: Lead, defaultCountry: string) {
  if (lead.email) {
    const [byEmail] = await db
      .select({ contactId: contactEmails.contactId })
      .from(contactEmails)
      .where(and(eq(contactEmails.workspaceId, workspaceId), eq(contactEmails.email, lead.email)))
      .limit(1);
    if (byEmail) return byEmail.contactId;
  }
  const phone = lead.phone ? normalizePhone(lead.phone, defaultCountry) : null;
  if (phone) {
    const [byPhone] = await db
      .select({ contactId: contactPhones.contactId })
      .from(contactPhones)
      .where(and(eq(contactPhones.workspaceId, workspaceId), eq(contactPhones.e164, phone.e164)))
      .limit(1);
    if (byPhone) return byPhone.contactId;
  }
  return null;
}

async function companyFor(ctx: ServiceContext, name: string | undefined) {
  if (!name) return null;
  const [found] = await ctx.db
    .select({ id: companies.id })
    .from(companies)
    .where(and(eq(companies.workspaceId, ctx.actor.workspaceId), eq(companies.nameSort, companyNameSort(name)), sql`${companies.deletedAt} IS NULL`))
    .limit(1);
  return found?.id ?? (await createCompany(ctx, { name })).id;
}

/**
 * The next owner: the fixed one, or the next in turn (the counter moves atomically in D1). Only
 * people still in the workspace take turns; with nobody left, the lead has no owner rather
 * than failing.
 */
async function nextOwner(db: Database, form: FormRow): Promise<string | null> {
  const configured = parseStrings(form.ownerIds);
  const current =
    configured.length === 0
      ? []
      : await db
          .select({ userId: memberships.userId })
          .from(memberships)
          .where(and(eq(memberships.workspaceId, form.workspaceId), inArray(memberships.userId, configured)));
  const members = new Set(current.map((row) => row.userId));
  const owners = configured.filter((id) => members.has(id));
  if (form.ownerMode === "none" || owners.length === 0) return null;
  if (form.ownerMode === "fixed") return owners[0] ?? null;
  const [turn] = await db
    .update(forms)
    .set({ roundRobinNext: sql`${forms.roundRobinNext} + 1` })
    .where(eq(forms.id, form.id))
    .returning({ next: forms.roundRobinNext });
  return owners[((turn?.next ?? 1) - 1) % owners.length] ?? null;
}

/** Fills only what is empty: a person's edits always win over a later form post. */
function fillEmpty(current: Awaited<ReturnType<typeof getContactRow>>["contact"], lead: Lead, attribution: Record<string, string>, formTags: string[], defaultCountry: string): ContactPatchInput {
  const patch: ContactPatchInput = {};
  if (!current.firstName && lead.firstName) patch.first_name = lead.firstName;
  if (!current.lastName && lead.lastName) patch.last_name = lead.lastName;
  if (!current.jobTitle && lead.jobTitle) patch.job_title = lead.jobTitle;
  if (!current.city && lead.city) patch.city = lead.city;
  if (!current.country && lead.country) patch.country = lead.country;
  const emails = emailsOf(current);
  if (lead.email && !emails.includes(lead.email)) patch.emails = [...emails, lead.email];
  const phones = phonesOf(current);
  // The same number typed another way is the same phone.
  const leadPhone = lead.phone ? normalizePhone(lead.phone, defaultCountry) : null;
  if (lead.phone && leadPhone && !phones.some((p) => p.e164 === leadPhone.e164)) {
    patch.phones = [...phones.map((p) => ({ number: p.e164, ...(p.label ? { label: p.label } : {}) })), { number: lead.phone }];
  }
  const tags = normalizeTags([...tagsOf(current), ...formTags]);
  if (tags.length !== tagsOf(current).length) patch.tags = tags;
  if (!current.source && attribution.source) patch.source = attribution.source;
  for (const key of ["utm_source", "utm_medium", "utm_campaign", "utm_term", "utm_content"] as const) {
    const column = { utm_source: current.utmSource, utm_medium: current.utmMedium, utm_campaign: current.utmCampaign, utm_term: current.utmTerm, utm_content: current.utmContent }[key];
    if (!column && attribution[key]) patch[key] = attribution[key];
  }
  return patch;
}

export async function processSubmission(db: Database, submissionId: string, now: number, createDealForLead: CreateDealForLead): Promise<ProcessOutcome> {
  const [submission] = await db.select().from(formSubmissions).where(eq(formSubmissions.id, submissionId)).limit(1);
  if (!submission || (submission.status !== "received" && submission.status !== "failed")) {
    return { status: "skipped", contactId: submission?.contactId ?? null, dealId: submission?.dealId ?? null, ownerId: null, created: false };
  }
  const [form] = await db.select().from(forms).where(eq(forms.id, submission.formId)).limit(1);
  if (!form) throw new Error(`form ${submission.formId} of submission ${submissionId} is gone`);
  const workspaceId = form.workspaceId;
  const actor: Actor = { type: "system", id: null, workspaceId };
  const ctx: ServiceContext = { db, actor, requestId: submissionId, now };
  const workspace = await getWorkspaceRow(db, workspaceId);
  const lead = leadFromPayload(parseRecord(submission.payload), parseFormFields(form));
  const attribution = parseRecord(submission.attribution);
  const formTags = parseStrings(form.tags);
  const consent = lead.consent && form.consentText ? { status: "granted" as const, source: `form: ${form.name}`, ...(form.consentLegalBasis ? { legal_basis: form.consentLegalBasis } : {}) } : undefined;

  let contactId = submission.contactId ?? (await findExisting(db, workspaceId, lead, workspace.defaultPhoneCountry));
  // A retry of a submission that already created its contact continues where it stopped.
  let created = submission.contactId !== null;
  let ownerId: string | null = null;
  if (contactId && created) {
    ownerId = (await getContactRow(db, workspaceId, contactId, { includeDeleted: true })).contact.ownerId;
  } else if (contactId) {
    const { contact } = await getContactRow(db, workspaceId, contactId, { includeDeleted: true });
    // The person is back: a deleted contact is restored, however long ago it was deleted.
    if (contact.deletedAt !== null) await restoreContact(ctx, contactId, { ignoreWindow: true });
    const patch = fillEmpty(contact, lead, attribution, formTags, workspace.defaultPhoneCountry);
    if (consent && contact.consentStatus !== "granted") patch.consent = consent;
    if (!contact.companyId && lead.company) patch.company_id = await companyFor(ctx, lead.company);
    if (Object.keys(patch).length > 0) await updateContact(ctx, contactId, patch, null);
    ownerId = contact.ownerId;
  } else {
    ownerId = await nextOwner(db, form);
    try {
      const contact = await createContact(ctx, {
        ...(lead.firstName ? { first_name: lead.firstName } : {}),
        ...(lead.lastName ? { last_name: lead.lastName } : {}),
        ...(lead.email ? { emails: [lead.email] } : {}),
        ...(lead.phone ? { phones: [{ number: lead.phone }] } : {}),
        ...(lead.jobTitle ? { job_title: lead.jobTitle } : {}),
        ...(lead.city ? { city: lead.city } : {}),
        ...(lead.country ? { country: lead.country } : {}),
        company_id: await companyFor(ctx, lead.company),
        lifecycle_stage: form.lifecycleStage,
        owner_id: ownerId,
        tags: formTags,
        ...(attribution.source ? { source: attribution.source } : {}),
        ...(attribution.utm_source ? { utm_source: attribution.utm_source } : {}),
        ...(attribution.utm_medium ? { utm_medium: attribution.utm_medium } : {}),
        ...(attribution.utm_campaign ? { utm_campaign: attribution.utm_campaign } : {}),
        ...(attribution.utm_term ? { utm_term: attribution.utm_term } : {}),
        ...(attribution.utm_content ? { utm_content: attribution.utm_content } : {}),
        ...(consent ? { consent } : {}),
      });
      contactId = contact.id;
      created = true;
      // Remembered at once: if anything after this fails, the retry knows this submission
      // created the contact and still owes it its deal.
      await db.update(formSubmissions).set({ contactId }).where(eq(formSubmissions.id, submissionId));
    } catch (error) {
      // Another post of the same person won the race: this one merges into that contact.
      if (error instanceof ProblemError && error.problem.code === "duplicate_email") return processSubmission(db, submissionId, now, createDealForLead);
      throw error;
    }
  }

  // First and last touch: the contact keeps when it was first and last seen; each submission
  // keeps its own attribution, so the latest one is the last touch. A submission is also the
  // contact's latest activity (the timeline shows it), so last_activity_at moves with it.
  await db.run(sql`UPDATE contacts SET first_seen_at = coalesce(first_seen_at, ${submission.receivedAt}),
    last_seen_at = max(coalesce(last_seen_at, 0), ${submission.receivedAt}),
    last_activity_at = max(coalesce(last_activity_at, 0), ${submission.receivedAt}),
    referrer = coalesce(referrer, ${attribution.referrer ?? null}), landing_page = coalesce(landing_page, ${attribution.landing_page ?? null})
    WHERE id = ${contactId}`);

  let dealId: string | null = submission.dealId;
  // The stage may have been removed since the form was set up: then the lead gets no deal.
  const [dealStage] = form.dealStageId ? await db.select({ id: stages.id }).from(stages).where(and(eq(stages.workspaceId, workspaceId), eq(stages.id, form.dealStageId))).limit(1) : [];
  if (created && dealId === null && dealStage) {
    const { contact } = await getContactRow(db, workspaceId, contactId);
    const name = [contact.firstName, contact.lastName].filter(Boolean).join(" ") || contact.primaryEmail || contact.primaryPhone || "lead";
    dealId = await createDealForLead({ actor, title: `${form.name}: ${name}`, stageId: dealStage.id, contactId, companyId: contact.companyId, ownerId, source: `form: ${form.name}` });
  }
  await db
    .update(formSubmissions)
    .set({ status: "processed", reason: null, contactId, dealId, processedAt: now, attempts: sql`${formSubmissions.attempts} + 1` })
    .where(and(eq(formSubmissions.id, submissionId), inArray(formSubmissions.status, ["received", "failed"])));
  return { status: "processed", contactId, dealId, ownerId, created };
}

export async function markFailed(db: Database, submissionId: string, error: unknown) {
  const reason = error instanceof ProblemError ? `${error.problem.code}: ${error.problem.detail}` : error instanceof Error ? error.message : String(error);
  await db
    .update(formSubmissions)
    .set({ status: "failed", reason: reason.slice(0, 500), attempts: sql`${formSubmissions.attempts} + 1` })
    .where(and(eq(formSubmissions.id, submissionId), inArray(formSubmissions.status, ["received", "failed"])));
}
