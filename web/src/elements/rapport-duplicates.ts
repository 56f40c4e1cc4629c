import type { Contact } from "../../../workers/contacts/contact.schema";
import type { Member } from "../../../workers/team/member.schema";
import { isLiveSignal, liveEvent } from "../api/live";
import { type Cluster, duplicatesApi, type Merge, type Scan } from "../api/duplicates";
import { bindAttribute, bindText, language, languageChanged, t, type MessageKey } from "../i18n";
import {
  choicesAfterPrimaryChange,
  type ChoosableField,
  type Choices,
  clusterReasons,
  defaultChoices,
  defaultPrimary,
  differingFields,
  buildMergeBody,
  isChoosable,
  reasonKey,
  reviewFields,
  type ReviewField,
  reviewKeyAction,
  scorePercent,
  unionFields,
} from "../lib/duplicates";
import { countryName, formatDateTime, formatNumber, formatPhone, formatShortDate } from "../lib/format";
import { debounce } from "../lib/latest";
import { can } from "../lib/permissions";
import { isTypingTarget } from "../lib/records";
import { role, timeZone } from "../session";
import { h, ht } from "../ui/dom";
import { members, ownerName } from "../ui/members";
import { emptyState } from "../ui/record-grid";
import { announce } from "../ui/status";
import { offerUndo } from "../ui/undo";
import { stageBadge } from "./rapport-contacts";

const fieldLabels: Record<ReviewField, MessageKey> = {
  name: "duplicates.field.name",
  emails: "duplicates.field.emails",
  phones: "duplicates.field.phones",
  company: "duplicates.field.company",
  job_title: "duplicates.field.jobTitle",
  city: "duplicates.field.city",
  country: "duplicates.field.country",
  owner: "duplicates.field.owner",
  lifecycle_stage: "duplicates.field.stage",
  tags: "duplicates.field.tags",
  consent: "duplicates.field.consent",
  created: "duplicates.field.created",
};

/** Reasons in words ("Same phone · Similar name"); a code this client does not know yet shows as itself. */
export function reasonText(codes: readonly string[]): string {
  return codes.map((code) => {
    const key = reasonKey(code);
    return key ? t(key) : code.replaceAll("_", " ");
  }).join(" · ");
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : t("error.generic");
}

// Merges made in this tab stay undoable from the review screen after visiting the merged
// contact (the undo bar alone would be gone by then). Module scope outlives the element.
type RecentMerge = { merge: Merge; name: string; contactId: string; bar?: Element | null };
let recentMerges: RecentMerge[] = [];

/** The row focused with j/k in an open cluster: the record to keep, or a field that differs. */
type RowKey = "primary" | ChoosableField;

type OpenCluster = { cluster: Cluster; primaryId: string; choices: Choices; touched: Set<ChoosableField>; row: number };

const pollEveryMs = 1500;
const pollForMs = 5 * 60_000;

/**
 * The duplicate review screen: open clusters with their score and reasons, "Scan now" with live
 * status, and a side-by-side view of one cluster where the surviving value of each field and the
 * record to keep are chosen before merging, or the cluster is marked as different people.
 */
export class RapportDuplicates extends HTMLElement {
  private clusters: Cluster[] = [];
  private nextCursor: string | null = null;
  private lastScan: Scan | null = null;
  private runningScan: Scan | null = null;
  private loaded = false;
  private failed = false;
  private current = 0;
  private open: OpenCluster | null = null;
  private team: Member[] = [];
  private busy = false;
  private pollTimer: ReturnType<typeof setTimeout> | undefined;
  private pollUntil = 0;
  private readonly head = h("div", { class: "page-head" });
  private readonly scanPanel = h("section", { class: "card-panel dup-scan", "data-testid": "scan-status" });
  private readonly scanButton = ht("button", "duplicates.scan", { type: "button", class: "button primary", "data-testid": "scan-now" });
  private readonly scanState = h("p", { class: "dup-scan-state", role: "status", "aria-live": "polite" });
  private readonly scanError = h("p", { class: "field-error", role: "alert", hidden: true, "data-testid": "scan-error" });
  private readonly recent = h("section", { class: "card-panel dup-recent", hidden: true, "data-testid": "recent-merges" });
  private readonly listArea = h("section", { class: "dup-list-area", "data-testid": "clusters" });
  private readonly detailArea = h("section", { class: "dup-detail", hidden: true, "data-testid": "cluster" });
  private readonly detailError = h("p", { class: "form-error", role: "alert", hidden: true, "data-testid": "cluster-error" });
  private readonly listError = h("p", { class: "form-error", role: "alert", hidden: true, "data-testid": "list-error" });
  private readonly refresh = debounce(() => void this.load(), 400);
  private readonly onLive = (event: Event) => {
    if (!isLiveSignal(event)) return;
    const type = event.detail.type;
    if (type === "duplicates.updated" || type === "resync") {
      if (this.runningScan) void this.pollScan();
      this.refresh();
    } else if (type === "contacts.merged" || type === "contact.deleted" || type === "contact.restored") this.refresh();
  };
  private readonly onLanguage = () => this.render();
  private readonly onKey = (event: KeyboardEvent) => this.key(event);

