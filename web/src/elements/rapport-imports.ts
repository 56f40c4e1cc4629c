import { ApiError } from "../api/client";
import { importsApi, type FileOptions, type Import, type ImportOutcome, type ImportPreview, type ImportRow, type OnMatch } from "../api/imports";
import { isLiveSignal, liveEvent } from "../api/live";
import { bindAttribute, bindText, language, languageChanged, t, type MessageKey } from "../i18n";
import { formatDateTime, formatNumber } from "../lib/format";
import {
  applyProgress,
  assignField,
  completeMapping,
  countList,
  type CountKey,
  delimiterChoices,
  type DelimiterChoice,
  delimiterName,
  encodingChoices,
  errorsByColumn,
  fileProblem,
  type FileProblem,
  formatBytes,
  isFinished,
  isMappingTarget,
  type Mapping,
  mappingErrorHeader,
  mappingIdentifies,
  onMatchChoices,
  progressOf,
  progressPercent,
  splitColumnMessage,
  spreadsheetRow,
  undoState,
} from "../lib/imports";
import { can } from "../lib/permissions";
import { fieldMessageKey, problemMessageKey } from "../lib/server-messages";
import { role, timeZone } from "../session";
import { h, ht, uid } from "../ui/dom";
import { announce, announceText } from "../ui/status";
import { RapportConfirm } from "./rapport-confirm";

type Step = "file" | "preview" | "dryrun" | "run" | "report";
const steps: readonly { step: Step; key: MessageKey }[] = [
  { step: "file", key: "imports.stepFile" },
  { step: "preview", key: "imports.stepPreview" },
  { step: "dryrun", key: "imports.stepDryRun" },
  { step: "run", key: "imports.stepRun" },
  { step: "report", key: "imports.stepReport" },
];

const fieldKeys: Record<string, MessageKey> = {
  first_name: "imports.field.first_name",
  last_name: "imports.field.last_name",
  emails: "imports.field.emails",
  phones: "imports.field.phones",
  job_title: "imports.field.job_title",
  city: "imports.field.city",
  country: "imports.field.country",
  tags: "imports.field.tags",
  lifecycle_stage: "imports.field.lifecycle_stage",
  owner_id: "imports.field.owner_id",
  company_name: "imports.field.company_name",
  notes: "imports.field.notes",
  ignore: "imports.field.ignore",
};

const countKeysText: Record<CountKey, MessageKey> = {
  created: "imports.count.created",
  updated: "imports.count.updated",
  skipped: "imports.count.skipped",
  invalid: "imports.count.invalid",
  duplicates: "imports.count.duplicates",
};
const dryCountKeysText: Record<CountKey, MessageKey> = {
  created: "imports.dryCount.created",
  updated: "imports.dryCount.updated",
  skipped: "imports.dryCount.skipped",
  invalid: "imports.dryCount.invalid",
  duplicates: "imports.dryCount.duplicates",
};
const outcomeKeys: Record<ImportOutcome, MessageKey> = {
  created: "imports.outcome.created",
  updated: "imports.outcome.updated",
  skipped: "imports.outcome.skipped",
  invalid: "imports.outcome.invalid",
  duplicate: "imports.outcome.duplicate",
};
const onMatchKeys: Record<OnMatch, { label: MessageKey; hint: MessageKey }> = {
  update_empty: { label: "imports.onMatch.update_empty", hint: "imports.onMatch.update_emptyHint" },
  skip: { label: "imports.onMatch.skip", hint: "imports.onMatch.skipHint" },
  create: { label: "imports.onMatch.create", hint: "imports.onMatch.createHint" },
};
const fileProblemKeys: Record<FileProblem, MessageKey> = { too_large: "imports.fileTooLarge", empty: "imports.fileEmpty", not_csv: "imports.fileNotCsv" };
const statusKeys: Record<Import["status"], MessageKey> = { queued: "imports.status.queued", running: "imports.status.running", done: "imports.status.done", failed: "imports.status.failed" };

/** How long without a live event before the page asks the server itself. */
const pollAfterMs = 3000;

function fieldLabel(field: string): string {
  const key = fieldKeys[field];
  return key ? t(key) : field;
}

// A row's problems by the API's stable codes, so they read in the user's language; the cell's
// value is beside the message in the preview, and the row number leads to it in the report.
const rowErrorKeys: Record<string, MessageKey> = {
  invalid_email: "imports.error.invalid_email",
  invalid_phone: "imports.error.invalid_phone",
  unknown_country: "imports.error.unknown_country",
  unknown_lifecycle_stage: "imports.error.unknown_lifecycle_stage",
  unknown_owner: "imports.error.unknown_owner",
  ambiguous_owner: "imports.error.ambiguous_owner",
  too_long: "imports.error.too_long",
  too_big: "imports.error.too_long",
  identity_required: "imports.error.identity_required",
  too_few_cells: "imports.error.too_few_cells",
  too_many_cells: "imports.error.too_many_cells",
  unterminated_quote: "imports.error.unterminated_quote",
  stray_quote: "imports.error.stray_quote",
  invalid_characters: "imports.error.invalid_characters",
  email_of_deleted_contact: "imports.error.email_of_deleted_contact",
  email_exists: "imports.error.email_exists",
};

// Problems with the upload itself (413, 415, 422 on the file or the mapping).
const problemCodeKeys: Record<string, MessageKey> = {
  payload_too_large: "imports.fileTooLarge",
  unsupported_media_type: "imports.fileNotCsv",
  empty_file: "imports.fileEmpty",
  binary_file: "imports.fileNotCsv",
  no_header: "imports.fileNoHeader",
  undecodable: "imports.fileUndecodable",
  identity_not_mapped: "imports.mappingNeedsIdentity",
  field_mapped_twice: "imports.fieldMappedTwice",
};

const warningKeys: Record<string, MessageKey> = {
  encoding_mismatch: "imports.warning.encoding_mismatch",
  invalid_characters: "imports.warning.invalid_characters",
  unterminated_quote: "imports.warning.unterminated_quote",
};

