import type { Member } from "../../../workers/team/member.schema";
import { campaignsApi, type SegmentPreview } from "../api/campaigns";
import { ApiError } from "../api/client";
import { bindAttribute, bindText, language, languageChanged, t, type MessageKey } from "../i18n";
import {
  canNest,
  conditionCount,
  type ConditionDraft,
  dealStatuses,
  fromFilter,
  type GroupDraft,
  isDateOp,
  itemOfPointer,
  listValues,
  maxConditions,
  newCondition,
  newGroup,
  operatorsFor,
  type SegmentField,
  segmentFields,
  toFilter,
  updateItem,
  valueKind,
  withField,
} from "../lib/campaigns";
import { countryName, formatNumber } from "../lib/format";
import { can } from "../lib/permissions";
import { consentStatuses, lifecycleStages, sizeBands } from "../lib/records";
import { navigate } from "../router";
import { role } from "../session";
import { h, ht, uid } from "../ui/dom";
import { fieldRow, formMessage, onSubmit, showErrors } from "../ui/forms";
import { members } from "../ui/members";
import { announce } from "../ui/status";
import { offerUndo } from "../ui/undo";
import { RapportConfirm } from "./rapport-confirm";
import { campaignNav } from "./rapport-campaigns";

const previewDelayMs = 350;

const fieldKey = (field: SegmentField): MessageKey => `segments.field.${field}`;
const opKey = (op: string): MessageKey => `segments.op.${op}` as MessageKey;

/** Choices of the fixed-set fields, each with its translated label. */
function fixedChoices(field: SegmentField, team: readonly Member[]): { value: string | null; label: string }[] {
  switch (valueKind[field]) {
    case "stage":
      return lifecycleStages.map((value) => ({ value, label: t(`stage.${value}`) }));
    case "size":
      return sizeBands.map((value) => ({ value, label: value }));
    case "consent":
      return consentStatuses.map((value) => ({ value, label: t(`segments.consent.${value}`) }));
    case "deal":
      return dealStatuses.map((value) => ({ value, label: t(`deal.status.${value}`) }));
    case "owner":
      return [{ value: null, label: t("records.noOwner") }, ...[...team].sort((a, b) => a.name.localeCompare(b.name)).map((member) => ({ value: member.user_id, label: member.name }))];
    default:
      return [];
  }
}

/**
 * Segment builder: and/or groups of conditions, each field with inputs that fit it, the live count
 * and the first contacts as you build (POST /segments/preview, debounced), save, delete, and the
 * link that opens the segment as a contacts list.
 */
export class RapportSegmentEditor extends HTMLElement {
  private root: GroupDraft = newGroup("and", [newCondition("city")]);
  private etag: string | null = null;
  private segmentId: string | null = null;
  private team: Member[] = [];
  private origin = new Map<string, string>();
  private previewTimer: ReturnType<typeof setTimeout> | undefined;
  private previewAbort: AbortController | null = null;
  private readonly form = h("form", { class: "stack segment-form", "aria-labelledby": "segment-title" });
  private readonly name = h("input", { id: uid("f-name"), name: "name", required: true, maxlength: "120", autocomplete: "off" });
  private readonly description = h("input", { id: uid("f-description"), name: "description", maxlength: "1000", autocomplete: "off" });
  private readonly builder = h("div", { class: "segment-builder", "data-testid": "segment-builder" });
  private readonly count = h("p", { class: "segment-count", role: "status", "aria-live": "polite", "data-testid": "segment-count" });
  private readonly sample = h("ul", { class: "people segment-sample", "data-testid": "segment-sample" });
  private readonly openList = ht("a", "segments.openAsList", { class: "button subtle", href: "/contacts", hidden: true, "data-testid": "open-as-list" });
  private readonly removeButton = ht("button", "records.delete", { type: "button", class: "button danger", hidden: true });

  // Choice labels and the count sentence are built with t(); a new language rebuilds them.
  private readonly onLanguage = () => {
    this.renderBuilder();
    this.schedulePreview(0);
  };

