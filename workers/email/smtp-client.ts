import { connect } from "cloudflare:sockets";

// A small SMTP submission client over cloudflare:sockets (RFC 5321, 3207 STARTTLS, 4954 AUTH,
// 2920 PIPELINING). Rapport used worker-mailer until a 100,000-recipient campaign showed it
// leaves a timer running for every server reply it waits for: a consumer sending a few thousand
// emails reached workerd's limit on active timers, and sends the server had already accepted
// then failed and were retried (docs/decisions.md). Here each wait has one timer, cleared as soon
// as the reply arrives; a session that timed out is closed, never reused; each message's outcome
// is the server's reply to its own end of data, so one refused recipient fails one email.

export type AuthMethod = "plain" | "login" | "cram-md5";

export type SmtpConfig = {
  host: string;
  port: number;
  /** Implicit TLS from the first byte (port 465). */
  secure: boolean;
  /**
   * Upgrade a plain connection with STARTTLS, and refuse to go on when the server does not offer
   * it (a stripped STARTTLS would put the password and the mail in clear). False: never upgrade,
   * only for a relay on a trusted network.
   */
  startTls: boolean;
  credentials?: { username: string; password: string };
  /** Methods to try, in this order, among those the server offers. */
  authType?: AuthMethod[];
  /** How long to wait for the connection and for each reply. */
  timeoutMs?: number;
  /** How long to wait for the reply to the end of data (default endOfDataTimeoutMs; never less than timeoutMs). */
  endOfDataTimeoutMs?: number;
};

/** The part of a cloudflare:sockets Socket the client uses (tests pass a scripted server). */
export type SmtpSocket = {
  readonly readable: ReadableStream<Uint8Array>;
  readonly writable: WritableStream<Uint8Array>;
  readonly opened: Promise<unknown>;
  close(): Promise<void>;
  startTls(options?: TlsOptions): SmtpSocket;
};
export type SocketOpener = (address: SocketAddress, options: SocketOptions) => SmtpSocket;

export const defaultTimeoutMs = 30_000;
/**
 * The reply to the final "." comes after the server's spam and virus checks; RFC 5321 §4.5.3.2.6
 * suggests 10 minutes. Five keep a consumer well inside its 15-minute wall-clock limit.
 */
export const endOfDataTimeoutMs = 5 * 60_000;
/** A reply line longer than this is not SMTP (RFC 5321 allows 512 octets). */
const maxReplyLine = 64 * 1024;

/**
 * How an email failed, which decides what the caller does with it:
 * - `retry`: the server or the connection had a problem (4xx, a login or sender refusal, a
 *   dropped socket); the same email may go through later.
 * - `bounced`: the server refused the recipient for good (5xx to RCPT): the address takes no
 *   mail, now or later.
 * - `refused`: the server refused this message for good (5xx to the data); sending it again will
 *   not help.
 * - `unconfirmed`: the message was sent but the server never confirmed it; it may have been
 *   delivered, so sending it again could deliver it twice.
 */
export type SmtpFailure = "retry" | "bounced" | "refused" | "unconfirmed";

/** A reply the client did not want, or a connection problem. `code` is null when the server never answered. */
export class SmtpError extends Error {
  constructor(
    message: string,
    readonly code: number | null,
    readonly failure: SmtpFailure = "retry",
  ) {
    super(message);
    this.name = "SmtpError";
  }
}

/** A reply: its code, its lines' text (without codes), and the whole as one line for messages. */
type Reply = { code: number; lines: string[]; text: string };

const encoder = new TextEncoder();

function base64Utf8(text: string): string {
  let binary = "";
  for (const byte of encoder.encode(text)) binary += String.fromCharCode(byte);
  return btoa(binary);
}

/** Waits for `promise` at most `ms`; the timer is always cleared, so none outlives its wait. */
async function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new SmtpError(`No answer from the SMTP server within ${ms} ms (${what})`, null)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Reads whole replies ("250-…" lines up to "250 …") from a byte stream. */
class ReplyReader {
  private buffer = "";
  private readonly decoder = new TextDecoder();

  constructor(private readonly reader: ReadableStreamDefaultReader<Uint8Array>) {}

  async next(): Promise<Reply> {
    const lines: string[] = [];
    let code: string | null = null;
    for (;;) {
      const end = this.buffer.indexOf("\n");
      if (end === -1) {
        if (this.buffer.length > maxReplyLine) throw new SmtpError("The SMTP server sent a reply line too long to be SMTP", null);
        const { value, done } = await this.reader.read();
        if (done) throw new SmtpError("The SMTP server closed the connection", null);
        this.buffer += this.decoder.decode(value, { stream: true });
        continue;
      }
      const line = this.buffer.slice(0, end).replace(/\r$/, "");
      this.buffer = this.buffer.slice(end + 1);
      const match = /^(\d{3})([ -]?)(.*)$/.exec(line);
      // Every line of one reply carries the same code (RFC 5321 §4.2.1).
      if (!match || (code !== null && match[1] !== code)) throw new SmtpError(`Not an SMTP reply: ${line.slice(0, 200)}`, null);
      code = match[1] ?? "";
      lines.push(match[3] ?? "");
      if (match[2] !== "-") return { code: Number(code), lines, text: `${code} ${lines.join(" ")}`.trim() };
    }
  }

