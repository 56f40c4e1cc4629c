import { bindText, t } from "../i18n";
import { h } from "./dom";
import { navigate } from "../router";
import { announce, announceText } from "./status";

// After a delete the record is one click from coming back: a bar with the message and an Undo
// button stays for a while (longer than the status toast, and it holds a control, which the
// toast must not). A newer undo replaces an older one.
let current: { bar: HTMLElement; timer: ReturnType<typeof setTimeout> } | null = null;

function dismiss(): void {
  if (!current) return;
  clearTimeout(current.timer);
  current.bar.remove();
  current = null;
}

export function offerUndo(message: string, undo: () => Promise<void>, seconds = 12): void {
  dismiss();
  const button = bindText(h("button", { type: "button", class: "button undo-button", "data-testid": "undo" }), "records.undo");
  const close = h("button", { type: "button", class: "undo-close", "aria-label": t("records.cancel") }, "×");
  const bar = h("div", { class: "undo-bar", role: "status" }, h("span", {}, message), button, close);
  button.addEventListener("click", () => {
    button.disabled = true;
    undo()
      .then(dismiss)
      .catch((error: unknown) => {
        button.disabled = false;
        announceText(error instanceof Error ? error.message : t("error.generic"), "error");
      });
  });
  close.addEventListener("click", dismiss);
  document.body.append(bar);
  current = { bar, timer: setTimeout(dismiss, seconds * 1000) };
}

/** Deletes a record the person confirmed, leaves its page, and offers to bring it back. */
export async function deleteThenOfferUndo(options: {
  remove: () => Promise<void>;
  restore: () => Promise<void>;
  name: string;
  deletedMessage: string;
  leaveTo: string;
  backTo: string;
}): Promise<void> {
  try {
    await options.remove();
  } catch (error) {
    announceText(error instanceof Error ? error.message : t("error.generic"), "error");
    return;
  }
  navigate(options.leaveTo);
  offerUndo(options.deletedMessage, async () => {
    await options.restore();
    announce("records.restored", { name: options.name });
    navigate(options.backTo);
  });
}
