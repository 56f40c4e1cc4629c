import type { Board, BoardColumn, Deal } from "../../../workers/deals/deal.schema";
import type { Pipeline } from "../../../workers/pipelines/pipeline.schema";
import type { Member } from "../../../workers/team/member.schema";
import { ApiError, api } from "../api/client";
import { decodeDeal } from "../api/decoders";
import { isLiveSignal, isPresenceSignal, liveEvent, presenceEvent, watch } from "../api/live";
import { bindAttribute, language, languageChanged, t } from "../i18n";
import {
  type Anchor,
  anchorAt,
  applyDealEvent,
  boardTags,
  type BoardFilters,
  daysInStage,
  filterBoard,
  findDeal,
  isNewerThanSnapshot,
  isRotting,
  keyboardTarget,
  type MoveKey,
  moveLocally,
  othersIn,
  placeDeal,
  type Rates,
  ratesInForce,
  type Slot,
} from "../lib/board";
import { formatMoney, parseMoneyInput } from "../lib/format";
import { othersPresent, watchTarget } from "../lib/live-frame";
import { can } from "../lib/permissions";
import { navigate } from "../router";
import { currentMe, role } from "../session";
import { h, ht } from "../ui/dom";
import { formMessage, inputField, onSubmit, selectField, valueOf } from "../ui/forms";
import { members, ownerName } from "../ui/members";
import { announce, announceText } from "../ui/status";
import { avatar } from "./rapport-contacts";
import { exportMenu } from "./rapport-export-menu";
import { dealExportQuery } from "../lib/exports";

const moveKeys: readonly string[] = ["ArrowUp", "ArrowDown", "ArrowLeft", "ArrowRight", "Home", "End"];
const isMoveKey = (key: string): key is MoveKey => moveKeys.includes(key);

/** "3 days" in the reader's language, plural rules included. */
export function formatDays(days: number, locale: string): string {
  return new Intl.NumberFormat(locale, { style: "unit", unit: "day", unitDisplay: "long" }).format(days);
}

/** Presence chips: the other people looking at the same board or deal. */
export function presenceList(userIds: readonly string[], team: readonly Member[]): HTMLElement {
  const others = othersPresent(userIds, currentMe()?.user?.id ?? null);
  const list = h("ul", { class: "presence", "data-testid": "presence", hidden: others.length === 0 });
  for (const id of others) {
    const name = ownerName(team, id) || id;
    list.append(h("li", { title: name }, avatar(name, true), h("span", { class: "presence-name" }, name)));
  }
  return h("div", { class: "presence-wrap" }, others.length ? ht("span", "pipeline.alsoHere", { class: "presence-label" }) : null, list);
}

type Lifted = { dealId: string; origin: Slot; slot: Slot };
type Drag = { dealId: string; pointerId: number; startX: number; startY: number; active: boolean; ghost: HTMLElement | null; target: { stageId: string; index: number } | null };

/**
 * The kanban board of one pipeline. `board` is the server's truth (snapshot plus live events);
 * moves in flight are laid over it until the server answers, so the person dragging never sees
 * a card jump back, and everyone else sees the move as soon as the event arrives.
 */
export class RapportPipeline extends HTMLElement {
  private pipelines: Pipeline[] = [];
  private board: Board | null = null;
  private rates: Rates = new Map();
  private team: Member[] = [];
  private filters: BoardFilters = { owner: "", tag: "" };
  private pending = new Map<string, { stageId: string; anchor: Anchor }>();
  private lifted: Lifted | null = null;
  private drag: Drag | null = null;
  private buffered: { type: string; id: string; seq: number; data: Record<string, unknown> }[] = [];
  private loading = false;
  private rendering = false;
  private viewers: string[] = [];
  private readonly boardEl = h("div", { class: "board", "data-testid": "board" });
  private readonly presenceSlot = h("div", { class: "presence-slot" });
  private readonly summary = h("p", { class: "board-summary" });
  private readonly instructionsId = "board-instructions";
  private readonly onLanguage = () => this.renderAll();
  private readonly onLive = (event: Event) => {
    if (!isLiveSignal(event)) return;
    const signal = event.detail;
    if (signal.type === "resync" || signal.type === "pipeline.changed") {
      void this.load(false);
      return;
    }
    if (!signal.type.startsWith("deal.")) return;
    if (this.loading || !this.board) {
      this.buffered.push(signal);
      return;
    }
    this.applyEvent(signal);
  };
  private readonly onPresence = (event: Event) => {
    if (!isPresenceSignal(event) || !this.board || event.detail.target !== watchTarget("pipeline", this.board.pipeline_id)) return;
    this.viewers = event.detail.users;
    this.presenceSlot.replaceChildren(presenceList(this.viewers, this.team));
  };

