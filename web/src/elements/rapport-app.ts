import { api, onSessionExpired } from "../api/client";
import { isLiveSignal, liveEvent, startLive, stopLive } from "../api/live";
import { bindAttribute, bindText, languageChanged, t, type MessageKey } from "../i18n";
import { isPublicRoute, matchRoute, type Route } from "../lib/routes";
import { interceptLinks, navigate, navigated } from "../router";
import { currentMe, role, sessionChanged, setMe } from "../session";
import { h, ht } from "../ui/dom";
import { announce, clearStatus } from "../ui/status";
import "./rapport-api-keys";
import "./rapport-audit-log";
import "./rapport-campaign";
import "./rapport-campaign-wizard";
import "./rapport-campaigns";
import "./rapport-companies";
import "./rapport-company";
import "./rapport-company-new";
import "./rapport-contact";
import "./rapport-contact-new";
import "./rapport-contacts";
import "./rapport-deal";
import "./rapport-deleted";
import "./rapport-duplicates";
import "./rapport-home";
import "./rapport-imports";
import "./rapport-invite";
import "./rapport-language-switcher";
import { showLeadToast } from "./rapport-lead-toast";
import "./rapport-not-found";
import "./rapport-pipeline";
import "./rapport-quality";
import "./rapport-segment-editor";
import "./rapport-settings";
import "./rapport-signin";
import "./rapport-signup";
import "./rapport-team-settings";
import "./rapport-template-editor";
import "./rapport-workspace-settings";
import { RapportBell } from "./rapport-bell";
import { linksOfCurrentPage, RapportTaskDialog, type TaskLinks } from "./rapport-task-dialog";
import { taskSavedEvent } from "./rapport-tasks";
import { isQuickAddTaskRequest, quickAddTaskEvent } from "../lib/quick-add";
import { can } from "../lib/permissions";
import { listShortcuts } from "../ui/keys";

const titles: Record<Route["name"], MessageKey> = {
  home: "nav.home",
  signin: "signin.title",
  signup: "signup.title",
  invite: "invite.submit",
  "settings-workspace": "workspace.title",
  "settings-team": "team.title",
  "settings-api-keys": "keys.title",
  "settings-audit": "audit.title",
  contacts: "contacts.title",
  "contacts-new": "contacts.createTitle",
  "contacts-deleted": "contacts.deletedTitle",
  "contacts-import": "imports.title",
  contact: "contacts.title",
  companies: "companies.title",
  "companies-new": "companies.createTitle",
  "companies-deleted": "companies.deletedTitle",
  company: "companies.title",
  pipeline: "pipeline.title",
  deal: "deal.title",
  "settings-pipelines": "pipelines.title",
  "settings-exchange-rates": "rates.title",
  "settings-forms": "forms.title",
  "settings-form-new": "forms.createTitle",
  "settings-form": "forms.title",
  "settings-form-edit": "forms.editTitle",
  tasks: "tasks.title",
  quality: "quality.title",
  "settings-notifications": "notifications.settingsTitle",
  "settings-outbox": "outbox.title",
  "settings-outbox-email": "outbox.title",
  duplicates: "duplicates.title",
  campaigns: "campaigns.title",
  "campaign-new": "wizard.title",
  campaign: "campaigns.title",
  segments: "segments.title",
  "segment-new": "segments.createTitle",
  segment: "segments.editTitle",
  templates: "templates.title",
  "template-new": "templates.createTitle",
  template: "templates.editTitle",
  "not-found": "common.notFoundTitle",
};

/** The application shell: header with navigation, the routed page in <main>, the status region. */
export class RapportApp extends HTMLElement {
  private readonly header = h("header", { class: "topbar" });
  private readonly main = h("main", { id: "main", tabindex: "-1" });
  private booted = false;
  private route: Route = { name: "home" };
  // One bell for the whole session: the header is rebuilt on every page, the bell's count is not.
  private readonly bell = new RapportBell();