  connectedCallback(): void {
    this.segmentId = this.getAttribute("segment-id");
    const writable = can.writeRecords(role());
    const save = ht("button", "records.save", { type: "submit", class: "button primary", "data-testid": "save-segment" });
    this.form.append(
      fieldRow(this.name.id, "segments.name", this.name),
      fieldRow(this.description.id, "segments.description", this.description),
      h("fieldset", { class: "segment-fieldset" }, ht("legend", "segments.conditions"), this.builder),
      formMessage(),
      h("div", { class: "actions" }, writable ? save : null, this.openList, writable ? this.removeButton : null),
    );
    const preview = h("aside", { class: "card-panel segment-preview", "aria-labelledby": "segment-preview-title" }, ht("h2", "segments.previewTitle", { id: "segment-preview-title" }), this.count, this.sample);
    this.replaceChildren(
      h("div", { class: "page-head" }, h("div", {}, ht("p", "campaigns.title", { class: "crumbs" }), ht("h1", this.segmentId ? "segments.editTitle" : "segments.createTitle", { id: "segment-title" }))),
      h("div", { class: "settings-layout" }, campaignNav("segments"), h("div", { class: "settings-content segment-layout" }, this.form, preview)),
    );
    onSubmit(this.form, () => this.save());
    this.removeButton.addEventListener("click", () => void this.deleteRecord());
    window.addEventListener(languageChanged, this.onLanguage);
    void this.load();
  }

  disconnectedCallback(): void {
    window.removeEventListener(languageChanged, this.onLanguage);
    clearTimeout(this.previewTimer);
    this.previewAbort?.abort();
  }

  private async load(): Promise<void> {
    this.team = await members();
    if (this.segmentId) {
      try {
        const { data, etag } = await campaignsApi.segment(this.segmentId);
        this.etag = etag;
        this.name.value = data.name;
        this.description.value = data.description ?? "";
        this.root = fromFilter(data.filter);
        if (this.root.items.length === 0) this.root = newGroup(this.root.op, [newCondition("city")]);
        this.openList.hidden = false;
        this.openList.setAttribute("href", `/contacts?segment_id=${encodeURIComponent(data.id)}`);
        this.removeButton.hidden = false;
      } catch (error) {
        showErrors(this.form, error);
        return;
      }
    }
    this.renderBuilder();
    this.schedulePreview(0);
  }

  // ------------------------------------------------------------------ builder

  /** Structural changes re-render the tree; focus returns to the control named by `focusKey`. */
  private setRoot(next: GroupDraft, focusKey?: string): void {
    this.root = next;
    this.renderBuilder(focusKey);
    this.schedulePreview();
  }

  private renderBuilder(focusKey?: string): void {
    this.builder.replaceChildren(this.groupView(this.root, 1));
    if (focusKey) this.builder.querySelector<HTMLElement>(`[data-focus="${CSS.escape(focusKey)}"]`)?.focus();
  }

