// The benchmark's environment: a fresh state folder, seeded, served by `wrangler dev` the way
// users run it, in its own process group that is always killed at the end. Load only ever goes
// to 127.0.0.1.
import { spawn } from "node:child_process";
import { closeSync, existsSync, mkdtempSync, openSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
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
export async function seededState({ contacts, companies, seed, log }) {
  const dir = mkdtempSync(join(tmpdir(), "rapport-bench-"));
  applyMigrations(dir, { quiet: true });
  const dbFile = findD1File(dir);
  const { seedDatabase } = await loadSeeder();
  const result = await seedDatabase({ dbFile, contacts, companies, seed, now: Date.UTC(2026, 10, 22), log });
  return { dir, dbFile, ...result };
}

export function removeState(dir) {
  rmSync(dir, { recursive: true, force: true });
}

/** Starts `wrangler dev` on a free port for the given state folder and waits for /api/health. */
export async function startServer(dir, { timeoutMs = 120_000 } = {}) {
  if (!existsSync(join(root, "dist", "web", "index.html"))) {
    await new Promise((resolve, reject) => {
      const build = spawn(process.execPath, [join(root, "web", "build.mjs")], { cwd: root, env: projectEnv(), stdio: ["ignore", "ignore", "inherit"] });
      build.on("exit", (code) => (code === 0 ? resolve() : reject(new Error(`web build failed (exit ${code})`))));
    });
  }
  const port = await freePort();
  const inspectorPort = await freePort();
  const logFile = join(dir, "wrangler-dev.log");
  const out = openSync(logFile, "a");
  const child = spawn(
    join(root, "node_modules", ".bin", "wrangler"),
    ["dev", "--port", String(port), "--ip", "127.0.0.1", "--persist-to", dir, "--inspector-port", String(inspectorPort), "--log-level", "warn"],
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
