import type { Form } from "../../../workers/forms/form.schema";
import type { Member } from "../../../workers/team/member.schema";
import { api } from "../api/client";
import { language, languageChanged, t } from "../i18n";
import { formatDateTime } from "../lib/format";
import { timeZone } from "../session";
import { h, ht } from "../ui/dom";
import { members, ownerName } from "../ui/members";

/** Settings → Forms: every lead-capture form of the workspace, and the way to create one. */
export class RapportForms extends HTMLElement {
  private forms: Form[] = [];
  private members: Member[] = [];
  private readonly listSlot = h("div", { class: "table-wrap" });
  private readonly onLanguage = () => this.renderList();

  connectedCallback(): void {
    window.addEventListener(languageChanged, this.onLanguage);
    const create = ht("a", "forms.create", { class: "button primary", href: "/settings/forms/new" });
    this.replaceChildren(
      h("div", { class: "page-head" }, h("div", {}, ht("h1", "forms.title"), ht("p", "forms.lead", { class: "lead" })), h("div", { class: "page-actions" }, create)),
      h("section", { class: "card-panel" }, this.listSlot),
    );
    this.listSlot.append(ht("p", "app.loading", { class: "loading" }));
    void this.load();
  }

  disconnectedCallback(): void {
    window.removeEventListener(languageChanged, this.onLanguage);
  }

  private async load(): Promise<void> {
    try {
      const [forms, list] = await Promise.all([api.forms(), members()]);
      this.forms = forms.data;
      this.members = list;
      this.renderList();
    } catch {
      this.listSlot.replaceChildren(ht("p", "common.loadFailed", { class: "notice error" }));
    }
  }

  private ownerText(form: Form): string {
    if (form.owner_mode === "none") return t("forms.ownerMode.none");
    const names = form.owner_ids.map((id) => ownerName(this.members, id)).filter((name) => name !== "");
    return form.owner_mode === "round_robin" ? `${t("forms.ownerMode.round_robin")}: ${names.join(", ")}` : names.join(", ");
  }

  private renderList(): void {
    if (this.forms.length === 0) {
      this.listSlot.replaceChildren(ht("p", "forms.none", { class: "empty" }));
      return;
    }
    const locale = language();
    const zone = timeZone();
    const table = h("table", { class: "table", "data-testid": "forms" });
    table.append(
      h(
        "thead",
        {},
        h("tr", {}, ht("th", "forms.colName", { scope: "col" }), ht("th", "forms.colFields", { scope: "col" }), ht("th", "forms.colOwner", { scope: "col" }), ht("th", "forms.colCreated", { scope: "col" })),
      ),
    );
    const body = h("tbody");
    for (const form of this.forms) {
      body.append(
        h(
          "tr",
          {},
          h("td", { "data-label": t("forms.colName") }, h("a", { href: `/settings/forms/${form.id}` }, form.name)),
          h("td", { "data-label": t("forms.colFields") }, form.fields.map((f) => f.label ?? t(`forms.field.${f.field}`)).join(", ")),
          h("td", { "data-label": t("forms.colOwner") }, this.ownerText(form)),
          h("td", { "data-label": t("forms.colCreated") }, formatDateTime(form.created_at, locale, zone)),
        ),
      );
    }
    table.append(body);
    this.listSlot.replaceChildren(table);
  }
}

customElements.define("rapport-forms", RapportForms);

declare global {
  interface HTMLElementTagNameMap {
    "rapport-forms": RapportForms;
  }
}
