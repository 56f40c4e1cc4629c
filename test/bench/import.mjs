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
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { applyMigrations } from "../seed/lib.mjs";
import { frozenBenchConfig, removeState, startServer } from "./server.mjs";

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
async function main() {
  let server = null;
  let dir = null;
  let origin = values.origin;
  if (!origin) {
    dir = mkdtempSync(join(tmpdir(), "rapport-import-bench-"));
    applyMigrations(dir, { quiet: true });
    console.log(`starting wrangler dev on 127.0.0.1:${port} (state ${dir})`);
    server = await startServer(dir, { config: frozenBenchConfig(dir), port });
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
    // The server's whole process group (wrangler and workerd), then its folder.
    if (server) await server.stop();
    if (dir && !values.keep) removeState(dir);
  }
}

await main();
