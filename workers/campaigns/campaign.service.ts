import { and, asc, eq, gt, inArray, isNull, sql, type SQL } from "drizzle-orm";
import type { BatchItem } from "drizzle-orm/batch";
import { auditInsert } from "../audit/audit.service";
import type { Database } from "../db/client";
import { newId } from "../db/ids";
import { campaignRecipients, campaigns, contacts, emailTemplates, languages, segments, users, type CampaignStatus, type Language } from "../db/schema";
import { emailSettings } from "../email/email-config";
import { transportFor } from "../email/transport";
import { sendJobs } from "../jobs/enqueue";
import { isVersionConflict, versionGuard } from "../db/version-guard";
import { assertVersion } from "../http/etag";
import { isoTime } from "../http/fields";
import { decodeCursor, toPage } from "../http/pagination";
import { problems, type FieldError } from "../http/problem";
import type { ServiceContext } from "../lib/service-context";
import { compileSegmentFilter } from "../segments/compile";
import type {
  Campaign,
  CampaignCreateInput,
  CampaignListInput,
  CampaignPatchInput,
  CampaignScheduleInput,
  RecipientListInput,
} from "./campaign.schema";
import { countsOf } from "./counts";
import { loadSegmentFilter, parseClock, skipReasonSql, suppressionJoin } from "./materialize";
import { renderForRecipient, unsubscribeUrl } from "./render";
import { atLocalTime } from "./send-time";
import { signLink } from "./link-token";
import { loadTemplateForSend } from "./send";

type CampaignRow = typeof campaigns.$inferSelect;

export function toCampaign(row: CampaignRow): Campaign {
  return {
    id: row.id,
    name: row.name,
    kind: row.kind,
    segment_id: row.segmentId,
    template_id: row.templateId,
    from_name: row.fromName,
    from_address: row.fromAddress,
    reply_to: row.replyTo,
    schedule_mode: row.scheduleMode,
    scheduled_at: isoTime(row.scheduledAt),
    send_local_date: row.sendLocalDate,
    send_local_time: row.sendLocalTime,
    quiet_start: row.quietStart,
    quiet_end: row.quietEnd,
    throttle_per_minute: row.throttlePerMinute,
    tracking_enabled: row.trackingEnabled,
    status: row.status,
    counts: countsOf(row),
    materialized_at: isoTime(row.materializedAt),
    started_at: isoTime(row.startedAt),
    finished_at: isoTime(row.finishedAt),
    created_by: row.createdBy,
    created_at: isoTime(row.createdAt),
    updated_at: isoTime(row.updatedAt),
    version: row.version,
  };
}

/** What the audit log keeps of a campaign: its settings and status, not its moving counters. */
function snapshot(row: CampaignRow) {
  const { id: _id, counts: _c, created_at: _ca, updated_at: _ua, version: _v, created_by: _cb, materialized_at: _m, ...fields } = toCampaign(row);
  return fields;
}

export async function getCampaignRow(db: Database, workspaceId: string, id: string): Promise<CampaignRow> {
  const [row] = await db
    .select()
    .from(campaigns)
    .where(and(eq(campaigns.workspaceId, workspaceId), eq(campaigns.id, id), isNull(campaigns.deletedAt)))
    .limit(1);
  if (!row) throw problems.notFound("campaign");
  return row;
}

export async function listCampaigns(db: Database, workspaceId: string, query: CampaignListInput) {
  const cursor = decodeCursor(query.cursor);
  const afterId = cursor?.[0];
  if (cursor !== null && (typeof afterId !== "string" || !afterId.startsWith("cpg_"))) {
    throw problems.validation([{ parameter: "cursor", detail: "This cursor is not one the API returned." }]);
  }
  // Newest first through campaigns_workspace_idx (ids are time-sortable).
  const rows = await db
    .select()
    .from(campaigns)
    .where(
      and(
        eq(campaigns.workspaceId, workspaceId),
        isNull(campaigns.deletedAt),
        query.status ? eq(campaigns.status, query.status) : undefined,
        typeof afterId === "string" ? sql`${campaigns.id} < ${afterId}` : undefined,
      ),
    )
    .orderBy(sql`${campaigns.id} DESC`)
    .limit(query.limit + 1);
  return toPage(rows, query.limit, (row) => [row.id], toCampaign);
}

