import type { Workspace } from "../../../workers/workspaces/workspace.schema";
import { api, ApiError } from "../api/client";
import { language, languageChanged } from "../i18n";
import { countryOptions, currencyOptions, timeZoneOptions } from "../lib/format";
import { languageNames, languages } from "../lib/language";
import { can } from "../lib/permissions";
import { renameWorkspace, role } from "../session";
import { append, h, ht } from "../ui/dom";
import { formMessage, inputField, onSubmit, selectField, showErrors, valueOf } from "../ui/forms";
import { announce } from "../ui/status";

/** Workspace settings; read-only below admin. Saves with If-Match so concurrent edits are caught. */
export class RapportWorkspaceSettings extends HTMLElement {
  private etag: string | null = null;
  private workspace: Workspace | null = null;
  private readonly onLanguage = () => this.render(true);

  connectedCallback(): void {
    window.addEventListener(languageChanged, this.onLanguage);
    this.replaceChildren(ht("p", "app.loading", { class: "loading" }));
    void this.load();
  }

  disconnectedCallback(): void {
    window.removeEventListener(languageChanged, this.onLanguage);
  }

  private async load(): Promise<void> {
    try {
      const { data, etag } = await api.workspace();
      this.workspace = data;
      this.etag = etag;
      this.render();
    } catch {
      this.replaceChildren(ht("p", "common.loadFailed", { class: "notice error" }));
    }
  }

  private render(keepDraft = false): void {
    const workspace = this.workspace;
    if (!workspace) return;
    const editable = can.editWorkspace(role());
    const locale = language();
    // Re-rendering (a language switch) keeps what the user has typed but not yet saved.
    const previous = keepDraft ? this.querySelector("form") : null;
    const draft = (field: keyof Workspace, saved: string) => (previous instanceof HTMLFormElement ? valueOf(previous, field) || saved : saved);
    const name = inputField({ name: "name", label: "workspace.name", required: true, value: draft("name", workspace.name), readOnly: !editable });
    const currency = selectField("default_currency", "workspace.currency", currencyOptions(locale), draft("default_currency", workspace.default_currency), !editable);
    const zone = selectField(
      "time_zone",
      "workspace.timeZone",
      timeZoneOptions(workspace.time_zone).map((value) => ({ value })),
      draft("time_zone", workspace.time_zone),
      !editable,
    );
    const country = selectField("default_phone_country", "workspace.phoneCountry", countryOptions(locale), draft("default_phone_country", workspace.default_phone_country), !editable);
    const lang = selectField(
      "language",
      "workspace.language",
      languages.map((code) => ({ value: code, label: languageNames[code] })),
      draft("language", workspace.language),
      !editable,
    );
    const form = h("form", { class: "stack card-panel", "aria-labelledby": "workspace-title" }, formMessage(), name.row, currency.row, zone.row, country.row, lang.row);
    if (editable) form.append(h("div", { class: "actions" }, ht("button", "workspace.save", { type: "submit", class: "button primary" })));
    onSubmit(form, async () => {
      const changes = {
        name: valueOf(form, "name"),
        default_currency: valueOf(form, "default_currency"),
        time_zone: valueOf(form, "time_zone"),
        default_phone_country: valueOf(form, "default_phone_country"),
        language: languages.find((code) => code === valueOf(form, "language")) ?? workspace.language,
      };
      try {
        const { data, etag } = await api.updateWorkspace(changes, this.etag);
        this.workspace = data;
        this.etag = etag;
        renameWorkspace(data.name);
        this.render();
        announce("workspace.saved");
      } catch (error) {
        if (error instanceof ApiError && error.code === "version_mismatch") {
          await this.load();
          const fresh = this.querySelector("form");
          if (fresh instanceof HTMLFormElement) showErrors(fresh, new ApiError(412, "version_mismatch", "", {}, [], null));
          announce("workspace.stale", undefined, "error");
          return;
        }
        throw error;
      }
    });
    this.replaceChildren();
    append(this, [
      ht("h1", "workspace.title", { id: "workspace-title" }),
      editable ? null : ht("p", "workspace.readOnly", { class: "notice" }),
      form,
    ]);
  }
}

customElements.define("rapport-workspace-settings", RapportWorkspaceSettings);

declare global {
  interface HTMLElementTagNameMap {
    "rapport-workspace-settings": RapportWorkspaceSettings;
  }
}
