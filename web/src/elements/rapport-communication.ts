import type { Communication } from "../../../workers/activities/activity.schema";
import { activitiesApi } from "../api/activities";
import { isLiveSignal, liveEvent } from "../api/live";
import { language, languageChanged, t } from "../i18n";
import { summarizeCommunication } from "../lib/communication";
import { formatNumber } from "../lib/format";
import { h, ht, uid } from "../ui/dom";

/**
 * A contact's communication at a glance: how much came in and went out, on which channels, how
 * fast we usually answer, and the channel the contact prefers. Attribute: contact-id.
 */
export class RapportCommunication extends HTMLElement {
  private metrics: Communication | null = null;
  private failed = false;
  private request = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private readonly body = h("div", { class: "comm-body" });
  private readonly onLanguage = () => this.render();
  private readonly onLive = (event: Event) => {
    if (!isLiveSignal(event)) return;
    const signal = event.detail;
    const relevant = signal.type === "resync" || (signal.type.startsWith("activity.") && (signal.data.contact_id === this.contactId || signal.type === "activity.deleted"));
    if (!relevant) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.load(), 250);
  };

  connectedCallback(): void {
    window.addEventListener(languageChanged, this.onLanguage);
    window.addEventListener(liveEvent, this.onLive);
    if (!this.firstChild) {
      const titleId = uid("comm-title");
      this.replaceChildren(h("section", { class: "card-panel side-card comm", "aria-labelledby": titleId, "data-testid": "communication" }, ht("h2", "comm.title", { id: titleId }), this.body));
      this.body.replaceChildren(ht("p", "app.loading", { class: "loading" }));
    }
    void this.load();
  }

  disconnectedCallback(): void {
    window.removeEventListener(languageChanged, this.onLanguage);
    window.removeEventListener(liveEvent, this.onLive);
    clearTimeout(this.timer);
  }

  private get contactId(): string {
    return this.getAttribute("contact-id") ?? "";
  }

  /** Reloads now, e.g. after an activity was logged on this page. */
  async load(): Promise<void> {
    const ticket = ++this.request;
    try {
      const metrics = await activitiesApi.communication(this.contactId);
      if (ticket !== this.request) return;
      this.metrics = metrics;
      this.failed = false;
    } catch {
      if (ticket !== this.request) return;
      this.failed = this.metrics === null;
    }
    this.render();
  }

  private render(): void {
    if (this.failed) {
      this.body.replaceChildren(ht("p", "common.loadFailed", { class: "notice error" }));
      return;
    }
    if (!this.metrics) return;
    const locale = language();
    const summary = summarizeCommunication(this.metrics, locale);
    if (summary.empty) {
      this.body.replaceChildren(ht("p", "comm.empty", { class: "empty" }));
      return;
    }
    const n = (value: number) => formatNumber(value, locale);
    const totals = h(
      "div",
      { class: "comm-totals" },
      h("div", { class: "comm-total", "data-testid": "comm-inbound" }, h("strong", {}, n(summary.inbound)), h("span", {}, t("comm.inbound"))),
      h("div", { class: "comm-total", "data-testid": "comm-outbound" }, h("strong", {}, n(summary.outbound)), h("span", {}, t("comm.outbound"))),
    );
    const channels = h("ul", { class: "comm-channels", "data-testid": "comm-channels" });
    for (const row of summary.channels) {
      const bar = h("span", { class: "comm-bar", "aria-hidden": "true" }, h("span", { class: "comm-bar-in" }), h("span", { class: "comm-bar-out" }));
      // Widths in percent of all exchanges, split in and out, so channels compare at a glance.
      const all = summary.inbound + summary.outbound;
      bar.querySelector<HTMLElement>(".comm-bar-in")?.style.setProperty("width", `${(row.inbound / all) * 100}%`);
      bar.querySelector<HTMLElement>(".comm-bar-out")?.style.setProperty("width", `${(row.outbound / all) * 100}%`);
      channels.append(
        h("li", { "data-channel": row.type }, h("span", { class: "comm-channel" }, t(`activity.type.${row.type}`)), h("span", { class: "comm-counts" }, t("comm.channelCounts", { inbound: n(row.inbound), outbound: n(row.outbound) })), bar),
      );
    }
    const reply = summary.firstResponse
      ? h("dd", { "data-testid": "comm-first-response" }, h("strong", {}, summary.firstResponse), h("small", {}, t("comm.firstResponseDetail", { count: n(summary.samples), average: summary.firstResponseAverage ?? "—" })))
      : h("dd", { "data-testid": "comm-first-response" }, t("comm.noResponse"));
    const preferred = h("dd", { "data-testid": "comm-preferred" }, summary.preferred ? t(`activity.type.${summary.preferred}`) : t("comm.noPreferred"));
    this.body.replaceChildren(totals, ht("h3", "comm.channels"), channels, h("dl", { class: "comm-facts" }, h("div", {}, h("dt", {}, t("comm.firstResponse")), reply), h("div", {}, h("dt", {}, t("comm.preferred")), preferred)));
  }
}

customElements.define("rapport-communication", RapportCommunication);

declare global {
  interface HTMLElementTagNameMap {
    "rapport-communication": RapportCommunication;
  }
}
