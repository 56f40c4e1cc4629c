import type { Database } from "../db/client";

// The import's one call into duplicate review: after a chunk's contacts are committed, the
// phone (and name + company) matches among them become open clusters. Kept behind this single
// function so the import does not depend on how duplicates are found.
//
// SEAM: workers/duplicates/entry-suggestions.ts (suggestDuplicatesFor) did not exist when the
// import was written; wire it here:
//   import { suggestDuplicatesFor } from "../duplicates/entry-suggestions";
//   return suggestDuplicatesFor(db, workspaceId, contactIds, now);
// Until then the nightly duplicate scan finds these pairs.
//
// A failure here never fails the import: the contacts are already committed, and a lost
// suggestion is found again by the nightly scan.
export async function suggestDuplicatesAfterImport(db: Database, workspaceId: string, contactIds: readonly string[], now: number): Promise<number> {
  void db;
  void workspaceId;
  void contactIds;
  void now;
  return 0;
}
