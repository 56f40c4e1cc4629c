import { env } from "cloudflare:workers";
import { and, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import type { EmailOptions } from "worker-mailer";
import { createDatabase } from "../db/client";
import { emailOutbox } from "../db/schema";
import { emailSettings } from "./email-config";
import { OutboxTransport } from "./outbox-transport";
import { encodeHeaderText, encodeWords, formatAddress, parseMailbox, parseSmtpUrl, SmtpTransport, toMailerMessage, type SmtpConnection } from "./smtp-transport";
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
      socketTimeoutMs: 5000,
      responseTimeoutMs: 5000,
    });
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
    const mail = toMailerMessage({ ...message("k1"), subject: "Hi\r\nBcc: all@example.com", headers: { "X-Evil": "a\r\nBcc: x@y.z", "Bad Name": "x" } });
    expect(mail.headers?.Subject).toBe("Hi Bcc: all@example.com");
    expect(mail.headers?.["X-Evil"]).toBe("a Bcc: x@y.z");
    expect(mail.headers?.["Bad Name"]).toBeUndefined();
    expect(mail.headers?.["Message-ID"]).toBe("<ws_test.k1@acme.lt>");
    expect(toMailerMessage({ ...message("k1"), headers: { "Message-ID": "<given@x>" } }).headers?.["Message-ID"]).toBe("<given@x>");
  });
});

function message(key: string, workspaceId = "ws_test"): OutgoingEmail {
  return { workspaceId, dedupeKey: key, kind: "campaign", from: "Acme <news@acme.lt>", to: `${key}@example.com`, toName: null, subject: "S", text: "T", html: "<p>T</p>" };
}

class FakeServer {
  connections = 0;
  closed = 0;
  received: EmailOptions[] = [];
  constructor(private readonly refuse: (mail: EmailOptions) => boolean = () => false) {}
  connector = async (): Promise<SmtpConnection> => {
    this.connections += 1;
    return {
      send: async (mail) => {
        if (this.refuse(mail)) throw new Error("550 mailbox unavailable");
        this.received.push(mail);
      },
      close: async () => {
        this.closed += 1;
      },
    };
  };
}

describe("SmtpTransport.sendMany", () => {
  const db = createDatabase(env.DB);
  const workspaceId = `ws_smtp_${Date.now().toString(36)}`;

  it("sends a batch over one connection, records each outcome, and sends a sent key never again", async () => {
    const server = new FakeServer((mail) => typeof mail.to === "object" && !Array.isArray(mail.to) && mail.to.email === "b@example.com");
    const transport = new SmtpTransport(db, { host: "h", port: 587 }, server.connector);
    const batch = ["a", "b", "c"].map((k) => ({ ...message(k, workspaceId), to: `${k}@example.com` }));
    const outcomes = await transport.sendMany([...batch, batch[0]!]);
    expect(outcomes).toEqual([{ ok: true, alreadySent: false }, { ok: false, error: "550 mailbox unavailable" }, { ok: true, alreadySent: false }, { ok: true, alreadySent: true }]);
    expect(server.connections).toBe(1);
    expect(server.closed).toBe(1);
    expect(server.received).toHaveLength(2);
    const rows = await db.select({ key: emailOutbox.dedupeKey, status: emailOutbox.status }).from(emailOutbox).where(eq(emailOutbox.workspaceId, workspaceId)).orderBy(emailOutbox.dedupeKey);
    expect(rows).toEqual([
      { key: "a", status: "sent" },
      { key: "b", status: "failed" },
      { key: "c", status: "sent" },
    ]);

    // A redelivery: the sent ones are not sent again, the failed one is retried.
    const retry = new FakeServer();
    const again = await new SmtpTransport(db, { host: "h", port: 587 }, retry.connector).sendMany(batch);
    expect(again.map((o) => o.ok && o.alreadySent)).toEqual([true, false, true]);
    expect(retry.received.map((m) => m.headers?.To)).toEqual(["b@example.com"]);
    const [b] = await db.select({ status: emailOutbox.status }).from(emailOutbox).where(and(eq(emailOutbox.workspaceId, workspaceId), eq(emailOutbox.dedupeKey, "b")));
    expect(b?.status).toBe("sent");
  });

  it("a connection that cannot be opened fails every message of the batch, and send() throws", async () => {
    const transport = new SmtpTransport(db, { host: "h", port: 587 }, async () => {
      throw new Error("connect ECONNREFUSED");
    });
    const outcomes = await transport.sendMany([message("x1", workspaceId), message("x2", workspaceId)]);
    expect(outcomes).toEqual([
      { ok: false, error: "connect ECONNREFUSED" },
      { ok: false, error: "connect ECONNREFUSED" },
    ]);
    await expect(transport.send(message("x3", workspaceId))).rejects.toThrow(/ECONNREFUSED/);
  });
});