  connectedCallback(): void {
    const skip = ht("a", "app.skip", { class: "skip-link", href: "#main" });
    skip.addEventListener("click", (event) => {
      event.preventDefault();
      this.main.focus();
    });
    const status = h("div", { id: "app-status", class: "toast", role: "status", "aria-live": "polite", "aria-atomic": "true" });
    this.replaceChildren(skip, this.header, this.main, status);
    interceptLinks(this);
    window.addEventListener("popstate", () => this.show());
    window.addEventListener(navigated, () => this.show(true));
    window.addEventListener(sessionChanged, () => {
      this.renderHeader();
      if (currentMe()) startLive();
      else stopLive();
    });
    window.addEventListener(liveEvent, (event) => {
      if (isLiveSignal(event) && (event.detail.type === "workspace.updated" || event.detail.type === "resync")) void this.refreshMe();
      if (isLiveSignal(event) && event.detail.type === "form.submitted") void showLeadToast(event.detail);
    });
    window.addEventListener(languageChanged, () => this.setTitle());
    // Quick add from anywhere: `t` (outside text fields, like the list pages' `n` and `/`), the
    // header button, or a record page asking for a task linked to its record.
    listShortcuts({ t: () => void this.quickAddTask(linksOfCurrentPage()) });
    window.addEventListener(quickAddTaskEvent, (event) => {
      if (isQuickAddTaskRequest(event)) void this.quickAddTask(event.detail);
    });
    onSessionExpired(() => {
      if (!currentMe()) return;
      setMe(null);
      announce("signin.expired");
      if (!isPublicRoute(matchRoute(location.pathname))) navigate(`/signin?next=${encodeURIComponent(location.pathname)}`, { replace: true });
    });
    this.main.append(ht("p", "app.loading", { class: "loading" }));
    void this.boot();
  }

  private async boot(): Promise<void> {
    try {
      setMe(await api.me());
    } catch {
      setMe(null);
    }
    this.booted = true;
    this.show();
  }

  private async refreshMe(): Promise<void> {
    try {
      if (currentMe()) setMe(await api.me());
    } catch {
      // The session handler deals with an ended session; other failures keep the old header.
    }
  }

  private show(moveFocus = false): void {
    if (!this.booted) return;
    const route = matchRoute(location.pathname);
    const me = currentMe();
    if (!me && !isPublicRoute(route)) {
      const next = route.name === "home" || route.name === "not-found" ? "" : `?next=${encodeURIComponent(location.pathname)}`;
      navigate(`/signin${next}`, { replace: true });
      return;
    }
    if (me && (route.name === "signin" || route.name === "signup")) {
      navigate("/", { replace: true });
      return;
    }
    this.route = route;
    if (moveFocus) clearStatus();
    this.renderHeader();
    this.main.replaceChildren(this.pageFor(route));
    this.setTitle();
    if (moveFocus) this.main.focus();
  }

  private pageFor(route: Route): HTMLElement {
    switch (route.name) {
      case "home":
        return h("rapport-home");
      case "signin":
        return h("rapport-signin");
      case "signup":
        return h("rapport-signup");
      case "invite":
        return h("rapport-invite", { token: route.token });
      case "settings-workspace":
        return h("rapport-settings", { section: "workspace" });
      case "settings-team":
        return h("rapport-settings", { section: "team" });
      case "settings-api-keys":
        return h("rapport-settings", { section: "api-keys" });
      case "settings-audit":
        return h("rapport-settings", { section: "audit" });
      case "contacts":
        return h("rapport-contacts");
      case "contacts-new":
        return h("rapport-contact-new");
      case "contacts-deleted":
        return h("rapport-deleted", { kind: "contacts" });
      case "contacts-import":
        return h("rapport-imports");
      case "contact":
        return h("rapport-contact", { "contact-id": route.id });
      case "companies":
        return h("rapport-companies");
      case "companies-new":
        return h("rapport-company-new");
      case "companies-deleted":
        return h("rapport-deleted", { kind: "companies" });
      case "company":
        return h("rapport-company", { "company-id": route.id });
      case "pipeline":
        return h("rapport-pipeline", { "pipeline-id": route.id ?? undefined });
      case "deal":
        return h("rapport-deal", { "deal-id": route.id });
      case "settings-pipelines":
        return h("rapport-settings", { section: "pipelines" });
      case "settings-exchange-rates":
        return h("rapport-settings", { section: "exchange-rates" });
      case "settings-forms":
        return h("rapport-settings", { section: "forms" });
      case "settings-form-new":
        return h("rapport-settings", { section: "forms", view: "new" });
      case "settings-form":
        return h("rapport-settings", { section: "forms", view: "detail", "form-id": route.id });
      case "settings-form-edit":
        return h("rapport-settings", { section: "forms", view: "edit", "form-id": route.id });
      case "tasks":
        return h("rapport-tasks");
      case "quality":
        return h("rapport-quality");
      case "settings-notifications":
        return h("rapport-settings", { section: "notifications" });
      case "settings-outbox":
        return h("rapport-settings", { section: "outbox" });
      case "settings-outbox-email":
        return h("rapport-settings", { section: "outbox", "email-id": route.id });
      case "duplicates":
        return h("rapport-duplicates");
      case "campaigns":
        return h("rapport-campaigns", { view: "campaigns" });
      case "campaign-new":
        return h("rapport-campaign-wizard");
      case "campaign":
        return h("rapport-campaign", { "campaign-id": route.id });
      case "segments":
        return h("rapport-campaigns", { view: "segments" });
      case "segment-new":
        return h("rapport-segment-editor");
      case "segment":
        return h("rapport-segment-editor", { "segment-id": route.id });
      case "templates":
        return h("rapport-campaigns", { view: "templates" });
      case "template-new":
        return h("rapport-template-editor");
      case "template":
        return h("rapport-template-editor", { "template-id": route.id });
      case "not-found":
        return h("rapport-not-found");
    }
  }

