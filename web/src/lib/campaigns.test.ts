import { describe, expect, it } from "vitest";
import { campaignRecipientStatuses as workerRecipientStatuses, campaignScheduleModes, campaignStatuses as workerCampaignStatuses } from "../../../workers/db/schema";
import { maxThrottlePerMinute } from "../../../workers/campaigns/campaign.schema";
import { mergeFields as workerMergeFields, parseTemplate } from "../../../workers/campaigns/template";
import { SegmentFilter, segmentFields as workerSegmentFields } from "../../../workers/segments/segment-filter";
import {
  campaignActions,
  campaignStatuses,
  conditionCount,
  depthOf,
  filledVariants,
  fromFilter,
  insertAt,
  itemOfPointer,
  listValues,
  maxThrottle,
  mergeFields,
  mergeTag,
  newCondition,
  newGroup,
  operatorsFor,
  parseDays,
  parseThrottle,
  progressPercent,
  quietHours,
  recipientStatuses,
  scheduleBody,
  scheduleModes,
  segmentFields,
  templateErrorTarget,
  toFilter,
  updateItem,
  withField,
} from "./campaigns";
import { contactFiltersFrom, contactQuery, contactSearch } from "./list-query";
import { matchRoute } from "./routes";

const condition = (field: Parameters<typeof newCondition>[0], values: (string | null)[]) => ({ ...newCondition(field), values });

describe("the page's copy of the server's vocabulary", () => {
  it("lists the same segment fields, merge fields and statuses as the worker", () => {
    expect([...segmentFields]).toEqual([...workerSegmentFields]);
    expect([...mergeFields]).toEqual([...workerMergeFields]);
    expect([...campaignStatuses].sort()).toEqual([...workerCampaignStatuses].sort());
    expect([...recipientStatuses].sort()).toEqual([...workerRecipientStatuses].sort());
    expect([...scheduleModes]).toEqual([...campaignScheduleModes]);
    expect(maxThrottle).toBe(maxThrottlePerMinute);
  });

  it("offers for every field operators the worker's schema accepts", () => {
    for (const field of segmentFields) {
      for (const op of operatorsFor(field)) {
        const draft = { ...newCondition(field), op, values: field === "owner_id" ? [null] : field === "country" ? ["LT"] : field === "lifecycle_stage" ? ["customer"] : field === "company_size" ? ["1-10"] : field === "consent" ? ["granted"] : field === "deal_status" ? ["won"] : ["x"], date: "2026-01-31", days: "30" };
        const { filter } = toFilter(newGroup("and", [draft]));
        const parsed = SegmentFilter.safeParse(filter);
        expect(parsed.success, `${field} ${op}: ${JSON.stringify(parsed.error?.issues)}`).toBe(true);
      }
    }
  });
});

