// The campaign benchmark and real-SMTP proof (issue 9). Seeds a fresh state folder, starts a
// local SMTP sink (smtp-server on 127.0.0.1, an ephemeral port, no auth, no TLS) and `wrangler
// dev` with EMAIL_TRANSPORT=smtp pointing at it, creates a campaign to every consented contact,
// schedules it "now", fires the minute tick through /cdn-cgi/local/scheduled, and measures:
// schedule → every recipient listed (materialise), schedule → every recipient handed to the
// queue (enqueue), and emails/s end to end as the sink receives them. Everything stays on
// 127.0.0.1; every wait is bounded.
//
//   node test/bench/campaign.mjs                       100,000 recipients, port 8798
//   node test/bench/campaign.mjs --recipients 1000     the exactly-once proof: asserts that every
//        consented contact received exactly one email (and nobody else any), in their language,
//        with the RFC 8058 headers; exits non-zero otherwise
//   --tick-seconds N   how often the minute tick is fired (default 60, as the cron does)
import { appendFileSync, mkdtempSync } from "node:fs";
import { connect } from "node:net";
import { DatabaseSync } from "node:sqlite";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { SMTPServer } from "smtp-server";
import { applyMigrations, findD1File, loadSeeder } from "../seed/lib.mjs";
import { frozenBenchConfig, removeState, startServer } from "./server.mjs";

const { values } = parseArgs({
  options: {
    recipients: { type: "string", default: "100000" },
    port: { type: "string", default: "8798" },
    "tick-seconds": { type: "string", default: "60" },
    keep: { type: "boolean", default: false },
  },
});
const recipients = Number(values.recipients);
const port = Number(values.port);
const tickSeconds = Number(values["tick-seconds"]);
if (!Number.isInteger(recipients) || recipients < 10 || recipients > 500_000) throw new Error("--recipients must be 10 … 500,000");
if (!Number.isInteger(port) || port < 1024 || port > 65535) throw new Error("--port must be 1024 … 65535");
if (!(tickSeconds >= 1 && tickSeconds <= 60)) throw new Error("--tick-seconds must be 1 … 60");
// The small run is the proof: a third of its contacts have not consented and must get nothing.
const proof = recipients <= 5000;

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const seconds = (ms) => (ms / 1000).toFixed(1);

// ---- SMTP sink ---------------------------------------------------------------------------------

function decodeWords(value) {
  return value
    .replace(/\?=\s+=\?/g, "?==?")
    .replace(/=\?UTF-8\?([BQ])\?([^?]*)\?=/gi, (_, kind, text) =>
      kind.toUpperCase() === "B" ? Buffer.from(text, "base64").toString("utf8") : Buffer.from(text.replace(/_/g, " ").replace(/=([0-9A-F]{2})/gi, (_m, h) => String.fromCharCode(parseInt(h, 16))), "latin1").toString("utf8"),
    );
}

function headersOf(raw) {
  const head = raw.split(/\r?\n\r?\n/)[0] ?? "";
  const headers = {};
  for (const line of head.replace(/\r?\n[ \t]+/g, " ").split(/\r?\n/)) {
    const colon = line.indexOf(":");
    if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  return headers;
}

function startSink() {
  const received = new Map(); // address → [{subject, listUnsubscribe, listUnsubscribePost}]
  const stats = { messages: 0, first: 0, last: 0 };
  const server = new SMTPServer({
    secure: false,
    authOptional: true,
    disabledCommands: ["AUTH", "STARTTLS"],
    logger: false,
    size: 5 * 1024 * 1024,
    onData(stream, session, callback) {
      const chunks = [];
      stream.on("data", (chunk) => chunks.push(chunk));
      stream.on("end", () => {
        const now = Date.now();
        stats.messages += 1;
        stats.first ||= now;
        stats.last = now;
        const keep = proof ? headersOf(Buffer.concat(chunks).toString("utf8")) : null;
        for (const rcpt of session.envelope.rcptTo) {
          const address = rcpt.address.toLowerCase();
          const list = received.get(address) ?? [];
          list.push(keep ? { subject: decodeWords(keep.subject ?? ""), listUnsubscribe: keep["list-unsubscribe"], listUnsubscribePost: keep["list-unsubscribe-post"] } : null);
          received.set(address, list);
        }
        callback();
      });
    },
  });
  return new Promise((resolve, reject) => {
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => resolve({ server, port: server.server.address().port, received, stats }));
  });
}

// ---- Baseline: the sink's own capacity ---------------------------------------------------------

/**
 * What the sink takes from a plain Node client with no Rapport in between: `connections` sockets
 * (as many as the Worker's sends consumer runs at once), MAIL/RCPT/DATA pipelined as Rapport's
 * client does, a message of a campaign email's size. Rapport's rate is reported as a share of it.
 */
