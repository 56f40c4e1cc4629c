import { z } from "zod";
import type { contacts } from "../db/schema";
import { isoTime } from "../http/fields";
import type { Contact } from "./contact.schema";
import { displayName } from "./normalize";

export type ContactRow = typeof contacts.$inferSelect;
export type StoredPhone = { e164: string; raw: string; label: string | null };

const storedEmails = z.array(z.string());
const storedPhones = z.array(z.object({ e164: z.string(), raw: z.string(), label: z.string().nullable() }));
const storedTags = z.array(z.string());

export function emailsOf(row: Pick<ContactRow, "emails">): string[] {
  return storedEmails.parse(JSON.parse(row.emails));
}

export function phonesOf(row: Pick<ContactRow, "phones">): StoredPhone[] {
  return storedPhones.parse(JSON.parse(row.phones));
}

export function tagsOf(row: { tags: string }): string[] {
  return storedTags.parse(JSON.parse(row.tags));
}

export function toContact(row: ContactRow, company: { id: string; name: string } | null): Contact {
  return {
    id: row.id,
    first_name: row.firstName,
    last_name: row.lastName,
    display_name: displayName({ firstName: row.firstName, lastName: row.lastName, email: row.primaryEmail, phone: row.primaryPhone }),
    email: row.primaryEmail,
    emails: emailsOf(row),
    phone: row.primaryPhone,
    phones: phonesOf(row),
    company,
    job_title: row.jobTitle,
    lifecycle_stage: row.lifecycleStage,
    lead_status: row.leadStatus,
    owner_id: row.ownerId,
    tags: tagsOf(row),
    source: row.source,
    utm_source: row.utmSource,
    utm_medium: row.utmMedium,
    utm_campaign: row.utmCampaign,
    utm_term: row.utmTerm,
    utm_content: row.utmContent,
    referrer: row.referrer,
    landing_page: row.landingPage,
    first_seen_at: isoTime(row.firstSeenAt),
    last_seen_at: isoTime(row.lastSeenAt),
    city: row.city,
    country: row.country,
    time_zone: row.timeZone,
    language: row.language,
    birthday: row.birthday,
    consent: { status: row.consentStatus, at: isoTime(row.consentAt), source: row.consentSource, legal_basis: row.consentLegalBasis },
    last_activity_at: isoTime(row.lastActivityAt),
    created_by: row.createdBy,
    updated_by: row.updatedBy,
    created_at: isoTime(row.createdAt),
    updated_at: isoTime(row.updatedAt),
    version: row.version,
    deleted_at: isoTime(row.deletedAt),
  };
}

/** What the audit log keeps of a contact: its writable fields under their API names. */
export function contactSnapshot(row: ContactRow): Record<string, unknown> {
  const { id: _id, display_name: _name, company: _company, created_at: _c, updated_at: _u, version: _v, deleted_at: _d, created_by: _cb, updated_by: _ub, ...fields } =
    toContact(row, null);
  return { ...fields, company_id: row.companyId };
}