// ---------------------------------------------------------------------------------------------
// Checks

async function assertSegment(db: Database, workspaceId: string, id: string, pointer: string) {
  const [row] = await db
    .select({ id: segments.id })
    .from(segments)
    .where(and(eq(segments.workspaceId, workspaceId), eq(segments.id, id), isNull(segments.deletedAt)))
    .limit(1);
  if (!row) throw problems.validation([{ pointer, code: "unknown_segment", detail: "No segment with that id in this workspace." }]);
}

async function assertTemplate(db: Database, workspaceId: string, id: string, pointer: string) {
  const [row] = await db
    .select({ id: emailTemplates.id })
    .from(emailTemplates)
    .where(and(eq(emailTemplates.workspaceId, workspaceId), eq(emailTemplates.id, id), isNull(emailTemplates.deletedAt)))
    .limit(1);
  if (!row) throw problems.validation([{ pointer, code: "unknown_template", detail: "No template with that id in this workspace." }]);
}

function assertQuietHours(start: string | null, end: string | null) {
  if ((start === null) !== (end === null)) {
    throw problems.validation([{ pointer: start === null ? "/quiet_start" : "/quiet_end", code: "quiet_hours_incomplete", detail: "Give quiet hours a start and an end, or neither." }]);
  }
}

// ---------------------------------------------------------------------------------------------
// Create, edit, delete

export async function createCampaign(ctx: ServiceContext, input: CampaignCreateInput): Promise<Campaign> {
  const workspaceId = ctx.actor.workspaceId;
  assertQuietHours(input.quiet_start ?? null, input.quiet_end ?? null);
  await Promise.all([
    input.segment_id ? assertSegment(ctx.db, workspaceId, input.segment_id, "/segment_id") : null,
    input.template_id ? assertTemplate(ctx.db, workspaceId, input.template_id, "/template_id") : null,
  ]);
  const row: CampaignRow = {
    id: newId("campaign", ctx.now),
    workspaceId,
    name: input.name,
    kind: input.kind ?? "newsletter",
    segmentId: input.segment_id ?? null,
    templateId: input.template_id ?? null,
    fromName: input.from_name,
    fromAddress: input.from_address,
    replyTo: input.reply_to ?? null,
    scheduleMode: "now",
    scheduledAt: null,
    sendLocalDate: null,
    sendLocalTime: input.send_local_time ?? null,
    quietStart: input.quiet_start ?? null,
    quietEnd: input.quiet_end ?? null,
    throttlePerMinute: input.throttle_per_minute ?? null,
    trackingEnabled: input.tracking_enabled ?? false,
    status: "draft",
    recipientCount: 0,
    sentCount: 0,
    failedCount: 0,
    skippedCount: 0,
    unsubscribedCount: 0,
    openedCount: 0,
    clickedCount: 0,
    materializeCursor: null,
    materializedAt: null,
    linkOrigin: null,
    startedAt: null,
    finishedAt: null,
    createdBy: ctx.actor.id,
    updatedBy: ctx.actor.id,
    createdAt: ctx.now,
    updatedAt: ctx.now,
    version: 1,
    deletedAt: null,
  };
  await ctx.db.batch([
    ctx.db.insert(campaigns).values(row),
    auditInsert(ctx, { action: "campaign.created", entityType: "campaign", entityId: row.id, before: null, after: snapshot(row) }),
  ]);
  return toCampaign(row);
}

