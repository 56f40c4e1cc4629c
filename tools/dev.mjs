// `npm start`'s server: runs `wrangler dev` (arguments passed through, output and hotkeys as
// usual) and, once it answers, fires wrangler.toml's cron triggers at the start of every UTC
// minute through wrangler's /cdn-cgi/local/scheduled endpoint (tools/local-cron.mjs), because
// wrangler dev does not fire them itself. Ends when wrangler ends, with wrangler's exit code;
// Ctrl+C stops both. The deployed Worker uses Cloudflare's real cron triggers instead.
//
//   node tools/dev.mjs [wrangler dev arguments, e.g. --port 8787]
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { cronsFromWranglerToml, startMinuteTicker } from "./local-cron.mjs";

const root = fileURLToPath(new URL("..", import.meta.url));
const args = process.argv.slice(2);

function option(name, short) {
  const at = args.findIndex((arg) => arg === `--${name}` || (short !== undefined && arg === `-${short}`));
  if (at >= 0) return args[at + 1];
  return args.find((arg) => arg.startsWith(`--${name}=`))?.slice(name.length + 3);
}

// Where wrangler dev listens: its own defaults (localhost:8787) unless the arguments say otherwise.
const port = option("port") ?? "8787";
const ip = option("ip");
const host = !ip || ip === "0.0.0.0" || ip === "*" ? "localhost" : ip === "::" ? "localhost" : ip.includes(":") ? `[${ip}]` : ip;
const origin = `http://${host}:${port}`;
const configFile = option("config", "c") ?? `${root}wrangler.toml`;
const readCrons = () => cronsFromWranglerToml(readFileSync(configFile, "utf8"));
const say = (line) => console.log(`[local cron] ${line}`);

// Fail before starting anything when the cron list cannot be read: a typo should not surface as a
// silent "no reminders" an hour later.
const crons = readCrons();

// Run wrangler's own entry script with this Node (Node 22 from the node@22 devDependency under npm).
// (The package does not export its bin path, so it is taken from node_modules directly.)
const wranglerBin = join(root, "node_modules", "wrangler", "bin", "wrangler.js");
const wrangler = spawn(process.execPath, [wranglerBin, "dev", ...args], { cwd: root, stdio: "inherit" });

let ticker = null;
let exiting = false;

wrangler.on("error", (error) => {
  console.error(`Could not start wrangler dev: ${error.message}`);
  process.exit(1);
});
wrangler.on("exit", (code, signal) => {
  exiting = true;
  ticker?.stop();
  process.exit(code ?? (signal === "SIGINT" ? 130 : 1));
});

// Ctrl+C in a terminal reaches wrangler directly (same process group); a signal sent to this
// process alone (kill, a supervisor) is passed on. Either way this process ends when wrangler does.
for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"]) {
  process.on(signal, () => {
    exiting = true;
    ticker?.stop();
    if (wrangler.exitCode === null && wrangler.signalCode === null) wrangler.kill(signal);
  });
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function waitUntilReady() {
  while (!exiting) {
    try {
      // Any HTTP answer means workerd is serving; the worker's own health route is the cheapest.
      const response = await fetch(`${origin}/api/health`, { signal: AbortSignal.timeout(2_000) });
      await response.body?.cancel();
      return true;
    } catch {
      await sleep(500);
    }
  }
  return false;
}

if (crons.length === 0) {
  say("no [triggers] crons in wrangler.toml: nothing to fire");
} else if (await waitUntilReady()) {
  say(`firing ${crons.map((c) => `"${c}"`).join(", ")} at the start of every UTC minute that matches (GET ${origin}/cdn-cgi/local/scheduled)`);
  ticker = startMinuteTicker({
    origin,
    readCrons,
    fetch: (url) => fetch(url, { signal: AbortSignal.timeout(55_000) }),
    log: say,
  });
}
