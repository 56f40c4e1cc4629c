// multipart/form-data over bytes already in memory. Request.formData() would copy a 50 MB file
// into a File (and File.arrayBuffer() copies it again); this reader returns views into the one
// buffer the body was read into, so an upload costs its own size once. See docs/decisions.md.

export type MultipartPart = {
  name: string;
  /** The file name the browser sent, or null for a plain field. */
  filename: string | null;
  contentType: string | null;
  /** A view into the request body (not a copy). */
  data: Uint8Array;
};

/** The boundary of a multipart/form-data content type, or null when it is not one. */
export function boundaryOf(contentType: string): string | null {
  const [mediaType, ...params] = contentType.split(";");
  if (mediaType?.trim().toLowerCase() !== "multipart/form-data") return null;
  for (const param of params) {
    const match = /^\s*boundary\s*=\s*(?:"([^"]{1,70})"|([^\s;"]{1,70}))\s*$/i.exec(param);
    if (match) return match[1] ?? match[2] ?? null;
  }
  return null;
}

const latin1 = new TextDecoder("latin1");
const utf8 = new TextDecoder("utf-8");

/** Horspool search: the boundary is 30–70 bytes, so the scan skips most of a large file. */
function indexOfBytes(haystack: Uint8Array, needle: Uint8Array, from: number): number {
  const n = needle.length;
  const last = n - 1;
  const skip = new Uint32Array(256).fill(n);
  for (let i = 0; i < last; i++) skip[needle[i] ?? 0] = last - i;
  let position = from;
  while (position <= haystack.length - n) {
    let j = last;
    while (j >= 0 && haystack[position + j] === needle[j]) j--;
    if (j < 0) return position;
    position += skip[haystack[position + last] ?? 0] ?? n;
  }
  return -1;
}

function headerParam(value: string, name: string): string | null {
  // RFC 5987 filename*=UTF-8''… wins over the plain parameter when both are sent.
  const extended = new RegExp(`;\\s*${name}\\*\\s*=\\s*UTF-8''([^;]*)`, "i").exec(value);
  if (extended?.[1] !== undefined) {
    try {
      return decodeURIComponent(extended[1]);
    } catch {
      return null;
    }
  }
  const match = new RegExp(`;\\s*${name}\\s*=\\s*(?:"((?:[^"\\\\]|\\\\.)*)"|([^;\\s]*))`, "i").exec(value);
  if (!match) return null;
  return match[1] !== undefined ? match[1].replace(/\\(.)/g, "$1") : (match[2] ?? null);
}

function readHeaders(block: Uint8Array): Map<string, string> {
  const headers = new Map<string, string>();
  // Browsers send UTF-8 file names inside the quotes; try UTF-8 and fall back to Latin-1.
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(block);
  } catch {
    text = latin1.decode(block);
  }
  for (const line of text.split(/\r?\n/)) {
    const colon = line.indexOf(":");
    if (colon > 0) headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
  }
  return headers;
}

/**
 * The parts of a multipart/form-data body, or null when the body is not well-formed (no opening
 * boundary, a part without headers, or no closing boundary).
 */
export function parseMultipart(body: Uint8Array, boundary: string, maxParts = 20): MultipartPart[] | null {
  const encoder = new TextEncoder();
  const opening = encoder.encode(`--${boundary}`);
  const separator = encoder.encode(`\r\n--${boundary}`);
  const headerEnd = encoder.encode("\r\n\r\n");
  let position = indexOfBytes(body, opening, 0);
  if (position !== 0 && position !== -1) {
    // A preamble is allowed, but then the boundary must start a line.
    position = indexOfBytes(body, separator, 0);
    if (position !== -1) position += 2;
  }
  if (position === -1) return null;
  position += opening.length;
  const parts: MultipartPart[] = [];
  for (;;) {
    // "--" after a boundary closes the body.
    if (body[position] === 0x2d && body[position + 1] === 0x2d) return parts;
    if (body[position] === 0x0d && body[position + 1] === 0x0a) position += 2;
    else return null;
    const end = indexOfBytes(body, headerEnd, position);
    if (end === -1) return null;
    const headers = readHeaders(body.subarray(position, end));
    const start = end + headerEnd.length;
    const next = indexOfBytes(body, separator, start);
    if (next === -1) return null;
    const disposition = headers.get("content-disposition") ?? "";
    const name = headerParam(disposition, "name");
    if (!/^form-data\b/i.test(disposition) || name === null) return null;
    parts.push({ name, filename: headerParam(disposition, "filename"), contentType: headers.get("content-type") ?? null, data: body.subarray(start, next) });
    if (parts.length > maxParts) return null;
    position = next + separator.length;
  }
}

/** A plain field's value as text. */
export function fieldText(part: MultipartPart): string {
  return utf8.decode(part.data);
}
