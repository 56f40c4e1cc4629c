import { z } from "@hono/zod-openapi";
import { problems } from "./problem";

// Optimistic concurrency: the ETag is the record's version. A PATCH with If-Match must name the
// current version; a PATCH without it is accepted (last write wins) for simple clients.
export function etagFor(version: number): string {
  return `"${version}"`;
}

export function parseIfMatch(header: string | undefined): number | null {
  if (header === undefined || header.trim() === "*") return null;
  const match = /^\s*(?:W\/)?"(\d+)"\s*$/.exec(header);
  if (!match) throw problems.validation([{ parameter: "If-Match", detail: 'Send the ETag you received, for example "3".' }]);
  return Number(match[1]);
}

export function assertVersion(expected: number | null, current: number): void {
  if (expected !== null && expected !== current) throw problems.preconditionFailed(current);
}

export const IfMatchHeader = z.object({
  "if-match": z.string().max(40).optional().openapi({ param: { name: "if-match", in: "header" }, example: '"3"' }),
});
