import type { Form, FormCreateInput } from "../../../workers/forms/form.schema";
import type { Pipeline } from "../../../workers/pipelines/pipeline.schema";
import type { Member } from "../../../workers/team/member.schema";
import { api } from "../api/client";
import { bindAttribute, bindText, t, type MessageKey } from "../i18n";
import { blankToNull, formFieldNames, type FormFieldName, moveItem, nextUnusedField, parseTags } from "../lib/forms";
import { lifecycleStages } from "../lib/records";
import { navigate } from "../router";
import { h, ht, uid } from "../ui/dom";
import { fieldRow, formMessage, inputField, onSubmit, selectField, valueOf } from "../ui/forms";
import { members } from "../ui/members";
import { announce } from "../ui/status";

type OwnerMode = Form["owner_mode"];
type Draft = {
  name: string;
  fields: { field: FormFieldName; required: boolean; label: string }[];
  hidden: { name: string; value: string }[];
  origins: string[];
  redirect: string;
  thanks: string;
  ownerMode: OwnerMode;
  ownerIds: string[];
  lifecycle: Form["lifecycle_stage"];
  tags: string;
  dealStage: string;
  consentText: string;
  legalBasis: string;
  turnstile: string;
  removeTurnstile: boolean;
  minFill: string;
};

const ownerModes = ["none", "fixed", "round_robin"] as const;

function draftOf(form: Form | null): Draft {
  return {
    name: form?.name ?? "",
    fields: form ? form.fields.map((f) => ({ field: f.field, required: f.required, label: f.label ?? "" })) : [
      { field: "first_name", required: false, label: "" },
      { field: "email", required: true, label: "" },
    ],
    hidden: form ? form.hidden_fields.map((x) => ({ ...x })) : [],
    origins: form ? [...form.allowed_origins] : [],
    redirect: form?.redirect_url ?? "",
    thanks: form?.thank_you_message ?? "",
    ownerMode: form?.owner_mode ?? "none",
    ownerIds: form ? [...form.owner_ids] : [],
    lifecycle: form?.lifecycle_stage ?? "lead",
    tags: form ? form.tags.join(", ") : "",
    dealStage: form?.deal_stage_id ?? "",
    consentText: form?.consent_text ?? "",
    legalBasis: form?.consent_legal_basis ?? "",
    turnstile: "",
    removeTurnstile: false,
    minFill: String(form?.min_fill_seconds ?? 3),
  };
}

/** A fieldset named like the API path of a list, so errors for the whole list land on it. */
function group(name: string, legend: MessageKey, hint?: MessageKey): { fieldset: HTMLFieldSetElement; error: HTMLElement } {
  const errorId = uid(`${name}-error`);
  const error = h("p", { class: "field-error", id: errorId, hidden: true });
  const fieldset = h("fieldset", { class: "form-group", name, tabindex: "-1", "aria-describedby": errorId }, ht("legend", legend));
  fieldset.dataset.errorId = errorId;
  if (hint) fieldset.append(ht("p", hint, { class: "hint" }));
  return { fieldset, error };
}

function checkbox(name: string, label: MessageKey, checked: boolean, params?: Record<string, string>): { row: HTMLElement; input: HTMLInputElement } {
  const id = uid(`f-${name}`);
  const input = h("input", { id, type: "checkbox", name, checked });
  return { row: h("div", { class: "check" }, input, bindText(h("label", { for: id }), label, params)), input };
}

/** Create or edit a lead-capture form (admins). Errors from the API appear beside their fields. */
export class RapportFormEditor extends HTMLElement {
  private form: Form | null = null;
  private etag: string | null = null;
  private draft: Draft = draftOf(null);
  private members: Member[] = [];
  private pipelines: Pipeline[] = [];

  connectedCallback(): void {
    this.replaceChildren(ht("p", "app.loading", { class: "loading" }));
    void this.load(this.getAttribute("form-id"));
  }

  private async load(formId: string | null): Promise<void> {
    try {
      const [list, pipelines, loaded] = await Promise.all([members(), api.pipelines(), formId ? api.form(formId) : Promise.resolve(null)]);
      this.members = list;
      this.pipelines = pipelines.data;
      if (loaded) {
        this.form = loaded.data;
        this.etag = loaded.etag;
      }
    } catch {
      this.replaceChildren(ht("p", "common.loadFailed", { class: "notice error" }));
      return;
    }
    this.draft = draftOf(this.form);
    this.render();
  }

