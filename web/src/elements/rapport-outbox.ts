import { api, type Page } from "../api/client";
import type { OutboxEmail, OutboxSummary } from "../api/task-decoders";
import { bindText, language, t } from "../i18n";
import { formatDateTime } from "../lib/format";
import { timeZone } from "../session";
import { h, ht } from "../ui/dom";

/**
 * Settings → Outbox (owners and admins): every email Rapport stored for sending, and a reader for
 * one. The outbox is the local stand-in for a mail server, so reminders can be checked with none.
 */
export class RapportOutbox extends HTMLElement {
  private cursor: string | null = null;
  private readonly body = h("tbody");
  private readonly more = ht("button", "outbox.loadMore", { type: "button", class: "button", hidden: true });

  connectedCallback(): void {
    const emailId = this.getAttribute("email-id");
    if (emailId) {
      this.replaceChildren(ht("p", "app.loading", { class: "loading" }));
      void this.showEmail(emailId);
      return;
    }
    const table = h(
      "table",
      { class: "grid outbox-grid", "data-testid": "outbox" },
      bindText(h("caption", { class: "visually-hidden" }), "outbox.title"),
      h("thead", {}, h("tr", {}, ht("th", "outbox.colTo", { scope: "col" }), ht("th", "outbox.colSubject", { scope: "col" }), ht("th", "outbox.colKind", { scope: "col" }), ht("th", "outbox.colTime", { scope: "col" }))),
      this.body,
    );
    this.more.addEventListener("click", () => void this.load());
    this.replaceChildren(
      h("div", { class: "page-head" }, h("div", {}, ht("h1", "outbox.title"), ht("p", "outbox.lead", { class: "lead" }))),
      h("section", { class: "card-panel flush" }, h("div", { class: "table-scroll" }, table)),
      h("div", { class: "load-more" }, this.more),
    );
    void this.load();
  }

  private async load(): Promise<void> {
    let page: Page<OutboxSummary>;
    try {
      page = await api.outbox({ cursor: this.cursor ?? undefined });
    } catch {
      this.body.replaceChildren(h("tr", {}, h("td", { colspan: "4" }, ht("p", "common.loadFailed", { class: "notice error" }))));
      return;
    }
    if (this.cursor === null && page.data.length === 0) this.body.replaceChildren(h("tr", {}, h("td", { colspan: "4", class: "empty" }, t("outbox.empty"))));
    for (const email of page.data) {
      const to = email.to_name ? `${email.to_name} <${email.to_address}>` : email.to_address;
      this.body.append(
        h(
          "tr",
          { "data-testid": "outbox-row" },
          h("td", { class: "clip" }, to),
          h("td", {}, h("a", { href: `/settings/outbox/${email.id}` }, email.subject || t("outbox.noSubject"))),
          h("td", {}, h("span", { class: "badge" }, email.kind)),
          h("td", { class: "nowrap" }, h("time", { datetime: email.created_at }, formatDateTime(email.created_at, language(), timeZone()))),
        ),
      );
    }
    this.cursor = page.next_cursor;
    this.more.hidden = this.cursor === null;
  }

  private async showEmail(emailId: string): Promise<void> {
    let email: OutboxEmail;
    try {
      email = await api.outboxEmail(emailId);
    } catch {
      this.replaceChildren(ht("a", "outbox.back", { href: "/settings/outbox" }), ht("p", "common.loadFailed", { class: "notice error" }));
      return;
    }
    const row = (label: "outbox.from" | "outbox.to" | "outbox.date" | "outbox.kind" | "outbox.status", value: string) => h("div", { class: "prop" }, ht("dt", label), h("dd", {}, value));
    const parts: Node[] = [
      ht("a", "outbox.back", { href: "/settings/outbox", class: "back-link" }),
      h("h1", { class: "outbox-subject" }, email.subject || t("outbox.noSubject")),
      h(
        "dl",
        { class: "props" },
        row("outbox.from", email.from_address),
        row("outbox.to", email.to_name ? `${email.to_name} <${email.to_address}>` : email.to_address),
        row("outbox.date", formatDateTime(email.created_at, language(), timeZone())),
        row("outbox.kind", email.kind),
        row("outbox.status", email.status),
      ),
      // The text part is shown as text (textContent), never parsed.
      h("section", { class: "card-panel" }, ht("h2", "outbox.textPart"), h("pre", { class: "email-text", "data-testid": "email-text" }, email.text)),
    ];
    if (email.html !== null) {
      // The HTML part is rendered only inside an iframe with an empty sandbox attribute (no
      // scripts, no forms, no navigation of this page, a unique origin that cannot read the app's
      // cookies or storage), loaded from /outbox/{id}/html: a document with its own CSP, so the
      // email's inline styles apply while remote images (tracking pixels) stay blocked. It is
      // loaded on request, so reading an email never fetches anything the admin did not ask for.
      const frame = h("iframe", { class: "email-html", sandbox: "", referrerpolicy: "no-referrer", title: t("outbox.htmlPart"), hidden: true, "data-testid": "email-html" });
      const show = ht("button", "outbox.showHtml", { type: "button", class: "button", "aria-expanded": "false", "data-testid": "show-html" });
      show.addEventListener("click", () => {
        if (!frame.getAttribute("src")) frame.src = `/api/v1/outbox/${encodeURIComponent(email.id)}/html`;
        frame.hidden = !frame.hidden;
        show.setAttribute("aria-expanded", String(!frame.hidden));
      });
      parts.push(h("section", { class: "card-panel" }, ht("h2", "outbox.htmlPart"), show, frame));
    }
    this.replaceChildren(...parts);
  }
}

customElements.define("rapport-outbox", RapportOutbox);

declare global {
  interface HTMLElementTagNameMap {
    "rapport-outbox": RapportOutbox;
  }
}