  connectedCallback(): void {
    window.addEventListener(languageChanged, this.onLanguage);
    window.addEventListener(liveEvent, this.onLive);
    window.addEventListener(presenceEvent, this.onPresence);
    this.replaceChildren(ht("p", "app.loading", { class: "loading" }));
    void this.load(true);
  }

  disconnectedCallback(): void {
    window.removeEventListener(languageChanged, this.onLanguage);
    window.removeEventListener(liveEvent, this.onLive);
    window.removeEventListener(presenceEvent, this.onPresence);
    this.endDrag();
    watch(null);
  }

  private get pipelineId(): string {
    return this.getAttribute("pipeline-id") ?? "";
  }

  private async load(first: boolean): Promise<void> {
    this.loading = true;
    try {
      if (first) {
        const [list, team, rates] = await Promise.all([api.pipelines(), members(), api.exchangeRates().catch(() => ({ base_currency: "", rates: [] }))]);
        this.pipelines = list.data;
        this.team = team;
        this.rates = ratesInForce(rates.rates, new Date().toISOString().slice(0, 10));
      } else {
        this.pipelines = (await api.pipelines()).data;
      }
      const pipeline = this.pipelines.find((candidate) => candidate.id === this.pipelineId) ?? this.pipelines.find((candidate) => candidate.is_default) ?? this.pipelines[0];
      if (!pipeline) {
        this.replaceChildren(h("section", { class: "card-panel" }, ht("p", "pipeline.none", { class: "empty" })));
        return;
      }
      this.board = await api.board(pipeline.id);
      watch(watchTarget("pipeline", pipeline.id));
    } catch {
      if (first) this.replaceChildren(h("section", { class: "card-panel" }, ht("p", "common.loadFailed", { class: "notice error" })));
      return;
    } finally {
      this.loading = false;
    }
    const buffered = this.buffered;
    this.buffered = [];
    for (const event of buffered) this.applyEvent(event, false);
    if (first || !this.isConnectedShell()) this.renderAll();
    else this.renderBoard();
  }

  private isConnectedShell(): boolean {
    return this.contains(this.boardEl);
  }

  private applyEvent(event: { type: string; id: string; seq: number; data: Record<string, unknown> }, render = true): void {
    const board = this.board;
    if (!board || !isNewerThanSnapshot(board, event.seq)) return;
    let deal: Deal | null = null;
    if (event.type !== "deal.deleted") {
      try {
        deal = decodeDeal(event.data);
      } catch {
        void this.load(false);
        return;
      }
    }
    const next = applyDealEvent(board, event.type, event.id, deal, this.rates);
    this.board = { ...(next ?? board), seq: event.seq };
    if (next && render) this.renderBoard();
  }

  /** The board as shown: the server's state, moves in flight, the lifted card, then the filters. */
  private view(): Board | null {
    if (!this.board) return null;
    let view = this.board;
    for (const [dealId, move] of this.pending) view = moveLocally(view, dealId, move.stageId, move.anchor, this.rates);
    view = filterBoard(view, this.filters, this.rates);
    if (this.lifted) {
      const column = view.columns[this.lifted.slot.stageIndex];
      if (column) view = moveLocally(view, this.lifted.dealId, column.id, anchorAt(othersIn(column, this.lifted.dealId), this.lifted.slot.index), this.rates);
    }
    return view;
  }

