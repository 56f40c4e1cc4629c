import type { Preference } from "../../../workers/notifications/notification.schema";
import { api } from "../api/client";
import { notificationTypes, type NotificationType } from "../api/task-decoders";
import { bindText, t, type MessageKey } from "../i18n";
import { h, ht } from "../ui/dom";
import { formMessage, onSubmit } from "../ui/forms";
import { announce } from "../ui/status";

export const notificationTypeLabels: Record<NotificationType, MessageKey> = {
  "task.reminder": "notifications.type.taskReminder",
  "task.assigned": "notifications.type.taskAssigned",
  "task.digest": "notifications.type.taskDigest",
  "deal.rotting": "notifications.type.dealRotting",
  "contact.birthday": "notifications.type.contactBirthday",
  "lead.assigned": "notifications.type.leadAssigned",
  "quality.digest": "notifications.type.qualityDigest",
  "import.finished": "notifications.type.importFinished",
};

/**
 * Settings → Notifications: for each kind of notification, whether it shows in the app (bell)
 * and whether it is also emailed. Personal, so every role may change its own.
 */
export class RapportNotificationSettings extends HTMLElement {
  connectedCallback(): void {
    this.replaceChildren(ht("p", "app.loading", { class: "loading" }));
    void this.load();
  }

  private async load(): Promise<void> {
    try {
      this.render((await api.notificationPreferences()).data);
    } catch {
      this.replaceChildren(ht("p", "common.loadFailed", { class: "notice error" }));
    }
  }

  private render(preferences: Preference[]): void {
    const head = h("div", { class: "page-head" }, h("div", {}, ht("h1", "notifications.settingsTitle"), ht("p", "notifications.settingsLead", { class: "lead" })));
    const table = h("table", { class: "grid preference-grid", "data-testid": "notification-preferences" });
    const caption = bindText(h("caption", { class: "visually-hidden" }), "notifications.settingsTitle");
    table.append(
      caption,
      h("thead", {}, h("tr", {}, ht("th", "notifications.colType", { scope: "col" }), ht("th", "notifications.colInApp", { scope: "col" }), ht("th", "notifications.colEmail", { scope: "col" }))),
    );
    const body = h("tbody");
    for (const type of notificationTypes) {
      const current = preferences.find((preference) => preference.type === type) ?? { type, in_app: true, email: false };
      const label = t(notificationTypeLabels[type]);
      const inApp = h("input", { type: "checkbox", name: `${type}:in_app`, checked: current.in_app, "aria-label": t("notifications.inAppFor", { type: label }) });
      const email = h("input", { type: "checkbox", name: `${type}:email`, checked: current.email, "aria-label": t("notifications.emailFor", { type: label }) });
      body.append(h("tr", { "data-type": type }, bindText(h("th", { scope: "row" }), notificationTypeLabels[type]), h("td", {}, inApp), h("td", {}, email)));
    }
    table.append(body);
    const form = h(
      "form",
      { class: "card-panel stack" },
      h("div", { class: "table-scroll" }, table),
      formMessage(),
      h("div", { class: "actions" }, ht("button", "notifications.save", { type: "submit", class: "button primary" })),
    );
    onSubmit(form, async () => {
      const data = notificationTypes.map((type) => ({
        type,
        in_app: form.querySelector<HTMLInputElement>(`input[name="${CSS.escape(`${type}:in_app`)}"]`)?.checked ?? true,
        email: form.querySelector<HTMLInputElement>(`input[name="${CSS.escape(`${type}:email`)}"]`)?.checked ?? false,
      }));
      this.render((await api.putNotificationPreferences(data)).data);
      announce("notifications.saved");
    });
    this.replaceChildren(head, form);
  }
}

customElements.define("rapport-notification-settings", RapportNotificationSettings);

declare global {
  interface HTMLElementTagNameMap {
    "rapport-notification-settings": RapportNotificationSettings;
  }
}