/** A row error without its column prefix, in the reader's language where the code is known. */
function cellErrorText(error: { code: string; message: string }): string {
  // "Row 3 of this file has …": the row the duplicate repeats, numbered as the spreadsheet shows it.
  const repeated = error.code === "duplicate_in_file" ? /^Row (\d+)\b/.exec(error.message)?.[1] : undefined;
  if (repeated !== undefined) return t("imports.error.duplicate_in_file", { row: spreadsheetRow(Number(repeated)) });
  const key = rowErrorKeys[error.code];
  if (key) return t(key);
  const { text } = splitColumnMessage(error.message);
  const known = fieldMessageKey(text, error.code);
  return known ? t(known) : text;
}

function detailText(detail: string, code: string | undefined): string {
  const key = code ? problemCodeKeys[code] : undefined;
  if (key) return t(key);
  const known = fieldMessageKey(detail, code);
  return known ? t(known) : detail;
}

/** An upload or start failure in words: known codes translated, the server's detail otherwise. */
function problemText(error: unknown): string {
  if (!(error instanceof ApiError)) return t("error.generic");
  const texts = Object.entries(error.fieldErrors)
    .filter(([name]) => mappingErrorHeader(name) === null)
    .map(([name, detail]) => detailText(detail, error.fieldCodes[name]));
  texts.push(...error.otherErrors);
  if (texts.length > 0) return [...new Set(texts)].join(" ");
  const key = problemCodeKeys[error.code] ?? problemMessageKey(error.code);
  return key ? t(key) : error.message;
}

/**
 * Watches one running import: live import.progress / import.finished frames move it along, and
 * when none has arrived for a few seconds (socket down, event lost) GET /imports/{id} is asked
 * instead. Finishing fetches the full record once, for undo_until and the final counts.
 */
class ImportWatcher {
  private lastHeard = Date.now();
  private timer: ReturnType<typeof setInterval> | undefined;
  private polling = false;
  private stopped = false;
  private readonly onLive = (event: Event) => {
    if (!isLiveSignal(event)) return;
    const signal = event.detail;
    if (signal.type === "resync") {
      void this.poll();
      return;
    }
    if ((signal.type !== "import.progress" && signal.type !== "import.finished") || signal.id !== this.current.id) return;
    this.lastHeard = Date.now();
    const update = progressOf(signal.data);
    if (signal.type === "import.finished" || (update && isFinished(update.status))) {
      void this.poll();
      return;
    }
    if (update) this.emit(applyProgress(this.current, update));
  };

  constructor(
    private current: Import,
    private readonly onUpdate: (item: Import) => void,
  ) {
    window.addEventListener(liveEvent, this.onLive);
    this.timer = setInterval(() => {
      if (Date.now() - this.lastHeard >= pollAfterMs) void this.poll();
    }, 1000);
  }

  stop(): void {
    this.stopped = true;
    clearInterval(this.timer);
    window.removeEventListener(liveEvent, this.onLive);
  }

  private emit(item: Import): void {
    if (this.stopped) return;
    this.current = item;
    if (isFinished(item.status)) this.stop();
    this.onUpdate(item);
  }

  private async poll(): Promise<void> {
    if (this.polling || this.stopped) return;
    this.polling = true;
    this.lastHeard = Date.now();
    try {
      const fresh = await importsApi.get(this.current.id);
      // A poll answered after a newer live event must not move the bar back.
      this.emit(isFinished(fresh.status) ? fresh : { ...applyProgress(this.current, fresh), started_at: fresh.started_at });
    } catch {
      // The next tick tries again; the page keeps the last known progress meanwhile.
    } finally {
      this.polling = false;
    }
  }
}

/**
 * /contacts/import: the CSV import wizard (choose a file → check the columns → dry run → import →
 * report) above the list of past imports. Each step's heading takes focus when it opens, errors
 * sit next to what caused them, and a report is addressable as /contacts/import?id=imp_….
 */
export class RapportImports extends HTMLElement {
  private step: Step = "file";
  private file: File | null = null;
  private preview: ImportPreview | null = null;
  private mapping: Mapping = {};
  private encoding = "auto";
  private delimiter: DelimiterChoice = "auto";
  private onMatch: OnMatch = "update_empty";
  private dryRun: Import | null = null;
  private current: Import | null = null;
  private watcher: ImportWatcher | null = null;
  private previewSeq = 0;
  private busy = false;
  private history: Import[] = [];
  private historyCursor: string | null = null;
  private historyLoaded = false;
  private readonly stepper = h("ol", { class: "import-steps", "data-testid": "import-steps" });
  private readonly stage = h("div", { class: "import-stage" });
  private readonly historyBody = h("div", { "data-testid": "import-history" });
  private readonly onLanguage = () => {
    this.renderStep(false);
    this.renderHistory();
  };
  private readonly onLive = (event: Event) => {
    if (!isLiveSignal(event)) return;
    if (event.detail.type === "import.finished" || event.detail.type === "resync") void this.loadHistory();
  };

  connectedCallback(): void {
    bindAttribute(this.stepper, "aria-label", "imports.stepsLabel");
    this.replaceChildren(
      h("nav", { class: "crumbs" }, ht("a", "imports.backToContacts", { href: "/contacts" })),
      h("div", { class: "page-head" }, h("div", {}, ht("h1", "imports.title"), ht("p", "imports.lead", { class: "lead" }))),
      this.stepper,
      this.stage,
      h("section", { class: "card-panel import-history", "aria-labelledby": "import-history-title" }, ht("h2", "imports.historyTitle", { id: "import-history-title" }), this.historyBody),
    );
    window.addEventListener(languageChanged, this.onLanguage);
    window.addEventListener(liveEvent, this.onLive);
    const wanted = new URLSearchParams(location.search).get("id");
    if (wanted) void this.open(wanted, false);
    else this.go(can.writeRecords(role()) ? "file" : "report", false);
    void this.loadHistory();
  }

  disconnectedCallback(): void {
    window.removeEventListener(languageChanged, this.onLanguage);
    window.removeEventListener(liveEvent, this.onLive);
    this.watcher?.stop();
  }