  private groupView(group: GroupDraft, depth: number): HTMLElement {
    const op = h("select", { class: "chip-select", "data-focus": `${group.key}:op`, "data-testid": "group-op" });
    for (const value of ["and", "or"] as const) op.append(bindText(h("option", { value }), value === "and" ? "segments.matchAll" : "segments.matchAny"));
    op.value = group.op;
    bindAttribute(op, "aria-label", "segments.groupOp");
    op.addEventListener("change", () => this.setRoot(updateItem(this.root, group.key, (item) => ({ ...item, op: op.value === "or" ? "or" : "and" }) as GroupDraft), `${group.key}:op`));
    const list = h("ol", { class: "segment-items" });
    for (const item of group.items) list.append(h("li", {}, item.kind === "group" ? this.groupView(item, depth + 1) : this.conditionView(item)));
    const full = conditionCount(this.root) >= maxConditions;
    const addCondition = ht("button", "segments.addCondition", { type: "button", class: "button subtle", "data-focus": `${group.key}:add`, disabled: full });
    addCondition.addEventListener("click", () => {
      const condition = newCondition("city");
      this.setRoot(updateItem(this.root, group.key, (item) => (item.kind === "group" ? { ...item, items: [...item.items, condition] } : item)), `${condition.key}:field`);
    });
    const tools = h("div", { class: "segment-group-tools" }, addCondition);
    if (canNest(depth)) {
      const addGroup = ht("button", "segments.addGroup", { type: "button", class: "button subtle", disabled: full });
      addGroup.addEventListener("click", () => {
        const inner = newGroup(group.op === "and" ? "or" : "and", [newCondition("city")]);
        this.setRoot(updateItem(this.root, group.key, (item) => (item.kind === "group" ? { ...item, items: [...item.items, inner] } : item)), `${inner.key}:op`);
      });
      tools.append(addGroup);
    }
    if (depth > 1) {
      const removeGroup = ht("button", "segments.removeGroup", { type: "button", class: "button subtle danger-text" });
      removeGroup.addEventListener("click", () => this.removeItem(group.key));
      tools.append(removeGroup);
    }
    return h("div", { class: `segment-group depth-${depth}`, role: "group", "data-key": group.key }, h("div", { class: "segment-group-head" }, op), list, tools);
  }

  private removeItem(key: string): void {
    const before = this.root;
    this.setRoot(updateItem(this.root, key, () => null));
    this.builder.querySelector<HTMLElement>("select")?.focus();
    offerUndo(t("segments.conditionRemoved"), async () => {
      this.setRoot(before);
    });
  }

  private conditionView(condition: ConditionDraft): HTMLElement {
    const field = h("select", { "data-focus": `${condition.key}:field`, "data-testid": "condition-field" });
    bindAttribute(field, "aria-label", "segments.fieldLabel");
    for (const name of segmentFields) field.append(bindText(h("option", { value: name }), fieldKey(name)));
    field.value = condition.field;
    field.addEventListener("change", () => {
      const next = segmentFields.find((name) => name === field.value) ?? "city";
      this.setRoot(updateItem(this.root, condition.key, (item) => (item.kind === "condition" ? withField(item, next) : item)), `${condition.key}:field`);
    });
    const op = h("select", { "data-focus": `${condition.key}:op`, "data-testid": "condition-op" });
    bindAttribute(op, "aria-label", "segments.opLabel");
    for (const value of operatorsFor(condition.field)) op.append(bindText(h("option", { value }), opKey(value)));
    op.value = condition.op;
    op.addEventListener("change", () => this.setRoot(updateItem(this.root, condition.key, (item) => ({ ...item, op: op.value }) as ConditionDraft), `${condition.key}:op`));
    const remove = h("button", { type: "button", class: "button subtle icon-button", "aria-label": t("segments.removeCondition"), title: t("segments.removeCondition") }, "×");
    remove.addEventListener("click", () => this.removeItem(condition.key));
    const error = h("p", { class: "field-error", id: `err-${condition.key}`, hidden: true, "data-error-for": condition.key });
    return h("div", { class: "segment-condition", "data-key": condition.key, "data-testid": "condition" }, h("div", { class: "segment-condition-row" }, field, op, this.valueView(condition), remove), error);
  }

  /** Updates a condition's value without re-rendering, so typing keeps focus. */
  private setValue(key: string, change: Partial<Pick<ConditionDraft, "values" | "date" | "days">>): void {
    this.root = updateItem(this.root, key, (item) => (item.kind === "condition" ? { ...item, ...change } : item));
    this.schedulePreview();
  }

