import { qualityFindingKinds, type QualityFindingKind } from "../db/schema";

// The data-quality score, 0–100: a weighted average, over the checks, of the share of records
// that pass each check.
//
//   score = round(100 × Σ w_k × (1 − min(1, affected_k / base_k)) / Σ w_k)
//
// summed over the checks k whose base is not zero. The base of every contact check is the number
// of live contacts; the base of rotting_deal is the number of open deals. affected_k is the number
// of records with that finding; for open_duplicates it is the number of contacts in open
// duplicate clusters (a cluster of three is three contacts to clean up, not one). With no
// contacts and no open deals there is nothing to be wrong: 100.
//
// Weights say how much a problem hurts the work: an address that bounces, a duplicate that splits
// a customer's history or a contact nobody owns costs more than a missing phone number (which
// many business contacts legitimately lack) or consent not yet asked for.
export const scoreWeights: Record<QualityFindingKind, number> = {
  missing_email: 2,
  missing_phone: 1,
  invalid_email: 3,
  invalid_phone: 2,
  inactive: 1,
  no_owner: 2,
  rotting_deal: 2,
  open_duplicates: 3,
  unknown_consent: 1,
};

export type ScoreInput = {
  /** Live contacts. */
  contacts: number;
  /** Open deals (status open, not deleted). */
  openDeals: number;
  /** Records affected per check (contacts in open clusters for open_duplicates). */
  affected: Partial<Record<QualityFindingKind, number>>;
};

export function baseOf(kind: QualityFindingKind, input: Pick<ScoreInput, "contacts" | "openDeals">): number {
  return kind === "rotting_deal" ? input.openDeals : input.contacts;
}

export function qualityScore(input: ScoreInput): number {
  let weighted = 0;
  let weights = 0;
  for (const kind of qualityFindingKinds) {
    const weight = scoreWeights[kind];
    const base = baseOf(kind, input);
    if (base <= 0) continue;
    const share = Math.min(1, Math.max(0, input.affected[kind] ?? 0) / base);
    weighted += weight * (1 - share);
    weights += weight;
  }
  return weights === 0 ? 100 : Math.round((100 * weighted) / weights);
}
