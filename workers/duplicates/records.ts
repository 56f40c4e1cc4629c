import { and, eq, isNull, sql, type SQL, type SQLWrapper } from "drizzle-orm";
import type { Database } from "../db/client";
import { companies, contacts } from "../db/schema";
import type { MatchInput } from "./match";

// Reading contacts as the matcher sees them: names, every email and phone, the company's name,
// city and birthday. Shared by the scan, the entry-path suggestions and the create-form check.

// Emails and phones come out of their JSON in SQLite, space-separated: a 100,000-row scan then
// moves a third of the bytes and parses no JSON (an email or E.164 number has no spaces).
export const matchColumns = {
  id: contacts.id,
  firstName: contacts.firstName,
  lastName: contacts.lastName,
  emails: sql<string | null>`(SELECT group_concat(value, ' ') FROM json_each(${contacts.emails}))`,
  phones: sql<string | null>`(SELECT group_concat(value ->> 'e164', ' ') FROM json_each(${contacts.phones}))`,
  city: contacts.city,
  birthday: contacts.birthday,
  createdAt: contacts.createdAt,
  companyName: companies.name,
};

export type MatchRow = { id: string; firstName: string | null; lastName: string | null; emails: string | null; phones: string | null; city: string | null; birthday: string | null; createdAt: number; companyName: string | null };

function words(list: string | null): string[] {
  return list ? list.split(" ").filter(Boolean) : [];
}

export function toMatchInput(row: MatchRow): MatchInput {
  return {
    id: row.id,
    firstName: row.firstName,
    lastName: row.lastName,
    emails: words(row.emails),
    phones: words(row.phones),
    companyName: row.companyName,
    city: row.city,
    birthday: row.birthday,
  };
}

/** Live contacts of the workspace with their company names, matching `where`. */
export async function loadMatchRows(db: Database, workspaceId: string, where: SQL[], limit?: number): Promise<MatchRow[]> {
  const query = db
    .select(matchColumns)
    .from(contacts)
    .leftJoin(companies, and(eq(companies.id, contacts.companyId), isNull(companies.deletedAt)))
    .where(and(eq(contacts.workspaceId, workspaceId), isNull(contacts.deletedAt), ...where));
  return limit === undefined ? query : query.limit(limit);
}

/** `column IN (the ids)` with one bound parameter however many ids (D1 allows 100 per statement). */
export function inJson(column: SQLWrapper, ids: readonly string[]): SQL {
  return sql`${column} IN (SELECT value FROM json_each(${JSON.stringify(ids)}))`;
}