  private renderAll(): void {
    const board = this.board;
    if (!board) return;
    const pipeline = this.pipelines.find((candidate) => candidate.id === board.pipeline_id);
    const actions = h("div", { class: "page-actions" });
    if (this.pipelines.length > 1) {
      const { row, select } = selectField("pipeline", "pipeline.choose", this.pipelines.map((p) => ({ value: p.id, label: p.name })), board.pipeline_id);
      row.classList.add("inline-select");
      select.addEventListener("change", () => navigate(`/pipeline/${select.value}`));
      actions.append(row);
    }
    // The deals of this pipeline as the board filters them (the tag filter cannot travel; the menu says so).
    actions.append(exportMenu("deals", () => dealExportQuery(board.pipeline_id, this.filters).query, () => dealExportQuery(board.pipeline_id, this.filters).partial));
    if (can.editWorkspace(role())) actions.append(ht("a", "pipeline.editStages", { class: "button subtle", href: `/settings/pipelines?pipeline=${board.pipeline_id}` }));
    const head = h(
      "div",
      { class: "page-head" },
      h("div", {}, h("h1", {}, pipeline?.name ?? t("pipeline.title")), this.summary),
      h("div", { class: "page-actions" }, this.presenceSlot, actions),
    );
    this.presenceSlot.replaceChildren(presenceList(this.viewers, this.team));
    this.replaceChildren(head, this.toolbar(board), ht("p", "pipeline.instructions", { id: this.instructionsId, class: "hint board-hint" }), this.boardEl);
    this.renderBoard();
  }

  private toolbar(board: Board): HTMLElement {
    const owners = [
      { value: "", key: "pipeline.anyOwner" as const },
      { value: "none", key: "pipeline.noOwner" as const },
      ...[...this.team].sort((a, b) => a.name.localeCompare(b.name)).map((member) => ({ value: member.user_id, label: member.name })),
    ];
    const owner = selectField("owner", "pipeline.owner", owners, this.filters.owner);
    const tags = [{ value: "", key: "pipeline.anyTag" as const }, ...boardTags(board).map((tag) => ({ value: tag, label: tag }))];
    const tag = selectField("tag", "pipeline.tag", tags, this.filters.tag);
    for (const { select } of [owner, tag]) {
      select.classList.add("chip-select");
      select.addEventListener("change", () => {
        this.filters = { owner: owner.select.value, tag: tag.select.value };
        owner.select.dataset.active = String(owner.select.value !== "");
        tag.select.dataset.active = String(tag.select.value !== "");
        this.renderBoard();
      });
    }
    const filters = bindAttribute(h("div", { class: "board-filters", role: "group" }, owner.row, tag.row), "aria-label", "pipeline.filters");
    const bar = h("div", { class: "board-toolbar" }, filters);
    if (can.writeRecords(role())) bar.append(this.quickAdd(board));
    return bar;
  }

  private quickAdd(board: Board): HTMLElement {
    const title = inputField({ name: "title", label: "pipeline.dealTitle", required: true, autocomplete: "off" });
    const value = inputField({ name: "value", label: "pipeline.value", inputmode: "decimal", autocomplete: "off", placeholder: "0" });
    const openStages = board.columns.filter((column) => column.kind === "open");
    const stage = selectField("stage_id", "pipeline.stage", openStages.map((column) => ({ value: column.id, label: column.name })), openStages[0]?.id ?? "");
    const submit = ht("button", "pipeline.add", { type: "submit", class: "button primary" });
    const form = h("form", { class: "quick-add", "data-testid": "quick-add" }, title.row, value.row, stage.row, h("div", { class: "quick-add-actions" }, submit), formMessage());
    form.prepend(ht("h2", "pipeline.quickAdd", { class: "visually-hidden" }));
    onSubmit(form, async () => {
      const currency = board.base_currency;
      const text = valueOf(form, "value").trim();
      const minor = text === "" ? 0 : parseMoneyInput(text, currency);
      if (minor === null) throw new ApiError(422, "validation_failed", t("field.amount"), { value: t("field.amount") }, [], null);
      const deal = await api.createDeal({ title: valueOf(form, "title"), value: minor, currency, pipeline_id: board.pipeline_id, stage_id: valueOf(form, "stage_id") });
      if (this.board) this.board = placeDeal(this.board, deal, this.rates);
      this.renderBoard();
      title.input.value = "";
      value.input.value = "";
      title.input.focus();
      announce("pipeline.added", { title: deal.title });
    });
    return form;
  }

  private money(amount: number, currency: string): string {
    return formatMoney({ amount, currency }, language());
  }

