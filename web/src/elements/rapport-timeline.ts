import type { Activity } from "../../../workers/activities/activity.schema";
import { activitiesApi, type TimelineItem } from "../api/activities";
import { isLiveSignal, liveEvent, type LiveSignal } from "../api/live";
import { bindAttribute, language, languageChanged, t, type MessageKey } from "../i18n";
import { formatDateTime } from "../lib/format";
import { can } from "../lib/permissions";
import { requestQuickAddTask } from "../lib/quick-add";
import { activityLinks, changedFields, formatDuration, type RecordLinks, type RecordType, relativeTime, type TimelineKind, timelineKinds, toggleKind, typesQuery } from "../lib/timeline";
import { currentMe, role, timeZone } from "../session";
import { h, ht, uid } from "../ui/dom";
import { announce, announceText } from "../ui/status";
import { RapportActivityForm } from "./rapport-activity-form";
import { RapportConfirm } from "./rapport-confirm";

// Field names in audit diffs, shown with the same words as the record pages use.
const fieldLabels: Record<string, MessageKey> = {
  first_name: "contacts.firstName",
  last_name: "contacts.lastName",
  job_title: "contacts.jobTitle",
  emails: "contacts.emails",
  email: "contacts.emails",
  phones: "contacts.phones",
  phone: "records.phone",
  company: "contacts.company",
  company_id: "contacts.company",
  lifecycle_stage: "contacts.stage",
  lead_status: "contacts.leadStatus",
  time_zone: "contacts.timeZone",
  language: "contacts.language",
  birthday: "contacts.birthday",
  source: "contacts.source",
  owner_id: "records.owner",
  tags: "records.tags",
  city: "records.city",
  country: "records.country",
  consent: "contacts.consentStatus",
  name: "companies.name",
  domain: "companies.domain",
  industry: "companies.industry",
  website: "companies.website",
  address: "companies.address",
  size_band: "companies.size",
  annual_revenue: "companies.revenue",
  title: "deal.name",
  value: "deal.value",
  currency: "deal.currency",
  expected_close_date: "deal.expectedClose",
  lost_reason: "deal.lostReason",
  stage_id: "deal.stage",
};

/** Fired (bubbling) after this page logged, edited or deleted an activity, so cards beside it refresh without waiting for the live event. */
export const activityChangedEvent = "rapport:activity-changed";

const kindLabels: Record<TimelineKind, MessageKey> = {
  activity: "timeline.kind.activity",
  task: "timeline.kind.task",
  submission: "timeline.kind.submission",
  stage_change: "timeline.kind.stage_change",
  change: "timeline.kind.change",
};

function fieldLabel(field: string): string {
  const key = fieldLabels[field];
  if (key) return t(key);
  const words = field.replaceAll("_", " ");
  return words.charAt(0).toUpperCase() + words.slice(1);
}

function activityHeading(activity: Activity): string {
  if (activity.direction && (activity.type === "call" || activity.type === "email" || activity.type === "message")) return t(`activity.${activity.direction}.${activity.type}`);
  return t(`activity.type.${activity.type}`);
}

/**
 * A record's history, newest first: activities, tasks, form submissions, stage changes and field
 * changes, filtered by kind and paged by cursor. Activities are logged, edited and deleted here.
 * Attributes: record-type (contact|company|deal), record-id. On a deal page, `extraLinks` adds
 * the primary contact and company to new activities.
 */
export class RapportTimeline extends HTMLElement {
  extraLinks: RecordLinks = {};
  private items: TimelineItem[] = [];
  private cursor: string | null = null;
  private chosen = new Set<TimelineKind>();
  private loaded = false;
  private editing: string | null = null;
  private stale = false;
  private request = 0;
  private refetchTimer: ReturnType<typeof setTimeout> | undefined;
  private clock: ReturnType<typeof setInterval> | undefined;
  private readonly list = h("ol", { class: "tl-list", "data-testid": "timeline" });
  private readonly formSlot = h("div", { class: "tl-form" });
  private readonly chips = h("div", { class: "chips tl-chips", role: "group" });
  private readonly more = ht("button", "timeline.more", { type: "button", class: "button", hidden: true, "data-testid": "timeline-more" });
  private readonly logButton = ht("button", "activity.log", { type: "button", class: "button primary small", "data-testid": "log-activity", "aria-expanded": "false" });
  private readonly taskButton = ht("button", "timeline.addTask", { type: "button", class: "button small", "data-testid": "add-task" });
  private readonly onLanguage = () => this.renderAll();
  private readonly onLive = (event: Event) => {
    if (isLiveSignal(event) && this.concerns(event.detail)) this.scheduleRefetch();
  };