describe("the segment builder's draft", () => {
  it("builds “customers in Vilnius who agreed to marketing” as the server's filter", () => {
    const draft = newGroup("and", [condition("lifecycle_stage", ["customer"]), condition("city", ["Vilnius"]), condition("consent", ["granted"])]);
    const { filter, count } = toFilter(draft);
    expect(filter).toEqual({
      op: "and",
      conditions: [
        { field: "lifecycle_stage", op: "in", value: ["customer"] },
        { field: "city", op: "in", value: ["Vilnius"] },
        { field: "consent", op: "in", value: ["granted"] },
      ],
    });
    expect(count).toBe(3);
    expect(SegmentFilter.safeParse(filter).success).toBe(true);
  });

  it("leaves out incomplete conditions and empty groups, and maps pointers back to the items on screen", () => {
    const empty = newCondition("tags");
    const inner = newGroup("or", [newCondition("city"), condition("country", ["LT"])]);
    const city = condition("city", ["Vilnius"]);
    const draft = newGroup("and", [empty, newGroup("or", []), inner, city]);
    const { filter, origin } = toFilter(draft);
    expect(filter).toEqual({ op: "and", conditions: [{ op: "or", conditions: [{ field: "country", op: "in", value: ["LT"] }] }, { field: "city", op: "in", value: ["Vilnius"] }] });
    const country = inner.items[1];
    expect(itemOfPointer("/filter/conditions/0/conditions/0/value/0", origin)).toBe(country?.key);
    expect(itemOfPointer("/conditions/1/field", origin)).toBe(city.key);
    expect(itemOfPointer("/filter/op", origin)).toBeNull();
  });

  it("turns dates into absolute instants or a number of days, and rejects days out of range", () => {
    const before = { ...newCondition("created_at"), op: "before", date: "2026-03-01" };
    const within = { ...newCondition("last_activity_at"), op: "within_last_days", days: "90" };
    expect(toFilter(newGroup("and", [before, within])).filter.conditions).toEqual([
      { field: "created_at", op: "before", value: "2026-03-01T00:00:00.000Z" },
      { field: "last_activity_at", op: "within_last_days", value: 90 },
    ]);
    expect(parseDays("0")).toBeNull();
    expect(parseDays("3651")).toBeNull();
    expect(parseDays("1.5")).toBeNull();
    expect(parseDays(" 7 ")).toBe(7);
  });

  it("keeps “no owner” (null) as a value and drops repeated values", () => {
    const { filter } = toFilter(newGroup("and", [condition("owner_id", [null, "usr_a", null])]));
    expect(filter.conditions).toEqual([{ field: "owner_id", op: "in", value: [null, "usr_a"] }]);
  });

  it("resets operator and values when the field changes", () => {
    const changed = withField(condition("city", ["Vilnius"]), "tags");
    expect(changed.op).toBe("has_any");
    expect(changed.values).toEqual([]);
  });

  it("round-trips a saved filter for editing", () => {
    const saved = { op: "or" as const, conditions: [{ field: "tags" as const, op: "has_all", value: ["vip"] }, { op: "and" as const, conditions: [{ field: "created_at" as const, op: "within_last_days" as const, value: 30 }] }] };
    expect(toFilter(fromFilter(saved)).filter).toEqual(saved);
  });

  it("updates or removes one item without touching the rest, and counts depth and conditions", () => {
    const a = condition("city", ["Vilnius"]);
    const inner = newGroup("or", [condition("tags", ["vip"])]);
    const root = newGroup("and", [a, inner]);
    expect(depthOf(root)).toBe(2);
    expect(conditionCount(root)).toBe(2);
    const removed = updateItem(root, a.key, () => null);
    expect(removed.items).toHaveLength(1);
    expect(root.items).toHaveLength(2);
    const switched = updateItem(root, inner.key, (item) => (item.kind === "group" ? { ...item, op: "and" } : item));
    expect(switched.items[1]).toMatchObject({ op: "and" });
  });

  it("splits typed lists and upper-cases country codes", () => {
    expect(listValues("lt, LV ,lt", "country")).toEqual(["LT", "LV"]);
    expect(listValues("Vilnius; Kaunas,,", "city")).toEqual(["Vilnius", "Kaunas"]);
  });
});

describe("the template editor", () => {
  it("inserts a merge tag the worker's parser accepts, with the fallback escaped", () => {
    const tag = mergeTag("first_name", 'dear "friend"');
    expect(tag).toBe('{{first_name | default: "dear \\"friend\\""}}');
    const parsed = parseTemplate(`Hi ${tag}`);
    expect(parsed.ok && parsed.parts[1]).toEqual({ kind: "field", field: "first_name", fallback: 'dear "friend"' });
    expect(mergeTag("company", "  ")).toBe("{{company}}");
  });

  it("inserts at the caret, replacing a selection", () => {
    expect(insertAt("Hello !", 6, 6, "X")).toEqual({ text: "Hello X!", caret: 7 });
    expect(insertAt("Hello world", 6, 11, "Y")).toEqual({ text: "Hello Y", caret: 7 });
  });

  it("sends only tabs with content and places a variant error on its language's tab", () => {
    const drafts = [
      { language: "en" as const, subject: "", html: "" },
      { language: "lt" as const, subject: "Sveiki", html: "<p>…</p>" },
      { language: "ru" as const, subject: "Привет", html: "" },
    ];
    const sent = filledVariants(drafts);
    expect(sent.map((variant) => variant.language)).toEqual(["lt", "ru"]);
    expect(templateErrorTarget("/variants/1/subject", sent)).toEqual({ language: "ru", field: "subject" });
    expect(templateErrorTarget("/variants/0/html", sent)).toEqual({ language: "lt", field: "html" });
    expect(templateErrorTarget("/name", sent)).toEqual({ language: null, field: "name" });
  });
});

