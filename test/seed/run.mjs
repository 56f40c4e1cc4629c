// `npm run seed -- --contacts 100000 --companies 5000 --deals 20000 --board-deals 2000 --tasks 100000 --activities 50000 --seed 42
//    [--persist-to DIR] [--email E] [--password P] [--now ISO]`
// Fills a local D1 database with realistic, deterministic demo data and prints how to sign in.
// Stop `npm start` / `wrangler dev` on the same state folder first: the seed writes the SQLite
// file directly, and a running server would not see (or could clobber) the change.
import { parseArgs } from "node:util";
import { applyMigrations, defaultPersist, findD1File, findServersUsing, loadSeeder } from "./lib.mjs";

const { values } = parseArgs({
  options: {
    contacts: { type: "string", default: "100000" },
    companies: { type: "string", default: "5000" },
    deals: { type: "string", default: "20000" },
    "board-deals": { type: "string", default: "2000" },
    tasks: { type: "string", default: "100000" },
    activities: { type: "string", default: "50000" },
    seed: { type: "string", default: "42" },
    "persist-to": { type: "string" },
    email: { type: "string" },
    password: { type: "string" },
    now: { type: "string" },
    help: { type: "boolean", short: "h" },
  },
});

if (values.help) {
  console.log(`npm run seed -- [--contacts N] [--companies N] [--deals N] [--board-deals N] [--tasks N] [--activities N] [--seed N]
                 [--persist-to DIR] [--email E] [--password P] [--now ISO-DATE]

Fills the local D1 database (default: ${defaultPersist}, the one \`npm start\` uses) with
deterministic demo data (deals in a "Sales" and a "Renewals" pipeline, exactly --board-deals of
them open on the Sales board; one lead-capture form; tasks of every member, overdue, due today,
upcoming and done, with their reminders; activities on contacts and deals): the same --seed and
--now give the same rows. --now defaults to today 00:00 UTC; records are created over the three
years before it, open tasks fall due around it. Stop the dev server first.`);
  process.exit(0);
}

function count(name) {
  const n = Number(values[name]);
  if (!Number.isInteger(n) || n < 0 || n > 5_000_000) {
    console.error(`--${name} must be a whole number from 0 to 5,000,000`);
    process.exit(2);
  }
  return n;
}

const contacts = count("contacts");
const companies = count("companies");
const seed = count("seed");
const deals = count("deals");
const boardDeals = count("board-deals");
const tasks = count("tasks");
const activities = count("activities");
if (boardDeals > deals) {
  console.error("--board-deals cannot exceed --deals");
  process.exit(2);
}
const persistTo = values["persist-to"];
const today = new Date();
today.setUTCHours(0, 0, 0, 0);
const now = values.now ? Date.parse(values.now) : today.getTime();
if (Number.isNaN(now)) {
  console.error("--now must be a date such as 2026-11-22");
  process.exit(2);
}

const busy = findServersUsing(persistTo ?? defaultPersist);
if (busy.length > 0) {
  console.error(`A wrangler dev server (pid ${busy.join(", ")}) is using ${persistTo ?? defaultPersist}. Stop it first: the seed writes the database file directly.`);
  process.exit(1);
}

const t0 = performance.now();
applyMigrations(persistTo, { quiet: true });
const dbFile = findD1File(persistTo ?? defaultPersist);
const { seedDatabase } = await loadSeeder();
console.log(`Seeding ${dbFile}\n  ${contacts.toLocaleString("en")} contacts, ${companies.toLocaleString("en")} companies, ${deals.toLocaleString("en")} deals (${boardDeals.toLocaleString("en")} open on the Sales board), ${tasks.toLocaleString("en")} tasks, ${activities.toLocaleString("en")} activities, seed ${seed}`);
try {
  const result = await seedDatabase({ dbFile, contacts, companies, deals, boardDeals, tasks, activities, seed, now, email: values.email, password: values.password, log: (line) => console.log(line) });
  const total = (performance.now() - t0) / 1000;
  console.log(`
Done in ${total.toFixed(1)} s (data ${result.seconds.toFixed(1)} s).
${Object.entries(result.counts)
  .map(([table, n]) => `  ${table.padEnd(18)} ${n.toLocaleString("en")}`)
  .join("\n")}
  contacts_fts       ${result.counts.contacts?.toLocaleString("en") ?? 0}
No audit_log entries are written for seeded rows (nobody changed them through the API).
Not seeded: ${result.notSeeded.join("; ")}.

Workspace: ${result.workspaceName}
Lead form: POST /f/${result.formKey} (hosted at http://localhost:8787/f/${result.formKey})
Sign in:   ${result.email}
Password:  ${result.password}
Other members (same password): ${result.members
    .slice(1)
    .map((m) => `${m.email} (${m.role})`)
    .join(", ")}
Start the app with \`npm start\` and open http://localhost:8787`);
} catch (error) {
  console.error(`\nSeeding failed: ${error instanceof Error ? error.message : error}`);
  process.exit(1);
}
