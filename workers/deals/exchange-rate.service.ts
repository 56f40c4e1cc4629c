import { and, eq, lte } from "drizzle-orm";
import { auditInsert } from "../audit/audit.service";
import type { Database } from "../db/client";
import { exchangeRates } from "../db/schema";
import type { ServiceContext } from "../lib/service-context";
import type { ExchangeRate } from "./deal.schema";

export async function listExchangeRates(db: Database, workspaceId: string): Promise<ExchangeRate[]> {
  const rows = await db.select().from(exchangeRates).where(eq(exchangeRates.workspaceId, workspaceId)).orderBy(exchangeRates.currency, exchangeRates.validFrom);
  return rows.map((row) => ({ currency: row.currency, rate: row.rate, valid_from: row.validFrom }));
}

/** The rate in force today for each currency: the latest one whose valid_from is not in the future. */
export async function currentRates(db: Database, workspaceId: string, today: string): Promise<Map<string, number>> {
  const rows = await db
    .select()
    .from(exchangeRates)
    .where(and(eq(exchangeRates.workspaceId, workspaceId), lte(exchangeRates.validFrom, today)))
    .orderBy(exchangeRates.currency, exchangeRates.validFrom);
  return new Map(rows.map((row) => [row.currency, Number(row.rate)]));
}

/** Replaces the workspace's rate table with the one sent (PUT semantics), audited as one change. */
export async function replaceExchangeRates(ctx: ServiceContext, rates: readonly ExchangeRate[]) {
  const workspaceId = ctx.actor.workspaceId;
  const before = await listExchangeRates(ctx.db, workspaceId);
  await ctx.db.batch([
    ctx.db.delete(exchangeRates).where(eq(exchangeRates.workspaceId, workspaceId)),
    ...rates.map((rate) =>
      ctx.db
        .insert(exchangeRates)
        .values({ workspaceId, currency: rate.currency, rate: rate.rate, validFrom: rate.valid_from, updatedBy: ctx.actor.id, updatedAt: ctx.now })
        .onConflictDoUpdate({ target: [exchangeRates.workspaceId, exchangeRates.currency, exchangeRates.validFrom], set: { rate: rate.rate } }),
    ),
    auditInsert(ctx, { action: "exchange_rates.replaced", entityType: "workspace", entityId: workspaceId, before: { rates: before }, after: { rates } }),
  ]);
  return listExchangeRates(ctx.db, workspaceId);
}
