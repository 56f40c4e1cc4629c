import { and, desc, eq, isNull, lt, sql } from "drizzle-orm";
import { z } from "zod";
import { auditInsert } from "../audit/audit.service";
import type { Database } from "../db/client";
import { newId } from "../db/ids";
import { forms, formSubmissions } from "../db/schema";
import { isVersionConflict, versionGuard } from "../db/version-guard";
import { isoTime } from "../http/fields";
import { idCursor, toPage } from "../http/pagination";
import { problems } from "../http/problem";
import { randomToken } from "../lib/crypto";
import type { ServiceContext } from "../lib/service-context";
import { normalizeTags } from "../contacts/normalize";
import { assertMemberOfWorkspace } from "../contacts/references";
import { findStage } from "../deals/deal.service";
import { formFieldNames, type Form, type FormCreateInput, type FormPatchInput, type Submission } from "./form.schema";

export type FormRow = typeof forms.$inferSelect;
type SubmissionRow = typeof formSubmissions.$inferSelect;

// Stored JSON is ours, but it is parsed, not cast: a bad row is a bug to surface, not to trust.
const storedFields = z.array(z.object({ field: z.enum(formFieldNames), required: z.boolean(), label: z.string().optional() }));
const storedHidden = z.array(z.object({ name: z.string(), value: z.string() }));
const storedStrings = z.array(z.string());
const storedRecord = z.record(z.string(), z.string());

export const parseFormFields = (row: FormRow) => storedFields.parse(JSON.parse(row.fields));
export const parseHiddenFields = (row: FormRow) => storedHidden.parse(JSON.parse(row.hiddenFields));
export const parseStrings = (text: string) => storedStrings.parse(JSON.parse(text));
export const parseRecord = (text: string) => storedRecord.parse(JSON.parse(text));

export function toForm(row: FormRow, origin: string): Form {
  return {
    id: row.id,
    name: row.name,
    public_key: row.publicKey,
    post_url: `${origin}/f/${row.publicKey}`,
    hosted_url: `${origin}/f/${row.publicKey}`,
    fields: parseFormFields(row),
    hidden_fields: parseHiddenFields(row),
    allowed_origins: parseStrings(row.allowedOrigins),
    redirect_url: row.redirectUrl,
    thank_you_message: row.thankYouMessage,
    owner_mode: row.ownerMode,
    owner_ids: parseStrings(row.ownerIds),
    lifecycle_stage: row.lifecycleStage,
    tags: parseStrings(row.tags),
    deal_pipeline_id: row.dealPipelineId,
    deal_stage_id: row.dealStageId,
    consent_text: row.consentText,
    consent_legal_basis: row.consentLegalBasis,
    has_turnstile: row.turnstileSecret !== null,
    min_fill_seconds: row.minFillSeconds,
    version: row.version,
    created_at: isoTime(row.createdAt),
    updated_at: isoTime(row.updatedAt),
  };
}

export function toSubmission(row: SubmissionRow): Submission {
  return {
    id: row.id,
    form_id: row.formId,
    status: row.status,
    reason: row.reason,
    attempts: row.attempts,
    payload: parseRecord(row.payload),
    attribution: parseRecord(row.attribution),
    origin: row.origin,
    contact_id: row.contactId,
    deal_id: row.dealId,
    received_at: isoTime(row.receivedAt),
    processed_at: isoTime(row.processedAt),
  };
}

export async function getFormRow(db: Database, workspaceId: string, id: string) {
  const [row] = await db.select().from(forms).where(and(eq(forms.workspaceId, workspaceId), eq(forms.id, id), isNull(forms.deletedAt))).limit(1);
  if (!row) throw problems.notFound("form");
  return row;
}

export async function findFormByKey(db: Database, publicKey: string) {
  const [row] = await db.select().from(forms).where(and(eq(forms.publicKey, publicKey), isNull(forms.deletedAt))).limit(1);
  return row ?? null;
}

export async function listForms(db: Database, workspaceId: string) {
  return db.select().from(forms).where(and(eq(forms.workspaceId, workspaceId), isNull(forms.deletedAt))).orderBy(desc(forms.id)).limit(200);
}

async function checkReferences(ctx: ServiceContext, input: { owner_mode?: string | undefined; owner_ids?: string[] | undefined; deal_stage_id?: string | null | undefined }) {
  for (const [index, ownerId] of (input.owner_ids ?? []).entries()) await assertMemberOfWorkspace(ctx.db, ctx.actor.workspaceId, ownerId, `/owner_ids/${index}`);
  if (input.owner_mode === "fixed" && (input.owner_ids?.length ?? 0) !== 1) {
    throw problems.validation([{ pointer: "/owner_ids", code: "one_owner", detail: "A fixed owner is exactly one member." }]);
  }
  if (input.owner_mode === "round_robin" && (input.owner_ids?.length ?? 0) < 1) {
    throw problems.validation([{ pointer: "/owner_ids", code: "owners_required", detail: "Choose the members who take turns." }]);
  }
  return input.deal_stage_id ? findStage(ctx.db, ctx.actor.workspaceId, input.deal_stage_id, "/deal_stage_id") : null;
}

function snapshot(row: FormRow) {
  const { turnstileSecret, publicKey: _k, createdAt: _c, updatedAt: _u, version: _v, roundRobinNext: _r, ...rest } = row;
  return { ...rest, has_turnstile: turnstileSecret !== null };
}

