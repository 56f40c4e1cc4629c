// Unit tests for the local cron ticker (tools/local-cron.mjs), with a fake clock and fake timers:
// which expressions are due in which UTC minute, that each minute fires once at its start, and
// what reaches wrangler's scheduled endpoint. Run by `npm test` (node --test).
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import { compileCrons, cronsFromWranglerToml, dueCrons, minuteOf, msUntilNextMinute, scheduledUrl, startMinuteTicker } from "./local-cron.mjs";

const at = (iso) => Date.parse(iso);

describe("cronsFromWranglerToml", () => {
  it("reads the [triggers] crons list in order", () => {
    const text = `name = "x"\n[triggers]\n# comment\ncrons = ["17 3 * * *", "* * * * *"] # trailing\n[vars]\ncrons = "not this one"\n`;
    assert.deepEqual(cronsFromWranglerToml(text), ["17 3 * * *", "* * * * *"]);
  });

  it("reads a multi-line list and drops duplicates", () => {
    assert.deepEqual(cronsFromWranglerToml(`[triggers]\ncrons = [\n  "0 * * * *",\n  "0 * * * *",\n  "*/15 * * * *",\n]\n`), ["0 * * * *", "*/15 * * * *"]);
  });

  it("gives an empty list when there are no triggers", () => {
    assert.deepEqual(cronsFromWranglerToml(`name = "x"\n`), []);
    assert.deepEqual(cronsFromWranglerToml(`[triggers]\n`), []);
  });

  it("refuses a crons value that is not a list of strings", () => {
    assert.throws(() => cronsFromWranglerToml(`[triggers]\ncrons = "* * * * *"\n`), /list of strings/);
    assert.throws(() => cronsFromWranglerToml(`[triggers]\ncrons = [1]\n`), /list of strings/);
  });

  it("reads the project's own wrangler.toml, whose every expression compiles", () => {
    const crons = cronsFromWranglerToml(readFileSync(new URL("../wrangler.toml", import.meta.url), "utf8"));
    assert.ok(crons.length > 0, "wrangler.toml has cron triggers");
    assert.equal(compileCrons(crons).length, crons.length);
  });
});

describe("compileCrons and dueCrons (UTC, minute precision)", () => {
  const compiled = compileCrons(["17 3 * * *", "* * * * *", "0,15,30,45 * * * *", "0 * * * *", "0 8 * * 1"]);

  it("an every-minute expression is due in every minute", () => {
    for (const iso of ["2026-11-22T00:00:00Z", "2026-11-22T03:16:00Z", "2026-12-31T23:59:00Z"]) assert.ok(dueCrons(compiled, at(iso)).includes("* * * * *"), iso);
  });

  it("a daily expression is due only in its own UTC minute", () => {
    assert.deepEqual(dueCrons(compiled, at("2026-11-22T03:17:00Z")), ["17 3 * * *", "* * * * *"]);
    assert.ok(!dueCrons(compiled, at("2026-11-22T03:16:00Z")).includes("17 3 * * *"));
    assert.ok(!dueCrons(compiled, at("2026-11-22T03:18:00Z")).includes("17 3 * * *"));
    // 03:17 UTC is 05:17 in Vilnius: the match is in UTC, whatever the machine's time zone.
    assert.ok(!dueCrons(compiled, at("2026-11-22T01:17:00Z")).includes("17 3 * * *"));
  });

  it("lists and hourly expressions, in wrangler.toml's order", () => {
    assert.deepEqual(dueCrons(compiled, at("2026-11-22T10:00:00Z")), ["* * * * *", "0,15,30,45 * * * *", "0 * * * *"]);
    assert.deepEqual(dueCrons(compiled, at("2026-11-22T10:45:00Z")), ["* * * * *", "0,15,30,45 * * * *"]);
  });

  it("day of week counts from Sunday = 0", () => {
    assert.ok(dueCrons(compiled, at("2026-11-23T08:00:00Z")).includes("0 8 * * 1"), "23 Nov 2026 is a Monday");
    assert.ok(!dueCrons(compiled, at("2026-11-22T08:00:00Z")).includes("0 8 * * 1"), "22 Nov 2026 is a Sunday");
  });

  it("refuses invalid and six-field expressions, naming the expression", () => {
    assert.throws(() => compileCrons(["61 * * * *"]), /"61 \* \* \* \*"/);
    assert.throws(() => compileCrons(["* * * * * *"]), /five-field/);
  });
});

