import { type Campaign, type CampaignCounts, type CampaignLink, campaignsApi, type Recipient } from "../api/campaigns";
import { ApiError } from "../api/client";
import { isLiveSignal, liveEvent } from "../api/live";
import { bindAttribute, bindText, language, languageChanged, t, type MessageKey } from "../i18n";
import { campaignActions, isActive, progressPercent, type RecipientStatus, recipientStatuses } from "../lib/campaigns";
import { formatDateTime, formatNumber } from "../lib/format";
import { can } from "../lib/permissions";
import { navigate } from "../router";
import { role, timeZone } from "../session";
import { h, ht } from "../ui/dom";
import { announce, announceText } from "../ui/status";
import { RapportConfirm } from "./rapport-confirm";
import { campaignNav, statusKey } from "./rapport-campaigns";

// campaign.progress events usually say when to refresh; a poll covers a missed one (a reconnecting
// socket) while the campaign is active. Refreshes are coalesced: a burst of events is one fetch.
const pollEveryMs = 3000;
const coalesceMs = 250;
const pageSize = 25;

const countKeys = ["sent", "failed", "skipped", "unsubscribed", "pending"] as const;
const countKey = (name: (typeof countKeys)[number] | "opened" | "clicked"): MessageKey => `campaigns.count.${name}`;
export const recipientKey = (status: RecipientStatus): MessageKey => `campaigns.recipient.${status}`;
const knownReasons = ["no_consent", "no_email", "unsubscribed", "suppressed", "bounced", "invalid_email", "deleted", "cancelled"] as const;
function reasonText(reason: string | null): string {
  if (!reason) return "";
  const known = knownReasons.find((value) => value === reason);
  return known ? t(`campaigns.reason.${known}`) : reason;
}

type RecipientOutcome = Pick<Recipient, "status" | "skip_reason" | "error" | "unsubscribed_at" | "opened_at" | "clicked_at">;

/** What happened to one recipient, in a line: unsubscribed, why skipped, the error, or (tracking on) the first click or open. */
export function recipientDetail(recipient: RecipientOutcome): string {
  const at = (iso: string) => formatDateTime(iso, language(), timeZone());
  if (recipient.unsubscribed_at) return t("campaigns.unsubscribedAt", { when: at(recipient.unsubscribed_at) });
  if (recipient.status === "skipped") return reasonText(recipient.skip_reason);
  if (recipient.error) return recipient.error;
  if (recipient.clicked_at) return t("campaigns.clickedAt", { when: at(recipient.clicked_at) });
  return recipient.opened_at ? t("campaigns.openedAt", { when: at(recipient.opened_at) }) : "";
}

/** One campaign: status, live progress with pause/resume/cancel, counts and recipients by status. */
export class RapportCampaign extends HTMLElement {
  private campaign: Campaign | null = null;
  private campaignId = "";
  private pollTimer: ReturnType<typeof setTimeout> | undefined;
  private refreshTimer: ReturnType<typeof setTimeout> | undefined;
  private filter: RecipientStatus | "" = "";
  private recipients: Recipient[] = [];
  private next: string | null = null;
  private readonly head = h("div", { class: "page-head" });
  private readonly progressBox = h("section", { class: "card-panel campaign-progress", "aria-labelledby": "campaign-progress-title" });
  // Opens, clicks and the most followed links: only for campaigns sent with tracking on.
  private readonly engagementBox = h("section", { class: "card-panel campaign-engagement", "aria-labelledby": "campaign-engagement-title", hidden: true, "data-testid": "campaign-engagement" });
  private links: CampaignLink[] | "loading" | "failed" = "loading";
  private readonly reportBox = h("section", { class: "card-panel campaign-report", "aria-labelledby": "campaign-report-title" });
  private readonly rows = h("tbody");
  private readonly more = ht("button", "campaigns.loadMore", { type: "button", class: "button subtle load-more", hidden: true });
  private readonly onLive = (event: Event) => {
    if (!isLiveSignal(event)) return;
    const { type } = event.detail;
    if (type === "resync" || ((type === "campaign.progress" || type === "campaign.updated") && "id" in event.detail && event.detail.id === this.campaignId)) this.refreshSoon();
  };

  // Text built with t() (sentences with numbers and dates, cell labels) is rebuilt in the new language.
  private readonly onLanguage = () => {
    this.render();
    this.renderRows();
  };

