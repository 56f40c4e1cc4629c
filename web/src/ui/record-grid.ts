import type { Page } from "../api/client";
import { bindAttribute, bindText, language, t, type MessageKey } from "../i18n";
import { formatNumber } from "../lib/format";
import { isAbort, latestOnly } from "../lib/latest";
import { nextRowIndex } from "../lib/records";
import { navigate } from "../router";
import { h, ht } from "./dom";
import { announceText } from "./status";

export type Column<T> = {
  label: MessageKey;
  cell: (row: T) => Node | string;
  /** Hidden on narrow screens, where the first column carries the essentials. */
  optional?: boolean;
  className?: string;
};

export type GridOptions<T> = {
  label: MessageKey;
  testId: string;
  columns: Column<T>[];
  load: (cursor: string | undefined, signal: AbortSignal) => Promise<Page<T>>;
  /** Where Enter or a click on the row goes; null for rows that cannot be opened. */
  href: (row: T) => string | null;
  rowName: (row: T) => string;
  selectable?: boolean;
  onSelection?: (ids: ReadonlySet<string>) => void;
  /** Shown instead of the table when the first page is empty. */
  empty: () => Node;
  pageSize?: number;
};

/**
 * A keyboard-driven, infinitely scrolling grid over a cursor-paginated list. Pages are appended
 * (rows already on screen are never rebuilt), a new search aborts the one in flight, and only
 * the newest answer is drawn. Rows use a roving tabindex: ↑/↓/Home/End/PageUp/PageDown move,
 * Enter opens, Space toggles the selection (aria-selected).
 */
export class RecordGrid<T extends { id: string }> {
  readonly element: HTMLElement;
  readonly selected = new Set<string>();
  private readonly table: HTMLTableElement;
  private readonly body = h("tbody");
  private readonly selectAll: HTMLInputElement | null;
  private readonly more = ht("button", "records.loadMore", { type: "button", class: "button", hidden: true });
  private readonly count = h("p", { class: "grid-count", "aria-live": "polite" });
  private readonly emptySlot = h("div", { class: "grid-empty", hidden: true });
  private readonly progress = h("div", { class: "grid-progress", hidden: true, "aria-hidden": "true" });
  private readonly sentinel = h("div", { class: "grid-sentinel", "aria-hidden": "true" });
  private readonly latest = latestOnly();
  private readonly observer: IntersectionObserver;
  private rows: T[] = [];
  private cursor: string | null = null;
  private loading = false;
  private active = 0;
  private request: { signal: AbortSignal; isCurrent: () => boolean } | null = null;

  constructor(private readonly options: GridOptions<T>) {
    const headRow = h("tr");
    this.selectAll = null;
    if (options.selectable) {
      const all = h("input", { type: "checkbox", class: "row-check", "data-testid": "select-all" });
      bindAttribute(all, "aria-label", "records.selectAll");
      all.addEventListener("change", () => this.setAll(all.checked));
      this.selectAll = all;
      headRow.append(h("th", { scope: "col", class: "check-col" }, all));
    }
    for (const column of options.columns) {
      headRow.append(ht("th", column.label, { scope: "col", class: [column.optional ? "col-optional" : "", column.className ?? ""].join(" ").trim() || undefined }));
    }
    this.table = h("table", { class: "grid", role: "grid", "data-testid": options.testId, "aria-rowcount": "-1" }, h("thead", {}, headRow), this.body);
    bindAttribute(this.table, "aria-label", options.label);
    if (options.selectable) this.table.setAttribute("aria-multiselectable", "true");
    this.body.addEventListener("keydown", (event) => this.onKey(event));
    this.body.addEventListener("click", (event) => this.onClick(event));
    this.body.addEventListener("focusin", (event) => {
      const row = event.target instanceof Element ? event.target.closest("tr") : null;
      if (row) this.setActive([...this.body.rows].indexOf(row), false);
    });
    this.more.addEventListener("click", () => void this.loadMore());
    this.element = h(
      "div",
      { class: "grid-wrap" },
      this.progress,
      h("div", { class: "grid-scroll" }, this.table),
      this.emptySlot,
      this.sentinel,
      h("div", { class: "grid-footer" }, this.count, this.more),
    );
    this.observer = new IntersectionObserver((entries) => {
      if (entries.some((entry) => entry.isIntersecting)) void this.loadMore();
    }, { rootMargin: "600px 0px" });
    this.observer.observe(this.sentinel);
  }

