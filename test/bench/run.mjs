// `npm run bench`: Rapport's performance harness (issue 7). Seeds a fresh, separate local state,
// starts the real server (`wrangler dev`), and drives each scenario with autocannon at a fixed
// concurrency and duration, alternating every scenario with the no-I/O baseline route
// (GET /api/health) so that each result is a ratio to a baseline measured right beside it.
//
//   npm run bench                          full table at 100,000 contacts
//   npm run bench -- --scenario get,search-name --duration 5
//   npm run bench -- --compare test/bench/results/<earlier>.json
//   npm run bench -- --scale               read scenarios at 10k, 100k and 1M contacts
//   npm run bench:smoke                    tiny and fast, for CI
//
// Load only ever goes to 127.0.0.1; every loop is bounded in count and time.
import autocannon from "autocannon";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { cpus, totalmem } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { root } from "../seed/lib.mjs";
import { benchFormRateLimit, removeState, seededState, startServer } from "./server.mjs";

const { values } = parseArgs({
  options: {
    scenario: { type: "string", multiple: true },
    contacts: { type: "string" },
    companies: { type: "string" },
    deals: { type: "string" },
    "board-deals": { type: "string" },
    tasks: { type: "string" },
    activities: { type: "string" },
    concurrency: { type: "string" },
    duration: { type: "string" },
    seed: { type: "string", default: "42" },
    compare: { type: "string" },
    scale: { type: "boolean", default: false },
    "scale-sizes": { type: "string" },
    smoke: { type: "boolean", default: false },
    rounds: { type: "string" },
    keep: { type: "boolean", default: false },
    help: { type: "boolean", short: "h" },
  },
});

const budgets = { read: 0.7, write: 0.5 };

// Every scenario of issue 7. `route` is how the OpenAPI document must describe it for the
// scenario to run; a scenario whose route is not there is reported as missing.
const scenarios = [
  { key: "baseline", name: "baseline GET /api/health", kind: "baseline" },
  // No budget: the most any route that touches D1 once can keep of the baseline. Authenticated
  // routes make at least two round trips (credential, then the query), so this bounds them.
  { key: "floor", name: "reference: one D1 round trip (GET /api/ready)", kind: "reference", route: ["get", /^\/api\/ready$/] },
  { key: "get", name: "get contact", kind: "read", route: ["get", /^\/api\/v1\/contacts\/\{id\}$/] },
  { key: "list", name: "list, first page", kind: "read", route: ["get", /^\/api\/v1\/contacts$/] },
  { key: "deep", name: "list, page ~200 deep", kind: "read", route: ["get", /^\/api\/v1\/contacts$/] },
  { key: "search-name", name: "search name prefix", kind: "read", route: ["get", /^\/api\/v1\/contacts$/] },
  { key: "search-email", name: "search email", kind: "read", route: ["get", /^\/api\/v1\/contacts$/] },
  { key: "create", name: "create contact", kind: "write", route: ["post", /^\/api\/v1\/contacts$/] },
  { key: "update", name: "update contact (If-Match)", kind: "write", route: ["patch", /^\/api\/v1\/contacts\/\{id\}$/] },
  // POST /f/{key} is served outside the OpenAPI document (public, no auth): its route is probed directly.
  { key: "form", name: "form post with dedupe", kind: "write", budget: 0.5, probe: "form" },
  { key: "board", name: "board snapshot", kind: "read", budget: 0.6, route: ["get", /\/pipelines\/\{[^}]+\}\/board$/] },
  { key: "deal-move", name: "deal move", kind: "write", budget: 0.4, route: ["post", /\/deals\/\{[^}]+\}\/move$/] },
  // GET /tasks?assignee_id=me&status=open&limit=50 as the signed-in demo owner (a session token:
  // "me" is a person, which the benchmark's API key is not).
  { key: "my-tasks", name: "my tasks", kind: "read", route: ["get", /^\/api\/v1\/tasks$/] },
];
const readKeys = ["floor", "get", "list", "deep", "search-name", "search-email"];
// Scenarios this harness can drive once their route exists; the rest need their request shape written here first.
const implemented = new Set(["baseline", "floor", "get", "list", "deep", "search-name", "search-email", "create", "update", "form", "board", "deal-move", "my-tasks"]);
const budgetOf = (scenario) => scenario.budget ?? budgets[scenario.kind];

if (values.help) {
  console.log(`npm run bench -- [--scenario KEY[,KEY]] [--contacts N] [--companies N] [--deals N] [--board-deals N] [--tasks N]
                     [--activities N] [--concurrency N] [--duration S]
                     [--seed N] [--compare FILE] [--scale] [--smoke] [--keep]
scenarios: ${scenarios.map((s) => s.key).join(", ")}`);
  process.exit(0);
}

function number(name, fallback, { min = 1, max = 10_000_000 } = {}) {
  if (values[name] === undefined) return fallback;
  const n = Number(values[name]);
  if (!Number.isFinite(n) || n < min || n > max) {
    console.error(`--${name} must be a number from ${min} to ${max}`);
    process.exit(2);
  }
  return n;
}