  connectedCallback(): void {
    window.addEventListener(languageChanged, this.onLanguage);
    window.addEventListener(liveEvent, this.onLive);
    // Relative times ("5 minutes ago") age while the page stays open.
    this.clock = setInterval(() => this.updateTimes(), 60_000);
    if (!this.firstChild) this.build();
    // Record pages re-render by moving this element; coming back refreshes, so a field just
    // saved on the page shows up as a change item.
    void this.refetch();
  }

  disconnectedCallback(): void {
    window.removeEventListener(languageChanged, this.onLanguage);
    window.removeEventListener(liveEvent, this.onLive);
    clearInterval(this.clock);
    clearTimeout(this.refetchTimer);
  }

  private get recordType(): RecordType {
    const value = this.getAttribute("record-type");
    return value === "company" || value === "deal" ? value : "contact";
  }

  private get recordId(): string {
    return this.getAttribute("record-id") ?? "";
  }

  /** Whether a live event may change this record's timeline. */
  private concerns(signal: LiveSignal): boolean {
    if (signal.type === "resync") return true;
    const id = this.recordId;
    if (signal.id === id) return true;
    const data = signal.data;
    const family = signal.type.split(".")[0];
    if (family === "activity" || family === "task") {
      if (data.contact_id === id || data.company_id === id || data.deal_id === id) return true;
      return this.items.some((item) => item.id === signal.id || (item.kind === "activity" && item.activity.id === signal.id) || (item.kind === "task" && item.task.id === signal.id));
    }
    if (family === "deal") {
      const primary = data.primary_contact;
      const company = data.company;
      const ids = Array.isArray(data.contact_ids) ? data.contact_ids : [];
      return ids.includes(id) || (typeof primary === "object" && primary !== null && "id" in primary && primary.id === id) || (typeof company === "object" && company !== null && "id" in company && company.id === id);
    }
    return false;
  }

  private scheduleRefetch(): void {
    clearTimeout(this.refetchTimer);
    this.refetchTimer = setTimeout(() => void this.refetch(), 250);
  }

  private build(): void {
    const titleId = uid("timeline-title");
    bindAttribute(this.chips, "aria-label", "timeline.filter");
    this.logButton.addEventListener("click", () => this.openLogForm());
    this.taskButton.addEventListener("click", () => requestQuickAddTask(activityLinks(this.recordType, this.recordId, this.extraLinks)));
    this.more.addEventListener("click", () => void this.loadMore());
    const writer = can.writeRecords(role());
    this.replaceChildren(
      h(
        "section",
        { class: "card-panel tl", "aria-labelledby": titleId },
        h("div", { class: "tl-head" }, ht("h2", "timeline.title", { id: titleId }), writer ? h("div", { class: "page-actions" }, this.logButton, this.taskButton) : null),
        this.formSlot,
        this.chips,
        this.list,
        h("div", { class: "actions tl-more" }, this.more),
      ),
    );
    this.renderChips();
  }

  private openLogForm(): void {
    if (this.formSlot.firstChild) {
      this.formSlot.querySelector<RapportActivityForm>("rapport-activity-form")?.focusFirst();
      return;
    }
    const form = RapportActivityForm.create({
      links: activityLinks(this.recordType, this.recordId, this.extraLinks),
      done: (saved) => {
        this.formSlot.replaceChildren();
        this.logButton.setAttribute("aria-expanded", "false");
        this.logButton.focus();
        if (saved) this.showSaved(saved);
      },
    });
    this.formSlot.replaceChildren(form);
    this.logButton.setAttribute("aria-expanded", "true");
    form.focusFirst();
  }

