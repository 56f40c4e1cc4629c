import { env, exports } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { createDatabase } from "../../workers/db/client";
import { handleJob } from "../../workers/jobs/consumer";
import type { JobMessage } from "../../workers/jobs/messages";
import { runAudit, type AuditLimits } from "../../workers/quality/audit-job";
import { FindingQuery } from "../../workers/quality/quality.schema";
import { listFindings } from "../../workers/quality/quality.service";
import { qualityScore } from "../../workers/quality/score";
import { addMember, call, createApiKey, expectProblem, field, signUp, type Account } from "../helpers/api";
import { meteredD1, type Metered } from "../helpers/metered-d1";
import { captureJobSends, deliverJobs } from "../helpers/queue";

// Data-quality audits end to end: POST /audits/run → quality.audit on the queue (captured, then
// delivered by hand so each test decides how often) → findings, score and breakdown over the API.

const day = 24 * 60 * 60 * 1000;

type Audit = {
  id: string;
  trigger: string;
  status: string;
  score: number | null;
  contact_count: number;
  deal_count: number;
  totals: Record<string, number>;
  per_owner: { owner_id: string | null; owner_name: string | null; contacts: number; deals: number; records: number; findings: Record<string, number>; score: number }[];
  inactive_days: number;
  error: string | null;
};
type Finding = { kind: string; entity_type: string; entity_id: string; owner_id: string | null; detail: string | null; label: string | null; link: string };

afterEach(() => {
  vi.restoreAllMocks();
});

const auditMessages = (sent: JobMessage[]) => sent.filter((m): m is Extract<JobMessage, { type: "quality.audit" }> => m.type === "quality.audit");

/** Runs a manual audit to the end the way the queue would (every follow-up message delivered). */
async function runManualAudit(account: Account): Promise<Audit> {
  const sent = captureJobSends();
  const res = await call("POST", "/api/v1/audits/run", { token: account.token });
  expect(res.status, res.text).toBe(202);
  const id = field<string>(res.json, "id");
  for (let round = 0; round < 50; round++) {
    const pending = auditMessages(sent.splice(0));
    if (pending.length === 0) break;
    const result = await deliverJobs(pending);
    expect(result.retryMessages).toEqual([]);
  }
  vi.restoreAllMocks();
  return await getAudit(account, id);
}

async function getAudit(account: Account, id: string): Promise<Audit> {
  const res = await call("GET", `/api/v1/audits/${id}`, { token: account.token });
  expect(res.status, res.text).toBe(200);
  return res.json as Audit;
}

async function allFindings(account: Account, auditId: string, query = ""): Promise<Finding[]> {
  const out: Finding[] = [];
  let cursor: string | null = null;
  do {
    const res = await call("GET", `/api/v1/audits/${auditId}/findings?limit=200${query}${cursor ? `&cursor=${cursor}` : ""}`, { token: account.token });
    expect(res.status, res.text).toBe(200);
    out.push(...field<Finding[]>(res.json, "data"));
    cursor = field<string | null>(res.json, "next_cursor");
  } while (cursor);
  return out;
}

async function contact(account: Account, body: Record<string, unknown>): Promise<string> {
  const res = await call("POST", "/api/v1/contacts", { token: account.token, body });
  expect(res.status, res.text).toBe(201);
  return field<string>(res.json, "id");
}

const granted = { consent: { status: "granted", source: "test" } };
// Every contact gets its own number and address, so no entry-path duplicate check pairs them.
let phoneCounter = 0;
const uniquePhone = () => {
  phoneCounter += 1;
  return { number: `+370 612${String(100_000 + phoneCounter).slice(1)}` };
};
const clean = (name: string, account: Account) => ({ first_name: name, emails: [`${name.toLowerCase()}.${crypto.randomUUID().slice(0, 8)}@example.com`], phones: [uniquePhone()], owner_id: account.userId, ...granted });

async function sqlRun(statement: string, ...params: unknown[]) {
  await env.DB.prepare(statement)
    .bind(...params)
    .run();
}

const idsOfKind = (findings: Finding[], kind: string) => findings.filter((f) => f.kind === kind).map((f) => f.entity_id).sort();

