import { describe, expect, it } from "vitest";
import { formSubmittedOf, leadIsFor, missedEvents, othersPresent, parseLiveFrame, reconnectDelay } from "./live-frame";

describe("parseLiveFrame", () => {
  it("accepts deal events and presence frames", () => {
    expect(parseLiveFrame('{"seq":7,"type":"deal.moved","id":"deal_1","data":{"version":2}}')).toEqual({ type: "deal.moved", seq: 7, id: "deal_1", data: { version: 2 } });
    expect(parseLiveFrame('{"type":"presence","seq":7,"target":"pipeline:pip_1","users":["usr_1",3,"usr_2"]}')).toEqual({ type: "presence", seq: 7, target: "pipeline:pip_1", users: ["usr_1", "usr_2"] });
    expect(missedEvents(7, { type: "presence", seq: 7, target: "deal:deal_1", users: [] })).toBe(false);
    expect(missedEvents(6, { type: "presence", seq: 7, target: "deal:deal_1", users: [] })).toBe(true);
    expect(othersPresent(["usr_1", "usr_2"], "usr_1")).toEqual(["usr_2"]);
  });

  it("accepts hub events and hello frames", () => {
    expect(parseLiveFrame('{"seq":4,"type":"member.added","id":"mem_1","at":"x","actor":null,"data":{"role":"member"}}')).toEqual({
      type: "member.added",
      seq: 4,
      id: "mem_1",
      data: { role: "member" },
    });
    expect(parseLiveFrame('{"type":"hello","seq":0}')).toEqual({ type: "hello", seq: 0 });
    expect(parseLiveFrame('{"seq":5,"type":"contact.updated","id":"con_1","data":{"version":3}}')).toEqual({ type: "contact.updated", seq: 5, id: "con_1", data: { version: 3 } });
  });

  it("ignores what it does not know", () => {
    expect(parseLiveFrame("not json")).toBeNull();
    expect(parseLiveFrame('{"type":"deal.teleported","seq":1,"id":"d"}')).toBeNull();
    expect(parseLiveFrame('{"type":"presence","seq":1}')).toBeNull();
    expect(parseLiveFrame('{"type":"error","detail":"Unknown frame."}')).toBeNull();
  });
});

describe("reconnect and gaps", () => {
  it("backs off exponentially up to 30 s", () => {
    expect(reconnectDelay(0, 0)).toBe(1000);
    expect(reconnectDelay(3, 0)).toBe(8000);
    expect(reconnectDelay(10, 1)).toBe(36_000);
  });

  it("notices missed events", () => {
    expect(missedEvents(null, { type: "hello", seq: 9 })).toBe(false);
    expect(missedEvents(3, { type: "member.added", seq: 4, id: "m", data: {} })).toBe(false);
    expect(missedEvents(3, { type: "member.added", seq: 6, id: "m", data: {} })).toBe(true);
    expect(missedEvents(3, { type: "hello", seq: 5 })).toBe(true);
  });
});

describe("notification frames", () => {
  it("parse as the person's own notification and never count as a gap", () => {
    const frame = parseLiveFrame('{"seq":7,"type":"notification","id":"ntf_1","data":{"id":"ntf_1","text":"Call Ona"}}');
    expect(frame).toEqual({ type: "notification", seq: 7, id: "ntf_1", data: { id: "ntf_1", text: "Call Ona" } });
    expect(frame && missedEvents(7, frame)).toBe(false);
    expect(frame && missedEvents(5, frame)).toBe(true);
  });
});

describe("notifications.read frames", () => {
  it("parse the ids (or all) and the new count, and never count as a gap", () => {
    const frame = parseLiveFrame('{"seq":7,"type":"notifications.read","ids":["ntf_1",2,"ntf_2"],"unread_count":3}');
    expect(frame).toEqual({ type: "notifications.read", seq: 7, ids: ["ntf_1", "ntf_2"], unreadCount: 3 });
    expect(frame && missedEvents(7, frame)).toBe(false);
    expect(parseLiveFrame('{"seq":0,"type":"notifications.read","ids":null,"unread_count":0}')).toEqual({ type: "notifications.read", seq: 0, ids: null, unreadCount: 0 });
  });

  it("are ignored without a usable count or ids", () => {
    expect(parseLiveFrame('{"seq":7,"type":"notifications.read","ids":null}')).toBeNull();
    expect(parseLiveFrame('{"seq":7,"type":"notifications.read","ids":null,"unread_count":-1}')).toBeNull();
    expect(parseLiveFrame('{"seq":7,"type":"notifications.read","unread_count":2}')).toBeNull();
  });
});

describe("form.submitted", () => {
  it("reads the lead and who is told", () => {
    const frame = parseLiveFrame('{"seq":2,"type":"form.submitted","id":"sub_1","data":{"form_id":"frm_1","contact_id":"con_1","deal_id":null,"owner_id":"usr_2","new_contact":true}}');
    expect(frame && "id" in frame && frame.type !== "notification" ? formSubmittedOf(frame) : null).toEqual({ submissionId: "sub_1", formId: "frm_1", contactId: "con_1", dealId: null, ownerId: "usr_2", newContact: true });
    expect(formSubmittedOf({ type: "form.submitted", seq: 1, id: "sub_1", data: { form_id: "frm_1" } })).toBeNull();
    expect(formSubmittedOf({ type: "contact.created", seq: 1, id: "con_1", data: {} })).toBeNull();
    expect(leadIsFor({ ownerId: "usr_2" }, "usr_2")).toBe(true);
    expect(leadIsFor({ ownerId: "usr_2" }, "usr_1")).toBe(false);
    expect(leadIsFor({ ownerId: null }, "usr_1")).toBe(true);
  });
});
