import { afterEach, describe, expect, it, vi } from "vitest";
import { buildMessage, dataPayload, quotedPrintable } from "./mime";
import { SmtpClient, SmtpError, type SmtpConfig, type SmtpSocket } from "./smtp-client";

// A scripted SMTP server behind a fake socket: it answers what a submission server answers, and
// remembers each write the client made so the tests can see pipelining, STARTTLS and AUTH.

type ServerOptions = {
  extensions?: string[];
  refuseRecipient?: (address: string) => string | null;
  refuseSender?: string;
  /** Never answer the end of data of this recipient (a hung server). */
  hangOn?: string;
  ehlo?: "ok" | "unsupported";
};

class ScriptedServer {
  writes: string[] = [];
  commands: string[] = [];
  messages: { from: string; to: string; data: string }[] = [];
  upgraded = false;
  closed = false;
  private inData = false;
  private data = "";
  private from = "";
  private to = "";
  private recipientOk = false;
  private pending = "";
  private controller: ReadableStreamDefaultController<Uint8Array> | null = null;

  constructor(private readonly options: ServerOptions = {}) {}

  opener = (): SmtpSocket => this.socket();

  private socket(): SmtpSocket {
    const readable = new ReadableStream<Uint8Array>({
      start: (controller) => {
        this.controller = controller;
        if (!this.upgraded) this.say("220 fake.example ESMTP ready");
      },
    });
    const writable = new WritableStream<Uint8Array>({
      write: (chunk) => {
        const text = new TextDecoder().decode(chunk);
        this.writes.push(text);
        this.receive(text);
      },
    });
    return {
      readable,
      writable,
      opened: Promise.resolve({}),
      close: async () => {
        this.closed = true;
      },
      startTls: () => {
        this.upgraded = true;
        return this.socket();
      },
    };
  }

  private say(...lines: string[]) {
    this.controller?.enqueue(new TextEncoder().encode(lines.map((l) => `${l}\r\n`).join("")));
  }

  private receive(text: string) {
    this.pending += text;
    for (;;) {
      if (this.inData) {
        const end = this.pending.indexOf("\r\n.\r\n");
        if (end === -1) return;
        this.data += this.pending.slice(0, end + 2);
        this.pending = this.pending.slice(end + 5);
        this.inData = false;
        if (this.to === this.options.hangOn) continue;
        this.messages.push({ from: this.from, to: this.to, data: this.data });
        this.say("250 2.0.0 queued");
        continue;
      }
      const end = this.pending.indexOf("\r\n");
      if (end === -1) return;
      const line = this.pending.slice(0, end);
      this.pending = this.pending.slice(end + 2);
      this.command(line);
    }
  }

  private command(line: string) {
    this.commands.push(line);
    const verb = line.split(/[ :]/)[0]?.toUpperCase() ?? "";
    if (verb === "EHLO") {
      if (this.options.ehlo === "unsupported") return this.say("502 5.5.1 command not implemented");
      const extensions = this.options.extensions ?? ["PIPELINING", "AUTH PLAIN LOGIN CRAM-MD5", "STARTTLS", "8BITMIME"];
      const offered = this.upgraded ? extensions.filter((e) => e !== "STARTTLS") : extensions;
      const lines = ["fake.example greets you", ...offered];
      return this.say(...lines.map((l, i) => `250${i === lines.length - 1 ? " " : "-"}${l}`));
    }
    if (verb === "HELO") return this.say("250 fake.example");
    if (verb === "STARTTLS") return this.say("220 2.0.0 go ahead");
    if (verb === "AUTH") {
      const [, method, initial] = line.split(" ");
      if (method === "PLAIN") return this.say(initial === this.expectedPlain ? "235 2.7.0 ok" : "535 5.7.8 bad credentials");
      return this.say("504 5.5.4 not here");
    }
    if (verb === "MAIL") {
      this.from = /<([^>]*)>/.exec(line)?.[1] ?? "";
      if (this.options.refuseSender) {
        this.recipientOk = false;
        return this.say(this.options.refuseSender);
      }
      return this.say("250 2.1.0 ok");
    }
    if (verb === "RCPT") {
      this.to = /<([^>]*)>/.exec(line)?.[1] ?? "";
      if (this.options.refuseSender) return this.say("503 5.5.1 sender first");
      const refusal = this.options.refuseRecipient?.(this.to) ?? null;
      this.recipientOk = refusal === null;
      return this.say(refusal ?? "250 2.1.5 ok");
    }
    if (verb === "DATA") {
      if (!this.recipientOk) return this.say("554 5.5.1 no valid recipients");
      this.inData = true;
      this.data = "";
      return this.say("354 end with <CRLF>.<CRLF>");
    }
    if (verb === "RSET") return this.say("250 2.0.0 reset");
    if (verb === "QUIT") return this.say("221 2.0.0 bye");
    return this.say("500 5.5.2 unknown command");
  }

