import type { Company } from "../../../workers/companies/company.schema";
import { api } from "../api/client";
import { bindAttribute, bindText, language, languageChanged, t } from "../i18n";
import { companyFiltersFrom, companyQuery, companySearch, type CompanyFilters } from "../lib/list-query";
import { countryName, formatMoney, formatShortDate } from "../lib/format";
import { debounce } from "../lib/latest";
import { can } from "../lib/permissions";
import { navigate } from "../router";
import { role, timeZone } from "../session";
import { h, ht } from "../ui/dom";
import { listShortcuts } from "../ui/keys";
import { emptyState, RecordGrid } from "../ui/record-grid";
import { avatar, magnifier, plus } from "./rapport-contacts";
import { exportMenu } from "./rapport-export-menu";

const sortChoices = [
  { value: "name", key: "records.sortName" },
  { value: "-name", key: "records.sortNameDesc" },
  { value: "-created_at", key: "records.sortCreatedDesc" },
  { value: "created_at", key: "records.sortCreated" },
  { value: "-updated_at", key: "records.sortUpdatedDesc" },
  { value: "updated_at", key: "records.sortUpdated" },
] as const;

export function locationOf(company: Pick<Company, "city" | "country">, locale: string): string {
  return [company.city, company.country ? countryName(company.country, locale) : null].filter(Boolean).join(", ");
}

/** Companies: search by name as you type, sort, infinite scroll, keyboard like the contacts list. */
export class RapportCompanies extends HTMLElement {
  private filters: CompanyFilters = companyFiltersFrom(location.search);
  private grid: RecordGrid<Company> | null = null;
  private readonly search = h("input", { type: "search", id: "company-search", name: "q", autocomplete: "off", enterkeyhint: "search", "data-testid": "company-search", "aria-keyshortcuts": "/" });
  private removeShortcuts: () => void = () => undefined;
  private readonly onLanguage = () => void this.grid?.reload();
  private readonly typed = debounce(() => {
    this.filters = { ...this.filters, q: this.search.value };
    this.apply();
  }, 250);

  connectedCallback(): void {
    window.addEventListener(languageChanged, this.onLanguage);
    const writer = can.writeRecords(role());
    const grid = new RecordGrid<Company>({
      label: "companies.listLabel",
      testId: "companies",
      columns: [
        {
          label: "companies.colName",
          className: "name-col",
          cell: (company) =>
            h("div", { class: "name-cell" }, avatar(company.name, true), h("span", { class: "name-text" }, h("a", { href: `/companies/${company.id}`, tabindex: "-1" }, company.name), company.domain ? h("small", {}, company.domain) : null)),
        },
        { label: "companies.colIndustry", cell: (company) => company.industry ?? "", optional: true },
        { label: "companies.colSize", cell: (company) => company.size_band ?? "", optional: true },
        { label: "companies.colLocation", cell: (company) => locationOf(company, language()) },
        { label: "companies.colRevenue", cell: (company) => (company.annual_revenue ? h("span", { class: "nowrap num" }, formatMoney(company.annual_revenue, language())) : ""), optional: true, className: "num" },
        { label: "companies.colUpdated", cell: (company) => h("span", { class: "nowrap" }, formatShortDate(company.updated_at, language(), timeZone())), optional: true },
      ],
      href: (company) => `/companies/${company.id}`,
      rowName: (company) => company.name,
      load: (cursor, signal) => api.companies({ ...companyQuery(this.filters), cursor }, signal),
      empty: () => {
        if (this.filters.q.trim()) {
          const clear = ht("button", "records.clearFilters", { type: "button", class: "button" });
          clear.addEventListener("click", () => {
            this.search.value = "";
            this.filters = { ...this.filters, q: "" };
            this.apply();
            this.search.focus();
          });
          return emptyState("companies.noMatchTitle", "companies.noMatchLead", [clear]);
        }
        return emptyState("companies.emptyTitle", "companies.emptyLead", writer ? [h("a", { href: "/companies/new", class: "button primary" }, plus(), bindText(h("span"), "companies.new"))] : []);
      },
    });
    this.grid = grid;
    bindAttribute(this.search, "placeholder", "companies.searchPlaceholder");
    this.search.value = this.filters.q;
    this.search.addEventListener("input", () => this.typed());
    this.search.addEventListener("keydown", (event) => {
      if (event.key === "Enter") {
        event.preventDefault();
        this.typed.flush();
      } else if (event.key === "ArrowDown") {
        event.preventDefault();
        grid.focusFirstRow();
      }
    });
    const sort = h("select", { class: "chip-select", name: "sort" });
    bindAttribute(sort, "aria-label", "records.sort");
    for (const choice of sortChoices) sort.append(bindText(h("option", { value: choice.value }), choice.key));
    sort.value = this.filters.sort;
    sort.addEventListener("change", () => {
      const chosen = sortChoices.find((choice) => choice.value === sort.value);
      if (chosen) this.filters = { ...this.filters, sort: chosen.value };
      this.apply();
    });
    this.replaceChildren(
      h(
        "div",
        { class: "page-head" },
        h("div", {}, ht("h1", "companies.title"), ht("p", "companies.lead", { class: "lead" })),
        h(
          "div",
          { class: "page-actions" },
          ht("a", "records.deleted", { href: "/companies/deleted", class: "button subtle" }),
          exportMenu("companies", () => companyQuery(this.filters)),
          writer ? h("a", { href: "/companies/new", class: "button primary", "data-testid": "new-company", "aria-keyshortcuts": "n" }, plus(), bindText(h("span"), "companies.new")) : null,
        ),
      ),
      h(
        "div",
        { class: "toolbar" },
        h("div", { class: "search-box" }, bindText(h("label", { for: "company-search", class: "visually-hidden" }), "companies.searchLabel"), magnifier(), this.search, h("kbd", { class: "search-key", "aria-hidden": "true" }, "/")),
        h("div", { class: "chips" }, sort),
      ),
      h("section", { class: "card-panel flush" }, grid.element),
      ht("p", "records.shortcuts", { class: "hint shortcuts" }),
    );
    this.removeShortcuts = listShortcuts({
      "/": () => {
        this.search.focus();
        this.search.select();
      },
      ...(writer ? { n: () => navigate("/companies/new") } : {}),
    });
    void grid.reload();
  }

  disconnectedCallback(): void {
    window.removeEventListener(languageChanged, this.onLanguage);
    this.removeShortcuts();
    this.typed.cancel();
    this.grid?.destroy();
  }

  private apply(): void {
    history.replaceState(null, "", `/companies${companySearch(this.filters)}`);
    void this.grid?.reload();
  }
}

customElements.define("rapport-companies", RapportCompanies);

declare global {
  interface HTMLElementTagNameMap {
    "rapport-companies": RapportCompanies;
  }
}