  connectedCallback(): void {
    const writer = can.writeRecords(role());
    this.head.replaceChildren(
      h("div", {}, h("nav", { class: "crumbs" }, ht("a", "duplicates.backToContacts", { href: "/contacts" })), ht("h1", "duplicates.title"), ht("p", "duplicates.lead", { class: "lead" })),
    );
    this.scanButton.addEventListener("click", () => void this.startScan());
    this.scanButton.setAttribute("aria-describedby", "dup-scan-error");
    this.scanError.id = "dup-scan-error";
    this.scanPanel.replaceChildren(
      h("div", { class: "dup-scan-head" }, ht("h2", "duplicates.scanTitle"), writer ? this.scanButton : null),
      this.scanState,
      this.scanError,
    );
    this.replaceChildren(this.head, this.scanPanel, this.recent, this.listError, this.listArea, this.detailArea, ht("p", "duplicates.shortcuts", { class: "hint shortcuts", "data-testid": "dup-shortcuts" }));
    this.listArea.append(ht("p", "app.loading", { class: "loading" }));
    window.addEventListener(liveEvent, this.onLive);
    window.addEventListener(languageChanged, this.onLanguage);
    window.addEventListener("keydown", this.onKey);
    void members().then((list) => {
      this.team = list;
      if (this.open) this.renderDetail();
    });
    void this.load();
  }

  disconnectedCallback(): void {
    window.removeEventListener(liveEvent, this.onLive);
    window.removeEventListener(languageChanged, this.onLanguage);
    window.removeEventListener("keydown", this.onKey);
    this.refresh.cancel();
    clearTimeout(this.pollTimer);
  }

  // ------------------------------------------------------------------ data

  private async load(more = false): Promise<void> {
    try {
      const page = await duplicatesApi.clusters({ status: "open", cursor: more ? (this.nextCursor ?? undefined) : undefined });
      this.clusters = more ? [...this.clusters, ...page.data.filter((cluster) => !this.clusters.some((known) => known.id === cluster.id))] : page.data;
      this.nextCursor = page.next_cursor;
      if (!more) this.noteScan(page.last_scan);
      this.failed = false;
    } catch {
      this.failed = !this.loaded;
    }
    this.loaded = true;
    if (this.open) {
      // Someone (a teammate, another tab) may have merged or dismissed the cluster being reviewed.
      const current = this.clusters.find((cluster) => cluster.id === this.open?.cluster.id);
      if (!current) {
        this.open = null;
        announce("duplicates.goneElsewhere");
      } else if (current.updated_at !== this.open.cluster.updated_at) this.openCluster(current, this.open.row);
    }
    this.render();
  }

  /** Takes the newest scan the server reports; a scan still running is followed until it ends. */
  private noteScan(scan: Scan | null): void {
    if (!scan) return;
    if (scan.status === "queued" || scan.status === "running") {
      if (this.runningScan?.id !== scan.id) this.follow(scan);
      return;
    }
    if (!this.lastScan || this.lastScan.id === scan.id || scan.created_at >= this.lastScan.created_at) this.lastScan = scan;
  }

  private async startScan(): Promise<void> {
    if (this.runningScan || !can.writeRecords(role())) return;
    this.scanError.hidden = true;
    this.scanButton.disabled = true;
    try {
      this.follow(await duplicatesApi.scan());
    } catch (error) {
      this.scanError.textContent = errorText(error);
      this.scanError.hidden = false;
      this.scanButton.disabled = false;
    }
    this.renderScan();
  }

