// Demo and benchmark data: fills a local D1 database (the SQLite file Miniflare keeps under
// <persist>/v3/d1) with realistic, deterministic records for the five markets. Rows are written
// exactly as the API's services write them (workers/contacts/contact.service.ts), using the
// worker's own pure helpers, in one transaction with prepared statements. No audit entries are
// written for seeded rows: they were not changed by anyone through the API.
//
// Bundled with esbuild and run by test/seed/run.mjs (CLI) or test/bench/run.mjs.
import { randomBytes } from "node:crypto";
import { generateNKeysBetween } from "fractional-indexing";
import { DatabaseSync } from "node:sqlite";
import { hashPassword } from "../../workers/auth/password";
import { idPrefixes, newId, type IdKind } from "../../workers/db/ids";
import { companySizeBands, lifecycleStages, type LifecycleStage } from "../../workers/db/schema";
import { defaultStages } from "../../workers/pipelines/pipeline.service";
import { companyNameSort, contactNameSort, normalizeDomain, normalizePhone, normalizeTags, searchDocument, type NormalizedPhone } from "../../workers/contacts/normalize";
import {
  asciiSlug,
  companyTags,
  contactTags,
  industries,
  landingPages,
  leadStatuses,
  markets,
  referrers,
  sources,
  utmCampaigns,
  utmMediums,
  utmSources,
  type City,
  type Market,
} from "./data";

export type SeedOptions = {
  /** The D1 SQLite file to fill (migrations already applied). */
  dbFile: string;
  contacts: number;
  companies: number;
  /** Deals in the workspace (default 0): spread over the default pipeline and a second one. */
  deals?: number | undefined;
  /** Exactly this many of them are open deals in the default "Sales" pipeline (the benchmark's board). */
  boardDeals?: number | undefined;
  /** Tasks (default 0): spread over the members; overdue, due today, upcoming, done and cancelled. */
  tasks?: number | undefined;
  /** Logged activities (default 0): calls, emails, meetings, notes, messages on contacts and deals. */
  activities?: number | undefined;
  seed: number;
  email?: string | undefined;
  password?: string | undefined;
  /** End of the seeded history, epoch ms; records are created over the three years before it. */
  now: number;
  log?: (line: string) => void;
};

export type SeedResult = {
  email: string;
  password: string;
  workspaceId: string;
  workspaceName: string;
  members: { userId: string; email: string; name: string; role: string }[];
  counts: Record<string, number>;
  /** The default "Sales" pipeline (the board with --board-deals open deals). */
  pipelineId: string;
  /** Public key of the seeded lead-capture form: POST /f/{formKey}. */
  formKey: string;
  /** What the seed leaves empty, and why. */
  notSeeded: string[];
  seconds: number;
};

// ---- deterministic randomness ------------------------------------------------------------------

/** mulberry32: small, fast, good enough for test data; the same seed always gives the same stream. */
export function prng(seed: number) {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number) => Math.floor(next() * n);
  function pick<T>(items: readonly T[]): T {
    const item = items[int(items.length)];
    if (item === undefined) throw new Error("pick from an empty list");
    return item;
  }
  const chance = (p: number) => next() < p;
  const digits = (n: number) => {
    let out = "";
    for (let i = 0; i < n; i++) out += String(int(10));
    return out;
  };
  function weighted<T>(entries: readonly (readonly [T, number])[]): T {
    const total = entries.reduce((sum, [, w]) => sum + w, 0);
    let r = next() * total;
    for (const [value, w] of entries) {
      r -= w;
      if (r < 0) return value;
    }
    return entries[entries.length - 1]![0];
  }
  return { next, int, pick, chance, digits, weighted };
}
type Rng = ReturnType<typeof prng>;

function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

const idAlphabet = "0123456789abcdefghjkmnpqrstvwxyz";

function encodeTime(ms: number): string {
  let value = ms;
  let out = "";
  for (let i = 0; i < 10; i++) {
    out = idAlphabet[value % 32] + out;
    value = Math.floor(value / 32);
  }
  return out;
}

// The worker's id layout (workers/db/ids.ts: prefix, 10 time characters, 16 random ones) with the
// random part drawn from the seeded stream, so the same seed gives the same ids. Encoding the time
// here avoids a crypto.getRandomValues call per row; checked against newId below.
function seededId(rng: Rng, kind: IdKind, at: number): string {
  let random = "";
  for (let i = 0; i < 16; i++) random += idAlphabet[rng.int(32)];
  return `${idPrefixes[kind]}_${encodeTime(at)}${random}`;
}

function assertSameIdLayout() {
  const probe = prng(1);
  for (const at of [0, 1_700_000_000_000, Date.UTC(2026, 10, 22, 12, 34, 56, 789)]) {
    const ours = seededId(probe, "contact", at);
    const theirs = newId("contact", at);
    if (ours.slice(0, 14) !== theirs.slice(0, 14) || ours.length !== theirs.length) {
      throw new Error(`seed ids no longer match workers/db/ids.ts (${ours} vs ${theirs}): update seededId`);
    }
  }
}

// ---- phones ----------------------------------------------------------------------------------

// The workspace's default phone country: what the API parses every number with.
const workspacePhoneCountry = "LT";

type PhoneFormat = (rng: Rng) => string;

function group(digits: string, sizes: number[], sep = " "): string {
  const parts: string[] = [];
  let at = 0;
  for (const size of sizes) {
    parts.push(digits.slice(at, at + size));
    at += size;
  }
  if (at < digits.length) parts.push(digits.slice(at));
  return parts.filter(Boolean).join(sep);
}