describe("audit findings", () => {
  it("finds each kind on the record that has it, and nothing on a clean record", async () => {
    const owner = await signUp();
    const member = await addMember(owner, "member");
    const cleanId = await contact(owner, clean("Clean", owner));
    const noEmail = await contact(owner, { first_name: "NoEmail", phones: [uniquePhone()], ...granted });
    const noPhone = await contact(owner, { first_name: "NoPhone", emails: ["nophone@example.com"], ...granted });
    const typo = await contact(owner, { ...clean("Typo", owner), emails: ["ona@gmial.com"] });
    const broken = await contact(owner, clean("Broken", owner));
    await sqlRun("UPDATE contacts SET emails = ?, primary_email = ? WHERE id = ?", JSON.stringify(["broken@@example"]), "broken@@example", broken);
    const badPhone = await contact(owner, clean("BadPhone", owner));
    await sqlRun("UPDATE contacts SET phones = ?, primary_phone = ? WHERE id = ?", JSON.stringify([{ e164: "+3706123", raw: "8 6123", label: null }]), "+3706123", badPhone);
    await sqlRun("UPDATE contact_phones SET e164 = ? WHERE contact_id = ?", "+3706123", badPhone);
    // Only contact_phones is wrong: the audit reads both the JSON copy and the table.
    const tablePhone = await contact(owner, clean("TablePhone", owner));
    await sqlRun("UPDATE contact_phones SET e164 = ? WHERE contact_id = ?", "+37000000000", tablePhone);
    const unowned = await contact(owner, { ...clean("Unowned", owner), owner_id: null });
    const formerOwned = await contact(owner, { ...clean("Former", owner), owner_id: member.userId });
    expect((await call("DELETE", `/api/v1/members/${member.membershipId}`, { token: owner.token })).status).toBe(204);
    const unknownConsent = await contact(owner, { ...clean("Unknown", owner), consent: undefined });
    const idle = await contact(owner, clean("Idle", owner));
    await sqlRun("UPDATE contacts SET created_at = ?, last_activity_at = NULL WHERE id = ?", Date.now() - 100 * day, idle);
    const oldButActive = await contact(owner, clean("OldButActive", owner));
    await sqlRun("UPDATE contacts SET created_at = ?, last_activity_at = ? WHERE id = ?", Date.now() - 400 * day, Date.now() - 10 * day, oldButActive);
    const deleted = await contact(owner, { first_name: "Deleted" });
    expect((await call("DELETE", `/api/v1/contacts/${deleted}`, { token: owner.token })).status).toBe(204);

    const rotten = await call("POST", "/api/v1/deals", { token: owner.token, body: { title: "Quiet deal", owner_id: owner.userId } });
    expect(rotten.status, rotten.text).toBe(201);
    const rottenId = field<string>(rotten.json, "id");
    await sqlRun("UPDATE deals SET stage_entered_at = ?, last_activity_at = NULL WHERE id = ?", Date.now() - 15 * day, rottenId);
    const fresh = await call("POST", "/api/v1/deals", { token: owner.token, body: { title: "Fresh deal", owner_id: owner.userId } });
    expect(fresh.status).toBe(201);
    const now = Date.now();
    const openCluster = `dup_open${crypto.randomUUID().slice(0, 8)}`;
    const memberKey = [noPhone, typo].sort().join(",");
    await sqlRun(
      "INSERT INTO duplicate_clusters (id, workspace_id, member_key, contact_ids, score, reasons, status, created_at, updated_at) VALUES (?, ?, ?, ?, 0.9, '[]', 'open', ?, ?)",
      openCluster,
      owner.workspaceId,
      memberKey,
      JSON.stringify(memberKey.split(",")),
      now,
      now,
    );
    const dismissedKey = [cleanId, idle].sort().join(",");
    await sqlRun(
      "INSERT INTO duplicate_clusters (id, workspace_id, member_key, contact_ids, score, reasons, status, created_at, updated_at) VALUES (?, ?, ?, ?, 0.9, '[]', 'dismissed', ?, ?)",
      `dup_dism${crypto.randomUUID().slice(0, 8)}`,
      owner.workspaceId,
      dismissedKey,
      JSON.stringify(dismissedKey.split(",")),
      now,
      now,
    );

    const audit = await runManualAudit(owner);
    expect(audit.status).toBe("done");
    expect(audit.inactive_days).toBe(90);
    const findings = await allFindings(owner, audit.id);

    expect(idsOfKind(findings, "missing_email")).toEqual([noEmail]);
    expect(idsOfKind(findings, "missing_phone")).toEqual([noPhone]);
    expect(idsOfKind(findings, "invalid_email")).toEqual([typo, broken].sort());
    expect(idsOfKind(findings, "invalid_phone")).toEqual([badPhone, tablePhone].sort());
    expect(idsOfKind(findings, "no_owner")).toEqual([unowned, formerOwned].sort());
    expect(idsOfKind(findings, "unknown_consent")).toEqual([unknownConsent]);
    expect(idsOfKind(findings, "inactive")).toEqual([idle]);
    expect(idsOfKind(findings, "rotting_deal")).toEqual([rottenId]);
    expect(idsOfKind(findings, "open_duplicates")).toEqual([openCluster]);
    // The clean contact, the recently active old one and the deleted one have no finding at all.
    const flagged = new Set(findings.map((f) => f.entity_id));
    for (const id of [cleanId, oldButActive, deleted]) expect(flagged.has(id), id).toBe(false);

    const detail = (kind: string, id: string) => findings.find((f) => f.kind === kind && f.entity_id === id)?.detail;
    expect(detail("invalid_email", typo)).toBe("ona@gmial.com → ona@gmail.com");
    expect(detail("invalid_email", broken)).toBe("broken@@example");
    expect(detail("invalid_phone", badPhone)).toBe("+3706123 (LT)");
    expect(detail("no_owner", formerOwned)).toBe("former_member");
    expect(detail("no_owner", unowned)).toBeNull();
    expect(Number(detail("inactive", idle))).toBeGreaterThanOrEqual(99);
    expect(detail("rotting_deal", rottenId)).toBe("15");
    expect(detail("open_duplicates", openCluster)).toBe("2");

    // Each finding names its record now and links to the screen that fixes it.
    const typoFinding = findings.find((f) => f.kind === "invalid_email" && f.entity_id === typo);
    expect(typoFinding).toMatchObject({ entity_type: "contact", owner_id: owner.userId, label: "Typo", link: `/contacts/${typo}` });
    expect(findings.find((f) => f.kind === "rotting_deal")).toMatchObject({ entity_type: "deal", label: "Quiet deal", link: `/deals/${rottenId}` });
    const cluster = findings.find((f) => f.kind === "open_duplicates");
    expect(cluster).toMatchObject({ entity_type: "duplicate_cluster", link: "/duplicates" });
    expect(cluster?.label?.split(" · ").sort()).toEqual(["NoPhone", "Typo"]);

    expect(audit.totals).toEqual({ missing_email: 1, missing_phone: 1, invalid_email: 2, invalid_phone: 2, inactive: 1, no_owner: 2, rotting_deal: 1, open_duplicates: 1, unknown_consent: 1 });
    expect(audit.contact_count).toBe(12);
    expect(audit.deal_count).toBe(2);
  });

  it("filters findings by kind and owner, pages them by cursor, and reads them through the indexes", async () => {
    const owner = await signUp();
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push(await contact(owner, { first_name: `NoPhone${i}`, emails: [`np${i}.${crypto.randomUUID().slice(0, 6)}@example.com`], ...granted }));
    const orphan = await contact(owner, { first_name: "Orphan", emails: ["orphan@example.com"], owner_id: null, ...granted });
    const audit = await runManualAudit(owner);

    const page1 = await call("GET", `/api/v1/audits/${audit.id}/findings?kind=missing_phone&limit=2`, { token: owner.token });
    expect(field<Finding[]>(page1.json, "data").map((f) => f.entity_id)).toEqual([...ids, orphan].sort().slice(0, 2));
    const rest = await allFindings(owner, audit.id, "&kind=missing_phone");
    expect(rest.map((f) => f.entity_id)).toEqual([...ids, orphan].sort());
    const next = field<string>(page1.json, "next_cursor");
    const page2 = await call("GET", `/api/v1/audits/${audit.id}/findings?kind=missing_phone&limit=2&cursor=${next}`, { token: owner.token });
    expect(field<Finding[]>(page2.json, "data").map((f) => f.entity_id)).toEqual([...ids, orphan].sort().slice(2, 4));

    const nobodys = await allFindings(owner, audit.id, "&owner_id=none");
    expect(new Set(nobodys.map((f) => f.entity_id))).toEqual(new Set([orphan]));
    expect(nobodys.map((f) => f.kind).sort()).toEqual(["missing_phone", "no_owner"]);
    const mine = await allFindings(owner, audit.id, `&owner_id=${owner.userId}&kind=missing_phone`);
    expect(mine.map((f) => f.entity_id)).toEqual([...ids].sort());

    // Every filter shape pages straight off an index (the primary key, or the owner index), no sort.
    const log: Metered[] = [];
    const db = createDatabase(meteredD1(env.DB, log));
    const deep = btoa(JSON.stringify(["missing_phone", ids[0]])).replaceAll("=", "").replaceAll("+", "-").replaceAll("/", "_");
    for (const query of [{}, { kind: "missing_phone" }, { owner_id: owner.userId }, { owner_id: "none", kind: "no_owner" }, { cursor: deep }, { owner_id: owner.userId, cursor: deep }]) {
      await listFindings(db, owner.workspaceId, audit.id, FindingQuery.parse(query));
    }
    const findingQueries = log.filter((entry) => entry.sql.includes('from "quality_findings"'));
    expect(findingQueries).toHaveLength(6);
    for (const entry of findingQueries) {
      const plan = await env.DB.prepare(`EXPLAIN QUERY PLAN ${entry.sql}`)
        .bind(...entry.params)
        .all<{ detail: string }>();
      const details = plan.results.map((r) => r.detail).join("\n");
      expect(details, entry.sql).toMatch(/SEARCH quality_findings USING INDEX (sqlite_autoindex_quality_findings_1|quality_findings_owner_idx)/);
      expect(details, entry.sql).not.toContain("TEMP B-TREE");
    }
    // Labels are primary-key lookups of this page's records, never a scan.
    for (const entry of log.filter((e) => e.sql.includes('from "contacts"'))) {
      const plan = await env.DB.prepare(`EXPLAIN QUERY PLAN ${entry.sql}`)
        .bind(...entry.params)
        .all<{ detail: string }>();
      expect(plan.results.map((r) => r.detail).join("\n"), entry.sql).not.toMatch(/SCAN contacts/);
    }
  });
});

