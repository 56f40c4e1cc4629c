import type { Contact } from "../../../workers/contacts/contact.schema";
import { campaignsApi, type TemplateInput } from "../api/campaigns";
import { api, ApiError } from "../api/client";
import { templatePreviewsApi } from "../api/template-previews";
import { bindAttribute, bindText, language, languageChanged, t, type MessageKey } from "../i18n";
import { filledVariants, insertAt, type MergeField, mergeFields, mergeTag, type TemplateLanguage, templateErrorTarget, templateLanguages, type VariantDraft } from "../lib/campaigns";
import { languageName } from "../lib/format";
import { can } from "../lib/permissions";
import { navigate } from "../router";
import { currentMe, role } from "../session";
import { h, ht, uid } from "../ui/dom";
import { clearErrors, fieldRow, formMessage, onSubmit, showErrors } from "../ui/forms";
import { announce } from "../ui/status";
import { RapportConfirm } from "./rapport-confirm";
import { campaignNav } from "./rapport-campaigns";

type Panel = { tab: HTMLButtonElement; panel: HTMLElement; subject: HTMLInputElement; html: HTMLTextAreaElement };

const fieldKey = (field: MergeField): MessageKey => `templates.merge.${field}`;

/**
 * Template editor: name, default language, one tab per language (subject + HTML body), a
 * merge-field picker that inserts at the caret, a preview for a chosen contact in a sandboxed
 * iframe, a test send to yourself, and 422 errors under the field (and on the tab) that caused them.
 */
export class RapportTemplateEditor extends HTMLElement {
  private templateId: string | null = null;
  private etag: string | null = null;
  private active: TemplateLanguage = "en";
  private lastTarget: HTMLInputElement | HTMLTextAreaElement | null = null;
  private dirty = false;
  private readonly panels = new Map<TemplateLanguage, Panel>();
  private readonly form = h("form", { class: "stack template-form", "aria-labelledby": "template-title" });
  private readonly name = h("input", { id: uid("f-name"), name: "name", required: true, maxlength: "100", autocomplete: "off" });
  private readonly defaultLanguage = h("select", { id: uid("f-lang"), name: "default_language" });
  private readonly tablist = h("div", { class: "lang-tabs", role: "tablist" });
  private readonly contactSearch = h("input", { id: uid("f-contact-q"), type: "search", autocomplete: "off" });
  private readonly contactSelect = h("select", { id: uid("f-contact"), "data-testid": "preview-contact" });
  private readonly previewLanguage = h("select", { id: uid("f-preview-lang") });
  private readonly previewSubject = h("p", { class: "preview-subject", "data-testid": "preview-subject" });
  // sandbox="" with no permissions: no scripts, no forms, no same-origin access — the email's HTML
  // is the user's own, but it is still markup from outside this page. It loads a document the
  // API serves with a CSP of its own (templates/previews), not srcdoc: a srcdoc document would
  // inherit this page's style-src 'self' and drop the inline styles real email is made of.
  private readonly previewFrame = h("iframe", { class: "email-preview", sandbox: "", referrerpolicy: "no-referrer", "data-testid": "preview-frame", hidden: true });
  private readonly previewMessage = h("p", { class: "form-error", role: "alert", hidden: true });
  private readonly removeButton = ht("button", "records.delete", { type: "button", class: "button danger", hidden: true });
  private searchTimer: ReturnType<typeof setTimeout> | undefined;
  /** Once a preview is shown it follows the draft: edits re-render it after a pause in typing. */
  private previewShown = false;
  private previewTimer: ReturnType<typeof setTimeout> | undefined;
  private previewAbort: AbortController | null = null;

  // Language names (tabs, selects) come from Intl in the UI's language; a switch renames them.
  private readonly onLanguage = () => {
    for (const [code, panel] of this.panels) panel.tab.textContent = languageName(code, language());
    for (const select of [this.defaultLanguage, this.previewLanguage]) {
      for (const option of select.options) if (option.value) option.textContent = languageName(option.value, language());
    }
  };