  /** Puts a just-saved activity in place at once, then asks the server for the true order. */
  private showSaved(activity: Activity): void {
    this.dispatchEvent(new CustomEvent(activityChangedEvent, { bubbles: true }));
    const item: TimelineItem = { kind: "activity", id: activity.id, at: activity.occurred_at, actor_id: activity.author_id, actor_name: activity.author_name, activity };
    const rest = this.items.filter((existing) => !(existing.kind === "activity" && existing.activity.id === activity.id));
    if (this.chosen.size === 0 || this.chosen.has("activity")) {
      this.items = [...rest, item].sort((a, b) => Date.parse(b.at) - Date.parse(a.at));
      this.renderList();
    }
    void this.refetch();
  }

  private renderChips(): void {
    const all = ht("button", "timeline.all", { type: "button", class: "chip", "aria-pressed": String(this.chosen.size === 0), "data-kind": "all" });
    all.addEventListener("click", () => this.choose(new Set()));
    const chips: HTMLElement[] = [all];
    for (const kind of timelineKinds) {
      const chip = ht("button", kindLabels[kind], { type: "button", class: "chip", "aria-pressed": String(this.chosen.has(kind)), "data-kind": kind });
      chip.addEventListener("click", () => this.choose(toggleKind(this.chosen, kind)));
      chips.push(chip);
    }
    const focused = this.chips.contains(document.activeElement) ? document.activeElement?.getAttribute("data-kind") : null;
    this.chips.replaceChildren(...chips);
    if (focused) this.chips.querySelector<HTMLElement>(`[data-kind="${focused}"]`)?.focus();
  }

  private choose(next: Set<TimelineKind>): void {
    // Every kind chosen is the same as all: show it as "All" so the chips never look stuck.
    this.chosen = next.size === timelineKinds.length ? new Set() : next;
    this.renderChips();
    this.items = [];
    this.cursor = null;
    this.loaded = false;
    void this.refetch();
  }

  /** Reloads from the newest item, keeping as many items as were shown (at most one page of 200). */
  private async refetch(): Promise<void> {
    if (this.editing) {
      this.stale = true;
      return;
    }
    this.stale = false;
    const ticket = ++this.request;
    this.list.setAttribute("aria-busy", "true");
    try {
      const limit = Math.min(200, Math.max(25, this.items.length));
      const page = await activitiesApi.timeline(this.recordType, this.recordId, { types: typesQuery(this.chosen), limit });
      if (ticket !== this.request) return;
      this.items = page.data;
      this.cursor = page.next_cursor;
      this.loaded = true;
      this.renderList();
    } catch (error) {
      if (ticket !== this.request) return;
      if (!this.loaded) this.list.replaceChildren(h("li", { class: "tl-empty" }, ht("p", "timeline.loadFailed", { class: "notice error" })));
      else announceText(error instanceof Error ? error.message : t("timeline.loadFailed"), "error");
    } finally {
      if (ticket === this.request) this.list.removeAttribute("aria-busy");
    }
  }

  private async loadMore(): Promise<void> {
    if (!this.cursor) return;
    this.more.disabled = true;
    const ticket = ++this.request;
    try {
      const page = await activitiesApi.timeline(this.recordType, this.recordId, { types: typesQuery(this.chosen), cursor: this.cursor });
      if (ticket !== this.request) return;
      const seen = new Set(this.items.map((item) => `${item.kind}:${item.id}`));
      const first = this.items.length;
      this.items = [...this.items, ...page.data.filter((item) => !seen.has(`${item.kind}:${item.id}`))];
      this.cursor = page.next_cursor;
      this.renderList();
      // Keyboard users continue where the new items start instead of jumping back to the top.
      this.list.children[first]?.querySelector<HTMLElement>("[tabindex], button, a")?.focus();
    } catch (error) {
      announceText(error instanceof Error ? error.message : t("timeline.loadFailed"), "error");
    } finally {
      this.more.disabled = false;
    }
  }

