import type { Contact } from "../../../workers/contacts/contact.schema";
import type { Deal, DealPatchInput, StageChange } from "../../../workers/deals/deal.schema";
import type { Pipeline } from "../../../workers/pipelines/pipeline.schema";
import type { Member } from "../../../workers/team/member.schema";
import { ApiError, api } from "../api/client";
import { decodeDeal } from "../api/decoders";
import { isLiveSignal, isPresenceSignal, liveEvent, presenceEvent, watch } from "../api/live";
import { language, languageChanged, t } from "../i18n";
import { daysInStage } from "../lib/board";
import { currencyOptions, formatCalendarDate, formatDateTime, formatMoney, moneyInputText, parseMoneyInput } from "../lib/format";
import { watchTarget } from "../lib/live-frame";
import { can } from "../lib/permissions";
import { splitList, textOrNull } from "../lib/records";
import { navigate } from "../router";
import { role, timeZone } from "../session";
import { h, ht } from "../ui/dom";
import { inputField, selectField, valueOf } from "../ui/forms";
import { focusEditButton, type InlineField, inlineFields } from "../ui/inline-field";
import { members, ownerChoices, ownerLabel, ownerName } from "../ui/members";
import { announce, announceText } from "../ui/status";
import { RapportConfirm } from "./rapport-confirm";
import { avatar } from "./rapport-contacts";
import { formatDays, presenceList } from "./rapport-pipeline";
import { RapportTimeline } from "./rapport-timeline";

/** One deal: its fields edited in place, its people, its stage history and who else is looking. */
export class RapportDeal extends HTMLElement {
  private deal: Deal | null = null;
  private etag: string | null = null;
  private pipeline: Pipeline | null = null;
  private team: Member[] = [];
  private history: StageChange[] = [];
  private contacts: Contact[] = [];
  private viewers: string[] = [];
  // Made once and moved on every render, so its loaded pages and open forms survive a re-render.
  private timeline: RapportTimeline | null = null;
  private readonly presenceSlot = h("div", { class: "presence-slot" });
  private readonly onLanguage = () => this.render();
  private readonly onLive = (event: Event) => {
    if (!isLiveSignal(event) || !this.deal) return;
    const signal = event.detail;
    if (signal.type === "resync") {
      if (!this.querySelector("form.inline-edit")) void this.load();
      return;
    }
    if (signal.id !== this.deal.id) return;
    if (signal.type === "deal.deleted") {
      void this.load();
      return;
    }
    if (signal.type !== "deal.moved" && signal.type !== "deal.updated") return;
    let next: Deal;
    try {
      next = decodeDeal(signal.data);
    } catch {
      return;
    }
    if (next.version <= this.deal.version || this.querySelector("form.inline-edit")) return;
    this.deal = next;
    this.etag = `"${next.version}"`;
    void this.loadHistory().then(() => this.render());
  };
  private readonly onPresence = (event: Event) => {
    if (!isPresenceSignal(event) || event.detail.target !== watchTarget("deal", this.dealId)) return;
    this.viewers = event.detail.users;
    this.presenceSlot.replaceChildren(presenceList(this.viewers, this.team));
  };

  connectedCallback(): void {
    window.addEventListener(languageChanged, this.onLanguage);
    window.addEventListener(liveEvent, this.onLive);
    window.addEventListener(presenceEvent, this.onPresence);
    this.replaceChildren(ht("p", "app.loading", { class: "loading" }));
    watch(watchTarget("deal", this.dealId));
    void this.load();
  }

  disconnectedCallback(): void {
    window.removeEventListener(languageChanged, this.onLanguage);
    window.removeEventListener(liveEvent, this.onLive);
    window.removeEventListener(presenceEvent, this.onPresence);
    watch(null);
  }

  private get dealId(): string {
    return this.getAttribute("deal-id") ?? "";
  }

  private async loadHistory(): Promise<void> {
    this.history = (await api.dealHistory(this.dealId).catch(() => ({ data: this.history }))).data;
  }