describe("the score and the per-owner breakdown", () => {
  it("computes the documented score, and the score rises when the data is fixed", async () => {
    const owner = await signUp();
    const a = await contact(owner, { first_name: "A", emails: ["a@example.com"], ...granted });
    const b = await contact(owner, { first_name: "B", emails: ["b@example.com"], ...granted });
    await contact(owner, clean("C", owner));
    await contact(owner, clean("D", owner));
    const first = await runManualAudit(owner);
    // Two of four contacts lack a phone, nothing else is wrong; no open deals.
    expect(first.score).toBe(qualityScore({ contacts: 4, openDeals: 0, affected: { missing_phone: 2 } }));
    expect(first.score).toBeLessThan(100);

    for (const id of [a, b]) {
      const res = await call("PATCH", `/api/v1/contacts/${id}`, { token: owner.token, body: { phones: [uniquePhone()] } });
      expect(res.status, res.text).toBe(200);
    }
    const second = await runManualAudit(owner);
    expect(second.score).toBe(100);
    expect(second.score ?? 0).toBeGreaterThan(first.score ?? 100);

    // The trend: every audit stays listed, newest first, with its score.
    const list = await call("GET", "/api/v1/audits?limit=10", { token: owner.token });
    expect(field<Audit[]>(list.json, "data").map((audit) => [audit.id, audit.score])).toEqual([
      [second.id, second.score],
      [first.id, first.score],
    ]);
    const paged = await call("GET", "/api/v1/audits?limit=1", { token: owner.token });
    const rest = await call("GET", `/api/v1/audits?limit=1&cursor=${field<string>(paged.json, "next_cursor")}`, { token: owner.token });
    expect(field<Audit[]>(rest.json, "data").map((audit) => audit.id)).toEqual([first.id]);
  });

  it("breaks findings and scores down per owner, with names, and nobody's records on their own line", async () => {
    const owner = await signUp();
    const member = await addMember(owner, "member");
    await contact(owner, clean("Mine", owner));
    await contact(owner, { first_name: "MineNoPhone", emails: ["mnp@example.com"], ...granted });
    await contact(member, clean("Theirs1", member));
    await contact(member, { first_name: "Theirs2", owner_id: member.userId, ...granted });
    await contact(member, { first_name: "Theirs3", owner_id: member.userId, ...granted });
    await contact(owner, { first_name: "Nobody", emails: ["nobody@example.com"], phones: [uniquePhone()], owner_id: null, ...granted });
    const audit = await runManualAudit(owner);
    const byOwner = new Map(audit.per_owner.map((entry) => [entry.owner_id, entry]));
    expect(byOwner.get(owner.userId)).toMatchObject({ owner_name: "Ona Owner", contacts: 2, deals: 0, records: 1 });
    expect(byOwner.get(owner.userId)?.findings.missing_phone).toBe(1);
    expect(byOwner.get(owner.userId)?.score).toBe(qualityScore({ contacts: 2, openDeals: 0, affected: { missing_phone: 1 } }));
    expect(byOwner.get(member.userId)).toMatchObject({ owner_name: "Tess member", contacts: 3, records: 2 });
    expect(byOwner.get(member.userId)?.findings).toMatchObject({ missing_email: 2, missing_phone: 2, no_owner: 0 });
    expect(byOwner.get(member.userId)?.score).toBe(qualityScore({ contacts: 3, openDeals: 0, affected: { missing_email: 2, missing_phone: 2 } }));
    expect(byOwner.get(null)).toMatchObject({ owner_name: null, contacts: 1, records: 1 });
    expect(byOwner.get(null)?.findings.no_owner).toBe(1);
    // Worst first.
    const scores = audit.per_owner.map((entry) => entry.score);
    expect(scores).toEqual([...scores].sort((x, y) => x - y));
    expect(audit.per_owner.reduce((sum, entry) => sum + entry.contacts, 0)).toBe(audit.contact_count);
  });
});

