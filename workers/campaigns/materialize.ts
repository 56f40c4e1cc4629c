import { and, eq, sql, type SQL } from "drizzle-orm";
import type { Database } from "../db/client";
import { campaigns, campaignRecipients, contacts, emailSuppressions, segments, workspaces } from "../db/schema";
import { publishToWorkspace } from "../hub/publish";
import { rawBatch } from "../imports/raw-batch";
import { candidateMonthDays, isBirthdayOn } from "../jobs/birthdays";
import { sendJobs } from "../jobs/enqueue";
import { isValidTimeZone, localParts } from "../lib/zoned-time";
import { compileSegmentFilter } from "../segments/compile";
import { SegmentFilter, type SegmentGroup } from "../segments/segment-filter";
import { countsOf } from "./counts";
import { afterQuietHours, birthdaySendAt, localSendAt, type ClockTime, type QuietHours } from "./send-time";

// Listing a campaign's recipients: one row per contact of the segment in campaign_recipients,
// `pending` for those we may email, `skipped` with the reason for everyone else. Pages of at
// most 500 contacts in (created_at, id) order (contacts_created_idx), one INSERT … SELECT per
// page over the compiled segment, ON CONFLICT DO NOTHING on (campaign, contact, year): a page
// done twice (a redelivered message, two runs at once) adds nothing. The cursor lives on the
// campaign row; a run stops after a time budget and continues in a new message.

export const materializePageSize = 500;
/** A `campaign.dispatch` after the first page and then every this many pages (20,000 recipients). */
const dispatchEveryPages = 40;
/** A run hands over to a new message after this long, well inside a consumer's wall-clock limit. */
export const materializeBudgetMs = 20_000;

type CampaignRow = typeof campaigns.$inferSelect;

export function parseClock(value: string | null): ClockTime | null {
  const match = value ? /^(\d{2}):(\d{2})$/.exec(value) : null;
  return match ? { hour: Number(match[1]), minute: Number(match[2]) } : null;
}

export function quietHoursOf(campaign: Pick<CampaignRow, "quietStart" | "quietEnd">): QuietHours | null {
  const start = parseClock(campaign.quietStart);
  const end = parseClock(campaign.quietEnd);
  return start && end ? { start, end } : null;
}

/**
 * A newsletter recipient's send instant in `zone`: the campaign's instant (or, for a local-hour
 * campaign, that wall time in the zone, the next day when it had already passed there when it
 * was scheduled), then moved past the zone's quiet hours.
 */
export function newsletterSendAt(campaign: Pick<CampaignRow, "scheduleMode" | "scheduledAt" | "startedAt" | "sendLocalDate" | "sendLocalTime" | "quietStart" | "quietEnd">, zone: string, now: number): number {
  const quiet = quietHoursOf(campaign);
  const time = parseClock(campaign.sendLocalTime);
  if (campaign.scheduleMode === "local_time" && campaign.sendLocalDate && time) {
    return afterQuietHours(localSendAt(campaign.sendLocalDate, time, zone, campaign.scheduledAt ?? now), quiet, zone);
  }
  const base = campaign.scheduleMode === "at" ? (campaign.scheduledAt ?? now) : (campaign.startedAt ?? campaign.scheduledAt ?? now);
  return afterQuietHours(base, quiet, zone);
}

/**
 * Why a contact (the row of `contacts` in scope) gets no email, or NULL: no address, an address
 * on the suppression list (the list's reason), or consent other than granted. `suppression` is
 * the email_suppressions row LEFT JOINed on the contact's address.
 */
export const skipReasonSql = sql`CASE
  WHEN ${contacts.primaryEmail} IS NULL OR ${contacts.primaryEmail} = '' THEN 'no_email'
  WHEN ${emailSuppressions.reason} IS NOT NULL THEN CASE ${emailSuppressions.reason} WHEN 'unsubscribed' THEN 'unsubscribed' WHEN 'bounced' THEN 'bounced' WHEN 'invalid' THEN 'invalid_email' ELSE 'suppressed' END
  WHEN ${contacts.consentStatus} <> 'granted' THEN 'no_consent'
  ELSE NULL END`;

