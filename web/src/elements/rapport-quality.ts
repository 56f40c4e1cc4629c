import { ApiError } from "../api/client";
import { isLiveSignal, liveEvent } from "../api/live";
import { type Audit, type Finding, qualityApi } from "../api/quality";
import { bindText, language, languageChanged, t, type MessageKey, type Params } from "../i18n";
import { formatDateTime, formatNumber, formatShortDate } from "../lib/format";
import { can } from "../lib/permissions";
import {
  defaultChartBox,
  type FindingKind,
  findingKinds,
  isRunning,
  latestTwo,
  narrowChartBox,
  parseInactiveDays,
  readDetail,
  scoreBand,
  scoreChange,
  scoreWeights,
  trendGeometry,
  trendPoints,
  trendSummary,
  type TrendPoint,
} from "../lib/quality";
import { role, timeZone } from "../session";
import { h, ht, uid } from "../ui/dom";
import { fieldRow, formMessage, onSubmit, showErrors } from "../ui/forms";
import { emptyState } from "../ui/record-grid";
import { announce, announceText } from "../ui/status";

const svgNs = "http://www.w3.org/2000/svg";

/** An SVG element (h() makes HTML elements); presentation comes from the stylesheet's classes. */
function svg<K extends keyof SVGElementTagNameMap>(tag: K, attributes: Record<string, string | number> = {}, ...children: (Node | string)[]): SVGElementTagNameMap[K] {
  const element = document.createElementNS(svgNs, tag);
  for (const [name, value] of Object.entries(attributes)) element.setAttribute(name, String(value));
  for (const child of children) element.append(typeof child === "string" ? document.createTextNode(child) : child);
  return element;
}

const kindKey = (kind: FindingKind): MessageKey => `quality.kind.${kind}`;
const hintKey = (kind: FindingKind): MessageKey => `quality.hint.${kind}`;

// While an audit runs the page follows it: audit.finished on the live stream usually says when it
// is done; a poll covers a missed event (a reconnecting socket, a closed laptop lid).
const pollEveryMs = 2000;
const pollForMs = 10 * 60_000;
const findingsPerPage = 10;

type KindState = { items: Finding[]; next: string | null; loading: boolean; failed: boolean };

/**
 * Data quality: the latest audit's score with its change, the trend over past audits (an inline
 * SVG line with its numbers in text and as a table), findings per kind with the records that fix
 * them, the per-owner breakdown, how the score is computed, "Run audit now" with live status,
 * and the inactivity threshold.
 */
export class RapportQuality extends HTMLElement {
  private audits: Audit[] = [];
  private current: Audit | null = null;
  private loaded = false;
  private failed = false;
  private owner = "";
  private readonly open = new Set<FindingKind>();
  private readonly kinds = new Map<FindingKind, KindState>();
  private pollTimer: ReturnType<typeof setTimeout> | undefined;
  private pollUntil = 0;
  private following: string | null = null;
  private etag: string | null = null;
  private inactiveDays: number | null = null;

  private readonly runButton = ht("button", "quality.run", { type: "button", class: "button primary", "data-testid": "run-audit" });
  private readonly status = h("p", { class: "quality-status", role: "status", "data-testid": "audit-status" });
  private readonly body = h("div", { class: "quality-body" });
  private readonly settings = h("section", { class: "card-panel quality-settings", "aria-labelledby": "quality-settings-title" });

  private readonly onLive = (event: Event) => {
    if (!isLiveSignal(event)) return;
    const type = event.detail.type;
    if (type === "resync" || type === "audit.finished") void this.load();
  };
  private readonly narrow = window.matchMedia("(max-width: 760px)");
  private readonly onWidth = () => this.render();
  private readonly onLanguage = () => {
    this.render();
    this.showStatus(this.audits.find((audit) => isRunning(audit)) ?? null);
    this.renderSettings(true);
  };