  // ------------------------------------------------------------------ steps

  private go(step: Step, moveFocus = true): void {
    this.step = step;
    this.renderStep(moveFocus);
  }

  private renderStepper(): void {
    const active = steps.findIndex((item) => item.step === this.step);
    this.stepper.replaceChildren(
      ...steps.map((item, index) =>
        h(
          "li",
          { class: index < active ? "done" : index === active ? "active" : "", "aria-current": index === active ? "step" : undefined },
          h("span", { class: "step-number", "aria-hidden": "true" }, String(index + 1)),
          bindText(h("span", { class: "step-name" }), item.key),
        ),
      ),
    );
  }

  private renderStep(moveFocus: boolean): void {
    this.renderStepper();
    const writer = can.writeRecords(role());
    let section: HTMLElement;
    if (!writer && this.current === null) section = this.panel("imports.viewerTitle", h("p", { class: "hint" }, t("imports.viewerLead")));
    else if (this.step === "file") section = this.fileStep();
    else if (this.step === "preview") section = this.previewStep();
    else if (this.step === "dryrun") section = this.dryRunStep();
    else if (this.step === "run") section = this.runStep();
    else section = this.reportStep();
    const focusedHeader = this.querySelector<HTMLElement>(":focus")?.dataset.header ?? null;
    this.stage.replaceChildren(section);
    if (moveFocus) section.querySelector<HTMLElement>("h2")?.focus();
    else if (focusedHeader !== null) this.stage.querySelector<HTMLElement>(`select[data-header="${CSS.escape(focusedHeader)}"]`)?.focus();
  }

  private panel(title: MessageKey, ...children: (Node | null)[]): HTMLElement {
    const id = uid("import-step");
    return h(
      "section",
      { class: "card-panel import-step", "aria-labelledby": id, "data-step": this.step, "data-testid": `import-step-${this.step}` },
      ht("h2", title, { id, tabindex: "-1" }),
      ...children,
    );
  }

  // 1. choose a file ----------------------------------------------------------

  private fileStep(): HTMLElement {
    const inputId = uid("import-file");
    const errorId = `${inputId}-error`;
    const input = h("input", { type: "file", id: inputId, name: "file", accept: ".csv,.txt,.tsv,text/csv,text/plain", "aria-describedby": `${inputId}-hint ${errorId}`, "data-testid": "import-file" });
    const error = h("p", { class: "field-error", id: errorId, hidden: true, "data-testid": "import-file-error" });
    const reading = ht("p", "imports.reading", { class: "hint", hidden: true, role: "status" });
    const zone = h(
      "div",
      { class: "dropzone", "data-testid": "dropzone" },
      uploadIcon(),
      ht("p", "imports.dropHere", { class: "dropzone-text" }),
      h("div", { class: "field" }, ht("label", "imports.fileLabel", { for: inputId }), input, ht("p", "imports.fileHint", { class: "hint", id: `${inputId}-hint` })),
    );
    const choose = (file: File | undefined) => {
      if (!file) return;
      void this.chooseFile(file, { input, error, reading });
    };
    input.addEventListener("change", () => choose(input.files?.[0]));
    zone.addEventListener("dragover", (event) => {
      event.preventDefault();
      zone.classList.add("dragging");
    });
    zone.addEventListener("dragleave", () => zone.classList.remove("dragging"));
    zone.addEventListener("drop", (event) => {
      event.preventDefault();
      zone.classList.remove("dragging");
      choose(event.dataTransfer?.files[0]);
    });
    return this.panel("imports.stepFileTitle", ht("p", "imports.fileLead", { class: "hint" }), zone, error, reading);
  }

  private async chooseFile(file: File, slots: { input: HTMLInputElement; error: HTMLElement; reading: HTMLElement }): Promise<void> {
    const showError = (text: string) => {
      slots.error.textContent = text;
      slots.error.hidden = false;
      slots.input.setAttribute("aria-invalid", "true");
      slots.input.focus();
    };
    slots.error.hidden = true;
    slots.input.removeAttribute("aria-invalid");
    const problem = fileProblem(file);
    if (problem) {
      showError(t(fileProblemKeys[problem]));
      return;
    }
    this.file = file;
    this.encoding = "auto";
    this.delimiter = "auto";
    this.mapping = {};
    this.dryRun = null;
    slots.reading.hidden = false;
    slots.input.disabled = true;
    try {
      this.preview = await importsApi.preview(file, this.fileOptions(null));
      this.mapping = completeMapping(this.preview.headers, {}, this.preview.mapping);
      this.go("preview");
    } catch (error) {
      this.file = null;
      slots.input.disabled = false;
      slots.input.value = "";
      showError(problemText(error));
    } finally {
      slots.reading.hidden = true;
    }
  }

  private fileOptions(mapping: Mapping | null): FileOptions {
    return { encoding: this.encoding, delimiter: this.delimiter, mapping };
  }

  // 2. preview and mapping ------------------------------------------------------

