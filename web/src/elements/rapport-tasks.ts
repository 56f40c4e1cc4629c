import { api } from "../api/client";
import { isLiveSignal, liveEvent } from "../api/live";
import type { Task } from "../api/task-decoders";
import { bindAttribute, bindText, language, languageChanged, t, type MessageKey } from "../i18n";
import { formatDateTime } from "../lib/format";
import { debounce } from "../lib/latest";
import { can } from "../lib/permissions";
import { groupTasks, type TaskGroup, taskGroups, type TaskLink, taskLinks } from "../lib/tasks";
import { role, timeZone } from "../session";
import { h, ht } from "../ui/dom";
import { emptyState } from "../ui/record-grid";
import { announce, announceText } from "../ui/status";
import { offerUndo } from "../ui/undo";
import { plus } from "./rapport-contacts";
import { RapportTaskDialog } from "./rapport-task-dialog";

const unnamedLink: Record<TaskLink["kind"], MessageKey> = { contact: "tasks.aContact", company: "tasks.aCompany", deal: "tasks.aDeal" };

/** "Ona Petraitė · UAB Saulė · Deal: Website redesign"; names go in as text, never as markup. */
function linkList(task: Task): HTMLElement | null {
  const links = taskLinks(task);
  if (links.length === 0) return null;
  const parts: Node[] = [];
  for (const [index, link] of links.entries()) {
    if (index > 0) parts.push(document.createTextNode(" · "));
    const label = link.name === null ? t(unnamedLink[link.kind]) : link.kind === "deal" ? t("tasks.dealNamed", { title: link.name }) : link.name;
    parts.push(h("a", { href: link.href, "data-link": link.kind }, label));
  }
  return h("span", { class: "task-links", "data-testid": "task-links" }, ...parts);
}

const headings: Record<TaskGroup, MessageKey> = {
  overdue: "tasks.groupOverdue",
  today: "tasks.groupToday",
  upcoming: "tasks.groupUpcoming",
  none: "tasks.groupNone",
};

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : t("error.generic");
}

/** What a deleted task needs to come back (as a new task: the API has no restore for tasks). */
function recreateBody(task: Task) {
  return {
    title: task.title,
    description: task.description,
    due_at: task.due_at,
    reminder_offsets: task.reminder_offsets,
    assignee_id: task.assignee_id,
    priority: task.priority,
    contact_id: task.contact_id,
    company_id: task.company_id,
    deal_id: task.deal_id,
    recurrence: task.recurrence,
  };
}

/**
 * "My tasks": the signed-in person's open tasks under Overdue / Today / Upcoming / No due date,
 * in their own time zone. Completing is optimistic with undo; deleting offers undo; task events
 * from teammates (or other tabs) refresh the list live.
 */
export class RapportTasks extends HTMLElement {
  private open: Task[] = [];
  private done: Task[] = [];
  private nextCursor: string | null = null;
  private showDone = false;
  private loaded = false;
  private failed = false;
  private readonly list = h("div", { class: "task-groups", "data-testid": "tasks", "aria-live": "off" });
  private readonly toggle = ht("button", "tasks.showCompleted", { type: "button", class: "chip", "aria-pressed": "false", "data-testid": "show-completed" });
  private clock: ReturnType<typeof setInterval> | undefined;
  private readonly refresh = debounce(() => void this.load(), 300);
  private readonly onLive = (event: Event) => {
    if (!isLiveSignal(event)) return;
    const type = event.detail.type;
    if (type === "resync" || type.startsWith("task.")) this.refresh();
  };
  private readonly onLanguage = () => this.render();
  private readonly onAdded = () => this.refresh();

  connectedCallback(): void {
    const writer = can.writeRecords(role());
    const add = h("button", { type: "button", class: "button primary", "data-testid": "new-task", "aria-keyshortcuts": "t" }, plus(), bindText(h("span"), "tasks.new"));
    add.addEventListener("click", () => void this.create());
    this.toggle.addEventListener("click", () => {
      this.showDone = !this.showDone;
      this.toggle.setAttribute("aria-pressed", String(this.showDone));
      void this.load();
    });
    this.replaceChildren(
      h("div", { class: "page-head" }, h("div", {}, ht("h1", "tasks.title"), ht("p", "tasks.lead", { class: "lead" })), h("div", { class: "page-actions" }, writer ? add : null)),
      h("div", { class: "task-toolbar" }, this.toggle),
      this.list,
      ht("p", "tasks.shortcuts", { class: "hint shortcuts" }),
    );
    this.list.append(ht("p", "app.loading", { class: "loading" }));
    window.addEventListener(liveEvent, this.onLive);
    window.addEventListener(languageChanged, this.onLanguage);
    window.addEventListener(taskSavedEvent, this.onAdded);
    // Time passes while the page is open: a task due at 14:00 moves from Today to Overdue.
    this.clock = setInterval(() => this.render(), 60_000);
    void this.load();
  }

