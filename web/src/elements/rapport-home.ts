import { bindText, languageChanged, t, type MessageKey } from "../i18n";
import { can } from "../lib/permissions";
import { currentMe, role } from "../session";
import { h, ht } from "../ui/dom";
import { icon, type IconName } from "../ui/icons";

type Card = { href: string; title: MessageKey; hint: MessageKey; icon: IconName };

/** An honest start page: who and where you are, and the settings that exist today. */
export class RapportHome extends HTMLElement {
  private readonly onLanguage = () => this.render();

  connectedCallback(): void {
    window.addEventListener(languageChanged, this.onLanguage);
    this.render();
  }

  disconnectedCallback(): void {
    window.removeEventListener(languageChanged, this.onLanguage);
  }

  private render(): void {
    const me = currentMe();
    if (!me) return;
    const cards: Card[] = [
      { href: "/settings/workspace", title: "home.workspaceLink", hint: "home.workspaceHint", icon: "sliders" },
      { href: "/settings/team", title: "home.teamLink", hint: "home.teamHint", icon: "users" },
    ];
    if (can.manageApiKeys(role())) cards.push({ href: "/settings/api-keys", title: "home.apiKeysLink", hint: "home.apiKeysHint", icon: "key" });
    if (can.readAuditLog(role())) cards.push({ href: "/settings/audit", title: "home.auditLink", hint: "home.auditHint", icon: "log" });
    const records: Card[] = [
      { href: "/contacts", title: "home.contactsLink", hint: "home.contactsHint", icon: "contact" },
      { href: "/companies", title: "home.companiesLink", hint: "home.companiesHint", icon: "building" },
      { href: "/pipeline", title: "home.pipelineLink", hint: "home.pipelineHint", icon: "board" },
      { href: "/tasks", title: "home.tasksLink", hint: "home.tasksHint", icon: "check" },
    ];
    const recordList = this.cardList(records);
    const list = this.cardList(cards);
    this.replaceChildren(
      h(
        "section",
        { class: "page" },
        bindText(h("h1", {}), "home.title", { name: me.user?.name ?? "" }),
        bindText(h("p", { class: "lead" }), "home.lead", { workspace: me.workspace.name, role: t(`role.${me.role}`) }),
        ht("h2", "home.records"),
        recordList,
        ht("h2", "home.nextSteps"),
        list,
      ),
    );
  }

  private cardList(cards: Card[]): HTMLElement {
    const list = h("ul", { class: "cards" });
    for (const card of cards) {
      list.append(
        h(
          "li",
          {},
          h(
            "a",
            { class: "card", href: card.href },
            h("span", { class: "card-icon" }, icon(card.icon)),
            h("span", { class: "card-text" }, ht("strong", card.title), ht("span", card.hint)),
          ),
        ),
      );
    }
    return list;
  }
}

customElements.define("rapport-home", RapportHome);

declare global {
  interface HTMLElementTagNameMap {
    "rapport-home": RapportHome;
  }
}
