import { and, eq, ne, sql } from "drizzle-orm";
import { problems } from "../http/problem";
import type { Database } from "./client";
import { constraintMessage } from "./errors";
import { activities, campaigns, companies, contacts, deals, emailTemplates, forms, memberships, pipelines, segments, tasks, workspaces } from "./schema";

type Versioned =
  | typeof workspaces
  | typeof memberships
  | typeof contacts
  | typeof companies
  | typeof deals
  | typeof pipelines
  | typeof forms
  | typeof tasks
  | typeof activities
  | typeof segments
  | typeof emailTemplates
  | typeof campaigns;

// D1 has no BEGIN/COMMIT, only batch(); a batch rolls back only when a statement fails. This
// statement fails (NOT NULL on `version`) exactly when the row's version is no longer the one
// the change was computed from, so the whole batch — the update, its child rows and its audit
// entry — commits together or not at all. Put it first in the batch.
export function versionGuard(db: Database, table: Versioned, id: string, expectedVersion: number) {
  return db
    .update(table)
    .set({ version: sql<number>`NULL` })
    .where(and(eq(table.id, id), ne(table.version, expectedVersion)));
}

export function isVersionConflict(error: unknown): boolean {
  const message = constraintMessage(error);
  return message.includes("NOT NULL constraint failed") && message.includes(".version");
}

/** For writes without an If-Match (delete, restore): losing a race is a 409, never a 500. */
export function raceToConflict(error: unknown): never {
  if (isVersionConflict(error)) {
    throw problems.conflict("concurrent_change", "Someone changed this record at the same moment. Reload it and try again.");
  }
  throw error;
}