// Mobile numbers as people type them. Numbers outside Lithuania carry their country code, as
// they must in a workspace whose default phone country is LT.
const mobileFormats: Record<string, PhoneFormat> = {
  LT: (rng) => {
    const n = `6${rng.digits(7)}`; // 6xx xxxxx
    return rng.pick([
      `8 ${group(n, [3, 5])}`,
      `+370 ${group(n, [3, 5])}`,
      `8${n}`,
      `+370${n}`,
      `8-${group(n, [3, 5], "-")}`,
      `(8 ${n.slice(0, 3)}) ${n.slice(3)}`,
    ]);
  },
  LV: (rng) => {
    const n = `2${rng.digits(7)}`;
    return rng.pick([`+371 ${group(n, [2, 3, 3])}`, `+371 ${n}`, `00371 ${n}`, `+371${n}`]);
  },
  SI: (rng) => {
    const n = `${rng.pick(["31", "40", "41", "51", "64", "68", "70"])}${rng.digits(6)}`;
    return rng.pick([`+386 ${group(n, [2, 3, 3])}`, `+386 ${n}`, `00386 ${group(n, [2, 3, 3])}`]);
  },
  RU: (rng) => {
    const n = `9${rng.pick(["03", "05", "10", "15", "16", "26", "85", "99"])}${rng.digits(7)}`;
    return rng.pick([`+7 ${n.slice(0, 3)} ${n.slice(3, 6)}-${n.slice(6, 8)}-${n.slice(8)}`, `+7 (${n.slice(0, 3)}) ${n.slice(3, 6)}-${n.slice(6, 8)}-${n.slice(8)}`, `+7${n}`]);
  },
  GB: (rng) => {
    const n = `7${rng.pick(["4", "5", "7", "8", "9"])}${rng.digits(8)}`;
    return rng.pick([`+44 ${group(n, [4, 6])}`, `+44 ${n}`, `0044 ${group(n, [4, 6])}`]);
  },
  IE: (rng) => {
    const n = `8${rng.pick(["3", "5", "6", "7", "9"])}${rng.digits(7)}`;
    return rng.pick([`+353 ${group(n, [2, 3, 4])}`, `+353${n}`]);
  },
  US: (rng) => {
    const area = rng.pick(["212", "415", "617", "312", "206", "646", "718"]);
    const exchange = `${2 + rng.int(8)}${rng.digits(2)}`;
    const line = rng.digits(4);
    return rng.pick([`+1 (${area}) ${exchange}-${line}`, `+1 ${area}-${exchange}-${line}`, `+1${area}${exchange}${line}`]);
  },
};

// Office numbers for companies.
const landlineFormats: Record<string, PhoneFormat> = {
  LT: (rng) => {
    const n = `5${rng.pick(["2", "2", "2", "3"])}${rng.digits(6)}`;
    return rng.pick([`8 5 ${group(n.slice(1), [3, 4])}`, `+370 5 ${group(n.slice(1), [3, 4])}`, `(8 5) ${n.slice(1)}`]);
  },
  LV: (rng) => `+371 67${rng.digits(6)}`,
  SI: (rng) => `+386 1 ${group(`${2 + rng.int(6)}${rng.digits(6)}`, [3, 2, 2])}`,
  RU: (rng) => `+7 495 ${rng.pick(["2", "6", "7", "9"])}${rng.digits(2)}-${rng.digits(2)}-${rng.digits(2)}`,
  GB: (rng) => `+44 20 ${rng.pick(["7", "3", "8"])}${rng.digits(3)} ${rng.digits(4)}`,
  IE: (rng) => `+353 1 ${rng.pick(["4", "6", "8"])}${rng.digits(2)} ${rng.digits(4)}`,
  US: (rng) => `+1 (212) ${2 + rng.int(8)}${rng.digits(2)}-${rng.digits(4)}`,
};

type Phone = { raw: string; normalized: NormalizedPhone };

/** A number that the API would accept, as typed; every candidate is checked with the worker's normalizePhone. */
function phoneFor(rng: Rng, country: string, formats: Record<string, PhoneFormat>): Phone {
  const format = formats[country];
  if (!format) throw new Error(`no phone format for ${country}`);
  for (let attempt = 0; attempt < 50; attempt++) {
    const raw = format(rng);
    const normalized = normalizePhone(raw, workspacePhoneCountry);
    if (normalized) return { raw, normalized };
  }
  throw new Error(`could not generate a valid ${country} phone in 50 attempts`);
}

// ---- helpers -----------------------------------------------------------------------------------

const day = 24 * 60 * 60 * 1000;
const year = 365 * day;

function marketOf(rng: Rng): Market {
  return rng.weighted(markets.map((m) => [m, m.weight] as const));
}

function uniqueIn(taken: Set<string>, base: string, make: (n: number) => string): string {
  if (!taken.has(base)) {
    taken.add(base);
    return base;
  }
  for (let n = 2; ; n++) {
    const candidate = make(n);
    if (!taken.has(candidate)) {
      taken.add(candidate);
      return candidate;
    }
  }
}

const tldByCountry: Record<string, string> = { LT: "lt", LV: "lv", SI: "si", RU: "ru", GB: "co.uk", IE: "ie", US: "com" };

const stageWeights: readonly (readonly [LifecycleStage, number])[] = [
  ["subscriber", 20],
  ["lead", 30],
  ["marketing_qualified", 12],
  ["sales_qualified", 8],
  ["opportunity", 8],
  ["customer", 17],
  ["evangelist", 2],
  ["other", 3],
];
if (stageWeights.length !== lifecycleStages.length) throw new Error("every lifecycle stage needs a weight");

const revenueBySize: Record<string, [number, number]> = {
  "1-10": [50_000, 1_000_000],
  "11-50": [500_000, 8_000_000],
  "51-200": [3_000_000, 40_000_000],
  "201-500": [20_000_000, 120_000_000],
  "501-1000": [60_000_000, 300_000_000],
  "1001-5000": [200_000_000, 1_500_000_000],
  "5001+": [1_000_000_000, 20_000_000_000],
};

type Member = { userId: string; email: string; name: string; role: "owner" | "admin" | "member"; market: Market["code"] };

type CompanyRecord = { id: string; name: string; domain: string | null; market: Market; city: City; createdAt: number };

type ContactRecord = { id: string; name: string; companyId: string | null; companyName: string | null; ownerId: string; createdAt: number };

// ---- deals ------------------------------------------------------------------------------------

type StageRecord = { id: string; pipelineId: string; kind: "open" | "won" | "lost" };

type DealRecord = { id: string; title: string; contactId: string; companyId: string | null; ownerId: string; kind: "open" | "won" | "lost"; createdAt: number };

// The second pipeline: renewals of existing customers.
const renewalStageSpecs = [
  { name: "Upcoming", probability: 40, kind: "open" },
  { name: "In talks", probability: 70, kind: "open" },
  { name: "Renewed", probability: 100, kind: "won" },
  { name: "Churned", probability: 0, kind: "lost" },
] as const;

const dealProducts = ["CRM rollout", "Annual licence", "Support plan", "Onboarding", "Data migration", "Seats expansion", "Integration project", "Training", "Pilot"];
const lostReasons = ["Price", "Chose a competitor", "No budget", "No decision", "Timing", "Missing feature"];
const dealSources = ["website", "referral", "outbound", "event", "partner", "form: Website: contact us"];
const dealTags = ["priority", "upsell", "q4", "enterprise", "smb", "partner", "renewal"];

/** An 18-byte base64url key like randomToken(18) in workers/lib/crypto.ts, from the seeded stream. */
function seededFormKey(rng: Rng): string {
  const bytes = Buffer.from(Array.from({ length: 18 }, () => rng.int(256)));
  return bytes.toString("base64url");
}

/** Splits n into parts proportional to weights, summing exactly to n. */
function apportion(n: number, weights: readonly number[]): number[] {
  const total = weights.reduce((a, b) => a + b, 0);
  const parts = weights.map((w) => Math.floor((n * w) / total));
  let rest = n - parts.reduce((a, b) => a + b, 0);
  for (let i = 0; rest > 0; i = (i + 1) % parts.length, rest--) parts[i]! += 1;
  return parts;
}

