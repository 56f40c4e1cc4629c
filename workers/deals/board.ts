import type { Stage } from "../pipelines/pipeline.schema";
import type { Board, Deal } from "./deal.schema";
import { sortColumn } from "./placement";

// The board snapshot from stages, deals and exchange rates: pure, so the hub can serve it from
// memory and tests can check the arithmetic without a database.

export type Rates = ReadonlyMap<string, number>;

const digitsByCurrency = new Map<string, number>();

/** How many minor units a currency has (JPY 0, EUR 2, BHD 3), from ISO 4217 via Intl; memoised. */
export function minorDigits(currency: string): number {
  let digits = digitsByCurrency.get(currency);
  if (digits === undefined) {
    digits = new Intl.NumberFormat("en", { style: "currency", currency }).resolvedOptions().maximumFractionDigits ?? 2;
    digitsByCurrency.set(currency, digits);
  }
  return digits;
}

/**
 * Value in the base currency's minor units, or null when there is no rate for the deal's
 * currency. Rates are per whole unit, so the minor-unit scales of both currencies count:
 * ¥1,000 at 0.0062 is €6.20 (620 cents), not 6 cents.
 */
export function inBaseCurrency(deal: Pick<Deal, "value" | "currency">, base: string, rates: Rates): number | null {
  if (deal.currency === base) return deal.value;
  const rate = rates.get(deal.currency);
  if (rate === undefined) return null;
  return Math.round(deal.value * rate * 10 ** (minorDigits(base) - minorDigits(deal.currency)));
}

export function buildBoard(input: { pipelineId: string; baseCurrency: string; seq: number; stages: readonly Stage[]; deals: Iterable<Deal>; rates: Rates }): Board {
  const byStage = new Map<string, Deal[]>(input.stages.map((stage) => [stage.id, []]));
  for (const deal of input.deals) byStage.get(deal.stage_id)?.push(deal);
  const missing = new Set<string>();
  const columns = [...input.stages]
    .sort((a, b) => a.position - b.position)
    .map((stage) => {
      const dealsInStage = sortColumn(byStage.get(stage.id) ?? []);
      let total = 0;
      for (const deal of dealsInStage) {
        const value = inBaseCurrency(deal, input.baseCurrency, input.rates);
        if (value === null) missing.add(deal.currency);
        else total += value;
      }
      return { ...stage, deals: dealsInStage, count: dealsInStage.length, total, weighted_total: Math.round((total * stage.probability) / 100) };
    });
  return { pipeline_id: input.pipelineId, base_currency: input.baseCurrency, seq: input.seq, columns, missing_rates: [...missing].sort() };
}
