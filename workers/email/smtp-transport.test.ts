import { env } from "cloudflare:workers";
import { and, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { createDatabase } from "../db/client";
import { emailOutbox } from "../db/schema";
import { emailSettings } from "./email-config";
import { OutboxTransport } from "./outbox-transport";
import { SmtpError } from "./smtp-client";
import { encodeHeaderText, encodeWords, formatAddress, headerLines, parseMailbox, parseSmtpUrl, SmtpTransport, toSmtpMessage, type SmtpSession } from "./smtp-transport";
import { transportFor, type OutgoingEmail } from "./transport";

// Decodes what encodeWords writes, the way a mail client does (RFC 2047: adjacent encoded words
// separated only by folding whitespace join without a space).
function decodeWords(header: string): string {
  const bytes: number[] = [];
  const unfolded = header.replace(/\?=\r\n \=\?/g, "?==?");
  for (const match of unfolded.matchAll(/=\?UTF-8\?B\?([A-Za-z0-9+/=]*)\?=/g)) {
    for (const ch of atob(match[1] ?? "")) bytes.push(ch.charCodeAt(0));
  }
  return new TextDecoder().decode(new Uint8Array(bytes));
}

describe("SMTP_URL", () => {
  it("reads STARTTLS submission on 587 with percent-decoded credentials", () => {
    expect(parseSmtpUrl("smtp://apikey:p%40ss%3Aword@smtp.example.com:587")).toEqual({
      host: "smtp.example.com",
      port: 587,
      secure: false,
      startTls: true,
      credentials: { username: "apikey", password: "p@ss:word" },
      authType: ["plain", "login", "cram-md5"],
    });
  });

  it("reads implicit TLS on 465 by default for smtps, and the auth, starttls and timeout options", () => {
    expect(parseSmtpUrl("smtps://u:p@mail.example.com")).toMatchObject({ port: 465, secure: true });
    expect(parseSmtpUrl("smtp://u:p@relay.local:2525?auth=login&starttls=false&timeout_ms=5000")).toMatchObject({
      port: 2525,
      startTls: false,
      authType: ["login"],
      timeoutMs: 5000,
    });
    // UTF-8 credentials stay text: the client sends their UTF-8 bytes (RFC 4616), with every method.
    expect(parseSmtpUrl("smtp://%C5%BEemaite:sl%C4%97ptas@h:587")).toMatchObject({ credentials: { username: "žemaite", password: "slėptas" }, authType: ["plain", "login", "cram-md5"] });
    expect(parseSmtpUrl("smtp://127.0.0.1:2525")).toEqual({ host: "127.0.0.1", port: 2525, secure: false, startTls: true });
  });

  it("refuses other schemes, port 25, unknown auth methods and bad timeouts", () => {
    expect(() => parseSmtpUrl("http://x:1")).toThrow(/smtp:\/\//);
    expect(() => parseSmtpUrl("not a url")).toThrow(/not a URL/);
    expect(() => parseSmtpUrl("smtp://u:p@mx.example.com:25")).toThrow(/port 25/);
    expect(() => parseSmtpUrl("smtp://u:p@h:587?auth=xoauth2")).toThrow(/auth=/);
    expect(() => parseSmtpUrl("smtp://u:p@h:587?timeout_ms=5")).toThrow(/timeout_ms/);
  });
});

describe("configuration", () => {
  it("defaults to the outbox and chooses SMTP only when asked", () => {
    expect(transportFor(env)).toBeInstanceOf(OutboxTransport);
    expect(transportFor({ ...env, EMAIL_TRANSPORT: "smtp", SMTP_URL: "smtp://h:587" } as Env)).toBeInstanceOf(SmtpTransport);
    expect(() => transportFor({ ...env, EMAIL_TRANSPORT: "smtp" } as Env)).toThrow(/SMTP_URL/);
    expect(() => emailSettings({ EMAIL_TRANSPORT: "carrier-pigeon" })).toThrow(/EMAIL_TRANSPORT/);
    expect(emailSettings({ PUBLIC_URL: "https://crm.example.com/", EMAIL_TRANSPORT: "" })).toMatchObject({ transport: "outbox", publicUrl: "https://crm.example.com" });
  });
});

describe("headers", () => {
  it("encodes Lithuanian and Russian subjects as encoded words of at most 75 characters that decode back", () => {
    const subjects = ["Naujienos: ąčęėįšųūž ĄČĘĖĮŠŲŪŽ — rugsėjo pasiūlymai jūsų įmonei Vilniuje", "Новости компании: специальное предложение для вас в сентябре 🎉"];
    for (const subject of subjects) {
      const encoded = encodeHeaderText(subject);
      for (const line of encoded.split("\r\n")) expect(line.trim().length).toBeLessThanOrEqual(60);
      expect(decodeWords(encoded)).toBe(subject);
    }
    expect(encodeHeaderText("Plain news")).toBe("Plain news");
    expect(encodeWords("🎉".repeat(30)).split("\r\n").every((w) => decodeWords(w).length % 2 === 0)).toBe(true);
  });

  it("writes display names as atoms, escaped quoted strings or encoded words, never an encoded word in quotes", () => {
    expect(formatAddress("ona@example.lt", "Ona Jonaitė")).toMatch(/^=\?UTF-8\?B\?[^"]+\?=\r\n <ona@example.lt>$/);
    expect(decodeWords(formatAddress("ona@example.lt", "Ona Jonaitė"))).toBe("Ona Jonaitė");
    expect(formatAddress("a@b.c", "Tom")).toBe("Tom <a@b.c>");
    expect(formatAddress("a@b.c", 'O"Brien, Tom')).toBe('"O\\"Brien, Tom" <a@b.c>');
    expect(formatAddress("a@b.c", null)).toBe("a@b.c");
    expect(parseMailbox("Rapport <no-reply@rapport.localhost>")).toEqual({ name: "Rapport", email: "no-reply@rapport.localhost" });
    expect(parseMailbox('"Acme, UAB" <news@acme.lt>')).toEqual({ name: "Acme, UAB", email: "news@acme.lt" });
    expect(parseMailbox("x@y.z")).toEqual({ name: null, email: "x@y.z" });
  });

  it("keeps line breaks out of every header and derives the Message-ID from the dedupe key", () => {
    const mail = new Map(headerLines({ ...message("k1"), subject: "Hi\r\nBcc: all@example.com", headers: { "X-Evil": "a\r\nBcc: x@y.z", "Bad Name": "x", To: "someone@else" } }));
    expect(mail.get("Subject")).toBe("Hi Bcc: all@example.com");
    expect(mail.get("X-Evil")).toBe("a Bcc: x@y.z");
    expect(mail.get("Bad Name")).toBeUndefined();
    expect(mail.get("To")).toBe("k1@example.com");
    expect(mail.get("Message-ID")).toBe("<ws_test.k1@acme.lt>");
    expect(new Map(headerLines({ ...message("k1"), headers: { "Message-ID": "<given@x>" } })).get("Message-ID")).toBe("<given@x>");
    const { from, to, payload } = toSmtpMessage({ ...message("k1"), to: "k1@example.com\r\nRCPT TO:<x@y.z>" });
    expect([from, to]).toEqual(["news@acme.lt", "k1@example.com RCPT TO:<x@y.z>"]);
    expect(payload.endsWith("\r\n.\r\n")).toBe(true);
  });
});

function message(key: string, workspaceId = "ws_test"): OutgoingEmail {
  return { workspaceId, dedupeKey: key, kind: "campaign", from: "Acme <news@acme.lt>", to: `${key}@example.com`, toName: null, subject: "S", text: "T", html: "<p>T</p>" };
}

type Arrived = { from: string; to: string; payload: string };

/** Stands in for SmtpClient.open: records what it is given, refuses what `refuse` says. */
class FakeServer {
  connections = 0;
  closed = 0;
  received: Arrived[] = [];
  constructor(private readonly refuse: (mail: Arrived) => Error | null = () => null) {}
  connector = async (): Promise<SmtpSession> => {
    this.connections += 1;
    let usable = true;
    return {
      get usable() {
        return usable;
      },
      sendMail: async (from, to, payload) => {
        const refusal = this.refuse({ from, to, payload });
        if (refusal) {
          if (refusal.message.includes("timed out")) usable = false;
          throw refusal;
        }
        this.received.push({ from, to, payload });
      },
      close: async () => {
        this.closed += 1;
      },
    };
  };
}

describe("SmtpTransport", () => {
  const db = createDatabase(env.DB);
  const workspaceId = `ws_smtp_${Date.now().toString(36)}`;
  const outboxRows = () => db.select({ key: emailOutbox.dedupeKey, status: emailOutbox.status }).from(emailOutbox).where(eq(emailOutbox.workspaceId, workspaceId)).orderBy(emailOutbox.dedupeKey);

  it("sends a batch over one connection with an outcome per email, a repeated key once, and keeps no outbox copy", async () => {
    const server = new FakeServer((mail) => (mail.to === "b@example.com" ? new SmtpError("550 5.1.1 mailbox unavailable", 550, "bounced") : mail.to === "c@example.com" ? new SmtpError("451 4.3.0 try later", 451) : null));
    const transport = new SmtpTransport(db, { host: "h", port: 587, secure: false, startTls: true }, server.connector);
    const batch = ["a", "b", "c"].map((k) => ({ ...message(k, workspaceId), to: `${k}@example.com` }));
    const outcomes = await transport.sendMany([...batch, batch[0]!]);
    expect(outcomes).toEqual([
      { ok: true, alreadySent: false },
      { ok: false, error: "550 5.1.1 mailbox unavailable", final: true, bounced: true },
      { ok: false, error: "451 4.3.0 try later", final: false },
      { ok: true, alreadySent: true },
    ]);
    expect([server.connections, server.closed]).toEqual([1, 1]);
    expect(server.received.map((m) => [m.from, m.to])).toEqual([["news@acme.lt", "a@example.com"]]);
    expect(server.received[0]?.payload).toMatch(/^From: Acme <news@acme\.lt>\r\nTo: a@example\.com\r\nSubject: S\r\n/);
    // Campaign recipients are the record of a batch (campaigns/send.ts): no 100,000 bodies in D1.
    expect(await outboxRows()).toEqual([]);
  });

  it("a connection lost half-way fails the emails after it, and the ones before stay sent", async () => {
    const server = new FakeServer((mail) => (mail.to === "m2@example.com" ? new SmtpError("No answer from the SMTP server: timed out", null) : null));
    const transport = new SmtpTransport(db, { host: "h", port: 587, secure: false, startTls: true }, server.connector);
    const outcomes = await transport.sendMany(["m1", "m2", "m3"].map((k) => message(k, workspaceId)));
    expect(outcomes.map((o) => o.ok)).toEqual([true, false, false]);
    expect(outcomes[2]).toMatchObject({ ok: false, error: expect.stringMatching(/connection was lost/) });
    expect(server.received.map((m) => m.to)).toEqual(["m1@example.com"]);
  });

  it("send() records a single email in the outbox and never sends a sent key again", async () => {
    const refusing = new FakeServer(() => new SmtpError("554 no", 554));
    await expect(new SmtpTransport(db, { host: "h", port: 587, secure: false, startTls: true }, refusing.connector).send(message("s1", workspaceId))).rejects.toThrow(/554 no/);
    expect(await outboxRows()).toEqual([{ key: "s1", status: "failed" }]);

    const server = new FakeServer();
    const transport = new SmtpTransport(db, { host: "h", port: 587, secure: false, startTls: true }, server.connector);
    await transport.send(message("s1", workspaceId));
    await transport.send(message("s1", workspaceId));
    expect(server.received).toHaveLength(1);
    expect(await outboxRows()).toEqual([{ key: "s1", status: "sent" }]);
    const [row] = await db.select({ status: emailOutbox.status }).from(emailOutbox).where(and(eq(emailOutbox.workspaceId, workspaceId), eq(emailOutbox.dedupeKey, "s1")));
    expect(row?.status).toBe("sent");
  });

  it("a connection that cannot be opened fails every message of the batch, and send() throws", async () => {
    const transport = new SmtpTransport(db, { host: "h", port: 587, secure: false, startTls: true }, async () => {
      throw new Error("connect ECONNREFUSED");
    });
    const outcomes = await transport.sendMany([message("x1", workspaceId), message("x2", workspaceId)]);
    expect(outcomes).toEqual([
      { ok: false, error: "connect ECONNREFUSED", final: false },
      { ok: false, error: "connect ECONNREFUSED", final: false },
    ]);
    await expect(transport.send(message("x3", workspaceId))).rejects.toThrow(/ECONNREFUSED/);
  });
});