  expectedPlain = btoa(String.fromCharCode(...new TextEncoder().encode("\0žemaitė\0slėptas")));
}

const config: SmtpConfig = { host: "smtp.example", port: 587, secure: false, startTls: true, credentials: { username: "žemaitė", password: "slėptas" }, authType: ["plain"], timeoutMs: 2_000 };

const payload = (subject: string) => dataPayload(buildMessage([["Subject", subject]], { text: "Labas" }));

afterEach(() => {
  vi.restoreAllMocks();
});

describe("SmtpClient", () => {
  it("upgrades with STARTTLS, logs in with the UTF-8 credentials, and pipelines MAIL, RCPT and DATA in one write", async () => {
    const server = new ScriptedServer();
    const client = await SmtpClient.open(config, "acme.lt", server.opener);
    await client.sendMail("news@acme.lt", "ona@example.lt", payload("Sveiki"));
    await client.close();
    expect(server.upgraded).toBe(true);
    expect(server.commands.slice(0, 4)).toEqual(["EHLO acme.lt", "STARTTLS", "EHLO acme.lt", `AUTH PLAIN ${server.expectedPlain}`]);
    expect(server.writes).toContain("MAIL FROM:<news@acme.lt>\r\nRCPT TO:<ona@example.lt>\r\nDATA\r\n");
    expect(server.messages).toEqual([{ from: "news@acme.lt", to: "ona@example.lt", data: expect.stringContaining("Subject: Sveiki\r\n") }]);
    expect(server.commands.at(-1)).toBe("QUIT");
    expect(server.closed).toBe(true);
  });

  it("a refused recipient fails that email only: the session is reset and the next email goes out", async () => {
    const server = new ScriptedServer({ refuseRecipient: (to) => (to === "gone@example.lt" ? "550 5.1.1 no such user" : null) });
    const client = await SmtpClient.open(config, "acme.lt", server.opener);
    const refused = await client.sendMail("news@acme.lt", "gone@example.lt", payload("A")).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(SmtpError);
    expect(refused).toMatchObject({ code: 550, failure: "bounced", message: expect.stringContaining("550 5.1.1 no such user") });
    expect(client.usable).toBe(true);
    await client.sendMail("news@acme.lt", "jonas@example.lt", payload("B"));
    expect(server.messages.map((m) => m.to)).toEqual(["jonas@example.lt"]);
    expect(server.commands).toContain("RSET");
  });

  it("works with a server without PIPELINING, and falls back to HELO when EHLO is not understood", async () => {
    const plain = new ScriptedServer({ extensions: ["STARTTLS", "AUTH PLAIN"] });
    const client = await SmtpClient.open(config, "acme.lt", plain.opener);
    await client.sendMail("news@acme.lt", "ona@example.lt", payload("C"));
    expect(plain.writes).toContain("RCPT TO:<ona@example.lt>\r\n");
    expect(plain.messages).toHaveLength(1);

    const old = new ScriptedServer({ ehlo: "unsupported" });
    const { credentials: _none, ...anonymous } = config;
    const legacy = await SmtpClient.open({ ...anonymous, startTls: false }, "acme.lt", old.opener);
    await legacy.sendMail("news@acme.lt", "ona@example.lt", payload("D"));
    expect(old.commands.slice(0, 2)).toEqual(["EHLO acme.lt", "HELO acme.lt"]);
  });

  it("never logs in or sends without TLS when STARTTLS is expected but not offered (a stripped STARTTLS)", async () => {
    const stripped = new ScriptedServer({ extensions: ["PIPELINING", "AUTH PLAIN LOGIN"] });
    await expect(SmtpClient.open(config, "acme.lt", stripped.opener)).rejects.toThrow(/does not offer STARTTLS/);
    expect(stripped.commands).toEqual(["EHLO acme.lt"]);
    expect(stripped.closed).toBe(true);
    // starttls=false is the explicit choice for a trusted relay.
    const relay = new ScriptedServer({ extensions: ["PIPELINING", "AUTH PLAIN"] });
    await (await SmtpClient.open({ ...config, startTls: false }, "acme.lt", relay.opener)).close();
    expect(relay.commands.slice(0, 2)).toEqual(["EHLO acme.lt", `AUTH PLAIN ${relay.expectedPlain}`]);
  });

  it("a refused sender or login is worth retrying later, not a verdict on the recipient", async () => {
    const server = new ScriptedServer({ refuseSender: "553 5.7.1 sender not allowed" });
    const client = await SmtpClient.open(config, "acme.lt", server.opener);
    await expect(client.sendMail("news@acme.lt", "ona@example.lt", payload("S"))).rejects.toMatchObject({ code: 553, failure: "retry" });
    const wrongPassword = new ScriptedServer();
    await expect(SmtpClient.open({ ...config, credentials: { username: "x", password: "y" } }, "acme.lt", wrongPassword.opener)).rejects.toMatchObject({ code: 535, failure: "retry" });
  });

  it("refuses to go on when credentials are set but the server offers no way to log in", async () => {
    const server = new ScriptedServer({ extensions: ["PIPELINING", "STARTTLS"] });
    await expect(SmtpClient.open(config, "acme.lt", server.opener)).rejects.toThrow(/offers no AUTH/);
    expect(server.closed).toBe(true);
    const wrong = new ScriptedServer();
    await expect(SmtpClient.open({ ...config, credentials: { username: "x", password: "y" } }, "acme.lt", wrong.opener)).rejects.toMatchObject({ code: 535 });
  });

  it("an email the server took but never confirmed is reported unconfirmed (not to be resent), and the session is not reused", async () => {
    const server = new ScriptedServer({ hangOn: "slow@example.lt" });
    const client = await SmtpClient.open({ ...config, timeoutMs: 100, endOfDataTimeoutMs: 300 }, "acme.lt", server.opener);
    const started = Date.now();
    await expect(client.sendMail("news@acme.lt", "slow@example.lt", payload("E"))).rejects.toMatchObject({ failure: "unconfirmed", message: expect.stringMatching(/did not confirm.*within 300 ms/) });
    // The end of data waits longer than a command: spam and virus checks run before the reply.
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    expect(client.usable).toBe(false);
    await expect(client.sendMail("news@acme.lt", "next@example.lt", payload("F"))).rejects.toThrow(/lost/);
  });

  // The reason this client exists: worker-mailer left one timer running per reply, and a
  // consumer sending thousands of emails hit workerd's limit on active timers.
  it("leaves no timer running: every wait's timer is cleared when its reply arrives", async () => {
    const started: unknown[] = [];
    const cleared = new Set<unknown>();
    const realSet = globalThis.setTimeout;
    const realClear = globalThis.clearTimeout;
    vi.spyOn(globalThis, "setTimeout").mockImplementation(((handler: () => void, ms?: number) => {
      const id = realSet(handler, ms);
      started.push(id);
      return id;
    }) as typeof setTimeout);
    vi.spyOn(globalThis, "clearTimeout").mockImplementation(((id?: Parameters<typeof clearTimeout>[0]) => {
      cleared.add(id);
      realClear(id);
    }) as typeof clearTimeout);
    const server = new ScriptedServer();
    const client = await SmtpClient.open(config, "acme.lt", server.opener);
    for (let i = 0; i < 300; i += 1) await client.sendMail("news@acme.lt", `r${i}@example.lt`, payload(`N${i}`));
    await client.close();
    expect(server.messages).toHaveLength(300);
    expect(started.length).toBeGreaterThan(600);
    expect(started.filter((id) => !cleared.has(id))).toEqual([]);
  });
});