  connectedCallback(): void {
    window.addEventListener(languageChanged, this.onLanguage);
    this.templateId = this.getAttribute("template-id");
    const writable = can.writeRecords(role());
    for (const code of templateLanguages) this.defaultLanguage.append(h("option", { value: code }, languageName(code, language())));
    this.defaultLanguage.value = templateLanguages.find((code) => code === currentMe()?.user?.language) ?? "en";
    this.active = this.defaultLanguage.value === "en" ? "en" : templateLanguages.find((code) => code === this.defaultLanguage.value) ?? "en";
    bindAttribute(this.tablist, "aria-label", "templates.languageTabs");
    const panelsBox = h("div", { class: "lang-panels" });
    for (const code of templateLanguages) {
      const panel = this.buildPanel(code);
      this.panels.set(code, panel);
      this.tablist.append(panel.tab);
      panelsBox.append(panel.panel);
    }
    this.tablist.addEventListener("keydown", (event) => this.onTabKey(event));
    const save = ht("button", "records.save", { type: "submit", class: "button primary", "data-testid": "save-template" });
    this.form.append(
      h("div", { class: "form-grid" }, fieldRow(this.name.id, "templates.name", this.name), fieldRow(this.defaultLanguage.id, "templates.defaultLanguage", this.defaultLanguage, "templates.defaultLanguageHint")),
      this.mergePicker(),
      h("div", { class: "lang-editor" }, this.tablist, panelsBox),
      formMessage(),
      h("div", { class: "actions" }, writable ? save : null, writable ? this.removeButton : null),
    );
    this.form.addEventListener("input", () => {
      this.dirty = true;
      this.markTabs();
      this.schedulePreview();
    });
    onSubmit(this.form, () => this.save());
    this.removeButton.addEventListener("click", () => void this.deleteRecord());
    this.replaceChildren(
      h("div", { class: "page-head" }, h("div", {}, ht("p", "campaigns.title", { class: "crumbs" }), ht("h1", this.templateId ? "templates.editTitle" : "templates.createTitle", { id: "template-title" }))),
      h("div", { class: "settings-layout" }, campaignNav("templates"), h("div", { class: "settings-content" }, this.form, this.previewPanel(writable))),
    );
    this.select(this.active, false);
    void this.load();
  }

  disconnectedCallback(): void {
    window.removeEventListener(languageChanged, this.onLanguage);
    clearTimeout(this.searchTimer);
    clearTimeout(this.previewTimer);
    this.previewAbort?.abort();
  }

  private buildPanel(code: TemplateLanguage): Panel {
    const tabId = uid(`tab-${code}`);
    const panelId = uid(`panel-${code}`);
    const tab = h("button", { type: "button", role: "tab", id: tabId, "aria-controls": panelId, "aria-selected": "false", tabindex: "-1", class: "lang-tab", "data-lang": code, "data-testid": `tab-${code}` }, languageName(code, language()));
    tab.addEventListener("click", () => this.select(code, true));
    const subject = h("input", { id: uid(`f-subject-${code}`), name: `subject-${code}`, maxlength: "300", autocomplete: "off", "data-testid": `subject-${code}` });
    const html = h("textarea", { id: uid(`f-html-${code}`), name: `html-${code}`, rows: "14", spellcheck: "true", lang: code, class: "code-area", "data-testid": `html-${code}` });
    for (const control of [subject, html]) control.addEventListener("focus", () => (this.lastTarget = control));
    const panel = h("div", { role: "tabpanel", id: panelId, "aria-labelledby": tabId, class: "lang-panel", hidden: true }, fieldRow(subject.id, "templates.subject", subject), fieldRow(html.id, "templates.html", html, "templates.htmlHint"));
    return { tab, panel, subject, html };
  }

  private select(code: TemplateLanguage, focus: boolean): void {
    this.active = code;
    for (const [lang, panel] of this.panels) {
      const on = lang === code;
      panel.tab.setAttribute("aria-selected", String(on));
      panel.tab.tabIndex = on ? 0 : -1;
      panel.panel.hidden = !on;
    }
    this.lastTarget = null;
    if (focus) this.panels.get(code)?.tab.focus();
  }

  /** Arrow keys, Home and End move between the language tabs (the tabs pattern). */
  private onTabKey(event: KeyboardEvent): void {
    const index = templateLanguages.indexOf(this.active);
    const last = templateLanguages.length - 1;
    const next = event.key === "ArrowRight" ? (index + 1) % (last + 1) : event.key === "ArrowLeft" ? (index + last) % (last + 1) : event.key === "Home" ? 0 : event.key === "End" ? last : null;
    if (next === null) return;
    event.preventDefault();
    const code = templateLanguages[next];
    if (code) this.select(code, true);
  }

