import type { Member } from "../../../workers/team/member.schema";
import { api } from "../api/client";
import { taskPriorities, taskRecurrences, type Task, type TaskInput } from "../api/task-decoders";
import { t, type MessageKey } from "../i18n";
import { matchRoute } from "../lib/routes";
import { reminderOffsets, reminderPresetOf, reminderPresets, utcToZoned, zonedToUtc } from "../lib/tasks";
import { currentMe, timeZone } from "../session";
import { h, ht, uid } from "../ui/dom";
import { fieldRow, formMessage, inputField, onSubmit, selectField, valueOf } from "../ui/forms";
import { members } from "../ui/members";
import { announce } from "../ui/status";
import { ApiError } from "../lib/problem";

export type TaskLinks = { contact_id?: string; company_id?: string; deal_id?: string };

const reminderLabels: Record<(typeof reminderPresets)[number]["value"], MessageKey> = {
  none: "tasks.reminderNone",
  "0": "tasks.reminderAtDue",
  "15": "tasks.reminder15",
  "60": "tasks.reminder60",
  "1440": "tasks.reminder1440",
};

/** The record the current page shows, so a task added there is linked to it. */
export function linksOfCurrentPage(): TaskLinks {
  const route = matchRoute(location.pathname);
  if (route.name === "contact") return { contact_id: route.id };
  if (route.name === "company") return { company_id: route.id };
  if (route.name === "deal") return { deal_id: route.id };
  return {};
}

async function linkedName(links: TaskLinks): Promise<string> {
  try {
    if (links.contact_id) return (await api.contact(links.contact_id)).data.display_name;
    if (links.company_id) return (await api.company(links.company_id)).data.name;
    if (links.deal_id) return (await api.deal(links.deal_id)).data.title;
  } catch {
    // A record that cannot be read is still linked by id; the label falls back to its kind.
  }
  return "";
}

/**
 * Quick-add and edit for one task, in a modal <dialog>: showModal() keeps focus inside and makes
 * the page inert, Escape cancels, and focus returns to whatever opened it. Errors from the API
 * land beside their field (due_at, assignee_id…) through the problem+json pointers.
 */
export class RapportTaskDialog extends HTMLElement {
  static open(options: { task?: Task; links?: TaskLinks } = {}): Promise<Task | null> {
    if (document.querySelector("rapport-task-dialog")) return Promise.resolve(null);
    const element = new RapportTaskDialog();
    document.body.append(element);
    return element.show(options.task ?? null, options.links ?? {});
  }

  private async show(task: Task | null, links: TaskLinks): Promise<Task | null> {
    const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    const titleId = uid("task-dialog-title");
    const dialog = h("dialog", { class: "dialog task-dialog", "aria-labelledby": titleId, "data-testid": "task-dialog" });
    const heading = ht("h2", task ? "tasks.editTitle" : "tasks.newTitle", { id: titleId });
    const form = h("form", { class: "task-form" });
    const zone = timeZone();
    const due = task?.due_at ? utcToZoned(Date.parse(task.due_at), zone) : null;

    const title = inputField({ name: "title", label: "tasks.fieldTitle", required: true, autocomplete: "off", value: task?.title ?? "" });
    title.input.maxLength = 200;
    const descriptionId = uid("f-description");
    const description = h("textarea", { id: descriptionId, name: "description", rows: "2" });
    description.value = task?.description ?? "";
    // The date input carries the name due_at so the API's /due_at error lands beside it.
    const date = inputField({ name: "due_at", label: "tasks.fieldDueDate", type: "date", value: due?.date ?? "" });
    const timeId = uid("f-due-time");
    const time = h("input", { id: timeId, name: "due_time", type: "time", step: "60" });
    time.value = due?.time ?? "";
    const zoneNote = h("p", { class: "hint task-zone" }, t("tasks.zoneHint", { zone }));
    const reminder = selectField(
      "reminder_offsets",
      "tasks.fieldReminder",
      reminderPresets.map((preset) => ({ value: preset.value, key: reminderLabels[preset.value] })),
      task ? reminderPresetOf(task.reminder_offsets) : "0",
    );
    const team: Member[] = await members();
    const selfId = currentMe()?.user?.id ?? "";
    const assignee = selectField(
      "assignee_id",
      "tasks.fieldAssignee",
      [{ value: "", key: "tasks.unassigned" }, ...[...team].sort((a, b) => a.name.localeCompare(b.name)).map((member) => ({ value: member.user_id, label: member.user_id === selfId ? t("tasks.me", { name: member.name }) : member.name }))],
      task ? (task.assignee_id ?? "") : selfId,
    );
    const priority = selectField(
      "priority",
      "tasks.fieldPriority",
      taskPriorities.map((value) => ({ value, key: `tasks.priority.${value}` as const })),
      task?.priority ?? "normal",
    );
    const recurrence = selectField(
      "recurrence",
      "tasks.fieldRecurrence",
      taskRecurrences.map((value) => ({ value, key: `tasks.recurrence.${value}` as const })),
      task?.recurrence ?? "none",
    );

    const linkBox = h("div", { class: "task-link", hidden: true });
    const linkCheck = h("input", { type: "checkbox", id: uid("f-link"), name: "link", checked: true });
    if (!task && (links.contact_id || links.company_id || links.deal_id)) {
      const kind: MessageKey = links.contact_id ? "tasks.linkContact" : links.company_id ? "tasks.linkCompany" : "tasks.linkDeal";
      const label = h("label", { for: linkCheck.id }, t(kind, { name: "…" }));
      linkBox.append(linkCheck, label);
      linkBox.hidden = false;
      void linkedName(links).then((name) => {
        label.textContent = t(kind, { name: name || t(links.contact_id ? "tasks.aContact" : links.company_id ? "tasks.aCompany" : "tasks.aDeal") });
      });
    }

    const cancel = ht("button", "dialog.cancel", { type: "button", class: "button" });
    const submit = ht("button", task ? "tasks.save" : "tasks.add", { type: "submit", class: "button primary" });
    form.append(
      formMessage(),
      title.row,
      fieldRow(descriptionId, "tasks.fieldDescription", description),
      h("div", { class: "task-due" }, date.row, fieldRow(timeId, "tasks.fieldDueTime", time)),
      zoneNote,
      h("div", { class: "task-options" }, reminder.row, priority.row, assignee.row, recurrence.row),
      linkBox,
      h("div", { class: "actions" }, cancel, submit),
    );
    dialog.append(heading, form);
    this.append(dialog);

    return await new Promise<Task | null>((resolve) => {
      const close = (result: Task | null) => {
        dialog.close();
        this.remove();
        if (opener?.isConnected) opener.focus();
        resolve(result);
      };
      cancel.addEventListener("click", () => close(null));
      dialog.addEventListener("cancel", (event) => {
        event.preventDefault();
        close(null);
      });
      onSubmit(form, async () => {
        const body = this.bodyOf(form, zone, task);
        const saved = task ? (await api.updateTask(task.id, body, `"${task.version}"`)).data : await api.createTask({ ...body, title: body.title ?? "", ...(linkCheck.checked ? links : {}) });
        announce(task ? "tasks.saved" : "tasks.added", { title: saved.title });
        close(saved);
      });
      dialog.showModal();
      title.input.focus();
    });
  }