  /** Follows a scan: the live event usually says when it has finished; polling covers a missed one. */
  private follow(scan: Scan): void {
    this.runningScan = scan;
    this.pollUntil = Date.now() + pollForMs;
    clearTimeout(this.pollTimer);
    this.pollTimer = setTimeout(() => void this.pollScan(), pollEveryMs);
    this.renderScan();
  }

  private async pollScan(): Promise<void> {
    const running = this.runningScan;
    if (!running) return;
    clearTimeout(this.pollTimer);
    let scan: Scan = running;
    try {
      scan = await duplicatesApi.scanStatus(running.id);
    } catch {
      // A failed poll is retried on the next tick; the scan itself is unaffected.
    }
    if (this.runningScan?.id !== running.id) return;
    if (scan.status === "done" || scan.status === "failed") {
      this.runningScan = null;
      this.lastScan = scan;
      this.scanButton.disabled = false;
      if (scan.status === "done") announce("duplicates.scanDone", { clusters: scan.clusters_found });
      else announce("duplicates.scanFailedShort", undefined, "error");
      this.renderScan();
      await this.load();
      return;
    }
    this.runningScan = scan;
    this.renderScan();
    if (Date.now() < this.pollUntil && this.isConnected) this.pollTimer = setTimeout(() => void this.pollScan(), pollEveryMs);
  }

  // ------------------------------------------------------------------ rendering

  private render(): void {
    this.renderScan();
    this.renderRecent();
    const reviewing = this.open !== null;
    this.head.hidden = reviewing;
    this.scanPanel.hidden = reviewing;
    this.listArea.hidden = reviewing;
    this.listError.hidden = reviewing || this.listError.textContent === "";
    this.detailArea.hidden = !reviewing;
    if (reviewing) this.renderDetail();
    else this.renderList();
  }

  private renderScan(): void {
    const scan = this.runningScan;
    this.scanButton.disabled = scan !== null || this.busy;
    if (scan) {
      this.scanState.replaceChildren(h("span", { class: "spinner", "aria-hidden": "true" }), ht("span", scan.status === "queued" ? "duplicates.scanQueued" : "duplicates.scanRunning"));
      this.scanState.dataset.state = scan.status;
      this.scanState.dataset.scanId = scan.id;
      this.scanPanel.querySelector(".dup-stats")?.remove();
      return;
    }
    const last = this.lastScan;
    this.scanState.dataset.state = last?.status ?? "none";
    this.scanState.dataset.scanId = last?.id ?? "";
    this.scanPanel.querySelector(".dup-stats")?.remove();
    if (!last) {
      this.scanState.replaceChildren(ht("span", "duplicates.noScan"));
      return;
    }
    if (last.status === "failed") {
      this.scanState.replaceChildren(ht("span", "duplicates.scanFailed", { class: "danger-text" }, { error: last.error ?? t("error.generic") }));
      return;
    }
    const when = formatDateTime(last.finished_at ?? last.created_at, language(), timeZone());
    this.scanState.replaceChildren(ht("span", "duplicates.lastScan", {}, { date: when, trigger: t(last.trigger === "nightly" ? "duplicates.triggerNightly" : "duplicates.triggerManual") }));
    const seconds = last.consumer_ms === null ? "—" : t("duplicates.seconds", { value: new Intl.NumberFormat(language(), { maximumFractionDigits: last.consumer_ms < 10_000 ? 2 : 1 }).format(last.consumer_ms / 1000) });
    const stat = (key: MessageKey, value: string, testId: string) => h("div", { class: "dup-stat" }, ht("dt", key), h("dd", { "data-testid": testId }, value));
    this.scanState.after(
      h(
        "dl",
        { class: "dup-stats" },
        stat("duplicates.statContacts", formatNumber(last.contacts_scanned, language()), "stat-contacts"),
        stat("duplicates.statComparisons", formatNumber(last.comparisons, language()), "stat-comparisons"),
        stat("duplicates.statTime", seconds, "stat-time"),
        stat("duplicates.statClusters", formatNumber(last.clusters_found, language()), "stat-clusters"),
      ),
    );
  }