  /** A tab with content shows a dot; one with an error says so in its name too. */
  private markTabs(): void {
    for (const [, panel] of this.panels) panel.tab.dataset.filled = String(panel.subject.value.trim() !== "" || panel.html.value.trim() !== "");
  }

  private mergePicker(): HTMLElement {
    const field = h("select", { id: uid("f-merge"), "data-testid": "merge-field" });
    for (const name of mergeFields) field.append(bindText(h("option", { value: name }), fieldKey(name)));
    const fallback = h("input", { id: uid("f-fallback"), autocomplete: "off", maxlength: "100", "data-testid": "merge-fallback" });
    const insert = ht("button", "templates.insert", { type: "button", class: "button", "data-testid": "merge-insert" });
    insert.addEventListener("click", () => {
      const panel = this.panels.get(this.active);
      const target = this.lastTarget && panel && (this.lastTarget === panel.subject || this.lastTarget === panel.html) ? this.lastTarget : panel?.html;
      if (!target) return;
      const chosen = mergeFields.find((name) => name === field.value) ?? "first_name";
      const start = target.selectionStart ?? target.value.length;
      const end = target.selectionEnd ?? start;
      const next = insertAt(target.value, start, end, mergeTag(chosen, fallback.value));
      target.value = next.text;
      target.focus();
      target.setSelectionRange(next.caret, next.caret);
      this.dirty = true;
      this.markTabs();
      this.schedulePreview();
    });
    return h(
      "fieldset",
      { class: "merge-picker" },
      ht("legend", "templates.mergeTitle"),
      h("div", { class: "merge-row" }, fieldRow(field.id, "templates.mergeField", field), fieldRow(fallback.id, "templates.mergeFallback", fallback), insert),
      ht("p", "templates.mergeHint", { class: "hint" }),
    );
  }

  private previewPanel(writable: boolean): HTMLElement {
    this.previewLanguage.append(bindText(h("option", { value: "" }), "templates.contactLanguage"), ...templateLanguages.map((code) => h("option", { value: code }, languageName(code, language()))));
    bindAttribute(this.contactSearch, "placeholder", "templates.contactSearch");
    this.contactSearch.addEventListener("input", () => {
      clearTimeout(this.searchTimer);
      this.searchTimer = setTimeout(() => void this.loadContacts(), 300);
    });
    for (const select of [this.contactSelect, this.previewLanguage]) select.addEventListener("change", () => this.schedulePreview());
    const show = ht("button", "templates.preview", { type: "button", class: "button", "data-testid": "preview" });
    show.addEventListener("click", () => void this.preview(show));
    const test = ht("button", "templates.testSend", { type: "button", class: "button subtle", "data-testid": "test-send" });
    test.addEventListener("click", () => void this.testSend(test));
    return h(
      "section",
      { class: "card-panel template-preview", "aria-labelledby": "template-preview-title" },
      ht("h2", "templates.previewTitle", { id: "template-preview-title" }),
      ht("p", "templates.previewLead", { class: "hint" }),
      h("div", { class: "form-grid" }, fieldRow(this.contactSearch.id, "templates.findContact", this.contactSearch), fieldRow(this.contactSelect.id, "templates.contact", this.contactSelect), fieldRow(this.previewLanguage.id, "templates.previewLanguage", this.previewLanguage)),
      h("div", { class: "actions" }, show, writable ? test : null),
      this.previewMessage,
      this.previewSubject,
      this.previewFrame,
    );
  }

  private async loadContacts(): Promise<void> {
    try {
      const q = this.contactSearch.value.trim();
      const page = await api.contacts({ limit: 25, ...(q ? { q } : {}) });
      const label = (contact: Contact) => `${[contact.first_name, contact.last_name].filter(Boolean).join(" ") || contact.id}${contact.emails[0] ? ` <${contact.emails[0]}>` : ""}${contact.language ? ` · ${contact.language}` : ""}`;
      this.contactSelect.replaceChildren(...page.data.map((contact) => h("option", { value: contact.id }, label(contact))));
      if (page.data.length === 0) this.contactSelect.append(bindText(h("option", { value: "" }), "templates.noContacts"));
    } catch {
      this.contactSelect.replaceChildren(bindText(h("option", { value: "" }), "common.loadFailed"));
    }
  }

