import type { Context, MiddlewareHandler } from "hono";
import { z } from "zod";
import { hasRole } from "../auth/principal";
import type { AppEnv } from "../env";
import { resolvePrincipal } from "../http/auth";
import { ProblemError, problems } from "../http/problem";
import { fieldErrorsFrom, toPointer } from "../http/validation";
import { importMatchModes } from "../db/schema";
import { importEncodings } from "./decode";
import { maxUploadBytes, type FileOptions } from "./file";
import { boundaryOf, fieldText, parseMultipart } from "./multipart";

// CSV uploads are the API's only non-JSON bodies. The app's 1 MB JSON limit and its JSON-only
// content-type check skip these two routes (skipImportUploads); readImportUploads reads their
// body instead — at most 50 MB, only for a caller allowed to import — before the idempotency
// middleware, which hashes the body, can read it as text (that would garble a code-page file).

const uploadPaths = new Set(["/api/v1/imports", "/api/v1/imports/preview"]);

export function isImportUpload(c: Context<AppEnv>): boolean {
  return c.req.method === "POST" && uploadPaths.has(c.req.path);
}

/** Runs `middleware` for every request except a CSV upload. */
export function skipImportUploads(middleware: MiddlewareHandler<AppEnv>): MiddlewareHandler<AppEnv> {
  return (c, next) => (isImportUpload(c) ? next() : middleware(c, next));
}

const tooLarge = () =>
  new ProblemError({
    status: 413,
    code: "payload_too_large",
    title: "Payload too large",
    detail: `The file is larger than ${maxUploadBytes / 1024 / 1024} MB. Split it into smaller files.`,
    extensions: { limit_bytes: maxUploadBytes },
  });

const notMultipart = (mediaType: string) =>
  new ProblemError({
    status: 415,
    code: "unsupported_media_type",
    title: "Unsupported media type",
    detail: `Send the CSV as multipart/form-data with the file in a field named "file"${mediaType ? `, not ${mediaType}` : ""}.`,
  });

/** Reads a body up to `limit` bytes into one buffer (preallocated when the length is declared). */
async function readLimited(request: Request, limit: number): Promise<ArrayBuffer> {
  const declared = Number(request.headers.get("content-length") ?? Number.NaN);
  const reader = request.body?.getReader();
  if (!reader) return new ArrayBuffer(0);
  const parts: Uint8Array[] = [];
  let buffer = Number.isFinite(declared) ? new Uint8Array(declared) : null;
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    if (total + value.length > limit) {
      await reader.cancel();
      throw tooLarge();
    }
    if (buffer && total + value.length <= buffer.length) buffer.set(value, total);
    else {
      // More than declared (or nothing declared): keep the pieces and join them at the end.
      if (buffer) parts.push(buffer.subarray(0, total));
      buffer = null;
      parts.push(value);
    }
    total += value.length;
  }
  if (buffer) return total === buffer.length ? buffer.buffer : buffer.slice(0, total).buffer;
  const out = new Uint8Array(total);
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out.buffer;
}

/**
 * For the two upload routes: 415 unless the body is multipart/form-data, 413 over 50 MB (by
 * Content-Length at once, else while reading). The body is read only for a member or above, so
 * an anonymous caller cannot make the Worker buffer 50 MB; everyone else gets the route's own
 * 401/403 without the body being read.
 */
export function readImportUploads(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    if (!isImportUpload(c)) return next();
    const contentType = c.req.header("content-type") ?? "";
    if (boundaryOf(contentType) === null) throw notMultipart(contentType.split(";")[0]?.trim() ?? "");
    const declared = Number(c.req.header("content-length") ?? Number.NaN);
    if (Number.isFinite(declared) && declared > maxUploadBytes + 64 * 1024) throw tooLarge();
    const principal = await resolvePrincipal(c).catch(() => null);
    if (!principal || !hasRole(principal.role, "member")) return next();
    const body = await readLimited(c.req.raw, maxUploadBytes + 64 * 1024);
    // Hono serves every later body access (the idempotency hash, the route) from this cache. It
    // holds promises at run time although its type says ArrayBuffer (text() calls .then on it).
    Object.assign(c.req.bodyCache, { arrayBuffer: Promise.resolve(body) });
    await next();
  };
}

