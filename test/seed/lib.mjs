// Shared by the seed CLI (test/seed/run.mjs) and the benchmark (test/bench/run.mjs): applies the
// migrations to a local state folder, finds the D1 SQLite file Miniflare keeps there, and bundles
// seed.ts (which imports the worker's own helpers) so that Node can run it.
import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync, readlinkSync, rmSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { DatabaseSync } from "node:sqlite";

export const root = fileURLToPath(new URL("../..", import.meta.url));
export const defaultPersist = join(root, ".wrangler", "state");

/** PATH with the project's binaries first, so that `wrangler` and Node 22 are found however we were started. */
export function projectEnv(extra = {}) {
  const bin = join(root, "node_modules", ".bin");
  return { ...process.env, PATH: `${bin}:${process.env.PATH ?? ""}`, CI: "true", WRANGLER_SEND_METRICS: "false", ...extra };
}

/** Applies the D1 migrations with the project's own script (it also creates .dev.vars when missing). */
export function applyMigrations(persistTo, { quiet = false } = {}) {
  const args = [join(root, "migrations", "prepare-local.mjs")];
  if (persistTo !== undefined) args.push(`--persist-to=${persistTo}`);
  execFileSync(process.execPath, args, { cwd: root, env: projectEnv(), stdio: quiet ? ["ignore", "ignore", "inherit"] : "inherit" });
}

/** The one D1 database file under <persist>/v3/d1/miniflare-D1DatabaseObject that holds a contacts table. */
export function findD1File(persistTo = defaultPersist) {
  const dir = join(resolve(persistTo), "v3", "d1", "miniflare-D1DatabaseObject");
  if (!existsSync(dir)) throw new Error(`No local D1 database under ${dir}: apply the migrations first.`);
  const files = readdirSync(dir).filter((name) => name.endsWith(".sqlite") && name !== "metadata.sqlite");
  const withContacts = files.filter((name) => {
    const db = new DatabaseSync(join(dir, name), { readOnly: true });
    try {
      return db.prepare("SELECT count(*) AS n FROM sqlite_master WHERE type = 'table' AND name = 'contacts'").get().n === 1;
    } finally {
      db.close();
    }
  });
  if (withContacts.length !== 1) {
    throw new Error(`Expected exactly one D1 database with a contacts table in ${dir}, found ${withContacts.length} (${files.join(", ") || "no .sqlite files"}).`);
  }
  return join(dir, withContacts[0]);
}

/** Bundles seed.ts with esbuild and imports it; returns the module ({ seedDatabase }). */
export async function loadSeeder() {
  const { build } = await import("esbuild");
  // One file per process, so that two seeds started at once never import each other's half-written bundle.
  const outfile = join(root, ".wrangler", "seed", `seed-${process.pid}.mjs`);
  await build({
    entryPoints: [join(root, "test", "seed", "seed.ts")],
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node22",
    outfile,
    logLevel: "warning",
    // libphonenumber-js and the rest are bundled; node: builtins stay external on platform node.
  });
  const seeder = await import(`${pathToFileURL(outfile).href}?t=${Date.now()}`);
  rmSync(outfile, { force: true });
  return seeder;
}

/** Is something (wrangler dev) serving from this state folder right now? Best effort, via /proc. */
export function findServersUsing(persistTo) {
  const target = resolve(persistTo);
  const hits = [];
  let pids = [];
  try {
    pids = readdirSync("/proc").filter((name) => /^\d+$/.test(name));
  } catch {
    return hits;
  }
  for (const pid of pids) {
    if (Number(pid) === process.pid) continue;
    try {
      const cmdline = readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0");
      if (!cmdline.some((arg) => arg.includes("wrangler"))) continue;
      if (!cmdline.includes("dev")) continue;
      const at = cmdline.indexOf("--persist-to");
      const dir = at >= 0 ? cmdline[at + 1] : cmdline.find((arg) => arg.startsWith("--persist-to="))?.slice("--persist-to=".length);
      const cwd = readlinkSync(`/proc/${pid}/cwd`);
      const used = dir ? resolve(cwd, dir) : join(cwd, ".wrangler", "state");
      if (used === target) hits.push(Number(pid));
    } catch {
      // the process ended or is not ours to read
    }
  }
  return hits;
}
