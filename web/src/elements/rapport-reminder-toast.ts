import type { Notification } from "../../../workers/notifications/notification.schema";
import { bindAttribute } from "../i18n";
import { safeLink } from "../lib/notifications";
import { h, ht } from "../ui/dom";

/**
 * Task reminders as they fire. The region is role=alert (assertive): a reminder is the one
 * thing the person asked to be interrupted for, at that time, unlike lead notices, which wait
 * politely. A reminder stays until dismissed or opened, because it is easy to miss one that
 * disappears by itself.
 */
export class RapportReminderToast extends HTMLElement {
  connectedCallback(): void {
    this.className = "reminder-toasts";
    this.setAttribute("role", "alert");
    bindAttribute(this, "aria-label", "notifications.reminderTitle");
  }

  add(notification: Notification, onOpen: () => void): void {
    if (this.querySelector(`[data-notification-id="${CSS.escape(notification.id)}"]`)) return;
    const dismiss = h("button", { type: "button", class: "button subtle small" }, "×");
    bindAttribute(dismiss, "aria-label", "notifications.dismiss");
    const href = safeLink(notification.link) ?? "/tasks";
    const open = ht("a", "notifications.open", { href, class: "button small" });
    const item = h(
      "div",
      { class: "reminder-toast", "data-testid": "reminder-toast", "data-notification-id": notification.id },
      h("p", {}, notification.text),
      open,
      dismiss,
    );
    dismiss.addEventListener("click", () => item.remove());
    open.addEventListener("click", () => {
      onOpen();
      item.remove();
    });
    this.append(item);
    while (this.children.length > 3) this.firstElementChild?.remove();
  }

  /** Removes the toasts of notifications read elsewhere (null: all of them). */
  close(ids: string[] | null): void {
    const read = ids === null ? null : new Set(ids);
    for (const item of this.querySelectorAll<HTMLElement>("[data-notification-id]")) {
      const id = item.dataset.notificationId;
      if (read === null || (id !== undefined && read.has(id))) item.remove();
    }
  }
}

customElements.define("rapport-reminder-toast", RapportReminderToast);

export function showReminderToast(notification: Notification, onOpen: () => void): void {
  const app = document.querySelector("rapport-app");
  if (!app) return;
  let region = app.querySelector("rapport-reminder-toast");
  if (!region) {
    region = document.createElement("rapport-reminder-toast");
    app.append(region);
  }
  region.add(notification, onOpen);
}

export function closeReminderToasts(ids: string[] | null): void {
  document.querySelector("rapport-app")?.querySelector("rapport-reminder-toast")?.close(ids);
}

declare global {
  interface HTMLElementTagNameMap {
    "rapport-reminder-toast": RapportReminderToast;
  }
}