async function sinkBaseline(port, total, connections) {
  const quotedPrintableLine = "Labas, Ona! =C5=A0i=C4=85 savait=C4=99 =E2=80=94 nuolaidos visiems klientams Vilniuje ir Kaune.";
  const text = Array.from({ length: 24 }, () => quotedPrintableLine).join("\r\n");
  const message = [
    "From: Rapport Bench <bench@rapport.test>",
    "To: baseline@baseline.invalid",
    "Subject: =?UTF-8?B?xb1pZW1vcyBuYXVqaWVub3M=?=",
    "List-Unsubscribe: <http://127.0.0.1/u/rcp_baseline.abcdefghijklmnopqrstuv>",
    "List-Unsubscribe-Post: List-Unsubscribe=One-Click",
    "Message-ID: <baseline@rapport.test>",
    "MIME-Version: 1.0",
    'Content-Type: multipart/alternative; boundary="=_b"',
    "",
    "--=_b",
    'Content-Type: text/plain; charset="UTF-8"',
    "Content-Transfer-Encoding: quoted-printable",
    "",
    text,
    "--=_b",
    'Content-Type: text/html; charset="UTF-8"',
    "Content-Transfer-Encoding: quoted-printable",
    "",
    `<p>${text}</p>`,
    "--=_b--",
    ".",
    "",
  ].join("\r\n");
  let next = 0;
  const started = Date.now();
  const one = () =>
    new Promise((resolve, reject) => {
      const socket = connect(port, "127.0.0.1");
      socket.setEncoding("utf8");
      socket.setTimeout(30_000, () => socket.destroy(new Error("baseline: the sink stopped answering")));
      let buffer = "";
      const ready = [];
      const waiting = [];
      socket.on("data", (chunk) => {
        buffer += chunk;
        for (let end = buffer.indexOf("\r\n"); end !== -1; end = buffer.indexOf("\r\n")) {
          const line = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          if (!/^\d{3}(?: |$)/.test(line)) continue;
          const waiter = waiting.shift();
          if (waiter) waiter(line);
          else ready.push(line);
        }
      });
      socket.on("error", reject);
      const reply = () => (ready.length > 0 ? Promise.resolve(ready.shift()) : new Promise((r) => waiting.push(r)));
      (async () => {
        await reply();
        socket.write("EHLO baseline\r\n");
        await reply();
        while (next < total) {
          const i = next++;
          socket.write(`MAIL FROM:<bench@rapport.test>\r\nRCPT TO:<baseline${i}@baseline.invalid>\r\nDATA\r\n`);
          const data = [await reply(), await reply(), await reply()][2];
          if (!data.startsWith("354")) throw new Error(`baseline: DATA answered ${data}`);
          socket.write(message);
          const accepted = await reply();
          if (!accepted.startsWith("250")) throw new Error(`baseline: the message was answered ${accepted}`);
        }
        socket.write("QUIT\r\n");
        await reply();
        socket.end();
      })().then(resolve, reject);
    });
  await Promise.all(Array.from({ length: connections }, one));
  return (total / (Date.now() - started)) * 1000;
}

// ---- State: seeded contacts, consent, a segment and a template ---------------------------------

const subjects = { lt: "Žiemos naujienos, {{first_name}}", ru: "Зимние новости, {{first_name}}", en: "Winter news, {{first_name}}" };

async function prepareState() {
  const dir = mkdtempSync(join(tmpdir(), "rapport-campaign-bench-"));
  applyMigrations(dir, { quiet: true });
  const dbFile = findD1File(dir);
  const contacts = proof ? Math.ceil(recipients * 1.5) : recipients;
  const { seedDatabase } = await loadSeeder();
  const seeded = await seedDatabase({ dbFile, contacts, companies: Math.max(10, Math.floor(contacts / 50)), seed: 9, now: Date.UTC(2026, 10, 22), log: () => {} });
  const db = new DatabaseSync(dbFile);
  // Every contact gets an address; in the proof, every third one has not consented.
  db.exec(`UPDATE contacts SET primary_email = coalesce(primary_email, 'c' || search_rowid || '@bench.test')`);
  db.exec(
    proof
      ? `UPDATE contacts SET consent_status = CASE WHEN rowid % 3 = 0 THEN 'denied' ELSE 'granted' END, language = CASE rowid % 3 WHEN 1 THEN 'lt' WHEN 2 THEN 'ru' ELSE 'en' END`
      : `UPDATE contacts SET consent_status = 'granted'`,
  );
  const now = Date.now();
  const segmentId = "seg_bench0000000000000000000001";
  const templateId = "tpl_bench0000000000000000000001";
  db.prepare("INSERT INTO segments (id, workspace_id, name, filter, created_at, updated_at) VALUES (?, ?, 'Everyone', ?, ?, ?)").run(segmentId, seeded.workspaceId, JSON.stringify({ op: "and", conditions: [] }), now, now);
  db.prepare("INSERT INTO email_templates (id, workspace_id, name, default_language, created_at, updated_at) VALUES (?, ?, 'Bench', 'en', ?, ?)").run(templateId, seeded.workspaceId, now, now);
  for (const [language, subject] of Object.entries(subjects)) {
    db.prepare("INSERT INTO email_template_variants (template_id, language, subject, html) VALUES (?, ?, ?, ?)").run(templateId, language, subject, `<p>${subject}</p><p>Rapport bench.</p>`);
  }
  const expected = new Map(
    db
      .prepare("SELECT lower(primary_email) AS email, language FROM contacts WHERE deleted_at IS NULL AND consent_status = 'granted'")
      .all()
      .map((row) => [row.email, row.language]),
  );
  const notConsented = db.prepare("SELECT lower(primary_email) AS email FROM contacts WHERE deleted_at IS NULL AND consent_status <> 'granted'").all().map((row) => row.email);
  db.close();
  return { dir, seeded, segmentId, templateId, expected, notConsented };
}

