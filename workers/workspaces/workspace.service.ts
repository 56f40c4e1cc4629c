import { and, eq, inArray } from "drizzle-orm";
import { auditInsert } from "../audit/audit.service";
import type { Database } from "../db/client";
import {
  activities,
  apiKeys,
  auditLog,
  campaignLinkClicks,
  campaignRecipients,
  campaigns,
  contactMerges,
  duplicateClusters,
  duplicateDismissals,
  emailSuppressions,
  emailTemplates,
  emailTemplateVariants,
  segments,
  duplicateScans,
  emailOutbox,
  exportChunks,
  exports as exportJobs,
  importChunks,
  importKeys,
  importRows,
  imports,
  notificationPreferences,
  notifications,
  taskReminders,
  templatePreviews,
  tasks,
  companies,
  consentRecords,
  contactEmails,
  contactPhones,
  contacts,
  contactTags,
  dealContacts,
  deals,
  dealStageHistory,
  exchangeRates,
  forms,
  formSubmissions,
  idempotencyKeys,
  invitations,
  memberships,
  pipelines,
  qualityAudits,
  qualityFindings,
  refreshTokens,
  stages,
  workspaces,
} from "../db/schema";
import { workspaceToken } from "../contacts/normalize";
import { contactsFts } from "../contacts/search-index";
import { assertVersion } from "../http/etag";
import { isVersionConflict, versionGuard } from "../db/version-guard";
import { isoTime } from "../http/fields";
import { problems } from "../http/problem";
import type { ServiceContext } from "../lib/service-context";
import type { Workspace, WorkspacePatchInput } from "./workspace.schema";

type WorkspaceRow = typeof workspaces.$inferSelect;

export function toWorkspace(row: WorkspaceRow): Workspace {
  return {
    id: row.id,
    name: row.name,
    default_currency: row.defaultCurrency,
    time_zone: row.timeZone,
    default_phone_country: row.defaultPhoneCountry,
    language: row.language,
    quality_inactive_days: row.qualityInactiveDays,
    version: row.version,
    created_at: isoTime(row.createdAt),
    updated_at: isoTime(row.updatedAt),
  };
}

export async function getWorkspaceRow(db: Database, workspaceId: string): Promise<WorkspaceRow> {
  const [row] = await db.select().from(workspaces).where(eq(workspaces.id, workspaceId)).limit(1);
  if (!row) throw problems.notFound("workspace");
  return row;
}

// Audit snapshots use the API's field names, so the log reads like the API.
export function workspaceSnapshot(row: WorkspaceRow) {
  const { version: _version, created_at: _createdAt, updated_at: _updatedAt, ...fields } = toWorkspace(row);
  return fields;
}

export async function updateWorkspace(ctx: ServiceContext, patch: WorkspacePatchInput, expectedVersion: number | null): Promise<Workspace> {
  const current = await getWorkspaceRow(ctx.db, ctx.actor.workspaceId);
  assertVersion(expectedVersion, current.version);
  const next: WorkspaceRow = {
    ...current,
    name: patch.name ?? current.name,
    defaultCurrency: patch.default_currency ?? current.defaultCurrency,
    timeZone: patch.time_zone ?? current.timeZone,
    defaultPhoneCountry: patch.default_phone_country ?? current.defaultPhoneCountry,
    language: patch.language ?? current.language,
    qualityInactiveDays: patch.quality_inactive_days ?? current.qualityInactiveDays,
    version: current.version + 1,
    updatedAt: ctx.now,
  };
  await ctx.db
    .batch([
      versionGuard(ctx.db, workspaces, current.id, current.version),
      ctx.db
        .update(workspaces)
        .set({
          name: next.name,
          defaultCurrency: next.defaultCurrency,
          timeZone: next.timeZone,
          defaultPhoneCountry: next.defaultPhoneCountry,
          language: next.language,
          qualityInactiveDays: next.qualityInactiveDays,
          version: next.version,
          updatedAt: next.updatedAt,
        })
        .where(eq(workspaces.id, current.id)),
      auditInsert(ctx, { action: "workspace.updated", entityType: "workspace", entityId: current.id, before: workspaceSnapshot(current), after: workspaceSnapshot(next) }),
    ])
    .catch(async (error: unknown) => {
      if (isVersionConflict(error)) throw problems.preconditionFailed((await getWorkspaceRow(ctx.db, current.id)).version);
      throw error;
    });
  return toWorkspace(next);
}