  private previewStep(): HTMLElement {
    const preview = this.preview;
    if (!preview || !this.file) return this.fileStep();
    const summary = h(
      "p",
      { class: "import-file-summary", "data-testid": "import-file-summary" },
      h("strong", {}, preview.file_name),
      ` · ${formatBytes(preview.size_bytes, language())} · `,
      t("imports.rowCount", { count: formatNumber(preview.total_rows, language()) }),
    );
    const another = ht("button", "imports.chooseAnother", { type: "button", class: "button small" });
    another.addEventListener("click", () => {
      this.preview = null;
      this.file = null;
      this.go("file");
    });

    const encodingId = uid("import-encoding");
    const encoding = h("select", { id: encodingId, name: "encoding", "data-testid": "import-encoding", "aria-describedby": `${encodingId}-error` });
    for (const choice of encodingChoices) {
      if (choice === "auto") continue;
      encoding.append(h("option", { value: choice }, encodingLabel(choice)));
    }
    encoding.value = this.encoding === "auto" ? preview.encoding : this.encoding;
    // Another encoding or separator can change the headers themselves ("Pavardė" read as 1250 is
    // "Pavardë"), so the mapping is suggested afresh rather than sent with stale column names.
    encoding.addEventListener("change", () => {
      this.encoding = encoding.value;
      void this.refreshPreview(false);
    });
    const delimiterId = uid("import-delimiter");
    const delimiter = h("select", { id: delimiterId, name: "delimiter", "data-testid": "import-delimiter", "aria-describedby": `${delimiterId}-error` });
    for (const choice of delimiterChoices) {
      if (choice === "auto") continue;
      delimiter.append(h("option", { value: choice }, t(`imports.delimiter.${delimiterName(choice)}`)));
    }
    delimiter.value = this.delimiter === "auto" ? preview.delimiter : this.delimiter;
    delimiter.addEventListener("change", () => {
      const chosen = delimiterChoices.find((choice) => choice === delimiter.value);
      if (chosen) this.delimiter = chosen;
      void this.refreshPreview(false);
    });
    const settings = h(
      "div",
      { class: "import-settings" },
      h("div", { class: "field" }, ht("label", "imports.encoding", { for: encodingId }), encoding, h("p", { class: "field-error", id: `${encodingId}-error`, hidden: true })),
      h("div", { class: "field" }, ht("label", "imports.delimiterLabel", { for: delimiterId }), delimiter, h("p", { class: "field-error", id: `${delimiterId}-error`, hidden: true })),
      another,
    );
    const notes: Node[] = [];
    if (preview.encoding_ambiguous && this.encoding === "auto") {
      const [best, second] = preview.encoding_candidates;
      notes.push(
        h(
          "p",
          { class: "warning", role: "note", "data-testid": "encoding-warning" },
          t("imports.encodingAmbiguous", { best: encodingLabel(best?.encoding ?? preview.encoding), other: encodingLabel(second?.encoding ?? "") }),
        ),
      );
    } else if (preview.encoding_detected && this.encoding === "auto") {
      notes.push(h("p", { class: "hint" }, t("imports.encodingDetected", { encoding: encodingLabel(preview.encoding) })));
    }
    for (const warning of preview.warnings) {
      // The ambiguity has its own note above, with the candidates named.
      if (warning.code === "encoding_ambiguous") continue;
      const key = warningKeys[warning.code];
      notes.push(h("p", { class: "warning", role: "note", "data-testid": "preview-warning" }, key ? t(key) : warning.message));
    }
    if (!mappingIdentifies(this.mapping)) notes.push(ht("p", "imports.mappingNeedsIdentity", { class: "warning", role: "note", "data-testid": "mapping-warning" }));

    const onMatch = this.onMatchChoice();
    const formError = h("p", { class: "form-error", role: "alert", hidden: true, tabindex: "-1", "data-testid": "import-start-error" });
    const dry = ht("button", "imports.dryRun", { type: "button", class: "button primary", "data-testid": "dry-run" });
    const direct = ht("button", "imports.importWithoutDryRun", { type: "button", class: "button", "data-testid": "import-direct" });
    dry.disabled = this.busy || !mappingIdentifies(this.mapping);
    direct.disabled = dry.disabled;
    dry.addEventListener("click", () => void this.start(true, formError));
    direct.addEventListener("click", () => void this.start(false, formError));

    return this.panel(
      "imports.stepPreviewTitle",
      summary,
      settings,
      ...notes,
      ht("p", "imports.mappingLead", { class: "hint" }),
      this.previewTable(preview),
      preview.total_rows > preview.rows.length
        ? h("p", { class: "hint" }, t("imports.previewShown", { shown: preview.rows.length, total: formatNumber(preview.total_rows, language()) }))
        : null,
      onMatch,
      formError,
      h("div", { class: "actions import-actions" }, direct, dry),
    );
  }

  private previewTable(preview: ImportPreview): HTMLElement {
    const choices = [...preview.fields, "ignore"];
    const head = h("tr", {}, ht("th", "imports.colRow", { scope: "col", class: "row-col" }));
    for (const [index, header] of preview.headers.entries()) {
      const selectId = uid("import-map");
      const select = h("select", { id: selectId, name: `mapping.${header}`, "data-header": header, "data-testid": "mapping-select", "aria-describedby": `${selectId}-error` });
      select.setAttribute("aria-label", t("imports.mapColumn", { header: header || t("imports.unnamedColumn", { number: index + 1 }) }));
      for (const field of choices) select.append(h("option", { value: field }, fieldLabel(field)));
      select.value = this.mapping[header] ?? "ignore";
      if (select.value === "ignore") select.classList.add("ignored");
      select.addEventListener("change", () => this.changeMapping(header, select.value));
      head.append(
        h(
          "th",
          { scope: "col", "data-column": String(index) },
          h("span", { class: "col-name", title: header }, header || t("imports.unnamedColumn", { number: index + 1 })),
          select,
          h("p", { class: "field-error", id: `${selectId}-error`, hidden: true }),
        ),
      );
    }
    const rowProblems = preview.rows.some((row) => errorsByColumn(row.errors, preview.headers, this.mapping).row.length > 0);
    if (rowProblems) head.append(ht("th", "imports.colProblems", { scope: "col" }));
    const body = h("tbody");
    for (const row of preview.rows) {
      const placed = errorsByColumn(row.errors, preview.headers, this.mapping);
      const tr = h("tr", { "data-row": String(row.row_number), class: row.errors.length > 0 ? "has-errors" : undefined }, h("th", { scope: "row", class: "row-col num" }, String(spreadsheetRow(row.row_number))));
      for (const [index, header] of preview.headers.entries()) {
        const errors = placed.columns.get(index) ?? [];
        const ignored = (this.mapping[header] ?? "ignore") === "ignore";
        const cell = h("td", { class: [errors.length ? "cell-invalid" : "", ignored ? "cell-ignored" : ""].join(" ").trim() || undefined }, h("span", { class: "cell-value" }, row.values[index] ?? ""));
        for (const error of errors) cell.append(h("span", { class: "cell-error", "data-testid": "cell-error", "data-code": error.code }, cellErrorText(error)));
        tr.append(cell);
      }
      if (rowProblems) tr.append(h("td", { class: "row-errors" }, ...placed.row.map((error) => h("span", { class: "cell-error", "data-code": error.code }, cellErrorText(error)))));
      body.append(tr);
    }
    // Not .table: on a phone that stacks rows into cards and hides the header, where the
    // mapping selects live; the preview keeps its grid and scrolls sideways in its box instead.
    const table = h("table", { class: "import-preview", "data-testid": "import-preview" }, h("thead", {}, head), body);
    const caption = h("caption", { class: "visually-hidden" }, t("imports.previewCaption"));
    table.prepend(caption);
    // The region scrolls sideways on a phone; tabindex lets keyboard users scroll it too.
    const wrap = h("div", { class: "table-wrap import-preview-wrap", role: "region", tabindex: "0" });
    bindAttribute(wrap, "aria-label", "imports.previewCaption");
    wrap.append(table);
    return wrap;
  }