  private renderRecent(): void {
    const live = recentMerges.filter((entry) => entry.merge.undone_at === null && Date.parse(entry.merge.undo_until) > Date.now());
    recentMerges = live;
    this.recent.hidden = live.length === 0 || this.open !== null;
    if (live.length === 0) return;
    const list = h("ul", { class: "dup-recent-list" });
    for (const entry of live) {
      const undo = ht("button", "duplicates.undoMerge", { type: "button", class: "button small", "data-testid": "undo-merge" });
      undo.addEventListener("click", () => void this.undoMerge(entry, undo));
      list.append(
        h(
          "li",
          { "data-merge-id": entry.merge.id },
          bindText(h("span"), "duplicates.recentItem", { count: entry.merge.duplicate_ids.length + 1 }),
          " ",
          h("a", { href: `/contacts/${entry.contactId}`, "data-testid": "merged-contact-link" }, entry.name),
          undo,
        ),
      );
    }
    this.recent.replaceChildren(ht("h2", "duplicates.recentTitle"), list);
  }

  private renderList(): void {
    if (!this.loaded) return;
    if (this.failed) {
      const retry = ht("button", "common.retry", { type: "button", class: "button" });
      retry.addEventListener("click", () => void this.load());
      this.listArea.replaceChildren(h("div", { class: "notice error" }, ht("span", "common.loadFailed"), " ", retry));
      return;
    }
    if (this.clusters.length === 0) {
      this.listArea.replaceChildren(emptyState("duplicates.emptyTitle", this.lastScan ? "duplicates.emptyLead" : "duplicates.emptyLeadNoScan", []));
      return;
    }
    const hadFocus = this.listArea.contains(document.activeElement);
    this.current = Math.min(Math.max(this.current, 0), this.clusters.length - 1);
    const list = bindAttribute(h("ol", { class: "dup-list" }), "aria-label", "duplicates.listLabel");
    for (const [index, cluster] of this.clusters.entries()) list.append(this.listItem(cluster, index));
    const children: Node[] = [h("h2", { class: "dup-count" }, bindText(h("span"), "duplicates.openGroups"), h("span", { class: "badge" }, String(this.clusters.length)))];
    children.push(h("div", { class: "card-panel flush" }, list));
    if (this.nextCursor) {
      const more = ht("button", "duplicates.loadMore", { type: "button", class: "button" });
      more.addEventListener("click", () => void this.load(true));
      children.push(h("div", { class: "load-more" }, more));
    }
    this.listArea.replaceChildren(...children);
    if (hadFocus) this.focusListItem();
  }

  private listItem(cluster: Cluster, index: number): HTMLElement {
    const writer = can.writeRecords(role());
    const names = cluster.contacts.map((contact) => contact.display_name).join(" · ");
    const reasons = reasonText(clusterReasons(cluster.reasons));
    const open = h(
      "button",
      { type: "button", class: "dup-open", "data-role": "open", tabindex: index === this.current ? "0" : "-1", "aria-keyshortcuts": "Enter" },
      h("span", { class: "dup-names" }, names),
      h("span", { class: "dup-reasons", "data-testid": "cluster-reasons" }, reasons),
    );
    open.addEventListener("click", () => {
      this.current = index;
      this.openCluster(cluster);
      this.render();
      this.focusRow();
    });
    open.addEventListener("focus", () => {
      if (this.current === index) return;
      this.current = index;
      this.markFocus();
    });
    const score = h("span", { class: "badge dup-score", "data-testid": "cluster-score" }, t("duplicates.score", { score: scorePercent(cluster.score) }));
    const review = ht("button", "duplicates.review", { type: "button", class: "button small", tabindex: "-1" });
    review.addEventListener("click", () => open.click());
    const dismiss = ht("button", "duplicates.dismiss", { type: "button", class: "button subtle small", "aria-keyshortcuts": "d", "data-testid": "dismiss-inline" });
    dismiss.addEventListener("click", () => void this.dismiss(cluster, dismiss));
    return h(
      "li",
      { class: index === this.current ? "dup-item focused" : "dup-item", "data-cluster-id": cluster.id, "data-testid": "cluster-item" },
      open,
      h("span", { class: "dup-item-side" }, score, h("span", { class: "dup-item-actions" }, review, writer ? dismiss : null)),
    );
  }

