// Prefixed, sortable, random ids: `con_01jd3x…`. The first 10 characters encode the creation
// time in milliseconds (Crockford base32), the remaining 16 are random (80 bits).
const alphabet = "0123456789abcdefghjkmnpqrstvwxyz";

export const idPrefixes = {
  workspace: "ws",
  user: "usr",
  membership: "mem",
  invitation: "inv",
  refreshToken: "rt",
  tokenFamily: "fam",
  apiKey: "key",
  audit: "aud",
  contact: "con",
  company: "cmp",
  consent: "cns",
  pipeline: "pip",
  stage: "stg",
  deal: "deal",
  stageChange: "dsh",
  form: "frm",
  submission: "sub",
  activity: "act",
  task: "tsk",
  reminder: "rem",
  notification: "ntf",
  email: "eml",
  import: "imp",
  duplicateScan: "dsc",
  duplicateCluster: "dup",
  merge: "mrg",
  qualityAudit: "qa",
  export: "exp",
  segment: "seg",
  template: "tpl",
  campaign: "cpg",
  recipient: "rcp",
  templatePreview: "tpv",
} as const;

export type IdKind = keyof typeof idPrefixes;

function encodeTime(ms: number): string {
  let value = ms;
  let out = "";
  for (let i = 0; i < 10; i++) {
    out = alphabet[value % 32] + out;
    value = Math.floor(value / 32);
  }
  return out;
}

function encodeRandom(length: number): string {
  const bytes = crypto.getRandomValues(new Uint8Array(length));
  let out = "";
  for (const byte of bytes) out += alphabet[byte % 32];
  return out;
}

export function newId(kind: IdKind, now = Date.now()): string {
  return `${idPrefixes[kind]}_${encodeTime(now)}${encodeRandom(16)}`;
}