  release() {
    this.reader.releaseLock();
  }
}

export class SmtpClient {
  private reader: ReplyReader;
  private writer: WritableStreamDefaultWriter<Uint8Array>;
  private extensions = new Map<string, string>();
  private broken = false;

  private constructor(
    private socket: SmtpSocket,
    private readonly timeoutMs: number,
    private readonly dataTimeoutMs: number,
  ) {
    this.reader = new ReplyReader(socket.readable.getReader());
    this.writer = socket.writable.getWriter();
  }

  /** Connects, greets, upgrades to TLS when asked and offered, and logs in when configured. */
  static async open(config: SmtpConfig, clientName: string, opener: SocketOpener = connect): Promise<SmtpClient> {
    const secureTransport = config.secure ? "on" : config.startTls ? "starttls" : "off";
    const timeoutMs = config.timeoutMs ?? defaultTimeoutMs;
    const dataTimeoutMs = Math.max(timeoutMs, config.endOfDataTimeoutMs ?? endOfDataTimeoutMs);
    const client = new SmtpClient(opener({ hostname: config.host, port: config.port }, { secureTransport, allowHalfOpen: false }), timeoutMs, dataTimeoutMs);
    try {
      await within(client.socket.opened, timeoutMs, "connect");
      client.expect(await client.reply("greeting"), 220, "greeting");
      await client.hello(clientName);
      if (!config.secure && config.startTls) {
        if (!client.extensions.has("STARTTLS")) {
          throw new SmtpError("The SMTP server does not offer STARTTLS: use smtps:// (port 465), or starttls=false only for a relay on a trusted network", null);
        }
        client.expect(await client.command("STARTTLS"), 220, "STARTTLS");
        client.upgrade(config.host);
        await client.hello(clientName);
      }
      if (config.credentials) await client.login(config.credentials, config.authType ?? ["plain", "login", "cram-md5"]);
      return client;
    } catch (error) {
      await client.abort();
      throw error;
    }
  }

  /** False once the connection cannot be trusted (a timeout, a closed socket): open a new one. */
  get usable(): boolean {
    return !this.broken;
  }

  /**
   * One email to one recipient. Resolves when the server accepted it (250 after the data);
   * throws SmtpError otherwise. After a refusal the session is reset and stays usable.
   */
  async sendMail(from: string, to: string, payload: string): Promise<void> {
    if (this.broken) throw new SmtpError("The SMTP connection was lost", null);
    const envelope = [`MAIL FROM:<${from}>${this.extensions.has("SMTPUTF8") && /[^\x00-\x7f]/.test(from + to) ? " SMTPUTF8" : ""}`, `RCPT TO:<${to}>`, "DATA"];
    let replies: Reply[];
    try {
      if (this.extensions.has("PIPELINING")) {
        // RFC 2920: MAIL, RCPT and DATA go in one write; their replies come back in order.
        await this.write(envelope.map((line) => `${line}\r\n`).join(""));
        replies = [await this.reply("MAIL FROM"), await this.reply("RCPT TO"), await this.reply("DATA")];
      } else {
        replies = [];
        for (const line of envelope) {
          const reply = await this.command(line);
          replies.push(reply);
          if (reply.code >= 400) break;
        }
      }
    } catch (error) {
      this.broken = true;
      throw error;
    }
    const [mail, rcpt, data] = replies;
    const refused = [mail, rcpt].find((reply) => reply !== undefined && (reply.code < 200 || reply.code >= 300));
    if (refused || data?.code !== 354) {
      // Only a 5xx about the recipient is final for this email; a refused sender (MAIL FROM) is
      // the configuration's problem and may be fixed before the next try.
      const final = refused === rcpt && rcpt !== undefined && rcpt.code >= 500;
      if (data?.code === 354) {
        // A server that opened DATA despite refusing the envelope gets an empty message it will
        // refuse for want of recipients; then both sides are back at the start.
        await this.guard(async () => {
          await this.write(".\r\n");
          return this.reply("end of empty data");
        });
      }
      const reset = await this.guard(async () => this.command("RSET"));
      if (reset.code !== 250) this.broken = true;
      const reason = refused ?? data;
      throw new SmtpError(`The SMTP server refused ${to}: ${reason?.text ?? "no reply"}`, reason?.code ?? null, final ? "bounced" : "retry");
    }
    await this.guard(async () => this.write(payload));
    let accepted: Reply;
    try {
      accepted = await within(this.reader.next(), this.dataTimeoutMs, "end of data");
    } catch (error) {
      // The whole message went out; whether the server kept it is unknown. Sending it again
      // could deliver it twice, so the caller is told it is unconfirmed rather than failed.
      this.broken = true;
      throw new SmtpError(`Sent to ${to}, but the SMTP server did not confirm it: ${error instanceof Error ? error.message : String(error)}`, null, "unconfirmed");
    }
    if (accepted.code < 200 || accepted.code >= 300) {
      throw new SmtpError(`The SMTP server refused the email to ${to}: ${accepted.text}`, accepted.code, accepted.code >= 500 ? "refused" : "retry");
    }
  }

