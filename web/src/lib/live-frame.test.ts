import { describe, expect, it } from "vitest";
import { missedEvents, othersPresent, parseLiveFrame, reconnectDelay } from "./live-frame";

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
