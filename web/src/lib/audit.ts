// Summarises an audit entry's diff as "field: before → after" lines, for the audit log table.

type Diff = { before: Record<string, unknown> | null; after: Record<string, unknown> | null };

function show(value: unknown): string {
  if (value === undefined) return "∅";
  if (typeof value === "string") return value;
  return JSON.stringify(value) ?? String(value);
}

export function describeDiff(diff: Diff, limit = 6): string[] {
  const before = diff.before ?? {};
  const after = diff.after ?? {};
  const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
  const lines: string[] = [];
  for (const key of keys) {
    if (JSON.stringify(before[key]) === JSON.stringify(after[key])) continue;
    if (diff.before === null) lines.push(`${key}: ${show(after[key])}`);
    else if (diff.after === null) lines.push(`${key}: ${show(before[key])} → ∅`);
    else lines.push(`${key}: ${show(before[key])} → ${show(after[key])}`);
  }
  return lines.length > limit ? [...lines.slice(0, limit), `+${lines.length - limit}`] : lines;
}