describe("minute arithmetic", () => {
  it("minuteOf floors to the UTC minute; msUntilNextMinute reaches the next one", () => {
    assert.equal(minuteOf(at("2026-11-22T10:00:59.999Z")), at("2026-11-22T10:00:00Z"));
    assert.equal(msUntilNextMinute(at("2026-11-22T10:00:45.500Z")), 14_500);
    assert.equal(msUntilNextMinute(at("2026-11-22T10:00:00Z")), 60_000);
  });

  it("scheduledUrl encodes the exact expression and the minute as scheduledTime", () => {
    assert.equal(
      scheduledUrl("http://localhost:8787", "*/5 * * * *", at("2026-11-22T10:05:00Z")),
      `http://localhost:8787/cdn-cgi/local/scheduled?cron=*%2F5%20*%20*%20*%20*&time=${at("2026-11-22T10:05:00Z")}&format=json`,
    );
    const url = new URL(scheduledUrl("http://localhost:8787", "0,15 3 * * 1-5", 0));
    assert.equal(url.searchParams.get("cron"), "0,15 3 * * 1-5");
  });
});

/** A fake clock with one pending timer at a time (the ticker only ever keeps one). */
function fakeTime(startIso) {
  let clock = at(startIso);
  let pending = null;
  return {
    now: () => clock,
    setTimer: (fn, ms) => {
      pending = { fn, due: clock + ms };
      return pending;
    },
    clearTimer: (handle) => {
      if (pending === handle) pending = null;
    },
    get pending() {
      return pending;
    },
    /** Moves the clock to the pending timer (or by `ms` if given and sooner) and runs it. */
    advance(ms) {
      if (!pending) return false;
      const target = ms === undefined ? pending.due : clock + ms;
      if (target < pending.due) {
        clock = target;
        return false;
      }
      clock = Math.max(clock, pending.due);
      const { fn } = pending;
      pending = null;
      fn();
      return true;
    },
    jump(ms) {
      clock += ms;
    },
  };
}

function recorder() {
  const urls = [];
  return {
    urls,
    fetch: async (url) => {
      urls.push(url);
      return { ok: true, status: 200, text: async () => '{"outcome":"ok"}' };
    },
    calls: () => urls.map((u) => new URL(u)).map((u) => `${new Date(Number(u.searchParams.get("time"))).toISOString()} ${u.searchParams.get("cron")}`),
  };
}