const smoke = values.smoke;
const config = {
  contacts: number("contacts", smoke ? 2_000 : 100_000, { min: 100, max: 2_000_000 }),
  companies: number("companies", smoke ? 100 : 5_000, { min: 1, max: 200_000 }),
  deals: number("deals", smoke ? 2_000 : 20_000, { min: 0, max: 2_000_000 }),
  boardDeals: number("board-deals", smoke ? 200 : 2_000, { min: 0, max: 2_000_000 }),
  tasks: number("tasks", smoke ? 2_000 : 100_000, { min: 0, max: 5_000_000 }),
  activities: number("activities", smoke ? 1_000 : 50_000, { min: 0, max: 5_000_000 }),
  concurrency: number("concurrency", smoke ? 2 : 10, { max: 200 }),
  duration: number("duration", smoke ? 2 : 10, { max: 600 }),
  seed: number("seed", 42, { min: 0, max: 2 ** 31 }),
  rounds: number("rounds", smoke ? 1 : 3, { max: 50 }),
  warmup: smoke ? 1 : 3,
  deepPages: smoke ? 20 : 200,
};
const chosen = (values.scenario ?? []).flatMap((s) => s.split(",")).map((s) => s.trim()).filter(Boolean);
for (const key of chosen) {
  if (!scenarios.some((s) => s.key === key)) {
    console.error(`Unknown scenario ${key}; use one of ${scenarios.map((s) => s.key).join(", ")}`);
    process.exit(2);
  }
}

// ---- HTTP helpers ------------------------------------------------------------------------------

async function call(origin, method, path, { token, body, headers = {} } = {}) {
  const response = await fetch(`${origin}${path}`, {
    method,
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body ? { "content-type": "application/json" } : {}), ...headers },
    body: body ? JSON.stringify(body) : undefined,
    signal: AbortSignal.timeout(30_000),
  });
  const text = await response.text();
  let json = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    // not JSON
  }
  if (!response.ok) throw new Error(`${method} ${path} → ${response.status} ${text.slice(0, 300)}`);
  return { json, headers: response.headers };
}

/** Signs in as the demo user and creates an admin API key, so that long runs never meet an expired token. */
async function credentials(origin, email, password) {
  const { json: session } = await call(origin, "POST", "/api/v1/auth/login", { body: { email, password } });
  const { json: key } = await call(origin, "POST", "/api/v1/api-keys", { token: session.access_token, body: { name: "benchmark", scope: "admin" } });
  return key.key;
}

function fold(text) {
  return text.normalize("NFKD").replace(/\p{M}+/gu, "").toLowerCase();
}

/** Real ids, names, emails and a deep cursor, fetched through the API before the timed runs. */
async function fixtures(origin, token, active, state) {
  const ids = [];
  const names = new Set();
  const emails = new Set();
  const people = [];
  let cursor = null;
  for (let page = 0; page < 10; page++) {
    const { json } = await call(origin, "GET", `/api/v1/contacts?limit=200&sort=-created_at${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`, { token });
    for (const contact of json.data) {
      ids.push(contact.id);
      const last = contact.last_name ? fold(contact.last_name) : "";
      if (/^\p{L}{4}/u.test(last)) names.add(last.slice(0, 4));
      if (contact.email) {
        emails.add(contact.email.split("@")[0]);
        people.push({ email: contact.email, firstName: contact.first_name ?? "Lead" });
      }
    }
    cursor = json.next_cursor;
    if (!cursor) break;
  }
  let deepCursor = null;
  let depth = 0;
  if (active.has("deep")) {
    // Follow next_cursor page by page, as infinite scroll does; keep the deepest cursor that still has a next page.
    let next = null;
    for (; depth < config.deepPages; depth++) {
      const { json } = await call(origin, "GET", `/api/v1/contacts?limit=50${next ? `&cursor=${encodeURIComponent(next)}` : ""}`, { token });
      if (!json.next_cursor) break;
      next = json.next_cursor;
    }
    deepCursor = next;
  }
  // The default pipeline's board: its open stages, and pools of open deals with their versions,
  // one pool per connection so that moves never race each other (a 409 then means a slice ended
  // with a move in flight, not a real conflict).
  let board = null;
  if (active.has("board") || active.has("deal-move")) {
    const { json: pipelines } = await call(origin, "GET", "/api/v1/pipelines", { token });
    const list = pipelines.data ?? pipelines;
    const pipeline = list.find((p) => p.is_default) ?? list[0];
    const { json: snapshot } = await call(origin, "GET", `/api/v1/pipelines/${pipeline.id}/board`, { token });
    const openStages = snapshot.columns.filter((column) => column.kind === "open").map((column) => column.id);
    const openDeals = snapshot.columns.filter((column) => column.kind === "open").flatMap((column) => column.deals.map((deal) => ({ id: deal.id, stage: deal.stage_id, version: deal.version })));
    const allDeals = snapshot.columns.reduce((sum, column) => sum + column.count, 0);
    const bytes = JSON.stringify(snapshot).length;
    board = { pipelineId: pipeline.id, openStages, openDeals, allDeals, bytes };
  }
  // "My tasks" of the demo owner: a session of their own (access tokens live 15 minutes, so
  // measure() renews it before a slice when it is 10 minutes old), and one page read up front so
  // that a route that answers with an error fails here, with its message, not as a column of errors.
  let myTasks = null;
  if (active.has("my-tasks")) {
    myTasks = { email: state.email, password: state.password, token: null, at: 0, open: 0 };
    await renewSession(origin, myTasks);
    const { json } = await call(origin, "GET", myTasksPath, { token: myTasks.token });
    if (!Array.isArray(json?.data)) throw new Error(`GET ${myTasksPath} answered without a data array`);
    myTasks.firstPage = json.data.length;
    myTasks.hasMore = Boolean(json.next_cursor);
  }
  return { ids, names: [...names].slice(0, 50), emails: [...emails].slice(0, 200), people, deepCursor, depth, board, myTasks };
}