// Deleting a workspace erases everything it holds, the audit log included: after deletion
// nothing of the workspace's personal data remains. Users stay (they may belong elsewhere).
// One batch is one transaction; a workspace near D1's limits would need this as a queued job
// in chunks (noted in docs/decisions.md).
export async function deleteWorkspace(ctx: ServiceContext, confirmName: string): Promise<void> {
  const current = await getWorkspaceRow(ctx.db, ctx.actor.workspaceId);
  if (confirmName !== current.name) {
    throw problems.validation([{ parameter: "confirm", detail: "Type the workspace's exact name to confirm." }]);
  }
  const id = current.id;
  await ctx.db.batch([
    // Children before parents: D1 enforces the foreign keys.
    // Campaigns first: they reference segments and templates.
    ctx.db.delete(campaignLinkClicks).where(eq(campaignLinkClicks.workspaceId, id)),
    ctx.db.delete(campaignRecipients).where(eq(campaignRecipients.workspaceId, id)),
    ctx.db.delete(campaigns).where(eq(campaigns.workspaceId, id)),
    ctx.db.delete(emailTemplateVariants).where(inArray(emailTemplateVariants.templateId, ctx.db.select({ id: emailTemplates.id }).from(emailTemplates).where(eq(emailTemplates.workspaceId, id)))),
    ctx.db.delete(emailTemplates).where(eq(emailTemplates.workspaceId, id)),
    ctx.db.delete(templatePreviews).where(eq(templatePreviews.workspaceId, id)),
    ctx.db.delete(segments).where(eq(segments.workspaceId, id)),
    ctx.db.delete(emailSuppressions).where(eq(emailSuppressions.workspaceId, id)),
    ctx.db.delete(qualityFindings).where(inArray(qualityFindings.auditId, ctx.db.select({ id: qualityAudits.id }).from(qualityAudits).where(eq(qualityAudits.workspaceId, id)))),
    ctx.db.delete(qualityAudits).where(eq(qualityAudits.workspaceId, id)),
    ...[importRows, importKeys, importChunks].map((table) => ctx.db.delete(table).where(inArray(table.importId, ctx.db.select({ id: imports.id }).from(imports).where(eq(imports.workspaceId, id))))),
    ctx.db.delete(imports).where(eq(imports.workspaceId, id)),
    ctx.db.delete(exportChunks).where(inArray(exportChunks.exportId, ctx.db.select({ id: exportJobs.id }).from(exportJobs).where(eq(exportJobs.workspaceId, id)))),
    ctx.db.delete(exportJobs).where(eq(exportJobs.workspaceId, id)),
    ctx.db.delete(duplicateDismissals).where(eq(duplicateDismissals.workspaceId, id)),
    ctx.db.delete(duplicateClusters).where(eq(duplicateClusters.workspaceId, id)),
    ctx.db.delete(duplicateScans).where(eq(duplicateScans.workspaceId, id)),
    ctx.db.delete(contactMerges).where(eq(contactMerges.workspaceId, id)),
    ctx.db.delete(notifications).where(eq(notifications.workspaceId, id)),
    ctx.db.delete(notificationPreferences).where(eq(notificationPreferences.workspaceId, id)),
    ctx.db.delete(emailOutbox).where(eq(emailOutbox.workspaceId, id)),
    ctx.db.delete(taskReminders).where(eq(taskReminders.workspaceId, id)),
    ctx.db.delete(tasks).where(eq(tasks.workspaceId, id)),
    ctx.db.delete(activities).where(eq(activities.workspaceId, id)),
    ctx.db.delete(formSubmissions).where(eq(formSubmissions.workspaceId, id)),
    ctx.db.delete(forms).where(eq(forms.workspaceId, id)),
    ctx.db.delete(dealStageHistory).where(eq(dealStageHistory.workspaceId, id)),
    ctx.db.delete(dealContacts).where(eq(dealContacts.workspaceId, id)),
    ctx.db.delete(deals).where(eq(deals.workspaceId, id)),
    ctx.db.delete(stages).where(eq(stages.workspaceId, id)),
    ctx.db.delete(pipelines).where(eq(pipelines.workspaceId, id)),
    ctx.db.delete(exchangeRates).where(eq(exchangeRates.workspaceId, id)),
    ctx.db.delete(consentRecords).where(eq(consentRecords.workspaceId, id)),
    ctx.db.delete(contactTags).where(eq(contactTags.workspaceId, id)),
    ctx.db.delete(contactPhones).where(eq(contactPhones.workspaceId, id)),
    ctx.db.delete(contactEmails).where(eq(contactEmails.workspaceId, id)),
    ctx.db.delete(contactsFts).where(eq(contactsFts.ws, workspaceToken(id))),
    ctx.db.delete(contacts).where(eq(contacts.workspaceId, id)),
    ctx.db.delete(companies).where(eq(companies.workspaceId, id)),
    ctx.db.delete(refreshTokens).where(eq(refreshTokens.workspaceId, id)),
    ctx.db.delete(apiKeys).where(eq(apiKeys.workspaceId, id)),
    ctx.db.delete(invitations).where(eq(invitations.workspaceId, id)),
    ctx.db.delete(idempotencyKeys).where(eq(idempotencyKeys.workspaceId, id)),
    ctx.db.delete(auditLog).where(eq(auditLog.workspaceId, id)),
    ctx.db.delete(memberships).where(eq(memberships.workspaceId, id)),
    ctx.db.delete(workspaces).where(eq(workspaces.id, id)),
  ]);
}

export async function transferOwnership(ctx: ServiceContext, currentOwnerMembershipId: string, targetMembershipId: string) {
  const rows = await ctx.db
    .select()
    .from(memberships)
    .where(and(eq(memberships.workspaceId, ctx.actor.workspaceId), inArray(memberships.id, [currentOwnerMembershipId, targetMembershipId])));
  const owner = rows.find((row) => row.id === currentOwnerMembershipId);
  const target = rows.find((row) => row.id === targetMembershipId);
  if (!target) throw problems.notFound("member");
  if (!owner || owner.role !== "owner") throw problems.forbidden("Only the owner can transfer ownership.");
  if (target.id === owner.id) throw problems.unprocessable("already_owner", "You already own this workspace.");
  await ctx.db.batch([
    versionGuard(ctx.db, memberships, owner.id, owner.version),
    versionGuard(ctx.db, memberships, target.id, target.version),
    ctx.db.update(memberships).set({ role: "admin", version: owner.version + 1, updatedAt: ctx.now }).where(eq(memberships.id, owner.id)),
    ctx.db.update(memberships).set({ role: "owner", version: target.version + 1, updatedAt: ctx.now }).where(eq(memberships.id, target.id)),
    auditInsert(ctx, { action: "member.role_changed", entityType: "member", entityId: owner.id, before: { role: "owner" }, after: { role: "admin" } }),
    auditInsert(ctx, { action: "member.role_changed", entityType: "member", entityId: target.id, before: { role: target.role }, after: { role: "owner" } }),
  ]);
}
