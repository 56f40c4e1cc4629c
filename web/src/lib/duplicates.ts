// Duplicate review logic, free of the DOM so it can be tested: which fields differ between the
// members of a cluster, which value survives a merge by default, the merge request body, the
// words for the scanner's reason codes, the review screen's keys and the create form's check.
import type { Contact } from "../../../workers/contacts/contact.schema";
import type { MergeField } from "../../../workers/duplicates/duplicate.schema";
import type { MessageKey } from "../i18n/en";

type Member = Pick<
  Contact,
  "id" | "first_name" | "last_name" | "emails" | "phones" | "company" | "job_title" | "city" | "country" | "owner_id" | "lifecycle_stage" | "tags" | "consent" | "created_at"
>;

/** The rows of the side-by-side view, top to bottom. */
export const reviewFields = ["name", "emails", "phones", "company", "job_title", "city", "country", "owner", "lifecycle_stage", "tags", "consent", "created"] as const;
export type ReviewField = (typeof reviewFields)[number];

/**
 * Fields where one contact's value wins. For emails and phones every address is kept and the
 * choice is whose primary one comes first; tags are always united; the creation time is history.
 */
export const choosableFields = ["name", "emails", "phones", "company", "job_title", "city", "country", "owner", "lifecycle_stage", "consent"] as const;
export type ChoosableField = (typeof choosableFields)[number];
export type Choices = Record<ChoosableField, string>;

/** Lists the merge unites: every email, phone and tag of every member survives. */
export const unionFields: readonly ReviewField[] = ["emails", "phones", "tags"];

export function isChoosable(field: ReviewField): field is ChoosableField {
  return choosableFields.some((choosable) => choosable === field);
}

/** The API's name for a choosable field in the merge body's `fields`. */
export const mergeFieldName: Record<ChoosableField, MergeField> = {
  name: "name",
  emails: "email",
  phones: "phone",
  company: "company_id",
  job_title: "job_title",
  city: "city",
  country: "country",
  owner: "owner_id",
  lifecycle_stage: "lifecycle_stage",
  consent: "consent",
};

const sortedList = (items: readonly string[]) => [...items].sort().join("\n");

/**
 * A field's value as compared between members: "" means empty. Names and single values compare
 * exactly (a different spelling or case is a real choice); lists compare as sets; an unknown
 * consent says nothing, so it counts as empty and a granted or denied one wins by default.
 */
export function comparableValue(contact: Member, field: ReviewField): string {
  switch (field) {
    case "name":
      return [contact.first_name, contact.last_name].map((part) => (part ?? "").trim()).filter(Boolean).join(" ");
    case "emails":
      return sortedList(contact.emails.map((email) => email.trim().toLowerCase()));
    case "phones":
      return sortedList(contact.phones.map((phone) => phone.e164));
    case "company":
      return contact.company?.id ?? "";
    case "job_title":
      return (contact.job_title ?? "").trim();
    case "city":
      return (contact.city ?? "").trim();
    case "country":
      return contact.country ?? "";
    case "owner":
      return contact.owner_id ?? "";
    case "lifecycle_stage":
      return contact.lifecycle_stage;
    case "tags":
      return sortedList(contact.tags.map((tag) => tag.toLowerCase()));
    case "consent":
      return contact.consent.status === "unknown" ? "" : contact.consent.status;
    case "created":
      return contact.created_at;
  }
}

/** Fields whose values are not all the same. Creation times always differ, so they are not flagged. */
export function differingFields(contacts: readonly Member[]): Set<ReviewField> {
  const differing = new Set<ReviewField>();
  for (const field of reviewFields) {
    if (field === "created") continue;
    const values = new Set(contacts.map((contact) => comparableValue(contact, field)));
    if (values.size > 1) differing.add(field);
  }
  return differing;
}

/** The record the others merge into unless the user picks another: the oldest, as links point to it longest. */
export function defaultPrimary(contacts: readonly Member[]): string | null {
  let oldest: Member | null = null;
  for (const contact of contacts) if (!oldest || contact.created_at < oldest.created_at) oldest = contact;
  return oldest?.id ?? null;
}

/** The contact whose value survives by default: the primary's, else the first member that has one. */
export function defaultChoice(contacts: readonly Member[], primaryId: string, field: ChoosableField): string {
  const primary = contacts.find((contact) => contact.id === primaryId);
  if (primary && comparableValue(primary, field) !== "") return primary.id;
  return contacts.find((contact) => comparableValue(contact, field) !== "")?.id ?? primaryId;
}

export function defaultChoices(contacts: readonly Member[], primaryId: string): Choices {
  const choices: Partial<Choices> = {};
  for (const field of choosableFields) choices[field] = defaultChoice(contacts, primaryId, field);
  // Every choosable field was set in the loop above.
  return choices as Choices;
}

/**
 * A new primary keeps the choices the user made by hand and re-derives the rest, so picking the
 * primary after choosing a value per field does not undo those choices.
 */