  private valueView(condition: ConditionDraft): HTMLElement {
    const kind = valueKind[condition.field];
    const described = { "aria-describedby": `err-${condition.key}` };
    if (kind === "date") {
      if (isDateOp(condition.op) && (condition.op === "within_last_days" || condition.op === "not_within_last_days")) {
        const days = h("input", { type: "number", min: "1", max: "3650", step: "1", inputmode: "numeric", class: "days-input", value: condition.days, "data-testid": "condition-days", ...described });
        bindAttribute(days, "aria-label", "segments.days");
        days.addEventListener("input", () => this.setValue(condition.key, { days: days.value }));
        return h("span", { class: "segment-value" }, days, ht("span", "segments.daysUnit", { class: "muted" }));
      }
      const date = h("input", { type: "date", value: condition.date, "data-testid": "condition-date", ...described });
      bindAttribute(date, "aria-label", "segments.date");
      date.addEventListener("input", () => this.setValue(condition.key, { date: date.value }));
      return h("span", { class: "segment-value" }, date);
    }
    if (kind === "list" || kind === "country") {
      const input = h("input", { type: "text", autocomplete: "off", value: condition.values.filter((v): v is string => v !== null).join(", "), "data-testid": "condition-values", ...described });
      bindAttribute(input, "aria-label", kind === "country" ? "segments.countriesLabel" : "segments.valuesLabel");
      bindAttribute(input, "placeholder", kind === "country" ? "segments.countriesPlaceholder" : condition.field === "tags" ? "segments.tagsPlaceholder" : "segments.valuesPlaceholder");
      const names = h("span", { class: "muted segment-country-names" });
      const showNames = () => {
        if (kind === "country") names.textContent = listValues(input.value, "country").map((code) => countryName(code, language())).join(", ");
      };
      showNames();
      input.addEventListener("input", () => {
        this.setValue(condition.key, { values: listValues(input.value, condition.field) });
        showNames();
      });
      return h("span", { class: "segment-value" }, input, names);
    }
    const box = h("span", { class: "segment-value segment-checks", role: "group", ...described });
    bindAttribute(box, "aria-label", fieldKey(condition.field));
    for (const choice of fixedChoices(condition.field, this.team)) {
      const check = h("input", { type: "checkbox", value: choice.value ?? "" });
      check.checked = condition.values.includes(choice.value);
      check.addEventListener("change", () => {
        const current = this.findCondition(condition.key)?.values ?? [];
        const values = check.checked ? [...current, choice.value] : current.filter((value) => value !== choice.value);
        this.setValue(condition.key, { values });
      });
      box.append(h("label", { class: "check" }, check, h("span", {}, choice.label)));
    }
    return box;
  }

  private findCondition(key: string): ConditionDraft | null {
    const walk = (group: GroupDraft): ConditionDraft | null => {
      for (const item of group.items) {
        if (item.kind === "condition" && item.key === key) return item;
        if (item.kind === "group") {
          const found = walk(item);
          if (found) return found;
        }
      }
      return null;
    };
    return walk(this.root);
  }

  // ------------------------------------------------------------------ preview

  private schedulePreview(delay = previewDelayMs): void {
    clearTimeout(this.previewTimer);
    this.previewTimer = setTimeout(() => void this.preview(), delay);
  }

  private async preview(): Promise<void> {
    this.previewAbort?.abort();
    const abort = new AbortController();
    this.previewAbort = abort;
    const { filter, origin } = toFilter(this.root);
    this.origin = origin;
    this.count.setAttribute("aria-busy", "true");
    try {
      const result = await campaignsApi.previewFilter(filter, abort.signal);
      if (abort.signal.aborted) return;
      this.clearConditionErrors();
      this.showPreview(result);
    } catch (error) {
      if (abort.signal.aborted) return;
      this.count.textContent = t("segments.previewFailed");
      this.sample.replaceChildren();
      if (error instanceof ApiError) this.showConditionErrors(error);
    } finally {
      if (this.previewAbort === abort) this.count.removeAttribute("aria-busy");
    }
  }

