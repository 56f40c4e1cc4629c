import { and, eq, inArray, ne } from "drizzle-orm";
import { WorkerMailer, type EmailOptions, type WorkerMailerOptions } from "worker-mailer";
import { messageIdFor } from "../campaigns/render";
import type { Database } from "../db/client";
import { newId } from "../db/ids";
import { emailOutbox } from "../db/schema";
import type { EmailTransport, OutgoingEmail, SendOutcome } from "./transport";

// SMTP delivery through worker-mailer over cloudflare:sockets (needs nodejs_compat, which
// wrangler.toml turns on). Any provider's SMTP submission service works: port 465 with implicit
// TLS (`smtps://`) or 587 with STARTTLS (`smtp://`), with AUTH PLAIN/LOGIN/CRAM-MD5.
//
// Every message is also a row in email_outbox keyed by (workspace, dedupe key): the row is the
// record of what was sent (queued → sent | failed), and a key whose row is already `sent` is not
// sent again, so a redelivered queue message that reaches the transport after a successful send
// is harmless. A row still `queued` (a consumer died between handing the message to the server
// and marking it) is sent again: SMTP has no transactional receive, so the choice is between a
// rare duplicate and a lost email, and the stable Message-ID lets receivers fold the duplicate.

export type SmtpConfig = Pick<WorkerMailerOptions, "host" | "port" | "secure" | "startTls" | "credentials" | "authType" | "socketTimeoutMs" | "responseTimeoutMs">;

const authTypes = ["plain", "login", "cram-md5"] as const;
type AuthType = (typeof authTypes)[number];
const isAuthType = (value: string): value is AuthType => (authTypes as readonly string[]).includes(value);

/**
 * Reads `smtp://user:pass@host:587` (STARTTLS when offered) or `smtps://user:pass@host:465`
 * (implicit TLS). User and password are percent-decoded. Query options: `auth=plain,login`
 * (the methods to try, default all three), `starttls=false` (never upgrade; only for a relay on a
 * trusted network), `timeout_ms=` (socket and response timeout).
 */
const byteString = (text: string) => String.fromCharCode(...new TextEncoder().encode(text));

export function parseSmtpUrl(input: string): SmtpConfig {
  let url: URL;
  try {
    url = new URL(input);
  } catch {
    throw new Error("SMTP_URL is not a URL (expected smtp://user:pass@host:587 or smtps://user:pass@host:465)");
  }
  const scheme = url.protocol.replace(/:$/, "").toLowerCase();
  if (scheme !== "smtp" && scheme !== "smtps") throw new Error(`SMTP_URL must start with smtp:// or smtps://, not ${scheme}://`);
  const host = url.hostname.replace(/^\[|\]$/g, "");
  if (!host) throw new Error("SMTP_URL has no host");
  const secure = scheme === "smtps";
  const port = url.port ? Number(url.port) : secure ? 465 : 587;
  // Cloudflare blocks outbound port 25; saying so here beats a socket that never opens.
  if (port === 25) throw new Error("SMTP_URL uses port 25, which Workers cannot reach: use the provider's submission port 587 or 465");
  const config: SmtpConfig = { host, port, secure, startTls: url.searchParams.get("starttls") !== "false" };
  if (url.username) {
    const username = decodeURIComponent(url.username);
    const password = decodeURIComponent(url.password);
    const wanted = (url.searchParams.get("auth") ?? authTypes.join(",")).split(",").map((s) => s.trim().toLowerCase());
    let auth = wanted.filter(isAuthType);
    if (auth.length === 0 || auth.length !== wanted.length) throw new Error(`SMTP_URL auth= must list some of ${authTypes.join(", ")}`);
    if (ascii.test(username + password)) {
      config.credentials = { username, password };
    } else {
      // worker-mailer base64-encodes PLAIN and LOGIN credentials with btoa, which reads each
      // UTF-16 unit as one byte: "ä" would go out as Latin-1 0xE4 and the server (expecting
      // UTF-8, RFC 4616) refuses the login. Handing it the UTF-8 bytes as a byte string makes
      // btoa produce the right base64; CRAM-MD5 encodes with TextEncoder instead, so it is not offered.
      auth = auth.filter((type) => type !== "cram-md5");
      if (auth.length === 0) throw new Error("SMTP_URL credentials with non-ASCII characters need auth=plain or auth=login");
      config.credentials = { username: byteString(username), password: byteString(password) };
    }
    config.authType = auth;
  }
  const timeout = url.searchParams.get("timeout_ms");
  if (timeout !== null) {
    const ms = Number(timeout);
    if (!Number.isInteger(ms) || ms < 100 || ms > 120_000) throw new Error("SMTP_URL timeout_ms must be an integer from 100 to 120000");
    config.socketTimeoutMs = ms;
    config.responseTimeoutMs = ms;
  }
  return config;
}

