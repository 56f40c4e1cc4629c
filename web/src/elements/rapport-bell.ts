import type { Notification } from "../../../workers/notifications/notification.schema";
import { api } from "../api/client";
import { isLiveSignal, isNotificationsReadSignal, liveEvent, notificationEvent, notificationsReadEvent } from "../api/live";
import { decodeNotification } from "../api/task-decoders";
import { bindAttribute, bindText, language, languageChanged, t } from "../i18n";
import { formatDateTime } from "../lib/format";
import { badgeText, onceEach, safeLink } from "../lib/notifications";
import { currentMe, sessionChanged, timeZone } from "../session";
import { h, ht } from "../ui/dom";
import { announceText } from "../ui/status";
import { closeReminderToasts, showReminderToast } from "./rapport-reminder-toast";

function bellIcon(): SVGSVGElement {
  const ns = "http://www.w3.org/2000/svg";
  const svg = document.createElementNS(ns, "svg");
  for (const [name, value] of Object.entries({ viewBox: "0 0 24 24", width: "20", height: "20", fill: "none", stroke: "currentColor", "stroke-width": "2", "stroke-linecap": "round", "stroke-linejoin": "round", "aria-hidden": "true", focusable: "false" })) {
    svg.setAttribute(name, value);
  }
  const path = document.createElementNS(ns, "path");
  path.setAttribute("d", "M6 16V11a6 6 0 1 1 12 0v5l1.5 2h-15L6 16zM10 20a2 2 0 0 0 4 0");
  svg.append(path);
  return svg;
}

/**
 * The bell in the shell: a live unread count and a panel of the person's notifications. The
 * shell keeps one instance across page changes, so the count is not refetched on every click.
 * New notifications arrive as `rapport:notification` window events; a reconnect ("resync")
 * refetches the count, since frames sent while offline are lost. Reads made in the person's other
 * tabs or devices arrive as `rapport:notifications-read`, so every bell shows the same count.
 */
export class RapportBell extends HTMLElement {
  private unread = 0;
  private items: Notification[] = [];
  private nextCursor: string | null = null;
  private loaded = false;
  private started = false;
  private readonly firstTime = onceEach();
  private readonly button = h("button", { type: "button", class: "bell-button", "aria-expanded": "false", "aria-controls": "notification-panel", "data-testid": "bell" });
  private readonly badge = h("span", { class: "bell-badge", "aria-hidden": "true", "data-testid": "bell-count", hidden: true });
  private readonly panel = h("section", { id: "notification-panel", class: "notification-panel", hidden: true, "aria-labelledby": "notification-panel-title" });
  private readonly list = h("ul", { class: "notification-list", "data-testid": "notifications" });
  private readonly more = ht("button", "notifications.loadMore", { type: "button", class: "button small", hidden: true });
  private readonly markAll = ht("button", "notifications.markAll", { type: "button", class: "button subtle small", "data-testid": "mark-all-read" });

  connectedCallback(): void {
    if (this.started) return;
    this.started = true;
    this.className = "bell";
    this.button.append(bellIcon(), this.badge);
    this.button.addEventListener("click", () => (this.panel.hidden ? this.openPanel() : this.closePanel(true)));
    this.more.addEventListener("click", () => void this.loadPage(true));
    this.markAll.addEventListener("click", () => void this.read({ all: true }));
    this.panel.addEventListener("keydown", (event) => {
      if (event.key === "Escape") {
        event.preventDefault();
        this.closePanel(true);
      }
    });
    this.button.addEventListener("keydown", (event) => {
      if (event.key === "Escape" && !this.panel.hidden) this.closePanel(true);
    });
    // A click anywhere else (or focus moving elsewhere) closes the panel, as menus do.
    document.addEventListener("click", (event) => {
      if (!this.panel.hidden && event.target instanceof Node && !this.contains(event.target)) this.closePanel(false);
    });
    this.panel.append(
      h("div", { class: "notification-head" }, ht("h2", "notifications.title", { id: "notification-panel-title" }), this.markAll),
      this.list,
      h("div", { class: "notification-foot" }, this.more, ht("a", "notifications.settings", { href: "/settings/notifications", class: "button subtle small" })),
    );
    this.append(this.button, this.panel);
    this.renderCount();
    window.addEventListener(notificationEvent, (event) => this.onNotification(event));
    window.addEventListener(notificationsReadEvent, (event) => {
      if (isNotificationsReadSignal(event)) this.onReadElsewhere(event.detail.ids, event.detail.unreadCount);
    });
    window.addEventListener(liveEvent, (event) => {
      if (isLiveSignal(event) && event.detail.type === "resync") void this.refreshCount();
    });
    window.addEventListener(sessionChanged, () => {
      this.items = [];
      this.loaded = false;
      void this.refreshCount();
    });
    window.addEventListener(languageChanged, () => {
      this.renderCount();
      this.renderList();
    });
    void this.refreshCount();
  }

  private renderCount(): void {
    const text = badgeText(this.unread);
    this.badge.textContent = text;
    this.badge.hidden = text === "";
    // The count is in the button's name, so a screen reader hears "Notifications, 2 unread".
    bindAttribute(this.button, "aria-label", this.unread > 0 ? "notifications.bellUnread" : "notifications.bell", { count: this.unread });
    this.markAll.disabled = this.unread === 0;
  }

  private setUnread(count: number): void {
    this.unread = Math.max(0, count);
    this.renderCount();
  }

