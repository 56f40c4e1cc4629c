// The benchmark's environment: a fresh state folder, seeded, served by `wrangler dev` the way
// users run it, in its own process group that is always killed at the end. Load only ever goes
// to 127.0.0.1.
import { execFileSync, spawn } from "node:child_process";
import { closeSync, copyFileSync, cpSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { isAbsolute, join, resolve } from "node:path";
import { applyMigrations, findD1File, loadSeeder, projectEnv, root } from "../seed/lib.mjs";

const live = new Set();

function killGroup(child, signal) {
  try {
    process.kill(-child.pid, signal);
  } catch {
    // already gone
  }
}

// Whatever happens to this process, the servers it started go with it.
process.on("exit", () => {
  for (const child of live) killGroup(child, "SIGKILL");
});
for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"]) {
  process.on(signal, () => {
    for (const child of live) killGroup(child, "SIGKILL");
    process.exit(130);
  });
}

export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => resolve(typeof address === "object" && address ? address.port : 0));
    });
  });
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** A new temp state folder with the migrations applied and the demo data seeded. */
export async function seededState({ contacts, companies, deals = 0, boardDeals = 0, tasks = 0, activities = 0, seed, log }) {
  const dir = mkdtempSync(join(tmpdir(), "rapport-bench-"));
  applyMigrations(dir, { quiet: true });
  const dbFile = findD1File(dir);
  const { seedDatabase } = await loadSeeder();
  const result = await seedDatabase({ dbFile, contacts, companies, deals, boardDeals, tasks, activities, seed, now: Date.UTC(2026, 10, 22), log });
  return { dir, dbFile, ...result };
}

export function removeState(dir) {
  rmSync(dir, { recursive: true, force: true });
}

/** The form rate limit the benchmark's server runs with (the real wrangler.toml says 10 per 60 s). */
export const benchFormRateLimit = 1_000_000;

/**
 * A copy of wrangler.toml in the temp folder for the benchmark's server: relative paths made
 * absolute (wrangler resolves them from the config's folder), and the FORM_RATE_LIMIT binding
 * raised to benchFormRateLimit per 60 s, because every benchmark post comes from 127.0.0.1 and
 * the real limit (10 a minute per form and IP) would quarantine the load as 429s. .dev.vars
 * (the local JWT secret) is copied beside it, where wrangler looks for it. The real wrangler.toml
 * is never changed.
 */
export function benchConfig(dir) {
  const source = readFileSync(join(root, "wrangler.toml"), "utf8");
  let paths = 0;
  let limits = 0;
  let section = "";
  const lines = source.split("\n").map((line) => {
    const header = /^\s*\[{1,2}([^\]]+)\]{1,2}\s*$/.exec(line);
    if (header) section = header[1].trim();
    const path = /^(\s*(?:main|directory|migrations_dir)\s*=\s*)"([^"]+)"(.*)$/.exec(line);
    if (path) {
      paths += 1;
      return isAbsolute(path[2]) ? line : `${path[1]}${JSON.stringify(resolve(root, path[2]))}${path[3]}`;
    }
    const limit = /^(\s*limit\s*=\s*)\d+(.*)$/.exec(line);
    if (limit && section === "ratelimits.simple") {
      limits += 1;
      return `${limit[1]}${benchFormRateLimit}${limit[2]} # raised for the benchmark (test/bench/server.mjs)`;
    }
    return line;
  });
  if (paths < 3 || limits !== 1) throw new Error(`wrangler.toml changed shape (${paths} paths, ${limits} rate limits found): update benchConfig in test/bench/server.mjs`);
  const file = join(dir, "wrangler.bench.toml");
  writeFileSync(file, lines.join("\n"));
  if (existsSync(join(root, ".dev.vars"))) copyFileSync(join(root, ".dev.vars"), join(dir, ".dev.vars"));
  return file;
}

/**
 * benchConfig with the Worker bundle and the web assets frozen now (`wrangler deploy --dry-run`
 * + `no_bundle`): `wrangler dev` reloads the runtime when a source file changes, which drops the
 * local queue's in-flight messages, so a long queue-driven bench must not see later edits.
 */
export function frozenBenchConfig(dir) {
  const config = benchConfig(dir);
  const bundle = join(dir, "bundle");
  execFileSync(join(root, "node_modules", ".bin", "wrangler"), ["deploy", "--dry-run", "--outdir", bundle, "--config", config], {
    cwd: root,
    env: projectEnv(),
    stdio: ["ignore", "ignore", "inherit"],
  });
  // The web assets too: a web rebuild during the run must not reload the server either.
  cpSync(join(root, "dist", "web"), join(dir, "assets"), { recursive: true });
  const source = readFileSync(config, "utf8").replace(/^(\s*directory\s*=\s*).*$/m, `$1${JSON.stringify(join(dir, "assets"))}`);
  if (!/^main\s*=.*$/m.test(source)) throw new Error("wrangler.toml has no main line");
  const frozen = join(dir, "wrangler.frozen.toml");
  writeFileSync(frozen, source.replace(/^main\s*=.*$/m, `main = ${JSON.stringify(join(bundle, "index.js"))}\nno_bundle = true`));
  return frozen;
}

/**
 * Starts `wrangler dev` for the given state folder and waits for /api/health: by default on a
 * free port with benchConfig; `config`, `port` and `extraArgs` let a bench serve a frozen bundle
 * on a port of its own (with e.g. --test-scheduled).
 */
export async function startServer(dir, { timeoutMs = 120_000, config, port: chosenPort, extraArgs = [] } = {}) {
  if (!existsSync(join(root, "dist", "web", "index.html"))) {
    await new Promise((resolve, reject) => {
      const build = spawn(process.execPath, [join(root, "web", "build.mjs")], { cwd: root, env: projectEnv(), stdio: ["ignore", "ignore", "inherit"] });
      build.on("exit", (code) => (code === 0 ? resolve() : reject(new Error(`web build failed (exit ${code})`))));
    });
  }
  const port = chosenPort ?? (await freePort());
  const inspectorPort = await freePort();
  const logFile = join(dir, "wrangler-dev.log");
  const out = openSync(logFile, "a");
  const child = spawn(
    join(root, "node_modules", ".bin", "wrangler"),
    ["dev", "--config", config ?? benchConfig(dir), "--port", String(port), "--ip", "127.0.0.1", "--persist-to", dir, "--inspector-port", String(inspectorPort), "--log-level", "warn", ...extraArgs],
    { cwd: root, env: projectEnv(), detached: true, stdio: ["ignore", out, out] },
  );
  closeSync(out);
  live.add(child);
  let exited = null;
  child.on("exit", (code) => {
    exited = code ?? -1;
    live.delete(child);
  });
  const origin = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (exited !== null) throw new Error(`wrangler dev exited (${exited}) before it was ready; see ${logFile}`);
    try {
      const response = await fetch(`${origin}/api/health`, { signal: AbortSignal.timeout(2000) });
      if (response.ok) return { origin, port, child, logFile, stop: () => stopServer(child) };
    } catch {
      // not listening yet
    }
    await sleep(250);
  }
  await stopServer(child);
  throw new Error(`wrangler dev did not answer /api/health within ${timeoutMs / 1000} s; see ${logFile}`);
}

export async function stopServer(child) {
  if (!live.has(child)) return;
  killGroup(child, "SIGTERM");
  for (let i = 0; i < 40 && live.has(child); i++) await sleep(100);
  if (live.has(child)) killGroup(child, "SIGKILL");
  live.delete(child);
}
