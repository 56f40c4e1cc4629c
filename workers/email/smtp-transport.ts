import { and, eq, ne } from "drizzle-orm";
import { messageIdFor } from "../campaigns/render";
import type { Database } from "../db/client";
import { emailOutbox } from "../db/schema";
import { buildMessage, dataPayload } from "./mime";
import { outboxRow } from "./outbox-transport";
import { SmtpClient, SmtpError, type AuthMethod, type SmtpConfig } from "./smtp-client";
import type { EmailTransport, OutgoingEmail, SendOutcome } from "./transport";

// SMTP delivery through Rapport's own client (smtp-client.ts) over cloudflare:sockets (needs
// nodejs_compat, which wrangler.toml turns on). Any provider's SMTP submission service works:
// port 465 with implicit TLS (`smtps://`) or 587 with STARTTLS (`smtp://`), with AUTH
// PLAIN/LOGIN/CRAM-MD5.
//
// A single email (`send`: notifications, reminders, test sends) is also a row in email_outbox
// keyed by (workspace, dedupe key): the row is the record of what was sent (queued → sent |
// failed), and a key whose row is already `sent` is not sent again, so a redelivered queue
// message that reaches the transport after a successful send is harmless. A row still `queued`
// (a consumer died between handing the message to the server and marking it) is sent again:
// SMTP has no transactional receive, so the choice is between a rare duplicate and a lost email,
// and the stable Message-ID lets receivers fold the duplicate.
//
// A batch (`sendMany`: campaign sends) keeps no outbox copy: the caller leases and marks each
// campaign recipient (campaigns/send.ts), which is both the idempotency record and the report,
// and 100,000 stored bodies per newsletter would only fill D1.

export type { SmtpConfig } from "./smtp-client";

const authTypes = ["plain", "login", "cram-md5"] as const satisfies readonly AuthMethod[];
const isAuthType = (value: string): value is AuthMethod => (authTypes as readonly string[]).includes(value);

/**
 * Reads `smtp://user:pass@host:587` (STARTTLS when offered) or `smtps://user:pass@host:465`
 * (implicit TLS). User and password are percent-decoded (UTF-8 is fine). Query options:
 * `auth=plain,login` (the methods to try, default all three), `starttls=false` (never upgrade;
 * only for a relay on a trusted network), `timeout_ms=` (connect and per-reply timeout).
 */
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
    const wanted = (url.searchParams.get("auth") ?? authTypes.join(",")).split(",").map((s) => s.trim().toLowerCase());
    const auth = wanted.filter(isAuthType);
    if (auth.length === 0 || auth.length !== wanted.length) throw new Error(`SMTP_URL auth= must list some of ${authTypes.join(", ")}`);
    config.credentials = { username: decodeURIComponent(url.username), password: decodeURIComponent(url.password) };
    config.authType = auth;
  }
  const timeout = url.searchParams.get("timeout_ms");
  if (timeout !== null) {
    const ms = Number(timeout);
    if (!Number.isInteger(ms) || ms < 100 || ms > 120_000) throw new Error("SMTP_URL timeout_ms must be an integer from 100 to 120000");
    config.timeoutMs = ms;
  }
  return config;
}

// ---- Header encoding ---------------------------------------------------------------------------
// Display names become atoms, escaped quoted strings or RFC 2047 encoded words (never an
// encoded word inside quotes, which §5 forbids and strict parsers show verbatim); subjects become
// encoded words of at most 75 characters, folded.

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

/** The header lines of one OutgoingEmail, in order, each value safe to write as is. */
export function headerLines(message: OutgoingEmail): [string, string][] {
  const from = parseMailbox(message.from);
  const lines: [string, string][] = [
    ["From", formatAddress(from.email, from.name)],
    ["To", formatAddress(message.to, message.toName)],
    ["Subject", encodeHeaderText(message.subject)],
  ];
  if (message.replyTo) lines.push(["Reply-To", formatAddress(message.replyTo, null)]);
  const own = new Set(["from", "to", "subject", "reply-to", "cc", "bcc", "mime-version", "content-type", "content-transfer-encoding"]);
  let messageId: string | null = null;
  for (const [name, value] of Object.entries(message.headers ?? {})) {
    // Header names are tokens; a value never ends a header line early.
    if (!/^[A-Za-z0-9-]+$/.test(name) || own.has(name.toLowerCase())) continue;
    if (name.toLowerCase() === "message-id") messageId = noLineBreaks(value);
    else lines.push([name, noLineBreaks(value)]);
  }
  lines.push(["Message-ID", messageId ?? messageIdFor(`${message.workspaceId}:${message.dedupeKey}`, domainOf(from.email))]);
  return lines;
}

/** The envelope and the DATA payload of one OutgoingEmail. */
export function toSmtpMessage(message: OutgoingEmail): { from: string; to: string; payload: string } {
  const from = parseMailbox(message.from).email;
  const to = noLineBreaks(message.to).trim();
  return { from, to, payload: dataPayload(buildMessage(headerLines(message), { text: message.text, html: message.html })) };
}