  private onMatchChoice(): HTMLElement {
    const name = uid("on-match");
    const group = h("fieldset", { class: "import-on-match", "data-testid": "on-match" }, ht("legend", "imports.onMatchLegend"));
    for (const choice of onMatchChoices) {
      const id = `${name}-${choice}`;
      const radio = h("input", { type: "radio", id, name, value: choice, checked: choice === this.onMatch, "aria-describedby": `${id}-hint` });
      radio.addEventListener("change", () => {
        if (radio.checked) this.onMatch = choice;
      });
      group.append(
        h("div", { class: "radio-row" }, radio, h("label", { for: id }, bindText(h("span"), onMatchKeys[choice].label), ht("small", onMatchKeys[choice].hint, { id: `${id}-hint`, class: "hint" }))),
      );
    }
    return group;
  }

  private changeMapping(header: string, value: string): void {
    if (!isMappingTarget(value)) return;
    const { mapping, displaced } = assignField(this.mapping, header, value);
    this.mapping = mapping;
    if (displaced !== null) announce("imports.displaced", { header: displaced, field: fieldLabel(value) });
    void this.refreshPreview();
  }

  /** Re-reads the file with the current choices; the latest request wins when the user keeps changing. */
  private async refreshPreview(withMapping = true): Promise<void> {
    if (!this.file) return;
    const seq = ++this.previewSeq;
    this.stage.setAttribute("aria-busy", "true");
    try {
      const preview = await importsApi.preview(this.file, this.fileOptions(withMapping ? this.mapping : null));
      if (seq !== this.previewSeq) return;
      const headersChanged = preview.headers.join("\u0000") !== this.preview?.headers.join("\u0000");
      this.preview = preview;
      this.mapping = headersChanged || !withMapping ? completeMapping(preview.headers, {}, preview.mapping) : completeMapping(preview.headers, this.mapping, preview.mapping);
      this.renderStep(false);
    } catch (error) {
      if (seq !== this.previewSeq) return;
      this.renderStep(false);
      this.showProblem(error, this.stage.querySelector<HTMLElement>("[data-testid=import-start-error]"));
    } finally {
      if (seq === this.previewSeq) this.stage.removeAttribute("aria-busy");
    }
  }

  /** 422 mapping errors go under that column's select, encoding/delimiter under theirs; the rest in the step's alert. */
  private showProblem(error: unknown, general: HTMLElement | null): void {
    let placed = false;
    if (error instanceof ApiError) {
      for (const [name, detail] of Object.entries(error.fieldErrors)) {
        const header = mappingErrorHeader(name);
        const control =
          header !== null
            ? this.stage.querySelector<HTMLElement>(`select[data-header="${CSS.escape(header)}"]`)
            : name === "encoding" || name === "delimiter"
              ? this.stage.querySelector<HTMLElement>(`select[name="${name}"]`)
              : null;
        const slot = control ? document.getElementById(`${control.id}-error`) : null;
        if (!control || !slot) continue;
        slot.textContent = detailText(detail, error.fieldCodes[name]);
        slot.hidden = false;
        control.setAttribute("aria-invalid", "true");
        if (!placed) control.focus();
        placed = true;
      }
      if (placed && Object.keys(error.fieldErrors).every((name) => mappingErrorHeader(name) !== null || name === "encoding" || name === "delimiter") && error.otherErrors.length === 0) return;
    }
    if (general) {
      general.textContent = problemText(error);
      general.hidden = false;
      if (!placed) general.focus();
    } else announceText(problemText(error), "error");
  }

  // 3–4. run (dry or real) ------------------------------------------------------

  private async start(dryRun: boolean, formError: HTMLElement | null): Promise<void> {
    if (!this.file || this.busy) return;
    this.busy = true;
    for (const button of this.stage.querySelectorAll<HTMLButtonElement>(".import-actions button")) button.disabled = true;
    if (formError) formError.hidden = true;
    try {
      const started = await importsApi.start(this.file, { ...this.fileOptions(this.mapping), dryRun, onMatch: this.onMatch });
      this.busy = false;
      if (dryRun) this.dryRun = started;
      this.watch(started);
      void this.loadHistory();
    } catch (error) {
      this.busy = false;
      for (const button of this.stage.querySelectorAll<HTMLButtonElement>(".import-actions button")) button.disabled = false;
      if (this.step === "preview") this.showProblem(error, formError);
      else if (formError) {
        formError.textContent = problemText(error);
        formError.hidden = false;
        formError.focus();
      }
    }
  }

  /** Shows an import: its progress while it runs, its report once it has finished. */
  private watch(item: Import, moveFocus = true): void {
    this.watcher?.stop();
    this.watcher = null;
    this.current = item;
    history.replaceState(null, "", `/contacts/import?id=${encodeURIComponent(item.id)}`);
    if (item.dry_run) this.dryRun = item;
    if (!isFinished(item.status)) {
      this.watcher = new ImportWatcher(item, (update) => this.progressed(update));
    }
    this.go(item.dry_run ? "dryrun" : isFinished(item.status) ? "report" : "run", moveFocus);
  }

