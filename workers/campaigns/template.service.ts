import { and, asc, desc, eq, inArray, isNull, lt, notInArray } from "drizzle-orm";
import { auditInsert } from "../audit/audit.service";
import type { Database } from "../db/client";
import { newId } from "../db/ids";
import { emailTemplates, emailTemplateVariants, languages, templatePreviews, type Language } from "../db/schema";
import { isVersionConflict, versionGuard } from "../db/version-guard";
import { isoTime } from "../http/fields";
import { problems } from "../http/problem";
import type { ServiceContext } from "../lib/service-context";
import { unfinishedCampaignUsing } from "./campaign-usage";
import type { RenderableTemplate } from "./render";
import type { Template, TemplateCreateInput, TemplatePatchInput, TemplateVariantInput } from "./template.schema";

export type TemplateRow = typeof emailTemplates.$inferSelect;
export type VariantRow = typeof emailTemplateVariants.$inferSelect;
export type TemplateWithVariants = { template: TemplateRow; variants: VariantRow[] };

// Variants in the languages' fixed order (en, lt, lv, sl, ru), so editors show stable tabs.
const order = (variants: VariantRow[]) => [...variants].sort((a, b) => languages.indexOf(a.language) - languages.indexOf(b.language));

export function toTemplate({ template, variants }: TemplateWithVariants): Template {
  return {
    id: template.id,
    name: template.name,
    default_language: template.defaultLanguage,
    variants: order(variants).map((v) => ({ language: v.language, subject: v.subject, html: v.html, text: v.text })),
    created_at: isoTime(template.createdAt),
    updated_at: isoTime(template.updatedAt),
    version: template.version,
  };
}

/** What renderForRecipient takes (the sending helper loads a template once per batch with this). */
export function toRenderable({ template, variants }: TemplateWithVariants): RenderableTemplate {
  return { defaultLanguage: template.defaultLanguage, variants: variants.map((v) => ({ language: v.language, subject: v.subject, html: v.html, text: v.text })) };
}

const snapshot = ({ template, variants }: TemplateWithVariants) => ({
  name: template.name,
  default_language: template.defaultLanguage,
  variants: JSON.stringify(order(variants).map((v) => ({ language: v.language, subject: v.subject, html: v.html, text: v.text }))),
});

export async function getTemplate(db: Database, workspaceId: string, id: string): Promise<TemplateWithVariants> {
  const [template] = await db
    .select()
    .from(emailTemplates)
    .where(and(eq(emailTemplates.workspaceId, workspaceId), eq(emailTemplates.id, id), isNull(emailTemplates.deletedAt)))
    .limit(1);
  if (!template) throw problems.notFound("template");
  const variants = await db.select().from(emailTemplateVariants).where(eq(emailTemplateVariants.templateId, id));
  return { template, variants };
}

/** Templates by name, capped: a workspace keeps tens, not thousands. Variants in one more query. */
export async function listTemplates(db: Database, workspaceId: string): Promise<TemplateWithVariants[]> {
  const templates = await db
    .select()
    .from(emailTemplates)
    .where(and(eq(emailTemplates.workspaceId, workspaceId), isNull(emailTemplates.deletedAt)))
    .orderBy(asc(emailTemplates.name), asc(emailTemplates.id))
    .limit(500);
  const variants: VariantRow[] = [];
  for (let i = 0; i < templates.length; i += 90) {
    const ids = templates.slice(i, i + 90).map((t) => t.id);
    variants.push(...(await db.select().from(emailTemplateVariants).where(inArray(emailTemplateVariants.templateId, ids))));
  }
  return templates.map((template) => ({ template, variants: variants.filter((v) => v.templateId === template.id) }));
}

const variantRows = (templateId: string, variants: readonly TemplateVariantInput[]): VariantRow[] =>
  variants.map((v) => ({ templateId, language: v.language, subject: v.subject, html: v.html, text: v.text === null || v.text.trim() === "" ? null : v.text }));

// 5 columns a row: at most 5 variants, one statement.
const insertVariants = (db: Database, rows: VariantRow[]) => db.insert(emailTemplateVariants).values(rows);

export async function createTemplate(ctx: ServiceContext, input: TemplateCreateInput): Promise<TemplateWithVariants> {
  const template: TemplateRow = {
    id: newId("template", ctx.now),
    workspaceId: ctx.actor.workspaceId,
    name: input.name,
    defaultLanguage: input.default_language,
    createdBy: ctx.actor.id,
    updatedBy: ctx.actor.id,
    createdAt: ctx.now,
    updatedAt: ctx.now,
    version: 1,
    deletedAt: null,
  };
  const created = { template, variants: variantRows(template.id, input.variants) };
  await ctx.db.batch([
    ctx.db.insert(emailTemplates).values(template),
    insertVariants(ctx.db, created.variants),
    auditInsert(ctx, { action: "template.created", entityType: "template", entityId: template.id, before: null, after: snapshot(created) }),
  ]);
  return created;
}