describe("MIME", () => {
  it("quoted-printable keeps lines within 76 characters, escapes = and non-ASCII, and protects trailing spaces", () => {
    const text = `Labas, Šarūnai = draugas \n${"ž".repeat(60)}\r\nПривет\t`;
    const encoded = quotedPrintable(text);
    for (const line of encoded.split("\r\n")) expect(line.length).toBeLessThanOrEqual(76);
    expect(encoded).toContain("Labas, =C5=A0ar=C5=ABnai =3D draugas=20\r\n");
    expect(encoded.endsWith("=09")).toBe(true);
    const decoded = new TextDecoder().decode(
      Uint8Array.from(
        encoded
          .replace(/=\r\n/g, "")
          .replace(/=([0-9A-F]{2})/g, (_, h: string) => String.fromCharCode(Number.parseInt(h, 16)))
          .split(""),
        (c) => c.charCodeAt(0),
      ),
    );
    expect(decoded).toBe(text.replace(/\r?\n/g, "\r\n"));
  });

  it("builds multipart/alternative with a text and an HTML part, and dot-stuffs the payload", () => {
    const message = buildMessage([["Subject", "Hi"]], { text: ".hidden line\nok", html: "<p>.x</p>" }, new Date(Date.UTC(2026, 10, 22, 16, 30)));
    expect(message).toContain("Date: Sun, 22 Nov 2026 16:30:00 +0000\r\nMIME-Version: 1.0\r\nContent-Type: multipart/alternative;");
    const boundary = /boundary="([^"]+)"/.exec(message)?.[1] ?? "";
    expect(message.split(`--${boundary}`)).toHaveLength(4);
    const data = dataPayload(message);
    expect(data).toContain("\r\n..hidden line\r\n");
    expect(data.endsWith(`--${boundary}--\r\n.\r\n`)).toBe(true);
    expect(buildMessage([["Subject", "Only text"]], { text: "T" })).toContain('Content-Type: text/plain; charset="UTF-8"');
  });
});
