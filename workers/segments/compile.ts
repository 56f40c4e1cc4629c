import { and, eq, inArray, isNull, notInArray, or, sql, type SQL } from "drizzle-orm";
import { companies, contacts, contactTags, dealContacts, deals } from "../db/schema";
import type { SegmentCondition, SegmentGroup } from "./segment-filter";

const day = 24 * 60 * 60 * 1000;

// A segment filter as one SQL condition on `contacts`. Plain columns compare directly (the
// per-workspace indexes on stage, owner, country and consent serve the selective ones); tags,
// company and deal conditions are correlated EXISTS lookups through their own indexes
// (contact_tags primary key, companies primary key, deal_contacts_contact_idx and
// deals_contact_idx), so no condition makes the query join and deduplicate. Every value is a
// bound parameter. The caller adds the workspace and liveness conditions.

const never = sql`0`;
const always = sql`1`;

function membership(op: "in" | "not_in", column: SQL, values: readonly string[]): SQL {
  const list = sql.join(
    values.map((value) => sql`${value}`),
    sql`, `,
  );
  // NULL is neither in nor not in a list: a contact without a country is not "not in [LT]"
  // for SQL, but a person reading the filter expects it to be.
  return op === "in" ? sql`${column} IN (${list})` : sql`(${column} IS NULL OR ${column} NOT IN (${list}))`;
}

function tagExists(workspaceId: string, tag: string): SQL {
  return sql`EXISTS (SELECT 1 FROM ${contactTags} WHERE ${contactTags.workspaceId} = ${workspaceId} AND ${contactTags.tag} = ${tag} AND ${contactTags.contactId} = ${contacts.id})`;
}

function companyMatches(column: typeof companies.industry | typeof companies.sizeBand, values: readonly string[]): SQL {
  return sql`EXISTS (SELECT 1 FROM ${companies} WHERE ${companies.id} = ${contacts.companyId} AND ${companies.deletedAt} IS NULL AND ${inArray(column, [...values])})`;
}

function onDealWithStatus(workspaceId: string, statuses: readonly string[]): SQL {
  const wanted = inArray(deals.status, [...statuses] as (typeof deals.status._.data)[]);
  return sql`(EXISTS (SELECT 1 FROM ${deals} WHERE ${deals.workspaceId} = ${workspaceId} AND ${deals.primaryContactId} = ${contacts.id} AND ${deals.deletedAt} IS NULL AND ${wanted})
    OR EXISTS (SELECT 1 FROM ${dealContacts} JOIN ${deals} ON ${deals.id} = ${dealContacts.dealId} WHERE ${dealContacts.workspaceId} = ${workspaceId} AND ${dealContacts.contactId} = ${contacts.id} AND ${deals.deletedAt} IS NULL AND ${wanted}))`;
}

function dateCondition(column: typeof contacts.createdAt | typeof contacts.lastActivityAt, condition: Extract<SegmentCondition, { field: "created_at" | "last_activity_at" }>, now: number): SQL {
  switch (condition.op) {
    case "before":
      return sql`${column} < ${Date.parse(condition.value)}`;
    case "after":
      return sql`${column} >= ${Date.parse(condition.value)}`;
    case "within_last_days":
      return sql`${column} >= ${now - condition.value * day}`;
    case "not_within_last_days":
      // Never having had one counts as "not within".
      return sql`(${column} IS NULL OR ${column} < ${now - condition.value * day})`;
  }
}

export function compileCondition(condition: SegmentCondition, workspaceId: string, now: number): SQL {
  switch (condition.field) {
    case "lifecycle_stage":
      return membership(condition.op, sql`${contacts.lifecycleStage}`, condition.value);
    case "consent":
      return membership(condition.op, sql`${contacts.consentStatus}`, condition.value);
    case "country":
      return membership(condition.op, sql`${contacts.country}`, condition.value);
    case "city": {
      // Cities are typed by people: "vilnius" and "Vilnius " are the same place.
      const cities = condition.value.map((city) => city.trim().toLowerCase());
      return membership(condition.op, sql`lower(trim(${contacts.city}))`, cities);
    }
    case "owner_id": {
      const ids = condition.value.filter((id): id is string => id !== null);
      const includesNone = ids.length < condition.value.length;
      const inIds = ids.length > 0 ? inArray(contacts.ownerId, ids) : never;
      if (condition.op === "in") return includesNone ? (or(isNull(contacts.ownerId), inIds) ?? never) : inIds;
      const notIds = ids.length > 0 ? notInArray(contacts.ownerId, ids) : always;
      return includesNone ? sql`(${contacts.ownerId} IS NOT NULL AND ${notIds})` : (or(isNull(contacts.ownerId), notIds) ?? never);
    }
    case "tags": {
      const tags = [...new Set(condition.value.map((tag) => tag.toLowerCase()))];
      const each = tags.map((tag) => tagExists(workspaceId, tag));
      if (condition.op === "has_all") return and(...each) ?? always;
      const any = or(...each) ?? never;
      return condition.op === "has_any" ? any : sql`NOT ${any}`;
    }
    case "company_industry":
    case "company_size": {
      const column = condition.field === "company_industry" ? companies.industry : companies.sizeBand;
      const matches = companyMatches(column, condition.value);
      return condition.op === "in" ? matches : sql`NOT ${matches}`;
    }
    case "deal_status": {
      const on = onDealWithStatus(workspaceId, condition.value);
      return condition.op === "has_any" ? on : sql`NOT ${on}`;
    }
    case "created_at":
      return dateCondition(contacts.createdAt, condition, now);
    case "last_activity_at":
      return dateCondition(contacts.lastActivityAt, condition, now);
  }
}

/** The whole filter as one condition; an empty `and` matches everyone, an empty `or` no one. */
export function compileSegmentFilter(group: SegmentGroup, workspaceId: string, now: number): SQL {
  const parts = group.conditions.map((item) => ("conditions" in item ? compileSegmentFilter(item, workspaceId, now) : compileCondition(item, workspaceId, now)));
  if (parts.length === 0) return group.op === "and" ? always : never;
  const joined = group.op === "and" ? and(...parts) : or(...parts);
  return sql`(${joined ?? always})`;
}