  private progressed(update: Import): void {
    const finishedNow = isFinished(update.status) && !isFinished(this.current?.status ?? "queued");
    this.current = update;
    if (update.dry_run) this.dryRun = update;
    if (!finishedNow) {
      this.updateProgress(update);
      return;
    }
    void this.loadHistory();
    if (update.status === "failed") announce("imports.failedAnnounce", { file: update.file_name }, "error");
    else announce(update.dry_run ? "imports.dryRunFinished" : "imports.finishedAnnounce", { file: update.file_name });
    this.go(update.dry_run ? "dryrun" : "report");
  }

  private progressBlock(item: Import): HTMLElement {
    const bar = h("progress", { max: "100", value: String(progressPercent(item)), "data-testid": "import-progress" });
    bindAttribute(bar, "aria-label", item.dry_run ? "imports.dryRunProgress" : "imports.progressLabel");
    const text = h("p", { class: "progress-text", "data-testid": "import-progress-text" }, this.progressText(item));
    const counts = this.countsList(item, true);
    return h("div", { class: "import-progress" }, bar, text, counts);
  }

  private progressText(item: Import): string {
    if (item.status === "queued") return t("imports.queued");
    return t("imports.progressRows", { done: formatNumber(item.processed_rows, language()), total: formatNumber(item.total_rows, language()), percent: progressPercent(item) });
  }

  /** In place, so a screen reader is not thrown back to the heading on every chunk. */
  private updateProgress(item: Import): void {
    const bar = this.stage.querySelector<HTMLProgressElement>("[data-testid=import-progress]");
    const text = this.stage.querySelector<HTMLElement>("[data-testid=import-progress-text]");
    const counts = this.stage.querySelector<HTMLElement>(".import-progress .import-counts");
    if (!bar || !text) {
      this.renderStep(false);
      return;
    }
    bar.value = progressPercent(item);
    text.textContent = this.progressText(item);
    counts?.replaceWith(this.countsList(item, true));
  }

  private dryRunStep(): HTMLElement {
    const item = this.dryRun;
    if (!item) return this.previewStep();
    if (!isFinished(item.status)) return this.panel("imports.stepDryRunTitle", ht("p", "imports.dryRunLead", { class: "hint" }), this.progressBlock(item));
    const actions = h("div", { class: "actions import-actions" });
    const formError = h("p", { class: "form-error", role: "alert", hidden: true, tabindex: "-1", "data-testid": "import-start-error" });
    if (this.file && this.preview && item.status === "done") {
      const back = ht("button", "imports.backToColumns", { type: "button", class: "button" });
      back.addEventListener("click", () => this.go("preview"));
      const run = ht("button", "imports.runNow", { type: "button", class: "button primary", "data-testid": "run-import" });
      run.addEventListener("click", () => void this.start(false, formError));
      actions.append(back, run);
    } else if (!this.file && can.writeRecords(role())) {
      // Opened from the list: the file is not kept, so importing it means choosing it again.
      const again = ht("button", "imports.another", { type: "button", class: "button" });
      again.addEventListener("click", () => this.reset());
      actions.append(ht("p", "imports.uploadAgain", { class: "hint" }), again);
    }
    return this.panel("imports.stepDryRunTitle", ht("p", "imports.dryRunDone", { class: "hint" }), this.report(item), formError, actions);
  }

  private runStep(): HTMLElement {
    const item = this.current;
    if (!item) return this.fileStep();
    return this.panel("imports.stepRunTitle", ht("p", "imports.runLead", { class: "hint" }), this.progressBlock(item));
  }

  // 5. report --------------------------------------------------------------------

  private reportStep(): HTMLElement {
    const item = this.current;
    if (!item) return this.panel("imports.viewerTitle", h("p", { class: "hint" }, t("imports.viewerLead")));
    if (!isFinished(item.status)) return this.runStep();
    const again = ht("button", "imports.another", { type: "button", class: "button", "data-testid": "import-another" });
    again.addEventListener("click", () => this.reset());
    return this.panel("imports.stepReportTitle", this.report(item), can.writeRecords(role()) ? h("div", { class: "actions" }, again) : null);
  }

  private reset(): void {
    this.watcher?.stop();
    this.watcher = null;
    this.current = null;
    this.dryRun = null;
    this.file = null;
    this.preview = null;
    this.mapping = {};
    history.replaceState(null, "", "/contacts/import");
    this.go("file");
  }

  private countsList(item: Import, compact = false): HTMLElement {
    const labels = item.dry_run ? dryCountKeysText : countKeysText;
    return h(
      "dl",
      { class: compact ? "import-counts compact" : "import-counts", "data-testid": compact ? undefined : "import-counts" },
      ...countList(item.counts).map(({ key, value }) =>
        h("div", { class: `count count-${key}`, "data-count": key, "data-nonzero": value > 0 }, bindText(h("dt"), labels[key]), h("dd", {}, formatNumber(value, language()))),
      ),
    );
  }

  private report(item: Import): HTMLElement {
    const meta = h(
      "p",
      { class: "import-file-summary" },
      h("strong", {}, item.file_name),
      ` · ${formatDateTime(item.finished_at ?? item.created_at, language(), timeZone())} · `,
      t("imports.rowCount", { count: formatNumber(item.total_rows, language()) }),
      item.dry_run ? " · " : null,
      item.dry_run ? ht("span", "imports.dryRunBadge", { class: "badge" }) : null,
    );
    const parts: Node[] = [meta];
    if (item.status === "failed") parts.push(h("p", { class: "notice error", role: "note" }, t("imports.failed", { error: item.error ?? t("error.generic") })));
    parts.push(this.countsList(item));
    if (item.undone_at) parts.push(h("p", { class: "notice", "data-testid": "import-undone" }, t("imports.undoneOn", { date: formatDateTime(item.undone_at, language(), timeZone()) })));
    parts.push(this.rowsSection(item));
    const download = h("a", { class: "button", href: importsApi.rowsCsvUrl(item.id), download: `${item.file_name.replace(/\.[^.]+$/, "")}-report.csv`, "data-testid": "rows-csv" });
    bindText(download, "imports.downloadRows");
    const tools = h("div", { class: "actions report-tools" }, download);
    const undo = this.undoControl(item);
    if (undo) tools.append(undo);
    parts.push(tools);
    return h("div", { class: "import-report", "data-testid": "import-report" }, ...parts);
  }