  /** Reads every input back into the draft, so adding, moving or removing rows never loses typing. */
  private read(el: HTMLFormElement): void {
    const d = this.draft;
    const checked = (name: string) => {
      const control = el.elements.namedItem(name);
      return control instanceof HTMLInputElement && control.checked;
    };
    d.name = valueOf(el, "name");
    d.fields.forEach((field, index) => {
      const chosen = formFieldNames.find((name) => name === valueOf(el, `fields.${index}.field`));
      if (chosen) field.field = chosen;
      field.required = checked(`fields.${index}.required`);
      field.label = valueOf(el, `fields.${index}.label`);
    });
    d.hidden.forEach((hidden, index) => {
      hidden.name = valueOf(el, `hidden_fields.${index}.name`);
      hidden.value = valueOf(el, `hidden_fields.${index}.value`);
    });
    d.origins = d.origins.map((_, index) => valueOf(el, `allowed_origins.${index}`));
    d.redirect = valueOf(el, "redirect_url");
    d.thanks = valueOf(el, "thank_you_message");
    d.ownerMode = ownerModes.find((mode) => mode === valueOf(el, "owner_mode")) ?? "none";
    d.ownerIds = [...el.querySelectorAll<HTMLInputElement>('input[name="owner_ids"]')].filter((input) => input.checked).map((input) => input.value);
    d.lifecycle = lifecycleStages.find((stage) => stage === valueOf(el, "lifecycle_stage")) ?? "lead";
    d.tags = valueOf(el, "tags");
    d.dealStage = valueOf(el, "deal_stage_id");
    d.consentText = valueOf(el, "consent_text");
    d.legalBasis = valueOf(el, "consent_legal_basis");
    d.turnstile = valueOf(el, "turnstile_secret");
    d.removeTurnstile = checked("remove_turnstile");
    d.minFill = valueOf(el, "min_fill_seconds");
  }

  private body(): FormCreateInput {
    const d = this.draft;
    const minFill = Number(d.minFill);
    const body: FormCreateInput = {
      name: d.name,
      fields: d.fields.map((f) => ({ field: f.field, required: f.required, ...(f.label.trim() ? { label: f.label.trim() } : {}) })),
      hidden_fields: d.hidden.map((x) => ({ name: x.name.trim(), value: x.value })),
      allowed_origins: d.origins.map((o) => o.trim()).filter((o) => o !== ""),
      redirect_url: blankToNull(d.redirect),
      thank_you_message: blankToNull(d.thanks),
      owner_mode: d.ownerMode,
      owner_ids: d.ownerMode === "none" ? [] : d.ownerMode === "fixed" ? d.ownerIds.slice(0, 1) : d.ownerIds,
      lifecycle_stage: d.lifecycle,
      tags: parseTags(d.tags),
      deal_stage_id: d.dealStage || null,
      consent_text: blankToNull(d.consentText),
      consent_legal_basis: blankToNull(d.legalBasis),
      turnstile_secret: d.removeTurnstile ? null : blankToNull(d.turnstile),
      min_fill_seconds: d.minFill.trim() === "" || !Number.isFinite(minFill) ? 3 : minFill,
    };
    return body;
  }