export const suppressionJoin = sql`LEFT JOIN ${emailSuppressions} ON ${emailSuppressions.workspaceId} = ${contacts.workspaceId} AND ${emailSuppressions.email} = lower(${contacts.primaryEmail})`;

/** Recipient ids made inside SQL: the time part of newId plus 80 random bits, like every other id. */
function recipientIdSql(now: number): SQL {
  const alphabet = "0123456789abcdefghjkmnpqrstvwxyz";
  let value = now;
  let time = "";
  for (let i = 0; i < 10; i++) {
    time = alphabet[value % 32] + time;
    value = Math.floor(value / 32);
  }
  // hex digits are all in the id alphabet; 20 of them are 80 bits.
  return sql`'rcp_' || ${time} || lower(hex(randomblob(10)))`;
}

export async function loadSegmentFilter(db: Database, workspaceId: string, segmentId: string | null): Promise<SegmentGroup | null> {
  if (!segmentId) return null;
  // A segment deleted after the campaign was scheduled still defines who it goes to.
  const [row] = await db
    .select({ filter: segments.filter })
    .from(segments)
    .where(and(eq(segments.id, segmentId), eq(segments.workspaceId, workspaceId)))
    .limit(1);
  if (!row) return null;
  const parsed = SegmentFilter.safeParse(JSON.parse(row.filter));
  return parsed.success ? parsed.data : null;
}

async function workspaceZone(db: Database, workspaceId: string): Promise<string> {
  const [row] = await db.select({ timeZone: workspaces.timeZone }).from(workspaces).where(eq(workspaces.id, workspaceId)).limit(1);
  return row?.timeZone ?? "UTC";
}

const keyAfter = (cursor: string | null): SQL | undefined => {
  if (!cursor) return undefined;
  const colon = cursor.indexOf(":");
  return sql`(${contacts.createdAt}, ${contacts.id}) > (${Number(cursor.slice(0, colon))}, ${cursor.slice(colon + 1)})`;
};

export type MaterializeResult = { pages: number; done: boolean };

