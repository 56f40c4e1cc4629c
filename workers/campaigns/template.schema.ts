import { z } from "@hono/zod-openapi";
import { languages } from "../db/schema";
import { TimestampField } from "../http/fields";
import { parseTemplate } from "./template";

// Email templates: one variant per language (en, lt, lv, sl, ru), each a subject, an HTML body
// and optionally a plain-text body (generated from the HTML when absent). Merge fields are
// checked when the template is saved, so an unknown one is a 422 pointing at the exact variant
// field (/variants/0/subject), never a broken email at send time.

function mergeFieldsValid(source: string, ctx: z.RefinementCtx, key: string) {
  const parsed = parseTemplate(source);
  if (parsed.ok) return;
  for (const problem of parsed.problems) ctx.addIssue({ code: "custom", path: [key], message: problem.message, params: { code: problem.code, index: problem.index } });
}

const Variant = z
  .object({
    language: z.enum(languages),
    subject: z.string().trim().min(1, "Enter a subject.").max(300),
    html: z.string().trim().min(1, "Write the email.").max(200_000),
    text: z.string().max(200_000).nullable().default(null),
  })
  .strict()
  .superRefine((variant, ctx) => {
    mergeFieldsValid(variant.subject, ctx, "subject");
    mergeFieldsValid(variant.html, ctx, "html");
    if (variant.text !== null) mergeFieldsValid(variant.text, ctx, "text");
  })
  .openapi("TemplateVariant");

const Variants = z
  .array(Variant)
  .min(1, "Write at least one language version.")
  .max(languages.length)
  .superRefine((variants, ctx) => {
    const seen = new Set<string>();
    variants.forEach((variant, index) => {
      if (seen.has(variant.language)) ctx.addIssue({ code: "custom", path: [index, "language"], message: `There is already a ${variant.language} version.` });
      seen.add(variant.language);
    });
  });

const TemplateName = z.string().trim().min(1, "Enter a name.").max(120);

export const TemplateCreate = z
  .object({ name: TemplateName, default_language: z.enum(languages), variants: Variants })
  .strict()
  .superRefine((input, ctx) => {
    if (!input.variants.some((v) => v.language === input.default_language)) {
      ctx.addIssue({ code: "custom", path: ["default_language"], message: "The default language needs a version of its own." });
    }
  })
  .openapi("TemplateCreate");

export const TemplatePatch = z
  .object({ name: TemplateName.optional(), default_language: z.enum(languages).optional(), variants: Variants.optional() })
  .strict()
  .openapi("TemplatePatch", { description: "variants, when given, replace all of the template's versions." });

export const TemplateSchema = z
  .object({
    id: z.string().openapi({ example: "tpl_01jd3x0000abcdefghjkmnpqrs" }),
    name: z.string(),
    default_language: z.enum(languages),
    variants: z.array(z.object({ language: z.enum(languages), subject: z.string(), html: z.string(), text: z.string().nullable() })),
    created_at: TimestampField,
    updated_at: TimestampField,
    version: z.number().int(),
  })
  .openapi("Template");

export const TemplateList = z.object({ data: z.array(TemplateSchema) }).openapi("TemplateList");

export const TemplatePreviewBody = z
  .object({ contact_id: z.string().startsWith("con_").max(64), language: z.enum(languages).optional() })
  .strict()
  .openapi("TemplatePreviewBody");
// The editor's draft, not a saved template: the same variant rules as a save (an unknown merge
// field is a 422 at /variants/<i>/…), so what previews is what will save.
export const TemplateDraftPreviewBody = z
  .object({ default_language: z.enum(languages), variants: Variants, contact_id: z.string().startsWith("con_").max(64), language: z.enum(languages).optional() })
  .strict()
  .openapi("TemplateDraftPreviewBody");
export const TemplatePreviewDocument = z
  .object({
    url: z.string().openapi({ description: "Load it in an <iframe sandbox>: an HTML document with its own restrictive CSP.", example: "/api/v1/templates/previews/tpv_01jd3x0000abcdefghjkmnpqrs" }),
    language: z.enum(languages),
    subject: z.string(),
    expires_at: TimestampField,
  })
  .openapi("TemplatePreviewDocument");
export const TemplateTestBody = z.object({ language: z.enum(languages).optional() }).strict().openapi("TemplateTestBody");

export const RenderedEmailSchema = z
  .object({
    language: z.enum(languages),
    subject: z.string(),
    html: z.string().openapi({ description: "Show it in a sandboxed iframe, never as trusted HTML." }),
    text: z.string(),
  })
  .openapi("RenderedEmail");
export const TemplateTestResult = z.object({ to: z.string(), language: z.enum(languages), subject: z.string() }).openapi("TemplateTestResult");

export type Template = z.infer<typeof TemplateSchema>;
export type TemplateCreateInput = z.infer<typeof TemplateCreate>;
export type TemplatePatchInput = z.infer<typeof TemplatePatch>;
export type TemplateVariantInput = z.infer<typeof Variant>;