  private render(focusName?: string): void {
    const d = this.draft;
    const editing = this.form;
    const el = h("form", { class: "card-panel stack form-editor", "data-testid": "form-editor" });
    const rerender = (focus?: string) => {
      this.read(el);
      this.render(focus);
    };

    const name = inputField({ name: "name", label: "forms.name", value: d.name, required: true, autocomplete: "off" });

    // Fields: which contact fields, required, label, order.
    const fields = group("fields", "forms.fieldsTitle", "forms.fieldsHint");
    const fieldList = h("ol", { class: "row-editor", "data-testid": "form-fields" });
    d.fields.forEach((field, index) => {
      const used = d.fields.filter((_, i) => i !== index).map((f) => f.field);
      const choice = selectField(`fields.${index}.field`, "forms.field", formFieldNames.filter((n) => n === field.field || !used.includes(n)).map((value) => ({ value, key: `forms.field.${value}` as const })), field.field);
      choice.select.addEventListener("change", () => rerender(`fields.${index}.field`));
      const required = checkbox(`fields.${index}.required`, "forms.required", field.required);
      const label = inputField({ name: `fields.${index}.label`, label: "forms.label", value: field.label, autocomplete: "off" });
      const fieldName = t(`forms.field.${field.field}`);
      const tool = (key: "forms.moveUp" | "forms.moveDown" | "forms.remove", text: string, action: () => void, disabled: boolean, focusAfter: string) => {
        const button = h("button", { type: "button", class: "button subtle small", disabled }, text);
        bindAttribute(button, "aria-label", key, { name: fieldName });
        button.addEventListener("click", () => {
          this.read(el);
          action();
          this.render(focusAfter);
        });
        return button;
      };
      const tools = h(
        "div",
        { class: "row-tools" },
        tool("forms.moveUp", "↑", () => (d.fields = moveItem(d.fields, index, -1)), index === 0, `fields.${index - 1}.field`),
        tool("forms.moveDown", "↓", () => (d.fields = moveItem(d.fields, index, 1)), index === d.fields.length - 1, `fields.${index + 1}.field`),
        tool("forms.remove", "×", () => d.fields.splice(index, 1), d.fields.length === 1, "add-field"),
      );
      fieldList.append(h("li", { class: "editor-row", "data-testid": "form-field-row" }, choice.row, required.row, label.row, tools));
    });
    const addField = ht("button", "forms.addField", { type: "button", class: "button small", name: "add-field", disabled: nextUnusedField(d.fields.map((f) => f.field)) === null });
    addField.addEventListener("click", () => {
      this.read(el);
      const next = nextUnusedField(d.fields.map((f) => f.field));
      if (next) d.fields.push({ field: next, required: false, label: "" });
      this.render(`fields.${d.fields.length - 1}.field`);
    });
    fields.fieldset.append(fieldList, addField, fields.error);

    // Hidden fields.
    const hidden = group("hidden_fields", "forms.hiddenTitle", "forms.hiddenHint");
    const hiddenList = h("ol", { class: "row-editor" });
    d.hidden.forEach((item, index) => {
      const key = inputField({ name: `hidden_fields.${index}.name`, label: "forms.hiddenName", value: item.name, autocomplete: "off" });
      const value = inputField({ name: `hidden_fields.${index}.value`, label: "forms.hiddenValue", value: item.value, autocomplete: "off" });
      const remove = h("button", { type: "button", class: "button subtle small" }, "×");
      bindAttribute(remove, "aria-label", "forms.removeHidden", { number: index + 1 });
      remove.addEventListener("click", () => {
        this.read(el);
        d.hidden.splice(index, 1);
        this.render("add-hidden");
      });
      hiddenList.append(h("li", { class: "editor-row" }, key.row, value.row, h("div", { class: "row-tools" }, remove)));
    });
    const addHidden = ht("button", "forms.addHidden", { type: "button", class: "button small", name: "add-hidden" });
    addHidden.addEventListener("click", () => {
      this.read(el);
      d.hidden.push({ name: "", value: "" });
      this.render(`hidden_fields.${d.hidden.length - 1}.name`);
    });
    hidden.fieldset.append(hiddenList, addHidden, hidden.error);

    // Allowed origins.
    const origins = group("allowed_origins", "forms.originsTitle", "forms.originsHint");
    const originList = h("ol", { class: "row-editor" });
    d.origins.forEach((origin, index) => {
      const id = uid("f-origin");
      const input = h("input", { id, name: `allowed_origins.${index}`, type: "url", inputmode: "url", autocomplete: "off", placeholder: "https://www.example.com" });
      input.value = origin;
      const row = fieldRow(id, "forms.origin", input, undefined, { number: index + 1 });
      const remove = h("button", { type: "button", class: "button subtle small" }, "×");
      bindAttribute(remove, "aria-label", "forms.removeOrigin", { number: index + 1 });
      remove.addEventListener("click", () => {
        this.read(el);
        d.origins.splice(index, 1);
        this.render("add-origin");
      });
      originList.append(h("li", { class: "editor-row" }, row, h("div", { class: "row-tools" }, remove)));
    });
    const addOrigin = ht("button", "forms.addOrigin", { type: "button", class: "button small", name: "add-origin" });
    addOrigin.addEventListener("click", () => {
      this.read(el);
      d.origins.push("");
      this.render(`allowed_origins.${d.origins.length - 1}`);
    });
    origins.fieldset.append(originList, addOrigin, origins.error);

    // After a post.
    const after = group("after", "forms.afterTitle");
    const redirect = inputField({ name: "redirect_url", label: "forms.redirectUrl", type: "url", inputmode: "url", value: d.redirect, hint: "forms.redirectHint", placeholder: "https://www.example.com/thanks" });
    const thanksId = uid("f-thanks");
    const thanks = h("textarea", { id: thanksId, name: "thank_you_message", rows: "2" });
    thanks.value = d.thanks;
    after.fieldset.append(redirect.row, fieldRow(thanksId, "forms.thankYou", thanks));

    // The lead: owner, lifecycle stage, tags, deal.
    const lead = group("lead", "forms.leadTitle");
    const mode = selectField("owner_mode", "forms.ownerMode", ownerModes.map((value) => ({ value, key: `forms.ownerMode.${value}` as const })), d.ownerMode);
    mode.select.addEventListener("change", () => rerender("owner_mode"));
    lead.fieldset.append(mode.row);
    if (d.ownerMode !== "none") {
      const owners = group("owner_ids", "forms.owners");
      owners.fieldset.setAttribute("data-testid", "form-owners");
      const sorted = [...this.members].sort((a, b) => a.name.localeCompare(b.name));
      for (const member of sorted) {
        const id = uid("f-owner");
        const input = h("input", { id, type: d.ownerMode === "fixed" ? "radio" : "checkbox", name: "owner_ids", value: member.user_id, checked: d.ownerIds.includes(member.user_id) });
        input.dataset.errorId = owners.fieldset.dataset.errorId;
        owners.fieldset.append(h("div", { class: "check" }, input, h("label", { for: id }, member.name)));
      }
      owners.fieldset.append(owners.error);
      lead.fieldset.append(owners.fieldset);
    }
    const lifecycle = selectField("lifecycle_stage", "forms.lifecycle", lifecycleStages.map((value) => ({ value, key: `stage.${value}` as const })), d.lifecycle);
    const tags = inputField({ name: "tags", label: "forms.tags", value: d.tags, hint: "records.tagsHint", autocomplete: "off" });
    const stageChoices: { value: string; label?: string; key?: MessageKey }[] = [{ value: "", key: "forms.noDeal" }];
    for (const pipeline of this.pipelines) for (const stage of pipeline.stages) if (stage.kind === "open") stageChoices.push({ value: stage.id, label: `${pipeline.name} → ${stage.name}` });
    const deal = selectField("deal_stage_id", "forms.dealStage", stageChoices, d.dealStage);
    lead.fieldset.append(lifecycle.row, tags.row, deal.row);

    // Consent and spam.
    const consent = group("consent", "forms.consentTitle");
    const consentId = uid("f-consent");
    const consentText = h("textarea", { id: consentId, name: "consent_text", rows: "2" });
    consentText.value = d.consentText;
    const basis = inputField({ name: "consent_legal_basis", label: "forms.legalBasis", value: d.legalBasis, autocomplete: "off" });
    const turnstile = inputField({
      name: "turnstile_secret",
      label: "forms.turnstile",
      type: "password",
      autocomplete: "off",
      value: d.turnstile,
      hint: editing?.has_turnstile ? "forms.turnstileSet" : "forms.turnstileHint",
    });
    const minFill = inputField({ name: "min_fill_seconds", label: "forms.minFill", inputmode: "decimal", value: d.minFill, hint: "forms.minFillHint" });
    consent.fieldset.append(fieldRow(consentId, "forms.consentText", consentText, "forms.consentHint"), basis.row, turnstile.row);
    if (editing?.has_turnstile) consent.fieldset.append(checkbox("remove_turnstile", "forms.turnstileRemove", d.removeTurnstile).row);
    consent.fieldset.append(minFill.row);

    const cancel = ht("a", "forms.cancel", { class: "button", href: editing ? `/settings/forms/${editing.id}` : "/settings/forms" });
    el.append(name.row, fields.fieldset, hidden.fieldset, origins.fieldset, after.fieldset, lead.fieldset, consent.fieldset, formMessage(), h("div", { class: "actions" }, cancel, ht("button", "forms.save", { type: "submit", class: "button primary" })));
    onSubmit(el, async () => {
      this.read(el);
      const body = this.body();
      if (editing) {
        const { turnstile_secret: secret, ...rest } = body;
        // The secret is write-only: an empty input keeps the one that is set.
        const patch = d.removeTurnstile || secret !== null ? body : rest;
        const saved = await api.updateForm(editing.id, patch, this.etag);
        announce("forms.saved", { name: saved.data.name });
        navigate(`/settings/forms/${saved.data.id}`);
      } else {
        const created = await api.createForm(body);
        announce("forms.created", { name: created.name });
        navigate(`/settings/forms/${created.id}`);
      }
    });

    const back = ht("a", "forms.back", { href: "/settings/forms", class: "back-link" });
    const title = editing ? h("h1", {}, editing.name) : ht("h1", "forms.createTitle");
    this.replaceChildren(back, h("div", { class: "page-head" }, h("div", {}, title, editing ? ht("p", "forms.editTitle", { class: "lead" }) : null)), el);
    if (focusName) el.querySelector<HTMLElement>(`[name="${CSS.escape(focusName)}"]`)?.focus();
  }
}

customElements.define("rapport-form-editor", RapportFormEditor);

declare global {
  interface HTMLElementTagNameMap {
    "rapport-form-editor": RapportFormEditor;
  }
}
