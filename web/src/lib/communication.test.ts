import { describe, expect, it } from "vitest";
import { summarizeCommunication } from "./communication";

const zero = { call: 0, email: 0, meeting: 0, note: 0, message: 0 };

describe("summarizeCommunication", () => {
  it("lists the channels used, busiest first, with totals each way", () => {
    const summary = summarizeCommunication(
      {
        inbound: { ...zero, call: 1, email: 3 },
        outbound: { ...zero, email: 2, message: 1, call: 1 },
        first_response: { median_seconds: 8100, average_seconds: 9000, samples: 3 },
        preferred_channel: "email",
      },
      "en",
    );
    expect(summary.empty).toBe(false);
    expect(summary.inbound).toBe(4);
    expect(summary.outbound).toBe(4);
    expect(summary.channels.map((row) => [row.type, row.inbound, row.outbound])).toEqual([
      ["email", 3, 2],
      ["call", 1, 1],
      ["message", 0, 1],
    ]);
    expect(summary.channels[0]?.share).toBeCloseTo(5 / 8);
    expect(summary.firstResponse).toBe("2 hr 15 min");
    expect(summary.firstResponseAverage).toBe("2 hr 30 min");
    expect(summary.preferred).toBe("email");
  });

  it("says so when nothing was exchanged yet and no reply was measured", () => {
    const summary = summarizeCommunication({ inbound: zero, outbound: zero, first_response: { median_seconds: null, average_seconds: null, samples: 0 }, preferred_channel: null }, "lt");
    expect(summary).toMatchObject({ empty: true, channels: [], firstResponse: null, preferred: null });
  });

  it("formats the reply time in the reader's language", () => {
    const summary = summarizeCommunication({ inbound: { ...zero, call: 1 }, outbound: { ...zero, call: 1 }, first_response: { median_seconds: 600, average_seconds: 600, samples: 1 }, preferred_channel: "call" }, "ru");
    expect(summary.firstResponse).toBe("10 мин");
  });
});