  connectedCallback(): void {
    this.runButton.addEventListener("click", () => void this.run());
    this.replaceChildren(
      h(
        "div",
        { class: "page-head" },
        h("div", {}, ht("h1", "quality.title"), ht("p", "quality.lead", { class: "lead" })),
        h("div", { class: "page-actions quality-actions" }, can.writeRecords(role()) ? this.runButton : null),
      ),
      this.status,
      this.body,
      this.settings,
    );
    this.body.append(ht("p", "app.loading", { class: "loading" }));
    window.addEventListener(liveEvent, this.onLive);
    window.addEventListener(languageChanged, this.onLanguage);
    this.narrow.addEventListener("change", this.onWidth);
    void this.load();
    void this.loadSettings();
  }

  disconnectedCallback(): void {
    window.removeEventListener(liveEvent, this.onLive);
    window.removeEventListener(languageChanged, this.onLanguage);
    this.narrow.removeEventListener("change", this.onWidth);
    clearTimeout(this.pollTimer);
  }

  // ------------------------------------------------------------------ data

  private async load(): Promise<void> {
    try {
      const page = await qualityApi.audits({ limit: 30 });
      this.audits = page.data;
      this.failed = false;
    } catch {
      this.failed = !this.loaded;
    }
    this.loaded = true;
    const running = this.audits.find((audit) => isRunning(audit)) ?? null;
    // The audit this page started or saw running has ended (by live event or poll): say how.
    const followed = this.following ? this.audits.find((audit) => audit.id === this.following) : undefined;
    if (followed && !isRunning(followed)) {
      this.following = null;
      this.announceEnd(followed);
    }
    const { latest } = latestTwo(this.audits);
    const latestAudit = latest ? (this.audits.find((audit) => audit.id === latest.id) ?? null) : null;
    // A new finished audit invalidates the records shown under each kind.
    if (latestAudit?.id !== this.current?.id) this.kinds.clear();
    this.current = latestAudit;
    this.render();
    this.showStatus(running);
    if (running) this.follow();
    for (const kind of this.open) if (!this.kinds.has(kind)) void this.loadKind(kind);
  }

  private async run(): Promise<void> {
    this.runButton.disabled = true;
    try {
      const audit = await qualityApi.runAudit();
      this.audits = [audit, ...this.audits.filter((known) => known.id !== audit.id)];
      this.showStatus(audit);
      this.follow();
    } catch (error) {
      this.runButton.disabled = false;
      announceText(error instanceof Error ? error.message : t("error.generic"), "error");
    }
  }

  /** Polls the newest in-flight audit until it finishes; audit.finished usually gets there first. */
  private follow(): void {
    this.following = this.audits.find((audit) => isRunning(audit))?.id ?? this.following;
    this.pollUntil = Date.now() + pollForMs;
    clearTimeout(this.pollTimer);
    this.pollTimer = setTimeout(() => void this.poll(), pollEveryMs);
  }

  private async poll(): Promise<void> {
    clearTimeout(this.pollTimer);
    const running = this.audits.find((audit) => isRunning(audit));
    if (!running || !this.isConnected) return;
    try {
      const fresh = await qualityApi.audit(running.id);
      this.audits = this.audits.map((audit) => (audit.id === fresh.id ? fresh : audit));
      if (!isRunning(fresh)) {
        await this.load();
        return;
      }
      this.showStatus(fresh);
    } catch {
      // A failed poll is tried again on the next tick; the audit itself is unaffected.
    }
    if (Date.now() < this.pollUntil && this.isConnected) this.pollTimer = setTimeout(() => void this.poll(), pollEveryMs);
  }

  private announceEnd(audit: Audit): void {
    if (audit.status === "done" && audit.score !== null) announce("quality.finished", { score: audit.score });
    else if (audit.status === "failed") announce("quality.failed", undefined, "error");
  }