// What may change in which status. Drafts and scheduled campaigns are plans: anything goes (a
// scheduled campaign keeps its schedule). Once recipients are listed, who and what are fixed;
// the sender's name, reply-to and the pace may still change while paused or sending. The name
// is a label and may always change.
const editableIn: Record<CampaignStatus, ReadonlySet<keyof CampaignPatchInput> | "all"> = {
  draft: "all",
  scheduled: "all",
  sending: new Set(["name", "throttle_per_minute"]),
  paused: new Set(["name", "throttle_per_minute", "from_name", "reply_to"]),
  sent: new Set(["name"]),
  cancelled: new Set(["name"]),
};

function lostRace(): never {
  throw problems.conflict("concurrent_change", "Someone changed this campaign at the same moment. Reload it and try again.");
}

async function commit(ctx: ServiceContext, current: CampaignRow, set: Partial<CampaignRow>, action: string, extra: BatchItem<"sqlite">[] = []): Promise<CampaignRow> {
  const next: CampaignRow = { ...current, ...set, updatedAt: ctx.now, updatedBy: ctx.actor.id, version: current.version + 1 };
  await ctx.db
    .batch([
      versionGuard(ctx.db, campaigns, current.id, current.version),
      ctx.db
        .update(campaigns)
        .set({ ...set, updatedAt: ctx.now, updatedBy: ctx.actor.id, version: current.version + 1 })
        .where(eq(campaigns.id, current.id)),
      auditInsert(ctx, { action, entityType: "campaign", entityId: current.id, before: snapshot(current), after: snapshot(next) }),
      ...extra,
    ])
    .catch((error: unknown) => {
      if (isVersionConflict(error)) lostRace();
      throw error;
    });
  // Counters move under the consumer's feet: read them back for the response.
  return getCampaignRow(ctx.db, ctx.actor.workspaceId, current.id).catch(() => next);
}

export async function updateCampaign(ctx: ServiceContext, id: string, patch: CampaignPatchInput, expectedVersion: number | null): Promise<{ campaign: Campaign; changed: boolean }> {
  const current = await getCampaignRow(ctx.db, ctx.actor.workspaceId, id);
  assertVersion(expectedVersion, current.version);
  const allowed = editableIn[current.status];
  if (allowed !== "all") {
    const refused = (Object.keys(patch) as (keyof CampaignPatchInput)[]).filter((key) => patch[key] !== undefined && !allowed.has(key));
    if (refused.length > 0) {
      throw problems.conflict("campaign_not_editable", `A ${current.status} campaign's ${refused.join(", ")} cannot change.`, {
        errors: refused.map((key) => ({ pointer: `/${key}`, code: "not_editable", detail: `Cannot change while the campaign is ${current.status}.` })),
      });
    }
  }
  if (patch.kind !== undefined && patch.kind !== current.kind && current.status !== "draft") {
    throw problems.conflict("campaign_not_editable", "Only a draft's kind can change.", { errors: [{ pointer: "/kind", code: "not_editable", detail: "Only a draft's kind can change." }] });
  }
  const quietStart = patch.quiet_start === undefined ? current.quietStart : patch.quiet_start;
  const quietEnd = patch.quiet_end === undefined ? current.quietEnd : patch.quiet_end;
  assertQuietHours(quietStart, quietEnd);
  await Promise.all([
    patch.segment_id && patch.segment_id !== current.segmentId ? assertSegment(ctx.db, current.workspaceId, patch.segment_id, "/segment_id") : null,
    patch.template_id && patch.template_id !== current.templateId ? assertTemplate(ctx.db, current.workspaceId, patch.template_id, "/template_id") : null,
  ]);
  const set: Partial<CampaignRow> = {
    name: patch.name ?? current.name,
    kind: patch.kind ?? current.kind,
    segmentId: patch.segment_id === undefined ? current.segmentId : patch.segment_id,
    templateId: patch.template_id === undefined ? current.templateId : patch.template_id,
    fromName: patch.from_name ?? current.fromName,
    fromAddress: patch.from_address ?? current.fromAddress,
    replyTo: patch.reply_to === undefined ? current.replyTo : patch.reply_to,
    quietStart,
    quietEnd,
    throttlePerMinute: patch.throttle_per_minute === undefined ? current.throttlePerMinute : patch.throttle_per_minute,
    trackingEnabled: patch.tracking_enabled ?? current.trackingEnabled,
    sendLocalTime: patch.send_local_time === undefined ? current.sendLocalTime : patch.send_local_time,
  };
  const next = { ...current, ...set };
  if (JSON.stringify(snapshot(next)) === JSON.stringify(snapshot(current))) return { campaign: toCampaign(current), changed: false };
  // A scheduled campaign whose audience or content changes is checked again as at scheduling.
  if (current.status === "scheduled" && (next.segmentId === null || next.templateId === null)) {
    throw problems.conflict("campaign_scheduled", "A scheduled campaign needs a segment and a template; unschedule it by cancelling first.");
  }
  return { campaign: toCampaign(await commit(ctx, current, set, "campaign.updated")), changed: true };
}