  disconnectedCallback(): void {
    window.removeEventListener(liveEvent, this.onLive);
    window.removeEventListener(languageChanged, this.onLanguage);
    window.removeEventListener(taskSavedEvent, this.onAdded);
    this.refresh.cancel();
    clearInterval(this.clock);
  }

  private async load(more = false): Promise<void> {
    try {
      const [open, done] = await Promise.all([
        api.tasks({ assignee_id: "me", status: "open", cursor: more ? (this.nextCursor ?? undefined) : undefined }),
        this.showDone && !more ? api.tasks({ assignee_id: "me", status: "done", limit: 50 }) : Promise.resolve(null),
      ]);
      this.open = more ? [...this.open, ...open.data.filter((task) => !this.open.some((known) => known.id === task.id))] : open.data;
      this.nextCursor = open.next_cursor;
      if (done) this.done = done.data;
      this.failed = false;
    } catch {
      this.failed = !this.loaded;
    }
    this.loaded = true;
    this.render();
  }

  private render(): void {
    if (!this.loaded) return;
    const focusedId = this.querySelector<HTMLElement>(":focus")?.closest<HTMLElement>("[data-task-id]")?.dataset.taskId ?? null;
    const focusedRole = this.querySelector<HTMLElement>(":focus")?.dataset.role ?? null;
    if (this.failed) {
      const retry = ht("button", "common.retry", { type: "button", class: "button" });
      retry.addEventListener("click", () => void this.load());
      this.list.replaceChildren(h("div", { class: "notice error" }, ht("span", "common.loadFailed"), " ", retry));
      return;
    }
    const children: Node[] = [];
    const groups = groupTasks(this.open, Date.now(), timeZone());
    for (const group of taskGroups) {
      const tasks = groups[group];
      if (tasks.length === 0) continue;
      children.push(this.section(group, headings[group], tasks));
    }
    if (this.nextCursor) {
      const more = ht("button", "tasks.loadMore", { type: "button", class: "button" });
      more.addEventListener("click", () => void this.load(true));
      children.push(h("div", { class: "load-more" }, more));
    }
    if (this.open.length === 0) {
      const add = h("button", { type: "button", class: "button primary" }, plus(), bindText(h("span"), "tasks.new"));
      add.addEventListener("click", () => void this.create());
      children.unshift(emptyState("tasks.emptyTitle", "tasks.emptyLead", can.writeRecords(role()) ? [add] : []));
    }
    if (this.showDone) children.push(this.section("done", "tasks.groupDone", this.done));
    this.list.replaceChildren(...children);
    // Re-rendering must not throw keyboard users back to the top of the page.
    if (focusedId) {
      const row = this.list.querySelector<HTMLElement>(`[data-task-id="${CSS.escape(focusedId)}"]`);
      (row?.querySelector<HTMLElement>(`[data-role="${focusedRole ?? "check"}"]`) ?? row?.querySelector<HTMLElement>("[data-role=check]"))?.focus();
    }
  }

  private section(group: TaskGroup | "done", heading: MessageKey, tasks: Task[]): HTMLElement {
    const id = `tasks-${group}`;
    const title = h("h2", { id, class: `task-group-title group-${group}` }, bindText(h("span"), heading), h("span", { class: "badge" }, String(tasks.length)));
    const list = h("ul", { class: "task-list", "aria-labelledby": id, "data-group": group });
    if (tasks.length === 0) list.append(h("li", { class: "empty" }, t("tasks.noneCompleted")));
    for (const task of tasks) list.append(this.row(task, group));
    return h("section", { class: "card-panel task-group", "data-testid": `group-${group}` }, title, list);
  }