  private async loadKind(kind: FindingKind, more = false): Promise<void> {
    const audit = this.current;
    if (!audit) return;
    const state: KindState = this.kinds.get(kind) ?? { items: [], next: null, loading: false, failed: false };
    if (state.loading) return;
    const shown = state.items.length;
    state.loading = true;
    this.kinds.set(kind, state);
    try {
      const page = await qualityApi.findings(audit.id, {
        kind,
        limit: findingsPerPage,
        ...(this.owner ? { owner_id: this.owner } : {}),
        ...(more && state.next ? { cursor: state.next } : {}),
      });
      if (audit.id !== this.current?.id) return;
      state.items = more ? [...state.items, ...page.data] : page.data;
      state.next = page.next_cursor;
      state.failed = false;
    } catch {
      state.failed = true;
    } finally {
      state.loading = false;
    }
    this.renderKindBody(kind, more ? shown : undefined);
  }

  // ------------------------------------------------------------------ status

  private showStatus(running: Audit | null): void {
    this.runButton.disabled = running !== null;
    const say = (state: string, key: MessageKey | null, params?: Params) => {
      this.status.dataset.state = state;
      this.status.replaceChildren(...(key ? [ht("span", key, {}, params)] : []));
    };
    if (running) {
      if (running.status === "queued") say("queued", "quality.queued");
      else say("running", "quality.running", { count: formatNumber(running.contact_count, language()) });
      return;
    }
    if (this.audits[0]?.status === "failed") {
      say("failed", "quality.failed");
      return;
    }
    if (!this.current) {
      say("idle", null);
      return;
    }
    say("idle", "quality.lastAudit", {
      date: formatDateTime(this.current.finished_at ?? this.current.created_at, language(), timeZone()),
      trigger: t(`quality.trigger.${this.current.trigger}`),
    });
  }

  // ------------------------------------------------------------------ render

  private render(): void {
    if (!this.loaded) return;
    if (this.failed) {
      const retry = ht("button", "common.retry", { type: "button", class: "button" });
      retry.addEventListener("click", () => void this.load());
      this.body.replaceChildren(h("div", { class: "notice error" }, ht("span", "common.loadFailed"), " ", retry));
      return;
    }
    const audit = this.current;
    if (!audit) {
      const actions: Node[] = [];
      if (can.writeRecords(role())) {
        const start = ht("button", "quality.run", { type: "button", class: "button primary" });
        start.addEventListener("click", () => void this.run());
        actions.push(start);
      }
      this.body.replaceChildren(emptyState("quality.emptyTitle", "quality.emptyLead", actions));
      return;
    }
    // Re-rendering must not throw a keyboard user back to the top of the page.
    const focused = this.querySelector<HTMLElement>(":focus");
    const focusKey = focused?.dataset.focusKey ?? null;
    const points = trendPoints(this.audits);
    this.body.replaceChildren(
      h("div", { class: "quality-top" }, this.scoreCard(audit), this.trendCard(points)),
      this.findingsCard(audit),
      this.ownersCard(audit),
      this.howCard(audit),
    );
    for (const kind of findingKinds) this.renderKindBody(kind);
    if (focusKey) this.body.querySelector<HTMLElement>(`[data-focus-key="${CSS.escape(focusKey)}"]`)?.focus();
  }

  private scoreCard(audit: Audit): HTMLElement {
    const score = audit.score ?? 0;
    const band = scoreBand(score);
    const { previous } = latestTwo(this.audits);
    const change = scoreChange(score, previous?.score ?? null);
    const changeText = change ? ht("p", change.direction === "up" ? "quality.changeUp" : change.direction === "down" ? "quality.changeDown" : "quality.changeSame", { class: `score-change ${change.direction}`, "data-testid": "score-change" }, { amount: change.amount }) : null;
    return h(
      "section",
      { class: "card-panel quality-score", "aria-labelledby": "quality-score-title" },
      ht("h2", "quality.scoreTitle", { id: "quality-score-title" }),
      h(
        "p",
        { class: `score-figure band-${band}`, "data-testid": "quality-score" },
        h("span", { class: "score-number" }, String(score)),
        h("span", { class: "score-of" }, " / 100"),
      ),
      ht("p", `quality.band.${band}`, { class: `badge score-band band-${band}` }),
      changeText,
      ht("p", "quality.checked", { class: "muted" }, { contacts: formatNumber(audit.contact_count, language()), deals: formatNumber(audit.deal_count, language()) }),
    );
  }