// Rows as the hub writes them (createDeal in workers/deals/deal.service.ts): status from the
// stage's kind, closed_at for won and lost, stage_entered_at = created_at (the deal was created in
// its stage), version 1, one stage-history row from null to the stage, and positions from
// fractional-indexing in order within each stage (what appending one deal after another gives).
function seedDeals(input: {
  db: DatabaseSync;
  rng: Rng;
  idRng: Rng;
  workspaceId: string;
  total: number;
  board: number;
  salesStages: StageRecord[];
  renewalStages: StageRecord[];
  contacts: ContactRecord[];
  members: Member[];
  start: number;
  end: number;
  bump: (table: string, n?: number) => void;
}): DealRecord[] {
  const { db, rng, idRng, workspaceId, total, salesStages, renewalStages, contacts, members, start, end, bump } = input;
  const out: DealRecord[] = [];
  if (total === 0) return out;
  if (contacts.length === 0) throw new Error("deals need contacts: seed at least one contact");
  const board = Math.min(input.board, total);
  const salesOpen = salesStages.filter((s) => s.kind === "open");
  const salesWon = salesStages.find((s) => s.kind === "won")!;
  const salesLost = salesStages.find((s) => s.kind === "lost")!;
  const rest = total - board;
  // Open Sales deals thin out toward the later stages; the remaining deals are half closed Sales
  // deals (won 45 : lost 55) and half renewals (open 35 : renewed 45 : churned 20).
  const [salesClosed = 0, renewals = 0] = apportion(rest, [1, 1]);
  const plan: [StageRecord, number][] = [
    ...apportion(board, [40, 25, 20, 15].slice(0, salesOpen.length)).map((n, i) => [salesOpen[i]!, n] as [StageRecord, number]),
    ...apportion(salesClosed, [45, 55]).map((n, i) => [[salesWon, salesLost][i]!, n] as [StageRecord, number]),
    ...apportion(renewals, [20, 15, 45, 20]).map((n, i) => [renewalStages[i]!, n] as [StageRecord, number]),
  ];
  const insertDeal = db.prepare(
    `INSERT INTO deals (id, workspace_id, pipeline_id, stage_id, position, title, value, currency, primary_contact_id, company_id, owner_id,
      expected_close_date, status, lost_reason, closed_at, stage_entered_at, source, tags, last_activity_at, created_by, updated_by, created_at, updated_at, version, deleted_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, ?, ?, ?, ?, 1, NULL)`,
  );
  const insertHistory = db.prepare("INSERT INTO deal_stage_history (id, workspace_id, deal_id, from_stage_id, to_stage_id, actor_type, actor_id, at) VALUES (?, ?, ?, NULL, ?, 'user', ?, ?)");
  const companyNames = new Map((db.prepare("SELECT id, name FROM companies WHERE workspace_id = ?").all(workspaceId) as { id: string; name: string }[]).map((c) => [c.id, c.name]));
  const contactNames = db.prepare("SELECT last_name AS name FROM contacts WHERE id = ?");
  for (const [stage, count] of plan) {
    if (count === 0) continue;
    const positions = generateNKeysBetween(null, null, count);
    // Open deals are recent (the last 90 days); closed ones span the seeded three years.
    const from = stage.kind === "open" ? Math.max(start, end - 90 * day) : start;
    const step = (end - from) / count;
    for (let i = 0; i < count; i++) {
      const createdAt = Math.floor(from + i * step + rng.next() * step * 0.9);
      const contact = contacts[rng.int(contacts.length)]!;
      const companyId = contact.companyId ?? null;
      const owner = rng.pick(members);
      const id = seededId(idRng, "deal", createdAt);
      const who = companyId ? companyNames.get(companyId) : (contactNames.get(contact.id) as { name: string | null } | undefined)?.name;
      const title = `${who ?? "Lead"}: ${rng.pick(dealProducts)}`;
      const currency = rng.chance(0.15) ? "USD" : "EUR";
      const value = (5 + rng.int(2_000)) * 100 * 100; // €500 to €200,400 in cents, whole hundreds
      const expected = stage.kind === "open" ? new Date(end + (7 + rng.int(120)) * day).toISOString().slice(0, 10) : null;
      const tags = normalizeTags(rng.chance(0.4) ? [rng.pick(dealTags), ...(rng.chance(0.3) ? [rng.pick(dealTags)] : [])] : []);
      insertDeal.run(
        id,
        workspaceId,
        stage.pipelineId,
        stage.id,
        positions[i]!,
        title,
        value,
        currency,
        contact.id,
        companyId,
        owner.userId,
        expected,
        stage.kind,
        stage.kind === "lost" ? rng.pick(lostReasons) : null,
        stage.kind === "open" ? null : createdAt,
        createdAt,
        rng.chance(0.8) ? rng.pick(dealSources) : null,
        JSON.stringify(tags),
        owner.userId,
        owner.userId,
        createdAt,
        createdAt,
      );
      insertHistory.run(seededId(idRng, "stageChange", createdAt), workspaceId, id, stage.id, owner.userId, createdAt);
      out.push({ id, title, contactId: contact.id, companyId, ownerId: owner.userId, kind: stage.kind, createdAt });
    }
    bump("deals", count);
    bump("deal_stage_history", count);
  }
  return out;
}

// ---- tasks and activities ---------------------------------------------------------------------

const minute = 60_000;
const hour = 60 * minute;

const contactTaskTitles = [
  (who: string) => `Call ${who}`,
  (who: string) => `Follow up with ${who}`,
  (who: string) => `Send the offer to ${who}`,
  (who: string) => `Book a demo with ${who}`,
  (who: string) => `Ask ${who} for a referral`,
  (who: string) => `Confirm the meeting with ${who}`,
];
const dealTaskTitles = [
  (deal: string) => `Prepare the proposal: ${deal}`,
  (deal: string) => `Send the contract: ${deal}`,
  (deal: string) => `Chase the signature: ${deal}`,
  (deal: string) => `Check the budget: ${deal}`,
];
const ownTaskTitles = ["Update the pipeline forecast", "Clean up duplicate contacts", "Plan next week's calls", "Write the monthly report", "Review open offers"];
const taskDescriptions = ["They asked for a call after lunch.", "Use the new price list.", "Mention the annual discount.", "Bring the case study.", "Check the last email first."];

// Reminder offsets in minutes before the due time, as people pick them (the API's default is [0]).
const offsetChoices: readonly (readonly [number[], number])[] = [
  [[0], 55],
  [[15], 10],
  [[0, 15], 10],
  [[60], 5],
  [[0, 1440], 10],
  [[30, 1440], 5],
  [[], 5],
];

