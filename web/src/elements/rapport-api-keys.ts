import type { ApiKey, CreatedApiKey } from "../../../workers/api-keys/api-key.schema";
import { api } from "../api/client";
import { bindText, language, languageChanged, t } from "../i18n";
import { formatDateTime } from "../lib/format";
import { timeZone } from "../session";
import { h, ht } from "../ui/dom";
import { formMessage, inputField, onSubmit, selectField, valueOf } from "../ui/forms";
import { announce, announceText } from "../ui/status";
import { copyFrom } from "../ui/clipboard";
import { RapportConfirm } from "./rapport-confirm";

const scopes = ["read", "write", "admin"] as const;

/** API keys: create with a scope (the secret is shown once), list, revoke. Admins and the owner only. */
export class RapportApiKeys extends HTMLElement {
  private keys: ApiKey[] = [];
  private readonly listSlot = h("div", { class: "table-wrap" });
  private readonly createdSlot = h("div");
  private readonly onLanguage = () => this.renderList();

  connectedCallback(): void {
    window.addEventListener(languageChanged, this.onLanguage);
    const name = inputField({ name: "name", label: "keys.name", required: true, hint: "keys.nameHint", autocomplete: "off" });
    const scope = selectField(
      "scope",
      "keys.scope",
      [
        { value: "read", key: "keys.scopeRead" },
        { value: "write", key: "keys.scopeWrite" },
        { value: "admin", key: "keys.scopeAdmin" },
      ],
      "read",
    );
    const form = h(
      "form",
      { class: "inline-form", "aria-labelledby": "create-key-title" },
      formMessage(),
      name.row,
      scope.row,
      h("div", { class: "actions" }, ht("button", "keys.submit", { type: "submit", class: "button primary" })),
    );
    onSubmit(form, async () => {
      const chosen = scopes.find((value) => value === valueOf(form, "scope")) ?? "read";
      const created = await api.createApiKey({ name: valueOf(form, "name"), scope: chosen });
      form.reset();
      this.showCreated(created);
      await this.load();
    });
    this.replaceChildren(
      ht("h1", "keys.title"),
      ht("p", "keys.lead", { class: "lead" }),
      h("section", { class: "card-panel", "aria-labelledby": "create-key-title" }, ht("h2", "keys.create", { id: "create-key-title" }), form, this.createdSlot),
      h("section", { class: "card-panel", "aria-labelledby": "keys-title" }, ht("h2", "keys.title", { id: "keys-title" }), this.listSlot),
    );
    void this.load();
  }

  disconnectedCallback(): void {
    window.removeEventListener(languageChanged, this.onLanguage);
  }

  private async load(): Promise<void> {
    try {
      this.keys = (await api.apiKeys()).data;
      this.renderList();
    } catch {
      this.listSlot.replaceChildren(ht("p", "common.loadFailed", { class: "notice error" }));
    }
  }

  // The secret exists only in this element's DOM until "done" removes it; it is never stored.
  private showCreated(created: CreatedApiKey): void {
    const id = "new-api-key";
    const secret = h("input", { id, type: "text", readonly: true, class: "mono", "data-testid": "api-key-secret" });
    secret.value = created.key;
    secret.addEventListener("focus", () => secret.select());
    const copy = ht("button", "keys.copy", { type: "button", class: "button" });
    copy.addEventListener("click", () => void copyFrom(secret, "team.copied"));
    const done = ht("button", "keys.done", { type: "button", class: "button primary" });
    done.addEventListener("click", () => this.createdSlot.replaceChildren());
    this.createdSlot.replaceChildren(
      h(
        "div",
        { class: "secret-box", role: "group", "aria-labelledby": "key-created-title" },
        ht("h3", "keys.createdTitle", { id: "key-created-title" }),
        ht("p", "keys.createdLead", { class: "warning" }),
        bindText(h("label", { for: id, class: "visually-hidden" }), "keys.secret"),
        h("div", { class: "copy-row" }, secret, copy),
        h("div", { class: "actions" }, done),
      ),
    );
    secret.focus();
  }

  private renderList(): void {
    if (this.keys.length === 0) {
      this.listSlot.replaceChildren(ht("p", "keys.none", { class: "empty" }));
      return;
    }
    const locale = language();
    const zone = timeZone();
    const table = h("table", { class: "table", "data-testid": "api-keys" });
    table.append(
      h(
        "thead",
        {},
        h(
          "tr",
          {},
          ht("th", "keys.colName", { scope: "col" }),
          ht("th", "keys.colScope", { scope: "col" }),
          ht("th", "keys.colPrefix", { scope: "col" }),
          ht("th", "keys.colCreated", { scope: "col" }),
          ht("th", "keys.colLastUsed", { scope: "col" }),
          ht("th", "team.colActions", { scope: "col", class: "actions-col" }),
        ),
      ),
    );
    const body = h("tbody");
    for (const key of this.keys) {
      const revoke = ht("button", "keys.revoke", { type: "button", class: "button subtle danger-text" });
      revoke.addEventListener("click", () => {
        void RapportConfirm.ask(t("keys.revokeConfirm", { name: key.name }), "keys.revoke").then(async (confirmed) => {
          if (!confirmed) return;
          try {
            await api.revokeApiKey(key.id);
            announce("keys.revoked", { name: key.name });
            await this.load();
          } catch (error) {
            announceText(error instanceof Error ? error.message : t("error.generic"), "error");
          }
        });
      });
      body.append(
        h(
          "tr",
          {},
          h("td", { "data-label": t("keys.colName") }, key.name),
          h("td", { "data-label": t("keys.colScope") }, h("span", { class: `scope scope-${key.scope}` }, t(`scope.${key.scope}`))),
          h("td", { "data-label": t("keys.colPrefix") }, h("code", {}, `${key.prefix}…`)),
          h("td", { "data-label": t("keys.colCreated") }, formatDateTime(key.created_at, locale, zone)),
          h("td", { "data-label": t("keys.colLastUsed") }, key.last_used_at ? formatDateTime(key.last_used_at, locale, zone) : t("keys.never")),
          h("td", { class: "actions-col" }, revoke),
        ),
      );
    }
    table.append(body);
    this.listSlot.replaceChildren(table);
  }
}

customElements.define("rapport-api-keys", RapportApiKeys);

declare global {
  interface HTMLElementTagNameMap {
    "rapport-api-keys": RapportApiKeys;
  }
}