export async function deleteCampaign(ctx: ServiceContext, id: string): Promise<void> {
  const current = await getCampaignRow(ctx.db, ctx.actor.workspaceId, id);
  if (current.status === "sending" || current.status === "paused") {
    throw problems.conflict("campaign_active", "This campaign is sending. Cancel it first, then delete it.");
  }
  await ctx.db
    .batch([
      versionGuard(ctx.db, campaigns, id, current.version),
      ctx.db
        .update(campaigns)
        .set({ deletedAt: ctx.now, status: current.status === "scheduled" ? "cancelled" : current.status, updatedAt: ctx.now, updatedBy: ctx.actor.id, version: current.version + 1 })
        .where(eq(campaigns.id, id)),
      auditInsert(ctx, { action: "campaign.deleted", entityType: "campaign", entityId: id, before: { deleted_at: null }, after: { deleted_at: isoTime(ctx.now) } }),
    ])
    .catch((error: unknown) => {
      if (isVersionConflict(error)) lostRace();
      throw error;
    });
}

// ---------------------------------------------------------------------------------------------
// Scheduling

/** Contacts in the segment, and how many of them may be emailed (granted, with an address, not suppressed). */
export async function audienceOf(db: Database, workspaceId: string, segmentId: string, now: number): Promise<{ total: number; sendable: number }> {
  const filter = await loadSegmentFilter(db, workspaceId, segmentId);
  if (!filter) return { total: 0, sendable: 0 };
  const [row] = await db.all<{ total: number; sendable: number | null }>(sql`SELECT COUNT(*) AS total, SUM(CASE WHEN (${skipReasonSql}) IS NULL THEN 1 ELSE 0 END) AS sendable
    FROM ${contacts} ${suppressionJoin}
    WHERE ${contacts.workspaceId} = ${workspaceId} AND ${contacts.deletedAt} IS NULL AND ${compileSegmentFilter(filter, workspaceId, now)}`);
  return { total: row?.total ?? 0, sendable: row?.sendable ?? 0 };
}

// The zones furthest ahead of and behind UTC: a local hour happens first in Kiritimati (UTC+14)
// and last in the Etc/GMT+12 zone (UTC−12).
const earliestZone = "Pacific/Kiritimati";
const latestZone = "Etc/GMT+12";

type SchedulePlan = Pick<CampaignRow, "scheduleMode" | "scheduledAt" | "sendLocalDate" | "sendLocalTime">;

