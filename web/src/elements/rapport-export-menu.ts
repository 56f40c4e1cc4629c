import { exportsApi, type Export } from "../api/exports";
import { isLiveSignal, liveEvent } from "../api/live";
import { bindAttribute, bindText, language, t } from "../i18n";
import { exportFilters, isFinished, menuIndexAfter, type CsvDelimiterName, type ExportEntity, type ExportFormat, type ExportJobBody } from "../lib/exports";
import { formatBytes } from "../lib/imports";
import { h, ht, uid } from "../ui/dom";
import { announce, announceText } from "../ui/status";

type Query = Readonly<Record<string, string | number | undefined>>;

const pollEveryMs = 2000;
const directMaxRows = 10_000;

/**
 * "Export" on a list: a menu button offering CSV and JSON of what the list shows (its current
 * filters, read when chosen). A list up to 10,000 rows downloads at once; a larger one becomes an
 * export job whose progress shows under the button (polled, and finished early by the
 * export.finished live event) until a download link appears. Arrow keys, Home/End, Escape and
 * Tab work as in any menu; the panel wraps to the screen's width on a phone.
 */
export class RapportExportMenu extends HTMLElement {
  entity: ExportEntity = "contacts";
  /** The list's current query, as it sends it to GET /contacts etc. */
  query: () => Query = () => ({});
  /** True when the file will hold more than the list shows (filters the API cannot apply). */
  partial: () => boolean = () => false;

  private readonly menuId = uid("export-menu");
  private readonly noteId = uid("export-note");
  private readonly button = h("button", { type: "button", class: "button subtle export-button", "aria-haspopup": "menu", "aria-expanded": "false", "data-testid": "export-button" });
  private readonly menu = h("ul", { class: "export-menu-list", role: "menu", hidden: true });
  private readonly note = ht("p", "exports.partial", { class: "export-note", hidden: true });
  private readonly panel = h("div", { class: "export-panel", hidden: true, "data-testid": "export-panel" });
  private items: HTMLButtonElement[] = [];
  private busy = false;
  private job: Export | null = null;
  private timer: ReturnType<typeof setInterval> | undefined;
  private readonly onOutside = (event: Event) => {
    if (event.target instanceof Node && !this.contains(event.target)) this.close(false);
  };
  private readonly onLive = (event: Event) => {
    if (!isLiveSignal(event) || !this.job) return;
    const signal = event.detail;
    if (signal.type === "resync" || (signal.type === "export.finished" && signal.id === this.job.id)) void this.poll();
  };

