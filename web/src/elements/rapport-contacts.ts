import type { Member } from "../../../workers/team/member.schema";
import type { Contact, ContactBulkInput } from "../../../workers/contacts/contact.schema";
import { api } from "../api/client";
import { bindAttribute, bindText, language, languageChanged, t } from "../i18n";
import { contactFiltersFrom, contactQuery, contactSearch, type ContactFilters, hasActiveFilters } from "../lib/list-query";
import { countryName, formatPhone, formatShortDate } from "../lib/format";
import { debounce } from "../lib/latest";
import { can } from "../lib/permissions";
import { initials, isLifecycleStage, lifecycleStages } from "../lib/records";
import { navigate } from "../router";
import { currentMe, role, timeZone } from "../session";
import { h, ht } from "../ui/dom";
import { listShortcuts } from "../ui/keys";
import { members, ownerChoices, ownerName } from "../ui/members";
import { emptyState, RecordGrid } from "../ui/record-grid";
import { announce, announceText } from "../ui/status";
import { offerUndo } from "../ui/undo";
import { RapportConfirm } from "./rapport-confirm";
import { exportMenu } from "./rapport-export-menu";

const sortChoices = [
  { value: "name", key: "records.sortName" },
  { value: "-name", key: "records.sortNameDesc" },
  { value: "-created_at", key: "records.sortCreatedDesc" },
  { value: "created_at", key: "records.sortCreated" },
  { value: "-updated_at", key: "records.sortUpdatedDesc" },
  { value: "updated_at", key: "records.sortUpdated" },
  { value: "-last_activity_at", key: "records.sortActivityDesc" },
  { value: "last_activity_at", key: "records.sortActivity" },
] as const;

export function stageBadge(stage: Contact["lifecycle_stage"]): HTMLElement {
  return bindText(h("span", { class: `stage stage-${stage}` }), `stage.${stage}`);
}

export function avatar(name: string, small = false): HTMLElement {
  return h("span", { class: small ? "avatar small" : "avatar", "aria-hidden": "true" }, initials(name));
}

/** Restores in small parallel batches, so undoing a bulk delete never floods the API. */
export async function restoreAll(ids: readonly string[], restore: (id: string) => Promise<unknown>): Promise<void> {
  for (let start = 0; start < ids.length; start += 6) await Promise.all(ids.slice(start, start + 6).map((id) => restore(id)));
}

/** The contacts list: search as you type, filter chips, sort, infinite scroll, bulk actions. */
export class RapportContacts extends HTMLElement {
  private filters: ContactFilters = contactFiltersFrom(location.search);
  private team: Member[] = [];
  private readonly teamReady = members().then((list) => {
    this.team = list;
  });
  private grid: RecordGrid<Contact> | null = null;
  private readonly search = h("input", { type: "search", id: "contact-search", name: "q", autocomplete: "off", enterkeyhint: "search", "data-testid": "contact-search" });
  private readonly chips = h("div", { class: "chips", role: "group" });
  private readonly bulkBar = h("div", { class: "bulk-bar", role: "region", hidden: true, "data-testid": "bulk-bar" });
  private readonly sortNote = ht("p", "records.sortIgnored", { class: "hint sort-note", hidden: true });
  private removeShortcuts: () => void = () => undefined;
  private readonly onLanguage = () => {
    this.renderChips();
    void this.grid?.reload();
  };
  private readonly typed = debounce(() => {
    this.filters = { ...this.filters, q: this.search.value };
    this.apply();
  }, 200);

