// The SMTP transport against a real SMTP server: smtp-server listens on 127.0.0.1 (ephemeral
// port, AUTH PLAIN required, no TLS), `wrangler dev` runs Rapport with EMAIL_TRANSPORT=smtp and
// SMTP_URL pointing at it, and template test sends go out through Rapport's SMTP client over
// cloudflare:sockets. workerd tests cannot reach a Node server, hence a node script. It checks
// what arrived byte for byte: envelope, RFC 2047 subjects and names (decoded here: mailparser is
// not installed), the unsubscribe headers, the Message-ID, the UTF-8 quoted-printable bodies, and
// that the outbox records each email as sent. Prints "N passed, M failed" for test/run.mjs.
// WRANGLER_PORT overrides 8797.
import { spawn, execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { SMTPServer } from "smtp-server";

const root = fileURLToPath(new URL("../..", import.meta.url));
const port = Number(process.env.WRANGLER_PORT ?? 8797);
const origin = `http://127.0.0.1:${port}`;
let passed = 0;
let failed = 0;

function check(name, condition, detail = "") {
  if (condition) {
    passed += 1;
    console.log(`  ✓ ${name}`);
  } else {
    failed += 1;
    console.log(`  ✗ ${name}${detail ? `\n    ${detail}` : ""}`);
  }
}

// ---- RFC 2047 and quoted-printable, decoded the way a mail client does -----------------------

function decodeWords(value) {
  // Whitespace between two encoded words is folding, not content (RFC 2047 §6.2).
  const joined = value.replace(/\r\n(?=[ \t])/g, "").replace(/\?=\s+=\?/g, "?==?");
  return joined.replace(/(?:=\?([^?]+)\?([BbQq])\?([^?]*)\?=)+/g, (run) => {
    const bytes = [];
    for (const [, charset, encoding, text] of run.matchAll(/=\?([^?]+)\?([BbQq])\?([^?]*)\?=/g)) {
      if (charset.toUpperCase() !== "UTF-8") throw new Error(`unexpected charset ${charset}`);
      if (encoding.toUpperCase() === "B") bytes.push(...Buffer.from(text, "base64"));
      else bytes.push(...Buffer.from(text.replace(/_/g, " ").replace(/=([0-9A-F]{2})/gi, (_, hex) => String.fromCharCode(Number.parseInt(hex, 16))), "latin1"));
    }
    return Buffer.from(bytes).toString("utf8");
  });
}

function decodeQuotedPrintable(text) {
  const soft = text.replace(/=\r?\n/g, "");
  return Buffer.from(soft.replace(/=([0-9A-F]{2})/gi, (_, hex) => String.fromCharCode(Number.parseInt(hex, 16))), "latin1").toString("utf8");
}

function parseMessage(raw) {
  const split = raw.indexOf("\r\n\r\n");
  const head = raw.slice(0, split);
  const body = raw.slice(split + 4);
  const headers = new Map();
  const lines = head.split("\r\n");
  for (const [index, line] of lines.entries()) {
    if (/^[ \t]/.test(line) && index > 0) continue;
    let value = line.slice(line.indexOf(":") + 1);
    for (let next = index + 1; next < lines.length && /^[ \t]/.test(lines[next]); next += 1) value += `\r\n${lines[next]}`;
    headers.set(line.slice(0, line.indexOf(":")).toLowerCase(), value.trim());
  }
  // The headers Rapport encodes itself.
  const longest = Math.max(...lines.filter((line, i) => /^(subject|from|to):/i.test(line) || (/^[ \t]/.test(line) && /^(subject|from|to):/i.test(lines.slice(0, i).findLast((l) => !/^[ \t]/.test(l)) ?? ""))).map((line) => line.length));
  // The parts: each Content-Type text/* part's decoded body.
  const parts = {};
  const boundary = /boundary="([^"]+)"/.exec(headers.get("content-type") ?? "")?.[1];
  for (const part of boundary ? `\r\n${body}`.split(`\r\n--${boundary}`) : []) {
    const match = /^\r\nContent-Type: text\/(plain|html); charset="UTF-8"\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n([\s\S]*)$/.exec(part);
    if (match) parts[match[1]] = decodeQuotedPrintable(match[2]).replace(/\r\n/g, "\n");
  }
  return { headers, parts, longest };
}

// ---- the servers ------------------------------------------------------------------------------