function schedulePlan(campaign: CampaignRow, input: CampaignScheduleInput, now: number): SchedulePlan {
  const errors: FieldError[] = [];
  const unexpected = (field: "at" | "local_date" | "local_time") => errors.push({ pointer: `/${field}`, code: "unexpected", detail: `Leave ${field} out with mode ${input.mode}.` });
  const missing = (field: "at" | "local_date" | "local_time") => errors.push({ pointer: `/${field}`, code: "required", detail: `Mode ${input.mode} needs ${field}.` });
  if (campaign.kind === "birthday") {
    if (input.mode !== "local_time") errors.push({ pointer: "/mode", code: "birthday_local_time", detail: "A birthday campaign goes out at a local hour: use mode local_time with local_time." });
    if (input.at !== undefined) unexpected("at");
    if (input.local_date !== undefined) errors.push({ pointer: "/local_date", code: "unexpected", detail: "Birthday greetings go out on each contact's birthday; leave local_date out." });
    const time = input.local_time ?? campaign.sendLocalTime;
    if (!time) missing("local_time");
    if (errors.length > 0) throw problems.validation(errors);
    return { scheduleMode: "local_time", scheduledAt: now, sendLocalDate: null, sendLocalTime: time };
  }
  switch (input.mode) {
    case "now":
      if (input.at !== undefined) unexpected("at");
      if (input.local_date !== undefined) unexpected("local_date");
      if (input.local_time !== undefined) unexpected("local_time");
      if (errors.length > 0) throw problems.validation(errors);
      return { scheduleMode: "now", scheduledAt: now, sendLocalDate: null, sendLocalTime: null };
    case "at": {
      if (input.at === undefined) missing("at");
      if (input.local_date !== undefined) unexpected("local_date");
      if (input.local_time !== undefined) unexpected("local_time");
      if (errors.length > 0 || input.at === undefined) throw problems.validation(errors);
      const at = Date.parse(input.at);
      if (at < now - 60_000) throw problems.validation([{ pointer: "/at", code: "in_the_past", detail: "That time has passed. Choose a later one, or send now." }]);
      return { scheduleMode: "at", scheduledAt: Math.max(at, now), sendLocalDate: null, sendLocalTime: null };
    }
    case "local_time": {
      if (input.at !== undefined) unexpected("at");
      if (input.local_date === undefined) missing("local_date");
      if (input.local_time === undefined) missing("local_time");
      const time = parseClock(input.local_time ?? null);
      if (errors.length > 0 || input.local_date === undefined || !time) throw problems.validation(errors);
      if (atLocalTime(input.local_date, time, latestZone) < now) {
        throw problems.validation([{ pointer: "/local_date", code: "in_the_past", detail: "That local time has passed everywhere. Choose a later date." }]);
      }
      // Start when the hour first comes anywhere; each recipient's own hour is worked out then.
      return { scheduleMode: "local_time", scheduledAt: Math.max(now, atLocalTime(input.local_date, time, earliestZone)), sendLocalDate: input.local_date, sendLocalTime: input.local_time ?? null };
    }
  }
}

export async function scheduleCampaign(ctx: ServiceContext, env: Env, id: string, input: CampaignScheduleInput, origin: string): Promise<Campaign> {
  const current = await getCampaignRow(ctx.db, ctx.actor.workspaceId, id);
  if (current.status !== "draft" && current.status !== "scheduled") {
    throw problems.conflict("campaign_not_schedulable", `A ${current.status} campaign cannot be scheduled. Only drafts and scheduled campaigns can.`);
  }
  const errors: FieldError[] = [];
  if (!current.segmentId) errors.push({ pointer: "/segment_id", code: "required", detail: "Choose a segment before scheduling." });
  if (!current.templateId) errors.push({ pointer: "/template_id", code: "required", detail: "Choose a template before scheduling." });
  if (errors.length > 0) throw problems.unprocessable("campaign_incomplete", "The campaign needs a segment and a template.", errors);
  const plan = schedulePlan(current, input, ctx.now);
  await Promise.all([
    assertSegment(ctx.db, current.workspaceId, current.segmentId ?? "", "/segment_id"),
    assertTemplate(ctx.db, current.workspaceId, current.templateId ?? "", "/template_id"),
  ]);
  const audience = await audienceOf(ctx.db, current.workspaceId, current.segmentId ?? "", ctx.now);
  if (audience.total === 0) throw problems.unprocessable("empty_segment", "The segment has no contacts, so the campaign would go to nobody.", [{ pointer: "/segment_id", code: "empty_segment", detail: "This segment matches no contacts." }]);
  if (audience.sendable === 0) {
    throw problems.unprocessable(
      "no_consented_recipients",
      `None of the segment's ${audience.total} contacts may receive marketing email: none has granted consent with an address that is not suppressed.`,
      [{ pointer: "/segment_id", code: "no_consented_recipients", detail: "No contact in this segment has granted marketing consent." }],
    );
  }
  // "now" and birthday campaigns start at once; the others when the tick reaches scheduled_at.
  const startNow = plan.scheduleMode === "now" || current.kind === "birthday";
  const set: Partial<CampaignRow> = { ...plan, linkOrigin: origin, status: startNow ? "sending" : "scheduled", startedAt: startNow ? ctx.now : null };
  const updated = await commit(ctx, current, set, "campaign.scheduled");
  if (startNow) await sendJobs(env, [{ type: "campaign.materialize", campaign_id: id }]);
  return toCampaign(updated);
}

