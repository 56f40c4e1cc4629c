import { describe, expect, it } from "vitest";
import { qualityFindingKinds } from "../../../workers/db/schema";
import { scoreWeights as serverWeights } from "../../../workers/quality/score";
import { matchRoute } from "./routes";
import { defaultChartBox, findingKinds, narrowChartBox, isRunning, latestTwo, parseInactiveDays, readDetail, scoreBand, scoreChange, scoreWeights, trendGeometry, trendPoints, trendSummary } from "./quality";

const audit = (id: string, score: number | null, at: string, status: "queued" | "running" | "done" | "failed" = "done") => ({
  id,
  status,
  score,
  created_at: at,
  finished_at: status === "done" ? at : null,
  trigger: "nightly" as const,
});

describe("the page's copy of the server's rules", () => {
  it("lists every finding kind once and explains the score with the server's own weights", () => {
    expect([...findingKinds].sort()).toEqual([...qualityFindingKinds].sort());
    expect(scoreWeights).toEqual(serverWeights);
  });
});

describe("score band and change", () => {
  it("bands at 80 and 60", () => {
    expect(scoreBand(100)).toBe("good");
    expect(scoreBand(80)).toBe("good");
    expect(scoreBand(79)).toBe("fair");
    expect(scoreBand(60)).toBe("fair");
    expect(scoreBand(59)).toBe("poor");
  });

  it("says up, down or unchanged, and nothing without a previous audit", () => {
    expect(scoreChange(82, 75)).toEqual({ direction: "up", amount: 7 });
    expect(scoreChange(70, 75)).toEqual({ direction: "down", amount: 5 });
    expect(scoreChange(70, 70)).toEqual({ direction: "same", amount: 0 });
    expect(scoreChange(70, null)).toBeNull();
  });
});

describe("the trend", () => {
  const audits = [
    audit("qa_3", 80, "2026-03-03T03:47:00.000Z"),
    audit("qa_4", null, "2026-03-04T03:47:00.000Z", "running"),
    audit("qa_1", 60, "2026-03-01T03:47:00.000Z"),
    audit("qa_2", null, "2026-03-02T03:47:00.000Z", "failed"),
    audit("qa_5", 70, "2026-03-02T12:00:00.000Z"),
  ];

  it("keeps finished audits with a score, oldest first, capped to the newest", () => {
    expect(trendPoints(audits).map((p) => p.id)).toEqual(["qa_1", "qa_5", "qa_3"]);
    expect(trendPoints(audits, 2).map((p) => p.id)).toEqual(["qa_5", "qa_3"]);
    expect(latestTwo(audits)).toMatchObject({ latest: { id: "qa_3", score: 80 }, previous: { id: "qa_5", score: 70 } });
    expect(latestTwo([])).toEqual({ latest: null, previous: null });
  });

  it("draws 100 at the top and 0 at the bottom, points evenly spaced across the plot", () => {
    const box = defaultChartBox;
    const points = trendPoints([audit("a", 0, "2026-01-01T00:00:00Z"), audit("b", 100, "2026-01-02T00:00:00Z"), audit("c", 50, "2026-01-03T00:00:00Z")]);
    const { path, dots, ticks } = trendGeometry(points, box);
    expect(dots.map((d) => d.x)).toEqual([box.left, box.left + (box.width - box.left - box.right) / 2, box.width - box.right]);
    expect(dots[0]?.y).toBe(box.height - box.bottom);
    expect(dots[1]?.y).toBe(box.top);
    expect(dots[2]?.y).toBe((box.top + box.height - box.bottom) / 2);
    expect(path.startsWith(`M${box.left} ${box.height - box.bottom} L`)).toBe(true);
    expect(ticks.map((t) => t.value)).toEqual([0, 25, 50, 75, 100]);
    // One audit sits in the middle.
    expect(trendGeometry(trendPoints([audit("a", 40, "2026-01-01T00:00:00Z")]), box).dots[0]?.x).toBe(box.left + (box.width - box.left - box.right) / 2);
  });

  it("keeps every point inside the plot on the narrow phone drawing too", () => {
    const box = narrowChartBox;
    const points = trendPoints(Array.from({ length: 30 }, (_, i) => audit(`qa_${String(i).padStart(2, "0")}`, (i * 37) % 101, `2026-01-${String(i + 1).padStart(2, "0")}T00:00:00Z`)));
    for (const dot of trendGeometry(points, box).dots) {
      expect(dot.x).toBeGreaterThanOrEqual(box.left);
      expect(dot.x).toBeLessThanOrEqual(box.width - box.right);
      expect(dot.y).toBeGreaterThanOrEqual(box.top);
      expect(dot.y).toBeLessThanOrEqual(box.height - box.bottom);
    }
  });

  it("summarises the line for its text alternative", () => {
    const summary = trendSummary(trendPoints(audits));
    expect(summary).toMatchObject({ count: 3, first: { score: 60 }, last: { score: 80 }, min: 60, max: 80 });
    expect(trendSummary([])).toBeNull();
  });
});

describe("finding details", () => {
  it("reads days, cluster sizes and a former owner; shows addresses and phones as they are", () => {
    expect(readDetail("inactive", "120")).toEqual({ kind: "days", days: 120 });
    expect(readDetail("rotting_deal", "15")).toEqual({ kind: "days", days: 15 });
    expect(readDetail("open_duplicates", "3")).toEqual({ kind: "members", count: 3 });
    expect(readDetail("no_owner", "former_member")).toEqual({ kind: "former_member" });
    expect(readDetail("no_owner", null)).toEqual({ kind: "none" });
    expect(readDetail("invalid_email", "ona@gmial.com → ona@gmail.com")).toEqual({ kind: "text", text: "ona@gmial.com → ona@gmail.com" });
    expect(readDetail("inactive", "soon")).toEqual({ kind: "text", text: "soon" });
  });
});

describe("the route", () => {
  it("serves the page at /quality", () => {
    expect(matchRoute("/quality")).toEqual({ name: "quality" });
    expect(matchRoute("/quality/")).toEqual({ name: "quality" });
  });
});

describe("the inactivity setting", () => {
  it("takes whole days from 1 to 3650", () => {
    expect(parseInactiveDays("90")).toBe(90);
    expect(parseInactiveDays(" 1 ")).toBe(1);
    expect(parseInactiveDays("3650")).toBe(3650);
    for (const bad of ["0", "3651", "1.5", "-3", "", "ninety", "1e3"]) expect(parseInactiveDays(bad), bad).toBeNull();
  });

  it("knows a queued or running audit is under way", () => {
    expect(isRunning({ status: "queued" })).toBe(true);
    expect(isRunning({ status: "running" })).toBe(true);
    expect(isRunning({ status: "done" })).toBe(false);
    expect(isRunning(null)).toBe(false);
  });
});