  private undoControl(item: Import): HTMLElement | null {
    const state = undoState(item, Date.now());
    if (state === "dry_run" || state === "unavailable" || state === "undone") return null;
    if (state === "expired") return ht("p", "imports.undoExpired", { class: "hint" });
    if (!can.writeRecords(role())) return null;
    const errorId = uid("undo-error");
    const button = ht("button", "imports.undo", { type: "button", class: "button danger", "data-testid": "undo-import", "aria-describedby": `${errorId} ${errorId}-until` });
    const until = h("p", { class: "hint", id: `${errorId}-until` }, t("imports.undoUntil", { date: formatDateTime(item.undo_until ?? item.created_at, language(), timeZone()) }));
    const error = h("p", { class: "field-error", id: errorId, hidden: true });
    button.addEventListener("click", () => void this.undo(item, button, error));
    return h("div", { class: "undo-control" }, button, until, error);
  }

  private async undo(item: Import, button: HTMLButtonElement, error: HTMLElement): Promise<void> {
    if (!(await RapportConfirm.ask(t("imports.undoConfirm", { file: item.file_name, count: formatNumber(item.counts.created, language()) }), "imports.undo"))) return;
    button.disabled = true;
    error.hidden = true;
    try {
      const undone = await importsApi.undo(item.id);
      this.current = undone;
      announce("imports.undoneAnnounce", { file: item.file_name });
      this.renderStep(false);
      this.stage.querySelector<HTMLElement>("[data-testid=import-undone]")?.setAttribute("tabindex", "-1");
      this.stage.querySelector<HTMLElement>("[data-testid=import-undone]")?.focus();
      void this.loadHistory();
    } catch (failure) {
      button.disabled = false;
      error.textContent = failure instanceof ApiError && failure.status === 410 ? t("imports.undoExpired") : problemText(failure);
      error.hidden = false;
      button.focus();
    }
  }

  /** The rows behind the counts, problems first, a page at a time. */
  private rowsSection(item: Import): HTMLElement {
    const outcomes: { outcome: ImportOutcome; count: number }[] = [
      { outcome: "invalid", count: item.counts.invalid },
      { outcome: "duplicate", count: item.counts.duplicates },
      { outcome: "skipped", count: item.counts.skipped },
      { outcome: "updated", count: item.counts.updated },
      { outcome: "created", count: item.counts.created },
    ];
    const first = outcomes.find((entry) => entry.count > 0)?.outcome ?? "invalid";
    const selectId = uid("import-outcome");
    const select = h("select", { id: selectId, class: "chip-select", "data-testid": "rows-outcome" });
    const labels = item.dry_run ? dryCountKeysText : countKeysText;
    for (const entry of outcomes) {
      const key = entry.outcome === "duplicate" ? "duplicates" : entry.outcome;
      select.append(h("option", { value: entry.outcome }, `${t(labels[key])} (${formatNumber(entry.count, language())})`));
    }
    select.value = first;
    const list = h("div", { class: "import-rows", "aria-live": "polite" });
    const section = h(
      "section",
      { class: "import-rows-section", "aria-labelledby": `${selectId}-title` },
      h("div", { class: "card-head" }, ht("h3", "imports.rowsTitle", { id: `${selectId}-title` }), h("div", { class: "inline-select" }, ht("label", "imports.rowsShow", { for: selectId, class: "visually-hidden" }), select)),
      list,
    );
    let cursor: string | null = null;
    let rows: ImportRow[] = [];
    const load = async (more: boolean) => {
      const outcome = outcomes.find((entry) => entry.outcome === select.value)?.outcome;
      try {
        const page = await importsApi.rows(item.id, { outcome, cursor: more ? (cursor ?? undefined) : undefined });
        rows = more ? [...rows, ...page.data] : page.data;
        cursor = page.next_cursor;
        render();
      } catch (error) {
        list.replaceChildren(h("p", { class: "notice error" }, problemText(error)));
      }
    };
    const render = () => {
      if (rows.length === 0) {
        list.replaceChildren(ht("p", "imports.noRows", { class: "empty" }));
        return;
      }
      const body = h("tbody");
      for (const row of rows) {
        const errors = row.errors.map((error) => {
          const column = errorsByColumn([error], item.headers, item.mapping).columns.keys().next().value;
          const header = column === undefined ? null : item.headers[column];
          return h("span", { class: "cell-error", "data-code": error.code }, header ? `${header}: ${cellErrorText(error)}` : cellErrorText(error));
        });
        body.append(
          h(
            "tr",
            { "data-testid": "import-row" },
            h("td", { class: "num", "data-label": t("imports.colRow") }, String(spreadsheetRow(row.row_number))),
            h("td", { "data-label": t("imports.colOutcome") }, ht("span", outcomeKeys[row.outcome], { class: `badge outcome-${row.outcome}` })),
            row.contact_id ? h("td", { "data-label": t("imports.colContact") }, ht("a", "imports.openContact", { href: `/contacts/${row.contact_id}` })) : h("td", { class: "empty-cell" }),
            errors.length > 0 ? h("td", { class: "row-errors", "data-label": t("imports.colProblems") }, h("span", { class: "row-error-list" }, ...errors)) : h("td", { class: "empty-cell" }),
          ),
        );
      }
      const table = h(
        "table",
        { class: "table import-rows-table" },
        h("thead", {}, h("tr", {}, ht("th", "imports.colRow", { scope: "col", class: "num" }), ht("th", "imports.colOutcome", { scope: "col" }), ht("th", "imports.colContact", { scope: "col" }), ht("th", "imports.colProblems", { scope: "col" }))),
        body,
      );
      const children: Node[] = [h("div", { class: "table-wrap" }, table)];
      if (cursor) {
        const more = ht("button", "imports.loadMore", { type: "button", class: "button small", "data-testid": "rows-more" });
        more.addEventListener("click", () => {
          more.disabled = true;
          // The button is rebuilt with the list: focus goes to the new one, or back to the filter at the end.
          void load(true).then(() => (list.querySelector<HTMLElement>("[data-testid=rows-more]") ?? select).focus());
        });
        children.push(h("div", { class: "load-more" }, more));
      }
      list.replaceChildren(...children);
    };
    select.addEventListener("change", () => void load(false));
    list.append(ht("p", "app.loading", { class: "loading" }));
    void load(false);
    return section;
  }