  connectedCallback(): void {
    this.classList.add("export-menu");
    this.menu.id = this.menuId;
    this.note.id = this.noteId;
    this.button.setAttribute("aria-controls", this.menuId);
    this.button.replaceChildren(bindText(h("span"), "exports.button"), h("span", { "aria-hidden": "true", class: "export-caret" }, " ▾"));
    bindAttribute(this.menu, "aria-label", "exports.menuLabel");
    bindAttribute(this.panel, "aria-label", "exports.statusLabel");
    const choices = [
      { format: "csv", delimiter: "comma", label: "exports.csv", testId: "export-csv" },
      { format: "csv", delimiter: "semicolon", label: "exports.csvSemicolon", testId: "export-csv-semicolon" },
      { format: "json", delimiter: "comma", label: "exports.json", testId: "export-json" },
    ] as const;
    this.items = choices.map((choice) => {
      const item = ht("button", choice.label, { type: "button", role: "menuitem", tabindex: "-1", class: "export-item", "data-format": choice.format, "data-testid": choice.testId });
      item.addEventListener("click", () => {
        this.close(true);
        void this.start(choice.format, choice.delimiter);
      });
      return item;
    });
    this.menu.replaceChildren(...this.items.map((item) => h("li", { role: "none" }, item)));

    this.button.addEventListener("click", () => (this.menu.hidden ? this.open(0) : this.close(false)));
    this.button.addEventListener("keydown", (event) => {
      if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        event.preventDefault();
        this.open(event.key === "ArrowDown" ? 0 : this.items.length - 1);
      } else if (event.key === "Escape" && !this.menu.hidden) {
        event.preventDefault();
        this.close(true);
      }
    });
    this.menu.addEventListener("keydown", (event) => {
      const current = this.items.findIndex((item) => item === document.activeElement);
      const next = menuIndexAfter(event.key, Math.max(0, current), this.items.length);
      if (next !== null) {
        event.preventDefault();
        this.items[next]?.focus();
      } else if (event.key === "Escape") {
        event.preventDefault();
        this.close(true);
      } else if (event.key === "Tab") {
        this.close(false);
      }
    });
    this.replaceChildren(this.button, h("div", { class: "export-popup" }, this.menu, this.note), this.panel);
    window.addEventListener(liveEvent, this.onLive);
  }

  disconnectedCallback(): void {
    window.removeEventListener(liveEvent, this.onLive);
    document.removeEventListener("pointerdown", this.onOutside);
    clearInterval(this.timer);
  }

  private open(index: number): void {
    const partial = this.partial();
    this.note.hidden = !partial;
    if (partial) this.menu.setAttribute("aria-describedby", this.noteId);
    else this.menu.removeAttribute("aria-describedby");
    this.menu.hidden = false;
    this.button.setAttribute("aria-expanded", "true");
    document.addEventListener("pointerdown", this.onOutside);
    this.items[index]?.focus();
  }

  private close(focusButton: boolean): void {
    this.menu.hidden = true;
    this.note.hidden = true;
    this.button.setAttribute("aria-expanded", "false");
    document.removeEventListener("pointerdown", this.onOutside);
    if (focusButton) this.button.focus();
  }

  private async start(format: ExportFormat, delimiter: CsvDelimiterName): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    this.button.disabled = true;
    this.stopWatching();
    this.show([ht("p", "exports.preparing", { class: "export-text" })]);
    try {
      const query = this.query();
      const result = await exportsApi.direct(this.entity, format, query, delimiter);
      if (result.kind === "file") {
        saveBlob(result.blob, result.fileName);
        this.hide();
        announce("exports.downloaded", { file: result.fileName });
      } else {
        await this.startJob(result.job);
      }
    } catch (error) {
      this.showError(error instanceof Error ? error.message : t("error.generic"), () => void this.start(format, delimiter));
    } finally {
      this.busy = false;
      this.button.disabled = false;
    }
  }

  private async startJob(body: ExportJobBody): Promise<void> {
    const job = await exportsApi.create({ ...body, filters: exportFilters(body.filters) });
    announce("exports.tooLarge", { max: new Intl.NumberFormat(language()).format(directMaxRows) });
    this.follow(job);
  }

  private follow(job: Export): void {
    this.job = job;
    this.render();
    clearInterval(this.timer);
    if (!isFinished(job.status)) this.timer = setInterval(() => void this.poll(), pollEveryMs);
  }

  private async poll(): Promise<void> {
    const current = this.job;
    if (!current || isFinished(current.status)) return;
    try {
      const fresh = await exportsApi.get(current.id);
      if (this.job?.id !== fresh.id) return;
      this.job = fresh;
      this.render();
      if (isFinished(fresh.status)) {
        clearInterval(this.timer);
        if (fresh.status === "done") announce("exports.readyShort");
        else announceText(t("exports.failed", { error: fresh.error ?? t("error.generic") }), "error");
      }
    } catch {
      // The next tick asks again; the panel keeps the last known state meanwhile.
    }
  }

  private render(): void {
    const job = this.job;
    if (!job) return;
    const numbers = new Intl.NumberFormat(language());
    if (job.status === "queued" || job.status === "running") {
      const progress = h("progress", { class: "export-progress" });
      bindAttribute(progress, "aria-label", "exports.statusLabel");
      this.show([
        ht("p", "exports.tooLarge", { class: "export-text" }, { max: numbers.format(directMaxRows) }),
        progress,
        ht("p", "exports.progress", { class: "export-count", "data-testid": "export-count" }, { count: numbers.format(job.row_count) }),
      ]);
      return;
    }
    if (job.status === "failed") {
      this.showError(t("exports.failed", { error: job.error ?? t("error.generic") }), () => void this.startJob({ entity: job.entity, format: job.format, delimiter: job.delimiter, filters: job.filters }));
      return;
    }
    const fileName = `${job.entity}-${job.created_at.slice(0, 10)}.${job.format}`;
    const link = ht("a", "exports.download", { href: job.download_url ?? exportsApi.downloadUrl(job.id), download: fileName, class: "button primary small", "data-testid": "export-download" }, { file: fileName });
    this.show([ht("p", "exports.ready", { class: "export-text" }, { rows: numbers.format(job.row_count), size: formatBytes(job.byte_size, language()) }), link]);
  }

  private showError(message: string, retry: () => void): void {
    const again = ht("button", "exports.retry", { type: "button", class: "button small" });
    again.addEventListener("click", retry);
    this.show([h("p", { class: "export-text error", role: "alert" }, message), again]);
  }

  private show(children: Node[]): void {
    const dismiss = h("button", { type: "button", class: "button subtle small export-dismiss", "data-testid": "export-dismiss" });
    bindAttribute(dismiss, "aria-label", "exports.dismiss");
    dismiss.textContent = "×";
    dismiss.addEventListener("click", () => {
      this.stopWatching();
      this.hide();
      this.button.focus();
    });
    this.panel.replaceChildren(dismiss, ...children);
    this.panel.hidden = false;
  }

  private hide(): void {
    this.panel.hidden = true;
    this.panel.replaceChildren();
  }

  private stopWatching(): void {
    clearInterval(this.timer);
    this.job = null;
  }
}

/** Saves a Blob as a file through a temporary link (the object URL is released afterwards). */
function saveBlob(blob: Blob, fileName: string): void {
  const url = URL.createObjectURL(blob);
  const link = h("a", { href: url, download: fileName, hidden: true });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** The menu for a list: `query` is read when an export starts, so it always follows the current filters. */
export function exportMenu(entity: ExportEntity, query: () => Query, partial: () => boolean = () => false): RapportExportMenu {
  const element = document.createElement("rapport-export-menu");
  element.entity = entity;
  element.query = query;
  element.partial = partial;
  element.dataset.testid = `export-${entity}`;
  return element;
}

customElements.define("rapport-export-menu", RapportExportMenu);

declare global {
  interface HTMLElementTagNameMap {
    "rapport-export-menu": RapportExportMenu;
  }
}