/** A due time on the hour or half hour between 08:00 and 18:00 UTC of the day that contains `dayStart`. */
function workingTime(rng: Rng, dayStart: number): number {
  return dayStart + 8 * hour + rng.int(21) * 30 * minute;
}

// Rows as the task service writes them (workers/tasks): reminder rows for open tasks with a due
// time, one per offset at due_at − offset. A reminder whose time has passed before `end` has fired
// already (enqueued_at set, as the per-minute scan leaves it); the rest are pending, so the scan's
// partial index holds only the future. Done and cancelled tasks keep only the reminders that fired
// before they were closed (their pending rows were deleted). Recurring tasks are open ones only.
function seedTasks(input: {
  db: DatabaseSync;
  rng: Rng;
  idRng: Rng;
  workspaceId: string;
  total: number;
  contacts: ContactRecord[];
  deals: DealRecord[];
  members: Member[];
  end: number;
  bump: (table: string, n?: number) => void;
}) {
  const { db, rng, idRng, workspaceId, total, contacts, deals, members, end, bump } = input;
  if (total === 0) return;
  const insertTask = db.prepare(
    `INSERT INTO tasks (id, workspace_id, title, description, due_at, reminder_offsets, assignee_id, priority, contact_id, company_id, deal_id,
      status, recurrence, previous_id, completed_at, created_by, updated_by, created_at, updated_at, version, deleted_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, ?, ?, ?, ?, ?, ?, NULL)`,
  );
  const insertReminder = db.prepare("INSERT INTO task_reminders (id, workspace_id, task_id, fire_at, enqueued_at) VALUES (?, ?, ?, ?, ?)");
  const today = Math.floor(end / day) * day;
  const openDeals = deals.filter((d) => d.kind === "open");
  for (let i = 0; i < total; i++) {
    const status = rng.weighted([
      ["open", 40],
      ["done", 52],
      ["cancelled", 8],
    ] as const);
    // Open: a quarter overdue (up to 30 days), a tenth today, most upcoming (up to 60 days), some undated.
    // Closed: due over the last year.
    let dueAt: number | null;
    if (status === "open") {
      const when = rng.weighted([
        ["overdue", 25],
        ["today", 10],
        ["upcoming", 55],
        ["none", 10],
      ] as const);
      dueAt =
        when === "none" ? null : when === "today" ? workingTime(rng, today) : when === "overdue" ? workingTime(rng, today - (1 + rng.int(30)) * day) : workingTime(rng, today + (1 + rng.int(60)) * day);
    } else dueAt = workingTime(rng, today - (1 + rng.int(365)) * day);
    const assignee = rng.pick(members);
    // Related record: a contact (owned by the assignee mostly), a deal, or nothing (own work).
    const kind = rng.weighted([
      ["contact", 60],
      ["deal", deals.length > 0 ? 25 : 0],
      ["none", 15],
    ] as const);
    let contactId: string | null = null;
    let companyId: string | null = null;
    let dealId: string | null = null;
    let title: string;
    if (kind === "contact" && contacts.length > 0) {
      const contact = contacts[rng.int(contacts.length)]!;
      contactId = contact.id;
      companyId = contact.companyId;
      title = rng.pick(contactTaskTitles)(contact.name);
    } else if (kind === "deal") {
      const pool = status === "open" && openDeals.length > 0 ? openDeals : deals;
      const deal = pool[rng.int(pool.length)]!;
      dealId = deal.id;
      contactId = rng.chance(0.5) ? deal.contactId : null;
      companyId = deal.companyId;
      title = rng.pick(dealTaskTitles)(deal.title);
    } else title = rng.pick(ownTaskTitles);
    const offsets = dueAt === null ? [0] : rng.weighted(offsetChoices);
    // Created one to fourteen days before it was due (undated ones: in the last month), never after `end`.
    const createdAt = Math.min(end - rng.int(hour), dueAt === null ? end - rng.int(30 * day) : dueAt - (1 + rng.int(14)) * day + rng.int(day));
    const completedAt = status === "open" || dueAt === null ? null : Math.min(end - rng.int(hour), Math.max(createdAt + minute, dueAt + (rng.int(5 * day) - 2 * day)));
    const updatedAt = completedAt ?? createdAt;
    const creator = rng.chance(0.8) ? assignee : rng.pick(members);
    const recurrence = status === "open" && rng.chance(0.05) ? rng.weighted([["daily", 1], ["weekly", 3], ["monthly", 1]] as const) : "none";
    const id = seededId(idRng, "task", createdAt);
    insertTask.run(
      id,
      workspaceId,
      title,
      rng.chance(0.3) ? rng.pick(taskDescriptions) : null,
      dueAt,
      JSON.stringify(offsets),
      assignee.userId,
      rng.weighted([["low", 20], ["normal", 60], ["high", 20]] as const),
      contactId,
      companyId,
      dealId,
      status,
      recurrence,
      completedAt,
      creator.userId,
      status === "open" ? creator.userId : assignee.userId,
      createdAt,
      updatedAt,
      status === "open" ? 1 : 2,
    );
    bump("tasks");
    if (dueAt === null) continue;
    for (const offset of offsets) {
      const fireAt = dueAt - offset * minute;
      const closedBefore = completedAt !== null && fireAt > completedAt;
      if (closedBefore) continue;
      insertReminder.run(seededId(idRng, "reminder", createdAt), workspaceId, id, fireAt, fireAt <= end ? fireAt : null);
      bump("task_reminders");
    }
  }
}

const activityOutcomes = ["connected", "left voicemail", "no answer", "call back later"];
const meetingSubjects = ["Discovery call", "Product demo", "Pricing discussion", "Quarterly review", "Onboarding kick-off"];
const emailSubjects = ["Re: your question", "Offer", "Follow-up after our call", "Meeting notes", "Contract draft", "Invoice"];
const noteBodies = ["Decision expected next month.", "Prefers email over calls.", "Budget approved for Q1.", "Asked about integrations.", "Works part-time on Fridays."];
const messageBodies = ["Thanks, got it!", "Can we move to Thursday?", "Sending the details now.", "Please call me back.", "Looks good to me."];