  private markFocus(): void {
    for (const [index, item] of this.listArea.querySelectorAll<HTMLElement>("[data-cluster-id]").entries()) {
      item.classList.toggle("focused", index === this.current);
      item.querySelector<HTMLElement>("[data-role=open]")?.setAttribute("tabindex", index === this.current ? "0" : "-1");
    }
  }

  private focusListItem(): void {
    this.markFocus();
    const item = this.listArea.querySelectorAll<HTMLElement>("[data-cluster-id]")[this.current];
    item?.querySelector<HTMLElement>("[data-role=open]")?.focus();
    item?.scrollIntoView({ block: "nearest" });
  }

  private openCluster(cluster: Cluster, row = 0): void {
    const primaryId = this.open?.cluster.id === cluster.id && cluster.contacts.some((contact) => contact.id === this.open?.primaryId) ? this.open.primaryId : (defaultPrimary(cluster.contacts) ?? cluster.contact_ids[0] ?? "");
    const touched = this.open?.cluster.id === cluster.id ? this.open.touched : new Set<ChoosableField>();
    const previous = this.open?.cluster.id === cluster.id ? this.open.choices : defaultChoices(cluster.contacts, primaryId);
    this.open = { cluster, primaryId, choices: choicesAfterPrimaryChange(cluster.contacts, previous, touched, primaryId), touched, row };
    this.detailError.hidden = true;
  }

  /** The rows j/k move between: the record to keep, then every choosable field whose values differ. */
  private rowKeys(): RowKey[] {
    if (!this.open) return [];
    const differing = differingFields(this.open.cluster.contacts);
    return ["primary", ...reviewFields.filter((field): field is ChoosableField => isChoosable(field) && differing.has(field))];
  }

  private renderDetail(): void {
    const state = this.open;
    if (!state) return;
    const writer = can.writeRecords(role());
    const { cluster } = state;
    const contacts = cluster.contacts;
    const differing = differingFields(contacts);
    const rows = this.rowKeys();
    state.row = Math.min(state.row, rows.length - 1);
    const focusedKey = rows[state.row];
    const primary = contacts.find((contact) => contact.id === state.primaryId);
    const index = this.clusters.findIndex((item) => item.id === cluster.id);

    const back = h("button", { type: "button", class: "button subtle", "data-testid": "back-to-list", "aria-keyshortcuts": "Escape" }, "← ", bindText(h("span"), "duplicates.back"));
    back.addEventListener("click", () => this.closeCluster());
    const heading = h(
      "div",
      { class: "dup-detail-head" },
      h(
        "div",
        {},
        ht("h1", "duplicates.reviewTitle", { id: "dup-detail-title" }),
        h(
          "p",
          { class: "dup-detail-sub" },
          index >= 0 ? ht("span", "duplicates.groupOf", {}, { n: index + 1, total: this.clusters.length }) : null,
          h("span", { class: "badge dup-score" }, t("duplicates.score", { score: scorePercent(cluster.score) })),
          h("span", { class: "dup-reasons" }, reasonText(clusterReasons(cluster.reasons))),
        ),
      ),
      back,
    );

    const headRow = h("tr", {}, h("th", { scope: "col", class: "dup-field-col" }, ht("span", "duplicates.fieldColumn", { class: "visually-hidden" })));
    for (const [column, contact] of contacts.entries()) {
      const isPrimary = contact.id === state.primaryId;
      headRow.append(
        h(
          "th",
          { scope: "col", class: isPrimary ? "dup-contact-col primary" : "dup-contact-col", "data-contact-id": contact.id },
          h("span", { class: "dup-col-number", "aria-hidden": "true" }, String(column + 1)),
          h("a", { href: `/contacts/${contact.id}`, class: "dup-col-name" }, contact.display_name),
          isPrimary ? ht("span", "duplicates.keptBadge", { class: "badge dup-kept" }) : null,
        ),
      );
    }
    const body = h("tbody");
    body.append(this.choiceRow("primary", t("duplicates.keepRecord"), contacts, state.primaryId, focusedKey === "primary", writer, (contact) => ht("span", "duplicates.keepThis", { class: "dup-keep-label" }, { name: contact.display_name })));
    for (const field of reviewFields) {
      const differs = differing.has(field);
      if (isChoosable(field) && differs) {
        body.append(this.choiceRow(field, t(fieldLabels[field]), contacts, state.choices[field], focusedKey === field, writer, (contact) => this.value(contact, field)));
      } else {
        const cells = contacts.map((contact) => h("td", {}, this.value(contact, field)));
        const note = unionFields.includes(field) && differs ? ht("small", "duplicates.allKept", { class: "dup-note" }) : null;
        body.append(
          h(
            "tr",
            { class: differs ? "differs" : "same", "data-field": field },
            h("th", { scope: "row" }, bindText(h("span"), fieldLabels[field]), differs ? ht("span", "duplicates.differs", { class: "dup-differs" }) : null, note),
            ...cells,
          ),
        );
      }
    }
    const table = h("table", { class: "dup-compare", "aria-labelledby": "dup-detail-title" }, h("thead", {}, headRow), body);
    const scroller = bindAttribute(h("div", { class: "dup-compare-scroll", role: "region", tabindex: "0", "data-testid": "compare" }, table), "aria-label", "duplicates.compareLabel");

    const merge = h("button", { type: "button", class: "button primary", "data-testid": "merge", "aria-keyshortcuts": "m", disabled: this.busy }, bindText(h("span"), "duplicates.mergeInto", { name: primary?.display_name ?? "" }));
    merge.addEventListener("click", () => void this.merge());
    const dismiss = ht("button", "duplicates.dismiss", { type: "button", class: "button", "data-testid": "dismiss", "aria-keyshortcuts": "d", disabled: this.busy });
    dismiss.addEventListener("click", () => void this.dismiss(cluster, dismiss));
    const actions = writer
      ? h("div", { class: "dup-actions" }, this.detailError, h("div", { class: "dup-action-buttons" }, dismiss, merge), ht("p", "duplicates.mergeHint", { class: "hint" }))
      : ht("p", "duplicates.readOnly", { class: "notice" });
    this.detailArea.replaceChildren(heading, scroller, actions);
  }