  private setTitle(): void {
    document.title = `${t(titles[this.route.name])} · ${t("app.name")}`;
  }

  private renderHeader(): void {
    const me = currentMe();
    const brand = h("a", { class: "brand", href: "/" }, h("span", { class: "brand-mark", "aria-hidden": "true" }, "R"), h("span", {}, "Rapport"));
    const children: Node[] = [brand];
    if (me) {
      children.push(h("span", { class: "workspace-name", "data-testid": "workspace-name" }, me.workspace.name));
      const nav = bindAttribute(h("nav", { class: "main-nav" }), "aria-label", "nav.main");
      const list = h("ul");
      const settings = this.route.name.startsWith("settings-");
      const contacts = this.route.name === "contact" || this.route.name.startsWith("contacts") || this.route.name === "duplicates";
      const companies = this.route.name === "company" || this.route.name.startsWith("companies");
      const pipeline = this.route.name === "pipeline" || this.route.name === "deal";
      const campaigns = ["campaigns", "campaign-new", "campaign", "segments", "segment-new", "segment", "templates", "template-new", "template"].includes(this.route.name);
      list.append(
        h("li", {}, ht("a", "nav.home", { href: "/", "aria-current": this.route.name === "home" ? "page" : undefined })),
        h("li", {}, ht("a", "nav.pipeline", { href: "/pipeline", "aria-current": pipeline ? "page" : undefined })),
        h("li", {}, ht("a", "nav.tasks", { href: "/tasks", "aria-current": this.route.name === "tasks" ? "page" : undefined })),
        h("li", {}, ht("a", "nav.contacts", { href: "/contacts", "aria-current": contacts ? "page" : undefined })),
        h("li", {}, ht("a", "nav.companies", { href: "/companies", "aria-current": companies ? "page" : undefined })),
        h("li", {}, ht("a", "nav.campaigns", { href: "/campaigns", "aria-current": campaigns ? "page" : undefined })),
        h("li", {}, ht("a", "nav.quality", { href: "/quality", "aria-current": this.route.name === "quality" ? "page" : undefined })),
        h("li", {}, ht("a", "nav.settings", { href: "/settings/workspace", "aria-current": settings ? "page" : undefined })),
      );
      nav.append(list);
      children.push(nav);
    }
    const tools = h("div", { class: "topbar-tools" }, h("rapport-language-switcher"));
    if (me) {
      const name = me.user?.name ?? me.workspace.name;
      const account = h("span", { class: "account", title: me.user?.email ?? "" });
      bindText(account, "header.account", { name });
      const signOut = ht("button", "header.signOut", { type: "button", class: "button subtle" });
      signOut.addEventListener("click", () => void this.signOut(signOut));
      if (me.user) {
        if (can.writeRecords(role())) {
          const add = h("button", { type: "button", class: "button subtle quick-add-task", "aria-keyshortcuts": "t", "data-testid": "quick-add-task" }, h("span", { "aria-hidden": "true" }, "+ "), bindText(h("span"), "tasks.quickAdd"));
          bindAttribute(add, "title", "tasks.quickAddTitle");
          add.addEventListener("click", () => void this.quickAddTask(linksOfCurrentPage()));
          tools.append(add);
        }
        tools.append(this.bell);
      }
      tools.append(account, signOut);
    }
    children.push(tools);
    this.header.replaceChildren(...children);
  }

  private async quickAddTask(links: TaskLinks): Promise<void> {
    if (!currentMe()?.user || !can.writeRecords(role())) return;
    const saved = await RapportTaskDialog.open({ links });
    if (saved) window.dispatchEvent(new CustomEvent(taskSavedEvent));
  }

  private async signOut(button: HTMLButtonElement): Promise<void> {
    button.disabled = true;
    try {
      await api.logout();
    } catch {
      // The cookies may already be gone; signing out locally is still right.
    }
    setMe(null);
    navigate("/signin?signed_out=1", { replace: true });
  }
}

customElements.define("rapport-app", RapportApp);

declare global {
  interface HTMLElementTagNameMap {
    "rapport-app": RapportApp;
  }
}
