// Runtime shapes of the tasks, notifications and outbox responses (issue 6), kept beside
// decoders.ts so the record decoders there stay untouched. Typed with the workers' own types
// where they exist, so a schema change fails the web type check until it is handled here.
import type { OutboxEmail } from "../../../workers/email/outbox.schema";
import type { Notification, Preference } from "../../../workers/notifications/notification.schema";
import type { Task, TaskCreateInput, TaskPatchInput } from "../../../workers/tasks/task.schema";
import { array, boolean, type Decoder, nullable, number, object, oneOf, record, string } from "../lib/decode";

const text = nullable(string);
const emailStatus = oneOf(["stored", "queued", "sent", "failed"] as const);

export const notificationTypes = ["task.reminder", "task.assigned", "task.digest", "deal.rotting", "contact.birthday", "lead.assigned", "quality.digest", "import.finished"] as const;
export type NotificationType = (typeof notificationTypes)[number];
export const taskPriorities = ["low", "normal", "high"] as const;
export const taskRecurrences = ["none", "daily", "weekly", "monthly"] as const;
export const taskStatuses = ["open", "done", "cancelled"] as const;

export type { Task, OutboxEmail };
export type TaskInput = TaskPatchInput;
export type { TaskCreateInput };

export const decodeTask: Decoder<Task> = object({
  id: string,
  title: string,
  description: text,
  due_at: text,
  reminder_offsets: array(number),
  assignee_id: text,
  assignee_name: text,
  priority: oneOf(taskPriorities),
  contact_id: text,
  company_id: text,
  deal_id: text,
  contact_name: text,
  company_name: text,
  deal_title: text,
  status: oneOf(taskStatuses),
  recurrence: oneOf(taskRecurrences),
  previous_id: text,
  completed_at: text,
  created_by: text,
  created_at: string,
  updated_at: string,
  version: number,
});

export const decodeNotification: Decoder<Notification> = object({
  id: string,
  type: oneOf(notificationTypes),
  text: string,
  link: text,
  data: record,
  created_at: string,
  read_at: text,
});

export const decodeNotificationPage: Decoder<{ data: Notification[]; next_cursor: string | null; unread_count: number }> = object({
  data: array(decodeNotification),
  next_cursor: text,
  unread_count: number,
});

export const decodeUnreadCount: Decoder<{ unread_count: number }> = object({ unread_count: number });

export const decodePreferences: Decoder<{ data: Preference[] }> = object({ data: array(object({ type: oneOf(notificationTypes), in_app: boolean, email: boolean })) });

const headers: Decoder<Record<string, string>> = (value, path = "") => {
  const source = record(value, path);
  return Object.fromEntries(Object.entries(source).map(([key, item]) => [key, string(item, `${path}.${key}`)]));
};

export const decodeOutboxEmail: Decoder<OutboxEmail> = object({
  id: string,
  kind: string,
  from_address: string,
  to_address: string,
  to_name: text,
  subject: string,
  text: string,
  html: text,
  headers,
  status: emailStatus,
  created_at: string,
  sent_at: text,
});

// The list needs only what its rows show, so it stays readable whether or not the server sends bodies.
export type OutboxSummary = Pick<OutboxEmail, "id" | "kind" | "to_address" | "to_name" | "subject" | "status" | "created_at">;
export const decodeOutboxSummary: Decoder<OutboxSummary> = object({ id: string, kind: string, to_address: string, to_name: text, subject: string, status: emailStatus, created_at: string });