  /** QUIT and close; a server that does not say goodbye changes nothing about what was sent. */
  async close(): Promise<void> {
    if (!this.broken) {
      try {
        await this.command("QUIT");
      } catch {
        // Already sent is sent; only the goodbye failed.
      }
    }
    await this.abort();
  }

  private async abort(): Promise<void> {
    this.broken = true;
    await this.socket.close().catch(() => undefined);
  }

  /** Runs a step whose failure means the connection is no longer in a known state. */
  private async guard<T>(step: () => Promise<T>): Promise<T> {
    try {
      return await step();
    } catch (error) {
      this.broken = true;
      throw error;
    }
  }

  private async write(text: string): Promise<void> {
    await within(this.writer.write(encoder.encode(text)), this.timeoutMs, "write");
  }

  private async reply(what: string): Promise<Reply> {
    return within(this.reader.next(), this.timeoutMs, what);
  }

  private async command(line: string): Promise<Reply> {
    await this.write(`${line}\r\n`);
    return this.reply(line.split(" ")[0] ?? line);
  }

  private expect(reply: Reply, code: number, what: string): void {
    if (reply.code !== code) throw new SmtpError(`SMTP ${what} failed: ${reply.text}`, reply.code);
  }

  private async hello(clientName: string): Promise<void> {
    await this.write(`EHLO ${clientName}\r\n`);
    const reply = await this.reply("EHLO");
    this.extensions = new Map();
    if (reply.code === 250) {
      // The first line greets; each further line is one extension and its parameters.
      for (const line of reply.lines.slice(1)) {
        const [keyword = "", ...params] = line.trim().split(/[\s=]+/);
        if (keyword) this.extensions.set(keyword.toUpperCase(), params.join(" ").toUpperCase());
      }
      return;
    }
    // RFC 5321 §3.2: a server without ESMTP answers EHLO with 500/502; HELO still works.
    this.expect(await this.command(`HELO ${clientName}`), 250, "HELO");
  }

  private upgrade(host: string) {
    this.reader.release();
    this.writer.releaseLock();
    this.socket = this.socket.startTls({ expectedServerHostname: host });
    this.reader = new ReplyReader(this.socket.readable.getReader());
    this.writer = this.socket.writable.getWriter();
  }

  private async login(credentials: { username: string; password: string }, wanted: readonly AuthMethod[]): Promise<void> {
    const offered = (this.extensions.get("AUTH") ?? "").toLowerCase().split(" ");
    const method = wanted.find((m) => offered.includes(m));
    if (!method) {
      throw new SmtpError(
        offered[0] ? `The SMTP server offers AUTH ${offered.join(", ")}, none of ${wanted.join(", ")}` : "Credentials are configured but the SMTP server offers no AUTH (is STARTTLS turned off?)",
        null,
      );
    }
    const { username, password } = credentials;
    let reply: Reply;
    if (method === "plain") {
      reply = await this.command(`AUTH PLAIN ${base64Utf8(`\0${username}\0${password}`)}`);
    } else if (method === "login") {
      this.expect(await this.command("AUTH LOGIN"), 334, "AUTH LOGIN");
      this.expect(await this.command(base64Utf8(username)), 334, "AUTH LOGIN");
      reply = await this.command(base64Utf8(password));
    } else {
      const challenge = await this.command("AUTH CRAM-MD5");
      this.expect(challenge, 334, "AUTH CRAM-MD5");
      const key = await crypto.subtle.importKey("raw", encoder.encode(password), { name: "HMAC", hash: "MD5" }, false, ["sign"]);
      const digest = new Uint8Array(await crypto.subtle.sign("HMAC", key, Uint8Array.from(atob(challenge.text.slice(4).trim()), (c) => c.charCodeAt(0))));
      reply = await this.command(base64Utf8(`${username} ${[...digest].map((b) => b.toString(16).padStart(2, "0")).join("")}`));
    }
    if (reply.code !== 235) throw new SmtpError(`The SMTP server refused the login: ${reply.text}`, reply.code);
  }
}
