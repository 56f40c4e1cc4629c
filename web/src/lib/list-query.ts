// The contacts list's state (search, filters, sort) lives in the URL, so a filtered list can be
// bookmarked, shared and restored by the back button. This module is the one translation between
// the address bar, the on-screen chips and the API's query string.
import type { ContactSort } from "../../../workers/contacts/contact.schema";
import type { CompanySort } from "../../../workers/companies/company.schema";
import { type ConsentStatus, isConsentStatus, isLifecycleStage, type LifecycleStage } from "./records";

export const contactSorts = ["name", "-name", "created_at", "-created_at", "updated_at", "-updated_at", "last_activity_at", "-last_activity_at"] as const satisfies readonly ContactSort[];
export const companySorts = ["name", "-name", "created_at", "-created_at", "updated_at", "-updated_at"] as const satisfies readonly CompanySort[];

export type ContactFilters = {
  q: string;
  sort: ContactSort;
  lifecycle_stage?: LifecycleStage;
  owner_id?: string;
  tag?: string;
  company_id?: string;
  country?: string;
  consent?: ConsentStatus;
  has_email?: boolean;
  has_phone?: boolean;
  /** A saved segment used as a view (issue 9). */
  segment_id?: string;
};

export type CompanyFilters = { q: string; sort: CompanySort; owner_id?: string };

function pickSort<T extends string>(value: string | null, options: readonly T[], fallback: T): T {
  return options.find((option) => option === value) ?? fallback;
}

function bool(value: string | null): boolean | undefined {
  return value === "true" ? true : value === "false" ? false : undefined;
}

function text(params: URLSearchParams, name: string, max = 64): string | undefined {
  const value = params.get(name)?.trim();
  return value ? value.slice(0, max) : undefined;
}

export function contactFiltersFrom(search: string): ContactFilters {
  const params = new URLSearchParams(search);
  const stage = params.get("lifecycle_stage") ?? "";
  const consent = params.get("consent") ?? "";
  const country = params.get("country")?.toUpperCase();
  const filters: ContactFilters = { q: (params.get("q") ?? "").slice(0, 200), sort: pickSort(params.get("sort"), contactSorts, "name") };
  if (isLifecycleStage(stage)) filters.lifecycle_stage = stage;
  if (isConsentStatus(consent)) filters.consent = consent;
  if (country && /^[A-Z]{2}$/.test(country)) filters.country = country;
  const owner = text(params, "owner_id");
  if (owner) filters.owner_id = owner;
  const tag = text(params, "tag", 50);
  if (tag) filters.tag = tag;
  const company = text(params, "company_id");
  if (company) filters.company_id = company;
  const hasEmail = bool(params.get("has_email"));
  if (hasEmail !== undefined) filters.has_email = hasEmail;
  const segment = text(params, "segment_id");
  if (segment?.startsWith("seg_")) filters.segment_id = segment;
  const hasPhone = bool(params.get("has_phone"));
  if (hasPhone !== undefined) filters.has_phone = hasPhone;
  return filters;
}

/** The query for GET /contacts. With a search the API orders by recency, so sort is left out. */
export function contactQuery(filters: ContactFilters): Record<string, string | undefined> {
  const q = filters.q.trim();
  return {
    q: q || undefined,
    sort: q ? undefined : filters.sort,
    lifecycle_stage: filters.lifecycle_stage,
    owner_id: filters.owner_id,
    tag: filters.tag,
    company_id: filters.company_id,
    country: filters.country,
    consent: filters.consent,
    has_email: filters.has_email === undefined ? undefined : String(filters.has_email),
    has_phone: filters.has_phone === undefined ? undefined : String(filters.has_phone),
    segment_id: filters.segment_id,
  };
}

/** The address-bar form of the filters; defaults are left out so the plain list is plain /contacts. */
export function contactSearch(filters: ContactFilters): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries({ ...contactQuery(filters), sort: filters.sort })) {
    if (value === undefined || (key === "sort" && value === "name")) continue;
    params.set(key, value);
  }
  const search = params.toString();
  return search ? `?${search}` : "";
}

export function hasActiveFilters(filters: ContactFilters): boolean {
  return Object.entries(contactQuery(filters)).some(([key, value]) => key !== "sort" && value !== undefined);
}

export function companyFiltersFrom(search: string): CompanyFilters {
  const params = new URLSearchParams(search);
  const filters: CompanyFilters = { q: (params.get("q") ?? "").slice(0, 200), sort: pickSort(params.get("sort"), companySorts, "name") };
  const owner = text(params, "owner_id");
  if (owner) filters.owner_id = owner;
  return filters;
}

export function companyQuery(filters: CompanyFilters): Record<string, string | undefined> {
  return { q: filters.q.trim() || undefined, sort: filters.sort, owner_id: filters.owner_id };
}

export function companySearch(filters: CompanyFilters): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(companyQuery(filters))) {
    if (value === undefined || (key === "sort" && value === "name")) continue;
    params.set(key, value);
  }
  const search = params.toString();
  return search ? `?${search}` : "";
}