const booleanField = z.enum(["true", "false"], { message: 'Use "true" or "false".' }).transform((value) => value === "true");
const delimiterField = z
  .enum([";", ",", "\t", "tab", "semicolon", "comma"], { message: 'Use ";", "," or "tab".' })
  .transform((value) => (value === "tab" || value === "\t" ? "\t" : value === "semicolon" ? ";" : value === "comma" ? "," : value) as ";" | "," | "\t");
const mappingField = z.string().transform((text, ctx) => {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    ctx.addIssue({ code: "custom", message: "Send the mapping as a JSON object of column header → field." });
    return z.NEVER;
  }
  const object = z.record(z.string(), z.string()).safeParse(parsed);
  if (!object.success) {
    ctx.addIssue({ code: "custom", message: 'The mapping is a JSON object such as {"Vardas": "first_name", "Suma": "ignore"}.' });
    return z.NEVER;
  }
  return object.data;
});

/** The text fields of an upload; unknown fields are refused so that a typo is not silently ignored. */
export const UploadFields = z
  .object({
    encoding: z.enum(["auto", ...importEncodings], { message: `Use auto or one of ${importEncodings.join(", ")}.` }).default("auto"),
    delimiter: delimiterField.optional(),
    mapping: mappingField.optional(),
    dry_run: booleanField.default(false),
    on_match: z.enum(importMatchModes, { message: `Use one of ${importMatchModes.join(", ")}.` }).default("update_empty"),
  })
  .strict();

export type Upload = {
  fileName: string;
  bytes: Uint8Array;
  options: FileOptions;
  encodingGiven: boolean;
  dryRun: boolean;
  onMatch: (typeof importMatchModes)[number];
};

/** The upload's file and options, or a 4xx problem with a pointer to what is wrong. */
export async function readUpload(c: Context<AppEnv>): Promise<Upload> {
  const boundary = boundaryOf(c.req.header("content-type") ?? "");
  if (boundary === null) throw notMultipart("");
  const body = new Uint8Array(await c.req.arrayBuffer());
  const parts = parseMultipart(body, boundary);
  if (parts === null) throw problems.badRequest("The multipart body could not be read: check the boundary and the part headers.");
  const file = parts.find((part) => part.name === "file");
  if (!file) throw problems.validation([{ pointer: "/file", code: "required", detail: 'Send the CSV in a field named "file".' }]);
  if (file.data.length > maxUploadBytes) throw tooLarge();
  const fields: Record<string, string> = {};
  for (const part of parts) if (part.name !== "file") fields[part.name] = fieldText(part);
  const parsed = UploadFields.safeParse(fields);
  if (!parsed.success) {
    // A form field nobody reads is named by its own pointer, like any other wrong field.
    const errors = parsed.error.issues.flatMap((issue) =>
      issue.code === "unrecognized_keys"
        ? issue.keys.map((key) => ({ pointer: toPointer([key]), code: "unknown_field", detail: `There is no form field "${key}"; use file, mapping, dry_run, on_match, encoding or delimiter.` }))
        : fieldErrorsFrom(new z.ZodError([issue]), "json"),
    );
    throw problems.validation(errors);
  }
  const options = parsed.data;
  const fileName = (file.filename ?? "").replace(/[\\/]/g, "_").trim().slice(0, 200) || "import.csv";
  return {
    fileName,
    bytes: file.data,
    options: { encoding: options.encoding, delimiter: options.delimiter, mapping: options.mapping },
    encodingGiven: options.encoding !== "auto",
    dryRun: options.dry_run,
    onMatch: options.on_match,
  };
}
