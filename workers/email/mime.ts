// The bytes of an email (RFC 5322 + MIME): the caller's headers, then a text/plain part and, when
// there is HTML, a text/html alternative, both UTF-8 in quoted-printable so every line stays
// within 78 characters and non-ASCII survives any relay. Header values arrive already encoded
// (smtp-transport.ts writes the RFC 2047 words); this file only lays them out.

const encoder = new TextEncoder();

const hex = (byte: number) => `=${byte.toString(16).toUpperCase().padStart(2, "0")}`;

/**
 * RFC 2045 §6.7 quoted-printable of UTF-8 text. Line breaks (LF, CRLF or a lone CR) become CRLF;
 * "=" and bytes outside printable ASCII are escaped; a space or tab before a line break is
 * escaped so relays that strip trailing whitespace cannot change the text; lines are cut with
 * soft breaks ("=") at 76 characters, never inside an escape.
 */
export function quotedPrintable(text: string): string {
  const lines = text.split(/\r\n|\r|\n/);
  return lines.map((line) => encodeLine(encoder.encode(line))).join("\r\n");
}

function encodeLine(bytes: Uint8Array): string {
  let out = "";
  let width = 0;
  for (let i = 0; i < bytes.length; i += 1) {
    const byte = bytes[i] ?? 0;
    const last = i === bytes.length - 1;
    const printable = (byte >= 33 && byte <= 126 && byte !== 61) || ((byte === 32 || byte === 9) && !last);
    const piece = printable ? String.fromCharCode(byte) : hex(byte);
    // 75 characters plus the soft break's "=" make 76.
    if (width + piece.length > 75) {
      out += "=\r\n";
      width = 0;
    }
    out += piece;
    width += piece.length;
  }
  return out;
}

function boundary(): string {
  const bytes = new Uint8Array(12);
  crypto.getRandomValues(bytes);
  // "=_" cannot occur in quoted-printable output, so the boundary can never appear in a part.
  return `=_rapport_${[...bytes].map((b) => b.toString(16).padStart(2, "0")).join("")}`;
}

/** RFC 5322 date: "Sun, 22 Nov 2026 16:30:00 +0000". */
export function mailDate(at: Date): string {
  return at.toUTCString().replace(/GMT$/, "+0000");
}

export type MailContent = { text: string; html?: string | undefined };

/**
 * The message as sent after DATA (before dot-stuffing): headers (name, value) in order, then the
 * body. Adds MIME-Version and Date (unless given) and the Content-* headers.
 */
export function buildMessage(headers: ReadonlyArray<readonly [string, string]>, content: MailContent, now: Date = new Date()): string {
  const lines = headers.map(([name, value]) => `${name}: ${value}`);
  if (!headers.some(([name]) => name.toLowerCase() === "date")) lines.push(`Date: ${mailDate(now)}`);
  lines.push("MIME-Version: 1.0");
  const textPart = ['Content-Type: text/plain; charset="UTF-8"', "Content-Transfer-Encoding: quoted-printable", "", quotedPrintable(content.text)];
  if (content.html === undefined) return [...lines, ...textPart, ""].join("\r\n");
  const mark = boundary();
  return [
    ...lines,
    `Content-Type: multipart/alternative; boundary="${mark}"`,
    "",
    `--${mark}`,
    ...textPart,
    `--${mark}`,
    'Content-Type: text/html; charset="UTF-8"',
    "Content-Transfer-Encoding: quoted-printable",
    "",
    quotedPrintable(content.html),
    `--${mark}--`,
    "",
  ].join("\r\n");
}

/** The DATA payload: leading dots doubled (RFC 5321 §4.5.2), ended by CRLF "." CRLF. */
export function dataPayload(message: string): string {
  const body = message.endsWith("\r\n") ? message : `${message}\r\n`;
  return `${body.replace(/^\./, "..").replace(/\r\n\./g, "\r\n..")}.\r\n`;
}