describe("running audits", () => {
  it("a second run while one is under way returns that audit; a lost one is failed and replaced", async () => {
    const owner = await signUp();
    const sent = captureJobSends();
    const first = await call("POST", "/api/v1/audits/run", { token: owner.token });
    const again = await call("POST", "/api/v1/audits/run", { token: owner.token });
    expect(first.status).toBe(202);
    expect(first.headers.get("location")).toBe(`/api/v1/audits/${field<string>(first.json, "id")}`);
    expect(field(again.json, "id")).toBe(field(first.json, "id"));
    expect(auditMessages(sent)).toHaveLength(1);
    expect(field(first.json, "status")).toBe("queued");

    await sqlRun("UPDATE quality_audits SET created_at = ? WHERE id = ?", Date.now() - 2 * 60 * 60 * 1000, field<string>(first.json, "id"));
    const replaced = await call("POST", "/api/v1/audits/run", { token: owner.token });
    expect(field(replaced.json, "id")).not.toBe(field(first.json, "id"));
    const lost = await getAudit(owner, field<string>(first.json, "id"));
    expect(lost).toMatchObject({ status: "failed", error: "timed_out" });
    // The lost audit's late message does nothing.
    await deliverJobs([{ type: "quality.audit", audit_id: field<string>(first.json, "id") }]);
    expect((await getAudit(owner, field<string>(first.json, "id"))).status).toBe("failed");
  });

  it("a long audit continues in new messages, and duplicate or concurrent deliveries write nothing twice", async () => {
    const owner = await signUp();
    for (let i = 0; i < 9; i++) await contact(owner, { first_name: `P${i}`, emails: i % 3 === 0 ? [`p${i}@gmial.com`] : [`p${i}@example.com`] });
    const reference = await runManualAudit(owner);
    const expected = (await allFindings(owner, reference.id)).map((f) => `${f.kind}:${f.entity_id}:${f.detail}`).sort();

    const sent = captureJobSends();
    const res = await call("POST", "/api/v1/audits/run", { token: owner.token });
    const id = field<string>(res.json, "id");
    sent.length = 0;
    const db = createDatabase(env.DB);
    // Two contacts per step and no time budget: every call does one step and sends a follow-up.
    const limits: AuditLimits = { contactsPerStep: 2, budgetMs: 0, prunePerStatement: 5000 };
    const results: string[] = [];
    for (let round = 0; round < 40; round++) {
      // Every message is delivered twice at once, as a redelivery racing the original would be.
      const outcomes = await Promise.all([runAudit(env, db, id, Date.now(), limits), runAudit(env, db, id, Date.now(), limits)]);
      results.push(...outcomes);
      if (outcomes.includes("finished")) break;
    }
    expect(results).toContain("continued");
    expect(results).toContain("finished");
    // The twin that loses a step's race stops there (no follow-up), so chains do not multiply.
    expect(results).toContain("lost");
    const audit = await getAudit(owner, id);
    expect(audit.status).toBe("done");
    expect(audit.score).toBe(reference.score);
    expect(audit.totals).toEqual(reference.totals);
    expect((await allFindings(owner, id)).map((f) => `${f.kind}:${f.entity_id}:${f.detail}`).sort()).toEqual(expected);
    // A late redelivery after the end changes nothing.
    await runAudit(env, db, id, Date.now(), limits);
    expect(await getAudit(owner, id)).toEqual(audit);
  });

  it("announces audit.finished on the workspace's live stream, once", async () => {
    const owner = await signUp();
    await contact(owner, clean("Live", owner));
    const res = await exports.default.fetch("http://localhost/api/v1/live", { headers: { upgrade: "websocket", authorization: `Bearer ${owner.token}` } });
    const socket = res.webSocket;
    if (!socket) throw new Error("no socket");
    const frames: { type: string; id?: string; data?: { score?: number; status?: string } }[] = [];
    socket.addEventListener("message", (event) => frames.push(JSON.parse(String(event.data))));
    socket.accept();
    await vi.waitFor(() => expect(frames[0]?.type).toBe("hello"));
    const audit = await runManualAudit(owner);
    await deliverJobs([{ type: "quality.audit", audit_id: audit.id }]);
    await vi.waitFor(() => expect(frames.filter((f) => f.type === "audit.finished")).toHaveLength(1));
    expect(frames.find((f) => f.type === "audit.finished")).toMatchObject({ id: audit.id, data: { status: "done", score: audit.score } });
    socket.close();
  });

  it("keeps findings for the latest five audits only; older audits keep their score", async () => {
    const owner = await signUp();
    await contact(owner, { first_name: "NoPhone", emails: ["np@example.com"], ...granted });
    const audits: Audit[] = [];
    for (let i = 0; i < 6; i++) audits.push(await runManualAudit(owner));
    const [oldest, ...kept] = audits;
    if (!oldest) throw new Error("no audits");
    expectProblem(await call("GET", `/api/v1/audits/${oldest.id}/findings`, { token: owner.token }), 410, "findings_pruned");
    const left = await env.DB.prepare("SELECT COUNT(*) AS n FROM quality_findings WHERE audit_id = ?").bind(oldest.id).first<{ n: number }>();
    expect(left?.n).toBe(0);
    expect((await getAudit(owner, oldest.id)).score).toBe(oldest.score);
    for (const audit of kept) expect((await allFindings(owner, audit.id)).length, audit.id).toBeGreaterThan(0);
  });
});