describe("startMinuteTicker", () => {
  it("fires the starting minute at once, then every following minute at its start, each once", async () => {
    const time = fakeTime("2026-11-22T03:15:40Z");
    const http = recorder();
    const ticker = startMinuteTicker({ origin: "http://localhost:8787", readCrons: () => ["17 3 * * *", "* * * * *"], fetch: http.fetch, ...time });
    await ticker.fired;
    assert.deepEqual(http.calls(), ["2026-11-22T03:15:00.000Z * * * * *"]);
    // The next timer is set for just after the next minute starts, not 60 s from now.
    assert.ok(time.pending.due - at("2026-11-22T03:16:00Z") >= 0 && time.pending.due - at("2026-11-22T03:16:00Z") < 1_000);
    for (let i = 0; i < 3; i++) {
      time.advance();
      await ticker.fired;
    }
    assert.deepEqual(http.calls(), [
      "2026-11-22T03:15:00.000Z * * * * *",
      "2026-11-22T03:16:00.000Z * * * * *",
      "2026-11-22T03:17:00.000Z 17 3 * * *",
      "2026-11-22T03:17:00.000Z * * * * *",
      "2026-11-22T03:18:00.000Z * * * * *",
    ]);
    ticker.stop();
    assert.equal(time.pending, null, "stop clears the timer");
  });

  it("a timer that wakes up early fires nothing twice and still fires the next minute", async () => {
    const time = fakeTime("2026-11-22T10:00:10Z");
    const http = recorder();
    const ticker = startMinuteTicker({ origin: "http://o", readCrons: () => ["* * * * *"], fetch: http.fetch, ...time });
    await ticker.fired;
    // Make the pending timer run 2 s before the minute boundary (a clock adjusted backwards).
    const { fn } = time.pending;
    time.jump(at("2026-11-22T10:00:58Z") - time.now());
    fn();
    await ticker.fired;
    assert.equal(http.urls.length, 1, "10:00 is not fired again");
    time.advance();
    await ticker.fired;
    assert.deepEqual(http.calls(), ["2026-11-22T10:00:00.000Z * * * * *", "2026-11-22T10:01:00.000Z * * * * *"]);
    ticker.stop();
  });

  it("after a long sleep it fires the current minute only", async () => {
    const time = fakeTime("2026-11-22T10:00:10Z");
    const http = recorder();
    const ticker = startMinuteTicker({ origin: "http://o", readCrons: () => ["* * * * *"], fetch: http.fetch, ...time });
    await ticker.fired;
    time.jump(10 * 60_000);
    time.advance(0);
    await ticker.fired;
    assert.deepEqual(http.calls(), ["2026-11-22T10:00:00.000Z * * * * *", "2026-11-22T10:10:00.000Z * * * * *"]);
    ticker.stop();
  });

  it("re-reads the cron list every minute and keeps the last good one when it breaks", async () => {
    const time = fakeTime("2026-11-22T10:59:30Z");
    const http = recorder();
    const logs = [];
    let crons = ["0 * * * *"];
    const ticker = startMinuteTicker({ origin: "http://o", readCrons: () => (typeof crons === "function" ? crons() : crons), fetch: http.fetch, log: (l) => logs.push(l), ...time });
    await ticker.fired;
    assert.equal(http.urls.length, 0, "10:59 matches nothing");
    crons = ["0 * * * *", "not a cron"];
    time.advance();
    await ticker.fired;
    assert.deepEqual(http.calls(), ["2026-11-22T11:00:00.000Z 0 * * * *"], "the broken list is refused, the previous one still fires");
    assert.match(logs.join("\n"), /not a cron/);
    crons = () => {
      throw new Error("wrangler.toml: cannot parse");
    };
    time.advance();
    await ticker.fired;
    crons = ["* * * * *"];
    time.advance();
    await ticker.fired;
    assert.deepEqual(http.calls(), ["2026-11-22T11:00:00.000Z 0 * * * *", "2026-11-22T11:02:00.000Z * * * * *"]);
    ticker.stop();
  });

  it("keeps ticking when wrangler dev cannot be reached or the handler fails, and says so", async () => {
    const time = fakeTime("2026-11-22T10:00:10Z");
    const logs = [];
    let calls = 0;
    const ticker = startMinuteTicker({
      origin: "http://o",
      readCrons: () => ["* * * * *"],
      fetch: async () => {
        calls += 1;
        if (calls === 1) throw new Error("ECONNREFUSED");
        return { ok: false, status: 500, text: async () => '{"outcome":"exception"}' };
      },
      log: (l) => logs.push(l),
      ...time,
    });
    await ticker.fired;
    time.advance();
    await ticker.fired;
    assert.equal(calls, 2);
    assert.match(logs[0], /could not reach wrangler dev \(ECONNREFUSED\)/);
    assert.match(logs[1], /scheduled handler failed \(500/);
    assert.ok(time.pending, "still scheduled");
    ticker.stop();
  });
});