  // past imports ------------------------------------------------------------------

  private async open(importId: string, moveFocus = true): Promise<void> {
    try {
      const item = await importsApi.get(importId);
      this.file = null;
      this.preview = null;
      this.watch(item, moveFocus);
    } catch (error) {
      announceText(problemText(error), "error");
      history.replaceState(null, "", "/contacts/import");
      this.go(can.writeRecords(role()) ? "file" : "report", moveFocus);
    }
  }

  private async loadHistory(more = false): Promise<void> {
    try {
      const page = await importsApi.list({ cursor: more ? (this.historyCursor ?? undefined) : undefined });
      this.history = more ? [...this.history, ...page.data.filter((item) => !this.history.some((known) => known.id === item.id))] : page.data;
      this.historyCursor = page.next_cursor;
    } catch {
      if (!this.historyLoaded) {
        const retry = ht("button", "common.retry", { type: "button", class: "button" });
        retry.addEventListener("click", () => void this.loadHistory());
        this.historyBody.replaceChildren(h("div", { class: "notice error" }, ht("span", "common.loadFailed"), " ", retry));
        return;
      }
    }
    this.historyLoaded = true;
    this.renderHistory();
  }

  private renderHistory(): void {
    if (!this.historyLoaded) return;
    if (this.history.length === 0) {
      this.historyBody.replaceChildren(ht("p", "imports.historyEmpty", { class: "empty" }));
      return;
    }
    const body = h("tbody");
    for (const item of this.history) {
      const open = h("button", { type: "button", class: "button small", "data-testid": "open-import" }, t("imports.openReport"));
      open.setAttribute("aria-label", t("imports.openReportOf", { file: item.file_name }));
      open.addEventListener("click", () => void this.open(item.id));
      const status = item.undone_at ? ht("span", "imports.status.undone", { class: "status status-revoked" }) : ht("span", statusKeys[item.status], { class: `status import-status-${item.status}` });
      body.append(
        h(
          "tr",
          { "data-import-id": item.id },
          h("td", { class: "break", "data-label": t("imports.colFile") }, h("span", {}, h("strong", {}, item.file_name), item.dry_run ? h("span", {}, " ", ht("span", "imports.dryRunBadge", { class: "badge" })) : null)),
          h("td", { class: "nowrap", "data-label": t("imports.colWhen") }, formatDateTime(item.created_at, language(), timeZone())),
          h("td", { "data-label": t("imports.colStatus") }, status),
          h("td", { class: "num", "data-label": t("imports.colRows") }, formatNumber(item.total_rows, language())),
          h("td", { class: "num", "data-label": t("imports.count.created") }, formatNumber(item.counts.created, language())),
          h("td", { class: "num", "data-label": t("imports.count.updated") }, formatNumber(item.counts.updated, language())),
          h("td", { class: "num", "data-label": t("imports.colProblemCount") }, formatNumber(item.counts.invalid + item.counts.duplicates, language())),
          h("td", { class: "actions-col" }, open),
        ),
      );
    }
    const table = h(
      "table",
      { class: "table import-history-table" },
      h(
        "thead",
        {},
        h(
          "tr",
          {},
          ht("th", "imports.colFile", { scope: "col" }),
          ht("th", "imports.colWhen", { scope: "col" }),
          ht("th", "imports.colStatus", { scope: "col" }),
          ht("th", "imports.colRows", { scope: "col", class: "num" }),
          ht("th", "imports.count.created", { scope: "col", class: "num" }),
          ht("th", "imports.count.updated", { scope: "col", class: "num" }),
          ht("th", "imports.colProblemCount", { scope: "col", class: "num" }),
          h("th", { scope: "col" }, h("span", { class: "visually-hidden" }, t("imports.colActions"))),
        ),
      ),
      body,
    );
    const children: Node[] = [h("div", { class: "table-wrap" }, table)];
    if (this.historyCursor) {
      const more = ht("button", "imports.loadMore", { type: "button", class: "button small" });
      more.addEventListener("click", () => void this.loadHistory(true));
      children.push(h("div", { class: "load-more" }, more));
    }
    this.historyBody.replaceChildren(...children);
  }
}

function encodingLabel(encoding: string): string {
  switch (encoding) {
    case "utf-8":
      return "UTF-8";
    case "utf-16le":
      return "UTF-16";
    case "windows-1257":
      return t("imports.encoding1257");
    case "windows-1250":
      return t("imports.encoding1250");
    case "windows-1251":
      return t("imports.encoding1251");
    default:
      return encoding;
  }
}

function uploadIcon(): SVGSVGElement {
  const ns = "http://www.w3.org/2000/svg";
  const svg = document.createElementNS(ns, "svg");
  for (const [name, value] of Object.entries({ viewBox: "0 0 24 24", width: "32", height: "32", fill: "none", stroke: "currentColor", "stroke-width": "1.8", "stroke-linecap": "round", "stroke-linejoin": "round", "aria-hidden": "true", focusable: "false", class: "dropzone-icon" })) {
    svg.setAttribute(name, value);
  }
  const path = document.createElementNS(ns, "path");
  path.setAttribute("d", "M12 16V4m0 0l-4.5 4.5M12 4l4.5 4.5M4 15v3a2 2 0 002 2h12a2 2 0 002-2v-3");
  svg.append(path);
  return svg;
}

customElements.define("rapport-imports", RapportImports);

declare global {
  interface HTMLElementTagNameMap {
    "rapport-imports": RapportImports;
  }
}
