import { bindAttribute, type MessageKey } from "../i18n";
import { can } from "../lib/permissions";
import { role } from "../session";
import { h, ht } from "../ui/dom";
import "./rapport-exchange-rates";
import "./rapport-form-detail";
import "./rapport-form-editor";
import "./rapport-forms";
import "./rapport-notification-settings";
import "./rapport-outbox";
import "./rapport-pipeline-settings";

type Section = { id: string; href: string; label: MessageKey; tag: string; visible: boolean };

/** Settings layout: a section menu (only sections the role may use) beside the chosen section. */
export class RapportSettings extends HTMLElement {
  connectedCallback(): void {
    const current = this.getAttribute("section") ?? "workspace";
    const sections: Section[] = [
      { id: "workspace", href: "/settings/workspace", label: "nav.workspace", tag: "rapport-workspace-settings", visible: true },
      { id: "team", href: "/settings/team", label: "nav.team", tag: "rapport-team-settings", visible: true },
      { id: "pipelines", href: "/settings/pipelines", label: "nav.pipelines", tag: "rapport-pipeline-settings", visible: true },
      { id: "exchange-rates", href: "/settings/exchange-rates", label: "nav.exchangeRates", tag: "rapport-exchange-rates", visible: true },
      { id: "forms", href: "/settings/forms", label: "nav.forms", tag: "rapport-forms", visible: can.editWorkspace(role()) },
      { id: "api-keys", href: "/settings/api-keys", label: "nav.apiKeys", tag: "rapport-api-keys", visible: can.manageApiKeys(role()) },
      { id: "audit", href: "/settings/audit", label: "nav.audit", tag: "rapport-audit-log", visible: can.readAuditLog(role()) },
      { id: "notifications", href: "/settings/notifications", label: "nav.notifications", tag: "rapport-notification-settings", visible: true },
      // Stored emails reach other people's addresses, so only owners and admins read them.
      { id: "outbox", href: "/settings/outbox", label: "nav.outbox", tag: "rapport-outbox", visible: can.editWorkspace(role()) },
    ];
    const nav = bindAttribute(h("nav", { class: "settings-nav" }), "aria-label", "nav.settingsSections");
    const list = h("ul");
    for (const section of sections.filter((candidate) => candidate.visible)) {
      list.append(h("li", {}, ht("a", section.label, { href: section.href, "aria-current": section.id === current ? "page" : undefined })));
    }
    nav.append(list);
    const chosen = sections.find((section) => section.id === current && section.visible);
    const content = chosen ? this.contentFor(chosen) : ht("p", "common.forbidden", { class: "notice" });
    this.replaceChildren(h("div", { class: "settings-layout" }, nav, h("div", { class: "settings-content" }, content)));
  }

  /** Forms has sub-pages: the list, a new form, one form, and its editor. */
  private contentFor(section: Section): HTMLElement {
    const formId = this.getAttribute("form-id") ?? undefined;
    const emailId = this.getAttribute("email-id");
    if (section.id === "outbox" && emailId) return h("rapport-outbox", { "email-id": emailId });
    if (section.id !== "forms") return document.createElement(section.tag);
    switch (this.getAttribute("view")) {
      case "new":
        return h("rapport-form-editor");
      case "edit":
        return h("rapport-form-editor", { "form-id": formId });
      case "detail":
        return h("rapport-form-detail", { "form-id": formId });
      default:
        return h("rapport-forms");
    }
  }
}

customElements.define("rapport-settings", RapportSettings);

declare global {
  interface HTMLElementTagNameMap {
    "rapport-settings": RapportSettings;
  }
}