  private trendCard(points: TrendPoint[]): HTMLElement {
    const locale = language();
    const zone = timeZone();
    const date = (iso: string) => formatShortDate(iso, locale, zone);
    const summary = trendSummary(points);
    const summaryText =
      summary === null
        ? ""
        : summary.count === 1
          ? t("quality.trendSingle", { score: summary.last.score, date: date(summary.last.at) })
          : t("quality.trendSummary", {
              count: summary.count,
              first: summary.first.score,
              firstDate: date(summary.first.at),
              last: summary.last.score,
              lastDate: date(summary.last.at),
              min: summary.min,
              max: summary.max,
            });
    const titleId = uid("trend-title");
    const descId = uid("trend-desc");
    // A narrower drawing on a phone, so the axis labels stay readable once the SVG is scaled down.
    const box = this.narrow.matches ? narrowChartBox : defaultChartBox;
    const { path, dots, ticks } = trendGeometry(points, box);
    const chart = svg(
      "svg",
      { viewBox: `0 0 ${box.width} ${box.height}`, class: "trend-chart", role: "img", "aria-labelledby": `${titleId} ${descId}`, preserveAspectRatio: "xMidYMid meet", "data-testid": "trend-chart" },
      svg("title", { id: titleId }, t("quality.chartLabel")),
      svg("desc", { id: descId }, summaryText),
    );
    for (const tick of ticks) {
      chart.append(
        svg("line", { x1: box.left, x2: box.width - box.right, y1: tick.y, y2: tick.y, class: "trend-grid" }),
        svg("text", { x: box.left - 6, y: tick.y + 4, class: "trend-tick", "text-anchor": "end" }, String(tick.value)),
      );
    }
    if (dots.length > 1) chart.append(svg("path", { d: path, class: "trend-line", fill: "none" }));
    for (const dot of dots) {
      chart.append(svg("circle", { cx: dot.x, cy: dot.y, r: 4, class: `trend-dot band-${scoreBand(dot.point.score)}` }, svg("title", {}, `${dot.point.score} · ${date(dot.point.at)}`)));
    }
    const rows = [...points].reverse().map((point) =>
      h(
        "tr",
        {},
        h("td", {}, h("time", { datetime: point.at }, formatDateTime(point.at, locale, zone))),
        h("td", {}, t(`quality.trigger.${point.trigger}`)),
        h("td", { class: "num" }, String(point.score)),
      ),
    );
    const table = h(
      "details",
      { class: "trend-table" },
      ht("summary", "quality.trendTable", { "data-focus-key": "trend-table" }),
      h(
        "div",
        { class: "table-scroll" },
        h(
          "table",
          { class: "grid quality-table", "data-testid": "trend-table" },
          bindText(h("caption", { class: "visually-hidden" }), "quality.trendTitle"),
          h("thead", {}, h("tr", {}, ht("th", "quality.colDate", { scope: "col" }), ht("th", "quality.colRun", { scope: "col" }), ht("th", "quality.colScore", { scope: "col", class: "num" }))),
          h("tbody", {}, ...rows),
        ),
      ),
    );
    return h(
      "section",
      { class: "card-panel quality-trend", "aria-labelledby": "quality-trend-title" },
      ht("h2", "quality.trendTitle", { id: "quality-trend-title" }),
      h("figure", { class: "trend-figure" }, chart, h("figcaption", { class: "muted", "data-testid": "trend-summary" }, summaryText)),
      table,
    );
  }

