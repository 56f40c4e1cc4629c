import type { Company } from "../companies/company.schema";
import type { Contact } from "../contacts/contact.schema";
import type { Deal } from "../deals/deal.schema";
import type { CsvColumn } from "./csv";

// The CSV columns of each export, built from the API's own record JSON (so CSV and JSON can never
// disagree about a value) plus the names a spreadsheet reader needs and the JSON only has as ids:
// owners, pipelines and stages. `key` is the column's stable snake_case identifier (documented in
// docs/api.md); `header` is what the first row shows, in English. Lists are joined with "; ",
// times are ISO 8601 UTC as in the API, amounts are decimal major units beside their currency.

export type Person = { name: string; email: string };
export type StageRef = { name: string; pipelineName: string };
export type ExportLookups = {
  people: ReadonlyMap<string, Person>;
  stages: ReadonlyMap<string, StageRef>;
  pipelines: ReadonlyMap<string, string>;
};

export const emptyLookups: ExportLookups = { people: new Map(), stages: new Map(), pipelines: new Map() };

export const listSeparator = "; ";

export function joinList(values: readonly string[]): string {
  return values.join(listSeparator);
}

/** Fraction digits of a currency's minor unit (EUR 2, JPY 0, BHD 3). */
function minorDigitsOf(currency: string): number {
  try {
    return new Intl.NumberFormat("en", { style: "currency", currency }).resolvedOptions().maximumFractionDigits ?? 2;
  } catch {
    return 2;
  }
}

/** Minor units as a plain decimal in major units ("1234.50"), exact for any safe integer: no float division. */
export function majorUnits(amount: number, currency: string): string {
  const digits = minorDigitsOf(currency);
  const sign = amount < 0 ? "-" : "";
  const text = String(Math.abs(Math.trunc(amount))).padStart(digits + 1, "0");
  return digits === 0 ? `${sign}${text}` : `${sign}${text.slice(0, -digits)}.${text.slice(-digits)}`;
}

function ownerColumns<T extends { owner_id: string | null }>(lookups: ExportLookups): CsvColumn<T>[] {
  const owner = (row: T) => (row.owner_id === null ? undefined : lookups.people.get(row.owner_id));
  return [
    { key: "owner_id", header: "Owner ID", value: (row) => row.owner_id },
    { key: "owner_name", header: "Owner", value: (row) => owner(row)?.name },
    { key: "owner_email", header: "Owner email", value: (row) => owner(row)?.email },
  ];
}

export function contactColumns(lookups: ExportLookups): CsvColumn<Contact>[] {
  return [
    { key: "id", header: "ID", value: (c) => c.id },
    { key: "first_name", header: "First name", value: (c) => c.first_name },
    { key: "last_name", header: "Last name", value: (c) => c.last_name },
    { key: "emails", header: "Emails", value: (c) => joinList(c.emails) },
    { key: "phones", header: "Phones", kind: "e164", value: (c) => joinList(c.phones.map((p) => p.e164)) },
    { key: "job_title", header: "Job title", value: (c) => c.job_title },
    { key: "company_id", header: "Company ID", value: (c) => c.company?.id },
    { key: "company_name", header: "Company", value: (c) => c.company?.name },
    { key: "lifecycle_stage", header: "Lifecycle stage", value: (c) => c.lifecycle_stage },
    { key: "lead_status", header: "Lead status", value: (c) => c.lead_status },
    ...ownerColumns<Contact>(lookups),
    { key: "tags", header: "Tags", value: (c) => joinList(c.tags) },
    { key: "city", header: "City", value: (c) => c.city },
    { key: "country", header: "Country", value: (c) => c.country },
    { key: "time_zone", header: "Time zone", value: (c) => c.time_zone },
    { key: "language", header: "Language", value: (c) => c.language },
    { key: "birthday", header: "Birthday", value: (c) => c.birthday },
    { key: "consent_status", header: "Consent", value: (c) => c.consent.status },
    { key: "consent_at", header: "Consent changed at", value: (c) => c.consent.at },
    { key: "consent_source", header: "Consent source", value: (c) => c.consent.source },
    { key: "consent_legal_basis", header: "Consent legal basis", value: (c) => c.consent.legal_basis },
    { key: "source", header: "Source", value: (c) => c.source },
    { key: "utm_source", header: "UTM source", value: (c) => c.utm_source },
    { key: "utm_medium", header: "UTM medium", value: (c) => c.utm_medium },
    { key: "utm_campaign", header: "UTM campaign", value: (c) => c.utm_campaign },
    { key: "utm_term", header: "UTM term", value: (c) => c.utm_term },
    { key: "utm_content", header: "UTM content", value: (c) => c.utm_content },
    { key: "referrer", header: "Referrer", value: (c) => c.referrer },
    { key: "landing_page", header: "Landing page", value: (c) => c.landing_page },
    { key: "first_seen_at", header: "First seen at", value: (c) => c.first_seen_at },
    { key: "last_seen_at", header: "Last seen at", value: (c) => c.last_seen_at },
    { key: "last_activity_at", header: "Last activity at", value: (c) => c.last_activity_at },
    { key: "created_at", header: "Created at", value: (c) => c.created_at },
    { key: "updated_at", header: "Updated at", value: (c) => c.updated_at },
    { key: "deleted_at", header: "Deleted at", value: (c) => c.deleted_at },
  ];
}

