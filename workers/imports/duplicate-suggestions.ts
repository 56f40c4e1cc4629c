import { requestScan } from "../duplicates/scan.service";
import { suggestAndAnnounce } from "../duplicates/entry-suggestions";
import { createDatabase } from "../db/client";

// How an import hands its new contacts to duplicate review. suggestDuplicatesFor (the entry-path
// check, via suggestAndAnnounce) compares each new contact with those sharing its phone or its
// company; per chunk that is right for a small file, but its cost grows with each company's
// size, and measured on 10,000 rows over 1,000 companies it took 29 of the import's 35 seconds.
// A larger import therefore asks for one workspace scan when it is done (blocking keys, built
// for 100,000 contacts in seconds), which finds the same phone and name + company pairs. Either
// way a failure here never fails the import: its contacts are committed, and the nightly scan
// finds what a lost suggestion missed.

/** Imports up to this many rows suggest per chunk; larger ones request a scan at the end. */
export const perChunkSuggestionRows = 2_000;

/** After a chunk committed: the entry-path suggestions for its new contacts (small imports). */
export async function suggestAfterChunk(env: Env, workspaceId: string, totalRows: number, contactIds: readonly string[]): Promise<void> {
  if (contactIds.length === 0 || totalRows > perChunkSuggestionRows) return;
  await suggestAndAnnounce(env, workspaceId, contactIds);
}

/** After a real import finished: one duplicate scan of the workspace (large imports). */
export async function scanAfterImport(env: Env, imp: { id: string; workspaceId: string; createdBy: string | null; totalRows: number; createdCount: number; dryRun: boolean }, now: number): Promise<void> {
  if (imp.dryRun || imp.createdCount === 0 || imp.totalRows <= perChunkSuggestionRows) return;
  try {
    const type = imp.createdBy?.startsWith("usr_") ? "user" : imp.createdBy?.startsWith("key_") ? "api_key" : "system";
    await requestScan(env, { db: createDatabase(env.DB), actor: { type, id: imp.createdBy, workspaceId: imp.workspaceId }, requestId: imp.id, now });
  } catch (error) {
    console.error("Duplicate scan after an import could not be requested; the nightly scan will run", imp.id, error);
  }
}