const received = [];
const credentials = { username: "rapport", password: "s3cret:pässword" };
const smtp = new SMTPServer({
  secure: false,
  disabledCommands: ["STARTTLS"],
  allowInsecureAuth: true,
  authMethods: ["PLAIN", "LOGIN"],
  logger: false,
  onAuth(auth, _session, callback) {
    if (auth.username === credentials.username && auth.password === credentials.password) callback(null, { user: auth.username });
    else callback(new Error("Invalid username or password"));
  },
  onData(stream, session, callback) {
    const chunks = [];
    stream.on("data", (chunk) => chunks.push(chunk));
    stream.on("end", () => {
      received.push({ from: session.envelope.mailFrom.address, to: session.envelope.rcptTo.map((r) => r.address), user: session.user, raw: Buffer.concat(chunks).toString("latin1") });
      callback();
    });
  },
});
await new Promise((resolve) => smtp.listen(0, "127.0.0.1", resolve));
const smtpPort = smtp.server.address().port;
const smtpUrl = `smtp://${credentials.username}:${encodeURIComponent(credentials.password)}@127.0.0.1:${smtpPort}?starttls=false&auth=plain`;

const persist = mkdtempSync(join(tmpdir(), "rapport-smtp-"));
const env = { ...process.env, CI: "true", WRANGLER_SEND_METRICS: "false", PATH: `${join(root, "node_modules", ".bin")}:${process.env.PATH}` };
execFileSync(process.execPath, [join(root, "migrations", "prepare-local.mjs"), `--persist-to=${persist}`], { cwd: root, env, stdio: "ignore" });
const wrangler = spawn(
  join(root, "node_modules", ".bin", "wrangler"),
  ["dev", "--port", String(port), "--ip", "127.0.0.1", "--persist-to", persist, "--show-interactive-dev-session=false", "--var", "EMAIL_TRANSPORT:smtp", "--var", `SMTP_URL:${smtpUrl}`, "--var", `PUBLIC_URL:${origin}`],
  { cwd: root, env, detached: true, stdio: ["ignore", "pipe", "pipe"] },
);
let log = "";
wrangler.stdout.on("data", (chunk) => (log += chunk));
wrangler.stderr.on("data", (chunk) => (log += chunk));

function stop() {
  try {
    process.kill(-wrangler.pid, "SIGTERM");
  } catch {
    // already gone
  }
  smtp.close();
  rmSync(persist, { recursive: true, force: true });
}
process.on("exit", () => {
  try {
    process.kill(-wrangler.pid, "SIGKILL");
  } catch {
    // already gone
  }
});

async function api(method, path, token, body) {
  const response = await fetch(`${origin}${path}`, {
    method,
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body !== undefined ? { "content-type": "application/json" } : {}) },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await response.text();
  return { status: response.status, json: text.startsWith("{") ? JSON.parse(text) : null, text };
}