// ---------------------------------------------------------------------------------------------
// Pause, resume, cancel

export async function pauseCampaign(ctx: ServiceContext, id: string): Promise<Campaign> {
  const current = await getCampaignRow(ctx.db, ctx.actor.workspaceId, id);
  if (current.status === "paused") return toCampaign(current);
  if (current.status !== "sending") throw problems.conflict("campaign_not_sending", `Only a sending campaign can be paused; this one is ${current.status}.`);
  // Recipients handed to the queue but not yet taken by a consumer go back to pending, so a
  // resume claims them again; those a consumer holds are finished or given back by it.
  const release = ctx.db
    .update(campaignRecipients)
    .set({ status: "pending", enqueuedAt: null })
    .where(and(eq(campaignRecipients.campaignId, id), eq(campaignRecipients.status, "queued"), sql`(${campaignRecipients.claimedUntil} IS NULL OR ${campaignRecipients.claimedUntil} < ${ctx.now})`));
  return toCampaign(await commit(ctx, current, { status: "paused" }, "campaign.paused", [release]));
}

export async function resumeCampaign(ctx: ServiceContext, id: string): Promise<Campaign> {
  const current = await getCampaignRow(ctx.db, ctx.actor.workspaceId, id);
  if (current.status === "sending") return toCampaign(current);
  if (current.status !== "paused") throw problems.conflict("campaign_not_paused", `Only a paused campaign can be resumed; this one is ${current.status}.`);
  return toCampaign(await commit(ctx, current, { status: "sending" }, "campaign.resumed"));
}

export async function cancelCampaign(ctx: ServiceContext, id: string): Promise<Campaign> {
  const current = await getCampaignRow(ctx.db, ctx.actor.workspaceId, id);
  if (current.status === "cancelled") return toCampaign(current);
  if (current.status !== "scheduled" && current.status !== "sending" && current.status !== "paused") {
    throw problems.conflict("campaign_not_cancellable", `A ${current.status} campaign cannot be cancelled.`);
  }
  // Everyone not yet sent and not held by a consumer is skipped as cancelled, counted in the same batch.
  const skip = ctx.db
    .update(campaignRecipients)
    .set({ status: "skipped", skipReason: "cancelled" })
    .where(
      and(
        eq(campaignRecipients.campaignId, id),
        inArray(campaignRecipients.status, ["pending", "queued"]),
        sql`(${campaignRecipients.claimedUntil} IS NULL OR ${campaignRecipients.claimedUntil} < ${ctx.now})`,
      ),
    );
  // changes() is the statement just before: the rows skipped.
  const count = ctx.db
    .update(campaigns)
    .set({ skippedCount: sql`${campaigns.skippedCount} + changes()` })
    .where(eq(campaigns.id, id));
  return toCampaign(await commit(ctx, current, { status: "cancelled", finishedAt: ctx.now }, "campaign.cancelled", [skip, count]));
}

// ---------------------------------------------------------------------------------------------
// Test send and recipients

