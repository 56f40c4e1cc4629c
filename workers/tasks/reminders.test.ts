import { describe, expect, it } from "vitest";
import { normalizeOffsets, parseOffsets, reminderFireTimes } from "./reminders";

const now = Date.parse("2025-06-01T10:00:00Z");
const due = Date.parse("2025-06-03T09:00:00Z");
const minute = 60_000;

describe("reminderFireTimes", () => {
  it("gives one time per offset before the due time, earliest first", () => {
    expect(reminderFireTimes({ status: "open", dueAt: due, offsets: [0, 15, 1440], now })).toEqual([due - 1440 * minute, due - 15 * minute, due]);
  });

  it("gives nothing for a task without a due date or that is no longer open", () => {
    expect(reminderFireTimes({ status: "open", dueAt: null, offsets: [0], now })).toEqual([]);
    expect(reminderFireTimes({ status: "done", dueAt: due, offsets: [0], now })).toEqual([]);
    expect(reminderFireTimes({ status: "cancelled", dueAt: due, offsets: [0], now })).toEqual([]);
  });

  it("skips times already past, but keeps one that passed within the last minute", () => {
    const soon = now + 10 * minute;
    // 30 minutes before the due time is 20 minutes ago; the due time itself is ahead.
    expect(reminderFireTimes({ status: "open", dueAt: soon, offsets: [30, 0], now })).toEqual([soon]);
    expect(reminderFireTimes({ status: "open", dueAt: soon + 100, offsets: [10], now })).toEqual([now + 100]);
    expect(reminderFireTimes({ status: "open", dueAt: now - 30_000, offsets: [0], now })).toEqual([now - 30_000]);
    expect(reminderFireTimes({ status: "open", dueAt: now - 61_000, offsets: [0], now })).toEqual([]);
  });

  it("does not plan a second reminder for a moment whose reminder was already enqueued", () => {
    expect(reminderFireTimes({ status: "open", dueAt: due, offsets: [0, 15], now, alreadyEnqueued: [due] })).toEqual([due - 15 * minute]);
  });

  it("collapses duplicate offsets", () => {
    expect(reminderFireTimes({ status: "open", dueAt: due, offsets: [5, 5, 5], now })).toEqual([due - 5 * minute]);
  });
});

describe("offsets", () => {
  it("are stored distinct and ascending", () => {
    expect(normalizeOffsets([1440, 0, 15, 0])).toEqual([0, 15, 1440]);
  });

  it("read back from JSON, falling back to the due time for damaged values", () => {
    expect(parseOffsets("[60,0]")).toEqual([0, 60]);
    expect(parseOffsets("not json")).toEqual([0]);
    expect(parseOffsets('[-5, "x", 10]')).toEqual([10]);
  });
});
