import { bindText, t, type MessageKey, type Params } from "../i18n";
import { ApiError } from "../lib/problem";
import { fieldMessageKey, fieldOfCode, problemMessageKey } from "../lib/server-messages";
import { h, uid } from "./dom";

type FieldOptions = {
  name: string;
  label: MessageKey;
  type?: "text" | "email" | "password" | "url" | "tel" | "date" | "search";
  inputmode?: "text" | "decimal" | "tel" | "email" | "url";
  placeholder?: string;
  autocomplete?: string;
  required?: boolean;
  hint?: MessageKey;
  value?: string;
  readOnly?: boolean;
};

/** A labelled input with a hint and an error slot that screen readers announce with the field. */
export function inputField(options: FieldOptions): { row: HTMLElement; input: HTMLInputElement } {
  const id = uid(`f-${options.name}`);
  const input = h("input", {
    id,
    name: options.name,
    type: options.type ?? "text",
    autocomplete: options.autocomplete,
    required: options.required,
    readonly: options.readOnly,
    inputmode: options.inputmode,
    placeholder: options.placeholder,
  });
  if (options.value !== undefined) input.value = options.value;
  return { row: fieldRow(id, options.label, input, options.hint), input };
}

export function selectField(
  name: string,
  label: MessageKey,
  choices: { value: string; label?: string; key?: MessageKey }[],
  value: string,
  disabled = false,
): { row: HTMLElement; select: HTMLSelectElement } {
  const id = uid(`f-${name}`);
  const select = h("select", { id, name, disabled });
  for (const choice of choices) {
    const option = h("option", { value: choice.value });
    if (choice.key) bindText(option, choice.key);
    else option.textContent = choice.label ?? choice.value;
    select.append(option);
  }
  select.value = value;
  return { row: fieldRow(id, label, select), select };
}

export function fieldRow(id: string, label: MessageKey, control: HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement, hint?: MessageKey, labelParams?: Params): HTMLElement {
  const describedBy: string[] = [];
  const row = h("div", { class: "field" }, bindText(h("label", { for: id }), label, labelParams));
  row.append(control);
  if (hint) {
    const hintId = `${id}-hint`;
    row.append(bindText(h("p", { class: "hint", id: hintId }), hint));
    describedBy.push(hintId);
  }
  const errorId = `${id}-error`;
  row.append(h("p", { class: "field-error", id: errorId, hidden: true }));
  describedBy.push(errorId);
  control.setAttribute("aria-describedby", describedBy.join(" "));
  control.dataset.errorId = errorId;
  return row;
}

/** The form-level message slot; role=alert so a failed submit is announced. */
export function formMessage(): HTMLElement {
  return h("p", { class: "form-error", role: "alert", hidden: true, "data-form-message": "" });
}

export function clearErrors(form: HTMLFormElement): void {
  for (const control of form.querySelectorAll<HTMLElement>("[aria-invalid]")) control.removeAttribute("aria-invalid");
  for (const slot of form.querySelectorAll<HTMLElement>(".field-error, [data-form-message]")) {
    slot.hidden = true;
    slot.textContent = "";
  }
}

function messageOf(error: ApiError): string {
  if (error.code === "too_many_requests") return t("error.tooManyAttempts", { seconds: error.retryAfterSeconds ?? 60 });
  const key = problemMessageKey(error.code);
  if (key) return t(key);
  if (error.status >= 500) return `${t("error.generic")} ${error.requestId ? t("error.withRequestId", { id: error.requestId }) : ""}`.trim();
  return error.message;
}

/**
 * The control an error belongs to: the exact name, else the nearest parent path, so that
 * "emails.1" lands on an "emails" field and "annual_revenue.amount" on "annual_revenue".
 */
function controlFor(form: HTMLFormElement, name: string): HTMLElement | null {
  const parts = name.split(".");
  while (parts.length > 0) {
    const control = form.querySelector<HTMLElement>(`[name="${CSS.escape(parts.join("."))}"]`);
    if (control) return control;
    parts.pop();
  }
  return null;
}

/** Puts each field error next to its field and everything else in the form's message slot. */
export function showErrors(form: HTMLFormElement, error: unknown): void {
  clearErrors(form);
  const problem = error instanceof ApiError ? error : new ApiError(0, "client_error", t("error.generic"), {}, [], null);
  const fieldErrors = { ...problem.fieldErrors };
  const codeField = fieldOfCode(problem.code);
  if (codeField) fieldErrors[codeField] = messageOf(problem);
  const leftOver: string[] = [...problem.otherErrors];
  let first: HTMLElement | null = null;
  for (const [name, detail] of Object.entries(fieldErrors)) {
    const control = controlFor(form, name);
    const slot = control?.dataset.errorId ? document.getElementById(control.dataset.errorId) : null;
    const key = fieldMessageKey(detail, problem.fieldCodes[name]);
    const text = key ? t(key) : detail;
    if (!control || !slot) {
      leftOver.push(text);
      continue;
    }
    control.setAttribute("aria-invalid", "true");
    slot.textContent = text;
    slot.hidden = false;
    first ??= control;
  }
  const message = form.querySelector<HTMLElement>("[data-form-message]");
  if (message) {
    const general = codeField ? [] : [messageOf(problem)];
    message.textContent = [...general, ...leftOver].join(" ");
    message.hidden = message.textContent === "";
  }
  first?.focus();
}

/** Wires submit: prevents navigation, disables the submit button while the request runs. */
export function onSubmit(form: HTMLFormElement, handler: () => Promise<void>): void {
  form.noValidate = true;
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const buttons = form.querySelectorAll<HTMLButtonElement>("button[type=submit]");
    for (const button of buttons) button.disabled = true;
    form.setAttribute("aria-busy", "true");
    clearErrors(form);
    handler()
      .catch((error: unknown) => showErrors(form, error))
      .finally(() => {
        for (const button of buttons) button.disabled = false;
        form.removeAttribute("aria-busy");
      });
  });
}

export function valueOf(form: HTMLFormElement, name: string): string {
  const control = form.elements.namedItem(name);
  return control instanceof HTMLInputElement || control instanceof HTMLSelectElement || control instanceof HTMLTextAreaElement ? control.value : "";
}