export async function createForm(ctx: ServiceContext, input: FormCreateInput): Promise<FormRow> {
  const stage = await checkReferences(ctx, input);
  const row: FormRow = {
    id: newId("form", ctx.now),
    workspaceId: ctx.actor.workspaceId,
    name: input.name,
    publicKey: randomToken(18),
    fields: JSON.stringify(input.fields),
    hiddenFields: JSON.stringify(input.hidden_fields),
    allowedOrigins: JSON.stringify([...new Set(input.allowed_origins)]),
    redirectUrl: input.redirect_url,
    thankYouMessage: input.thank_you_message,
    ownerMode: input.owner_mode,
    ownerIds: JSON.stringify(input.owner_ids),
    roundRobinNext: 0,
    lifecycleStage: input.lifecycle_stage,
    tags: JSON.stringify(normalizeTags(input.tags)),
    dealPipelineId: stage?.pipelineId ?? null,
    dealStageId: stage?.id ?? null,
    consentText: input.consent_text,
    consentLegalBasis: input.consent_legal_basis,
    turnstileSecret: input.turnstile_secret,
    minFillSeconds: input.min_fill_seconds,
    version: 1,
    createdBy: ctx.actor.id,
    createdAt: ctx.now,
    updatedAt: ctx.now,
    deletedAt: null,
  };
  await ctx.db.batch([ctx.db.insert(forms).values(row), auditInsert(ctx, { action: "form.created", entityType: "form", entityId: row.id, before: null, after: snapshot(row) })]);
  return row;
}

export async function updateForm(ctx: ServiceContext, id: string, patch: FormPatchInput, expectedVersion: number | null): Promise<FormRow> {
  const current = await getFormRow(ctx.db, ctx.actor.workspaceId, id);
  if (expectedVersion !== null && expectedVersion !== current.version) throw problems.preconditionFailed(current.version);
  const ownerMode = patch.owner_mode ?? current.ownerMode;
  const ownerIds = patch.owner_ids ?? parseStrings(current.ownerIds);
  const stage = await checkReferences(ctx, { owner_mode: ownerMode, owner_ids: ownerIds, deal_stage_id: patch.deal_stage_id });
  const next: FormRow = {
    ...current,
    name: patch.name ?? current.name,
    fields: patch.fields ? JSON.stringify(patch.fields) : current.fields,
    hiddenFields: patch.hidden_fields ? JSON.stringify(patch.hidden_fields) : current.hiddenFields,
    allowedOrigins: patch.allowed_origins ? JSON.stringify([...new Set(patch.allowed_origins)]) : current.allowedOrigins,
    redirectUrl: patch.redirect_url === undefined ? current.redirectUrl : patch.redirect_url,
    thankYouMessage: patch.thank_you_message === undefined ? current.thankYouMessage : patch.thank_you_message,
    ownerMode,
    ownerIds: JSON.stringify(ownerIds),
    lifecycleStage: patch.lifecycle_stage ?? current.lifecycleStage,
    tags: patch.tags ? JSON.stringify(normalizeTags(patch.tags)) : current.tags,
    dealPipelineId: patch.deal_stage_id === undefined ? current.dealPipelineId : (stage?.pipelineId ?? null),
    dealStageId: patch.deal_stage_id === undefined ? current.dealStageId : (stage?.id ?? null),
    consentText: patch.consent_text === undefined ? current.consentText : patch.consent_text,
    consentLegalBasis: patch.consent_legal_basis === undefined ? current.consentLegalBasis : patch.consent_legal_basis,
    turnstileSecret: patch.turnstile_secret === undefined ? current.turnstileSecret : patch.turnstile_secret,
    minFillSeconds: patch.min_fill_seconds ?? current.minFillSeconds,
    version: current.version + 1,
    updatedAt: ctx.now,
  };
  const { id: _id, workspaceId: _ws, createdAt: _c, createdBy: _cb, ...changes } = next;
  await ctx.db
    .batch([
      versionGuard(ctx.db, forms, id, current.version),
      ctx.db.update(forms).set(changes).where(eq(forms.id, id)),
      auditInsert(ctx, { action: "form.updated", entityType: "form", entityId: id, before: snapshot(current), after: snapshot(next) }),
    ])
    .catch(async (error: unknown) => {
      if (isVersionConflict(error)) throw problems.preconditionFailed((await getFormRow(ctx.db, ctx.actor.workspaceId, id)).version);
      throw error;
    });
  return next;
}

export async function deleteForm(ctx: ServiceContext, id: string) {
  const current = await getFormRow(ctx.db, ctx.actor.workspaceId, id);
  await ctx.db.batch([
    ctx.db.update(forms).set({ deletedAt: ctx.now, updatedAt: ctx.now }).where(eq(forms.id, id)),
    auditInsert(ctx, { action: "form.deleted", entityType: "form", entityId: id, before: { name: current.name }, after: null }),
  ]);
}

export async function listSubmissions(db: Database, workspaceId: string, formId: string, query: { limit: number; cursor?: string | undefined; status?: string | undefined }) {
  await getFormRow(db, workspaceId, formId);
  const after = idCursor(query.cursor);
  const rows = await db
    .select()
    .from(formSubmissions)
    .where(
      and(
        eq(formSubmissions.workspaceId, workspaceId),
        eq(formSubmissions.formId, formId),
        ...(query.status ? [sql`${formSubmissions.status} = ${query.status}`] : []),
        ...(after !== null ? [lt(formSubmissions.id, after)] : []),
      ),
    )
    .orderBy(desc(formSubmissions.id))
    .limit(query.limit + 1);
  return toPage(rows, query.limit, (row) => [row.id], toSubmission);
}

