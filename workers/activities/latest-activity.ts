import { sql, type SQL } from "drizzle-orm";
import { activities, formSubmissions } from "../db/schema";

// What a record's `last_activity_at` is when it has to be worked out again rather than only
// moved forward (an activity deleted, back-dated or moved to another record): scalar subqueries
// for `UPDATE … SET last_activity_at = (…)`, so the recompute happens inside the same statement
// (and, for contacts and companies, the same batch) as the write that made it necessary, with no
// read-then-write window. Each is one lookup in an index that already exists, however many
// activities the record has; EXPLAIN QUERY PLAN proves it in test/integration/timeline-cost.test.ts.

export type ActivityLink = "contact" | "company" | "deal";

const linkColumn = { contact: activities.contactId, company: activities.companyId, deal: activities.dealId } as const;

/**
 * The latest `occurred_at` of the record's live activities, or NULL when it has none left.
 * `link = id` and `deleted_at IS NULL` match the partial index activities_{link}_idx
 * (workspace_id, link, occurred_at, id), so max() is read from the end of one index range.
 */
export function latestActivitySql(link: ActivityLink, workspaceId: string, id: string): SQL<number | null> {
  const column = linkColumn[link];
  return sql<number | null>`(SELECT max(${activities.occurredAt}) FROM ${activities}
    WHERE ${activities.workspaceId} = ${workspaceId} AND ${column} = ${id} AND ${activities.deletedAt} IS NULL)`;
}

/**
 * A contact's last activity also counts its latest processed form submission (lead.service.ts
 * moves last_activity_at forward when it processes one). Submission ids start with their
 * received_at (newId("submission", now) at receipt), so the newest processed one is the first
 * match walking form_submissions_contact_idx (workspace_id, contact_id, id) backwards: one seek
 * plus the few unprocessed ones after it, not all of the contact's submissions. The unary `+`
 * on status keeps that term out of index selection: without it SQLite prefers
 * form_submissions_status_idx (workspace_id, status, id), which also yields id order, and walks
 * every processed submission of the workspace until it meets one of this contact.
 * max() over the two (aggregate max skips NULLs) is NULL only when neither exists.
 */
export function latestContactActivitySql(workspaceId: string, contactId: string): SQL<number | null> {
  const submission = sql`(SELECT ${formSubmissions.receivedAt} FROM ${formSubmissions}
    WHERE ${formSubmissions.workspaceId} = ${workspaceId} AND ${formSubmissions.contactId} = ${contactId} AND +${formSubmissions.status} = 'processed'
    ORDER BY ${formSubmissions.id} DESC LIMIT 1)`;
  return sql<number | null>`(SELECT max(at) FROM (SELECT ${latestActivitySql("contact", workspaceId, contactId)} AS at UNION ALL SELECT ${submission}))`;
}
