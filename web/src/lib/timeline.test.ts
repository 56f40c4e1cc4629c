import { describe, expect, it } from "vitest";
import { activityLinks, changedFields, formatDuration, hasDirection, instantOfZonedInput, relativeTime, toggleKind, typesQuery, zonedInputValue } from "./timeline";

describe("typesQuery", () => {
  it("sends no filter when nothing or everything is chosen", () => {
    expect(typesQuery(new Set())).toBeUndefined();
    expect(typesQuery(new Set(["change", "activity", "task", "submission", "stage_change"] as const))).toBeUndefined();
  });

  it("lists the chosen kinds in a fixed order", () => {
    expect(typesQuery(new Set(["change", "activity"] as const))).toBe("activity,change");
  });

  it("toggles a kind on and off", () => {
    const on = toggleKind(new Set(), "task");
    expect([...on]).toEqual(["task"]);
    expect([...toggleKind(on, "task")]).toEqual([]);
  });
});

describe("activityLinks", () => {
  it("links a deal's activity to its primary contact and company too", () => {
    expect(activityLinks("deal", "deal_1", { contact_id: "con_1", company_id: "cmp_1" })).toEqual({ deal_id: "deal_1", contact_id: "con_1", company_id: "cmp_1" });
    expect(activityLinks("contact", "con_2")).toEqual({ contact_id: "con_2" });
  });

  it("gives direction only to calls, emails and messages", () => {
    expect(["call", "email", "meeting", "note", "message"].filter((type) => hasDirection(type as "call"))).toEqual(["call", "email", "message"]);
  });
});

describe("relativeTime", () => {
  const now = Date.parse("2026-03-10T12:00:00Z");
  it("uses the largest whole unit in the reader's language", () => {
    expect(relativeTime("2026-03-10T11:55:00Z", now, "en")).toBe("5 minutes ago");
    expect(relativeTime("2026-03-09T11:00:00Z", now, "en")).toBe("yesterday");
    expect(relativeTime("2026-03-10T14:00:00Z", now, "en")).toBe("in 2 hours");
    expect(relativeTime("2026-03-10T11:59:40Z", now, "en")).toBe("this minute");
    expect(relativeTime("2026-03-10T09:00:00Z", now, "lt")).toBe("prieš 3 valandas");
  });
});

describe("formatDuration", () => {
  it("shows at most two units", () => {
    expect(formatDuration(3900, "en")).toBe("1 hr 5 min");
    expect(formatDuration(45, "en")).toBe("45 sec");
    expect(formatDuration(2 * 86400 + 3 * 3600 + 59, "en")).toBe("2 days 3 hr");
    expect(formatDuration(0, "en")).toBe("0 sec");
  });
});

describe("zoned datetime-local values", () => {
  it("shows an instant on the user's wall clock, not the device's", () => {
    expect(zonedInputValue(Date.parse("2026-07-01T09:30:00Z"), "Europe/Vilnius")).toBe("2026-07-01T12:30");
    expect(zonedInputValue(Date.parse("2026-01-01T09:30:00Z"), "Europe/Ljubljana")).toBe("2026-01-01T10:30");
  });

  it("reads a wall-clock time back to the instant, across daylight-saving changes", () => {
    expect(instantOfZonedInput("2026-03-29T10:00", "Europe/Vilnius")).toBe("2026-03-29T07:00:00.000Z");
    expect(instantOfZonedInput("2026-03-28T10:00", "Europe/Vilnius")).toBe("2026-03-28T08:00:00.000Z");
    expect(instantOfZonedInput("2026-10-25T12:00", "Europe/Moscow")).toBe("2026-10-25T09:00:00.000Z");
    expect(instantOfZonedInput("tomorrow", "UTC")).toBeNull();
  });

  it("round-trips", () => {
    const ms = Date.parse("2026-11-02T16:45:00Z");
    expect(instantOfZonedInput(zonedInputValue(ms, "Europe/Riga"), "Europe/Riga")).toBe("2026-11-02T16:45:00.000Z");
  });
});

describe("changedFields", () => {
  it("leaves bookkeeping out and makes values readable", () => {
    const result = changedFields({
      before: { job_title: "Buyer", version: 1, updated_at: "x", phones: [{ e164: "+37061234567", raw: "x", label: null }], company: null },
      after: { job_title: "Head of purchasing", version: 2, updated_at: "y", phones: [], company: { id: "cmp_1", name: "Acme" } },
    });
    expect(result.changes).toEqual([
      { field: "company", before: null, after: "Acme" },
      { field: "job_title", before: "Buyer", after: "Head of purchasing" },
      { field: "phones", before: "+37061234567", after: null },
    ]);
    expect(result.more).toBe(0);
  });

  it("shows a created record's values and caps long lists", () => {
    const after = Object.fromEntries(Array.from({ length: 5 }, (_, i) => [`f${i}`, i]));
    expect(changedFields({ before: null, after }, 3)).toEqual({
      changes: [
        { field: "f0", before: null, after: "0" },
        { field: "f1", before: null, after: "1" },
        { field: "f2", before: null, after: "2" },
      ],
      more: 2,
    });
  });
});