  private async load(): Promise<void> {
    try {
      const [{ data, etag }, team, pipelines] = await Promise.all([api.deal(this.dealId), members(), api.pipelines()]);
      this.deal = data;
      this.etag = etag;
      this.team = team;
      this.pipeline = pipelines.data.find((pipeline) => pipeline.id === data.pipeline_id) ?? null;
      const ids = [...new Set([data.primary_contact?.id, ...data.contact_ids].filter((id): id is string => Boolean(id)))].slice(0, 20);
      const [contacts] = await Promise.all([Promise.all(ids.map((id) => api.contact(id).then((r) => r.data).catch(() => null))), this.loadHistory()]);
      this.contacts = contacts.filter((contact): contact is Contact => contact !== null);
      this.render();
    } catch (error) {
      const missing = error instanceof ApiError && error.status === 404;
      this.replaceChildren(h("section", { class: "card-panel" }, ht("p", missing ? "records.notFound" : "common.loadFailed", { class: missing ? "notice" : "notice error" }), h("p", {}, ht("a", "deal.back", { href: "/pipeline" }))));
    }
  }

  private stageName(id: string | null): string {
    return this.pipeline?.stages.find((stage) => stage.id === id)?.name ?? "—";
  }

  private async patch(body: DealPatchInput, field: string): Promise<void> {
    const deal = this.deal;
    if (!deal) return;
    try {
      const { data, etag } = await api.updateDeal(deal.id, body, this.etag ?? `"${deal.version}"`);
      this.deal = data;
      this.etag = etag;
      this.render();
      focusEditButton(this, field);
      announce("records.saved");
    } catch (error) {
      if (error instanceof ApiError && (error.code === "version_mismatch" || error.code === "deal_changed")) {
        await this.load();
        announce("records.stale", undefined, "error");
        return;
      }
      throw error;
    }
  }

  private async moveTo(stageId: string): Promise<void> {
    const deal = this.deal;
    if (!deal || stageId === deal.stage_id) return;
    try {
      this.deal = await api.moveDeal(deal.id, { stage_id: stageId, version: deal.version });
      this.etag = `"${this.deal.version}"`;
      await this.loadHistory();
      this.render();
      this.querySelector<HTMLSelectElement>("select[name=move_stage]")?.focus();
      announce("deal.moved", { stage: this.stageName(stageId) });
    } catch (error) {
      if (error instanceof ApiError && error.code === "deal_changed") {
        await this.load();
        announce("deal.changedElsewhere", undefined, "error");
        return;
      }
      announceText(error instanceof Error ? error.message : t("error.generic"), "error");
      this.render();
    }
  }

  /** New activities on a deal are linked to its primary contact and company as well. */
  private timelineFor(deal: Deal): RapportTimeline {
    if (!this.timeline) {
      this.timeline = new RapportTimeline();
      this.timeline.setAttribute("record-type", "deal");
      this.timeline.setAttribute("record-id", deal.id);
    }
    this.timeline.extraLinks = { ...(deal.primary_contact ? { contact_id: deal.primary_contact.id } : {}), ...(deal.company ? { company_id: deal.company.id } : {}) };
    return this.timeline;
  }

