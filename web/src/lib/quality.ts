// Pure logic of the Data quality page: the kinds in display order, the score's weights (the
// server's, mirrored and tested equal), the score band and change, the trend chart's geometry and
// its text alternative, and how a finding's detail is read.
import type { Audit, Finding } from "../../../workers/quality/quality.schema";

export type FindingKind = Finding["kind"];

/** Most harmful first (by weight, then how often people act on it). */
export const findingKinds = [
  "invalid_email",
  "open_duplicates",
  "missing_email",
  "no_owner",
  "invalid_phone",
  "rotting_deal",
  "missing_phone",
  "inactive",
  "unknown_consent",
] as const satisfies readonly FindingKind[];

// Every server kind is listed above, and nothing else: a new kind fails the web type check here.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const everyKindListed: Same<(typeof findingKinds)[number], FindingKind> = true;
void everyKindListed;

/** Mirrors workers/quality/score.ts (a test keeps them equal), to explain the score on the page. */
export const scoreWeights: Record<FindingKind, number> = {
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

export type ScoreBand = "good" | "fair" | "poor";

export function scoreBand(score: number): ScoreBand {
  if (score >= 80) return "good";
  if (score >= 60) return "fair";
  return "poor";
}

export type ScoreChange = { direction: "up" | "down" | "same"; amount: number };

export function scoreChange(current: number, previous: number | null): ScoreChange | null {
  if (previous === null) return null;
  const delta = current - previous;
  return { direction: delta > 0 ? "up" : delta < 0 ? "down" : "same", amount: Math.abs(delta) };
}

type AuditLike = Pick<Audit, "id" | "status" | "score" | "created_at" | "finished_at" | "trigger">;

export type TrendPoint = { id: string; score: number; at: string; trigger: Audit["trigger"] };

/** Finished audits with a score, oldest first, at most `max` of the newest. */
export function trendPoints(audits: readonly AuditLike[], max = 30): TrendPoint[] {
  const done: TrendPoint[] = [];
  for (const audit of audits) {
    if (audit.status !== "done" || audit.score === null) continue;
    done.push({ id: audit.id, score: audit.score, at: audit.finished_at ?? audit.created_at, trigger: audit.trigger });
  }
  done.sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : a.id < b.id ? -1 : 1));
  return done.slice(-max);
}

/** The latest finished audit and the one before it (for the score change). */
export function latestTwo(audits: readonly AuditLike[]): { latest: TrendPoint | null; previous: TrendPoint | null } {
  const points = trendPoints(audits, 2);
  return { latest: points.at(-1) ?? null, previous: points.length > 1 ? (points[0] ?? null) : null };
}

export type ChartBox = { width: number; height: number; left: number; right: number; top: number; bottom: number };
export const defaultChartBox: ChartBox = { width: 640, height: 220, left: 36, right: 12, top: 12, bottom: 24 };
/** For phone widths: drawn about as wide as it is shown, so 11px labels stay 11px. */
export const narrowChartBox: ChartBox = { width: 340, height: 180, left: 30, right: 10, top: 10, bottom: 14 };

export type TrendGeometry = {
  path: string;
  dots: { x: number; y: number; point: TrendPoint }[];
  ticks: { y: number; value: number }[];
};

const round1 = (value: number) => Math.round(value * 10) / 10;

/**
 * The line through the scores: points evenly spaced in audit order (a nightly series is daily;
 * extra manual runs are not squeezed together), y from 0 (bottom) to 100 (top).
 */
export function trendGeometry(points: readonly TrendPoint[], box: ChartBox = defaultChartBox): TrendGeometry {
  const plotWidth = box.width - box.left - box.right;
  const plotHeight = box.height - box.top - box.bottom;
  const yOf = (score: number) => round1(box.top + plotHeight * (1 - Math.min(100, Math.max(0, score)) / 100));
  const xOf = (index: number) => round1(points.length <= 1 ? box.left + plotWidth / 2 : box.left + (plotWidth * index) / (points.length - 1));
  const dots = points.map((point, index) => ({ x: xOf(index), y: yOf(point.score), point }));
  const path = dots.map((dot, index) => `${index === 0 ? "M" : "L"}${dot.x} ${dot.y}`).join(" ");
  const ticks = [0, 25, 50, 75, 100].map((value) => ({ value, y: yOf(value) }));
  return { path, dots, ticks };
}

export type TrendSummary = { count: number; first: TrendPoint; last: TrendPoint; min: number; max: number };

/** What the chart shows, for its text alternative. */
export function trendSummary(points: readonly TrendPoint[]): TrendSummary | null {
  const first = points[0];
  const last = points.at(-1);
  if (!first || !last) return null;
  const scores = points.map((point) => point.score);
  return { count: points.length, first, last, min: Math.min(...scores), max: Math.max(...scores) };
}

export type DetailReading =
  | { kind: "text"; text: string }
  | { kind: "days"; days: number }
  | { kind: "members"; count: number }
  | { kind: "former_member" }
  | { kind: "none" };

/** How the server's machine detail of a finding is shown (numbers and codes become words). */
export function readDetail(kind: FindingKind, detail: string | null): DetailReading {
  if (detail === null || detail === "") return { kind: "none" };
  if (kind === "inactive" || kind === "rotting_deal") {
    const days = Number(detail);
    return Number.isInteger(days) ? { kind: "days", days } : { kind: "text", text: detail };
  }
  if (kind === "open_duplicates") {
    const count = Number(detail);
    return Number.isInteger(count) ? { kind: "members", count } : { kind: "text", text: detail };
  }
  if (kind === "no_owner" && detail === "former_member") return { kind: "former_member" };
  return { kind: "text", text: detail };
}

export const minInactiveDays = 1;
export const maxInactiveDays = 3650;

/** The inactivity setting as typed: a whole number of days in range, else null. */
export function parseInactiveDays(text: string): number | null {
  const trimmed = text.trim();
  if (!/^\d{1,4}$/.test(trimmed)) return null;
  const days = Number(trimmed);
  return days >= minInactiveDays && days <= maxInactiveDays ? days : null;
}

/** An audit still under way: the page shows its progress and waits for audit.finished. */
export function isRunning(audit: Pick<Audit, "status"> | null): boolean {
  return audit !== null && (audit.status === "queued" || audit.status === "running");
}
