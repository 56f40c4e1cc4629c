import { z } from "@hono/zod-openapi";
import { companySizeBands } from "../db/schema";
import { CountryField, CurrencyField, TimestampField } from "../http/fields";
import { pageOf, PageQuery } from "../http/pagination";
import { TagField, UrlField } from "../contacts/contact.schema";

const optionalText = (max: number) => z.string().trim().max(max).nullable().optional();

export const MoneyInput = z
  .object({ amount: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).openapi({ description: "Minor units (cents)." }), currency: CurrencyField })
  .strict()
  .openapi("Money");

const companyFields = {
  name: z.string().trim().min(1, "Name the company.").max(200),
  domain: z
    .string()
    .trim()
    .max(253)
    .nullable()
    .optional()
    .openapi({ description: "example.com; a URL is accepted and reduced to its host.", example: "alfa.lt" }),
  industry: optionalText(100),
  size_band: z.enum(companySizeBands).nullable().optional(),
  annual_revenue: MoneyInput.nullable().optional(),
  phone: z.string().trim().max(40).nullable().optional(),
  website: UrlField.nullable().optional(),
  address: optionalText(300),
  city: optionalText(100),
  country: CountryField.nullable().optional(),
  owner_id: z.string().startsWith("usr_").max(64).nullable().optional(),
  tags: z.array(TagField).max(50).optional(),
};

export const CompanyCreate = z.object(companyFields).strict().openapi("CompanyCreate");
export const CompanyPatch = z.object({ ...companyFields, name: companyFields.name.optional() }).strict().openapi("CompanyPatch");

export const CompanySchema = z
  .object({
    id: z.string(),
    name: z.string(),
    domain: z.string().nullable(),
    industry: z.string().nullable(),
    size_band: z.enum(companySizeBands).nullable(),
    annual_revenue: z.object({ amount: z.number().int(), currency: z.string() }).nullable(),
    phone: z.object({ e164: z.string(), raw: z.string() }).nullable(),
    website: z.string().nullable(),
    address: z.string().nullable(),
    city: z.string().nullable(),
    country: z.string().nullable(),
    owner_id: z.string().nullable(),
    tags: z.array(z.string()),
    last_activity_at: TimestampField.nullable(),
    created_by: z.string().nullable(),
    updated_by: z.string().nullable(),
    created_at: TimestampField,
    updated_at: TimestampField,
    version: z.number().int(),
    deleted_at: TimestampField.nullable(),
  })
  .openapi("Company");

export const CompanyPage = pageOf(CompanySchema, "CompanyPage");

export const companySorts = ["name", "-name", "created_at", "-created_at", "updated_at", "-updated_at"] as const;

export const CompanyListQuery = PageQuery.extend({
  q: z.string().trim().max(200).optional().openapi({ param: { name: "q", in: "query" }, description: "Name prefix, case- and accent-insensitive." }),
  owner_id: z.string().max(64).optional().openapi({ param: { name: "owner_id", in: "query" } }),
  sort: z.enum(companySorts).default("name").openapi({ param: { name: "sort", in: "query" } }),
  deleted: z
    .enum(["true", "false"])
    .transform((value) => value === "true")
    .optional()
    .openapi({ param: { name: "deleted", in: "query" } }),
});

export type Company = z.infer<typeof CompanySchema>;
export type CompanyCreateInput = z.infer<typeof CompanyCreate>;
export type CompanyPatchInput = z.infer<typeof CompanyPatch>;
export type CompanyListInput = z.infer<typeof CompanyListQuery>;
export type CompanySort = (typeof companySorts)[number];
