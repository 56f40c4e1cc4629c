import { describe, expect, it } from "vitest";
import { communicationMetrics, median, type CommunicationEvent } from "./communication";

const minute = 60_000;
const at = (minutes: number) => Date.UTC(2026, 10, 2, 9) + minutes * minute;
const event = (type: CommunicationEvent["type"], direction: CommunicationEvent["direction"], minutes: number): CommunicationEvent => ({ type, direction, occurredAt: at(minutes) });

describe("communication metrics", () => {
  it("counts activities by direction and channel; notes without a direction count nowhere", () => {
    const metrics = communicationMetrics([event("email", "inbound", 0), event("email", "outbound", 5), event("call", "outbound", 10), event("note", null, 11)]);
    expect(metrics.inbound).toEqual({ call: 0, email: 1, meeting: 0, note: 0, message: 0 });
    expect(metrics.outbound).toEqual({ call: 1, email: 1, meeting: 0, note: 0, message: 0 });
  });

  it("measures a wait from the first unanswered inbound to the next outbound, whatever the input order", () => {
    const metrics = communicationMetrics([
      event("email", "outbound", 30), // answers the two inbound messages below: one wait of 30 minutes
      event("email", "inbound", 10),
      event("email", "inbound", 0),
      event("call", "inbound", 100),
      event("call", "outbound", 110), // 10 minutes
      event("message", "inbound", 200), // never answered: no sample
    ]);
    expect(metrics.first_response).toEqual({ median_seconds: 20 * 60, average_seconds: 20 * 60, samples: 2 });
  });

  it("an outbound with nothing to answer is no sample", () => {
    const metrics = communicationMetrics([event("email", "outbound", 0), event("email", "inbound", 5)]);
    expect(metrics.first_response).toEqual({ median_seconds: null, average_seconds: null, samples: 0 });
  });

  it("median and average differ when one reply was slow", () => {
    const metrics = communicationMetrics([
      event("email", "inbound", 0),
      event("email", "outbound", 1),
      event("email", "inbound", 10),
      event("email", "outbound", 12),
      event("email", "inbound", 20),
      event("email", "outbound", 80),
    ]);
    expect(metrics.first_response).toEqual({ median_seconds: 120, average_seconds: Math.round(((1 + 2 + 60) * 60) / 3), samples: 3 });
  });

  it("prefers the channel the contact reaches out on most, the latest one on a tie, null when they never did", () => {
    expect(communicationMetrics([event("call", "inbound", 0), event("email", "inbound", 1), event("call", "inbound", 2), event("email", "outbound", 3), event("email", "outbound", 4)]).preferred_channel).toBe("call");
    expect(communicationMetrics([event("email", "inbound", 0), event("message", "inbound", 5)]).preferred_channel).toBe("message");
    expect(communicationMetrics([event("email", "outbound", 0)]).preferred_channel).toBeNull();
    expect(communicationMetrics([]).preferred_channel).toBeNull();
  });

  it("takes the middle of an even number of values", () => {
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([])).toBeNull();
  });
});