  /** Drops what is shown and loads the first page again (a new search, filter or sort). */
  async reload(): Promise<void> {
    const request = this.latest.next();
    this.request = request;
    this.cursor = null;
    this.loading = true;
    this.setBusy(true);
    try {
      const page = await this.options.load(undefined, request.signal);
      if (!request.isCurrent()) return;
      this.rows = [];
      this.body.replaceChildren();
      this.clearSelection();
      this.active = 0;
      this.append(page);
    } catch (error) {
      if (isAbort(error) || !request.isCurrent()) return;
      announceText(error instanceof Error ? error.message : t("common.loadFailed"), "error");
    } finally {
      if (request.isCurrent()) {
        this.loading = false;
        this.setBusy(false);
      }
    }
  }

  async loadMore(): Promise<void> {
    const request = this.request;
    if (!request || this.loading || this.cursor === null) return;
    this.loading = true;
    this.more.disabled = true;
    this.setBusy(true);
    try {
      const page = await this.options.load(this.cursor, request.signal);
      if (request.isCurrent()) this.append(page);
    } catch (error) {
      if (!isAbort(error) && request.isCurrent()) announceText(error instanceof Error ? error.message : t("common.loadFailed"), "error");
    } finally {
      if (request.isCurrent()) {
        this.loading = false;
        this.more.disabled = false;
        this.setBusy(false);
      }
    }
  }

  destroy(): void {
    this.observer.disconnect();
    this.latest.cancel();
  }

  /** Removes rows (after a delete or restore) without reloading. */
  remove(ids: Iterable<string>): void {
    const gone = new Set(ids);
    this.rows = this.rows.filter((row) => !gone.has(row.id));
    for (const tr of [...this.body.rows]) if (gone.has(tr.dataset.id ?? "")) tr.remove();
    for (const id of gone) this.selected.delete(id);
    this.afterChange();
  }

  clearSelection(): void {
    this.selected.clear();
    for (const tr of this.body.rows) this.paintSelection(tr, false);
    this.afterSelection();
  }

  focusFirstRow(): void {
    this.setActive(0, true);
  }

  private append(page: Page<T>): void {
    const fragment = document.createDocumentFragment();
    const start = this.rows.length;
    page.data.forEach((row, offset) => fragment.append(this.rowFor(row, start + offset)));
    this.rows.push(...page.data);
    this.body.append(fragment);
    this.cursor = page.next_cursor;
    this.afterChange();
    // A short first page may leave the sentinel in view: keep filling until the screen is full.
    if (this.cursor !== null) queueMicrotask(() => this.fillScreen());
  }

  private fillScreen(): void {
    const box = this.sentinel.getBoundingClientRect();
    if (box.top < window.innerHeight + 600) void this.loadMore();
  }

  private afterChange(): void {
    const empty = this.rows.length === 0;
    this.table.hidden = empty;
    this.emptySlot.hidden = !empty;
    if (empty) this.emptySlot.replaceChildren(this.options.empty());
    this.more.hidden = this.cursor === null;
    const count = formatNumber(this.rows.length, language());
    if (empty) this.count.textContent = "";
    else bindText(this.count, this.cursor === null ? "records.allShown" : "records.shown", { count });
    if (this.active >= this.rows.length) this.active = Math.max(0, this.rows.length - 1);
    const rows = this.body.rows;
    for (let index = 0; index < rows.length; index++) rows[index]?.setAttribute("tabindex", index === this.active ? "0" : "-1");
    this.afterSelection();
  }