// Rows as the activity service writes them (workers/activities), with last_activity_at on the
// linked contact, company and deal set to the newest activity, as the service keeps it. Each
// activity happened after its contact (or deal) was created and before `end`.
function seedActivities(input: {
  db: DatabaseSync;
  rng: Rng;
  idRng: Rng;
  workspaceId: string;
  total: number;
  contacts: ContactRecord[];
  deals: DealRecord[];
  members: Member[];
  end: number;
  bump: (table: string, n?: number) => void;
}) {
  const { db, rng, idRng, workspaceId, total, contacts, deals, members, end, bump } = input;
  if (total === 0 || contacts.length === 0) return;
  const insert = db.prepare(
    `INSERT INTO activities (id, workspace_id, type, direction, subject, body, occurred_at, duration_seconds, outcome, contact_id, company_id, deal_id,
      author_id, created_at, updated_at, version, deleted_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, NULL)`,
  );
  // A deal's contact may be newer than the deal (the deal seed picks any contact): an activity on
  // the deal happens after both were created.
  const contactCreated = new Map(contacts.map((c) => [c.id, c.createdAt]));
  const latest = { contacts: new Map<string, number>(), companies: new Map<string, number>(), deals: new Map<string, number>() };
  const touch = (map: Map<string, number>, id: string | null, at: number) => {
    if (id !== null && (map.get(id) ?? 0) < at) map.set(id, at);
  };
  for (let i = 0; i < total; i++) {
    let contactId: string;
    let companyId: string | null;
    let dealId: string | null = null;
    let since: number;
    let author: string;
    if (deals.length > 0 && rng.chance(0.3)) {
      const deal = deals[rng.int(deals.length)]!;
      dealId = deal.id;
      contactId = deal.contactId;
      companyId = deal.companyId;
      since = Math.max(deal.createdAt, contactCreated.get(deal.contactId) ?? deal.createdAt);
      author = deal.ownerId;
    } else {
      const contact = contacts[rng.int(contacts.length)]!;
      contactId = contact.id;
      companyId = contact.companyId;
      since = contact.createdAt;
      author = rng.chance(0.8) ? contact.ownerId : rng.pick(members).userId;
    }
    // Recent activity is denser: the square of a uniform draw leans towards `end`.
    const u = rng.next();
    const occurredAt = Math.max(since, Math.floor(end - (1 - u) * (1 - u) * (end - since)) - rng.int(hour));
    const type = rng.weighted([
      ["email", 35],
      ["call", 25],
      ["meeting", 10],
      ["note", 20],
      ["message", 10],
    ] as const);
    const direction = type === "note" ? null : rng.chance(0.45) ? "inbound" : "outbound";
    const subject = type === "email" ? rng.pick(emailSubjects) : type === "meeting" ? rng.pick(meetingSubjects) : null;
    const body = type === "note" ? rng.pick(noteBodies) : type === "message" ? rng.pick(messageBodies) : rng.chance(0.3) ? rng.pick(noteBodies) : null;
    const duration = type === "call" ? 30 + rng.int(1200) : type === "meeting" ? (2 + rng.int(6)) * 15 * 60 : null;
    const outcome = type === "call" ? rng.pick(activityOutcomes) : null;
    insert.run(seededId(idRng, "activity", occurredAt), workspaceId, type, direction, subject, body, occurredAt, duration, outcome, contactId, companyId, dealId, author, occurredAt, occurredAt);
    touch(latest.contacts, contactId, occurredAt);
    touch(latest.companies, companyId, occurredAt);
    touch(latest.deals, dealId, occurredAt);
  }
  bump("activities", total);
  for (const [table, map] of Object.entries(latest)) {
    const update = db.prepare(`UPDATE ${table} SET last_activity_at = ? WHERE id = ?`);
    for (const [id, at] of map) update.run(at, id);
  }
}

// ---- the seed ----------------------------------------------------------------------------------