// ---- Transport ---------------------------------------------------------------------------------

/** An open SMTP session (SmtpClient), or a stand-in in tests. */
export type SmtpSession = { sendMail(from: string, to: string, payload: string): Promise<void>; close(): Promise<void>; readonly usable: boolean };
export type SmtpConnector = (config: SmtpConfig, clientName: string) => Promise<SmtpSession>;

const connectSmtp: SmtpConnector = (config, clientName) => SmtpClient.open(config, clientName);

const errorText = (error: unknown) => (error instanceof Error ? error.message : String(error)).slice(0, 500);

function failure(error: unknown): SendOutcome {
  // Refused for good, or sent without the server's confirmation: either way not to be sent again.
  const kind = error instanceof SmtpError ? error.failure : "retry";
  return kind === "bounced" ? { ok: false, error: errorText(error), final: true, bounced: true } : { ok: false, error: errorText(error), final: kind !== "retry" };
}

export class SmtpTransport implements EmailTransport {
  constructor(
    private readonly db: Database,
    private readonly config: SmtpConfig,
    private readonly connect: SmtpConnector = connectSmtp,
    private readonly clock: () => number = Date.now,
  ) {}

  /** One email, recorded in the outbox and sent at most once per key; throws when it was not sent. */
  async send(message: OutgoingEmail): Promise<void> {
    if (await this.claim(message)) return;
    const [outcome] = await this.deliver([message]);
    await this.record(message, outcome?.ok === true);
    if (outcome && !outcome.ok) throw new Error(`SMTP send failed: ${outcome.error}`);
  }

  /**
   * Sends a batch over one SMTP connection (one TLS handshake and login for a chunk of a
   * campaign). Never throws for a message: each outcome says sent or why not, so the caller
   * marks recipients one by one. A key repeated within the batch goes out once.
   */
  async sendMany(messages: readonly OutgoingEmail[]): Promise<SendOutcome[]> {
    const seen = new Map<string, number>();
    const unique: OutgoingEmail[] = [];
    const positions = messages.map((m) => {
      const key = `${m.workspaceId}\n${m.dedupeKey}`;
      const known = seen.get(key);
      if (known !== undefined) return { index: known, repeat: true };
      seen.set(key, unique.length);
      unique.push(m);
      return { index: unique.length - 1, repeat: false };
    });
    const outcomes = await this.deliver(unique);
    return positions.map(({ index, repeat }) => {
      const outcome = outcomes[index] ?? { ok: false, error: "not sent" };
      return repeat && outcome.ok ? { ok: true, alreadySent: true } : outcome;
    });
  }

  /** One connection, the messages one after another; a lost connection fails the rest. */
  private async deliver(messages: readonly OutgoingEmail[]): Promise<SendOutcome[]> {
    const first = messages[0];
    if (!first) return [];
    let session: SmtpSession;
    try {
      session = await this.connect(this.config, domainOf(parseMailbox(first.from).email));
    } catch (error) {
      return messages.map(() => failure(error));
    }
    const outcomes: SendOutcome[] = [];
    try {
      for (const message of messages) {
        if (!session.usable) {
          outcomes.push({ ok: false, error: "The SMTP connection was lost before this email was sent" });
          continue;
        }
        try {
          const { from, to, payload } = toSmtpMessage(message);
          await session.sendMail(from, to, payload);
          outcomes.push({ ok: true, alreadySent: false });
        } catch (error) {
          outcomes.push(failure(error));
        }
      }
    } finally {
      await session.close().catch(() => undefined);
    }
    return outcomes;
  }

  /** Writes the `queued` row unless the key has one; true when that row says it was already sent. */
  private async claim(message: OutgoingEmail): Promise<boolean> {
    const key = and(eq(emailOutbox.workspaceId, message.workspaceId), eq(emailOutbox.dedupeKey, message.dedupeKey));
    const [, found] = await this.db.batch([
      this.db.insert(emailOutbox).values(outboxRow(message, this.clock(), "queued")).onConflictDoNothing({ target: [emailOutbox.workspaceId, emailOutbox.dedupeKey] }),
      this.db.select({ status: emailOutbox.status }).from(emailOutbox).where(key).limit(1),
    ]);
    return found[0]?.status === "sent";
  }

  /** Sent, or failed unless an earlier delivery of the same key had already sent it. */
  private async record(message: OutgoingEmail, sent: boolean): Promise<void> {
    const key = and(eq(emailOutbox.workspaceId, message.workspaceId), eq(emailOutbox.dedupeKey, message.dedupeKey));
    if (sent) await this.db.update(emailOutbox).set({ status: "sent", sentAt: this.clock() }).where(key);
    else await this.db.update(emailOutbox).set({ status: "failed" }).where(and(key, ne(emailOutbox.status, "sent")));
  }
}