  private async loadLinks(): Promise<void> {
    try {
      this.links = (await campaignsApi.links(this.campaignId, 10)).data;
    } catch {
      this.links = "failed";
    }
    this.renderEngagement();
  }

  connectedCallback(): void {
    this.campaignId = this.getAttribute("campaign-id") ?? "";
    this.replaceChildren(this.head, h("div", { class: "settings-layout" }, campaignNav("campaigns"), h("div", { class: "settings-content stack" }, this.progressBox, this.engagementBox, this.reportBox)));
    this.progressBox.append(ht("p", "app.loading", { class: "loading" }));
    this.more.addEventListener("click", () => void this.loadRecipients(true));
    window.addEventListener(liveEvent, this.onLive);
    window.addEventListener(languageChanged, this.onLanguage);
    void this.refresh();
  }

  disconnectedCallback(): void {
    window.removeEventListener(liveEvent, this.onLive);
    window.removeEventListener(languageChanged, this.onLanguage);
    clearTimeout(this.pollTimer);
    clearTimeout(this.refreshTimer);
  }

  private refreshSoon(): void {
    clearTimeout(this.refreshTimer);
    this.refreshTimer = setTimeout(() => void this.refresh(), coalesceMs);
  }

  private async refresh(): Promise<void> {
    clearTimeout(this.pollTimer);
    try {
      const before = this.campaign;
      const { data } = await campaignsApi.campaign(this.campaignId);
      this.campaign = data;
      this.render();
      if (!before) this.renderReport();
      // Recipient rows change as the send goes on; the report's first page follows them.
      if (!before || JSON.stringify(before.counts) !== JSON.stringify(data.counts) || before.status !== data.status) void this.loadRecipients(false);
      if (data.tracking_enabled && (!before || before.counts.clicked !== data.counts.clicked)) void this.loadLinks();
      if (before && before.status !== data.status && (data.status === "sent" || data.status === "cancelled")) announce(data.status === "sent" ? "campaigns.doneAnnounce" : "campaigns.cancelledAnnounce", { name: data.name });
    } catch (error) {
      if (!this.campaign) {
        this.progressBox.replaceChildren(h("p", { class: "form-error", role: "alert" }, error instanceof ApiError && error.status === 404 ? t("common.notFoundLead") : t("common.loadFailed")));
        return;
      }
    }
    if (this.campaign && isActive(this.campaign.status)) this.pollTimer = setTimeout(() => void this.refresh(), pollEveryMs);
  }

  private render(): void {
    const campaign = this.campaign;
    if (!campaign) return;
    const actions = campaignActions(campaign.status);
    const writable = can.writeRecords(role());
    const buttons: HTMLElement[] = [];
    const button = (key: MessageKey, testId: string, run: () => Promise<void>, danger = false) => {
      const element = ht("button", key, { type: "button", class: `button${danger ? " danger" : ""}`, "data-testid": testId });
      element.addEventListener("click", () => {
        element.disabled = true;
        run()
          .catch((error: unknown) => announceText(error instanceof Error ? error.message : t("error.generic"), "error"))
          .finally(() => (element.disabled = false));
      });
      buttons.push(element);
    };
    if (writable && actions.pause) button("campaigns.pause", "pause", () => this.act("pause"));
    if (writable && actions.resume) button("campaigns.resume", "resume", () => this.act("resume"));
    if (writable && actions.cancel) button("campaigns.cancel", "cancel", () => this.act("cancel"), true);
    if (writable && actions.remove) button("records.delete", "delete", () => this.deleteRecord(), true);
    this.head.replaceChildren(
      h("div", {}, ht("a", "campaigns.back", { class: "back-link", href: "/campaigns" }), h("h1", {}, campaign.name), h("p", { class: "lead" }, ht("span", statusKey(campaign.status), { class: `badge campaign-status status-${campaign.status}`, "data-testid": "campaign-status" }), " ", this.whenText(campaign))),
      h("div", { class: "page-actions" }, ...buttons),
    );
    this.renderProgress(campaign.counts, campaign);
    this.renderEngagement();
  }