  /** A row of radios, one per contact; the row the keyboard is on is marked, its choice focusable. */
  private choiceRow(key: RowKey, label: string, contacts: Contact[], chosen: string, focused: boolean, writer: boolean, content: (contact: Contact) => Node | string): HTMLElement {
    const name = `dup-${key}`;
    const classes = [key === "primary" ? "dup-primary-row" : "differs", focused ? "focused" : ""].filter(Boolean).join(" ");
    const row = h("tr", { class: classes, "data-field": key, "data-testid": `row-${key}` });
    const united = key !== "primary" && unionFields.includes(key);
    row.append(
      h("th", { scope: "row" }, h("span", {}, label), key !== "primary" ? ht("span", "duplicates.differs", { class: "dup-differs" }) : null, united ? ht("small", "duplicates.allKeptFirst", { class: "dup-note" }) : null),
    );
    for (const [column, contact] of contacts.entries()) {
      const input = h("input", { type: "radio", name, value: contact.id, checked: contact.id === chosen, disabled: !writer, "data-column": String(column + 1) });
      input.addEventListener("change", () => {
        if (input.checked) this.choose(key, contact.id);
      });
      input.addEventListener("focus", () => {
        const rows = this.rowKeys();
        const at = rows.indexOf(key);
        if (this.open && at >= 0 && this.open.row !== at) {
          this.open.row = at;
          for (const other of this.detailArea.querySelectorAll("tr[data-field]")) other.classList.toggle("focused", other.getAttribute("data-field") === key);
        }
      });
      const cell = h("td", { class: contact.id === chosen ? "chosen" : "" }, h("label", { class: "dup-choice" }, input, h("span", { class: "dup-value" }, content(contact))));
      row.append(cell);
    }
    return row;
  }

