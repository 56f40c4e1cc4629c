// The import benchmark (issue 8: "100,000 rows import in under two minutes locally"). Starts
// `wrangler dev` on a fresh, empty state folder (or targets a running server with --origin),
// signs up a workspace, uploads a generated semicolon-separated CSV of N rows (UTF-8 with BOM,
// Lithuanian headers, phones, companies, tags and some multi-line notes) and reports the time
// from the upload until the import says `done`, with the counts. Load only ever goes to
// 127.0.0.1; every wait is bounded.
//
//   node test/bench/import.mjs                      100,000 rows on port 8796
//   node test/bench/import.mjs --rows 5000 --port 8797
//   node test/bench/import.mjs --origin http://127.0.0.1:8787   (a server you started)
import { execFileSync, spawn } from "node:child_process";
import { closeSync, cpSync, mkdtempSync, openSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { applyMigrations, projectEnv, root } from "../seed/lib.mjs";
import { benchConfig, removeState } from "./server.mjs";

const { values } = parseArgs({
  options: {
    rows: { type: "string", default: "100000" },
    port: { type: "string", default: "8796" },
    origin: { type: "string" },
    budget: { type: "string", default: "120" },
    keep: { type: "boolean", default: false },
  },
});
const rows = Number(values.rows);
const port = Number(values.port);
const budgetSeconds = Number(values.budget);
if (!Number.isInteger(rows) || rows < 1 || rows > 1_000_000) throw new Error("--rows must be 1 … 1,000,000");
if (!Number.isInteger(port) || port < 1024 || port > 65535) throw new Error("--port must be 1024 … 65535");

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const seconds = (ms) => (ms / 1000).toFixed(1);

/** A deterministic file: the same --rows always gives the same bytes. */
function generateCsv(count) {
  const first = ["Šarūnas", "Giedrė", "Rūta", "Jonas", "Ona", "Kęstutis", "Jānis", "Līga", "Anže", "Nataša", "Иван", "Ёлена", "Petras", "Aušra", "Mindaugas"];
  const last = ["Žemaitė", "Jankūnienė", "Čepulytė", "Jonaitis", "Petraitis", "Bērziņš", "Ozoliņa", "Košir", "Žagar", "Петров", "Смирнова", "Kazlauskas", "Vaitkus"];
  const cities = ["Vilnius", "Kaunas", "Klaipėda", "Rīga", "Ljubljana", "Šiauliai", "Panevėžys"];
  const lines = ["Vardas;Pavardė;El. paštas;Telefonas;Įmonė;Miestas;Šalis;Žymos;Pastabos"];
  for (let i = 0; i < count; i++) {
    const phone = `+3706${String(1_000_000 + i).padStart(7, "0")}`;
    const company = i % 3 === 0 ? "" : `UAB „Įmonė ${i % 1000}“`;
    const note = i % 10 === 0 ? `"Skambinti po pietų.\nKlausė apie kainą ""${i}"""` : "";
    lines.push([first[i % first.length], last[i % last.length], `zmogus${i}@pavyzdys.lt`, phone, company, cities[i % cities.length], "LT", i % 4 === 0 ? "vip, renginys" : "", note].join(";"));
  }
  return `\uFEFF${lines.join("\r\n")}\r\n`;
}

async function request(origin, method, path, { token, json, form } = {}) {
  const response = await fetch(`${origin}${path}`, {
    method,
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(json ? { "content-type": "application/json" } : {}) },
    body: json ? JSON.stringify(json) : form,
    signal: AbortSignal.timeout(300_000),
  });
  const text = await response.text();
  const body = text ? JSON.parse(text) : null;
  if (!response.ok) throw new Error(`${method} ${path} → ${response.status} ${text.slice(0, 400)}`);
  return body;
}

/**
 * The Worker bundled once into the state folder and served with no_bundle: wrangler dev then
 * watches only that file, so edits to the source tree during the run (other people work in it)
 * cannot reload the runtime, which would drop the local queue's messages mid-import.
 */
