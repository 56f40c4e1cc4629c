import { campaignsApi, type ContactCampaign } from "../api/campaigns";
import { isLiveSignal, liveEvent } from "../api/live";
import { language, languageChanged } from "../i18n";
import { formatDateTime } from "../lib/format";
import { timeZone } from "../session";
import { h, ht, uid } from "../ui/dom";
import { recipientDetail, recipientKey } from "./rapport-campaign";

/**
 * The campaigns that listed a contact, newest first: each links to its report and says what
 * happened to this person (sent when, skipped and why, failed, unsubscribed, opened or clicked
 * where the campaign tracked). Attribute: contact-id.
 */
export class RapportContactCampaigns extends HTMLElement {
  private items: ContactCampaign[] | null = null;
  private failed = false;
  private request = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private readonly body = h("div", { class: "contact-campaigns-body" });
  private readonly onLanguage = () => this.render();
  private readonly onLive = (event: Event) => {
    // A send, an unsubscribe or a click in any campaign may concern this person: refetch, coalesced.
    if (!isLiveSignal(event) || (event.detail.type !== "campaign.progress" && event.detail.type !== "resync")) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.load(), 500);
  };

  connectedCallback(): void {
    window.addEventListener(languageChanged, this.onLanguage);
    window.addEventListener(liveEvent, this.onLive);
    if (!this.firstChild) {
      const titleId = uid("contact-campaigns-title");
      this.replaceChildren(h("section", { class: "card-panel side-card", "aria-labelledby": titleId, "data-testid": "contact-campaigns" }, ht("h2", "contacts.campaignsTitle", { id: titleId }), this.body));
      this.body.replaceChildren(ht("p", "app.loading", { class: "loading" }));
    }
    void this.load();
  }

  disconnectedCallback(): void {
    window.removeEventListener(languageChanged, this.onLanguage);
    window.removeEventListener(liveEvent, this.onLive);
    clearTimeout(this.timer);
  }

  private async load(): Promise<void> {
    const ticket = ++this.request;
    try {
      const page = await campaignsApi.contactCampaigns(this.getAttribute("contact-id") ?? "");
      if (ticket !== this.request) return;
      this.items = page.data;
      this.failed = false;
    } catch {
      if (ticket !== this.request) return;
      this.failed = this.items === null;
    }
    this.render();
  }

  private render(): void {
    if (this.failed) {
      this.body.replaceChildren(ht("p", "common.loadFailed", { class: "notice error" }));
      return;
    }
    if (!this.items) return;
    if (this.items.length === 0) {
      this.body.replaceChildren(ht("p", "contacts.campaignsNone", { class: "empty" }));
      return;
    }
    this.body.replaceChildren(
      h(
        "ul",
        { class: "contact-campaigns" },
        ...this.items.map((item) => {
          const detail = recipientDetail(item);
          return h(
            "li",
            { "data-testid": "contact-campaign", "data-status": item.status },
            h("a", { href: `/campaigns/${item.campaign_id}` }, item.campaign_name),
            " ",
            ht("span", recipientKey(item.status), { class: `badge recipient-${item.status}` }),
            item.sent_at ? h("small", { class: "muted" }, ` ${formatDateTime(item.sent_at, language(), timeZone())}`) : "",
            detail ? h("p", { class: "hint" }, detail) : "",
          );
        }),
      ),
    );
  }
}

customElements.define("rapport-contact-campaigns", RapportContactCampaigns);

declare global {
  interface HTMLElementTagNameMap {
    "rapport-contact-campaigns": RapportContactCampaigns;
  }
}