// ---- Server ------------------------------------------------------------------------------------

/** The frozen bench config (source edits during the run cannot reload it), sending through the local SMTP sink. */
function smtpBenchConfig(dir, smtpPort) {
  // After freezing: benchConfig copies the project's .dev.vars beside the config first.
  const config = frozenBenchConfig(dir);
  appendFileSync(join(dir, ".dev.vars"), `\nEMAIL_TRANSPORT=smtp\nSMTP_URL=smtp://127.0.0.1:${smtpPort}?starttls=false\n`);
  return config;
}

async function request(origin, method, path, { token, json } = {}) {
  const response = await fetch(`${origin}${path}`, {
    method,
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(json ? { "content-type": "application/json" } : {}) },
    body: json ? JSON.stringify(json) : undefined,
    signal: AbortSignal.timeout(120_000),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${path} → ${response.status} ${text.slice(0, 400)}`);
  return text ? JSON.parse(text) : null;
}

async function tick(origin) {
  const response = await fetch(`${origin}/cdn-cgi/local/scheduled?cron=*+*+*+*+*`, { signal: AbortSignal.timeout(120_000) });
  await response.text();
  if (!response.ok) throw new Error(`scheduled tick → ${response.status}`);
}

// ---- Run ---------------------------------------------------------------------------------------

async function main() {
  const t0 = Date.now();
  const sink = await startSink();
  console.log(`SMTP sink on 127.0.0.1:${sink.port}`);
  const state = await prepareState();
  console.log(`seeded ${state.expected.size.toLocaleString("en")} consented contacts (+${state.notConsented.length.toLocaleString("en")} without consent) in ${seconds(Date.now() - t0)} s`);
  // The baseline runs in the same process against the same sink, then the sink forgets it.
  const baselineRate = await sinkBaseline(sink.port, 10_000, 6);
  sink.received.clear();
  Object.assign(sink.stats, { messages: 0, first: 0, last: 0 });
  console.log(`baseline: the sink takes ${Math.round(baselineRate)} emails/s from a plain Node client (10,000 emails, 6 connections, pipelined)`);
  let server = null;
  let failures = 0;
  const fail = (message) => {
    failures += 1;
    console.log(`FAIL ${message}`);
  };
  try {
    server = await startServer(state.dir, { config: smtpBenchConfig(state.dir, sink.port), port, extraArgs: ["--test-scheduled"] });
    const { origin } = server;
    console.log(`wrangler dev ready at ${origin}`);
    const session = await request(origin, "POST", "/api/v1/auth/login", { json: { email: state.seeded.email, password: state.seeded.password } });
    const key = await request(origin, "POST", "/api/v1/api-keys", { token: session.access_token, json: { name: "campaign bench", scope: "write" } });
    const campaign = await request(origin, "POST", "/api/v1/campaigns", {
      token: key.key,
      json: { name: "Bench", segment_id: state.segmentId, template_id: state.templateId, from_name: "Rapport Bench", from_address: "bench@rapport.test", reply_to: "hello@rapport.test" },
    });

    const scheduledAt = Date.now();
    let current = await request(origin, "POST", `/api/v1/campaigns/${campaign.id}/schedule`, { token: key.key, json: { mode: "now" } });
    console.log(`scheduled in ${seconds(Date.now() - scheduledAt)} s (status ${current.status})`);
    let materialized = null;
    let enqueued = null;
    let lastTick = 0;
    let lastPrint = 0;
    const deadline = scheduledAt + 20 * 60_000;
    while (current.status === "sending" || current.status === "scheduled") {
      if (Date.now() > deadline) throw new Error(`still ${current.status} after 20 minutes: ${JSON.stringify(current.counts)}`);
      if (Date.now() - lastTick >= tickSeconds * 1000) {
        lastTick = Date.now();
        await tick(origin);
      }
      await sleep(500);
      current = await request(origin, "GET", `/api/v1/campaigns/${campaign.id}`, { token: key.key });
      // When the bench saw the listing finished, on the bench's own clock like every other figure.
      if (!materialized && current.materialized_at) materialized = Date.now() - scheduledAt;
      if (materialized && !enqueued) {
        const pending = await request(origin, "GET", `/api/v1/campaigns/${campaign.id}/recipients?status=pending&limit=1`, { token: key.key });
        if (pending.data.length === 0) enqueued = Date.now() - scheduledAt;
      }
      if (Date.now() - lastPrint > 10_000) {
        lastPrint = Date.now();
        console.log(`  ${seconds(Date.now() - scheduledAt)} s: ${current.status} ${JSON.stringify(current.counts)}; sink has ${sink.stats.messages.toLocaleString("en")}`);
      }
    }
    const total = Date.now() - scheduledAt;
    // Let the last SMTP transactions land.
    for (let i = 0; i < 20 && sink.stats.messages < current.counts.sent; i++) await sleep(250);
    const endToEnd = sink.stats.last - scheduledAt;
    const sinkWindow = sink.stats.last - sink.stats.first;
    console.log("");
    console.log(`status                     ${current.status} ${JSON.stringify(current.counts)}`);
    console.log(`materialise (all listed)   ${materialized === null ? "?" : `${seconds(materialized)} s`}   (seen by a 0.5 s poll)`);
    console.log(`enqueue (none pending)     ${enqueued === null ? "?" : `${seconds(enqueued)} s`}   (tick every ${tickSeconds} s; the listing and campaign.dispatch hand out the rest)`);
    console.log(`emails at the sink         ${sink.stats.messages.toLocaleString("en")}`);
    const endToEndRate = (sink.stats.messages / endToEnd) * 1000;
    console.log(`schedule → last email      ${seconds(endToEnd)} s → ${Math.round(endToEndRate)} emails/s end to end (${Math.round((endToEndRate / baselineRate) * 100)}% of the sink's baseline)`);
    console.log(`first → last email         ${seconds(sinkWindow)} s → ${Math.round((sink.stats.messages / Math.max(1, sinkWindow)) * 1000)} emails/s while sending`);
    console.log(`campaign sent after        ${seconds(total)} s`);

    if (current.status !== "sent") fail(`campaign ended ${current.status}`);
    if (current.counts.sent !== state.expected.size) fail(`sent ${current.counts.sent}, expected ${state.expected.size}`);
    const duplicates = [...sink.received.values()].filter((list) => list.length > 1).length;
    const missing = [...state.expected.keys()].filter((address) => !sink.received.has(address)).length;
    const strangers = [...sink.received.keys()].filter((address) => !state.expected.has(address)).length;
    console.log(`exactly once               ${duplicates} duplicated, ${missing} missing, ${strangers} not consented/unknown`);
    if (duplicates || missing || strangers) fail("not exactly once per consented contact");
    if (proof) {
      let wrongLanguage = 0;
      let noHeaders = 0;
      for (const [address, [email]] of sink.received) {
        const language = state.expected.get(address);
        const wanted = (subjects[language] ?? subjects.en).replace(" {{first_name}}", "");
        if (!email?.subject.startsWith(wanted.slice(0, 12))) wrongLanguage += 1;
        if (!/^<https?:\/\/[^>]+\/u\/rcp_[^>]+>/.test(email?.listUnsubscribe ?? "") || email?.listUnsubscribePost !== "List-Unsubscribe=One-Click") noHeaders += 1;
      }
      console.log(`language / RFC 8058        ${wrongLanguage} in the wrong language, ${noHeaders} without List-Unsubscribe + One-Click`);
      const sample = [...sink.received.entries()].slice(0, 3).map(([address, [email]]) => `${address}: ${email?.subject}`);
      console.log(`sample                     ${sample.join(" | ")}`);
      if (wrongLanguage || noHeaders) fail("language or unsubscribe headers wrong");
    }
  } finally {
    if (server) await server.stop();
    await new Promise((resolve) => sink.server.close(resolve));
    if (!values.keep) removeState(state.dir);
    else console.log(`kept ${state.dir}`);
  }
  console.log(failures === 0 ? "\nOK" : `\n${failures} check(s) failed`);
  process.exitCode = failures === 0 ? 0 : 1;
}

await main();