const myTasksPath = "/api/v1/tasks?assignee_id=me&status=open&limit=50";

/** Signs in (again) as the demo owner and keeps the access token and when it was issued. */
async function renewSession(origin, session) {
  const { json } = await call(origin, "POST", "/api/v1/auth/login", { body: { email: session.email, password: session.password } });
  session.token = json.access_token;
  session.at = Date.now();
}

// ---- scenarios as autocannon request lists ------------------------------------------------------

function roundRobin(items) {
  let i = 0;
  return () => items[i++ % items.length];
}

function requestsFor(key, fx, counters, runId) {
  switch (key) {
    case "baseline":
      return [{ method: "GET", path: "/api/health" }];
    case "floor":
      return [{ method: "GET", path: "/api/ready" }];
    case "get": {
      const next = roundRobin(fx.ids);
      return [{ method: "GET", setupRequest: (req) => ({ ...req, path: `/api/v1/contacts/${next()}` }) }];
    }
    case "list":
      return [{ method: "GET", path: "/api/v1/contacts?limit=50" }];
    case "deep":
      return [{ method: "GET", path: `/api/v1/contacts?limit=50&cursor=${encodeURIComponent(fx.deepCursor)}` }];
    case "search-name": {
      const next = roundRobin(fx.names);
      return [{ method: "GET", setupRequest: (req) => ({ ...req, path: `/api/v1/contacts?limit=50&q=${encodeURIComponent(next())}` }) }];
    }
    case "search-email": {
      const next = roundRobin(fx.emails);
      return [{ method: "GET", setupRequest: (req) => ({ ...req, path: `/api/v1/contacts?limit=50&q=${encodeURIComponent(next())}` }) }];
    }
    case "create": {
      // The counter lives in fx so that every slice of the run makes new, unique emails.
      fx.created ??= 0;
      return [
        {
          method: "POST",
          setupRequest: (req) => {
            fx.created += 1;
            const n = fx.created;
            const digits = String(1_000_000 + (n % 9_000_000)).slice(-7);
            const body = {
              first_name: "Bench",
              last_name: `Kontaktas ${n}`,
              emails: [`bench.${runId}.${n}@load.rapport.test`],
              phones: [{ number: `+370 6${digits.slice(0, 2)} ${digits.slice(2)}` }],
              lifecycle_stage: "lead",
              tags: ["benchmark"],
              country: "LT",
            };
            return { ...req, path: "/api/v1/contacts", body: JSON.stringify(body) };
          },
        },
      ];
    }
    case "update": {
      // Each request takes a contact nobody else is updating (a free list larger than the
      // concurrency), so 412s would mean a real bug, not the benchmark racing itself.
      // The pool's objects carry the latest known version from slice to slice. A request still in
      // flight when the previous slice ended never had its answer read: its contact is re-read
      // (GET) before its next PATCH instead of being sent with a version that may be stale.
      for (const contact of fx.updatePool) {
        if (contact.inFlight) contact.version = null;
        contact.inFlight = false;
      }
      const free = [...fx.updatePool];
      let n = 0;
      return [
        {
          setupRequest: (req, context) => {
            const contact = free.shift();
            if (!contact) return { ...req, method: "GET", path: "/api/health" }; // cannot happen: pool > concurrency
            context.contact = contact;
            contact.inFlight = true;
            if (contact.version === null) {
              context.kind = "refetch";
              return { ...req, method: "GET", path: `/api/v1/contacts/${contact.id}`, body: undefined };
            }
            context.kind = "patch";
            n += 1;
            return {
              ...req,
              method: "PATCH",
              path: `/api/v1/contacts/${contact.id}`,
              headers: { ...req.headers, "if-match": `"${contact.version}"` },
              body: JSON.stringify({ job_title: `Benchmark ${n % 1000}`, lead_status: n % 2 ? "connected" : "qualified" }),
            };
          },
          onResponse: (status, body, context, headers) => {
            const contact = context.contact;
            if (!contact) return;
            contact.inFlight = false;
            if (status === 412) counters.conflicts += 1;
            if (context.kind === "refetch") counters.refetches += 1;
            const etag = headers?.etag ?? headers?.ETag;
            const version = etag ? Number(/"(\d+)"/.exec(etag)?.[1]) : NaN;
            contact.version = status < 300 || status === 412 ? (Number.isFinite(version) ? version : null) : null;
            free.push(contact);
          },
        },
      ];
    }
    case "board":
      return [{ method: "GET", path: `/api/v1/pipelines/${fx.board.pipelineId}/board` }];
    case "my-tasks": {
      const authorization = `Bearer ${fx.myTasks.token}`;
      return [{ method: "GET", setupRequest: (req) => ({ ...req, path: myTasksPath, headers: { ...req.headers, authorization } }) }];
    }
    case "deal-move": {
      // Each connection takes its own pool of open deals (first request), moves the next deal of
      // its pool to the next open stage (end of column) with the version it last saw, and keeps
      // the version from the answer; a 409 deal_changed hands back the current state, whose
      // version is reused. Any other failure re-reads the deal (GET) before its next move.
      let nextPool = 0;
      return [
        {
          setupRequest: (req, context) => {
            context.pool ??= fx.movePools[nextPool++ % fx.movePools.length];
            const pool = context.pool;
            const deal = pool.deals[pool.next++ % pool.deals.length];
            context.deal = deal;
            if (deal.version === null) {
              context.kind = "refetch";
              return { ...req, method: "GET", path: `/api/v1/deals/${deal.id}`, body: undefined };
            }
            context.kind = "move";
            const stages = fx.board.openStages;
            const to = stages[(stages.indexOf(deal.stage) + 1) % stages.length];
            return { ...req, method: "POST", path: `/api/v1/deals/${deal.id}/move`, body: JSON.stringify({ stage_id: to, version: deal.version }) };
          },
          onResponse: (status, body, context) => {
            const deal = context.deal;
            if (!deal) return;
            let json = null;
            try {
              json = JSON.parse(body);
            } catch {
              // not JSON
            }
            if (context.kind === "refetch") counters.refetches += 1;
            if (status === 409 && json?.current?.version !== undefined) {
              counters.conflicts += 1;
              deal.version = json.current.version;
              deal.stage = json.current.stage_id;
            } else if (status < 300 && json?.version !== undefined) {
              deal.version = json.version;
              deal.stage = json.stage_id;
            } else deal.version = null;
          },
        },
      ];
    }
    case "form": {
      // JSON posts as the embed script sends them. Nine in ten come from people already among the
      // contacts (found by email: the dedupe path), one in ten from a new person.
      fx.posted ??= 0;
      const people = fx.people;
      return [
        {
          method: "POST",
          setupRequest: (req) => {
            fx.posted += 1;
            const n = fx.posted;
            const known = n % 10 !== 0;
            const person = known ? people[(n * 7919) % people.length] : { email: `lead.${runId}.${n}@load.rapport.test`, firstName: "Lead" };
            const body = known ? { first_name: person.firstName, email: person.email.toUpperCase() } : { first_name: person.firstName, email: person.email, phone: `+370 6${String(1_000_000 + (n % 9_000_000)).slice(-7)}` };
            return { ...req, path: `/f/${fx.formKey}`, headers: { ...req.headers, accept: "application/json" }, body: JSON.stringify({ ...body, utm_source: "bench", utm_campaign: "load" }) };
          },
        },
      ];
    }
    default:
      throw new Error(`no request shape for ${key}`);
  }
}

