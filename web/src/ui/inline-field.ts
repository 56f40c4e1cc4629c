import { bindAttribute, t, type MessageKey } from "../i18n";
import { h, ht } from "./dom";
import { formMessage, onSubmit } from "./forms";

export type InlineField = {
  name: string;
  label: MessageKey;
  /** The value for reading; empty text or null shows a dash. */
  display: () => Node | string | null;
  /** The controls for editing (built with forms.ts, so errors land beside them); omit for read-only. */
  edit?: () => HTMLElement[];
  /** Sends the change; a thrown ApiError is shown next to the controls. */
  save?: (form: HTMLFormElement) => Promise<void>;
  wide?: boolean;
};

/**
 * A definition list whose values turn into a small form in place: the Edit button (or a click
 * on the value) opens it, Enter or Save sends, Escape or Cancel closes without a change.
 */
export function inlineFields(fields: InlineField[], canEdit: boolean, testId?: string): HTMLElement {
  const list = h("dl", { class: "props", "data-testid": testId });
  for (const field of fields) list.append(propFor(field, canEdit));
  return list;
}

function valueNode(field: InlineField): Node {
  const value = field.display();
  if (value === null || value === "") return h("span", { class: "prop-empty" }, t("records.empty"));
  return typeof value === "string" ? document.createTextNode(value) : value;
}

function propFor(field: InlineField, canEdit: boolean): HTMLElement {
  const item = h("div", { class: field.wide ? "prop wide" : "prop", "data-field": field.name });
  const term = ht("dt", field.label);
  const detail = h("dd");
  item.append(term, detail);
  const editable = canEdit && field.edit !== undefined && field.save !== undefined;

  const showValue = () => {
    const value = h("div", { class: "prop-value" }, valueNode(field));
    if (!editable) {
      detail.replaceChildren(value);
      return;
    }
    const button = h("button", { type: "button", class: "prop-edit", "data-edit": field.name });
    bindAttribute(button, "aria-label", "records.edit", { field: t(field.label) });
    bindAttribute(button, "title", "records.edit", { field: t(field.label) });
    button.append(pencil());
    button.addEventListener("click", openEditor);
    value.addEventListener("click", (event) => {
      if (event.target instanceof Element && event.target.closest("a")) return;
      openEditor();
    });
    value.classList.add("clickable");
    detail.replaceChildren(value, button);
  };

  const openEditor = () => {
    if (!field.edit || !field.save) return;
    const rows = field.edit();
    const save = field.save;
    const cancel = ht("button", "records.cancel", { type: "button", class: "button subtle" });
    const form = h(
      "form",
      { class: rows.length > 1 ? "inline-edit" : "inline-edit single" },
      ...rows,
      formMessage(),
      h("div", { class: "inline-actions" }, ht("button", "records.save", { type: "submit", class: "button primary small" }), cancel),
    );
    const close = () => {
      showValue();
      detail.querySelector<HTMLElement>("[data-edit]")?.focus();
    };
    cancel.addEventListener("click", close);
    form.addEventListener("keydown", (event) => {
      if (event.key === "Escape") {
        event.preventDefault();
        close();
      }
    });
    onSubmit(form, () => save(form));
    detail.replaceChildren(form);
    form.querySelector<HTMLElement>("input:not([type=hidden]), select")?.focus();
  };

  showValue();
  return item;
}

function pencil(): SVGSVGElement {
  const ns = "http://www.w3.org/2000/svg";
  const svg = document.createElementNS(ns, "svg");
  for (const [name, value] of Object.entries({ viewBox: "0 0 24 24", width: "16", height: "16", fill: "none", stroke: "currentColor", "stroke-width": "1.8", "stroke-linecap": "round", "stroke-linejoin": "round", "aria-hidden": "true", focusable: "false" })) {
    svg.setAttribute(name, value);
  }
  const path = document.createElementNS(ns, "path");
  path.setAttribute("d", "M4 20h4L19 9l-4-4L4 16v4zM13.5 6.5l4 4");
  svg.append(path);
  return svg;
}

/** After a save re-renders the page, focus returns to the field's Edit button. */
export function focusEditButton(root: ParentNode, name: string): void {
  root.querySelector<HTMLElement>(`[data-edit="${CSS.escape(name)}"]`)?.focus();
}