  private ownerCounts(audit: Audit): Partial<Record<FindingKind, number>> {
    if (this.owner === "") return audit.totals;
    const entry = audit.per_owner.find((owner) => (this.owner === "none" ? owner.owner_id === null : owner.owner_id === this.owner));
    return entry?.findings ?? {};
  }

  private ownerLabel(owner: Audit["per_owner"][number]): string {
    if (owner.owner_id === null) return t("quality.nobody");
    return owner.owner_name ?? t("quality.formerMember");
  }

  private findingsCard(audit: Audit): HTMLElement {
    const selectId = uid("quality-owner");
    const select = h("select", { id: selectId, class: "chip-select", "data-testid": "owner-filter", "data-focus-key": "owner-filter" });
    select.append(ht("option", "quality.everyone", { value: "" }));
    for (const owner of audit.per_owner) {
      if (owner.owner_id === null) continue;
      select.append(h("option", { value: owner.owner_id }, this.ownerLabel(owner)));
    }
    if (audit.per_owner.some((owner) => owner.owner_id === null)) select.append(ht("option", "quality.nobody", { value: "none" }));
    select.value = this.owner;
    if (select.value !== this.owner) this.owner = "";
    select.addEventListener("change", () => {
      this.owner = select.value;
      this.kinds.clear();
      this.render();
      for (const kind of this.open) void this.loadKind(kind);
    });
    const counts = this.ownerCounts(audit);
    const list = h("ul", { class: "finding-kinds", "data-testid": "finding-kinds" });
    for (const kind of findingKinds) list.append(this.kindRow(kind, counts[kind] ?? 0, audit));
    return h(
      "section",
      { class: "card-panel quality-findings", "aria-labelledby": "quality-findings-title" },
      h("div", { class: "section-head" }, ht("h2", "quality.findingsTitle", { id: "quality-findings-title" }), h("div", { class: "field inline" }, ht("label", "quality.findingsFor", { for: selectId }), select)),
      list,
    );
  }

  private kindLabel(kind: FindingKind, audit: Audit): string {
    return t(kindKey(kind), { days: audit.inactive_days });
  }

  private kindRow(kind: FindingKind, count: number, audit: Audit): HTMLElement {
    const label = this.kindLabel(kind, audit);
    if (count === 0) {
      return h(
        "li",
        { class: "finding-kind clear", "data-kind": kind, "data-testid": `kind-${kind}` },
        h("div", { class: "finding-summary" }, h("span", { class: "kind-name" }, label), h("span", { class: "badge count ok", "data-testid": "kind-count" }, "0")),
      );
    }
    const details = h("details", { class: "finding-kind", "data-kind": kind, "data-testid": `kind-${kind}`, open: this.open.has(kind) });
    const summary = h(
      "summary",
      { "data-focus-key": `kind-${kind}` },
      h("span", { class: "kind-name" }, label),
      h("span", { class: "badge count", "data-testid": "kind-count" }, formatNumber(count, language())),
    );
    const body = h("div", { class: "finding-body", "data-body": kind });
    details.append(summary, body);
    details.addEventListener("toggle", () => {
      if (details.open) {
        this.open.add(kind);
        if (!this.kinds.has(kind)) void this.loadKind(kind);
      } else this.open.delete(kind);
    });
    return h("li", {}, details);
  }

