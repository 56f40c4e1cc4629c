// The audit log stores only what changed: for an update, the changed fields before and after;
// for a create, everything after; for a delete, everything before. Secrets never enter it.
export type Snapshot = Record<string, unknown>;
export type AuditDiff = { before: Snapshot | null; after: Snapshot | null };

const redactedFields = new Set(["password_hash", "passwordHash", "key_hash", "keyHash", "token_hash", "tokenHash"]);

function redact(snapshot: Snapshot): Snapshot {
  return Object.fromEntries(Object.entries(snapshot).filter(([field]) => !redactedFields.has(field)));
}

export function diffSnapshots(before: Snapshot | null, after: Snapshot | null): AuditDiff {
  if (before === null || after === null) {
    return { before: before && redact(before), after: after && redact(after) };
  }
  const changedBefore: Snapshot = {};
  const changedAfter: Snapshot = {};
  for (const field of new Set([...Object.keys(before), ...Object.keys(after)])) {
    if (redactedFields.has(field)) continue;
    if (JSON.stringify(before[field]) !== JSON.stringify(after[field])) {
      changedBefore[field] = before[field];
      changedAfter[field] = after[field];
    }
  }
  return { before: changedBefore, after: changedAfter };
}