describe("campaigns", () => {
  it("offers pause only while sending or scheduled, resume only when paused, no cancel once sent", () => {
    expect(campaignActions("sending")).toMatchObject({ pause: true, resume: false, cancel: true, edit: false });
    expect(campaignActions("paused")).toMatchObject({ pause: false, resume: true, cancel: true });
    expect(campaignActions("sent")).toMatchObject({ pause: false, resume: false, cancel: false, schedule: false });
    expect(campaignActions("draft")).toMatchObject({ schedule: true, edit: true, cancel: false });
  });

  it("measures progress over everything dealt with", () => {
    expect(progressPercent({ recipients: 0, sent: 0, failed: 0, skipped: 0, unsubscribed: 0, pending: 0 })).toBe(0);
    expect(progressPercent({ recipients: 3, sent: 1, failed: 0, skipped: 1, unsubscribed: 0, pending: 1 })).toBe(66);
    expect(progressPercent({ recipients: 2, sent: 2, failed: 0, skipped: 0, unsubscribed: 1, pending: 0 })).toBe(100);
  });

  it("builds the schedule body and names the field that is wrong", () => {
    const now = new Date("2026-05-01T10:00:00Z");
    expect(scheduleBody({ mode: "now", at: "", localDate: "", localTime: "" }, now)).toEqual({ ok: true, body: { mode: "now" } });
    expect(scheduleBody({ mode: "at", at: "", localDate: "", localTime: "" }, now)).toEqual({ ok: false, field: "at", reason: "missing" });
    expect(scheduleBody({ mode: "at", at: "2020-01-01T09:00", localDate: "", localTime: "" }, now)).toMatchObject({ ok: false, reason: "past" });
    expect(scheduleBody({ mode: "local_time", at: "", localDate: "2026-05-02", localTime: "9:00" }, now)).toEqual({ ok: false, field: "local_time", reason: "invalid" });
    expect(scheduleBody({ mode: "local_time", at: "", localDate: "2026-05-02", localTime: "09:00" }, now)).toEqual({ ok: true, body: { mode: "local_time", local_date: "2026-05-02", local_time: "09:00" } });
  });

  it("takes quiet hours as both or neither, and a throttle from 1", () => {
    expect(quietHours("", "")).toEqual({ ok: true, start: null, end: null });
    expect(quietHours("21:00", "")).toEqual({ ok: false, field: "quiet_end" });
    expect(quietHours("21:00", "08:00")).toEqual({ ok: true, start: "21:00", end: "08:00" });
    expect(parseThrottle("")).toEqual({ ok: true, value: null });
    expect(parseThrottle("0")).toEqual({ ok: false });
    expect(parseThrottle("120")).toEqual({ ok: true, value: 120 });
    expect(parseThrottle("30001")).toEqual({ ok: false });
  });
});

describe("campaign routes", () => {
  it("matches the lists, the editors and one campaign, and refuses ids of the wrong kind", () => {
    expect(matchRoute("/campaigns")).toEqual({ name: "campaigns" });
    expect(matchRoute("/campaigns/new")).toEqual({ name: "campaign-new" });
    expect(matchRoute("/campaigns/cpg_01abc")).toEqual({ name: "campaign", id: "cpg_01abc" });
    expect(matchRoute("/campaigns/segments/")).toEqual({ name: "segments" });
    expect(matchRoute("/campaigns/segments/new")).toEqual({ name: "segment-new" });
    expect(matchRoute("/campaigns/segments/seg_01abc")).toEqual({ name: "segment", id: "seg_01abc" });
    expect(matchRoute("/campaigns/templates/new")).toEqual({ name: "template-new" });
    expect(matchRoute("/campaigns/templates/tpl_01abc")).toEqual({ name: "template", id: "tpl_01abc" });
    expect(matchRoute("/campaigns/tpl_01abc")).toEqual({ name: "not-found" });
    expect(matchRoute("/campaigns/segments/cpg_01abc")).toEqual({ name: "not-found" });
  });
});

describe("a segment as a saved view of the contacts list", () => {
  it("reads segment_id from the address and passes it to the API, ignoring other ids", () => {
    const filters = contactFiltersFrom("?segment_id=seg_01abc&q=ona");
    expect(filters.segment_id).toBe("seg_01abc");
    expect(contactQuery(filters).segment_id).toBe("seg_01abc");
    expect(contactSearch(filters)).toContain("segment_id=seg_01abc");
    expect(contactFiltersFrom("?segment_id=cpg_01abc").segment_id).toBeUndefined();
  });
});