  private async refreshCount(): Promise<void> {
    if (!currentMe()?.user) return;
    try {
      const page = await api.notifications({ limit: this.panel.hidden ? 1 : 20 });
      this.setUnread(page.unread_count);
      if (!this.panel.hidden) {
        this.items = page.data;
        this.nextCursor = page.next_cursor;
        this.renderList();
      } else this.loaded = false;
    } catch {
      // The count stays as it was; the next event or reconnect tries again.
    }
  }

  private onNotification(event: Event): void {
    if (!(event instanceof CustomEvent) || !currentMe()?.user) return;
    const detail: unknown = event.detail;
    let notification: Notification;
    try {
      notification = decodeNotification(detail && typeof detail === "object" && "data" in detail ? detail.data : null);
    } catch {
      return;
    }
    // The same notification can arrive twice (a push retried, a second hub push): count and pop up once.
    if (!this.firstTime(notification.id)) return;
    if (notification.read_at === null) this.setUnread(this.unread + 1);
    if (this.loaded) {
      this.items = [notification, ...this.items.filter((item) => item.id !== notification.id)];
      this.renderList();
    }
    if (notification.type === "task.reminder") showReminderToast(notification, () => void this.read({ ids: [notification.id] }));
  }

  /**
   * Notifications were read in another tab (or in this one: its own marks come back too, and
   * applying them twice changes nothing). The frame's count was read in the same D1 batch as the
   * write, so it is the truth for the badge, as the POST's answer is for the tab that asked.
   */
  private onReadElsewhere(ids: string[] | null, unreadCount: number): void {
    if (!currentMe()?.user) return;
    this.setUnread(unreadCount);
    const read = ids === null ? null : new Set(ids);
    const now = new Date().toISOString();
    let changed = false;
    this.items = this.items.map((item) => {
      if (item.read_at !== null || (read !== null && !read.has(item.id))) return item;
      changed = true;
      return { ...item, read_at: now };
    });
    if (changed) this.renderList();
    // A reminder already dealt with elsewhere should not keep interrupting here.
    closeReminderToasts(ids);
  }

  private openPanel(): void {
    this.panel.hidden = false;
    this.button.setAttribute("aria-expanded", "true");
    // Shows "Loading…" (or the list already held) at once; the first page then replaces it.
    this.renderList();
    if (!this.loaded) void this.loadPage(false);
    (this.panel.querySelector<HTMLElement>(".notification-item a") ?? this.markAll).focus();
  }

  private closePanel(returnFocus: boolean): void {
    this.panel.hidden = true;
    this.button.setAttribute("aria-expanded", "false");
    if (returnFocus) this.button.focus();
  }

  private async loadPage(more: boolean): Promise<void> {
    try {
      const page = await api.notifications({ cursor: more ? (this.nextCursor ?? undefined) : undefined });
      this.items = more ? [...this.items, ...page.data.filter((item) => !this.items.some((known) => known.id === item.id))] : page.data;
      this.nextCursor = page.next_cursor;
      this.loaded = true;
      this.setUnread(page.unread_count);
      this.renderList();
      if (!more && !this.panel.hidden && !this.panel.contains(document.activeElement)) this.panel.querySelector<HTMLElement>(".notification-item a")?.focus();
    } catch (error) {
      announceText(error instanceof Error ? error.message : t("error.generic"), "error");
    }
  }

  private renderList(): void {
    if (!this.loaded) {
      this.list.replaceChildren(h("li", { class: "loading" }, t("app.loading")));
      return;
    }
    if (this.items.length === 0) {
      this.list.replaceChildren(h("li", { class: "empty" }, t("notifications.empty")));
    } else {
      this.list.replaceChildren(...this.items.map((item) => this.itemFor(item)));
    }
    this.more.hidden = this.nextCursor === null;
  }

  private itemFor(item: Notification): HTMLElement {
    const when = h("time", { datetime: item.created_at }, formatDateTime(item.created_at, language(), timeZone()));
    const unread = item.read_at === null;
    const href = safeLink(item.link);
    const body = [h("span", { class: "notification-text" }, item.text), when];
    const target = href ? h("a", { href }, ...body) : h("button", { type: "button", class: "notification-plain" }, ...body);
    if (unread) target.append(bindText(h("span", { class: "visually-hidden" }), "notifications.unread"));
    // Opening a notification reads it; the link then navigates as usual.
    target.addEventListener("click", () => {
      if (unread) void this.read({ ids: [item.id] });
      if (href) this.closePanel(false);
    });
    return h("li", { class: unread ? "notification-item unread" : "notification-item", "data-testid": "notification" }, target);
  }

  /** Marks read on the server; the answer's count is the truth for the badge. */
  async read(body: { ids: string[] } | { all: true }): Promise<void> {
    const now = new Date().toISOString();
    const ids = "ids" in body ? new Set(body.ids) : null;
    this.items = this.items.map((item) => (item.read_at === null && (ids === null || ids.has(item.id)) ? { ...item, read_at: now } : item));
    this.renderList();
    try {
      this.setUnread((await api.markNotificationsRead(body)).unread_count);
    } catch (error) {
      announceText(error instanceof Error ? error.message : t("error.generic"), "error");
      void this.refreshCount();
    }
  }
}

customElements.define("rapport-bell", RapportBell);

declare global {
  interface HTMLElementTagNameMap {
    "rapport-bell": RapportBell;
  }
}