  private renderAll(): void {
    this.renderChips();
    this.renderList();
  }

  private renderList(): void {
    this.more.hidden = this.cursor === null;
    if (this.items.length === 0) {
      this.list.replaceChildren(h("li", { class: "tl-empty" }, ht("p", this.chosen.size === 0 ? "timeline.empty" : "timeline.emptyFiltered", { class: "empty" })));
      return;
    }
    // A refetch (live event, own save) redraws the list; the control that had focus gets it back.
    const active = document.activeElement;
    const focusedItem = active && this.list.contains(active) ? active.closest<HTMLElement>(".tl-item")?.dataset.id : undefined;
    const focusedAction = active instanceof HTMLElement ? (active.dataset.action ?? null) : null;
    this.list.replaceChildren(...this.items.map((item) => this.renderItem(item)));
    if (focusedItem && focusedAction) this.list.querySelector<HTMLElement>(`[data-id="${CSS.escape(focusedItem)}"] [data-action="${focusedAction}"]`)?.focus();
  }

  private updateTimes(): void {
    const now = Date.now();
    const locale = language();
    for (const time of this.list.querySelectorAll<HTMLTimeElement>("time[data-relative]")) time.textContent = relativeTime(time.dateTime, now, locale);
  }

  private when(iso: string): HTMLElement {
    const locale = language();
    const absolute = formatDateTime(iso, locale, timeZone());
    return h("span", { class: "tl-when" }, h("time", { datetime: iso, title: absolute, "data-relative": "" }, relativeTime(iso, Date.now(), locale)), h("span", { class: "tl-abs" }, absolute));
  }

