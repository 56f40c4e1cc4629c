import { type Campaign, campaignsApi, type Segment, type Template } from "../api/campaigns";
import { isLiveSignal, liveEvent } from "../api/live";
import { bindAttribute, language, languageChanged, t, type MessageKey } from "../i18n";
import { formatDateTime, formatNumber } from "../lib/format";
import { can } from "../lib/permissions";
import { navigate } from "../router";
import { role, timeZone } from "../session";
import { h, ht } from "../ui/dom";
import { listShortcuts } from "../ui/keys";
import { emptyState } from "../ui/record-grid";

export type CampaignView = "campaigns" | "segments" | "templates";

/** The Campaigns section's own navigation: campaigns, segments, templates. */
export function campaignNav(current: CampaignView | null): HTMLElement {
  const nav = bindAttribute(h("nav", { class: "settings-nav campaign-nav" }), "aria-label", "campaigns.sections");
  const item = (view: CampaignView, href: string, key: MessageKey) => h("li", {}, ht("a", key, { href, "aria-current": current === view ? "page" : undefined }));
  nav.append(h("ul", {}, item("campaigns", "/campaigns", "campaigns.listTitle"), item("segments", "/campaigns/segments", "segments.title"), item("templates", "/campaigns/templates", "templates.title")));
  return nav;
}

export const statusKey = (status: Campaign["status"]): MessageKey => `campaigns.status.${status}`;

/** Lists of campaigns, segments or templates (attribute view), each with its "New" action (`n`). */
export class RapportCampaigns extends HTMLElement {
  private readonly body = h("div", { class: "campaign-list" });
  private removeKeys: () => void = () => undefined;
  private readonly onLive = (event: Event) => {
    if (!isLiveSignal(event)) return;
    const type = event.detail.type;
    if (type === "resync" || type === "campaign.updated" || type === "campaign.progress" || type === "segment.changed" || type === "template.changed") void this.load();
  };

  private readonly onLanguage = () => void this.load();

  private get view(): CampaignView {
    const view = this.getAttribute("view");
    return view === "segments" || view === "templates" ? view : "campaigns";
  }

  connectedCallback(): void {
    const view = this.view;
    const titles: Record<CampaignView, [MessageKey, MessageKey, MessageKey, string]> = {
      campaigns: ["campaigns.listTitle", "campaigns.lead", "campaigns.new", "/campaigns/new"],
      segments: ["segments.title", "segments.lead", "segments.new", "/campaigns/segments/new"],
      templates: ["templates.title", "templates.lead", "templates.new", "/campaigns/templates/new"],
    };
    const [title, lead, action, href] = titles[view];
    const writable = can.writeRecords(role());
    const create = writable ? ht("a", action, { class: "button primary", href, "aria-keyshortcuts": "n", "data-testid": "new" }) : null;
    this.replaceChildren(
      h("div", { class: "page-head" }, h("div", {}, ht("h1", "campaigns.title"), ht("p", lead, { class: "lead" })), h("div", { class: "page-actions" }, create)),
      h("div", { class: "settings-layout" }, campaignNav(view), h("section", { class: "settings-content" }, ht("h2", title), this.body)),
    );
    this.body.append(ht("p", "app.loading", { class: "loading" }));
    if (writable) this.removeKeys = listShortcuts({ n: () => navigate(href) });
    window.addEventListener(liveEvent, this.onLive);
    window.addEventListener(languageChanged, this.onLanguage);
    void this.load();
  }

  disconnectedCallback(): void {
    this.removeKeys();
    window.removeEventListener(liveEvent, this.onLive);
    window.removeEventListener(languageChanged, this.onLanguage);
  }

  private async load(): Promise<void> {
    try {
      if (this.view === "segments") this.renderSegments((await campaignsApi.segments()).data);
      else if (this.view === "templates") this.renderTemplates((await campaignsApi.templates()).data);
      else this.renderCampaigns((await campaignsApi.campaigns()).data);
    } catch {
      const retry = ht("button", "common.retry", { type: "button", class: "button" });
      retry.addEventListener("click", () => void this.load());
      this.body.replaceChildren(ht("p", "common.loadFailed", { class: "form-error", role: "alert" }), retry);
    }
  }

