// Merge fields in campaign subjects and bodies: `{{first_name}}` or
// `{{first_name | default: "there"}}`. A template is parsed once when it is saved (so an unknown
// field is a 422 at the editor, not a broken email at send time) and rendered per recipient.
// Pure: no I/O, so every rule is unit-tested.

/** The values a recipient brings; `unsubscribe_url` is filled by the sender, never by the user. */
export const mergeFields = ["first_name", "last_name", "full_name", "email", "company", "job_title", "city", "country", "owner_name", "unsubscribe_url"] as const;
export type MergeField = (typeof mergeFields)[number];
export type MergeValues = Partial<Record<MergeField, string | null>>;

export type TemplatePart = { kind: "text"; text: string } | { kind: "field"; field: MergeField; fallback: string | null };

export type TemplateProblem = {
  code: "unknown_field" | "unknown_filter" | "malformed_tag" | "unclosed_tag";
  /** Offset of the tag's `{{` in the source, so an editor can point at it. */
  index: number;
  /** The tag as written, e.g. `{{ frist_name }}`. */
  tag: string;
  message: string;
};

export type ParsedTemplate = { ok: true; parts: TemplatePart[] } | { ok: false; problems: TemplateProblem[] };

const isMergeField = (name: string): name is MergeField => (mergeFields as readonly string[]).includes(name);

// `name` then optionally `| default: "…"` (or '…'); spaces allowed around every piece.
const tagBody = /^\s*([a-z_][a-z0-9_]*)\s*(?:\|\s*([a-z_]+)\s*(?::\s*(?:"((?:[^"\\]|\\.)*)"|'((?:[^'\\]|\\.)*)'))?\s*)?$/i;

const unescapeQuoted = (text: string) => text.replace(/\\(.)/g, "$1");

function parseTag(body: string, index: number, tag: string): TemplatePart | TemplateProblem {
  const match = tagBody.exec(body);
  if (!match) return { code: "malformed_tag", index, tag, message: `${tag} is not a merge field. Write {{first_name}} or {{first_name | default: "there"}}.` };
  const [, rawName = "", filter, doubleQuoted, singleQuoted] = match;
  const name = rawName.toLowerCase();
  if (!isMergeField(name)) return { code: "unknown_field", index, tag, message: `Unknown merge field "${rawName}". Known fields: ${mergeFields.join(", ")}.` };
  if (filter === undefined) return { kind: "field", field: name, fallback: null };
  const quoted = doubleQuoted ?? singleQuoted;
  if (filter.toLowerCase() !== "default" || quoted === undefined) {
    return { code: "unknown_filter", index, tag, message: `Unknown filter in ${tag}. The only filter is default: {{${name} | default: "…"}}.` };
  }
  return { kind: "field", field: name, fallback: unescapeQuoted(quoted) };
}

/** Splits a template into text and merge fields, or lists every problem in it. */
export function parseTemplate(source: string): ParsedTemplate {
  const parts: TemplatePart[] = [];
  const problems: TemplateProblem[] = [];
  let at = 0;
  while (at < source.length) {
    const open = source.indexOf("{{", at);
    if (open === -1) {
      parts.push({ kind: "text", text: source.slice(at) });
      break;
    }
    if (open > at) parts.push({ kind: "text", text: source.slice(at, open) });
    const close = source.indexOf("}}", open + 2);
    // A new `{{` before the `}}` means this tag was never closed.
    const reopened = source.indexOf("{{", open + 2);
    if (close === -1 || (reopened !== -1 && reopened < close)) {
      const end = reopened === -1 ? Math.min(source.length, open + 40) : reopened;
      problems.push({ code: "unclosed_tag", index: open, tag: source.slice(open, end), message: `A merge field starting at character ${open + 1} has no closing }}.` });
      at = reopened === -1 ? source.length : reopened;
      continue;
    }
    const tag = source.slice(open, close + 2);
    const part = parseTag(source.slice(open + 2, close), open, tag);
    if ("code" in part) problems.push(part);
    else parts.push(part);
    at = close + 2;
  }
  return problems.length > 0 ? { ok: false, problems } : { ok: true, parts: mergeText(parts) };
}

function mergeText(parts: TemplatePart[]): TemplatePart[] {
  const out: TemplatePart[] = [];
  for (const part of parts) {
    const last = out.at(-1);
    if (part.kind === "text" && last?.kind === "text") last.text += part.text;
    else out.push(part);
  }
  return out;
}

const htmlEscapes: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

/** Escapes text for HTML element content and quoted attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => htmlEscapes[char] ?? char);
}

/**
 * Renders for one recipient. Values are escaped for HTML bodies (a contact named `<b>` stays
 * text); the template's own markup is the author's and is kept. Subjects and plain-text bodies
 * are rendered with `text` and must never be parsed as HTML by the caller. A value that is
 * missing or blank falls back to the tag's default, else to nothing.
 */
export function renderTemplate(parts: readonly TemplatePart[], values: MergeValues, mode: "html" | "text"): string {
  let out = "";
  for (const part of parts) {
    if (part.kind === "text") {
      out += part.text;
      continue;
    }
    const value = values[part.field]?.trim() ? (values[part.field] ?? "") : (part.fallback ?? "");
    out += mode === "html" ? escapeHtml(value) : value;
  }
  return out;
}

/** The merge fields a template uses, e.g. to tell the editor which ones a preview contact lacks. */
export function fieldsUsed(parts: readonly TemplatePart[]): MergeField[] {
  return [...new Set(parts.flatMap((part) => (part.kind === "field" ? [part.field] : [])))];
}

/** A subject line: text mode, and any line break (from a value or the template) becomes a space, so no value can add a header. */
export function renderSubject(parts: readonly TemplatePart[], values: MergeValues): string {
  return renderTemplate(parts, values, "text")
    .replace(/[\r\n\t\u2028\u2029]+/g, " ")
    .replace(/ {2,}/g, " ")
    .trim();
}