  /** The request body; a due time without a date is refused here, as the API could not read it. */
  private bodyOf(form: HTMLFormElement, zone: string, task: Task | null): TaskInput {
    const date = valueOf(form, "due_at");
    const time = valueOf(form, "due_time");
    let dueAt: string | null = null;
    if (date) {
      // A date alone means the start of the working day, 09:00 in the user's zone.
      const instant = zonedToUtc(date, time || "09:00", zone);
      if (instant === null) throw new ApiError(422, "validation_failed", t("tasks.dueInvalid"), { due_at: t("tasks.dueInvalid") }, [], null);
      dueAt = new Date(instant).toISOString();
    } else if (time) {
      throw new ApiError(422, "validation_failed", t("tasks.dueDateMissing"), { due_at: t("tasks.dueDateMissing") }, [], null);
    }
    const description = valueOf(form, "description").trim();
    const body: TaskInput = {
      title: valueOf(form, "title").trim(),
      description: description === "" ? null : description,
      due_at: dueAt,
      reminder_offsets: reminderOffsets(valueOf(form, "reminder_offsets")),
      assignee_id: valueOf(form, "assignee_id") || null,
      recurrence: taskRecurrences.find((value) => value === valueOf(form, "recurrence")) ?? "none",
      priority: taskPriorities.find((value) => value === valueOf(form, "priority")) ?? "normal",
    };
    // Editing sends only what changed, so a teammate's concurrent change to another field survives.
    if (!task) return body;
    const changed: TaskInput = {};
    if (body.title !== task.title) changed.title = body.title;
    if (body.description !== task.description) changed.description = body.description ?? null;
    if (body.due_at !== null && task.due_at !== null ? Date.parse(body.due_at ?? "") !== Date.parse(task.due_at) : body.due_at !== task.due_at) changed.due_at = body.due_at ?? null;
    if (JSON.stringify(body.reminder_offsets) !== JSON.stringify(task.reminder_offsets) && reminderPresetOf(task.reminder_offsets) !== valueOf(form, "reminder_offsets")) changed.reminder_offsets = body.reminder_offsets ?? [];
    if (body.assignee_id !== task.assignee_id) changed.assignee_id = body.assignee_id ?? null;
    if (body.priority !== task.priority) changed.priority = body.priority ?? "normal";
    if (body.recurrence !== task.recurrence) changed.recurrence = body.recurrence ?? "none";
    return changed;
  }
}

customElements.define("rapport-task-dialog", RapportTaskDialog);

declare global {
  interface HTMLElementTagNameMap {
    "rapport-task-dialog": RapportTaskDialog;
  }
}