export async function testSend(ctx: ServiceContext, env: Env, id: string, language: Language | undefined, origin: string) {
  const current = await getCampaignRow(ctx.db, ctx.actor.workspaceId, id);
  if (ctx.actor.type !== "user" || !ctx.actor.id) throw problems.unprocessable("no_own_address", "A test goes to your own address; an API key has none.");
  if (!current.templateId) throw problems.unprocessable("campaign_incomplete", "Choose a template first.", [{ pointer: "/template_id", code: "required", detail: "Choose a template first." }]);
  const template = await loadTemplateForSend(ctx.db, current.templateId);
  if (!template) throw problems.unprocessable("campaign_incomplete", "The campaign's template no longer exists.", [{ pointer: "/template_id", code: "unknown_template", detail: "No such template." }]);
  const [me] = await ctx.db.select({ name: users.name, email: users.email, language: users.language }).from(users).where(eq(users.id, ctx.actor.id)).limit(1);
  if (!me) throw problems.unauthorized();
  const [first = null, ...rest] = me.name.trim().split(/\s+/);
  const wanted = language ?? ((languages as readonly string[]).includes(me.language) ? (me.language as Language) : undefined);
  // A test link is signed like a real one but names no recipient row, so it unsubscribes nobody.
  const token = await signLink(env.JWT_SECRET, "unsubscribe", `test_${current.id}`);
  const rendered = renderForRecipient(
    template,
    { firstName: first, lastName: rest.join(" ") || null, primaryEmail: me.email, jobTitle: null, city: null, country: null, language: me.language },
    { unsubscribeUrl: unsubscribeUrl(emailSettings(env).publicUrl ?? origin, token), ownerName: me.name, companyName: null, language: wanted },
  );
  await transportFor(env, ctx.db).send({
    workspaceId: current.workspaceId,
    dedupeKey: `campaign-test:${current.id}:${newId("email", ctx.now)}`,
    kind: "campaign.test",
    from: `${current.fromName.replace(/[\r\n"<>]/g, " ").trim()} <${current.fromAddress}>`,
    to: me.email,
    toName: me.name,
    subject: `[Test] ${rendered.subject}`,
    text: rendered.text,
    html: rendered.html,
    replyTo: current.replyTo,
    headers: rendered.headers,
  });
  return { to: me.email, language: rendered.language, subject: rendered.subject };
}

const recipientStatuses = ["failed", "pending", "queued", "sent", "skipped"] as const;

export async function listRecipients(db: Database, workspaceId: string, id: string, query: RecipientListInput) {
  await getCampaignRow(db, workspaceId, id);
  const cursor = decodeCursor(query.cursor);
  const bad = () => problems.validation([{ parameter: "cursor", detail: "This cursor is not one the API returned." }]);
  // campaign_recipients_list_idx (campaign_id, status, id): by id within a status; without a
  // status filter, grouped by status, then by id.
  let after: SQL | undefined;
  if (cursor !== null) {
    const [status, lastId] = cursor;
    if (typeof status !== "string" || typeof lastId !== "string" || !(recipientStatuses as readonly string[]).includes(status)) throw bad();
    after = query.status ? gt(campaignRecipients.id, lastId) : sql`(${campaignRecipients.status}, ${campaignRecipients.id}) > (${status}, ${lastId})`;
  }
  const rows = await db
    .select()
    .from(campaignRecipients)
    .where(and(eq(campaignRecipients.campaignId, id), query.status ? eq(campaignRecipients.status, query.status) : undefined, after))
    .orderBy(asc(campaignRecipients.status), asc(campaignRecipients.id))
    .limit(query.limit + 1);
  return toPage(
    rows,
    query.limit,
    (row) => [row.status, row.id],
    (row) => ({
      id: row.id,
      contact_id: row.contactId,
      email: row.email,
      language: row.language,
      status: row.status,
      skip_reason: row.skipReason,
      error: row.error,
      send_at: isoTime(row.sendAt),
      sent_at: isoTime(row.sentAt),
      unsubscribed_at: isoTime(row.unsubscribedAt),
      opened_at: isoTime(row.openedAt),
      clicked_at: isoTime(row.clickedAt),
    }),
  );
}