  private showPreview(result: SegmentPreview): void {
    this.count.replaceChildren(t(result.count === 1 ? "segments.countOne" : "segments.countMany"), " ", h("strong", { class: "segment-count-number" }, formatNumber(result.count, language())));
    if (result.data === null) {
      this.sample.replaceChildren(h("li", { class: "muted" }, t("segments.sampleFailed")));
      return;
    }
    this.sample.replaceChildren(
      ...result.data.map((contact) => {
        const name = [contact.first_name, contact.last_name].filter(Boolean).join(" ") || contact.emails[0] || contact.id;
        const where = [contact.city, contact.country].filter(Boolean).join(", ");
        return h("li", {}, h("a", { href: `/contacts/${contact.id}` }, name), where ? h("span", { class: "muted" }, ` · ${where}`) : null);
      }),
    );
    if (result.count > result.data.length && result.data.length > 0) this.sample.append(h("li", { class: "muted" }, t("segments.andMore", { count: formatNumber(result.count - result.data.length, language()) })));
  }

  private clearConditionErrors(): void {
    for (const slot of this.builder.querySelectorAll<HTMLElement>("[data-error-for]")) {
      slot.hidden = true;
      slot.textContent = "";
    }
    for (const row of this.builder.querySelectorAll("[aria-invalid]")) row.removeAttribute("aria-invalid");
  }

  /** Field errors whose pointer lands in a condition are shown under it; true when all found a home. */
  private showConditionErrors(error: ApiError): boolean {
    this.clearConditionErrors();
    let placed = 0;
    const entries = Object.entries(error.fieldErrors);
    for (const [name, detail] of entries) {
      const key = itemOfPointer(`/${name.replaceAll(".", "/")}`, this.origin);
      const slot = key ? this.builder.querySelector<HTMLElement>(`[data-error-for="${CSS.escape(key)}"]`) : null;
      if (!slot) continue;
      slot.textContent = detail;
      slot.hidden = false;
      slot.closest(".segment-condition")?.setAttribute("aria-invalid", "true");
      placed += 1;
    }
    return entries.length > 0 && placed === entries.length;
  }

  // ------------------------------------------------------------------ save / delete

  private async save(): Promise<void> {
    const { filter, origin, count } = toFilter(this.root);
    this.origin = origin;
    if (this.name.value.trim() === "") {
      showErrors(this.form, new ApiError(422, "validation_failed", t("segments.nameMissing"), { name: t("segments.nameMissing") }, [], null));
      return;
    }
    if (count === 0) {
      showErrors(this.form, new ApiError(422, "validation_failed", t("segments.noConditions"), {}, [t("segments.noConditions")], null));
      return;
    }
    const body = { name: this.name.value.trim(), description: this.description.value.trim() || null, filter };
    try {
      if (this.segmentId) {
        const { data, etag } = await campaignsApi.updateSegment(this.segmentId, body, this.etag);
        this.etag = etag;
        this.name.value = data.name;
        announce("segments.saved", { name: data.name });
      } else {
        const created = await campaignsApi.createSegment(body);
        announce("segments.saved", { name: created.name });
        navigate(`/campaigns/segments/${created.id}`, { replace: true });
      }
    } catch (error) {
      if (error instanceof ApiError && error.status === 412) throw new ApiError(412, error.code, t("segments.stale"), {}, [], error.requestId);
      if (error instanceof ApiError && this.showConditionErrors(error)) {
        showErrors(this.form, new ApiError(error.status, error.code, t("segments.fixConditions"), {}, [], error.requestId));
        return;
      }
      throw error;
    }
  }

  private async deleteRecord(): Promise<void> {
    if (!this.segmentId) return;
    if (!(await RapportConfirm.ask(t("segments.deleteConfirm", { name: this.name.value }), "records.delete"))) return;
    try {
      await campaignsApi.deleteSegment(this.segmentId);
      announce("segments.deleted", { name: this.name.value });
      navigate("/campaigns/segments");
    } catch (error) {
      showErrors(this.form, error);
    }
  }
}

customElements.define("rapport-segment-editor", RapportSegmentEditor);

declare global {
  interface HTMLElementTagNameMap {
    "rapport-segment-editor": RapportSegmentEditor;
  }
}
