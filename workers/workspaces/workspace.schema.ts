import { z } from "@hono/zod-openapi";
import { CountryField, CurrencyField, LanguageField, TimeZoneField, TimestampField } from "../http/fields";

export const WorkspaceSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    default_currency: z.string(),
    time_zone: z.string(),
    default_phone_country: z.string(),
    language: LanguageField,
    quality_inactive_days: z.number().int().openapi({ description: "Data-quality audits flag contacts with no activity for this many days." }),
    version: z.number().int(),
    created_at: TimestampField,
    updated_at: TimestampField,
  })
  .openapi("Workspace");

export const WorkspacePatch = z
  .object({
    name: z.string().trim().min(1, "Name your workspace.").max(120).optional(),
    default_currency: CurrencyField.optional(),
    time_zone: TimeZoneField.optional(),
    default_phone_country: CountryField.optional(),
    language: LanguageField.optional(),
    quality_inactive_days: z
      .number({ message: "Enter a whole number of days." })
      .int("Enter a whole number of days.")
      .min(1, "Use at least 1 day.")
      .max(3650, "Use at most 3650 days (ten years).")
      .optional()
      .openapi({ description: "Days without activity after which an audit flags a contact (1–3650).", example: 90 }),
  })
  .strict()
  .openapi("WorkspacePatch");

export const TransferOwnershipBody = z
  .object({ member_id: z.string().startsWith("mem_").max(64) })
  .strict()
  .openapi("TransferOwnershipBody");

export const DeleteWorkspaceQuery = z.object({
  confirm: z.string().max(120).openapi({ param: { name: "confirm", in: "query" }, description: "The workspace's exact name, as a guard." }),
});

export type Workspace = z.infer<typeof WorkspaceSchema>;
export type WorkspacePatchInput = z.infer<typeof WorkspacePatch>;