describe("the nightly audit", () => {
  it("creates one audit per workspace for the window however often the cron or its message repeats, and digests each owner once", async () => {
    const owner = await signUp();
    const member = await addMember(owner, "member");
    const viewer = await addMember(owner, "viewer");
    await contact(owner, { first_name: "OwnersNoPhone", emails: ["onp@example.com"], ...granted });
    await contact(member, { first_name: "MembersNoPhone", emails: ["mnp@example.com"], ...granted });
    await contact(member, clean("MembersClean", member));
    const other = await signUp();
    // Tomorrow's window (not used by any other test), before and after this workspace's first audit.
    const window = new Date(Date.now() + day).toISOString().slice(0, 10);
    const earlier = await runManualAudit(owner);

    const sent = captureJobSends();
    await handleJob(env, { type: "quality.nightly", window }, Date.now());
    await handleJob(env, { type: "quality.nightly", window }, Date.now());
    const rows = await env.DB.prepare("SELECT id, workspace_id AS ws, status FROM quality_audits WHERE window_key = ? AND workspace_id IN (?, ?)")
      .bind(window, owner.workspaceId, other.workspaceId)
      .all<{ id: string; ws: string; status: string }>();
    expect(rows.results.map((r) => r.ws).sort()).toEqual([owner.workspaceId, other.workspaceId].sort());
    const mine = rows.results.find((r) => r.ws === owner.workspaceId)?.id ?? "";
    const messages = auditMessages(sent).filter((m) => m.audit_id === mine);
    // Both fan-outs sent it (it was still queued); the audit runs once however many arrive.
    expect(messages).toHaveLength(2);
    sent.length = 0;
    const result = await deliverJobs([...messages, ...messages]);
    expect(result.retryMessages).toEqual([]);
    for (let round = 0; round < 20 && auditMessages(sent).length > 0; round++) await deliverJobs(auditMessages(sent.splice(0)));
    await deliverJobs(messages);

    const audit = await getAudit(owner, mine);
    expect(audit).toMatchObject({ trigger: "nightly", status: "done" });
    // A repeated cron for the same window after the run creates and sends nothing more.
    sent.length = 0;
    await handleJob(env, { type: "quality.nightly", window }, Date.now());
    expect(auditMessages(sent).filter((m) => m.audit_id === mine)).toEqual([]);
    const count = await env.DB.prepare("SELECT COUNT(*) AS n FROM quality_audits WHERE window_key = ? AND workspace_id = ?").bind(window, owner.workspaceId).first<{ n: number }>();
    expect(count?.n).toBe(1);

    const digests = await env.DB.prepare("SELECT user_id AS userId, text, link, data, dedupe_key AS dedupeKey FROM notifications WHERE workspace_id = ? AND type = 'quality.digest'")
      .bind(owner.workspaceId)
      .all<{ userId: string; text: string; link: string; data: string; dedupeKey: string }>();
    expect(digests.results.map((d) => d.userId).sort()).toEqual([owner.userId, member.userId].sort());
    expect(digests.results.map((d) => d.userId)).not.toContain(viewer.userId);
    for (const digest of digests.results) {
      expect(digest.dedupeKey).toBe(`quality.digest:${mine}`);
      expect(digest.link).toBe("/quality");
      expect(digest.text).toBe(`Data quality: ${audit.score}/100 (was ${earlier.score})`);
      expect(JSON.parse(digest.data)).toMatchObject({ audit_id: mine, score: audit.score, previous_score: earlier.score, own_findings: 1 });
    }
    const emails = await env.DB.prepare("SELECT COUNT(*) AS n FROM email_outbox WHERE workspace_id = ? AND kind = 'quality.digest'").bind(owner.workspaceId).first<{ n: number }>();
    expect(emails?.n).toBe(2);
    // The manual audit sent no digest.
    const manualDigests = await env.DB.prepare("SELECT COUNT(*) AS n FROM notifications WHERE dedupe_key = ?").bind(`quality.digest:${earlier.id}`).first<{ n: number }>();
    expect(manualDigests?.n).toBe(0);
  });
});