  connectedCallback(): void {
    window.addEventListener(languageChanged, this.onLanguage);
    const writer = can.writeRecords(role());
    const grid = new RecordGrid<Contact>({
      label: "contacts.listLabel",
      testId: "contacts",
      selectable: writer,
      columns: [
        { label: "contacts.colName", cell: (contact) => this.nameCell(contact), className: "name-col" },
        { label: "contacts.colCompany", cell: (contact) => (contact.company ? h("a", { href: `/companies/${contact.company.id}`, class: "clip", title: contact.company.name }, contact.company.name) : ""), optional: true },
        { label: "contacts.colPhone", cell: (contact) => (contact.phone ? h("span", { class: "nowrap" }, formatPhone(contact.phone)) : ""), optional: true },
        { label: "contacts.colStage", cell: (contact) => stageBadge(contact.lifecycle_stage) },
        { label: "contacts.colOwner", cell: (contact) => h("span", { class: "nowrap" }, ownerName(this.team, contact.owner_id)), optional: true },
        { label: "contacts.colUpdated", cell: (contact) => h("span", { class: "nowrap" }, formatShortDate(contact.updated_at, language(), timeZone())), optional: true },
      ],
      href: (contact) => `/contacts/${contact.id}`,
      rowName: (contact) => contact.display_name,
      // Owner names come from the member list, fetched alongside the first page rather than before it.
      load: async (cursor, signal) => (await Promise.all([api.contacts({ ...contactQuery(this.filters), cursor }, signal), this.teamReady]))[0],
      onSelection: (ids) => this.renderBulk(ids),
      empty: () => this.emptyFor(),
    });
    this.grid = grid;

    bindAttribute(this.search, "placeholder", "contacts.searchPlaceholder");
    this.search.value = this.filters.q;
    this.search.addEventListener("input", () => this.typed());
    this.search.addEventListener("keydown", (event) => {
      if (event.key === "Enter") {
        event.preventDefault();
        this.typed.flush();
      } else if (event.key === "ArrowDown") {
        event.preventDefault();
        grid.focusFirstRow();
      } else if (event.key === "Escape" && this.search.value !== "") {
        event.preventDefault();
        this.search.value = "";
        this.typed();
        this.typed.flush();
      }
    });
    bindAttribute(this.chips, "aria-label", "contacts.filters");
    bindAttribute(this.bulkBar, "aria-label", "contacts.bulkLabel");

    const header = h(
      "div",
      { class: "page-head" },
      h("div", {}, ht("h1", "contacts.title"), ht("p", "contacts.lead", { class: "lead" })),
      h(
        "div",
        { class: "page-actions" },
        ht("a", "duplicates.openLink", { href: "/duplicates", class: "button subtle", "data-testid": "duplicates-link" }),
        ht("a", "records.deleted", { href: "/contacts/deleted", class: "button subtle" }),
        exportMenu("contacts", () => contactQuery(this.filters)),
        writer ? ht("a", "imports.open", { href: "/contacts/import", class: "button", "data-testid": "import-contacts" }) : null,
        writer ? h("a", { href: "/contacts/new", class: "button primary", "data-testid": "new-contact", "aria-keyshortcuts": "n" }, plus(), bindText(h("span"), "contacts.new")) : null,
      ),
    );
    const searchBox = h(
      "div",
      { class: "search-box" },
      bindText(h("label", { for: "contact-search", class: "visually-hidden" }), "contacts.searchLabel"),
      magnifier(),
      this.search,
      h("kbd", { class: "search-key", "aria-hidden": "true" }, "/"),
    );
    this.search.setAttribute("aria-keyshortcuts", "/");
    this.replaceChildren(
      header,
      h("div", { class: "toolbar" }, searchBox, this.chips, this.sortNote),
      this.bulkBar,
      h("section", { class: "card-panel flush" }, grid.element),
      ht("p", "records.shortcuts", { class: "hint shortcuts" }),
    );
    this.removeShortcuts = listShortcuts({
      "/": () => {
        this.search.focus();
        this.search.select();
      },
      ...(writer ? { n: () => navigate("/contacts/new") } : {}),
    });
    this.renderChips();
    void grid.reload();
    if (this.filters.q) this.search.focus();
  }

  disconnectedCallback(): void {
    window.removeEventListener(languageChanged, this.onLanguage);
    this.removeShortcuts();
    this.typed.cancel();
    this.grid?.destroy();
  }

  private apply(): void {
    history.replaceState(null, "", `/contacts${contactSearch(this.filters)}`);
    this.renderChips();
    void this.grid?.reload();
  }

  private nameCell(contact: Contact): HTMLElement {
    const sub = contact.email ?? (contact.phone ? formatPhone(contact.phone) : "") ?? "";
    return h(
      "div",
      { class: "name-cell" },
      avatar(contact.display_name, true),
      h("span", { class: "name-text" }, h("a", { href: `/contacts/${contact.id}`, tabindex: "-1", class: "row-link" }, contact.display_name), sub ? h("small", {}, sub) : null),
    );
  }

  private emptyFor(): Node {
    if (hasActiveFilters(this.filters)) {
      const clear = ht("button", "records.clearFilters", { type: "button", class: "button" });
      clear.addEventListener("click", () => {
        this.search.value = "";
        this.filters = { q: "", sort: this.filters.sort };
        this.apply();
        this.search.focus();
      });
      return emptyState("contacts.noMatchTitle", "contacts.noMatchLead", [clear]);
    }
    const actions: Node[] = [];
    if (can.writeRecords(role())) actions.push(h("a", { href: "/contacts/new", class: "button primary" }, plus(), bindText(h("span"), "contacts.new")));
    if (can.manageApiKeys(role())) actions.push(ht("a", "contacts.emptyApi", { href: "/settings/api-keys", class: "button" }));
    return emptyState("contacts.emptyTitle", "contacts.emptyLead", actions);
  }