// ---- Header encoding ---------------------------------------------------------------------------
// worker-mailer writes a display name as `"=?UTF-8?Q?…?=" <addr>` (an encoded-word inside a
// quoted string, which RFC 2047 §5 forbids and strict parsers show verbatim), leaves `"` in an
// ASCII name unescaped, and encodes a subject as one encoded-word of any length (RFC 2047 caps
// them at 75 characters). Rapport writes From, To, Reply-To and Subject itself; worker-mailer
// uses a header that is already set.

const encoder = new TextEncoder();
const ascii = /^[\x20-\x7e]*$/;

function base64(bytes: Uint8Array): string {
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary);
}

/**
 * RFC 2047 B-encoded words of at most 60 characters each, split between characters (never inside
 * one UTF-8 sequence or surrogate pair), joined by folding whitespace.
 */
export function encodeWords(text: string): string {
  const words: string[] = [];
  // "=?UTF-8?B?" + "?=" is 12 characters; 48 base64 characters carry 36 bytes → 60 in all, so
  // even the first word, on the line after "Subject: " or "Reply-To: ", keeps the line within
  // the 76 characters RFC 2047 §2 allows.
  const maxBytes = 36;
  let chunk = "";
  let chunkBytes = 0;
  for (const char of text) {
    const bytes = encoder.encode(char).length;
    if (chunkBytes + bytes > maxBytes && chunk) {
      words.push(chunk);
      chunk = "";
      chunkBytes = 0;
    }
    chunk += char;
    chunkBytes += bytes;
  }
  if (chunk) words.push(chunk);
  return words.map((word) => `=?UTF-8?B?${base64(encoder.encode(word))}?=`).join("\r\n ");
}

const noLineBreaks = (value: string) => value.replace(/[\r\n]+/g, " ");

/** A header value for free text: as is when it is plain ASCII, else encoded words. */
export function encodeHeaderText(text: string): string {
  const clean = noLineBreaks(text).trim();
  return ascii.test(clean) && clean.length <= 900 ? clean : encodeWords(clean);
}

/** `Name <addr>`: the name as an atom run, a quoted string with escapes, or encoded words. */
export function formatAddress(email: string, name: string | null | undefined): string {
  const address = noLineBreaks(email).trim();
  const display = noLineBreaks(name ?? "").trim();
  if (!display) return address;
  // Folded before the address, so the last word's line stays short too.
  if (!ascii.test(display)) return `${encodeWords(display)}\r\n <${address}>`;
  if (/^[A-Za-z0-9!#$%&'*+/=?^_`{|}~ -]+$/.test(display)) return `${display} <${address}>`;
  return `"${display.replace(/(["\\])/g, "\\$1")}" <${address}>`;
}

/** Splits `Name <addr>` (as in MAIL_FROM) or a bare address. */
export function parseMailbox(value: string): { name: string | null; email: string } {
  const match = /^\s*(?:"?([^"<]*?)"?\s*)<([^<>\s]+)>\s*$/.exec(value);
  if (match) return { name: match[1]?.trim() || null, email: match[2] ?? "" };
  return { name: null, email: value.trim() };
}

function domainOf(email: string): string {
  return email.slice(email.lastIndexOf("@") + 1) || "rapport.localhost";
}

/** The message worker-mailer sends for one OutgoingEmail. */
export function toMailerMessage(message: OutgoingEmail): EmailOptions {
  const from = parseMailbox(message.from);
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(message.headers ?? {})) {
    // Header names are tokens; a value never ends a header line early.
    if (/^[A-Za-z0-9-]+$/.test(name)) headers[name] = noLineBreaks(value);
  }
  headers.From = formatAddress(from.email, from.name);
  headers.To = formatAddress(message.to, message.toName);
  headers.Subject = encodeHeaderText(message.subject);
  if (message.replyTo) headers["Reply-To"] = formatAddress(message.replyTo, null);
  headers["Message-ID"] ??= messageIdFor(`${message.workspaceId}:${message.dedupeKey}`, domainOf(from.email));
  const options: EmailOptions = { from: { email: from.email }, to: { email: message.to }, subject: message.subject, text: message.text, headers };
  if (message.html) options.html = message.html;
  return options;
}

// ---- Transport ---------------------------------------------------------------------------------

/** The part of worker-mailer the transport uses, so tests can stand in for a server. */
export type SmtpConnection = { send(options: EmailOptions): Promise<void>; close(): Promise<void> };
export type SmtpConnector = (config: SmtpConfig) => Promise<SmtpConnection>;

const connectWorkerMailer: SmtpConnector = (config) => WorkerMailer.connect(config);

// D1 allows 100 bound parameters per statement: an outbox row binds 13.
const rowsPerInsert = 7;
const keysPerQuery = 90;

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

const errorText = (error: unknown) => (error instanceof Error ? error.message : String(error)).slice(0, 500);

export class SmtpTransport implements EmailTransport {
  constructor(
    private readonly db: Database,
    private readonly config: SmtpConfig,
    private readonly connect: SmtpConnector = connectWorkerMailer,
    private readonly clock: () => number = Date.now,
  ) {}

  async send(message: OutgoingEmail): Promise<void> {
    const [outcome] = await this.sendMany([message]);
    if (outcome && !outcome.ok) throw new Error(`SMTP send failed: ${outcome.error}`);
  }