  private value(contact: Contact, field: ReviewField): Node | string {
    const empty = () => ht("span", "duplicates.emptyValue", { class: "prop-empty" });
    switch (field) {
      case "name": {
        const name = [contact.first_name, contact.last_name].filter((part) => part && part.trim()).join(" ");
        return name ? h("span", { class: "break" }, name) : empty();
      }
      case "emails":
        return contact.emails.length ? h("span", { class: "value-list nowrap" }, ...contact.emails.map((email) => h("span", {}, email))) : empty();
      case "phones":
        return contact.phones.length ? h("span", { class: "value-list nowrap" }, ...contact.phones.map((phone) => h("span", { title: phone.raw }, formatPhone(phone.e164)))) : empty();
      case "company":
        return contact.company ? h("a", { href: `/companies/${contact.company.id}` }, contact.company.name) : empty();
      case "job_title":
        return contact.job_title ? h("span", { class: "break" }, contact.job_title) : empty();
      case "city":
        return contact.city ? contact.city : empty();
      case "country":
        return contact.country ? countryName(contact.country, language()) : empty();
      case "owner":
        return contact.owner_id ? ownerName(this.team, contact.owner_id) || contact.owner_id : empty();
      case "lifecycle_stage":
        return stageBadge(contact.lifecycle_stage);
      case "tags":
        return contact.tags.length ? h("span", { class: "tags" }, ...contact.tags.map((tag) => h("span", { class: "tag" }, tag))) : empty();
      case "consent":
        return ht("span", `consent.${contact.consent.status}`, { class: `consent consent-${contact.consent.status}` });
      case "created":
        return h("span", { class: "nowrap" }, formatShortDate(contact.created_at, language(), timeZone()));
    }
  }

  // ------------------------------------------------------------------ choices and actions

  private choose(key: RowKey, contactId: string): void {
    const state = this.open;
    if (!state || !can.writeRecords(role())) return;
    if (key === "primary") {
      state.primaryId = contactId;
      state.choices = choicesAfterPrimaryChange(state.cluster.contacts, state.choices, state.touched, contactId);
    } else {
      state.choices = { ...state.choices, [key]: contactId };
      state.touched.add(key);
    }
    this.renderDetail();
    // Re-rendering replaces the radios; keep the keyboard on the one just chosen.
    this.detailArea.querySelector<HTMLInputElement>(`tr[data-field="${key}"] input[value="${CSS.escape(contactId)}"]`)?.focus();
  }

  private focusRow(): void {
    const state = this.open;
    if (!state) return;
    const key = this.rowKeys()[state.row];
    if (!key) return;
    const row = this.detailArea.querySelector<HTMLElement>(`tr[data-field="${key}"]`);
    for (const other of this.detailArea.querySelectorAll("tr[data-field]")) other.classList.toggle("focused", other === row);
    (row?.querySelector<HTMLInputElement>("input:checked") ?? row?.querySelector<HTMLInputElement>("input"))?.focus();
    row?.scrollIntoView({ block: "nearest" });
  }

  private closeCluster(): void {
    this.open = null;
    this.render();
    this.focusListItem();
  }

  private async merge(): Promise<void> {
    const state = this.open;
    if (!state || this.busy || !can.writeRecords(role())) return;
    this.busy = true;
    this.detailError.hidden = true;
    this.renderDetail();
    try {
      const result = await duplicatesApi.merge(buildMergeBody({ contacts: state.cluster.contacts, primaryId: state.primaryId, choices: state.choices, clusterId: state.cluster.id }));
      const entry: RecentMerge = { merge: result.merge, name: result.contact.display_name, contactId: result.contact.id };
      recentMerges = [entry, ...recentMerges.filter((item) => item.merge.id !== result.merge.id)].slice(0, 5);
      this.clusters = this.clusters.filter((cluster) => cluster.id !== state.cluster.id);
      this.open = null;
      this.busy = false;
      this.render();
      this.focusListItem();
      announce("duplicates.merged", { name: result.contact.display_name });
      offerUndo(t("duplicates.merged", { name: result.contact.display_name }), () => this.undoMerge(entry), 60);
      // Kept so an undo from the "Merged just now" list can close this bar, which would offer a second undo.
      entry.bar = document.querySelector(".undo-bar");
    } catch (error) {
      this.busy = false;
      this.renderDetail();
      this.detailError.textContent = errorText(error);
      this.detailError.hidden = false;
      this.detailArea.querySelector<HTMLElement>("[data-testid=merge]")?.focus();
    }
  }

  private async undoMerge(entry: RecentMerge, button?: HTMLButtonElement): Promise<void> {
    if (button) button.disabled = true;
    try {
      const result = await duplicatesApi.undoMerge(entry.merge.id);
      entry.merge = result.merge;
      recentMerges = recentMerges.filter((item) => item.merge.id !== entry.merge.id);
      if (button && entry.bar?.isConnected) entry.bar.querySelector<HTMLButtonElement>(".undo-close")?.click();
      announce("duplicates.mergeUndone");
      await this.load();
    } catch (error) {
      if (!button) throw error;
      button.disabled = false;
      const slot = button.parentElement?.querySelector(".field-error") ?? h("span", { class: "field-error", role: "alert" });
      slot.textContent = errorText(error);
      button.after(slot);
    }
  }

