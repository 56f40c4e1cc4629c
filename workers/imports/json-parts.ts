import { utf8Length } from "./file";

// Set-based writes bind one JSON array per statement (INSERT … SELECT … FROM json_each(?)), so
// D1's 100-parameter limit does not limit rows. A bound value must also stay under D1's 2 MB
// limit: a long list is split into arrays of at most `maxBytes`, one statement each.
export const maxPayloadBytes = 700_000;

export function jsonParts(items: readonly unknown[], maxBytes = maxPayloadBytes): string[] {
  const out: string[] = [];
  let current: string[] = [];
  let size = 2;
  for (const item of items) {
    const text = JSON.stringify(item);
    const bytes = utf8Length(text) + 1;
    if (current.length > 0 && size + bytes > maxBytes) {
      out.push(`[${current.join(",")}]`);
      current = [];
      size = 2;
    }
    current.push(text);
    size += bytes;
  }
  if (current.length > 0) out.push(`[${current.join(",")}]`);
  return out;
}