  private toggleChip(key: "has_email" | "has_phone" | "consent" | "owner_id", label: "contacts.hasEmail" | "contacts.hasPhone" | "contacts.consented" | "contacts.mine", value: () => unknown): HTMLElement {
    const on = this.filters[key] !== undefined;
    const button = ht("button", label, { type: "button", class: "chip", "aria-pressed": String(on) });
    button.addEventListener("click", () => {
      const next = { ...this.filters };
      if (on) delete next[key];
      else Object.assign(next, { [key]: value() });
      this.filters = next;
      this.apply();
      this.chips.querySelector<HTMLElement>(`[data-chip="${key}"]`)?.focus();
    });
    button.dataset.chip = key;
    return button;
  }

  private renderChips(): void {
    const me = currentMe();
    const chips: Node[] = [];
    if (me?.user) chips.push(this.toggleChip("owner_id", "contacts.mine", () => me.user?.id));
    chips.push(
      this.toggleChip("has_email", "contacts.hasEmail", () => true),
      this.toggleChip("has_phone", "contacts.hasPhone", () => true),
      this.toggleChip("consent", "contacts.consented", () => "granted"),
    );
    const stage = h("select", { class: "chip-select", name: "lifecycle_stage", "data-active": String(this.filters.lifecycle_stage !== undefined) });
    bindAttribute(stage, "aria-label", "contacts.stageFilter");
    stage.append(h("option", { value: "" }, t("contacts.anyStage")), ...lifecycleStages.map((value) => h("option", { value }, t(`stage.${value}`))));
    stage.value = this.filters.lifecycle_stage ?? "";
    stage.addEventListener("change", () => {
      const next = { ...this.filters };
      if (isLifecycleStage(stage.value)) next.lifecycle_stage = stage.value;
      else delete next.lifecycle_stage;
      this.filters = next;
      this.apply();
    });
    const sort = h("select", { class: "chip-select", name: "sort" });
    bindAttribute(sort, "aria-label", "records.sort");
    for (const choice of sortChoices) sort.append(h("option", { value: choice.value }, t(choice.key)));
    sort.value = this.filters.sort;
    sort.disabled = this.filters.q.trim() !== "";
    sort.addEventListener("change", () => {
      const chosen = sortChoices.find((choice) => choice.value === sort.value);
      if (chosen) this.filters = { ...this.filters, sort: chosen.value };
      this.apply();
    });
    chips.push(stage, sort);
    // Filters that arrive through a link (a tag, a company, a country) show as removable chips.
    const removable: [keyof ContactFilters, string][] = [];
    if (this.filters.tag) removable.push(["tag", t("contacts.tagFilter", { tag: this.filters.tag })]);
    if (this.filters.company_id) removable.push(["company_id", t("contacts.companyFilter")]);
    if (this.filters.country) removable.push(["country", t("contacts.countryFilter", { country: countryName(this.filters.country, language()) })]);
    if (this.filters.segment_id) removable.push(["segment_id", t("segments.contactsChip")]);
    for (const [key, text] of removable) {
      const button = h("button", { type: "button", class: "chip removable", "aria-pressed": "true", "aria-label": t("records.removeFilter", { filter: text }) }, text, h("span", { "aria-hidden": "true" }, " ×"));
      button.addEventListener("click", () => {
        const next = { ...this.filters };
        delete next[key];
        this.filters = next;
        this.apply();
      });
      chips.push(button);
    }
    this.chips.replaceChildren(...chips);
    this.sortNote.hidden = this.filters.q.trim() === "";
  }