  private renderBoard(): void {
    const view = this.view();
    if (!view || this.drag?.active) return;
    const focusedId = document.activeElement instanceof HTMLElement ? document.activeElement.closest<HTMLElement>(".deal-card")?.dataset.dealId : undefined;
    const locale = language();
    const now = Date.now();
    let weighted = 0;
    const columns = view.columns.map((column, stageIndex) => {
      weighted += column.weighted_total;
      return this.columnEl(column, stageIndex, view.base_currency, locale, now);
    });
    this.summary.replaceChildren(h("span", {}, `${t("pipeline.weighted")}: `, h("strong", { "data-testid": "board-weighted" }, this.money(weighted, view.base_currency))));
    if (view.missing_rates.length) this.summary.append(h("span", { class: "warning" }, t("pipeline.missingRates", { currencies: view.missing_rates.join(", ") })));
    const list = h("ol", { class: "board-columns" }, ...columns);
    bindAttribute(list, "aria-label", "pipeline.board");
    // Replacing the focused card blurs it; that blur is the re-render, not the user leaving.
    this.rendering = true;
    try {
      this.boardEl.replaceChildren(list);
      if (focusedId) this.boardEl.querySelector<HTMLElement>(`.deal-card[data-deal-id="${CSS.escape(focusedId)}"]`)?.focus({ preventScroll: false });
    } finally {
      this.rendering = false;
    }
  }

  private columnEl(column: BoardColumn, stageIndex: number, base: string, locale: string, now: number): HTMLElement {
    const headingId = `stage-${column.id}`;
    const cards = h("ul", { class: "deal-list", "aria-labelledby": headingId, "data-stage-id": column.id });
    for (const deal of column.deals) cards.append(h("li", {}, this.cardEl(deal, column, stageIndex, locale, now)));
    if (column.deals.length === 0) cards.append(h("li", { class: "deal-empty" }, t("pipeline.empty")));
    const percent = new Intl.NumberFormat(locale, { style: "percent" }).format(column.probability / 100);
    return h(
      "li",
      { class: `board-column kind-${column.kind}`, "data-stage-id": column.id, "data-testid": `column-${column.name}` },
      h(
        "div",
        { class: "column-head" },
        h("h2", { id: headingId }, h("span", { class: "column-name" }, column.name), " ", h("span", { class: "column-count", "data-testid": "column-count", title: t("pipeline.count") }, String(column.count))),
        h(
          "dl",
          { class: "column-totals" },
          h("div", {}, h("dt", {}, t("pipeline.total")), h("dd", { "data-testid": "column-total" }, this.money(column.total, base))),
          h("div", {}, h("dt", {}, `${t("pipeline.weighted")} · ${percent}`), h("dd", { "data-testid": "column-weighted" }, this.money(column.weighted_total, base))),
        ),
      ),
      cards,
    );
  }

  private cardEl(deal: Deal, column: BoardColumn, stageIndex: number, locale: string, now: number): HTMLElement {
    const days = daysInStage(deal, now);
    const rotting = isRotting(deal, column, now);
    const lifted = this.lifted?.dealId === deal.id;
    const owner = ownerName(this.team, deal.owner_id);
    const people = [deal.primary_contact?.name, deal.company?.name].filter((name): name is string => Boolean(name));
    const card = h(
      "div",
      {
        class: `deal-card${rotting ? " rotting" : ""}${lifted ? " lifted" : ""}${this.pending.has(deal.id) ? " saving" : ""}`,
        tabindex: "0",
        "data-deal-id": deal.id,
        "data-testid": "deal-card",
        "aria-describedby": this.instructionsId,
        "aria-pressed": can.writeRecords(role()) ? String(lifted) : undefined,
        "aria-roledescription": t("deal.title"),
      },
      h("a", { class: "deal-title", href: `/deals/${deal.id}`, tabindex: "-1", draggable: "false" }, deal.title),
      h("span", { class: "deal-value" }, this.money(deal.value, deal.currency)),
      people.length ? h("span", { class: "deal-people" }, people.join(" · ")) : null,
      h(
        "span",
        { class: "deal-meta" },
        h("span", { class: "deal-age", title: new Intl.RelativeTimeFormat(locale, { numeric: "auto" }).format(-days, "day") }, t("pipeline.inStage", { duration: formatDays(days, locale) })),
        rotting ? h("span", { class: "badge rot-badge" }, t("pipeline.rotting")) : null,
        owner ? h("span", { class: "deal-owner", title: owner }, avatar(owner, true)) : null,
      ),
    );
    card.dataset.stageIndex = String(stageIndex);
    // The browser's own link and text dragging would cancel the pointer drag.
    card.addEventListener("dragstart", (event) => event.preventDefault());
    if (can.writeRecords(role())) {
      card.addEventListener("keydown", (event) => this.onCardKey(event, deal.id));
      card.addEventListener("pointerdown", (event) => this.onPointerDown(event, deal.id, card));
    } else {
      card.addEventListener("keydown", (event) => {
        if (event.key === "Enter") navigate(`/deals/${deal.id}`);
      });
    }
    card.addEventListener("blur", () => {
      // Leaving a lifted card (Tab, a click elsewhere) puts it back, as Escape would.
      if (!this.rendering && this.lifted?.dealId === deal.id) setTimeout(() => {
        if (this.lifted?.dealId === deal.id && !this.boardEl.contains(document.activeElement)) this.cancelLift();
      });
    });
    return card;
  }