  private renderItem(item: TimelineItem): HTMLElement {
    const li = h("li", { class: `tl-item tl-${item.kind}`, "data-kind": item.kind, "data-id": item.id });
    const meta = (...extra: (string | null)[]) =>
      h("p", { class: "tl-meta" }, this.when(item.at), ...extra.filter((part): part is string => Boolean(part)).map((part) => ` · ${part}`), item.actor_name ? ` · ${t("timeline.by", { name: item.actor_name })}` : "");
    switch (item.kind) {
      case "activity": {
        const activity = item.activity;
        if (this.editing === activity.id) {
          li.append(
            RapportActivityForm.create({
              links: {},
              activity,
              done: (saved) => {
                this.editing = null;
                if (saved) this.dispatchEvent(new CustomEvent(activityChangedEvent, { bubbles: true }));
                if (saved) this.items = this.items.map((existing) => (existing.kind === "activity" && existing.activity.id === saved.id ? { ...existing, at: saved.occurred_at, activity: saved } : existing));
                this.renderList();
                this.list.querySelector<HTMLElement>(`[data-id="${CSS.escape(activity.id)}"] [data-action="edit"]`)?.focus();
                if (saved || this.stale) void this.refetch();
              },
            }),
          );
          return li;
        }
        const heading = activityHeading(activity);
        const title = activity.subject ?? heading;
        li.classList.add(`tl-type-${activity.type}`);
        if (activity.direction) li.classList.add(`tl-${activity.direction}`);
        const body = activity.body ? h("p", { class: "tl-body" }, activity.body) : null;
        const extras = [activity.duration_seconds ? t("activity.lasted", { duration: formatDuration(activity.duration_seconds, language()) }) : null, activity.outcome ? t("activity.outcomeShown", { outcome: activity.outcome }) : null];
        li.append(h("p", { class: "tl-title" }, h("span", { class: "tl-badge" }, heading), activity.subject ? h("strong", {}, activity.subject) : null));
        if (body) li.append(body);
        li.append(meta(...extras));
        const mine = activity.author_id !== null && activity.author_id === currentMe()?.user?.id;
        if (mine && can.writeRecords(role())) {
          const edit = ht("button", "activity.edit", { type: "button", class: "button subtle small", "data-action": "edit", "aria-label": t("activity.editLabel", { title }) });
          const remove = ht("button", "records.delete", { type: "button", class: "button subtle small danger-text", "data-action": "delete", "aria-label": t("activity.deleteLabel", { title }) });
          edit.addEventListener("click", () => {
            this.editing = activity.id;
            this.renderList();
            this.list.querySelector<RapportActivityForm>(`[data-id="${CSS.escape(activity.id)}"] rapport-activity-form`)?.focusFirst();
          });
          remove.addEventListener("click", () => void this.deleteActivity(activity, title));
          li.append(h("div", { class: "tl-actions" }, edit, remove));
        }
        return li;
      }
      case "task": {
        const task = item.task;
        const due = task.due_at ? t("timeline.taskDue", { date: formatDateTime(task.due_at, language(), timeZone()) }) : null;
        li.append(h("p", { class: "tl-title" }, h("span", { class: "tl-badge" }, t(`timeline.taskStatus.${task.status}`)), h("a", { href: "/tasks" }, t("timeline.task", { title: task.title }))), meta(due, task.assignee_name));
        return li;
      }
      case "submission":
        li.append(h("p", { class: "tl-title" }, h("a", { href: `/forms/${encodeURIComponent(item.form_id)}` }, t("timeline.submission", { form: item.form_name ?? "—" }))), meta(item.status));
        return li;
      case "stage_change": {
        const to = item.to_stage_name ?? "—";
        const text = item.from_stage_id ? t("timeline.stageMove", { deal: item.deal_title, from: item.from_stage_name ?? "—", to }) : t("timeline.stageCreated", { deal: item.deal_title, stage: to });
        li.append(h("p", { class: "tl-title" }, this.recordType === "deal" ? text : h("a", { href: `/deals/${encodeURIComponent(item.deal_id)}` }, text)), meta());
        return li;
      }
      case "change": {
        const verb = item.action.split(".").pop() ?? "";
        const headings: Record<string, MessageKey> = { created: "timeline.changeCreated", updated: "timeline.changeUpdated", deleted: "timeline.changeDeleted", restored: "timeline.changeRestored" };
        const key = headings[verb];
        const { changes, more } = changedFields(item.diff);
        const rows = h("dl", { class: "tl-diff" });
        // A created record lists what it started with; an update shows before → after.
        for (const change of verb === "created" ? [] : changes) {
          const empty = t("timeline.emptyValue");
          rows.append(
            h("div", {}, h("dt", {}, fieldLabel(change.field)), h("dd", {}, h("span", { class: "tl-before" }, change.before ?? empty), " → ", h("span", { class: "tl-after" }, change.after ?? empty))),
          );
        }
        li.append(h("p", { class: "tl-title" }, key ? t(key) : t("timeline.changeOther", { action: item.action })));
        if (rows.firstChild) li.append(rows);
        if (more) li.append(h("p", { class: "tl-meta" }, t("timeline.changeMore", { count: more })));
        li.append(meta());
        return li;
      }
    }
  }

  private async deleteActivity(activity: Activity, title: string): Promise<void> {
    if (!(await RapportConfirm.ask(t("activity.deleteConfirm", { title }), "records.delete"))) return;
    const index = this.items.findIndex((item) => item.kind === "activity" && item.activity.id === activity.id);
    try {
      await activitiesApi.deleteActivity(activity.id);
    } catch (error) {
      announceText(error instanceof Error ? error.message : t("error.generic"), "error");
      return;
    }
    this.items = this.items.filter((item) => !(item.kind === "activity" && item.activity.id === activity.id));
    this.renderList();
    announce("activity.deleted");
    this.dispatchEvent(new CustomEvent(activityChangedEvent, { bubbles: true }));
    // Focus goes to the item that took the deleted one's place, or the heading's log button.
    const next = this.list.children[Math.min(Math.max(index, 0), this.list.children.length - 1)];
    (next?.querySelector<HTMLElement>("button, a") ?? this.logButton).focus();
    void this.refetch();
  }
}

customElements.define("rapport-timeline", RapportTimeline);

declare global {
  interface HTMLElementTagNameMap {
    "rapport-timeline": RapportTimeline;
  }
}