  private renderBulk(ids: ReadonlySet<string>): void {
    if (ids.size === 0) {
      this.bulkBar.hidden = true;
      this.bulkBar.replaceChildren();
      return;
    }
    const count = h("strong", { class: "bulk-count" }, t("contacts.selected", { count: ids.size }));
    if (!this.bulkBar.hidden && this.bulkBar.firstElementChild) {
      this.bulkBar.firstElementChild.replaceWith(count);
      return;
    }
    const stage = h("select", { class: "chip-select", "data-testid": "bulk-stage" });
    bindAttribute(stage, "aria-label", "contacts.bulkStage");
    stage.append(h("option", { value: "" }, t("contacts.bulkStage")), ...lifecycleStages.map((value) => h("option", { value }, t(`stage.${value}`))));
    stage.addEventListener("change", () => {
      if (isLifecycleStage(stage.value)) void this.bulk({ action: "set_lifecycle_stage", ids: [...ids], lifecycle_stage: stage.value });
    });
    const owner = h("select", { class: "chip-select" });
    bindAttribute(owner, "aria-label", "contacts.bulkOwner");
    owner.append(h("option", { value: "__" }, t("contacts.bulkOwner")));
    for (const choice of ownerChoices(this.team)) owner.append(h("option", { value: choice.value }, choice.key ? t(choice.key) : (choice.label ?? "")));
    owner.addEventListener("change", () => {
      if (owner.value !== "__") void this.bulk({ action: "set_owner", ids: [...ids], owner_id: owner.value || null });
    });
    const tag = h("input", { type: "text", class: "bulk-tag", maxlength: "50" });
    bindAttribute(tag, "aria-label", "contacts.bulkTag");
    bindAttribute(tag, "placeholder", "contacts.bulkTag");
    const addTag = ht("button", "contacts.bulkAddTag", { type: "button", class: "button small" });
    const sendTag = () => {
      if (tag.value.trim()) void this.bulk({ action: "add_tags", ids: [...ids], tags: [tag.value.trim()] });
    };
    addTag.addEventListener("click", sendTag);
    tag.addEventListener("keydown", (event) => {
      if (event.key === "Enter") {
        event.preventDefault();
        sendTag();
      }
    });
    const remove = ht("button", "records.delete", { type: "button", class: "button small danger" });
    remove.addEventListener("click", () => void this.bulkDelete([...ids]));
    const clear = ht("button", "contacts.bulkClear", { type: "button", class: "button subtle small" });
    clear.addEventListener("click", () => this.grid?.clearSelection());
    this.bulkBar.replaceChildren(count, stage, owner, h("span", { class: "bulk-tag-group" }, tag, addTag), remove, clear);
    this.bulkBar.hidden = false;
  }

  private async bulk(body: ContactBulkInput): Promise<void> {
    try {
      const result = await api.bulkContacts(body);
      announce("contacts.bulkDone", { count: result.updated });
      this.bulkBar.hidden = true;
      await this.grid?.reload();
    } catch (error) {
      announceText(error instanceof Error ? error.message : t("error.generic"), "error");
      this.renderBulk(new Set());
      this.renderBulk(this.grid?.selected ?? new Set());
    }
  }

  private async bulkDelete(ids: string[]): Promise<void> {
    if (!(await RapportConfirm.ask(t("contacts.bulkDeleteConfirm", { count: ids.length }), "records.delete"))) return;
    try {
      await api.bulkContacts({ action: "delete", ids });
    } catch (error) {
      announceText(error instanceof Error ? error.message : t("error.generic"), "error");
      return;
    }
    this.grid?.remove(ids);
    offerUndo(t("contacts.bulkDeleted", { count: ids.length }), async () => {
      await restoreAll(ids, (id) => api.restoreContact(id));
      await this.grid?.reload();
    });
  }
}

export function plus(): SVGSVGElement {
  return svgIcon("M12 5v14M5 12h14");
}

export function magnifier(): SVGSVGElement {
  const svg = svgIcon("M20 20l-4.2-4.2");
  const circle = document.createElementNS("http://www.w3.org/2000/svg", "circle");
  circle.setAttribute("cx", "11");
  circle.setAttribute("cy", "11");
  circle.setAttribute("r", "6.5");
  svg.append(circle);
  svg.classList.add("search-icon");
  return svg;
}

function svgIcon(d: string): SVGSVGElement {
  const ns = "http://www.w3.org/2000/svg";
  const svg = document.createElementNS(ns, "svg");
  for (const [name, value] of Object.entries({ viewBox: "0 0 24 24", width: "18", height: "18", fill: "none", stroke: "currentColor", "stroke-width": "2", "stroke-linecap": "round", "aria-hidden": "true", focusable: "false", class: "icon" })) {
    svg.setAttribute(name, value);
  }
  const path = document.createElementNS(ns, "path");
  path.setAttribute("d", d);
  svg.append(path);
  return svg;
}

customElements.define("rapport-contacts", RapportContacts);

declare global {
  interface HTMLElementTagNameMap {
    "rapport-contacts": RapportContacts;
  }
}