  // ---- keyboard -------------------------------------------------------------------------------

  private describe(slot: Slot, dealId: string): { stage: string; position: number; count: number } {
    const view = this.view();
    const column = view?.columns[slot.stageIndex];
    const count = column ? othersIn(column, dealId).length + 1 : 1;
    return { stage: column?.name ?? "", position: slot.index + 1, count };
  }

  private onCardKey(event: KeyboardEvent, dealId: string): void {
    if (event.key === "Enter" && !this.lifted) {
      navigate(`/deals/${dealId}`);
      return;
    }
    if (event.key === " " || event.key === "Spacebar") {
      event.preventDefault();
      if (this.lifted?.dealId === dealId) this.dropLifted();
      else this.lift(dealId);
      return;
    }
    if (event.key === "Escape" && this.lifted) {
      event.preventDefault();
      this.cancelLift();
      return;
    }
    if (this.lifted?.dealId === dealId && isMoveKey(event.key)) {
      event.preventDefault();
      const view = this.view();
      if (!view) return;
      this.lifted.slot = keyboardTarget(view, dealId, this.lifted.slot, event.key);
      this.renderBoard();
      const title = this.titleOf(dealId);
      announceText(t("pipeline.movedTo", { title, ...this.describe(this.lifted.slot, dealId) }));
      return;
    }
    if (!this.lifted && isMoveKey(event.key)) {
      // Arrow keys without a lifted card move focus between cards like a grid.
      event.preventDefault();
      this.moveFocus(dealId, event.key);
    }
  }

  private moveFocus(dealId: string, key: MoveKey): void {
    const view = this.view();
    const found = view ? findDeal(view, dealId) : null;
    if (!view || !found) return;
    let { stageIndex, index } = found;
    if (key === "ArrowUp") index -= 1;
    else if (key === "ArrowDown") index += 1;
    else if (key === "Home") index = 0;
    else if (key === "End") index = (view.columns[stageIndex]?.deals.length ?? 1) - 1;
    else {
      const step = key === "ArrowLeft" ? -1 : 1;
      for (let next = stageIndex + step; next >= 0 && next < view.columns.length; next += step) {
        if ((view.columns[next]?.deals.length ?? 0) > 0) {
          stageIndex = next;
          break;
        }
      }
    }
    const column = view.columns[stageIndex];
    const target = column?.deals[Math.max(0, Math.min(index, column.deals.length - 1))];
    if (target) this.boardEl.querySelector<HTMLElement>(`.deal-card[data-deal-id="${CSS.escape(target.id)}"]`)?.focus();
  }

  private titleOf(dealId: string): string {
    return (this.board && findDeal(this.board, dealId)?.deal.title) ?? "";
  }

  private lift(dealId: string): void {
    const view = this.view();
    const found = view ? findDeal(view, dealId) : null;
    if (!found) return;
    const slot = { stageIndex: found.stageIndex, index: found.index };
    this.lifted = { dealId, origin: slot, slot: { ...slot } };
    this.renderBoard();
    announceText(t("pipeline.pickedUp", { title: found.deal.title, ...this.describe(slot, dealId) }));
  }