  private rowFor(row: T, index: number): HTMLTableRowElement {
    const tr = h("tr", { "data-id": row.id, tabindex: index === this.active ? "0" : "-1", "aria-rowindex": String(index + 2) });
    if (this.options.selectable) {
      tr.setAttribute("aria-selected", "false");
      const check = h("input", { type: "checkbox", class: "row-check", tabindex: "-1", "aria-label": t("records.select", { name: this.options.rowName(row) }) });
      check.addEventListener("change", () => this.toggle(row.id, check.checked));
      tr.append(h("td", { class: "check-col" }, check));
    }
    for (const column of this.options.columns) {
      const className = [column.optional ? "col-optional" : "", column.className ?? ""].join(" ").trim();
      tr.append(h("td", { class: className || undefined }, column.cell(row)));
    }
    return tr;
  }

  private toggle(id: string, on: boolean): void {
    if (on) this.selected.add(id);
    else this.selected.delete(id);
    const tr = [...this.body.rows].find((candidate) => candidate.dataset.id === id);
    if (tr) this.paintSelection(tr, on);
    this.afterSelection();
  }

  private setAll(on: boolean): void {
    for (const tr of this.body.rows) {
      const id = tr.dataset.id ?? "";
      if (on) this.selected.add(id);
      else this.selected.delete(id);
      this.paintSelection(tr, on);
    }
    this.afterSelection();
  }

  private paintSelection(tr: HTMLTableRowElement, on: boolean): void {
    if (!this.options.selectable) return;
    tr.setAttribute("aria-selected", String(on));
    const check = tr.querySelector<HTMLInputElement>("input.row-check");
    if (check) check.checked = on;
  }

  private afterSelection(): void {
    if (this.selectAll) {
      const total = this.body.rows.length;
      this.selectAll.checked = total > 0 && this.selected.size === total;
      this.selectAll.indeterminate = this.selected.size > 0 && this.selected.size < total;
    }
    this.options.onSelection?.(this.selected);
  }

  private setActive(index: number, focus: boolean): void {
    const rows = this.body.rows;
    if (index < 0 || index >= rows.length) return;
    rows[this.active]?.setAttribute("tabindex", "-1");
    this.active = index;
    const row = rows[index];
    row?.setAttribute("tabindex", "0");
    if (focus) {
      row?.focus();
      row?.scrollIntoView({ block: "nearest" });
    }
  }

  private onKey(event: KeyboardEvent): void {
    const tr = event.target instanceof HTMLTableRowElement ? event.target : null;
    if (!tr) return;
    const index = [...this.body.rows].indexOf(tr);
    const next = nextRowIndex(index, event.key, this.body.rows.length);
    if (next !== null) {
      event.preventDefault();
      this.setActive(next, true);
      // Reaching the end with the keyboard asks for the next page, like scrolling does.
      if (next >= this.body.rows.length - 3) void this.loadMore();
      return;
    }
    const row = this.rows[index];
    if (!row) return;
    if (event.key === "Enter") {
      const href = this.options.href(row);
      if (href) {
        event.preventDefault();
        navigate(href);
      }
    } else if (event.key === " " && this.options.selectable) {
      event.preventDefault();
      this.toggle(row.id, !this.selected.has(row.id));
    }
  }

  private onClick(event: MouseEvent): void {
    const target = event.target instanceof Element ? event.target : null;
    if (!target || target.closest("a, button, input, select, label")) return;
    const tr = target.closest("tr");
    const row = tr ? this.rows[[...this.body.rows].indexOf(tr)] : undefined;
    const href = row ? this.options.href(row) : null;
    if (href && !window.getSelection()?.toString()) navigate(href);
  }

  private setBusy(busy: boolean): void {
    this.progress.hidden = !busy;
    if (busy) this.table.setAttribute("aria-busy", "true");
    else this.table.removeAttribute("aria-busy");
  }
}

/** An empty state that says what is missing and offers the next step. */
export function emptyState(title: MessageKey, lead: MessageKey, actions: Node[], params?: Record<string, string>): HTMLElement {
  return h(
    "div",
    { class: "empty-state" },
    h("div", { class: "empty-art", "aria-hidden": "true" }),
    bindText(h("h2", {}), title, params),
    bindText(h("p", {}), lead, params),
    actions.length > 0 ? h("div", { class: "empty-actions" }, ...actions) : null,
  );
}