export function choicesAfterPrimaryChange(contacts: readonly Member[], previous: Choices, touched: ReadonlySet<ChoosableField>, primaryId: string): Choices {
  const next = defaultChoices(contacts, primaryId);
  for (const field of touched) next[field] = previous[field];
  return next;
}

export type MergeBody = { primary_id: string; duplicate_ids: string[]; fields: Partial<Record<MergeField, string>>; cluster_id?: string };

/**
 * The body of POST /contacts/merge. Every choosable field is sent, naming the contact whose value
 * survives, so the result is what the screen showed and never the server's own guess.
 */
export function buildMergeBody(options: { contacts: readonly Member[]; primaryId: string; choices: Choices; clusterId?: string }): MergeBody {
  const ids = options.contacts.map((contact) => contact.id);
  const fields: Partial<Record<MergeField, string>> = {};
  for (const field of choosableFields) {
    const chosen = options.choices[field];
    fields[mergeFieldName[field]] = ids.includes(chosen) ? chosen : options.primaryId;
  }
  return {
    primary_id: options.primaryId,
    duplicate_ids: ids.filter((id) => id !== options.primaryId),
    fields,
    ...(options.clusterId ? { cluster_id: options.clusterId } : {}),
  };
}

const reasonKeys: Record<string, MessageKey> = {
  same_email: "duplicates.reason.sameEmail",
  same_phone: "duplicates.reason.samePhone",
  same_name: "duplicates.reason.sameName",
  similar_name: "duplicates.reason.similarName",
  swapped_name: "duplicates.reason.swappedName",
  partial_name: "duplicates.reason.partialName",
  different_name: "duplicates.reason.differentName",
  same_company: "duplicates.reason.sameCompany",
  different_company: "duplicates.reason.differentCompany",
  same_city: "duplicates.reason.sameCity",
  different_city: "duplicates.reason.differentCity",
  same_birthday: "duplicates.reason.sameBirthday",
  different_birthday: "duplicates.reason.differentBirthday",
};

/** Words for a reason code; null for a code this client does not know yet (shown as the code). */
export function reasonKey(code: string): MessageKey | null {
  return reasonKeys[code] ?? null;
}

/** Every reason given for any pair of the cluster, once each, in the order first given. */
export function clusterReasons(pairs: readonly { reasons: readonly string[] }[]): string[] {
  const seen: string[] = [];
  for (const pair of pairs) for (const reason of pair.reasons) if (!seen.includes(reason)) seen.push(reason);
  return seen;
}

/** 0.934 → 93 (a percentage for the score badge). */
export function scorePercent(score: number): number {
  return Math.round(Math.min(1, Math.max(0, score)) * 100);
}

export type ReviewAction = { kind: "next" | "previous" | "open" | "merge" | "dismiss" | "close" | "fieldUp" | "fieldDown" } | { kind: "pick"; index: number };

/**
 * The review screen's single keys. In the list, j/k and the arrows move between clusters; in an
 * open cluster they move between field rows (where a number picks that column's value).
 */
export function reviewKeyAction(key: string, clusterOpen: boolean): ReviewAction | null {
  if (/^[1-9]$/.test(key)) return clusterOpen ? { kind: "pick", index: Number(key) - 1 } : null;
  switch (key) {
    case "j":
    case "ArrowDown":
      return { kind: clusterOpen ? "fieldDown" : "next" };
    case "k":
    case "ArrowUp":
      return { kind: clusterOpen ? "fieldUp" : "previous" };
    case "Enter":
      return clusterOpen ? null : { kind: "open" };
    case "m":
      return clusterOpen ? { kind: "merge" } : null;
    case "d":
      return { kind: "dismiss" };
    case "Escape":
      return clusterOpen ? { kind: "close" } : null;
    default:
      return null;
  }
}

export type CheckInput = { first_name: string; last_name: string; email: string; phone: string; company_id: string };

/**
 * The query for GET /duplicates/check from the create form, or null while there is nothing worth
 * asking about: an email needs its @ and a domain, a phone at least six digits, a name both parts.
 */
export function checkQuery(input: CheckInput): Record<string, string> | null {
  const query: Record<string, string> = {};
  const email = input.email.trim();
  const phone = input.phone.trim();
  const first = input.first_name.trim();
  const last = input.last_name.trim();
  if (/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(email)) query.email = email;
  if (phone.replace(/\D/g, "").length >= 6) query.phone = phone;
  const named = first !== "" && last !== "";
  if (named) {
    query.first_name = first;
    query.last_name = last;
  }
  if (!query.email && !query.phone && !named) return null;
  if (input.company_id) query.company_id = input.company_id;
  return query;
}

/** A stable text for a query, so the form does not ask again about what it has just asked. */
export function checkKey(query: Record<string, string> | null): string {
  if (!query) return "";
  return Object.keys(query)
    .sort()
    .map((key) => `${key}=${query[key] ?? ""}`)
    .join("&");
}