  /**
   * Sends a batch over one SMTP connection (one TLS handshake and login for up to a queue
   * message's worth of emails). Never throws for a message: each outcome says sent or why not,
   * so the caller marks recipients one by one.
   */
  async sendMany(messages: readonly OutgoingEmail[]): Promise<SendOutcome[]> {
    if (messages.length === 0) return [];
    const now = this.clock();
    const alreadySent = await this.claim(messages, now);
    // A key already sent, or repeated within this batch, goes out once.
    const seen = new Set(alreadySent);
    const outcomes: SendOutcome[] = messages.map((m) => {
      const key = `${m.workspaceId}\n${m.dedupeKey}`;
      if (seen.has(key)) return { ok: true, alreadySent: true };
      seen.add(key);
      return { ok: false, error: "not sent" };
    });
    const due = messages.flatMap((message, index) => (outcomes[index]?.ok ? [] : [{ message, index }]));
    if (due.length > 0) {
      let connection: SmtpConnection | null = null;
      try {
        connection = await this.connect(this.config);
        // worker-mailer queues these and sends them one after another on the one connection.
        const open = connection;
        const results = await Promise.allSettled(due.map(({ message }) => open.send(toMailerMessage(message))));
        results.forEach((result, i) => {
          const index = due[i]?.index ?? -1;
          outcomes[index] = result.status === "fulfilled" ? { ok: true, alreadySent: false } : { ok: false, error: errorText(result.reason) };
        });
      } catch (error) {
        for (const { index } of due) outcomes[index] = { ok: false, error: errorText(error) };
      } finally {
        // QUIT; a failure to say goodbye changes nothing about what was sent.
        await connection?.close().catch(() => undefined);
      }
    }
    await this.record(messages, outcomes, this.clock());
    return outcomes;
  }

  /** Writes a `queued` row for every new key; returns the keys already `sent`. */
  private async claim(messages: readonly OutgoingEmail[], now: number): Promise<Set<string>> {
    const rows = messages.map((m) => ({
      id: newId("email", now),
      workspaceId: m.workspaceId,
      dedupeKey: m.dedupeKey,
      kind: m.kind,
      fromAddress: m.from,
      toAddress: m.to,
      toName: m.toName,
      subject: m.subject,
      text: m.text,
      html: m.html ?? null,
      headers: JSON.stringify(m.headers ?? {}),
      status: "queued" as const,
      createdAt: now,
    }));
    const inserts = chunks(rows, rowsPerInsert).map((chunk) =>
      this.db.insert(emailOutbox).values(chunk).onConflictDoNothing({ target: [emailOutbox.workspaceId, emailOutbox.dedupeKey] }),
    );
    const [first, ...rest] = inserts;
    if (first) await this.db.batch([first, ...rest]);
    const sent = new Set<string>();
    for (const [workspaceId, keys] of byWorkspace(messages)) {
      for (const chunk of chunks(keys, keysPerQuery)) {
        const found = await this.db
          .select({ dedupeKey: emailOutbox.dedupeKey })
          .from(emailOutbox)
          .where(and(eq(emailOutbox.workspaceId, workspaceId), inArray(emailOutbox.dedupeKey, chunk), eq(emailOutbox.status, "sent")));
        for (const row of found) sent.add(`${workspaceId}\n${row.dedupeKey}`);
      }
    }
    return sent;
  }

  private async record(messages: readonly OutgoingEmail[], outcomes: readonly SendOutcome[], now: number): Promise<void> {
    const sent = messages.filter((_, i) => outcomes[i]?.ok === true && outcomes[i]?.alreadySent === false);
    const failed = messages.filter((_, i) => outcomes[i]?.ok === false);
    const updates = [
      ...[...byWorkspace(sent)].flatMap(([workspaceId, keys]) =>
        chunks(keys, keysPerQuery).map((chunk) =>
          this.db
            .update(emailOutbox)
            .set({ status: "sent", sentAt: now })
            .where(and(eq(emailOutbox.workspaceId, workspaceId), inArray(emailOutbox.dedupeKey, chunk))),
        ),
      ),
      ...[...byWorkspace(failed)].flatMap(([workspaceId, keys]) =>
        chunks(keys, keysPerQuery).map((chunk) =>
          this.db
            .update(emailOutbox)
            .set({ status: "failed" })
            .where(and(eq(emailOutbox.workspaceId, workspaceId), inArray(emailOutbox.dedupeKey, chunk), ne(emailOutbox.status, "sent"))),
        ),
      ),
    ];
    const [first, ...rest] = updates;
    if (first) await this.db.batch([first, ...rest]);
  }
}

function byWorkspace(messages: readonly OutgoingEmail[]): Map<string, string[]> {
  const groups = new Map<string, string[]>();
  for (const m of messages) {
    const keys = groups.get(m.workspaceId) ?? [];
    keys.push(m.dedupeKey);
    groups.set(m.workspaceId, keys);
  }
  return groups;
}
