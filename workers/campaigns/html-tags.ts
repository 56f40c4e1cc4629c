// Reading tags and attributes out of email HTML the way a browser would, for the two places that
// look at links without a DOM (workerd has none): the plain-text converter and link tracking.
// Quoted attribute values are read whole, so a ">" or an "href=" inside a value — a title a
// merge field filled from a web form, say — is text, never a tag end or an attribute.

/** A start or end tag: its name, whether it closes, and the attribute text after the name. */
export const tagPattern = /<(\/?)([a-z][a-z0-9-]*)((?:[^>"']|"[^"]*"|'[^']*')*)>/gi;

export type Attribute = { name: string; value: string; rawValue: string | null; start: number; end: number };

const attributePattern = /([^\s"'<>/=]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+)))?/g;

/** The attributes of a tag's attribute text, in order, with their offsets in that text. Values are as written (not entity-decoded). */
export function attributes(text: string): Attribute[] {
  const found: Attribute[] = [];
  for (const match of text.matchAll(attributePattern)) {
    const rawValue = match[2] ?? match[3] ?? match[4] ?? null;
    found.push({ name: (match[1] ?? "").toLowerCase(), value: rawValue ?? "", rawValue, start: match.index, end: match.index + match[0].length });
  }
  return found;
}

/** The first attribute called `name` (case-insensitive), or null. */
export function attributeNamed(text: string, name: string): Attribute | null {
  return attributes(text).find((attribute) => attribute.name === name.toLowerCase()) ?? null;
}
