import { bindText } from "../i18n";
import { h } from "../ui/dom";

/**
 * A modal confirmation built on <dialog>: showModal() makes the page behind it inert (focus stays
 * inside) and Escape cancels. Focus returns to the control that opened it.
 */
export class RapportConfirm extends HTMLElement {
  static ask(message: string, confirmLabel: "team.remove" | "team.leave" | "team.revoke" | "keys.revoke" | "dialog.confirm" | "records.delete" | "imports.undo"): Promise<boolean> {
    const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    const element = new RapportConfirm();
    document.body.append(element);
    const dialog = h("dialog", { class: "dialog", "aria-labelledby": "confirm-text" });
    const text = h("p", { id: "confirm-text" }, message);
    const cancel = bindText(h("button", { type: "button", class: "button" }), "dialog.cancel");
    const confirm = bindText(h("button", { type: "button", class: "button danger" }), confirmLabel);
    dialog.append(text, h("div", { class: "actions" }, cancel, confirm));
    element.append(dialog);
    return new Promise((resolve) => {
      const close = (answer: boolean) => {
        dialog.close();
        element.remove();
        opener?.focus();
        resolve(answer);
      };
      cancel.addEventListener("click", () => close(false));
      confirm.addEventListener("click", () => close(true));
      dialog.addEventListener("cancel", (event) => {
        event.preventDefault();
        close(false);
      });
      dialog.showModal();
      cancel.focus();
    });
  }
}

customElements.define("rapport-confirm", RapportConfirm);

declare global {
  interface HTMLElementTagNameMap {
    "rapport-confirm": RapportConfirm;
  }
}
