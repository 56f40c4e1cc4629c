// `npm test`: everything a fresh machine needs to prove, in order, stopping at the first failure:
// generated binding types are current, type checks, unit tests of the Node-side tooling, unit and
// integration tests in workerd, the web build, a deploy dry run, and the real-browser test.
// Ends with "N passed, N failed".
import { spawn } from "node:child_process";
import { mkdirSync, readFileSync, rmSync } from "node:fs";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const env = { ...process.env, CI: "true", WRANGLER_SEND_METRICS: "false" };
const resultsDir = `${root}.wrangler/test-results`;
mkdirSync(resultsDir, { recursive: true });

function run(label, command, args, { capture = false } = {}) {
  console.log(`\n▶ ${label}`);
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: root, env, stdio: capture ? ["ignore", "pipe", "inherit"] : ["ignore", "inherit", "inherit"] });
    let output = "";
    child.stdout?.on("data", (chunk) => {
      output += chunk;
      process.stdout.write(chunk);
    });
    child.on("error", reject);
    child.on("exit", (code) => (code === 0 ? resolve(output) : reject(new Error(`${label} failed (exit ${code})`))));
  });
}

let passed = 0;
let failed = 0;
try {
  await run("Local secret for generated types", "node", ["migrations/prepare-local.mjs", "--secret-only"]);
  await run("Binding types are current (wrangler types --check)", "npx", ["wrangler", "types", "--check", "workers/worker-configuration.d.ts"]);
  await run("Type check: worker and tests", "npx", ["tsc", "-p", "tsconfig.json", "--noEmit"]);
  await run("Type check: web client", "npx", ["tsc", "-p", "web/tsconfig.json", "--noEmit"]);
  // Node-side tooling (tools/: the local cron ticker of `npm start`) is tested with node's own
  // runner, outside workerd; the TAP copy in a file is where the counts are read from.
  rmSync(`${resultsDir}/tools.tap`, { force: true });
  try {
    await run("Unit tests: local tooling (node --test)", "node", [
      "--test",
      "--test-reporter=spec",
      "--test-reporter-destination=stdout",
      "--test-reporter=tap",
      `--test-reporter-destination=${resultsDir}/tools.tap`,
      "tools/**/*.test.mjs",
    ]);
  } finally {
    const tap = (() => {
      try {
        return readFileSync(`${resultsDir}/tools.tap`, "utf8");
      } catch {
        return "";
      }
    })();
    const count = (name) => Number(new RegExp(`^# ${name} (\\d+)$`, "m").exec(tap)?.[1] ?? NaN);
    if (Number.isFinite(count("pass")) && Number.isFinite(count("fail"))) {
      passed += count("pass");
      failed += count("fail");
    } else failed += 1;
  }
  // Scale tests (*-scale.test.ts) assert time budgets, so they run after the rest, one file at a
  // time, instead of competing for the CPU with every other test file.
  const vitestSteps = [
    ["Unit and integration tests (workerd)", ["--exclude", "**/*-scale.test.ts"], "vitest.json"],
    ["Scale tests with time budgets (workerd, one file at a time)", ["--no-file-parallelism", "--passWithNoTests", "scale.test.ts"], "vitest-scale.json"],
  ];
  for (const [label, args, reportFile] of vitestSteps) {
    try {
      await run(label, "npx", ["vitest", "run", "--config", "test/vitest.config.ts", "--reporter=default", "--reporter=json", `--outputFile.json=${resultsDir}/${reportFile}`, ...args]);
    } finally {
      try {
        const report = JSON.parse(readFileSync(`${resultsDir}/${reportFile}`, "utf8"));
        passed += report.numPassedTests;
        failed += report.numFailedTests;
      } catch {
        failed += 1;
      }
    }
  }
  await run("Web client build", "node", ["web/build.mjs"]);
  // The SMTP transport against a real SMTP server (smtp-server on 127.0.0.1) through wrangler
  // dev, which workerd tests cannot reach; after the web build, which wrangler dev serves. ~10 s.
  const smtp = await run("SMTP transport against a local SMTP server (wrangler dev)", "node", ["test/smtp/transport.mjs"], { capture: true });
  const smtpCounts = [...smtp.matchAll(/^(\d+) passed, (\d+) failed/gm)].at(-1);
  if (!smtpCounts) throw new Error("The SMTP transport test printed no result line");
  passed += Number(smtpCounts[1]);
  failed += Number(smtpCounts[2]);
  await run("Deployable bundle (wrangler deploy --dry-run)", "npx", ["wrangler", "deploy", "--dry-run", "--outdir", ".wrangler/dry-run"]);
  await run("Benchmark smoke (npm run bench:smoke)", "npm", ["run", "bench:smoke"]);
  const e2e = await run("Browser test (playwright-core + Chromium)", "node", ["test/e2e/run.mjs"], { capture: true });
  const match = [...e2e.matchAll(/^(\d+) passed, (\d+) failed/gm)].at(-1);
  if (!match) throw new Error("The browser test printed no result line");
  passed += Number(match[1]);
  failed += Number(match[2]);
} catch (error) {
  console.error(`\n✖ ${error instanceof Error ? error.message : String(error)}`);
  if (failed === 0) failed = 1;
}
console.log(`\n${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