  private renderEngagement(): void {
    const campaign = this.campaign;
    this.engagementBox.hidden = !campaign?.tracking_enabled;
    if (!campaign?.tracking_enabled) return;
    const { counts } = campaign;
    const list = h("ul", { class: "campaign-counts" });
    for (const name of ["opened", "clicked"] as const) {
      const rate = counts.sent > 0 ? Math.round((counts[name] / counts.sent) * 100) : 0;
      list.append(
        h(
          "li",
          { class: `count-${name}`, "data-zero": String(counts[name] === 0) },
          h("span", { class: "count-number", "data-testid": `count-${name}` }, formatNumber(counts[name], language())),
          bindText(h("span", { class: "count-label" }), countKey(name)),
          h("span", { class: "count-label", "data-testid": `rate-${name}` }, t("campaigns.rateOfSent", { percent: formatNumber(rate, language()) })),
        ),
      );
    }
    const links = this.links;
    let linkTable: HTMLElement;
    if (links === "loading") linkTable = h("p", { class: "muted" }, t("app.loading"));
    else if (links === "failed") linkTable = h("p", { class: "form-error" }, t("common.loadFailed"));
    else if (links.length === 0) linkTable = h("p", { class: "muted", "data-testid": "no-links" }, t("campaigns.noLinks"));
    else
      linkTable = h(
        "div",
        { class: "table-wrap" },
        h(
          "table",
          { class: "table links-table", "data-testid": "campaign-links" },
          h("thead", {}, h("tr", {}, ...(["campaigns.link", "campaigns.linkPeople", "campaigns.linkClicks"] as const).map((key) => ht("th", key, { scope: "col" })))),
          h(
            "tbody",
            {},
            ...links.map((link) =>
              h(
                "tr",
                { "data-testid": "link-row" },
                h("td", { "data-label": t("campaigns.link") }, link.url),
                h("td", { "data-label": t("campaigns.linkPeople") }, formatNumber(link.recipients, language())),
                h("td", { "data-label": t("campaigns.linkClicks") }, formatNumber(link.clicks, language())),
              ),
            ),
          ),
        ),
      );
    this.engagementBox.replaceChildren(
      ht("h2", "campaigns.engagementTitle", { id: "campaign-engagement-title" }),
      list,
      ht("p", "campaigns.opensNote", { class: "hint" }),
      ht("h3", "campaigns.linksTitle"),
      linkTable,
    );
  }

  private whenText(campaign: Campaign): string {
    const at = (iso: string) => formatDateTime(iso, language(), timeZone());
    if (campaign.finished_at) return t("campaigns.finishedAt", { when: at(campaign.finished_at) });
    if (campaign.started_at) return t("campaigns.startedAt", { when: at(campaign.started_at) });
    if (campaign.schedule_mode === "local_time" && campaign.send_local_date && campaign.send_local_time) return t("wizard.localSummary", { date: campaign.send_local_date, time: campaign.send_local_time });
    if (campaign.scheduled_at) return t("campaigns.scheduledFor", { when: at(campaign.scheduled_at) });
    return "";
  }

  private renderProgress(counts: CampaignCounts, campaign: Campaign): void {
    const percent = progressPercent(counts);
    const fill = h("div", { class: "progress-fill" });
    // Through the CSSOM: a style attribute would be blocked by the app's CSP (style-src 'self').
    fill.style.width = `${percent}%`;
    const bar = h("div", { class: "progress", role: "progressbar", "aria-valuemin": "0", "aria-valuemax": "100", "aria-valuenow": String(percent), "data-testid": "campaign-progressbar" }, fill);
    bindAttribute(bar, "aria-label", "campaigns.progressLabel");
    const list = h("ul", { class: "campaign-counts" });
    list.append(h("li", { class: "count-total" }, h("span", { class: "count-number", "data-testid": "count-recipients" }, formatNumber(counts.recipients, language())), bindText(h("span", { class: "count-label" }), "campaigns.count.recipients")));
    for (const name of countKeys) {
      list.append(h("li", { class: `count-${name}`, "data-zero": String(counts[name] === 0) }, h("span", { class: "count-number", "data-testid": `count-${name}` }, formatNumber(counts[name], language())), bindText(h("span", { class: "count-label" }), countKey(name))));
    }
    const summary = h("p", { class: "campaign-summary", role: "status", "aria-live": "polite", "data-testid": "campaign-summary" }, t("campaigns.progressText", { percent, sent: formatNumber(counts.sent, language()), total: formatNumber(counts.recipients, language()) }));
    const note = campaign.status === "paused" ? ht("p", "campaigns.pausedNote", { class: "notice" }) : campaign.status === "scheduled" ? ht("p", "campaigns.scheduledNote", { class: "notice" }) : null;
    this.progressBox.replaceChildren(ht("h2", "campaigns.progressTitle", { id: "campaign-progress-title" }), bar, summary, list, note ?? "");
  }