export function companyColumns(lookups: ExportLookups): CsvColumn<Company>[] {
  return [
    { key: "id", header: "ID", value: (c) => c.id },
    { key: "name", header: "Name", value: (c) => c.name },
    { key: "domain", header: "Domain", value: (c) => c.domain },
    { key: "industry", header: "Industry", value: (c) => c.industry },
    { key: "size_band", header: "Size", value: (c) => c.size_band },
    { key: "annual_revenue", header: "Annual revenue", kind: "decimal", value: (c) => (c.annual_revenue ? majorUnits(c.annual_revenue.amount, c.annual_revenue.currency) : null) },
    { key: "annual_revenue_currency", header: "Annual revenue currency", value: (c) => c.annual_revenue?.currency },
    { key: "phone", header: "Phone", kind: "e164", value: (c) => c.phone?.e164 },
    { key: "website", header: "Website", value: (c) => c.website },
    { key: "address", header: "Address", value: (c) => c.address },
    { key: "city", header: "City", value: (c) => c.city },
    { key: "country", header: "Country", value: (c) => c.country },
    ...ownerColumns<Company>(lookups),
    { key: "tags", header: "Tags", value: (c) => joinList(c.tags) },
    { key: "last_activity_at", header: "Last activity at", value: (c) => c.last_activity_at },
    { key: "created_at", header: "Created at", value: (c) => c.created_at },
    { key: "updated_at", header: "Updated at", value: (c) => c.updated_at },
    { key: "deleted_at", header: "Deleted at", value: (c) => c.deleted_at },
  ];
}

export function dealColumns(lookups: ExportLookups): CsvColumn<Deal>[] {
  return [
    { key: "id", header: "ID", value: (d) => d.id },
    { key: "title", header: "Title", value: (d) => d.title },
    { key: "amount", header: "Amount", kind: "decimal", value: (d) => majorUnits(d.value, d.currency) },
    { key: "currency", header: "Currency", value: (d) => d.currency },
    { key: "status", header: "Status", value: (d) => d.status },
    { key: "pipeline_id", header: "Pipeline ID", value: (d) => d.pipeline_id },
    { key: "pipeline_name", header: "Pipeline", value: (d) => lookups.pipelines.get(d.pipeline_id) },
    { key: "stage_id", header: "Stage ID", value: (d) => d.stage_id },
    { key: "stage_name", header: "Stage", value: (d) => lookups.stages.get(d.stage_id)?.name },
    { key: "primary_contact_id", header: "Primary contact ID", value: (d) => d.primary_contact?.id },
    { key: "primary_contact_name", header: "Primary contact", value: (d) => d.primary_contact?.name },
    { key: "contact_ids", header: "Contact IDs", value: (d) => joinList(d.contact_ids) },
    { key: "company_id", header: "Company ID", value: (d) => d.company?.id },
    { key: "company_name", header: "Company", value: (d) => d.company?.name },
    ...ownerColumns<Deal>(lookups),
    { key: "expected_close_date", header: "Expected close date", value: (d) => d.expected_close_date },
    { key: "lost_reason", header: "Lost reason", value: (d) => d.lost_reason },
    { key: "closed_at", header: "Closed at", value: (d) => d.closed_at },
    { key: "stage_entered_at", header: "Stage entered at", value: (d) => d.stage_entered_at },
    { key: "last_activity_at", header: "Last activity at", value: (d) => d.last_activity_at },
    { key: "source", header: "Source", value: (d) => d.source },
    { key: "tags", header: "Tags", value: (d) => joinList(d.tags) },
    { key: "created_at", header: "Created at", value: (d) => d.created_at },
    { key: "updated_at", header: "Updated at", value: (d) => d.updated_at },
  ];
}