  private row(task: Task, group: TaskGroup | "done"): HTMLElement {
    const writer = can.writeRecords(role());
    const done = task.status === "done";
    const check = h("input", { type: "checkbox", class: "task-check", "data-role": "check", checked: done, disabled: !writer });
    check.setAttribute("aria-label", t(done ? "tasks.reopen" : "tasks.complete", { title: task.title }));
    check.addEventListener("change", () => void this.setDone(task, check.checked));
    const title = h("button", { type: "button", class: "task-title", "data-role": "edit", disabled: !writer }, task.title);
    title.addEventListener("click", () => void this.edit(task));
    const meta: Node[] = [];
    if (task.due_at) {
      const due = h("time", { datetime: task.due_at, class: group === "overdue" ? "task-due overdue" : "task-due" }, this.dueText(task.due_at, group));
      meta.push(due);
    }
    if (task.priority === "high") meta.push(ht("span", "tasks.priority.high", { class: "badge priority-high" }));
    if (task.recurrence !== "none") meta.push(ht("span", `tasks.recurrence.${task.recurrence}`, { class: "badge" }));
    const links = linkList(task);
    if (links) meta.push(links);
    if (task.reminder_offsets.length === 0 && task.due_at) meta.push(ht("span", "tasks.noReminder", { class: "muted" }));
    const remove = h("button", { type: "button", class: "button subtle small", "data-role": "delete", "aria-label": t("tasks.delete", { title: task.title }), title: t("tasks.deleteShort") }, "×");
    remove.addEventListener("click", () => void this.deleteTask(task));
    return h(
      "li",
      { class: done ? "task-row done" : "task-row", "data-task-id": task.id, "data-testid": "task-row" },
      check,
      h("div", { class: "task-body" }, title, task.description ? h("p", { class: "task-description" }, task.description) : null, meta.length ? h("div", { class: "task-meta" }, ...meta) : null),
      writer ? remove : null,
    );
  }

  /** Today's tasks show the time only; others the date too, all in the user's zone and language. */
  private dueText(iso: string, group: TaskGroup | "done"): string {
    if (group === "today") {
      try {
        return new Intl.DateTimeFormat(language(), { timeStyle: "short", timeZone: timeZone() }).format(new Date(iso));
      } catch {
        return formatDateTime(iso, language(), "UTC");
      }
    }
    return formatDateTime(iso, language(), timeZone());
  }

  private async create(): Promise<void> {
    const saved = await RapportTaskDialog.open({});
    if (saved) await this.load();
  }

  private async edit(task: Task): Promise<void> {
    const saved = await RapportTaskDialog.open({ task });
    if (saved) await this.load();
  }

  /** Optimistic: the row moves at once; a failure puts it back and says why. */
  private async setDone(task: Task, done: boolean): Promise<void> {
    const before = { open: this.open, done: this.done };
    const changed: Task = { ...task, status: done ? "done" : "open" };
    this.open = done ? this.open.filter((item) => item.id !== task.id) : [...this.open, changed];
    this.done = done ? [changed, ...this.done] : this.done.filter((item) => item.id !== task.id);
    this.render();
    try {
      const saved = (await api.updateTask(task.id, { status: done ? "done" : "open" }, `"${task.version}"`)).data;
      this.open = this.open.map((item) => (item.id === saved.id ? saved : item));
      this.done = this.done.map((item) => (item.id === saved.id ? saved : item));
      if (done) {
        announce("tasks.completed", { title: task.title });
        offerUndo(t("tasks.completed", { title: task.title }), async () => {
          await api.updateTask(saved.id, { status: "open" }, `"${saved.version}"`);
          await this.load();
        });
      }
    } catch (error) {
      this.open = before.open;
      this.done = before.done;
      announceText(errorText(error), "error");
      this.render();
      this.refresh();
    }
  }

  private async deleteTask(task: Task): Promise<void> {
    const index = this.open.findIndex((item) => item.id === task.id);
    this.open = this.open.filter((item) => item.id !== task.id);
    this.done = this.done.filter((item) => item.id !== task.id);
    this.render();
    try {
      await api.deleteTask(task.id);
    } catch (error) {
      if (index >= 0) this.open.splice(index, 0, task);
      announceText(errorText(error), "error");
      this.render();
      return;
    }
    offerUndo(t("tasks.deleted", { title: task.title }), async () => {
      await api.createTask(recreateBody(task));
      announce("records.restored", { name: task.title });
      await this.load();
    });
  }
}

/** Fired by the shell after the quick-add dialog saves, so an open task list shows the new task. */
export const taskSavedEvent = "rapport:task-saved";

customElements.define("rapport-tasks", RapportTasks);

declare global {
  interface HTMLElementTagNameMap {
    "rapport-tasks": RapportTasks;
  }
}