function frozenConfig(dir) {
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

async function startWrangler(dir) {
  const logFile = join(dir, "wrangler-dev.log");
  const out = openSync(logFile, "a");
  const child = spawn(
    join(root, "node_modules", ".bin", "wrangler"),
    ["dev", "--config", frozenConfig(dir), "--port", String(port), "--ip", "127.0.0.1", "--persist-to", dir, "--inspector-port", String(port + 1000), "--log-level", "warn"],
    { cwd: root, env: projectEnv(), detached: true, stdio: ["ignore", out, out] },
  );
  closeSync(out);
  const kill = () => {
    try {
      process.kill(-child.pid, "SIGKILL");
    } catch {
      // already gone
    }
  };
  process.on("exit", kill);
  let exited = null;
  child.on("exit", (code) => {
    exited = code ?? -1;
  });
  const origin = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    if (exited !== null) throw new Error(`wrangler dev exited (${exited}); see ${logFile}`);
    try {
      const response = await fetch(`${origin}/api/health`, { signal: AbortSignal.timeout(2000) });
      if (response.ok) return { origin, child, logFile };
    } catch {
      // not listening yet
    }
    await sleep(250);
  }
  kill();
  throw new Error(`wrangler dev did not answer on ${origin} within 120 s; see ${logFile}`);
}

async function main() {
  let server = null;
  let dir = null;
  let origin = values.origin;
  if (!origin) {
    dir = mkdtempSync(join(tmpdir(), "rapport-import-bench-"));
    applyMigrations(dir, { quiet: true });
    console.log(`starting wrangler dev on 127.0.0.1:${port} (state ${dir})`);
    server = await startWrangler(dir);
    origin = server.origin;
  }
  try {
    const signup = await request(origin, "POST", "/api/v1/auth/signup", {
      json: { workspace_name: "Import bench", name: "Bench Owner", email: `bench.${Date.now()}@example.com`, password: "correct horse battery staple", default_phone_country: "LT" },
    });
    // An API key, so that a long run never meets an expired access token.
    const key = await request(origin, "POST", "/api/v1/api-keys", { token: signup.access_token, json: { name: "import bench", scope: "write" } });

    const csv = generateCsv(rows);
    const bytes = new TextEncoder().encode(csv);
    console.log(`generated ${rows.toLocaleString("en")} rows, ${(bytes.length / 1024 / 1024).toFixed(1)} MB`);
    const form = new FormData();
    form.append("file", new Blob([bytes], { type: "text/csv" }), `bench-${rows}.csv`);

    const started = Date.now();
    const created = await request(origin, "POST", "/api/v1/imports", { token: key.key, form });
    const uploaded = Date.now();
    console.log(`upload answered 202 in ${seconds(uploaded - started)} s (${created.total_rows} rows in the file)`);

    let current = created;
    let lastPrint = 0;
    const deadline = started + 15 * 60_000;
    while (current.status === "queued" || current.status === "running") {
      if (Date.now() > deadline) throw new Error(`still ${current.status} after 15 minutes (${current.processed_rows} rows)`);
      await sleep(500);
      current = await request(origin, "GET", `/api/v1/imports/${created.id}`, { token: key.key });
      if (Date.now() - lastPrint > 10_000) {
        lastPrint = Date.now();
        console.log(`  ${seconds(Date.now() - started)} s: ${current.status}, ${current.processed_rows.toLocaleString("en")} / ${current.total_rows.toLocaleString("en")} rows`);
      }
    }
    const total = Date.now() - started;
    const consumer = current.started_at && current.finished_at ? Date.parse(current.finished_at) - Date.parse(current.started_at) : null;
    console.log("");
    console.log(`status            ${current.status}${current.error ? ` (${current.error})` : ""}`);
    console.log(`counts            ${JSON.stringify(current.counts)}`);
    console.log(`upload → 202      ${seconds(uploaded - started)} s`);
    console.log(`queued → running  ${current.started_at ? seconds(Date.parse(current.started_at) - Date.parse(current.created_at)) : "?"} s`);
    console.log(`consumer          ${consumer === null ? "?" : `${seconds(consumer)} s (${Math.round((rows / consumer) * 1000).toLocaleString("en")} rows/s)`}`);
    console.log(`upload → done     ${seconds(total)} s   (budget ${budgetSeconds} s: ${total <= budgetSeconds * 1000 ? "within" : "OVER"})`);
    if (current.status !== "done" || current.counts.created !== rows) process.exitCode = 1;
    if (total > budgetSeconds * 1000) process.exitCode = 1;
  } finally {
    if (server) {
      // The server's whole process group (wrangler and workerd), then its folder.
      for (const signal of ["SIGTERM", "SIGKILL"]) {
        try {
          process.kill(-server.child.pid, signal);
        } catch {
          // already gone
        }
        await sleep(1000);
      }
    }
    if (dir && !values.keep) removeState(dir);
  }
}

await main();