function runLoad(origin, token, requests, { duration, connections }) {
  return new Promise((resolve, reject) => {
    const instance = autocannon(
      {
        url: origin,
        connections,
        duration,
        pipelining: 1,
        timeout: 20,
        headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
        requests,
      },
      (error, result) => (error ? reject(error) : resolve(result)),
    );
    instance.on("error", reject);
  });
}

function median(values) {
  const sorted = values.filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
  if (sorted.length === 0) return 0;
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

function mergeCodes(list) {
  const out = {};
  for (const codes of list) for (const [code, { count }] of Object.entries(codes ?? {})) out[code] = { count: (out[code]?.count ?? 0) + count };
  return out;
}

async function measure(origin, token, key, fx, runId, seconds) {
  const counters = { conflicts: 0, refetches: 0 };
  if (key === "my-tasks" && Date.now() - fx.myTasks.at > 10 * 60_000) await renewSession(origin, fx.myTasks);
  const result = await runLoad(origin, token, requestsFor(key, fx, counters, runId), { duration: seconds, connections: config.concurrency });
  const non2xx = result.non2xx ?? 0;
  return {
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    requests: result.requests.total,
    errors: non2xx - counters.conflicts + (result.errors ?? 0) + (result.timeouts ?? 0),
    conflicts: counters.conflicts,
    refetches: counters.refetches,
    statusCodes: result.statusCodeStats,
  };
}

// ---- one environment: seed, serve, measure --------------------------------------------------

async function openApiPaths(origin) {
  const { json } = await call(origin, "GET", "/api/openapi.json");
  const ops = [];
  for (const [path, item] of Object.entries(json.paths ?? {})) {
    for (const method of Object.keys(item)) ops.push([method.toLowerCase(), path]);
  }
  return ops;
}

function routeExists(ops, scenario) {
  if (!scenario.route) return true;
  const [method, pattern] = scenario.route;
  return ops.some(([m, p]) => m === method && pattern.test(p));
}

async function environment(contacts, companies, body, { deals = 0, boardDeals = 0, tasks = 0, activities = 0 } = {}) {
  const t0 = performance.now();
  console.log(
    `\nSeeding ${contacts.toLocaleString("en")} contacts, ${companies.toLocaleString("en")} companies, ${deals.toLocaleString("en")} deals (${Math.min(boardDeals, deals).toLocaleString("en")} open on the Sales board), ` +
      `${tasks.toLocaleString("en")} tasks and ${activities.toLocaleString("en")} activities into a fresh temp state…`,
  );
  const state = await seededState({ contacts, companies, deals, boardDeals, tasks, activities, seed: config.seed, log: (line) => console.log(line) });
  console.log(`  seeded in ${state.seconds.toFixed(1)} s (${state.dir}); not seeded: ${state.notSeeded.join("; ")}`);
  let server = null;
  try {
    server = await startServer(state.dir);
    console.log(`  wrangler dev ready at ${server.origin} after ${((performance.now() - t0) / 1000).toFixed(1)} s in total`);
    const token = await credentials(server.origin, state.email, state.password);
    return await body(server, token, state);
  } finally {
    if (server) await server.stop();
    if (values.keep) console.log(`  kept ${state.dir} (--keep); wrangler dev log: ${join(state.dir, "wrangler-dev.log")}`);
    else removeState(state.dir);
  }
}

async function formRouteExists(origin, formKey) {
  if (!formKey) return false;
  const response = await fetch(`${origin}/f/${formKey}`, { signal: AbortSignal.timeout(30_000) });
  await response.text();
  return response.ok;
}

async function runScenarios(server, token, keys, label, state) {
  const ops = await openApiPaths(server.origin);
  const rows = [];
  const active = new Set();
  for (const scenario of scenarios) {
    if (!keys.includes(scenario.key)) continue;
    if (scenario.probe === "form" && !(await formRouteExists(server.origin, state?.formKey)))
      rows.push({ key: scenario.key, scenario: scenario.name, kind: scenario.kind, budget: budgetOf(scenario), status: "missing", note: "GET /f/{key} of the seeded form did not answer 200" });
    else if (scenario.probe) active.add(scenario.key);
    else if (!routeExists(ops, scenario)) rows.push({ key: scenario.key, scenario: scenario.name, kind: scenario.kind, budget: budgetOf(scenario), status: "missing", note: "route not in /api/openapi.json yet" });
    else if (!implemented.has(scenario.key)) rows.push({ key: scenario.key, scenario: scenario.name, kind: scenario.kind, budget: budgetOf(scenario), status: "missing", note: "route exists, but the bench does not drive it yet (no deals, tasks or forms seeded)" });
    else active.add(scenario.key);
  }
  const fx = await fixtures(server.origin, token, active, state);
  if (active.has("deep") && !fx.deepCursor) {
    active.delete("deep");
    rows.push({ key: "deep", scenario: "list, page ~200 deep", kind: "read", status: "missing", note: "not enough contacts for a second page" });
  }
  if (fx.ids.length < config.concurrency * 2) throw new Error(`only ${fx.ids.length} contacts came back from the API; cannot run`);
  // Contacts for the update scenario: distinct from the ones get reads, current version known.
  fx.updatePool = [];
  if (active.has("update")) {
    for (const id of fx.ids.slice(-Math.max(config.concurrency * 3, 30))) {
      const { headers } = await call(server.origin, "GET", `/api/v1/contacts/${id}`, { token });
      fx.updatePool.push({ id, version: Number(/"(\d+)"/.exec(headers.get("etag") ?? "")?.[1] ?? "1") });
    }
  }
  fx.formKey = state?.formKey;
  if (active.has("form") && fx.people.length < 10) throw new Error(`only ${fx.people.length} contacts with an email came back from the API; cannot run the form scenario`);
  fx.movePools = [];
  if (active.has("deal-move")) {
    const open = fx.board.openDeals;
    if (fx.board.openStages.length < 2 || open.length < config.concurrency) throw new Error(`the board has ${open.length} open deals in ${fx.board.openStages.length} open stages; deal moves need at least ${config.concurrency} deals and 2 stages`);
    const perPool = Math.max(1, Math.min(20, Math.floor(open.length / config.concurrency)));
    for (let c = 0; c < config.concurrency; c++) fx.movePools.push({ next: 0, deals: open.filter((_, i) => i % config.concurrency === c).slice(0, perPool) });
  }
  const runId = Date.now().toString(36);
  const deepNote = fx.depth ? `cursor after ${fx.depth} pages of 50` : undefined;

  // Warm up: the baseline, then one short burst of every active scenario.
  await runLoad(server.origin, token, requestsFor("baseline", fx, {}, runId), { duration: config.warmup, connections: config.concurrency });
  for (const key of active) {
    if (key === "baseline" || key === "create" || key === "update" || key === "form") continue;
    await runLoad(server.origin, token, requestsFor(key, fx, { conflicts: 0, refetches: 0 }, runId), { duration: 1, connections: config.concurrency });
  }

  const order = scenarios.filter((s) => active.has(s.key) && s.key !== "baseline");
  // Each scenario runs in `rounds` slices, every slice followed by a baseline slice; its ratio is
  // the median over rounds of (scenario req/s ÷ mean of the baselines either side). Noise from
  // other work on the machine then hits both sides of each ratio alike.
  const slice = Math.max(1, Math.round(config.duration / config.rounds));
  const baselines = [];
  let before = await measure(server.origin, token, "baseline", fx, runId, slice);
  baselines.push(before);
  const total = order.length;
  for (const [index, scenario] of order.entries()) {
    process.stdout.write(`  ${label}[${index + 1}/${total}] ${scenario.name}… `);
    const slices = [];
    const ratios = [];
    const adjacent = [];
    for (let round = 0; round < config.rounds; round++) {
      const result = await measure(server.origin, token, scenario.key, fx, runId, slice);
      const after = await measure(server.origin, token, "baseline", fx, runId, slice);
      baselines.push(after);
      const baselineRps = (before.rps + after.rps) / 2;
      ratios.push(baselineRps > 0 ? result.rps / baselineRps : 0);
      adjacent.push(before, after);
      slices.push(result);
      before = after;
    }
    const sum = (f) => slices.reduce((acc, r) => acc + f(r), 0);
    const result = {
      rps: sum((r) => r.rps) / slices.length,
      p50: median(slices.map((r) => r.p50)),
      p99: median(slices.map((r) => r.p99)),
      requests: sum((r) => r.requests),
      errors: sum((r) => r.errors),
      conflicts: sum((r) => r.conflicts),
      refetches: sum((r) => r.refetches),
      statusCodes: mergeCodes(slices.map((r) => r.statusCodes)),
      baselineRps: adjacent.reduce((acc, b) => acc + b.rps, 0) / adjacent.length,
      baselineP50: median(adjacent.map((b) => b.p50)),
      rounds: slices.length,
      ratios,
    };
    const ratio = median(ratios);
    const budget = budgetOf(scenario);
    console.log(`${result.rps.toFixed(0)} req/s, p50 ${result.p50} ms, ratio ${(ratio * 100).toFixed(0)}% (rounds ${ratios.map((r) => `${(r * 100).toFixed(0)}%`).join(" ")})`);
    rows.push({
      key: scenario.key,
      scenario: scenario.name,
      kind: scenario.kind,
      status: "ran",
      ...result,
      ratio,
      budget,
      verdict: result.errors > 0 ? "ERRORS" : budget === undefined ? "—" : ratio >= budget ? "pass" : "MISS",
      ...(scenario.key === "deep" && deepNote ? { note: deepNote } : {}),
      ...(scenario.key === "floor" ? { note: "no auth, SELECT 1: the ceiling for any route with one D1 round trip; authenticated routes make two or more" } : {}),
      ...(scenario.key === "update" ? { note: `${result.refetches} GETs to re-read a contact whose PATCH was in flight at a slice boundary; 412s: ${result.conflicts}` } : {}),
      ...(scenario.key === "deal-move"
        ? {
            note: `${config.concurrency} connections each move their own ${fx.movePools[0]?.deals.length ?? 0} open deals round the ${fx.board.openStages.length} open stages; 409 deal_changed: ${result.conflicts} (a move in flight when a slice ended; its current.version was reused), re-reads: ${result.refetches}`,
          }
        : {}),
      ...(scenario.key === "my-tasks"
        ? { note: `signed in as the demo owner (session token); first page ${fx.myTasks.firstPage} open tasks${fx.myTasks.hasMore ? ", more behind next_cursor" : ""}, of ${config.tasks.toLocaleString("en")} tasks over 6 members` }
        : {}),
      ...(scenario.key === "board" ? { note: `${fx.board.allDeals.toLocaleString("en")} deals on the board (${fx.board.openDeals.length.toLocaleString("en")} open, the rest in Won/Lost), ${(fx.board.bytes / 1024).toFixed(0)} KiB of JSON per snapshot` } : {}),
      ...(scenario.key === "form"
        ? { note: `9 in 10 posts are by existing contacts (email match), 1 in 10 new; the server runs with a generated wrangler.toml copy whose FORM_RATE_LIMIT is ${benchFormRateLimit.toLocaleString("en")} per 60 s (the real one: 10)` }
        : {}),
    });
  }
  if (active.has("baseline") || keys.includes("baseline")) {
    const mean = (f) => baselines.reduce((sum, b) => sum + f(b), 0) / baselines.length;
    rows.push({
      key: "baseline",
      scenario: scenarios[0].name,
      kind: "baseline",
      status: "ran",
      rps: mean((b) => b.rps),
      p50: median(baselines.map((b) => b.p50)),
      p99: median(baselines.map((b) => b.p99)),
      requests: baselines.reduce((sum, b) => sum + b.requests, 0),
      errors: baselines.reduce((sum, b) => sum + b.errors, 0),
      conflicts: 0,
      ratio: 1,
      verdict: baselines.some((b) => b.errors > 0) ? "ERRORS" : "—",
      note: `${baselines.length} slices of ${slice} s, one after every scenario slice (req/s mean, latencies median)`,
    });
  }
  const rank = new Map(scenarios.map((s, i) => [s.key, i]));
  rows.sort((a, b) => (rank.get(a.key) ?? 0) - (rank.get(b.key) ?? 0));
  return rows;
}

// ---- output --------------------------------------------------------------------------------------

function table(headers, rows) {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => String(r[i]).length)));
  const line = (cells) => `| ${cells.map((c, i) => (i === 0 ? String(c).padEnd(widths[i]) : String(c).padStart(widths[i]))).join(" | ")} |`;
  return [line(headers), `|${widths.map((w, i) => (i === 0 ? `:${"-".repeat(w + 1)}` : `${"-".repeat(w + 1)}:`)).join("|")}|`, ...rows.map(line)].join("\n");
}

