// Cron triggers for local development. `wrangler dev` never fires a Worker's cron triggers on
// its own; it only runs the scheduled handler when asked through
// GET /cdn-cgi/local/scheduled?cron=<expr>&time=<epoch ms>. This module decides which of
// wrangler.toml's cron expressions are due in a given UTC minute and calls that endpoint for them,
// once per minute, so that `npm start` delivers reminders on time like the deployed Worker does.
// Pure except for what is injected (clock, timers, fetch), so tests/tools drive it with fake time.
import { Cron } from "croner";
import { parse } from "smol-toml";

export const minuteMs = 60_000;

/** The `[triggers] crons = [...]` list of a wrangler.toml text; [] when there is none. */
export function cronsFromWranglerToml(text) {
  const config = parse(text);
  const triggers = config.triggers;
  if (triggers === undefined) return [];
  if (typeof triggers !== "object" || triggers === null || Array.isArray(triggers)) throw new Error("wrangler.toml: [triggers] must be a table");
  const crons = triggers.crons;
  if (crons === undefined) return [];
  if (!Array.isArray(crons) || !crons.every((cron) => typeof cron === "string")) throw new Error("wrangler.toml: [triggers] crons must be a list of strings");
  return [...new Set(crons.map((cron) => cron.trim()))];
}

/**
 * One matcher per expression. Cloudflare evaluates cron triggers in UTC with five fields (minute
 * precision), so croner runs in "5-part" mode in UTC: six-field (seconds) expressions, which
 * Cloudflare would refuse at deploy, are refused here too instead of silently firing every second.
 */
export function compileCrons(crons) {
  return crons.map((cron) => {
    try {
      const matcher = new Cron(cron, { timezone: "UTC", mode: "5-part", paused: true });
      return { cron, matches: (minute) => matcher.match(new Date(minute)) };
    } catch (error) {
      throw new Error(`wrangler.toml: cron "${cron}" is not a valid five-field cron expression (${error instanceof Error ? error.message : error})`);
    }
  });
}

/** The start of the UTC minute that contains `ms`. */
export function minuteOf(ms) {
  return Math.floor(ms / minuteMs) * minuteMs;
}

/** Milliseconds from `ms` to the start of the next minute (a full minute when exactly on one). */
export function msUntilNextMinute(ms) {
  return minuteOf(ms) + minuteMs - ms;
}

/** The expressions (in wrangler.toml's order) whose schedule includes the minute starting at `minute`. */
export function dueCrons(compiled, minute) {
  return compiled.filter((entry) => entry.matches(minute)).map((entry) => entry.cron);
}

/**
 * The URL that makes wrangler dev run the scheduled handler as Cloudflare would for `cron` at
 * `minute`: `controller.cron` is the exact expression (the worker dispatches on it) and
 * `controller.scheduledTime` the start of the minute (the worker keys its job windows on it).
 */
export function scheduledUrl(origin, cron, minute) {
  return `${origin}/cdn-cgi/local/scheduled?cron=${encodeURIComponent(cron)}&time=${minute}&format=json`;
}

/**
 * Calls the scheduled endpoint for every due cron at the start of each UTC minute until stopped.
 * The minute in which it starts is fired at once (the server has just become ready; reminders
 * that fell due while it was down should not wait for the next minute), then each following one.
 * A minute is never fired twice. If the timer wakes up late by more than a minute (a laptop that
 * slept), the minutes in between are skipped, as Cloudflare skips them for a paused Worker: the
 * scheduled work scans by time (due reminders up to now), so nothing due is lost.
 *
 * @param {object} options
 * @param {string} options.origin                  e.g. http://localhost:8787
 * @param {() => string[]} options.readCrons       the current list (re-read every minute, so an edited wrangler.toml applies)
 * @param {(url: string) => Promise<{ ok: boolean, status: number, text: () => Promise<string> }>} options.fetch
 * @param {() => number} [options.now]
 * @param {(fn: () => void, ms: number) => unknown} [options.setTimer]
 * @param {(handle: unknown) => void} [options.clearTimer]
 * @param {(line: string) => void} [options.log]
 * @returns {{ stop: () => void, fired: Promise<void> }}  `fired` settles when the current minute's calls are done (tests wait on it)
 */
export function startMinuteTicker(options) {
  const now = options.now ?? Date.now;
  const setTimer = options.setTimer ?? ((fn, ms) => setTimeout(fn, ms));
  const clearTimer = options.clearTimer ?? ((handle) => clearTimeout(handle));
  const log = options.log ?? (() => {});
  let stopped = false;
  let timer = null;
  let lastMinute = -Infinity;
  let lastCronsKey = "";
  let compiled = [];
  const state = { stop, fired: Promise.resolve() };

  function current() {
    let crons;
    try {
      crons = options.readCrons();
    } catch (error) {
      log(`cannot read the cron triggers (${error instanceof Error ? error.message : error}); keeping the previous list`);
      return compiled;
    }
    const key = JSON.stringify(crons);
    if (key !== lastCronsKey) {
      try {
        compiled = compileCrons(crons);
        lastCronsKey = key;
      } catch (error) {
        log(`${error instanceof Error ? error.message : error}; keeping the previous list`);
      }
    }
    return compiled;
  }

  async function fire(minute, crons) {
    // In wrangler.toml's order, one at a time: the scheduled handlers only enqueue, so this is
    // quick, and it keeps the local order of side effects predictable.
    for (const cron of crons) {
      if (stopped) return;
      try {
        const response = await options.fetch(scheduledUrl(options.origin, cron, minute));
        const body = await response.text();
        if (!response.ok) log(`cron "${cron}" at ${new Date(minute).toISOString()}: the scheduled handler failed (${response.status} ${body.slice(0, 200)})`);
      } catch (error) {
        // wrangler dev restarting after a file change, or shutting down: the next minute tries again.
        log(`cron "${cron}" at ${new Date(minute).toISOString()}: could not reach wrangler dev (${error instanceof Error ? error.message : error})`);
      }
    }
  }

  function tick() {
    timer = null;
    if (stopped) return;
    const minute = minuteOf(now());
    if (minute > lastMinute) {
      lastMinute = minute;
      const crons = dueCrons(current(), minute);
      if (crons.length > 0) state.fired = fire(minute, crons);
    }
    // Aim a little past the boundary, so that a timer that wakes up a few ms early still lands in
    // the next minute (and an early wake-up is caught by the minute > lastMinute check anyway).
    timer = setTimer(tick, msUntilNextMinute(now()) + 5);
  }

  function stop() {
    stopped = true;
    if (timer !== null) clearTimer(timer);
    timer = null;
  }

  tick();
  return state;
}