/** One run of `campaign.materialize`. Safe to repeat and to run twice at once. */
export async function materializeCampaign(env: Env, db: Database, campaignId: string, now: number, budgetMs = materializeBudgetMs): Promise<MaterializeResult> {
  const [campaign] = await db.select().from(campaigns).where(eq(campaigns.id, campaignId)).limit(1);
  // Cancelled, deleted or never started: nothing to list. Paused campaigns keep listing (a
  // resume then has everyone ready); only claiming stops.
  if (!campaign || campaign.deletedAt !== null || (campaign.status !== "sending" && campaign.status !== "paused")) return { pages: 0, done: true };
  if (campaign.kind === "birthday") return materializeBirthdays(env, db, campaign, now);
  if (campaign.materializedAt !== null) return { pages: 0, done: true };
  const filter = await loadSegmentFilter(db, campaign.workspaceId, campaign.segmentId);
  const defaultZone = await workspaceZone(db, campaign.workspaceId);
  const inSegment = and(eq(contacts.workspaceId, campaign.workspaceId), sql`${contacts.deletedAt} IS NULL`, filter ? compileSegmentFilter(filter, campaign.workspaceId, now) : sql`0`);
  const started = Date.now();
  let cursor = campaign.materializeCursor;
  let pages = 0;
  const zoneSendAt = new Map<string, number>();
  const sendAtIn = (zone: string) => {
    let at = zoneSendAt.get(zone);
    if (at === undefined) {
      at = newsletterSendAt(campaign, zone, now);
      zoneSendAt.set(zone, at);
    }
    return at;
  };
  const defaultSendAt = sendAtIn(defaultZone);

  while (Date.now() - started < budgetMs) {
    const page = await db
      .select({ createdAt: contacts.createdAt, id: contacts.id, timeZone: contacts.timeZone })
      .from(contacts)
      .where(and(inSegment, keyAfter(cursor)))
      .orderBy(contacts.createdAt, contacts.id)
      .limit(materializePageSize);
    const last = page.at(-1);
    if (!last) {
      await finishMaterializing(env, db, campaign);
      return { pages, done: true };
    }
    // Each distinct valid zone on the page, with its send instant; others use the workspace's.
    const zones: Record<string, number> = {};
    for (const row of page) if (row.timeZone && zones[row.timeZone] === undefined && isValidTimeZone(row.timeZone)) zones[row.timeZone] = sendAtIn(row.timeZone);
    const nextCursor = `${last.createdAt}:${last.id}`;
    const upTo = sql`(${contacts.createdAt}, ${contacts.id}) <= (${last.createdAt}, ${last.id})`;
    await rawBatch(db, [
      sql`INSERT INTO ${campaignRecipients} (id, workspace_id, campaign_id, contact_id, email, language, time_zone, send_at, status, skip_reason, year)
        SELECT ${recipientIdSql(now)}, ${campaign.workspaceId}, ${campaign.id}, contact_id, email, language, zone, send_at,
          CASE WHEN reason IS NULL THEN 'pending' ELSE 'skipped' END, reason, 0
        FROM (
          SELECT ${contacts.id} AS contact_id, lower(${contacts.primaryEmail}) AS email, ${contacts.language} AS language,
            coalesce(zone.key, ${defaultZone}) AS zone, coalesce(zone.value, ${defaultSendAt}) AS send_at, ${skipReasonSql} AS reason
          FROM ${contacts}
          ${suppressionJoin}
          LEFT JOIN json_each(${JSON.stringify(zones)}) AS zone ON zone.key = ${contacts.timeZone}
          WHERE ${and(inSegment, keyAfter(cursor), upTo)}
        ) WHERE 1
        ON CONFLICT (campaign_id, contact_id, year) DO NOTHING`,
      // changes() is the INSERT's count of new rows: a page done twice adds nothing.
      sql`UPDATE ${campaigns} SET materialize_cursor = ${nextCursor}, recipient_count = recipient_count + changes() WHERE id = ${campaign.id}`,
    ]);
    cursor = nextCursor;
    pages += 1;
    // Sending starts with the first page listed, and picks up more every 20,000 recipients,
    // instead of waiting for the whole list and the next minute tick.
    if (pages % dispatchEveryPages === 1 && campaign.status === "sending") await sendJobs(env, [{ type: "campaign.dispatch", campaign_id: campaign.id }]);
    if (page.length < materializePageSize) {
      await finishMaterializing(env, db, campaign);
      return { pages, done: true };
    }
  }
  await sendJobs(env, [{ type: "campaign.materialize", campaign_id: campaign.id }]);
  await announceProgress(env, db, campaign.id);
  return { pages, done: false };
}

/** Exact counts from the table (covering index list_idx), the cursor cleared, materialized_at set to when the listing actually ended. */
async function finishMaterializing(env: Env, db: Database, campaign: CampaignRow) {
  await db.run(sql`UPDATE ${campaigns} SET
      recipient_count = (SELECT COUNT(*) FROM ${campaignRecipients} WHERE campaign_id = ${campaign.id}),
      skipped_count = (SELECT COUNT(*) FROM ${campaignRecipients} WHERE campaign_id = ${campaign.id} AND status = 'skipped'),
      materialize_cursor = NULL, materialized_at = ${Date.now()}
    WHERE id = ${campaign.id} AND materialized_at IS NULL`);
  if (campaign.status === "sending") await sendJobs(env, [{ type: "campaign.dispatch", campaign_id: campaign.id }]);
  await announceProgress(env, db, campaign.id);
}

export async function announceProgress(env: Env, db: Database, campaignId: string) {
  const [row] = await db.select().from(campaigns).where(eq(campaigns.id, campaignId)).limit(1);
  if (!row) return;
  await publishToWorkspace(env, row.workspaceId, { type: "campaign.progress", id: row.id, actor: null, data: { status: row.status, counts: countsOf(row), materialized: row.materializedAt !== null } });
}

