import { describe, expect, it } from "vitest";
import { groupTasks, localDate, reminderOffsets, reminderPresetOf, taskGroup, taskLinks, utcToZoned, zonedToUtc } from "./tasks";

const vilnius = "Europe/Vilnius";
const at = (iso: string) => Date.parse(iso);
const task = (id: string, due_at: string | null) => ({ id, due_at });

describe("taskGroup in the user's zone", () => {
  it("puts a task due late tonight in Vilnius under today although it is tomorrow in UTC terms of the day", () => {
    // 23:30 local on 22 Nov is 21:30Z; at 10:00 local it is still today, not upcoming.
    const now = at("2026-11-22T08:00:00Z");
    expect(taskGroup(task("a", "2026-11-22T21:30:00Z"), now, vilnius)).toBe("today");
    expect(taskGroup(task("a", "2026-11-22T22:30:00Z"), now, vilnius)).toBe("upcoming");
    expect(taskGroup(task("a", "2026-11-22T22:30:00Z"), now, "UTC")).toBe("today");
  });

  it("calls a task overdue as soon as its due time has passed, even earlier today", () => {
    const now = at("2026-11-22T10:00:00Z");
    expect(taskGroup(task("a", "2026-11-22T09:59:00Z"), now, vilnius)).toBe("overdue");
    expect(taskGroup(task("a", null), now, vilnius)).toBe("none");
  });

  it("uses the local day on the day clocks go forward in Vilnius (29 Mar 2026, 23 hours long)", () => {
    // 00:30 local is 22:30Z the evening before (EET, +2); 23:30 local is 20:30Z (EEST, +3).
    const now = at("2026-03-28T22:15:00Z"); // 00:15 on 29 Mar in Vilnius
    expect(localDate(now, vilnius)).toBe("2026-03-29");
    expect(taskGroup(task("a", "2026-03-29T20:30:00Z"), now, vilnius)).toBe("today");
    expect(taskGroup(task("a", "2026-03-29T21:30:00Z"), now, vilnius)).toBe("upcoming"); // 00:30 on 30 Mar
  });

  it("uses the local day on the day clocks go back in Vilnius (25 Oct 2026, 25 hours long)", () => {
    const now = at("2026-10-24T21:30:00Z"); // 00:30 on 25 Oct (EEST, +3)
    expect(localDate(now, vilnius)).toBe("2026-10-25");
    expect(taskGroup(task("a", "2026-10-25T21:59:00Z"), now, vilnius)).toBe("today"); // 23:59 EET
    expect(taskGroup(task("a", "2026-10-25T22:00:00Z"), now, vilnius)).toBe("upcoming"); // 00:00 on 26 Oct
  });

  it("sorts each heading by due time and keeps undated tasks in the API's order", () => {
    const now = at("2026-11-22T10:00:00Z");
    const groups = groupTasks(
      [task("n1", null), task("up2", "2026-11-30T10:00:00Z"), task("od", "2026-11-20T10:00:00Z"), task("up1", "2026-11-25T10:00:00Z"), task("n2", null), task("td", "2026-11-22T15:00:00Z")],
      now,
      vilnius,
    );
    expect(groups.overdue.map((item) => item.id)).toEqual(["od"]);
    expect(groups.today.map((item) => item.id)).toEqual(["td"]);
    expect(groups.upcoming.map((item) => item.id)).toEqual(["up1", "up2"]);
    expect(groups.none.map((item) => item.id)).toEqual(["n1", "n2"]);
  });
});

describe("due time typed in the user's zone", () => {
  it("reads a wall-clock time with the offset in force on that date", () => {
    expect(new Date(zonedToUtc("2026-01-15", "09:00", vilnius) ?? 0).toISOString()).toBe("2026-01-15T07:00:00.000Z");
    expect(new Date(zonedToUtc("2026-07-15", "09:00", vilnius) ?? 0).toISOString()).toBe("2026-07-15T06:00:00.000Z");
    expect(new Date(zonedToUtc("2026-07-15", "09:00", "Europe/Moscow") ?? 0).toISOString()).toBe("2026-07-15T06:00:00.000Z");
  });

  it("keeps 09:00 at 09:00 on both sides of the spring change", () => {
    expect(new Date(zonedToUtc("2026-03-28", "09:00", vilnius) ?? 0).toISOString()).toBe("2026-03-28T07:00:00.000Z");
    expect(new Date(zonedToUtc("2026-03-30", "09:00", vilnius) ?? 0).toISOString()).toBe("2026-03-30T06:00:00.000Z");
  });

  it("moves a time in the skipped hour forward and takes the first of a repeated hour", () => {
    // 03:30 does not exist on 29 Mar 2026 in Vilnius: it becomes 04:30 EEST.
    const skipped = zonedToUtc("2026-03-29", "03:30", vilnius) ?? 0;
    expect(new Date(skipped).toISOString()).toBe("2026-03-29T01:30:00.000Z");
    expect(utcToZoned(skipped, vilnius)).toEqual({ date: "2026-03-29", time: "04:30" });
    // 03:30 happens twice on 25 Oct 2026: the first (EEST, 00:30Z) is meant.
    expect(new Date(zonedToUtc("2026-10-25", "03:30", vilnius) ?? 0).toISOString()).toBe("2026-10-25T00:30:00.000Z");
  });

  it("round-trips the instant back to the same inputs and rejects malformed input", () => {
    const instant = zonedToUtc("2026-10-25", "18:45", vilnius) ?? 0;
    expect(utcToZoned(instant, vilnius)).toEqual({ date: "2026-10-25", time: "18:45" });
    expect(zonedToUtc("25.10.2026", "18:45", vilnius)).toBeNull();
    expect(zonedToUtc("2026-10-25", "", vilnius)).toBeNull();
  });
});

describe("reminder presets", () => {
  it("maps choices to offsets and back", () => {
    expect(reminderOffsets("none")).toEqual([]);
    expect(reminderOffsets("60")).toEqual([60]);
    expect(reminderPresetOf([])).toBe("none");
    expect(reminderPresetOf([1440])).toBe("1440");
    expect(reminderPresetOf([1440, 15])).toBe("15");
    expect(reminderPresetOf([7])).toBe("0");
  });
});

describe("taskLinks", () => {
  const none = { contact_id: null, contact_name: null, company_id: null, company_name: null, deal_id: null, deal_title: null };

  it("lists the contact, company and deal with their names, the person to call first", () => {
    const links = taskLinks({ ...none, deal_id: "deal_1", deal_title: "Website redesign", company_id: "cmp_1", company_name: "UAB Saulė", contact_id: "con_1", contact_name: "Ona Petraitė" });
    expect(links).toEqual([
      { kind: "contact", href: "/contacts/con_1", name: "Ona Petraitė" },
      { kind: "company", href: "/companies/cmp_1", name: "UAB Saulė" },
      { kind: "deal", href: "/deals/deal_1", name: "Website redesign" },
    ]);
  });

  it("keeps a link whose record has no name (deleted or nameless) so the row can fall back to its kind", () => {
    expect(taskLinks({ ...none, contact_id: "con_1", contact_name: null, company_id: "cmp_1", company_name: "  " })).toEqual([
      { kind: "contact", href: "/contacts/con_1", name: null },
      { kind: "company", href: "/companies/cmp_1", name: null },
    ]);
  });

  it("has nothing for an unlinked task, even if a stale name came along", () => {
    expect(taskLinks({ ...none, contact_name: "Ghost" })).toEqual([]);
  });
});