  private async dismiss(cluster: Cluster, button: HTMLButtonElement): Promise<void> {
    if (this.busy || !can.writeRecords(role())) return;
    this.busy = true;
    button.disabled = true;
    const inDetail = this.open?.cluster.id === cluster.id;
    if (inDetail) this.detailError.hidden = true;
    else this.listError.hidden = true;
    try {
      await duplicatesApi.dismiss(cluster.id);
      this.clusters = this.clusters.filter((item) => item.id !== cluster.id);
      if (inDetail) this.open = null;
      this.busy = false;
      this.listError.textContent = "";
      this.render();
      this.focusListItem();
      announce("duplicates.dismissed");
    } catch (error) {
      this.busy = false;
      button.disabled = false;
      const slot = inDetail ? this.detailError : this.listError;
      slot.textContent = `${cluster.contacts.map((contact) => contact.display_name).join(" · ")}: ${errorText(error)}`;
      slot.hidden = false;
    }
  }

  // ------------------------------------------------------------------ keyboard

  private key(event: KeyboardEvent): void {
    if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey) return;
    const target = event.target instanceof HTMLElement ? event.target : null;
    if (isTypingTarget(target) || document.querySelector("dialog[open]")) return;
    if (!this.loaded || this.failed) return;
    const action = reviewKeyAction(event.key, this.open !== null);
    if (!action) return;
    // Native controls keep their own keys: Enter on a button or link activates it, and the arrows
    // on a radio move its choice (so j/k are the way between rows there).
    if (event.key === "Enter" && target?.closest("button, a")) return;
    if (event.key.startsWith("Arrow") && target instanceof HTMLInputElement && target.type === "radio") return;
    // Inside the undo bar, the page's keys must not act on the list behind it.
    if (target?.closest(".undo-bar")) return;
    const writer = can.writeRecords(role());
    switch (action.kind) {
      case "next":
      case "previous": {
        if (this.clusters.length === 0) return;
        event.preventDefault();
        // The first key press only puts the keyboard on the list; the next ones move along it.
        if (!this.listArea.contains(document.activeElement)) {
          this.focusListItem();
          return;
        }
        this.current = Math.min(Math.max(this.current + (action.kind === "next" ? 1 : -1), 0), this.clusters.length - 1);
        this.focusListItem();
        return;
      }
      case "open": {
        const cluster = this.clusters[this.current];
        if (!cluster) return;
        event.preventDefault();
        this.openCluster(cluster);
        this.render();
        this.focusRow();
        return;
      }
      case "fieldDown":
      case "fieldUp": {
        const state = this.open;
        if (!state) return;
        event.preventDefault();
        state.row = Math.min(Math.max(state.row + (action.kind === "fieldDown" ? 1 : -1), 0), this.rowKeys().length - 1);
        this.focusRow();
        return;
      }
      case "pick": {
        const state = this.open;
        const key = this.rowKeys()[state?.row ?? -1];
        const contact = state?.cluster.contacts[action.index];
        if (!state || !key || !contact || !writer) return;
        event.preventDefault();
        this.choose(key, contact.id);
        return;
      }
      case "merge":
        if (!writer) return;
        event.preventDefault();
        void this.merge();
        return;
      case "dismiss": {
        const cluster = this.open?.cluster ?? this.clusters[this.current];
        if (!cluster || !writer) return;
        event.preventDefault();
        const button = this.open ? this.detailArea.querySelector<HTMLButtonElement>("[data-testid=dismiss]") : this.listArea.querySelectorAll<HTMLButtonElement>("[data-testid=dismiss-inline]")[this.current];
        if (button) void this.dismiss(cluster, button);
        return;
      }
      case "close":
        event.preventDefault();
        this.closeCluster();
        return;
    }
  }
}

customElements.define("rapport-duplicates", RapportDuplicates);

declare global {
  interface HTMLElementTagNameMap {
    "rapport-duplicates": RapportDuplicates;
  }
}
