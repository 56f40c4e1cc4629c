import { and, eq, isNull } from "drizzle-orm";
import type { Database } from "../db/client";
import { companies, memberships } from "../db/schema";
import { problems } from "../http/problem";

// Records point at other records of the same workspace only; an id from another workspace is
// indistinguishable from an unknown one and answers 422 naming the field.

export async function assertCompanyInWorkspace(db: Database, workspaceId: string, companyId: string, pointer: string) {
  const [company] = await db
    .select({ id: companies.id, name: companies.name })
    .from(companies)
    .where(and(eq(companies.workspaceId, workspaceId), eq(companies.id, companyId), isNull(companies.deletedAt)))
    .limit(1);
  if (!company) throw problems.validation([{ pointer, code: "unknown_company", detail: "No company with that id in this workspace." }]);
  return company;
}

export async function assertMemberOfWorkspace(db: Database, workspaceId: string, userId: string, pointer: string) {
  const [member] = await db
    .select({ id: memberships.id })
    .from(memberships)
    .where(and(eq(memberships.workspaceId, workspaceId), eq(memberships.userId, userId)))
    .limit(1);
  if (!member) throw problems.validation([{ pointer, code: "unknown_member", detail: "The owner must be a member of this workspace." }]);
}