  private renderReport(): void {
    const tabs = h("div", { class: "chips", role: "group" });
    bindAttribute(tabs, "aria-label", "campaigns.recipientFilter");
    const choices: (RecipientStatus | "")[] = ["", ...recipientStatuses];
    for (const status of choices) {
      const chip = h("button", { type: "button", class: "chip", "aria-pressed": String(this.filter === status), "data-testid": `filter-${status || "all"}` });
      bindText(chip, status ? recipientKey(status) : "campaigns.recipient.all");
      chip.addEventListener("click", () => {
        this.filter = status;
        for (const other of tabs.querySelectorAll("button")) other.setAttribute("aria-pressed", String(other === chip));
        void this.loadRecipients(false);
      });
      tabs.append(chip);
    }
    const table = h(
      "table",
      { class: "table recipients-table", "data-testid": "recipients" },
      h("thead", {}, h("tr", {}, ...(["campaigns.email", "campaigns.statusLabel", "campaigns.detail", "campaigns.when"] as const).map((key) => ht("th", key, { scope: "col" })))),
      this.rows,
    );
    this.reportBox.replaceChildren(ht("h2", "campaigns.reportTitle", { id: "campaign-report-title" }), tabs, h("div", { class: "table-wrap" }, table), this.more);
  }

  private async loadRecipients(append: boolean): Promise<void> {
    try {
      const page = await campaignsApi.recipients(this.campaignId, { limit: pageSize, ...(this.filter ? { status: this.filter } : {}), ...(append && this.next ? { cursor: this.next } : {}) });
      this.recipients = append ? [...this.recipients, ...page.data] : page.data;
      this.next = page.next_cursor;
      this.renderRows();
    } catch {
      this.rows.replaceChildren(h("tr", {}, h("td", { colspan: "4", class: "form-error" }, t("common.loadFailed"))));
    }
  }

  private renderRows(): void {
    if (this.recipients.length === 0) {
      this.rows.replaceChildren(h("tr", {}, h("td", { colspan: "4", class: "muted" }, t("campaigns.noRecipients"))));
    } else {
      this.rows.replaceChildren(
        ...this.recipients.map((recipient) => {
          const detail = recipientDetail(recipient);
          const when = recipient.sent_at ?? recipient.send_at;
          return h(
            "tr",
            { "data-testid": "recipient-row", "data-status": recipient.status },
            h("td", { "data-label": t("campaigns.email") }, h("a", { href: `/contacts/${recipient.contact_id}` }, recipient.email ?? t("campaigns.noEmail"))),
            h("td", { "data-label": t("campaigns.statusLabel") }, ht("span", recipientKey(recipient.status), { class: `badge recipient-${recipient.status}` })),
            h("td", { "data-label": t("campaigns.detail") }, detail),
            h("td", { "data-label": t("campaigns.when") }, when ? formatDateTime(when, language(), timeZone()) : ""),
          );
        }),
      );
    }
    this.more.hidden = this.next === null;
  }

  private async act(action: "pause" | "resume" | "cancel"): Promise<void> {
    const campaign = this.campaign;
    if (!campaign) return;
    const question: Record<typeof action, MessageKey> = { pause: "campaigns.pauseConfirm", resume: "campaigns.resumeConfirm", cancel: "campaigns.cancelConfirm" };
    if (!(await RapportConfirm.ask(t(question[action], { name: campaign.name, pending: formatNumber(campaign.counts.pending, language()) }), "dialog.confirm"))) return;
    this.campaign = await campaignsApi[action](campaign.id);
    const done: Record<typeof action, MessageKey> = { pause: "campaigns.pausedAnnounce", resume: "campaigns.resumedAnnounce", cancel: "campaigns.cancelledAnnounce" };
    announce(done[action], { name: campaign.name });
    this.render();
    void this.refresh();
  }

  private async deleteRecord(): Promise<void> {
    const campaign = this.campaign;
    if (!campaign) return;
    if (!(await RapportConfirm.ask(t("campaigns.deleteConfirm", { name: campaign.name }), "records.delete"))) return;
    await campaignsApi.deleteCampaign(campaign.id);
    announce("campaigns.deleted", { name: campaign.name });
    navigate("/campaigns");
  }
}

customElements.define("rapport-campaign", RapportCampaign);

declare global {
  interface HTMLElementTagNameMap {
    "rapport-campaign": RapportCampaign;
  }
}