export async function updateTemplate(ctx: ServiceContext, id: string, patch: TemplatePatchInput, expectedVersion: number | null): Promise<TemplateWithVariants> {
  const current = await getTemplate(ctx.db, ctx.actor.workspaceId, id);
  if (expectedVersion !== null && expectedVersion !== current.template.version) throw problems.preconditionFailed(current.template.version);
  const variants = patch.variants ? variantRows(id, patch.variants) : current.variants;
  const defaultLanguage: Language = patch.default_language ?? current.template.defaultLanguage;
  if (!variants.some((v) => v.language === defaultLanguage)) {
    throw problems.validation([{ pointer: patch.default_language ? "/default_language" : "/variants", code: "default_language_missing", detail: "The default language needs a version of its own." }]);
  }
  const next: TemplateWithVariants = {
    template: { ...current.template, name: patch.name ?? current.template.name, defaultLanguage, updatedBy: ctx.actor.id, updatedAt: ctx.now, version: current.template.version + 1 },
    variants,
  };
  const { template } = next;
  await ctx.db
    .batch([
      versionGuard(ctx.db, emailTemplates, id, current.template.version),
      ctx.db
        .update(emailTemplates)
        .set({ name: template.name, defaultLanguage: template.defaultLanguage, updatedBy: template.updatedBy, updatedAt: template.updatedAt, version: template.version })
        .where(eq(emailTemplates.id, id)),
      ...(patch.variants ? [ctx.db.delete(emailTemplateVariants).where(eq(emailTemplateVariants.templateId, id)), insertVariants(ctx.db, variants)] : []),
      auditInsert(ctx, { action: "template.updated", entityType: "template", entityId: id, before: snapshot(current), after: snapshot(next) }),
    ])
    .catch(async (error: unknown) => {
      if (isVersionConflict(error)) throw problems.preconditionFailed((await getTemplate(ctx.db, ctx.actor.workspaceId, id)).template.version);
      throw error;
    });
  return next;
}

/** Soft delete (variants stay for the sent campaigns' record); refused while an unfinished campaign uses it. */
export async function deleteTemplate(ctx: ServiceContext, id: string): Promise<void> {
  const current = await getTemplate(ctx.db, ctx.actor.workspaceId, id);
  const inUse = await unfinishedCampaignUsing(ctx.db, ctx.actor.workspaceId, { templateId: id });
  if (inUse) throw problems.conflict("template_in_use", "A campaign that has not finished uses this template. Change or cancel the campaign first.", { extensions: { campaign_id: inUse } });
  await ctx.db.batch([
    ctx.db.update(emailTemplates).set({ deletedAt: ctx.now, updatedAt: ctx.now }).where(eq(emailTemplates.id, id)),
    auditInsert(ctx, { action: "template.deleted", entityType: "template", entityId: id, before: snapshot(current), after: null }),
  ]);
}

/** How long a rendered preview can be loaded: the editor loads it at once; a reload after this is a 404. */
export const previewTtlMs = 10 * 60_000;

/** Live previews a workspace keeps at most; the oldest go first (an editor needs only its latest). */
export const maxLivePreviews = 50;

/**
 * Stores a rendered preview for the editor's iframe to load. The workspace's expired previews,
 * and any beyond the newest `maxLivePreviews`, are deleted in the same batch, so neither a busy
 * editor nor a script posting previews in a loop makes them pile up until the nightly purge.
 */
export async function storePreview(db: Database, workspaceId: string, html: string, now: number): Promise<{ id: string; expiresAt: number }> {
  const id = newId("templatePreview", now);
  const expiresAt = now + previewTtlMs;
  await db.batch([
    db.delete(templatePreviews).where(and(lt(templatePreviews.expiresAt, now), eq(templatePreviews.workspaceId, workspaceId))),
    db.insert(templatePreviews).values({ id, workspaceId, html, expiresAt }),
    db.delete(templatePreviews).where(
      and(
        eq(templatePreviews.workspaceId, workspaceId),
        notInArray(
          templatePreviews.id,
          db.select({ id: templatePreviews.id }).from(templatePreviews).where(eq(templatePreviews.workspaceId, workspaceId)).orderBy(desc(templatePreviews.expiresAt), desc(templatePreviews.id)).limit(maxLivePreviews),
        ),
      ),
    ),
  ]);
  return { id, expiresAt };
}

/** A stored preview's HTML; another workspace's or an unknown one is a 404, an expired one a 410. */
export async function loadPreview(db: Database, workspaceId: string, id: string, now: number): Promise<string> {
  const [row] = await db
    .select({ html: templatePreviews.html, expiresAt: templatePreviews.expiresAt })
    .from(templatePreviews)
    .where(and(eq(templatePreviews.id, id), eq(templatePreviews.workspaceId, workspaceId)))
    .limit(1);
  if (!row) throw problems.notFound("preview");
  if (row.expiresAt <= now) throw problems.gone("preview_expired", "This preview has expired. Show the preview again.");
  return row.html;
}

/** Nightly housekeeping: previews past their expiry, every workspace. */
export async function purgeExpiredPreviews(db: Database, now: number): Promise<void> {
  await db.delete(templatePreviews).where(lt(templatePreviews.expiresAt, now));
}