describe("access and bad input", () => {
  it("lets viewers read but not run, and read-only API keys likewise", async () => {
    const owner = await signUp();
    const viewer = await addMember(owner, "viewer");
    expectProblem(await call("POST", "/api/v1/audits/run", { token: viewer.token }), 403);
    const key = await createApiKey(owner, "read");
    expectProblem(await call("POST", "/api/v1/audits/run", { token: key.key }), 403);
    const audit = await runManualAudit(owner);
    expect((await call("GET", "/api/v1/audits", { token: viewer.token })).status).toBe(200);
    expect((await call("GET", `/api/v1/audits/${audit.id}/findings`, { token: viewer.token })).status).toBe(200);
    expectProblem(await call("POST", "/api/v1/audits/run"), 401);
  });

  it("answers 404 for another workspace's audit and its findings", async () => {
    const owner = await signUp();
    const stranger = await signUp();
    const audit = await runManualAudit(owner);
    expectProblem(await call("GET", `/api/v1/audits/${audit.id}`, { token: stranger.token }), 404, "not_found");
    expectProblem(await call("GET", `/api/v1/audits/${audit.id}/findings`, { token: stranger.token }), 404, "not_found");
    const theirs = field<{ id: string }[]>((await call("GET", "/api/v1/audits", { token: stranger.token })).json, "data");
    expect(theirs.map((a) => a.id)).not.toContain(audit.id);
  });

  it("answers 4xx problems for bad queries, ids and bodies", async () => {
    const owner = await signUp();
    const audit = await runManualAudit(owner);
    const bad = [
      "/api/v1/audits?limit=0",
      "/api/v1/audits?limit=201",
      "/api/v1/audits?cursor=nonsense",
      `/api/v1/audits/${audit.id}/findings?kind=typos`,
      `/api/v1/audits/${audit.id}/findings?owner_id=bob`,
      `/api/v1/audits/${audit.id}/findings?cursor=${btoa(JSON.stringify(["not_a_kind", "con_x"])).replaceAll("=", "")}`,
      `/api/v1/audits/${audit.id}/findings?cursor=${btoa(JSON.stringify([1])).replaceAll("=", "")}`,
    ];
    for (const path of bad) expectProblem(await call("GET", path, { token: owner.token }), 422);
    expectProblem(await call("GET", "/api/v1/audits/qa_nope", { token: owner.token }), 404);
    expectProblem(await call("GET", "/api/v1/audits/qa_nope/findings", { token: owner.token }), 404);
    expectProblem(await call("POST", "/api/v1/audits/run", { token: owner.token, rawBody: "run", headers: { "content-type": "text/plain" } }), 415);
    expectProblem(await call("DELETE", `/api/v1/audits/${audit.id}`, { token: owner.token }), 405);
  });

  it("documents the routes in the OpenAPI document, and a workspace with audits can still be deleted", async () => {
    const doc = await call("GET", "/api/openapi.json");
    expect(doc.status).toBe(200);
    const paths = Object.keys(field<Record<string, unknown>>(doc.json, "paths"));
    expect(paths).toEqual(expect.arrayContaining(["/api/v1/audits/run", "/api/v1/audits", "/api/v1/audits/{id}", "/api/v1/audits/{id}/findings"]));
    const totals = field<Record<string, unknown>>(doc.json, "components", "schemas", "QualityAudit", "properties", "totals");
    expect(totals).toMatchObject({ type: "object" });

    const owner = await signUp({ workspace_name: "Short lived" });
    await contact(owner, { first_name: "Gone", emails: ["gone@example.com"] });
    const audit = await runManualAudit(owner);
    expect(audit.status).toBe("done");
    expect((await call("DELETE", "/api/v1/workspace?confirm=Short%20lived", { token: owner.token })).status).toBe(204);
    const left = await env.DB.prepare("SELECT (SELECT COUNT(*) FROM quality_audits WHERE workspace_id = ?) + (SELECT COUNT(*) FROM quality_findings WHERE audit_id = ?) AS n")
      .bind(owner.workspaceId, audit.id)
      .first<{ n: number }>();
    expect(left?.n).toBe(0);
  });

  it("takes quality_inactive_days from 1 to 3650 on PATCH /workspace and audits with it", async () => {
    const owner = await signUp();
    expect(field((await call("GET", "/api/v1/workspace", { token: owner.token })).json, "quality_inactive_days")).toBe(90);
    for (const value of [0, 3651, 1.5, "30", null]) {
      const problem = expectProblem(await call("PATCH", "/api/v1/workspace", { token: owner.token, body: { quality_inactive_days: value } }), 422);
      expect(field(problem, "errors", 0, "pointer")).toBe("/quality_inactive_days");
    }
    const member = await addMember(owner, "member");
    expectProblem(await call("PATCH", "/api/v1/workspace", { token: member.token, body: { quality_inactive_days: 30 } }), 403);
    const patched = await call("PATCH", "/api/v1/workspace", { token: owner.token, body: { quality_inactive_days: 30 } });
    expect(patched.status, patched.text).toBe(200);
    expect(field(patched.json, "quality_inactive_days")).toBe(30);
    const idle = await contact(owner, clean("Idle40", owner));
    await sqlRun("UPDATE contacts SET created_at = ? WHERE id = ?", Date.now() - 40 * day, idle);
    const audit = await runManualAudit(owner);
    expect(audit.inactive_days).toBe(30);
    expect(idsOfKind(await allFindings(owner, audit.id), "inactive")).toEqual([idle]);
  });
});