const ms = (n) => (n === undefined ? "" : `${Number(n).toFixed(n < 10 ? 1 : 0)} ms`);

function resultTable(rows) {
  return table(
    ["scenario", "req/s", "p50", "p99", "errors", "409/412s", "ratio to baseline", "budget", "verdict"],
    rows.map((r) =>
      r.status === "missing"
        ? [r.scenario, "—", "—", "—", "—", "—", "—", `≥ ${((r.budget ?? budgets[r.kind] ?? 0) * 100).toFixed(0)}%`, "missing"]
        : [
            r.scenario,
            r.rps.toFixed(0),
            ms(r.p50),
            ms(r.p99),
            r.errors,
            r.kind === "write" ? r.conflicts : "",
            r.kind === "baseline" ? "100%" : `${(r.ratio * 100).toFixed(0)}%`,
            r.budget === undefined ? "" : `≥ ${(r.budget * 100).toFixed(0)}%`,
            r.verdict,
          ],
    ),
  );
}

function machine() {
  const cpu = cpus();
  return { cpus: cpu.length, cpu_model: cpu[0]?.model ?? "unknown", memory_gb: Math.round(totalmem() / 2 ** 30), node: process.version, platform: `${process.platform} ${process.arch}` };
}

function save(kind, payload) {
  const dir = join(root, "test", "bench", "results");
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${kind}-${new Date().toISOString().replace(/[:.]/g, "-")}.json`);
  writeFileSync(file, `${JSON.stringify(payload, null, 2)}\n`);
  return file;
}

function compare(rows, file) {
  const earlier = JSON.parse(readFileSync(file, "utf8"));
  const old = new Map((earlier.rows ?? []).map((r) => [r.key, r]));
  const pct = (a, b) => (a && b ? `${b >= a ? "+" : ""}${(((b - a) / a) * 100).toFixed(0)}%` : "—");
  console.log(`\nChange against ${file} (${earlier.finished_at ?? "?"}, ${earlier.config?.contacts?.toLocaleString("en") ?? "?"} contacts):\n`);
  console.log(
    table(
      ["scenario", "req/s then → now", "Δ req/s", "p50 then → now", "Δ p50", "ratio then → now"],
      rows.map((r) => {
        const o = old.get(r.key);
        if (!o || o.status !== "ran" || r.status !== "ran") return [r.scenario, "—", "—", "—", "—", `${o?.status ?? "absent"} → ${r.status}`];
        return [r.scenario, `${o.rps.toFixed(0)} → ${r.rps.toFixed(0)}`, pct(o.rps, r.rps), `${ms(o.p50)} → ${ms(r.p50)}`, pct(o.p50, r.p50), `${(o.ratio * 100).toFixed(0)}% → ${(r.ratio * 100).toFixed(0)}%`];
      }),
    ),
  );
}

// ---- main ------------------------------------------------------------------------------------------

const startedAt = new Date();
let exitCode = 0;
try {
  if (values.scale) {
    const sizes = (values["scale-sizes"] ?? (smoke ? "1000,2000,4000" : "10000,100000,1000000")).split(",").map(Number);
    const keys = chosen.length ? chosen.filter((k) => readKeys.includes(k)) : readKeys;
    const bySize = [];
    for (const size of sizes) {
      const rows = await environment(size, Math.max(10, Math.round(size / 20)), (server, token) => runScenarios(server, token, ["baseline", ...keys], `${size.toLocaleString("en")} `));
      bySize.push({ size, rows });
      console.log(`\n${size.toLocaleString("en")} contacts:\n${resultTable(rows)}`);
    }
    const first = bySize[0];
    const flagged = [];
    const scaleRows = keys.map((key) => {
      const base = first.rows.find((r) => r.key === key);
      const cells = [base?.scenario ?? key];
      for (const { size, rows } of bySize) {
        const row = rows.find((r) => r.key === key);
        if (!row || row.status !== "ran" || !base || base.status !== "ran") {
          cells.push("—");
          continue;
        }
        const factor = row.p50 / base.p50;
        // The same factor with each p50 first divided by the baseline's p50 measured beside it:
        // what is left when the machine was simply busier during one size than another.
        const normalized = row.baselineP50 && base.baselineP50 ? row.p50 / row.baselineP50 / (base.p50 / base.baselineP50) : factor;
        if (size !== first.size && factor > 1.5) {
          flagged.push(
            `${row.scenario} at ${size.toLocaleString("en")}: p50 ${ms(row.p50)} is ${factor.toFixed(2)}× the ${ms(base.p50)} at ${first.size.toLocaleString("en")}` +
              ` (${normalized.toFixed(2)}× against the baseline beside it${normalized <= 1.5 ? ": the machine was busier, not the query slower" : ""})`,
          );
        }
        cells.push(size === first.size ? ms(row.p50) : `${ms(row.p50)} (${factor.toFixed(2)}×, ${normalized.toFixed(2)}× vs baseline${factor > 1.5 ? " ⚠" : ""})`);
      }
      return cells;
    });
    console.log(`\nScaling: p50 at N (÷ p50 at ${first.size.toLocaleString("en")}; and the same ratio after dividing each p50 by its neighbouring baseline's p50); indexed reads must stay within 1.5×\n`);
    console.log(table(["scenario", ...bySize.map((s) => `${s.size.toLocaleString("en")} contacts`)], scaleRows));
    if (flagged.length) console.log(`\nGROWS WITH N (a bug to fix, not a number to report):\n  ${flagged.join("\n  ")}`);
    else console.log("\nFlat: every read stays within 1.5× of its p50 at the smallest size.");
    const file = save("scale", { started_at: startedAt.toISOString(), finished_at: new Date().toISOString(), machine: machine(), config, sizes: bySize, flagged });
    console.log(`\nResults: ${file}`);
    if (bySize.some(({ rows }) => rows.some((r) => r.status === "ran" && r.errors > 0))) exitCode = 1;
  } else {
    const keys = chosen.length ? [...new Set(["baseline", ...chosen])] : scenarios.map((s) => s.key);
    const rows = await environment(config.contacts, config.companies, (server, token, state) => runScenarios(server, token, keys, "", state), { deals: config.deals, boardDeals: config.boardDeals, tasks: config.tasks, activities: config.activities });
    console.log(
      `\nRapport benchmark — ${config.contacts.toLocaleString("en")} contacts, ${config.companies.toLocaleString("en")} companies, ${config.deals.toLocaleString("en")} deals (${Math.min(config.boardDeals, config.deals).toLocaleString("en")} open on the board), ` +
        `${config.tasks.toLocaleString("en")} tasks, ${config.activities.toLocaleString("en")} activities; ` +
        `${config.concurrency} connections; each scenario ${config.rounds} × ${Math.max(1, Math.round(config.duration / config.rounds))} s slices alternating with the baseline; ` +
        `wrangler dev on 127.0.0.1; ${machine().cpus} CPUs, Node ${process.version}\n`,
    );
    console.log(resultTable(rows));
    for (const r of rows.filter((x) => x.note && x.status === "ran" && x.key !== "baseline")) console.log(`  ${r.scenario}: ${r.note}`);
    const missing = rows.filter((r) => r.status === "missing");
    if (missing.length) console.log(`\nMissing (${missing.length}): ${missing.map((r) => `${r.scenario} (${r.note})`).join("; ")}`);
    const misses = rows.filter((r) => r.verdict === "MISS");
    if (misses.length) {
      console.log(`\nBUDGET MISSES (${misses.length}):`);
      for (const r of misses) console.log(`  ✗ ${r.scenario}: ${(r.ratio * 100).toFixed(0)}% of baseline throughput, budget ≥ ${(r.budget * 100).toFixed(0)}%`);
    } else console.log("\nEvery scenario that ran met its budget.");
    const errored = rows.filter((r) => r.status === "ran" && r.errors > 0);
    if (errored.length) {
      console.log(`\nERRORS: ${errored.map((r) => `${r.scenario}: ${r.errors} (status codes ${JSON.stringify(r.statusCodes)})`).join("; ")}`);
      exitCode = 1;
    }
    const file = save(smoke ? "smoke" : "bench", { started_at: startedAt.toISOString(), finished_at: new Date().toISOString(), machine: machine(), config, rows });
    console.log(`\nResults: ${file}`);
    if (values.compare) compare(rows, values.compare);
  }
} catch (error) {
  console.error(`\nBenchmark failed: ${error instanceof Error ? (error.stack ?? error.message) : error}`);
  exitCode = 1;
}
process.exit(exitCode);