  private cancelLift(): void {
    const lifted = this.lifted;
    if (!lifted) return;
    this.lifted = null;
    this.renderBoard();
    announceText(t("pipeline.cancelled", { title: this.titleOf(lifted.dealId), stage: this.describe(lifted.origin, lifted.dealId).stage }));
  }

  private dropLifted(): void {
    const lifted = this.lifted;
    const view = this.view();
    if (!lifted || !view) return;
    const column = view.columns[lifted.slot.stageIndex];
    const described = this.describe(lifted.slot, lifted.dealId);
    this.lifted = null;
    if (!column) return;
    const anchor = anchorAt(othersIn(column, lifted.dealId), lifted.slot.index);
    announceText(t("pipeline.dropped", { title: this.titleOf(lifted.dealId), ...described }));
    if (lifted.slot.stageIndex === lifted.origin.stageIndex && lifted.slot.index === lifted.origin.index) {
      this.renderBoard();
      return;
    }
    void this.move(lifted.dealId, column.id, anchor);
  }

  // ---- pointer --------------------------------------------------------------------------------

  private onPointerDown(event: PointerEvent, dealId: string, card: HTMLElement): void {
    if (event.button !== 0 || this.lifted) return;
    // On touch screens a swipe scrolls the board; cards move there with the deal page's stage picker.
    if (event.pointerType === "touch") return;
    this.drag = { dealId, pointerId: event.pointerId, startX: event.clientX, startY: event.clientY, active: false, ghost: null, target: null };
    const move = (moveEvent: PointerEvent) => this.onPointerMove(moveEvent, card);
    const up = (upEvent: PointerEvent) => {
      window.removeEventListener("pointermove", move);
      window.removeEventListener("pointerup", up);
      window.removeEventListener("pointercancel", up);
      this.onPointerUp(upEvent, card);
    };
    window.addEventListener("pointermove", move);
    window.addEventListener("pointerup", up);
    window.addEventListener("pointercancel", up);
  }

  private onPointerMove(event: PointerEvent, card: HTMLElement): void {
    const drag = this.drag;
    if (!drag || event.pointerId !== drag.pointerId) return;
    if (!drag.active) {
      if (Math.hypot(event.clientX - drag.startX, event.clientY - drag.startY) < 6) return;
      drag.active = true;
      const rect = card.getBoundingClientRect();
      const ghost = card.cloneNode(true);
      if (!(ghost instanceof HTMLElement)) return;
      ghost.classList.add("drag-ghost");
      ghost.removeAttribute("tabindex");
      ghost.removeAttribute("data-testid");
      ghost.setAttribute("aria-hidden", "true");
      ghost.style.width = `${rect.width}px`;
      document.body.append(ghost);
      drag.ghost = ghost;
      card.classList.add("dragging");
      this.classList.add("is-dragging");
    }
    event.preventDefault();
    if (drag.ghost) drag.ghost.style.transform = `translate(${event.clientX + 8}px, ${event.clientY - 12}px) rotate(2deg)`;
    drag.target = this.dropTarget(event.clientX, event.clientY, drag.dealId);
    this.showDropMarker(drag.target);
    this.autoScroll(event.clientX);
  }

  private dropTarget(x: number, y: number, dealId: string): { stageId: string; index: number } | null {
    const under = document.elementFromPoint(x, y);
    const columnEl = under?.closest<HTMLElement>(".board-column");
    const stageId = columnEl?.dataset.stageId;
    if (!columnEl || !stageId) return null;
    const cards = [...columnEl.querySelectorAll<HTMLElement>(".deal-card")].filter((el) => el.dataset.dealId !== dealId);
    let index = cards.length;
    for (const [i, el] of cards.entries()) {
      const rect = el.getBoundingClientRect();
      if (y < rect.top + rect.height / 2) {
        index = i;
        break;
      }
    }
    return { stageId, index };
  }