export async function seedDatabase(options: SeedOptions): Promise<SeedResult> {
  const started = performance.now();
  assertSameIdLayout();
  const log = options.log ?? (() => {});
  const rng = prng(options.seed);
  const email = (options.email ?? "demo@rapport.test").trim().toLowerCase();
  const password = options.password ?? randomBytes(12).toString("base64url");
  if (password.length < 10) throw new Error("--password needs at least 10 characters (the API's rule).");
  const domain = email.split("@")[1] ?? "rapport.test";
  // Ids come from their own stream, salted with the demo email, so that a second demo workspace
  // (another --email) fits into the same database while the records themselves stay the same.
  const idRng = prng((options.seed ^ fnv1a(email)) >>> 0);

  const db = new DatabaseSync(options.dbFile);
  const hasContacts = db.prepare("SELECT count(*) AS n FROM sqlite_master WHERE type = 'table' AND name = 'contacts'").get() as { n: number };
  if (hasContacts.n !== 1) throw new Error(`${options.dbFile} has no contacts table: are the migrations applied?`);

  const end = options.now;
  const start = end - 3 * year;
  const workspaceCreatedAt = start - 7 * day;
  const workspaceId = seededId(idRng, "workspace", workspaceCreatedAt);
  const workspaceName = `Baltic Demo Sales (seed ${options.seed})`;

  const memberSpecs: Omit<Member, "userId">[] = [
    { email, name: "Demo Owner", role: "owner", market: "en" },
    { email: `ruta.kazlauskiene@${domain}`, name: "Rūta Kazlauskienė", role: "admin", market: "lt" },
    { email: `janis.berzins@${domain}`, name: "Jānis Bērziņš", role: "member", market: "lv" },
    { email: `anze.kosir@${domain}`, name: "Anže Košir", role: "member", market: "sl" },
    { email: `olga.smirnova@${domain}`, name: "Ольга Смирнова", role: "member", market: "ru" },
    { email: `emma.walsh@${domain}`, name: "Emma Walsh", role: "member", market: "en" },
  ];
  const taken = db.prepare(`SELECT email FROM users WHERE email IN (${memberSpecs.map(() => "?").join(",")})`).all(...memberSpecs.map((m) => m.email)) as { email: string }[];
  if (taken.length > 0) {
    db.close();
    throw new Error(
      `This database already has users ${taken.map((t) => t.email).join(", ")} (seeded before?). ` +
        "Pass --email with another address (its domain names the other members), or seed a fresh --persist-to folder.",
    );
  }

  const passwordHash = await hashPassword(password);
  const members: Member[] = memberSpecs.map((spec) => ({ ...spec, userId: seededId(idRng, "user", workspaceCreatedAt) }));
  const owners = members; // every member owns records
  const ownerFor = (market: Market["code"]) => {
    // Most records belong to the member who works that market; the rest are spread.
    const local = owners.filter((m) => m.market === market);
    return rng.chance(0.7) && local.length > 0 ? rng.pick(local) : rng.pick(owners);
  };

  // Foreign keys are checked once at the end (PRAGMA foreign_key_check) instead of on every row.
  db.exec("PRAGMA synchronous = OFF; PRAGMA temp_store = MEMORY; PRAGMA cache_size = -262144; PRAGMA foreign_keys = OFF;");
  const maxRowid = (db.prepare("SELECT coalesce(max(search_rowid), 0) AS n FROM contacts").get() as { n: number }).n;
  const counts: Record<string, number> = {};
  const bump = (table: string, n = 1) => {
    counts[table] = (counts[table] ?? 0) + n;
  };

  let formKeyOut = "";
  let pipelineIdOut = "";
  db.exec("BEGIN");
  // Secondary indexes of the tables we fill are dropped and rebuilt after the inserts: building an
  // index over all rows at once is several times faster than keeping it up to date row by row,
  // and a unique index still refuses duplicates when it is rebuilt (the transaction then rolls back).
  const indexes = db
    .prepare(
      "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL AND tbl_name IN ('contacts', 'contact_emails', 'contact_phones', 'contact_tags', 'consent_records', 'companies', 'deals', 'deal_stage_history', 'tasks', 'task_reminders', 'activities')",
    )
    .all() as { name: string; sql: string }[];
  try {
    for (const index of indexes) db.exec(`DROP INDEX "${index.name}"`);
    db.prepare("INSERT INTO workspaces (id, name, default_currency, time_zone, default_phone_country, language, version, created_at, updated_at) VALUES (?, ?, 'EUR', 'Europe/Vilnius', ?, 'en', 1, ?, ?)").run(
      workspaceId,
      workspaceName,
      workspacePhoneCountry,
      workspaceCreatedAt,
      workspaceCreatedAt,
    );
    bump("workspaces");
    // The default pipeline signup creates (workers/pipelines/pipeline.service.ts, defaultPipelineInserts).
    const pipelineId = seededId(idRng, "pipeline", workspaceCreatedAt);
    db.prepare("INSERT INTO pipelines (id, workspace_id, name, position, is_default, version, created_at, updated_at) VALUES (?, ?, 'Sales', 0, 1, 1, ?, ?)").run(
      pipelineId,
      workspaceId,
      workspaceCreatedAt,
      workspaceCreatedAt,
    );
    pipelineIdOut = pipelineId;
    const insertStage = db.prepare("INSERT INTO stages (id, workspace_id, pipeline_id, name, position, probability, kind, rotting_days) VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
    const salesStages: StageRecord[] = defaultStages.map((stage, position) => {
      const id = seededId(idRng, "stage", workspaceCreatedAt);
      insertStage.run(id, workspaceId, pipelineId, stage.name, position, stage.probability, stage.kind, stage.kind === "open" ? 14 : null);
      return { id, pipelineId, kind: stage.kind };
    });
    bump("pipelines");
    bump("stages", defaultStages.length);
    const insertUser = db.prepare("INSERT INTO users (id, email, name, password_hash, language, time_zone, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
    const insertMembership = db.prepare("INSERT INTO memberships (id, workspace_id, user_id, role, version, created_at, updated_at) VALUES (?, ?, ?, ?, 1, ?, ?)");
    const languageOf: Record<string, string> = { lt: "lt", lv: "lv", sl: "sl", ru: "ru", en: "en" };
    const zoneOf: Record<string, string> = { lt: "Europe/Vilnius", lv: "Europe/Riga", sl: "Europe/Ljubljana", ru: "Europe/Moscow", en: "Europe/Vilnius" };
    members.forEach((member, index) => {
      // Members join one minute apart, the owner first (sign-in picks the oldest membership).
      const at = workspaceCreatedAt + index * 60_000;
      insertUser.run(member.userId, member.email, member.name, passwordHash, languageOf[member.market] ?? "en", zoneOf[member.market] ?? "UTC", at, at);
      insertMembership.run(seededId(idRng, "membership", at), workspaceId, member.userId, member.role, at, at);
      bump("users");
      bump("memberships");
    });

    // ---- companies ----
    const insertCompany = db.prepare(
      `INSERT INTO companies (id, workspace_id, name, name_sort, domain, industry, size_band, annual_revenue, annual_revenue_currency,
        phone, phone_raw, website, address, city, country, owner_id, tags, last_activity_at, created_by, updated_by, created_at, updated_at, version, deleted_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, ?, ?, ?, ?, 1, NULL)`,
    );
    const domains = new Set<string>();
    const companiesByMarket = new Map<string, CompanyRecord[]>();
    const companyStep = (end - start) / Math.max(1, options.companies);
    for (let i = 0; i < options.companies; i++) {
      const market = marketOf(rng);
      const city = rng.pick(market.cities);
      const word = rng.pick(market.companyWords);
      const sector = rng.pick(market.companySectors);
      const prefix = rng.chance(0.5) ? `${rng.pick(market.companyPrefixes)} ` : "";
      const core = `${prefix}${word}${sector ? ` ${sector}` : ""}`;
      const name = rng.pick(market.legalForms)(core);
      const createdAt = Math.floor(start + i * companyStep + rng.next() * companyStep * 0.9);
      const id = seededId(idRng, "company", createdAt);
      let companyDomain: string | null = null;
      if (rng.chance(0.85)) {
        const slug = asciiSlug(core) || "company";
        const tld = tldByCountry[city.country] ?? "com";
        const candidate = uniqueIn(domains, `${slug}.${tld}`, (n) => `${slug}${n}.${tld}`);
        companyDomain = normalizeDomain(candidate);
        if (companyDomain === null) throw new Error(`generated an invalid domain ${candidate}`);
      }
      const sizeBand = rng.weighted(companySizeBands.map((band, index) => [band, [30, 30, 18, 10, 6, 4, 2][index] ?? 1] as const));
      const [low, high] = revenueBySize[sizeBand] ?? [0, 0];
      const revenue = rng.chance(0.75) ? Math.round((low + rng.next() * (high - low)) / 1000) * 1000 * 100 : null;
      const phone = rng.chance(0.8) ? phoneFor(rng, city.country, landlineFormats) : null;
      const owner = ownerFor(market.code);
      const tags = normalizeTags(rng.chance(0.6) ? [rng.pick(companyTags), ...(rng.chance(0.3) ? [rng.pick(companyTags)] : [])] : []);
      insertCompany.run(
        id,
        workspaceId,
        name,
        companyNameSort(name),
        companyDomain,
        rng.chance(0.9) ? rng.pick(industries) : null,
        rng.chance(0.85) ? sizeBand : null,
        revenue,
        revenue === null ? null : "EUR",
        phone?.normalized.e164 ?? null,
        phone?.raw ?? null,
        companyDomain && rng.chance(0.9) ? `https://www.${companyDomain}/` : null,
        rng.chance(0.8) ? `${rng.pick(city.street)} ${1 + rng.int(120)}` : null,
        city.name,
        city.country,
        owner.userId,
        JSON.stringify(tags),
        owner.userId,
        owner.userId,
        createdAt,
        createdAt,
      );
      bump("companies");
      const list = companiesByMarket.get(market.code) ?? [];
      list.push({ id, name, domain: companyDomain, market, city, createdAt });
      companiesByMarket.set(market.code, list);
    }
    log(`  ${options.companies.toLocaleString("en")} companies`);

    // ---- contacts ----
    const insertContact = db.prepare(
      `INSERT INTO contacts (id, workspace_id, search_rowid, first_name, last_name, name_sort, primary_email, primary_phone, emails, phones,
        company_id, job_title, lifecycle_stage, lead_status, owner_id, tags, source, utm_source, utm_medium, utm_campaign, utm_term, utm_content,
        referrer, landing_page, first_seen_at, last_seen_at, city, country, time_zone, language, birthday,
        consent_status, consent_at, consent_source, consent_legal_basis, last_activity_at, created_by, updated_by, created_at, updated_at, version, deleted_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, NULL, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, ?, ?, ?, ?, 1, NULL)`,
    );
    const insertEmail = db.prepare("INSERT INTO contact_emails (workspace_id, email, contact_id, is_primary, position) VALUES (?, ?, ?, ?, ?)");
    const insertPhone = db.prepare("INSERT INTO contact_phones (workspace_id, contact_id, position, e164, raw, label) VALUES (?, ?, ?, ?, ?, ?)");
    const insertTag = db.prepare("INSERT INTO contact_tags (workspace_id, tag, contact_id) VALUES (?, ?, ?)");
    const insertConsent = db.prepare("INSERT INTO consent_records (id, workspace_id, contact_id, status, source, legal_basis, actor_type, actor_id, at) VALUES (?, ?, ?, ?, ?, ?, 'user', ?, ?)");
    const insertFts = db.prepare("INSERT INTO contacts_fts (rowid, ws, name, email, phone, company) VALUES (?, ?, ?, ?, ?, ?)");

    const emails = new Set<string>();
    const contactRefs: ContactRecord[] = [];
    const contactStep = (end - start) / Math.max(1, options.contacts);
    const progressEvery = Math.max(50_000, Math.ceil(options.contacts / 10));
    for (let i = 0; i < options.contacts; i++) {
      const createdAt = Math.floor(start + i * contactStep + rng.next() * contactStep * 0.9);
      // ~70% work at a company created before them, mostly one in their own market.
      let market = marketOf(rng);
      let company: CompanyRecord | null = null;
      if (rng.chance(0.7)) {
        const pool = companiesByMarket.get(market.code) ?? [];
        let count = 0;
        let lo = 0;
        let hi = pool.length;
        while (lo < hi) {
          const mid = (lo + hi) >> 1;
          if (pool[mid]!.createdAt <= createdAt) lo = mid + 1;
          else hi = mid;
        }
        count = lo;
        if (count > 0) company = pool[rng.int(count)] ?? null;
      }
      if (company) market = company.market;
      const city = company && rng.chance(0.8) ? company.city : rng.pick(market.cities);
      const female = rng.chance(0.5);
      const firstName = rng.pick(female ? market.femaleFirst : market.maleFirst);
      const lastPair = rng.pick(market.surnames);
      const lastName = female ? lastPair[1] : lastPair[0];

      // Emails: at work (the company's domain) or a free mailbox; 5% have none, 10% have two.
      const contactEmails: string[] = [];
      if (rng.chance(0.95)) {
        const first = asciiSlug(firstName);
        const last = asciiSlug(lastName);
        const local = rng.weighted([
          [`${first}.${last}`, 50],
          [`${first.slice(0, 1)}${last}`, 20],
          [`${first}`, 10],
          [`${first}${last}`, 10],
          [`${first}.${last}${1960 + rng.int(45)}`, 10],
        ] as const);
        const mailDomain = company?.domain && rng.chance(0.75) ? company.domain : rng.pick(market.freeMail);
        contactEmails.push(uniqueIn(emails, `${local}@${mailDomain}`, (n) => `${local}${n}@${mailDomain}`));
        if (rng.chance(0.1)) {
          const other = mailDomain === company?.domain || !company?.domain ? rng.pick(market.freeMail) : company.domain;
          const second = `${first}.${last}@${other}`;
          if (!emails.has(second)) {
            emails.add(second);
            contactEmails.push(second);
          }
        }
      }
      // Phones: 80% a mobile, 10% also an office line.
      const phones: { e164: string; raw: string; label: string | null }[] = [];
      const national: NormalizedPhone[] = [];
      if (rng.chance(0.8)) {
        const mobile = phoneFor(rng, city.country, mobileFormats);
        phones.push({ e164: mobile.normalized.e164, raw: mobile.raw, label: rng.chance(0.5) ? "mobile" : null });
        // The service indexes the stored E.164 re-parsed in the workspace's country; that is the
        // same number as the one just parsed from the raw text, so its national part is the same.
        national.push(mobile.normalized);
        if (rng.chance(0.1)) {
          const office = phoneFor(rng, city.country, landlineFormats);
          if (office.normalized.e164 !== mobile.normalized.e164) {
            phones.push({ e164: office.normalized.e164, raw: office.raw, label: "work" });
            national.push(office.normalized);
          }
        }
      }

      const id = seededId(idRng, "contact", createdAt);
      const searchRowid = maxRowid + i + 1;
      const owner = ownerFor(market.code);
      const stage = rng.weighted(stageWeights);
      const leadStatus = stage === "lead" || stage === "marketing_qualified" || stage === "sales_qualified" ? rng.pick(leadStatuses) : rng.chance(0.1) ? rng.pick(leadStatuses) : null;
      const tags = normalizeTags(rng.chance(0.6) ? Array.from({ length: 1 + rng.int(3) }, () => rng.pick(contactTags)) : []);
      const source = rng.chance(0.7) ? rng.pick(sources) : null;
      const tracked = (source === "website" || source === "form") && rng.chance(0.8);
      const consentStatus = rng.weighted([
        ["unknown", 50],
        ["granted", 40],
        ["denied", 10],
      ] as const);
      const consentSource = consentStatus === "unknown" ? null : rng.pick(["web form", "event sign-up", "import", "phone call"]);
      const legalBasis = consentStatus === "granted" ? "consent (GDPR art. 6(1)(a))" : consentStatus === "denied" ? rng.pick(["objection (GDPR art. 21)", "withdrawn consent"]) : null;
      const birthday = rng.chance(0.3) ? `${1950 + rng.int(55)}-${String(1 + rng.int(12)).padStart(2, "0")}-${String(1 + rng.int(28)).padStart(2, "0")}` : null;
      const primaryEmail = contactEmails[0] ?? null;
      const primaryPhone = phones[0]?.e164 ?? null;

      insertContact.run(
        id,
        workspaceId,
        searchRowid,
        firstName,
        lastName,
        contactNameSort({ firstName, lastName, email: primaryEmail, phone: primaryPhone }),
        primaryEmail,
        primaryPhone,
        JSON.stringify(contactEmails),
        JSON.stringify(phones),
        company?.id ?? null,
        rng.chance(0.75) ? rng.pick(market.jobTitles) : null,
        stage,
        leadStatus,
        owner.userId,
        JSON.stringify(tags),
        source,
        tracked ? rng.pick(utmSources) : null,
        tracked ? rng.pick(utmMediums) : null,
        tracked ? rng.pick(utmCampaigns) : null,
        tracked && rng.chance(0.3) ? rng.pick(["crm", "sales crm", "crm for small business"]) : null,
        tracked && rng.chance(0.2) ? rng.pick(["banner-a", "banner-b", "text-link"]) : null,
        tracked ? rng.pick(referrers) : null,
        tracked ? rng.pick(landingPages) : null,
        city.name,
        city.country,
        city.timeZone,
        market.language,
        birthday,
        consentStatus,
        consentStatus === "unknown" ? null : createdAt,
        consentSource,
        legalBasis,
        owner.userId,
        owner.userId,
        createdAt,
        createdAt,
      );
      contactEmails.forEach((address, position) => insertEmail.run(workspaceId, address, id, position === 0 ? 1 : 0, position));
      phones.forEach((phone, position) => insertPhone.run(workspaceId, id, position, phone.e164, phone.raw, phone.label));
      for (const tag of tags) insertTag.run(workspaceId, tag, id);
      if (consentStatus !== "unknown") {
        insertConsent.run(seededId(idRng, "consent", createdAt), workspaceId, id, consentStatus, consentSource, legalBasis, owner.userId, createdAt);
        bump("consent_records");
      }
      const doc = searchDocument({ workspaceId, firstName, lastName, emails: contactEmails, phones: national, companyName: company?.name ?? null });
      insertFts.run(searchRowid, doc.ws, doc.name, doc.email, doc.phone, doc.company);
      contactRefs.push({ id, name: `${firstName} ${lastName}`, companyId: company?.id ?? null, companyName: company?.name ?? null, ownerId: owner.userId, createdAt });
      bump("contacts");
      bump("contact_emails", contactEmails.length);
      bump("contact_phones", phones.length);
      bump("contact_tags", tags.length);
      if ((i + 1) % progressEvery === 0 && i + 1 < options.contacts) log(`  ${(i + 1).toLocaleString("en")} contacts…`);
    }
    // ---- deals, exchange rate, lead-capture form ----
    const secondPipelineId = seededId(idRng, "pipeline", workspaceCreatedAt + day);
    db.prepare("INSERT INTO pipelines (id, workspace_id, name, position, is_default, version, created_at, updated_at) VALUES (?, ?, 'Renewals', 1, 0, 1, ?, ?)").run(
      secondPipelineId,
      workspaceId,
      workspaceCreatedAt + day,
      workspaceCreatedAt + day,
    );
    const renewalStages: StageRecord[] = renewalStageSpecs.map((stage, position) => {
      const id = seededId(idRng, "stage", workspaceCreatedAt + day);
      insertStage.run(id, workspaceId, secondPipelineId, stage.name, position, stage.probability, stage.kind, stage.kind === "open" ? 30 : null);
      return { id, pipelineId: secondPipelineId, kind: stage.kind };
    });
    bump("pipelines");
    bump("stages", renewalStages.length);
    db.prepare("INSERT INTO exchange_rates (workspace_id, currency, rate, valid_from, updated_by, updated_at) VALUES (?, 'USD', '0.92', ?, ?, ?)").run(
      workspaceId,
      new Date(start).toISOString().slice(0, 10),
      members[0]!.userId,
      start,
    );
    bump("exchange_rates");
    const dealRefs = seedDeals({
      db,
      rng: prng((options.seed * 7919 + 17) >>> 0),
      idRng,
      workspaceId,
      total: options.deals ?? 0,
      board: options.boardDeals ?? 0,
      salesStages,
      renewalStages,
      contacts: contactRefs,
      members,
      start,
      end,
      bump,
    });
    log(`  ${(options.deals ?? 0).toLocaleString("en")} deals (${Math.min(options.boardDeals ?? 0, options.deals ?? 0).toLocaleString("en")} open on the Sales board)`);
    const formKey = seededFormKey(idRng);
    db.prepare(
      `INSERT INTO forms (id, workspace_id, name, public_key, fields, hidden_fields, allowed_origins, redirect_url, thank_you_message, owner_mode, owner_ids,
        round_robin_next, lifecycle_stage, tags, deal_pipeline_id, deal_stage_id, consent_text, consent_legal_basis, turnstile_secret, min_fill_seconds,
        version, created_by, created_at, updated_at, deleted_at)
       VALUES (?, ?, 'Website: contact us', ?, ?, '[]', '[]', NULL, NULL, 'round_robin', ?, 0, 'lead', '[]', NULL, NULL, NULL, NULL, NULL, 0, 1, ?, ?, ?, NULL)`,
    ).run(
      seededId(idRng, "form", start),
      workspaceId,
      formKey,
      JSON.stringify([
        { field: "first_name", required: true },
        { field: "email", required: false },
        { field: "phone", required: false },
      ]),
      JSON.stringify(members.map((m) => m.userId)),
      members[0]!.userId,
      start,
      start,
    );
    bump("forms");
    formKeyOut = formKey;
    // After the form, so that the ids and the form key drawn before stay what they were for a seed.
    seedTasks({ db, rng: prng((options.seed * 104_729 + 31) >>> 0), idRng, workspaceId, total: options.tasks ?? 0, contacts: contactRefs, deals: dealRefs, members, end, bump });
    log(`  ${(options.tasks ?? 0).toLocaleString("en")} tasks (${(counts.task_reminders ?? 0).toLocaleString("en")} reminder rows)`);
    seedActivities({ db, rng: prng((options.seed * 15_485_863 + 7) >>> 0), idRng, workspaceId, total: options.activities ?? 0, contacts: contactRefs, deals: dealRefs, members, end, bump });
    log(`  ${(counts.activities ?? 0).toLocaleString("en")} activities`);
    const indexStarted = performance.now();
    for (const index of indexes) db.exec(index.sql);
    log(`  ${indexes.length} indexes rebuilt in ${((performance.now() - indexStarted) / 1000).toFixed(1)} s`);
    const broken = db.prepare("PRAGMA foreign_key_check").all();
    if (broken.length > 0) throw new Error(`foreign key check failed: ${JSON.stringify(broken.slice(0, 3))}`);
    db.exec("COMMIT");
  } catch (error) {
    db.exec("ROLLBACK");
    db.close();
    throw error;
  }
  db.exec("PRAGMA optimize");
  db.close();
  // Nothing has fired yet: reminders due after `now` are pending in task_reminders, and the cron
  // ticker of `npm start` turns them into notifications and outbox emails when they fall due.
  const notSeeded = ["notifications and email_outbox (nothing has fired yet)"];
  return {
    email,
    password,
    workspaceId,
    workspaceName,
    members: members.map((m) => ({ userId: m.userId, email: m.email, name: m.name, role: m.role })),
    counts,
    pipelineId: pipelineIdOut,
    formKey: formKeyOut,
    notSeeded,
    seconds: (performance.now() - started) / 1000,
  };
}
