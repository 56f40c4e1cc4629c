import { describe, expect, it, vi } from "vitest";
import { debounce, isAbort, latestOnly } from "./latest";

describe("latestOnly", () => {
  it("aborts the previous request and marks it stale", () => {
    const latest = latestOnly();
    const first = latest.next();
    const second = latest.next();
    expect(first.signal.aborted).toBe(true);
    expect(first.isCurrent()).toBe(false);
    expect(second.isCurrent()).toBe(true);
    latest.cancel();
    expect(second.signal.aborted).toBe(true);
    expect(second.isCurrent()).toBe(false);
  });

  it("never lets a slow early answer win over a later one", async () => {
    const latest = latestOnly();
    const shown: string[] = [];
    const search = async (text: string, delay: number) => {
      const request = latest.next();
      await new Promise((resolve) => setTimeout(resolve, delay));
      if (request.isCurrent()) shown.push(text);
    };
    await Promise.all([search("sa", 30), search("saru", 5)]);
    expect(shown).toEqual(["saru"]);
  });
});

describe("debounce", () => {
  it("calls once with the last arguments after a quiet period", () => {
    vi.useFakeTimers();
    const calls: string[] = [];
    const typed = debounce((text: string) => calls.push(text), 200);
    typed("s");
    typed("sa");
    vi.advanceTimersByTime(199);
    typed("sar");
    vi.advanceTimersByTime(200);
    expect(calls).toEqual(["sar"]);
    typed("x");
    typed.flush();
    expect(calls).toEqual(["sar", "x"]);
    typed("y");
    typed.cancel();
    vi.advanceTimersByTime(500);
    expect(calls).toEqual(["sar", "x"]);
    vi.useRealTimers();
  });
});

describe("isAbort", () => {
  it("recognises aborts only", () => {
    expect(isAbort(new DOMException("stop", "AbortError"))).toBe(true);
    expect(isAbort(new Error("boom"))).toBe(false);
  });
});