const started = Date.now();
try {
  const deadline = Date.now() + 90_000;
  for (;;) {
    if (wrangler.exitCode !== null || Date.now() > deadline) throw new Error(`wrangler dev did not start:\n${log}`);
    try {
      if ((await fetch(`${origin}/api/health`)).ok) break;
    } catch {
      // not up yet
    }
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
  console.log(`SMTP transport against smtp-server on 127.0.0.1:${smtpPort} (wrangler dev ready in ${((Date.now() - started) / 1000).toFixed(1)} s)`);

  const email = `ona.${Date.now().toString(36)}@example.lt`;
  const signup = await api("POST", "/api/v1/auth/signup", null, { workspace_name: "Ąžuolas UAB", name: "Ona Žemaitė-O\"Brien", email, password: "correct horse battery staple" });
  if (signup.status !== 201) throw new Error(`signup ${signup.status} ${signup.text}`);
  const token = signup.json.access_token;
  const lithuanian = "Naujienos, {{first_name}}! Ąčęėįšųūž — rugsėjo pasiūlymai jūsų įmonei Vilniuje";
  const russian = "Новости для {{first_name}}: специальное предложение в сентябре";
  const template = await api("POST", "/api/v1/templates", token, {
    name: "Newsletter",
    default_language: "lt",
    variants: [
      { language: "lt", subject: lithuanian, html: "<h1>Labas, {{first_name}}!</h1><p>Šią savaitę — nuolaidos.</p><p><a href=\"{{unsubscribe_url}}\">Atsisakyti</a></p>" },
      { language: "ru", subject: russian, html: "<p>Здравствуйте, {{first_name}}!</p>" },
    ],
  });
  if (template.status !== 201) throw new Error(`template ${template.status} ${template.text}`);

  for (const language of ["lt", "ru"]) {
    const sent = await api("POST", `/api/v1/templates/${template.json.id}/test`, token, { language });
    check(`test send (${language}) answers 202`, sent.status === 202, `${sent.status} ${sent.text}`);
  }
  check("two emails arrived, each authenticated and addressed to the caller", received.length === 2 && received.every((m) => m.user === "rapport" && m.to.length === 1 && m.to[0] === email && m.from === "no-reply@rapport.localhost"), JSON.stringify(received.map(({ raw, ...rest }) => rest)));

  const [lt, ru] = received.map((m) => parseMessage(m.raw));
  const subjects = [lt, ru].map((m) => decodeWords(m?.headers.get("subject") ?? ""));
  check("the Lithuanian subject decodes exactly", subjects[0] === `[TEST] ${lithuanian.replace("{{first_name}}", "Ona")}`, subjects[0]);
  check("the Russian subject decodes exactly", subjects[1] === `[TEST] ${russian.replace("{{first_name}}", "Ona")}`, subjects[1]);
  check("no Subject/From/To line is longer than 78 characters (encoded words folded)", [lt, ru].every((m) => m.longest <= 78), String([lt?.longest, ru?.longest]));
  const to = lt?.headers.get("to") ?? "";
  check("the To name is encoded words, not an encoded word inside quotes, and decodes", !to.startsWith('"') && decodeWords(to) === `Ona Žemaitė-O"Brien <${email}>`, to);
  check("From is the configured sender", lt?.headers.get("from") === "Rapport <no-reply@rapport.localhost>", lt?.headers.get("from"));
  const listUnsubscribe = lt?.headers.get("list-unsubscribe") ?? "";
  check("List-Unsubscribe carries the public /u/ link", new RegExp(`^<${origin}/u/preview\\.[A-Za-z0-9_-]+>$`).test(listUnsubscribe), listUnsubscribe);
  check("List-Unsubscribe-Post is One-Click (RFC 8058)", lt?.headers.get("list-unsubscribe-post") === "List-Unsubscribe=One-Click");
  const messageIds = [lt, ru].map((m) => m?.headers.get("message-id") ?? "");
  check("Message-IDs derive from the send's key and differ", messageIds.every((id) => /^<template-test\.tpl_[a-z0-9]+\.usr_[a-z0-9]+\.\d+@rapport\.localhost>$/.test(id)) && messageIds[0] !== messageIds[1], messageIds.join(" "));
  check("the HTML part is UTF-8 and rendered in Lithuanian", lt?.parts.html?.includes("<h1>Labas, Ona!</h1><p>Šią savaitę — nuolaidos.</p>") ?? false, lt?.parts.html);
  check("the plain-text part was generated from the HTML, link kept", lt?.parts.plain?.startsWith("Labas, Ona!\n\nŠią savaitę — nuolaidos.\n\nAtsisakyti (http") ?? false, lt?.parts.plain);
  check("the Russian email is the Russian variant with a localised unsubscribe footer", (ru?.parts.html?.includes("Здравствуйте, Ona!") && ru?.parts.html?.includes(">Отписаться</a>")) ?? false, ru?.parts.html);

  const oneClick = await fetch(listUnsubscribe.slice(1, -1), { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: "List-Unsubscribe=One-Click" });
  check("the header's link answers a one-click POST without a session (a preview link: changes nothing)", oneClick.status === 200 && (await oneClick.text()).includes("Nobody was unsubscribed"));

  const outbox = await api("GET", "/api/v1/outbox", token);
  const statuses = (outbox.json?.data ?? []).map((row) => row.status);
  check("the outbox records both emails as sent", statuses.length === 2 && statuses.every((s) => s === "sent"), JSON.stringify(statuses));

  // A server that refuses the login: the send is a 503 and the outbox row says failed.
  credentials.password = "rotated";
  const refused = await api("POST", `/api/v1/templates/${template.json.id}/test`, token, { language: "lt" });
  check("a refused login is a 503 problem, not a 500", refused.status === 503 && refused.json?.code === "unavailable", `${refused.status} ${refused.text}`);
  const after = await api("GET", "/api/v1/outbox", token);
  check("and its outbox row is failed", after.json?.data?.[0]?.status === "failed", JSON.stringify(after.json?.data?.[0]?.status));
} catch (error) {
  failed += 1;
  console.log(`  ✗ ${error instanceof Error ? error.message : error}`);
} finally {
  stop();
}
if (failed > 0) console.log(`wrangler dev log (last 3,000 characters):\n${log.slice(-12000)}`);
console.log(`SMTP transport test took ${((Date.now() - started) / 1000).toFixed(1)} s`);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