  private table(headers: MessageKey[], rows: HTMLElement[]): HTMLElement {
    return h(
      "div",
      { class: "table-wrap" },
      h("table", { class: "table campaign-table" }, h("thead", {}, h("tr", {}, ...headers.map((key) => ht("th", key, { scope: "col" })))), h("tbody", {}, ...rows)),
    );
  }

  private when(iso: string | null): string {
    return iso ? formatDateTime(iso, language(), timeZone()) : "—";
  }

  private renderCampaigns(list: Campaign[]): void {
    if (list.length === 0) {
      this.body.replaceChildren(emptyState("campaigns.emptyTitle", "campaigns.emptyLead", can.writeRecords(role()) ? [ht("a", "campaigns.new", { class: "button primary", href: "/campaigns/new" })] : []));
      return;
    }
    const rows = list.map((campaign) =>
      h(
        "tr",
        { "data-testid": `campaign-${campaign.id}` },
        h("td", { "data-label": t("campaigns.name") }, h("a", { href: `/campaigns/${campaign.id}` }, campaign.name)),
        h("td", { "data-label": t("campaigns.statusLabel") }, ht("span", statusKey(campaign.status), { class: `badge campaign-status status-${campaign.status}` })),
        h("td", { "data-label": t("campaigns.sentCount"), class: "num" }, `${formatNumber(campaign.counts.sent, language())} / ${formatNumber(campaign.counts.recipients, language())}`),
        h("td", { "data-label": t("campaigns.when") }, this.when(campaign.finished_at ?? campaign.started_at ?? campaign.scheduled_at ?? campaign.updated_at)),
      ),
    );
    this.body.replaceChildren(this.table(["campaigns.name", "campaigns.statusLabel", "campaigns.sentCount", "campaigns.when"], rows));
  }

  private renderSegments(list: Segment[]): void {
    if (list.length === 0) {
      this.body.replaceChildren(emptyState("segments.emptyTitle", "segments.emptyLead", can.writeRecords(role()) ? [ht("a", "segments.new", { class: "button primary", href: "/campaigns/segments/new" })] : []));
      return;
    }
    const rows = list.map((segment) =>
      h(
        "tr",
        {},
        h("td", { "data-label": t("segments.name") }, h("a", { href: `/campaigns/segments/${segment.id}` }, segment.name)),
        h("td", { "data-label": t("segments.description") }, segment.description ?? ""),
        h("td", { "data-label": t("campaigns.updated") }, this.when(segment.updated_at)),
        h("td", { "data-label": "" }, ht("a", "segments.openAsList", { href: `/contacts?segment_id=${encodeURIComponent(segment.id)}` })),
      ),
    );
    this.body.replaceChildren(this.table(["segments.name", "segments.description", "campaigns.updated", "segments.contactsColumn"], rows));
  }

  private renderTemplates(list: Template[]): void {
    if (list.length === 0) {
      this.body.replaceChildren(emptyState("templates.emptyTitle", "templates.emptyLead", can.writeRecords(role()) ? [ht("a", "templates.new", { class: "button primary", href: "/campaigns/templates/new" })] : []));
      return;
    }
    const rows = list.map((template) =>
      h(
        "tr",
        {},
        h("td", { "data-label": t("templates.name") }, h("a", { href: `/campaigns/templates/${template.id}` }, template.name)),
        h("td", { "data-label": t("templates.languages") }, template.variants.map((variant) => variant.language.toUpperCase()).join(" · ")),
        h("td", { "data-label": t("campaigns.updated") }, this.when(template.updated_at)),
      ),
    );
    this.body.replaceChildren(this.table(["templates.name", "templates.languages", "campaigns.updated"], rows));
  }
}

customElements.define("rapport-campaigns", RapportCampaigns);

declare global {
  interface HTMLElementTagNameMap {
    "rapport-campaigns": RapportCampaigns;
  }
}