  private renderKindBody(kind: FindingKind, focusFrom?: number): void {
    const body = this.body.querySelector<HTMLElement>(`[data-body="${kind}"]`);
    const audit = this.current;
    if (!body || !audit) return;
    const state = this.kinds.get(kind);
    const parts: Node[] = [ht("p", hintKey(kind), { class: "hint" })];
    if (kind === "open_duplicates") parts.push(h("p", {}, ht("a", "quality.reviewDuplicates", { href: "/duplicates", class: "button", "data-testid": "review-duplicates" })));
    if (!state || (state.loading && state.items.length === 0)) parts.push(ht("p", "app.loading", { class: "loading" }));
    else if (state.failed && state.items.length === 0) parts.push(ht("p", "common.loadFailed", { class: "notice error" }));
    else {
      const list = h("ul", { class: "finding-list", "data-testid": "finding-list" });
      for (const finding of state.items) list.append(this.findingItem(finding));
      if (state.items.length === 0) list.append(ht("li", "quality.noFindings", { class: "empty" }));
      parts.push(list);
      if (state.next) {
        const more = ht("button", "quality.loadMore", { type: "button", class: "button subtle", "data-focus-key": `more-${kind}` });
        more.addEventListener("click", () => void this.loadKind(kind, true));
        parts.push(more);
      }
    }
    const active = document.activeElement;
    const hadFocus = active instanceof HTMLElement && body.contains(active) ? (active.dataset.focusKey ?? null) : null;
    body.replaceChildren(...parts);
    // After "Show more" the keyboard lands on the first record it added; otherwise it stays put.
    const firstNew = focusFrom === undefined ? null : body.querySelectorAll<HTMLElement>(".finding-list a")[focusFrom];
    if (firstNew) firstNew.focus();
    else if (hadFocus) body.querySelector<HTMLElement>(`[data-focus-key="${CSS.escape(hadFocus)}"]`)?.focus();
  }

  private findingItem(finding: Finding): HTMLElement {
    const label = finding.label ?? t("quality.gone");
    const reading = readDetail(finding.kind, finding.detail);
    let detail: HTMLElement | null = null;
    if (reading.kind === "text") detail = h("span", { class: "finding-detail mono" }, reading.text);
    else if (reading.kind === "days") detail = ht("span", "quality.detailDays", { class: "finding-detail" }, { days: formatNumber(reading.days, language()) });
    else if (reading.kind === "members") detail = ht("span", "quality.detailMembers", { class: "finding-detail" }, { count: reading.count });
    else if (reading.kind === "former_member") detail = ht("span", "quality.detailFormerMember", { class: "finding-detail" });
    return h("li", { "data-entity": finding.entity_id }, h("a", { href: finding.link, "data-focus-key": `finding-${finding.kind}-${finding.entity_id}` }, label), detail ? " " : null, detail);
  }

  private ownersCard(audit: Audit): HTMLElement {
    const locale = language();
    const rows = audit.per_owner.map((owner) =>
      h(
        "tr",
        { "data-owner": owner.owner_id ?? "none", "data-testid": "owner-row" },
        h("th", { scope: "row" }, this.ownerLabel(owner)),
        h("td", { class: "num" }, formatNumber(owner.contacts, locale)),
        h("td", { class: "num" }, formatNumber(owner.deals, locale)),
        h("td", { class: "num" }, formatNumber(owner.records, locale)),
        h("td", { class: "num" }, h("span", { class: `badge score-band band-${scoreBand(owner.score)}` }, String(owner.score))),
      ),
    );
    return h(
      "section",
      { class: "card-panel flush quality-owners", "aria-labelledby": "quality-owners-title" },
      ht("h2", "quality.byOwnerTitle", { id: "quality-owners-title", class: "flush-title" }),
      h(
        "div",
        { class: "table-scroll" },
        h(
          "table",
          { class: "grid quality-table", "data-testid": "owners" },
          bindText(h("caption", { class: "visually-hidden" }), "quality.byOwnerTitle"),
          h(
            "thead",
            {},
            h(
              "tr",
              {},
              ht("th", "quality.colOwner", { scope: "col" }),
              ht("th", "quality.colContacts", { scope: "col", class: "num" }),
              ht("th", "quality.colDeals", { scope: "col", class: "num" }),
              ht("th", "quality.colRecords", { scope: "col", class: "num" }),
              ht("th", "quality.colScore", { scope: "col", class: "num" }),
            ),
          ),
          h("tbody", {}, ...rows),
        ),
      ),
    );
  }