/**
 * Birthday campaigns: contacts of the segment whose birthday is today in their zone (else the
 * workspace's) get a row for this local year, due at the campaign's local hour (after quiet
 * hours). Candidates come through contacts_birthday_idx (substr(birthday, 6) around today), so
 * a run reads a few days' birthdays, not the workspace. Runs hourly; the unique key with the
 * year makes a contact greeted once a year however often it runs.
 */
async function materializeBirthdays(env: Env, db: Database, campaign: CampaignRow, now: number): Promise<MaterializeResult> {
  const time = parseClock(campaign.sendLocalTime);
  const filter = await loadSegmentFilter(db, campaign.workspaceId, campaign.segmentId);
  if (!time || !filter) return { pages: 0, done: true };
  const defaultZone = await workspaceZone(db, campaign.workspaceId);
  const quiet = quietHoursOf(campaign);
  const where = and(
    eq(contacts.workspaceId, campaign.workspaceId),
    sql`${contacts.deletedAt} IS NULL`,
    sql`${contacts.birthday} IS NOT NULL`,
    sql`substr(${contacts.birthday}, 6) IN (${sql.join(
      candidateMonthDays(now).map((day) => sql`${day}`),
      sql`, `,
    )})`,
    compileSegmentFilter(filter, campaign.workspaceId, now),
  );
  let afterId: string | null = null;
  let pages = 0;
  for (;;) {
    const page: { id: string; birthday: string | null; timeZone: string | null }[] = await db
      .select({ id: contacts.id, birthday: contacts.birthday, timeZone: contacts.timeZone })
      .from(contacts)
      .where(and(where, afterId ? sql`${contacts.id} > ${afterId}` : undefined))
      .orderBy(contacts.id)
      .limit(materializePageSize);
    const rows: { contact_id: string; year: number; zone: string; send_at: number }[] = [];
    for (const contact of page) {
      if (!contact.birthday) continue;
      const zone = contact.timeZone && isValidTimeZone(contact.timeZone) ? contact.timeZone : defaultZone;
      const local = localParts(now, zone);
      if (!isBirthdayOn(contact.birthday, local)) continue;
      const at = birthdaySendAt(contact.birthday, local.year, time, zone);
      if (at === null) continue;
      rows.push({ contact_id: contact.id, year: local.year, zone, send_at: afterQuietHours(at, quiet, zone) });
    }
    if (rows.length > 0) {
      await rawBatch(db, [
        sql`INSERT INTO ${campaignRecipients} (id, workspace_id, campaign_id, contact_id, email, language, time_zone, send_at, status, skip_reason, year)
          SELECT ${recipientIdSql(now)}, ${campaign.workspaceId}, ${campaign.id}, contact_id, email, language, zone, send_at,
            CASE WHEN reason IS NULL THEN 'pending' ELSE 'skipped' END, reason, year
          FROM (
            SELECT ${contacts.id} AS contact_id, lower(${contacts.primaryEmail}) AS email, ${contacts.language} AS language,
              json_extract(item.value, '$.zone') AS zone, json_extract(item.value, '$.send_at') AS send_at, json_extract(item.value, '$.year') AS year, ${skipReasonSql} AS reason
            FROM json_each(${JSON.stringify(rows)}) AS item
            JOIN ${contacts} ON ${contacts.id} = json_extract(item.value, '$.contact_id')
            ${suppressionJoin}
          ) WHERE 1
          ON CONFLICT (campaign_id, contact_id, year) DO NOTHING`,
        sql`UPDATE ${campaigns} SET recipient_count = recipient_count + changes() WHERE id = ${campaign.id}`,
      ]);
    }
    pages += 1;
    const last = page.at(-1);
    if (!last || page.length < materializePageSize) break;
    afterId = last.id;
  }
  // Skips are recounted: a birthday campaign's rows only ever grow, a day's worth at a time.
  await db.run(
    sql`UPDATE ${campaigns} SET skipped_count = (SELECT COUNT(*) FROM ${campaignRecipients} WHERE campaign_id = ${campaign.id} AND status = 'skipped') WHERE id = ${campaign.id}`,
  );
  await announceProgress(env, db, campaign.id);
  return { pages, done: true };
}