  private render(): void {
    const deal = this.deal;
    if (!deal) return;
    const locale = language();
    const zone = timeZone();
    const writer = can.writeRecords(role());
    const stage = this.pipeline?.stages.find((candidate) => candidate.id === deal.stage_id);

    const fields: InlineField[] = [
      {
        name: "title",
        label: "deal.name",
        wide: true,
        display: () => deal.title,
        edit: () => [inputField({ name: "title", label: "deal.name", value: deal.title, required: true }).row],
        save: (form) => this.patch({ title: valueOf(form, "title") }, "title"),
      },
      {
        name: "value",
        label: "deal.value",
        display: () => formatMoney({ amount: deal.value, currency: deal.currency }, locale),
        edit: () => [
          inputField({ name: "value", label: "deal.value", inputmode: "decimal", value: moneyInputText({ amount: deal.value, currency: deal.currency }, locale) }).row,
          selectField("currency", "deal.currency", currencyOptions(locale), deal.currency).row,
        ],
        save: async (form) => {
          const currency = valueOf(form, "currency");
          const minor = parseMoneyInput(valueOf(form, "value"), currency);
          if (minor === null) throw new ApiError(422, "validation_failed", t("field.amount"), { value: t("field.amount") }, [], null);
          await this.patch({ value: minor, currency }, "value");
        },
      },
      {
        name: "owner_id",
        label: "records.owner",
        display: () => ownerLabel(this.team, deal.owner_id),
        edit: () => [selectField("owner_id", "records.owner", ownerChoices(this.team), deal.owner_id ?? "").row],
        save: (form) => this.patch({ owner_id: valueOf(form, "owner_id") || null }, "owner_id"),
      },
      {
        name: "expected_close_date",
        label: "deal.expectedClose",
        display: () => (deal.expected_close_date ? formatCalendarDate(deal.expected_close_date, locale) : null),
        edit: () => [inputField({ name: "expected_close_date", label: "deal.expectedClose", type: "date", value: deal.expected_close_date ?? "" }).row],
        save: (form) => this.patch({ expected_close_date: textOrNull(valueOf(form, "expected_close_date")) }, "expected_close_date"),
      },
      {
        name: "source",
        label: "deal.source",
        display: () => deal.source,
        edit: () => [inputField({ name: "source", label: "deal.source", value: deal.source ?? "" }).row],
        save: (form) => this.patch({ source: textOrNull(valueOf(form, "source")) }, "source"),
      },
      {
        name: "tags",
        label: "records.tags",
        wide: true,
        display: () => (deal.tags.length ? h("span", { class: "tags" }, ...deal.tags.map((tag) => h("span", { class: "tag" }, tag))) : null),
        edit: () => [inputField({ name: "tags", label: "records.tags", value: deal.tags.join(", "), hint: "records.tagsHint" }).row],
        save: (form) => this.patch({ tags: splitList(valueOf(form, "tags")) }, "tags"),
      },
    ];
    if (deal.status === "lost") {
      fields.push({
        name: "lost_reason",
        label: "deal.lostReason",
        wide: true,
        display: () => deal.lost_reason,
        edit: () => [inputField({ name: "lost_reason", label: "deal.lostReason", value: deal.lost_reason ?? "" }).row],
        save: (form) => this.patch({ lost_reason: textOrNull(valueOf(form, "lost_reason")) }, "lost_reason"),
      });
    }

    const mover = selectField("move_stage", "deal.moveTo", (this.pipeline?.stages ?? []).map((candidate) => ({ value: candidate.id, label: candidate.name })), deal.stage_id, !writer);
    mover.select.addEventListener("change", () => void this.moveTo(mover.select.value));

    const remove = writer ? ht("button", "records.delete", { type: "button", class: "button subtle danger-text" }) : null;
    remove?.addEventListener("click", () => void this.deleteDeal());

    const days = daysInStage(deal, Date.now());
    const head = h(
      "div",
      { class: "record-head" },
      avatar(deal.title),
      h(
        "div",
        { class: "record-title" },
        h("h1", { "data-testid": "deal-title" }, deal.title),
        h("p", { class: "record-sub" }, h("strong", { class: "deal-page-value" }, formatMoney({ amount: deal.value, currency: deal.currency }, locale)), " · ", this.pipeline?.name ?? "", " · ", stage?.name ?? ""),
        h(
          "div",
          { class: "record-badges" },
          h("span", { class: `badge deal-status status-${deal.status}`, "data-testid": "deal-stage" }, stage?.name ?? t(`deal.status.${deal.status}`)),
          h("span", { class: "badge" }, t("pipeline.inStage", { duration: formatDays(days, locale) })),
        ),
      ),
      h("div", { class: "page-actions" }, this.presenceSlot, remove),
    );
    this.presenceSlot.replaceChildren(presenceList(this.viewers, this.team));

    const people = h("ul", { class: "people-list", "data-testid": "deal-contacts" });
    for (const contact of this.contacts) {
      const primary = contact.id === deal.primary_contact?.id;
      people.append(h("li", {}, avatar(contact.display_name, true), h("a", { href: `/contacts/${contact.id}` }, contact.display_name), primary ? h("span", { class: "badge" }, t("deal.primaryContact")) : null, contact.job_title ? h("small", {}, contact.job_title) : null));
    }

    const timeline = h("ol", { class: "timeline", "data-testid": "stage-history" });
    for (const change of [...this.history].reverse()) {
      const who = change.actor_id ? ownerName(this.team, change.actor_id) : "";
      timeline.append(
        h(
          "li",
          {},
          h("span", { class: "history-move" }, change.from_stage_id ? `${this.stageName(change.from_stage_id)} → ${this.stageName(change.to_stage_id)}` : t("deal.created", { stage: this.stageName(change.to_stage_id) })),
          " ",
          h("time", { datetime: change.at }, formatDateTime(change.at, locale, zone)),
          who ? h("small", {}, t("deal.by", { name: who })) : null,
        ),
      );
    }

    this.replaceChildren(
      h("nav", { class: "crumbs" }, ht("a", "deal.back", { href: `/pipeline/${deal.pipeline_id}` })),
      head,
      h(
        "div",
        { class: "record-layout" },
        h(
          "div",
          { class: "record-main" },
          h("section", { class: "card-panel", "aria-labelledby": "deal-details" }, ht("h2", "deal.details", { id: "deal-details" }), h("div", { class: "deal-mover" }, mover.row), inlineFields(fields, writer, "deal-fields")),
          this.timelineFor(deal),
          h("section", { class: "card-panel", "aria-labelledby": "deal-history" }, ht("h2", "deal.history", { id: "deal-history" }), this.history.length ? timeline : ht("p", "deal.noHistory", { class: "empty" })),
        ),
        h(
          "aside",
          { class: "record-side" },
          h(
            "section",
            { class: "card-panel side-card", "aria-labelledby": "deal-company" },
            ht("h2", "deal.company", { id: "deal-company" }),
            deal.company ? h("a", { class: "company-link", href: `/companies/${deal.company.id}` }, avatar(deal.company.name, true), h("span", {}, deal.company.name)) : h("p", { class: "empty" }, t("records.empty")),
          ),
          h("section", { class: "card-panel side-card", "aria-labelledby": "deal-people" }, ht("h2", "deal.contacts", { id: "deal-people" }), this.contacts.length ? people : ht("p", "deal.noContacts", { class: "empty" })),
          h(
            "section",
            { class: "card-panel side-card", "aria-labelledby": "deal-about" },
            ht("h2", "records.about", { id: "deal-about" }),
            inlineFields(
              [
                { name: "stage_entered_at", label: "deal.stageSince", display: () => formatDateTime(deal.stage_entered_at, locale, zone) },
                { name: "status", label: "deal.status", display: () => t(`deal.status.${deal.status}`) },
                { name: "created_at", label: "records.created", display: () => formatDateTime(deal.created_at, locale, zone) },
                { name: "updated_at", label: "records.updated", display: () => formatDateTime(deal.updated_at, locale, zone) },
              ],
              false,
            ),
          ),
        ),
      ),
    );
    document.title = `${deal.title} · ${t("app.name")}`;
  }

  private async deleteDeal(): Promise<void> {
    const deal = this.deal;
    if (!deal) return;
    if (!(await RapportConfirm.ask(t("deal.deleteConfirm", { title: deal.title }), "records.delete"))) return;
    try {
      await api.deleteDeal(deal.id);
    } catch (error) {
      announceText(error instanceof Error ? error.message : t("error.generic"), "error");
      return;
    }
    navigate(`/pipeline/${deal.pipeline_id}`);
    announce("deal.deleted", { title: deal.title });
  }
}

customElements.define("rapport-deal", RapportDeal);

declare global {
  interface HTMLElementTagNameMap {
    "rapport-deal": RapportDeal;
  }
}