  private howCard(audit: Audit): HTMLElement {
    const rows = findingKinds.map((kind) => h("tr", {}, h("td", {}, this.kindLabel(kind, audit)), h("td", { class: "num" }, String(scoreWeights[kind]))));
    return h(
      "section",
      { class: "card-panel quality-how" },
      h(
        "details",
        {},
        ht("summary", "quality.howTitle", { "data-focus-key": "how" }),
        ht("p", "quality.howText"),
        h("p", {}, bindText(h("code", { class: "formula" }), "quality.formula")),
        h(
          "div",
          { class: "table-scroll" },
          h(
            "table",
            { class: "grid quality-table weights" },
            bindText(h("caption", { class: "visually-hidden" }), "quality.howTitle"),
            h("thead", {}, h("tr", {}, ht("th", "quality.colCheck", { scope: "col" }), ht("th", "quality.colWeight", { scope: "col", class: "num" }))),
            h("tbody", {}, ...rows),
          ),
        ),
      ),
    );
  }

  // ------------------------------------------------------------------ settings

  private async loadSettings(): Promise<void> {
    try {
      const { data, etag } = await qualityApi.workspace();
      this.inactiveDays = data.quality_inactive_days;
      this.etag = etag;
    } catch {
      this.inactiveDays = null;
    }
    this.renderSettings();
  }

  private renderSettings(keepDraft = false): void {
    if (this.inactiveDays === null) {
      this.settings.replaceChildren(ht("h2", "quality.settingsTitle", { id: "quality-settings-title" }), ht("p", "common.loadFailed", { class: "notice error" }));
      return;
    }
    const editable = can.editWorkspace(role());
    const previous = keepDraft ? this.settings.querySelector<HTMLInputElement>("input[name=quality_inactive_days]")?.value : undefined;
    const id = uid("f-inactive");
    const input = h("input", {
      id,
      name: "quality_inactive_days",
      type: "number",
      inputmode: "numeric",
      min: "1",
      max: "3650",
      step: "1",
      required: true,
      readonly: !editable,
      "data-testid": "inactive-days",
    });
    input.value = previous ?? String(this.inactiveDays);
    const form = h("form", { class: "stack quality-settings-form", "aria-labelledby": "quality-settings-title" }, formMessage(), fieldRow(id, "quality.inactiveDays", input, "quality.inactiveHint"));
    if (editable) form.append(h("div", { class: "actions" }, ht("button", "quality.save", { type: "submit", class: "button primary" })));
    onSubmit(form, async () => {
      const days = parseInactiveDays(input.value);
      if (days === null) {
        // Checked here first, in the reader's language; the server checks the same range.
        const slot = input.dataset.errorId ? document.getElementById(input.dataset.errorId) : null;
        input.setAttribute("aria-invalid", "true");
        if (slot) {
          bindText(slot, "quality.inactiveInvalid");
          slot.hidden = false;
        }
        input.focus();
        return;
      }
      try {
        const { data, etag } = await qualityApi.setInactiveDays(days, this.etag);
        this.inactiveDays = data.quality_inactive_days;
        this.etag = etag;
        this.renderSettings();
        announce("quality.saved", { days: data.quality_inactive_days });
      } catch (error) {
        if (error instanceof ApiError && error.code === "version_mismatch") {
          await this.loadSettings();
          announce("quality.stale", undefined, "error");
          return;
        }
        showErrors(form, error);
      }
    });
    const parts: HTMLElement[] = [ht("h2", "quality.settingsTitle", { id: "quality-settings-title" })];
    if (!editable) parts.push(ht("p", "quality.readOnly", { class: "notice" }));
    this.settings.replaceChildren(...parts, form);
  }
}

customElements.define("rapport-quality", RapportQuality);

declare global {
  interface HTMLElementTagNameMap {
    "rapport-quality": RapportQuality;
  }
}