  private showDropMarker(target: { stageId: string; index: number } | null): void {
    for (const marker of this.querySelectorAll(".drop-marker")) marker.remove();
    for (const column of this.querySelectorAll(".board-column.drop-target")) column.classList.remove("drop-target");
    if (!target) return;
    const columnEl = this.querySelector<HTMLElement>(`.board-column[data-stage-id="${CSS.escape(target.stageId)}"]`);
    const list = columnEl?.querySelector(".deal-list");
    if (!columnEl || !list) return;
    columnEl.classList.add("drop-target");
    const items = [...list.children].filter((li) => !li.querySelector(".dragging") && !li.classList.contains("deal-empty"));
    const marker = h("li", { class: "drop-marker", "aria-hidden": "true" });
    const before = items[target.index];
    if (before) list.insertBefore(marker, before);
    else list.append(marker);
  }

  private autoScroll(x: number): void {
    const rect = this.boardEl.getBoundingClientRect();
    if (x < rect.left + 40) this.boardEl.scrollLeft -= 16;
    else if (x > rect.right - 40) this.boardEl.scrollLeft += 16;
  }

  private onPointerUp(event: PointerEvent, card: HTMLElement): void {
    const drag = this.drag;
    if (!drag || event.pointerId !== drag.pointerId) return;
    const wasActive = drag.active;
    const target = drag.target;
    this.endDrag();
    card.classList.remove("dragging");
    if (!wasActive) return;
    // The click that ends a drag must not open the deal.
    card.addEventListener("click", (click) => click.preventDefault(), { once: true, capture: true });
    const view = this.view();
    const column = target && view?.columns.find((candidate) => candidate.id === target.stageId);
    if (!target || !column || !view) {
      this.renderBoard();
      return;
    }
    const others = othersIn(column, drag.dealId);
    const found = findDeal(view, drag.dealId);
    const anchor = anchorAt(others, target.index);
    if (found && view.columns[found.stageIndex]?.id === column.id && found.index === target.index) {
      this.renderBoard();
      return;
    }
    announceText(t("pipeline.dropped", { title: this.titleOf(drag.dealId), stage: column.name, position: target.index + 1, count: others.length + 1 }));
    void this.move(drag.dealId, column.id, anchor);
  }

  private endDrag(): void {
    this.drag?.ghost?.remove();
    this.drag = null;
    this.classList.remove("is-dragging");
    for (const marker of this.querySelectorAll(".drop-marker")) marker.remove();
    for (const column of this.querySelectorAll(".board-column.drop-target")) column.classList.remove("drop-target");
  }

  // ---- the move itself --------------------------------------------------------------------------

  private async move(dealId: string, stageId: string, anchor: Anchor): Promise<void> {
    const current = this.board ? findDeal(this.board, dealId)?.deal : undefined;
    if (!current) return;
    this.pending.set(dealId, { stageId, anchor });
    this.renderBoard();
    try {
      const deal = await api.moveDeal(dealId, { stage_id: stageId, version: current.version, ...anchor });
      this.pending.delete(dealId);
      if (this.board) this.board = applyDealEvent(this.board, "deal.moved", dealId, deal, this.rates) ?? this.board;
      this.renderBoard();
    } catch (error) {
      this.pending.delete(dealId);
      if (error instanceof ApiError && error.code === "deal_changed") {
        let fresh: Deal | null = null;
        try {
          fresh = decodeDeal(error.extensions.current);
        } catch {
          fresh = null;
        }
        if (fresh && this.board) {
          this.board = placeDeal(this.board, fresh, this.rates);
          this.renderBoard();
          const stage = this.board.columns.find((column) => column.id === fresh.stage_id)?.name ?? "";
          announceText(t("pipeline.conflict", { title: fresh.title, stage }), "error");
          this.showConflict(fresh.id);
          return;
        }
      }
      announce("pipeline.moveFailed", undefined, "error");
      await this.load(false);
    }
  }

  private showConflict(dealId: string): void {
    const card = this.boardEl.querySelector<HTMLElement>(`.deal-card[data-deal-id="${CSS.escape(dealId)}"]`);
    if (!card) return;
    card.classList.add("conflict");
    card.dataset.testConflict = "";
    setTimeout(() => card.classList.remove("conflict"), 2500);
  }
}

customElements.define("rapport-pipeline", RapportPipeline);

declare global {
  interface HTMLElementTagNameMap {
    "rapport-pipeline": RapportPipeline;
  }
}
