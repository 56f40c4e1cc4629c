import { and, eq } from "drizzle-orm";
import type { BatchItem } from "drizzle-orm/batch";
import { auditInsert } from "../audit/audit.service";
import { dealContacts, deals } from "../db/schema";
import { versionGuard } from "../db/version-guard";
import type { ServiceContext } from "../lib/service-context";
import { inJson } from "./records";

// A merge moves deals from the duplicates to the surviving contact, and its undo moves them
// back. Deals are written only by the workspace hub, so this runs inside it (relinkDealContacts);
// the merge service only describes the change.

/**
 * One deal's links to change: the primary contact from one contact to another (applied only if
 * the deal still has `from`), and other contacts to add and remove. Written as a change, not a
 * final state, so a deal edited in between keeps that edit.
 */
export type DealLinkChange = { dealId: string; primary: { from: string; to: string } | null; add: string[]; remove: string[] };

/** The changes that undo `changes`. */
export function reverseDealLinkChanges(changes: readonly DealLinkChange[]): DealLinkChange[] {
  return changes.map((change) => ({
    dealId: change.dealId,
    primary: change.primary ? { from: change.primary.to, to: change.primary.from } : null,
    add: change.remove,
    remove: change.add,
  }));
}

/**
 * What merging `duplicates` into `primaryId` changes on these deals: a duplicate as primary
 * contact becomes the primary; as another contact it becomes the primary too (once, and not when
 * the survivor is the deal's primary contact already).
 */
export function mergeDealLinks(
  dealsBefore: readonly { id: string; primaryContactId: string | null; contactIds: readonly string[] }[],
  primaryId: string,
  duplicates: ReadonlySet<string>,
): DealLinkChange[] {
  const changes: DealLinkChange[] = [];
  for (const deal of dealsBefore) {
    const nextPrimary = deal.primaryContactId !== null && duplicates.has(deal.primaryContactId) ? primaryId : deal.primaryContactId;
    const nextOthers = [...new Set(deal.contactIds.map((id) => (duplicates.has(id) ? primaryId : id)))].filter((id) => id !== nextPrimary);
    const add = nextOthers.filter((id) => !deal.contactIds.includes(id));
    const remove = deal.contactIds.filter((id) => !nextOthers.includes(id));
    const primary = nextPrimary !== deal.primaryContactId && deal.primaryContactId !== null ? { from: deal.primaryContactId, to: primaryId } : null;
    if (primary || add.length > 0 || remove.length > 0) changes.push({ dealId: deal.id, primary, add, remove });
  }
  return changes;
}

/**
 * Applies link changes to the deals as they are now, in one batch (each deal version-guarded,
 * its version bumped and an audit entry written). Returns the deals that changed. Runs in the
 * hub's write queue, so nothing else writes these deals meanwhile.
 */
export async function applyDealLinkChanges(ctx: ServiceContext, changes: readonly DealLinkChange[]): Promise<string[]> {
  if (changes.length === 0) return [];
  const workspaceId = ctx.actor.workspaceId;
  const ids = changes.map((change) => change.dealId);
  const rows = await ctx.db.select().from(deals).where(and(eq(deals.workspaceId, workspaceId), inJson(deals.id, ids)));
  const links = await ctx.db.select().from(dealContacts).where(and(eq(dealContacts.workspaceId, workspaceId), inJson(dealContacts.dealId, ids)));
  const writes: BatchItem<"sqlite">[] = [];
  const changed: string[] = [];
  for (const change of changes) {
    const deal = rows.find((row) => row.id === change.dealId);
    if (!deal) continue;
    const others = links.filter((link) => link.dealId === deal.id).map((link) => link.contactId);
    const primaryContactId = change.primary && deal.primaryContactId === change.primary.from ? change.primary.to : deal.primaryContactId;
    const nextOthers = [...new Set([...others.filter((id) => !change.remove.includes(id)), ...change.add])].filter((id) => id !== primaryContactId).sort();
    if (primaryContactId === deal.primaryContactId && nextOthers.join() === [...others].sort().join()) continue;
    changed.push(deal.id);
    writes.push(
      versionGuard(ctx.db, deals, deal.id, deal.version),
      ctx.db.update(deals).set({ primaryContactId, version: deal.version + 1, updatedAt: ctx.now, updatedBy: ctx.actor.id }).where(eq(deals.id, deal.id)),
      ctx.db.delete(dealContacts).where(eq(dealContacts.dealId, deal.id)),
      ...nextOthers.map((contactId) => ctx.db.insert(dealContacts).values({ workspaceId, dealId: deal.id, contactId })),
      auditInsert(ctx, {
        action: "deal.updated",
        entityType: "deal",
        entityId: deal.id,
        before: { primary_contact_id: deal.primaryContactId, contact_ids: [...others].sort() },
        after: { primary_contact_id: primaryContactId, contact_ids: nextOthers },
      }),
    );
  }
  const [first, ...rest] = writes;
  if (first) await ctx.db.batch([first, ...rest]);
  return changed;
}