  private async load(): Promise<void> {
    void this.loadContacts();
    if (!this.templateId) return;
    try {
      const { data, etag } = await campaignsApi.template(this.templateId);
      this.etag = etag;
      this.name.value = data.name;
      this.defaultLanguage.value = data.default_language;
      for (const variant of data.variants) {
        const panel = this.panels.get(variant.language);
        if (!panel) continue;
        panel.subject.value = variant.subject;
        panel.html.value = variant.html;
      }
      this.removeButton.hidden = false;
      this.markTabs();
      this.select(data.default_language, false);
      this.dirty = false;
    } catch (error) {
      showErrors(this.form, error);
    }
  }

  private drafts(): VariantDraft[] {
    return templateLanguages.map((code) => ({ language: code, subject: this.panels.get(code)?.subject.value ?? "", html: this.panels.get(code)?.html.value ?? "" }));
  }

  private body(): TemplateInput {
    const code = templateLanguages.find((value) => value === this.defaultLanguage.value) ?? "en";
    return { name: this.name.value.trim(), default_language: code, variants: filledVariants(this.drafts()) };
  }

  private async save(): Promise<void> {
    const body = this.body();
    const missing = this.checkLocally(body);
    if (missing) throw missing;
    try {
      if (this.templateId) {
        const { data, etag } = await campaignsApi.updateTemplate(this.templateId, body, this.etag);
        this.etag = etag;
        announce("templates.saved", { name: data.name });
      } else {
        const created = await campaignsApi.createTemplate(body);
        this.templateId = created.id;
        announce("templates.saved", { name: created.name });
        navigate(`/campaigns/templates/${created.id}`, { replace: true });
      }
      this.dirty = false;
      for (const [, panel] of this.panels) delete panel.tab.dataset.invalid;
    } catch (error) {
      throw this.placeErrors(error, body);
    }
  }

  /** The obvious mistakes, said before a round trip: no name, no variant, the default language empty. */
  private checkLocally(body: TemplateInput): ApiError | null {
    if (body.name === "") return new ApiError(422, "validation_failed", t("templates.nameMissing"), { name: t("templates.nameMissing") }, [], null);
    if (body.variants.length === 0) return new ApiError(422, "validation_failed", t("templates.noVariant"), {}, [t("templates.noVariant")], null);
    if (!body.variants.some((variant) => variant.language === body.default_language)) {
      return new ApiError(422, "validation_failed", t("templates.defaultMissing"), { default_language: t("templates.defaultMissing") }, [], null);
    }
    for (const [index, variant] of body.variants.entries()) {
      if (variant.subject.trim() === "") return new ApiError(422, "validation_failed", "", { [`variants.${index}.subject`]: t("templates.subjectMissing") }, [], null);
      if (variant.html.trim() === "") return new ApiError(422, "validation_failed", "", { [`variants.${index}.html`]: t("templates.htmlMissing") }, [], null);
    }
    return null;
  }

  /**
   * Rewrites `variants.<i>.<field>` errors (the i-th variant sent) to the input of that language's
   * tab, marks the tab and opens the first one with an error, so the message sits under its field.
   */
  private placeErrors(error: unknown, body: TemplateInput): unknown {
    if (!(error instanceof ApiError)) return error;
    if (error.status === 412) return new ApiError(412, error.code, t("templates.stale"), {}, [], error.requestId);
    const fieldErrors: Record<string, string> = {};
    let first: string | null = null;
    for (const [, panel] of this.panels) delete panel.tab.dataset.invalid;
    for (const [name, detail] of Object.entries(error.fieldErrors)) {
      const target = templateErrorTarget(`/${name.replaceAll(".", "/")}`, body.variants);
      if (target?.language) {
        const field = target.field === "text" ? "html" : target.field;
        fieldErrors[`${field}-${target.language}`] = detail;
        const panel = this.panels.get(target.language as TemplateLanguage);
        if (panel) panel.tab.dataset.invalid = "true";
        first ??= target.language;
      } else fieldErrors[name] = detail;
    }
    const code = templateLanguages.find((value) => value === first);
    if (code) this.select(code, false);
    return new ApiError(error.status, error.code, Object.keys(fieldErrors).length > 0 ? t("templates.fixErrors") : error.message, fieldErrors, error.otherErrors, error.requestId, error.retryAfterSeconds, error.extensions, {});
  }

