// Activities, the record timelines and a contact's communication metrics, through the one client.
import type { Activity, ActivityCreateInput, ActivityPatchInput, Communication } from "../../../workers/activities/activity.schema";
import { array, type Decoder, nullable, number, object, oneOf, page, record, string } from "../lib/decode";
import { activityTypes, directions, type RecordType, type TimelineKind, timelineKinds } from "../lib/timeline";
import { type Page, request } from "./client";

const text = nullable(string);
const activityType = oneOf(activityTypes);

export const decodeActivity: Decoder<Activity> = object({
  id: string,
  type: activityType,
  direction: nullable(oneOf(directions)),
  subject: text,
  body: text,
  occurred_at: string,
  duration_seconds: nullable(number),
  outcome: text,
  contact_id: text,
  company_id: text,
  deal_id: text,
  author_id: text,
  author_name: text,
  created_at: string,
  updated_at: string,
  version: number,
});

const channels = object({ call: number, email: number, meeting: number, note: number, message: number });
export const decodeCommunication: Decoder<Communication> = object({
  inbound: channels,
  outbound: channels,
  first_response: object({ median_seconds: nullable(number), average_seconds: nullable(number), samples: number }),
  preferred_channel: nullable(activityType),
  activities_considered: number,
});

// The part of a task the timeline shows; the decoder drops the rest. The item shapes mirror
// workers/timeline/timeline.schema.ts; only a subset of Task is read so this file does not depend
// on the task decoders.
export type TimelineTask = { id: string; title: string; status: "open" | "done" | "cancelled"; due_at: string | null; assignee_name: string | null; priority: "low" | "normal" | "high" };
const decodeTask: Decoder<TimelineTask> = object({
  id: string,
  title: string,
  status: oneOf(["open", "done", "cancelled"] as const),
  due_at: text,
  assignee_name: text,
  priority: oneOf(["low", "normal", "high"] as const),
});

type Base = { id: string; at: string; actor_id: string | null; actor_name: string | null };
export type TimelineItem =
  | (Base & { kind: "activity"; activity: Activity })
  | (Base & { kind: "task"; task: TimelineTask })
  | (Base & { kind: "submission"; form_id: string; form_name: string | null; status: string })
  | (Base & { kind: "stage_change"; deal_id: string; deal_title: string; from_stage_id: string | null; from_stage_name: string | null; to_stage_id: string; to_stage_name: string | null })
  | (Base & { kind: "change"; action: string; diff: { before: Record<string, unknown> | null; after: Record<string, unknown> | null } });

const base = { id: string, at: string, actor_id: text, actor_name: text };
const kinds = {
  activity: object({ ...base, kind: oneOf(["activity"] as const), activity: decodeActivity }),
  task: object({ ...base, kind: oneOf(["task"] as const), task: decodeTask }),
  submission: object({ ...base, kind: oneOf(["submission"] as const), form_id: string, form_name: text, status: string }),
  stage_change: object({ ...base, kind: oneOf(["stage_change"] as const), deal_id: string, deal_title: string, from_stage_id: text, from_stage_name: text, to_stage_id: string, to_stage_name: text }),
  change: object({ ...base, kind: oneOf(["change"] as const), action: string, diff: object({ before: nullable(record), after: nullable(record) }) }),
} satisfies Record<TimelineKind, Decoder<TimelineItem>>;

/** Picks the decoder by `kind`; an item of a kind this client does not know yet is skipped, not fatal. */
const decodeTimelineItem: Decoder<TimelineItem | null> = (value, path = "") => {
  const raw = record(value, path).kind;
  const kind = timelineKinds.find((candidate) => candidate === raw);
  const decoder = kind ? kinds[kind] : null;
  return decoder ? decoder(value, path) : null;
};
const decodeTimeline: Decoder<Page<TimelineItem>> = (value, path = "") => {
  const raw = object({ data: array(decodeTimelineItem), next_cursor: nullable(string) })(value, path);
  return { data: raw.data.filter((item): item is TimelineItem => item !== null), next_cursor: raw.next_cursor };
};

const id = (value: string) => encodeURIComponent(value);
const collection: Record<RecordType, string> = { contact: "contacts", company: "companies", deal: "deals" };

export const activitiesApi = {
  timeline: (type: RecordType, recordId: string, query: { types?: string | undefined; cursor?: string | undefined; limit?: number }) =>
    request.json(decodeTimeline, "GET", `/${collection[type]}/${id(recordId)}/timeline`, { query: { limit: 25, ...query } }),
  activities: (query: Record<string, string | number | undefined>) => request.json(page(decodeActivity), "GET", "/activities", { query: { limit: 50, ...query } }),
  createActivity: (body: ActivityCreateInput) => request.json(decodeActivity, "POST", "/activities", { body }),
  updateActivity: (activityId: string, body: ActivityPatchInput, version: number) =>
    request.withEtag(decodeActivity, "PATCH", `/activities/${id(activityId)}`, { body, ...request.ifMatch(`"${version}"`) }),
  deleteActivity: async (activityId: string) => {
    await request.call("DELETE", `/activities/${id(activityId)}`);
  },
  communication: (contactId: string) => request.json(decodeCommunication, "GET", `/contacts/${id(contactId)}/communication`),
};