// ---------------------------------------------------------------- cost

/**
 * Like test/helpers/metered-d1.ts (reads run twice, once for the meter), and D1 batches too: the
 * audit writes its findings in batches, and each batch result reports what its statements read.
 */
function meteredWithBatches(db: D1Database, log: Metered[]): D1Database {
  const originals = new WeakMap<object, { statement: D1PreparedStatement; sql: string; params: unknown[] }>();
  const wrap = (statement: D1PreparedStatement, sql: string, params: unknown[]): D1PreparedStatement => {
    const proxy = new Proxy(statement, {
      get(target, property) {
        if (property === "bind") return (...values: unknown[]) => wrap(target.bind(...values), sql, values);
        if (property === "all" || property === "run") {
          return async () => {
            const result = property === "all" ? await target.all() : await target.run();
            log.push({ sql, params, rowsRead: result.meta.rows_read ?? Number.NaN });
            return result;
          };
        }
        if (property === "raw" || property === "first") {
          return async (...args: unknown[]) => {
            const measured = await target.all();
            log.push({ sql, params, rowsRead: measured.meta.rows_read ?? Number.NaN });
            const method = Reflect.get(target, property, target) as (...a: unknown[]) => unknown;
            return method.apply(target, args);
          };
        }
        const value = Reflect.get(target, property, target) as unknown;
        return typeof value === "function" ? value.bind(target) : value;
      },
    });
    originals.set(proxy, { statement, sql, params });
    return proxy;
  };
  return new Proxy(db, {
    get(target, property) {
      if (property === "prepare") return (sql: string) => wrap(target.prepare(sql), sql, []);
      if (property === "batch") {
        return async (statements: D1PreparedStatement[]) => {
          const entries = statements.map((statement) => originals.get(statement));
          const results = await target.batch(entries.map((entry, index) => entry?.statement ?? statements[index] ?? target.prepare("SELECT 1")));
          results.forEach((result, index) => log.push({ sql: entries[index]?.sql ?? "?", params: entries[index]?.params ?? [], rowsRead: result.meta.rows_read ?? Number.NaN }));
          return results;
        };
      }
      const value = Reflect.get(target, property, target) as unknown;
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}

async function seedContacts(workspaceId: string, ownerId: string, n: number, tag: string, rowidBase: number) {
  // Every fifth has no phone, every seventh a typo'd address, every eleventh an invalid phone,
  // every thirteenth no owner; half are idle. Written straight to D1: the audit is what is measured.
  await env.DB.prepare(
    `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?)
     INSERT INTO contacts (id, workspace_id, search_rowid, first_name, last_name, name_sort, primary_email, primary_phone, emails, phones,
       lifecycle_stage, tags, owner_id, consent_status, created_at, updated_at, version)
     SELECT printf('con_${tag}%08d', i), ?, ? + i, 'V' || i, 'P' || i, 'p' || i,
       CASE WHEN i % 7 = 0 THEN 'c' || i || '@gmial.com' ELSE 'c' || i || '@example.com' END,
       CASE WHEN i % 5 = 0 THEN NULL WHEN i % 11 = 0 THEN '+3706123' ELSE '+37061234567' END,
       json_array(CASE WHEN i % 7 = 0 THEN 'c' || i || '@gmial.com' ELSE 'c' || i || '@example.com' END),
       CASE WHEN i % 5 = 0 THEN '[]' WHEN i % 11 = 0 THEN '[{"e164":"+3706123","raw":"6123","label":null}]' ELSE '[{"e164":"+37061234567","raw":"61234567","label":null}]' END,
       'lead', '[]', CASE WHEN i % 13 = 0 THEN NULL ELSE ? END, CASE WHEN i % 2 = 0 THEN 'granted' ELSE 'unknown' END,
       ? - (i % 2) * 200 * 86400000, ?, 1 FROM n`,
  )
    .bind(n, workspaceId, rowidBase, ownerId, Date.now(), Date.now())
    .run();
  await env.DB.prepare(
    `INSERT INTO contact_phones (workspace_id, contact_id, position, e164, raw, label)
     SELECT workspace_id, id, 0, primary_phone, primary_phone, NULL FROM contacts WHERE workspace_id = ? AND primary_phone IS NOT NULL`,
  )
    .bind(workspaceId)
    .run();
}

async function measureAudit(n: number, tag: string, rowidBase: number) {
  const owner = await signUp();
  await seedContacts(owner.workspaceId, owner.userId, n, tag, rowidBase);
  const sent = captureJobSends();
  const res = await call("POST", "/api/v1/audits/run", { token: owner.token });
  const id = field<string>(res.json, "id");
  sent.length = 0;
  const log: Metered[] = [];
  const db = createDatabase(meteredWithBatches(env.DB, log));
  const started = performance.now();
  let outcome = await runAudit(env, db, id, Date.now());
  for (let round = 0; round < 100 && outcome === "continued"; round++) outcome = await runAudit(env, db, id, Date.now());
  const ms = performance.now() - started;
  expect(outcome).toBe("finished");
  vi.restoreAllMocks();
  const audit = await getAudit(owner, id);
  const rowsRead = log.reduce((sum, entry) => sum + entry.rowsRead, 0);
  return { audit, rowsRead, statements: log.length, ms, log };
}

describe("what an audit costs", () => {
  it("reads O(N) rows for N contacts: doubling the contacts at most doubles the rows read", async () => {
    const small = await measureAudit(2_000, "costs", 20_000_000);
    const large = await measureAudit(4_000, "costl", 30_000_000);
    for (const run of [small, large]) expect(run.rowsRead).not.toBeNaN();
    console.log(
      `audit cost: ${small.audit.contact_count} contacts → rows_read ${small.rowsRead} (${(small.rowsRead / 2000).toFixed(1)}/contact), ${small.statements} statements, ${small.ms.toFixed(0)} ms; ` +
        `${large.audit.contact_count} → ${large.rowsRead} (${(large.rowsRead / 4000).toFixed(1)}/contact), ${large.statements} statements, ${large.ms.toFixed(0)} ms`,
    );
    expect(small.audit.contact_count).toBe(2_000);
    expect(large.audit.totals.invalid_email).toBe(Math.floor(4_000 / 7));
    expect(large.audit.totals.missing_phone).toBe(Math.floor(4_000 / 5));
    // Linear: a constant number of reads per contact (pages, the SQL checks, the tallies), well
    // under what a pairwise or per-contact-query audit would read.
    expect(large.rowsRead).toBeLessThanOrEqual(20 * 4_000);
    expect(large.rowsRead / small.rowsRead).toBeLessThan(2.3);
  });
});
