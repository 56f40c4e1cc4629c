// What one local D1 round trip costs under `wrangler dev`, with no app code in the way: a bare
// Worker's no-I/O route against one query, two sequential queries and a two-statement batch, each
// as a ratio to the no-I/O route measured right beside it (10 connections, 3 rounds of 3 s).
// Run: node test/bench/bare-d1/run.mjs   (only 127.0.0.1 is loaded; the server is always stopped)
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import autocannon from "autocannon";
import { projectEnv } from "../../seed/lib.mjs";
import { freePort } from "../server.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, "..", "..", "..");
const state = mkdtempSync(join(tmpdir(), "rapport-bare-d1-"));
const port = await freePort();
const origin = `http://127.0.0.1:${port}`;
const child = spawn(join(root, "node_modules", ".bin", "wrangler"), ["dev", "--config", join(here, "wrangler.toml"), "--port", String(port), "--ip", "127.0.0.1", "--persist-to", state, "--log-level", "warn"], {
  cwd: root,
  // wrangler needs Node 22: the project's node@22 must come first on PATH, as in npm scripts.
  env: projectEnv(),
  detached: true,
  stdio: "ignore",
});
const stop = () => {
  try {
    process.kill(-child.pid, "SIGTERM");
  } catch {
    // already gone
  }
  rmSync(state, { recursive: true, force: true });
};
process.on("exit", stop);

const rate = async (path) => (await autocannon({ url: origin + path, connections: 10, duration: 3 })).requests.average;
let ready = false;
for (let i = 0; i < 240 && !ready; i++) {
  ready = await fetch(`${origin}/base`).then((r) => r.ok, () => false);
  if (!ready) await new Promise((resolve) => setTimeout(resolve, 250));
}
if (!ready) {
  console.error("wrangler dev did not answer within 60 s");
  process.exit(1);
}
await rate("/base");
const labels = { "/one": "one D1 query", "/two": "two sequential D1 queries", "/batch": "one batch() of two statements" };
for (const [path, label] of Object.entries(labels)) {
  const ratios = [];
  for (let round = 0; round < 3; round++) {
    const before = await rate("/base");
    const value = await rate(path);
    const after = await rate("/base");
    ratios.push(value / ((before + after) / 2));
  }
  ratios.sort((a, b) => a - b);
  console.log(`${label.padEnd(32)} ${(ratios[1] * 100).toFixed(0)}% of the bare no-I/O route (rounds ${ratios.map((r) => `${(r * 100).toFixed(0)}%`).join(" ")})`);
}
process.exit(0);