  /** A test send mails what is saved, so unsaved edits are saved first (the preview shows the draft). */
  private async saveIfNeeded(): Promise<boolean> {
    if (this.templateId && !this.dirty) return true;
    clearErrors(this.form);
    try {
      await this.save();
      return this.templateId !== null;
    } catch (error) {
      showErrors(this.form, error);
      return false;
    }
  }

  /** Re-renders a shown preview 600 ms after the last edit (the previous request is aborted). */
  private schedulePreview(): void {
    if (!this.previewShown) return;
    clearTimeout(this.previewTimer);
    this.previewTimer = setTimeout(() => void this.renderPreview(), 600);
  }

  private async preview(button: HTMLButtonElement): Promise<void> {
    clearTimeout(this.previewTimer);
    button.disabled = true;
    try {
      await this.renderPreview();
    } finally {
      button.disabled = false;
    }
  }

  /** The draft as it stands (saved or not) for the chosen contact, shown in the sandboxed frame. */
  private async renderPreview(): Promise<void> {
    this.previewMessage.hidden = true;
    const contactId = this.contactSelect.value;
    const variants = filledVariants(this.drafts());
    const problem = !contactId ? t("templates.pickContact") : variants.length === 0 ? t("templates.noVariant") : null;
    if (problem) {
      this.previewMessage.textContent = problem;
      this.previewMessage.hidden = false;
      return;
    }
    this.previewAbort?.abort();
    const abort = new AbortController();
    this.previewAbort = abort;
    const defaultLanguage = templateLanguages.find((code) => code === this.defaultLanguage.value) ?? "en";
    const asked = templateLanguages.find((code) => code === this.previewLanguage.value);
    try {
      const preview = await templatePreviewsApi.create({ default_language: defaultLanguage, variants, contact_id: contactId, ...(asked ? { language: asked } : {}) }, abort.signal);
      if (abort.signal.aborted) return;
      this.previewSubject.replaceChildren(h("span", { class: "muted" }, `${t("templates.subject")} (${languageName(preview.language, language())}): `), h("strong", {}, preview.subject));
      this.previewFrame.src = preview.url;
      this.previewFrame.hidden = false;
      this.previewShown = true;
      bindAttribute(this.previewFrame, "title", "templates.previewFrameTitle");
    } catch (error) {
      if (abort.signal.aborted) return;
      this.previewMessage.textContent = this.previewProblem(error, variants);
      this.previewMessage.hidden = false;
    }
  }

  /** A 422 on the draft names the language version it is about: "Lithuanian: Unknown merge field …". */
  private previewProblem(error: unknown, sent: readonly VariantDraft[]): string {
    if (!(error instanceof ApiError)) return error instanceof Error ? error.message : t("error.generic");
    const details = Object.entries(error.fieldErrors).map(([name, detail]) => {
      const target = templateErrorTarget(`/${name.replaceAll(".", "/")}`, sent);
      return target?.language ? `${languageName(target.language, language())}: ${detail}` : detail;
    });
    return details.length > 0 ? details.join(" ") : error.message;
  }

  private async testSend(button: HTMLButtonElement): Promise<void> {
    button.disabled = true;
    this.previewMessage.hidden = true;
    try {
      if (!(await this.saveIfNeeded()) || !this.templateId) return;
      await campaignsApi.testTemplate(this.templateId, { language: this.active });
      announce("templates.testSent", { email: currentMe()?.user?.email ?? "" });
    } catch (error) {
      this.previewMessage.textContent = error instanceof Error ? error.message : t("error.generic");
      this.previewMessage.hidden = false;
    } finally {
      button.disabled = false;
    }
  }

  private async deleteRecord(): Promise<void> {
    if (!this.templateId) return;
    if (!(await RapportConfirm.ask(t("templates.deleteConfirm", { name: this.name.value }), "records.delete"))) return;
    try {
      await campaignsApi.deleteTemplate(this.templateId);
      announce("templates.deleted", { name: this.name.value });
      navigate("/campaigns/templates");
    } catch (error) {
      showErrors(this.form, error);
    }
  }
}

customElements.define("rapport-template-editor", RapportTemplateEditor);

declare global {
  interface HTMLElementTagNameMap {
    "rapport-template-editor": RapportTemplateEditor;
  }
}
