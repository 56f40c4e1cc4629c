import type { CompanyCreateInput } from "../../../workers/companies/company.schema";
import { api } from "../api/client";
import { language } from "../i18n";
import { countryOptions } from "../lib/format";
import { can } from "../lib/permissions";
import { isSizeBand, sizeBands, textOrNull } from "../lib/records";
import { navigate } from "../router";
import { role } from "../session";
import { h, ht } from "../ui/dom";
import { formMessage, inputField, onSubmit, selectField, valueOf } from "../ui/forms";
import { announce } from "../ui/status";
import { revenueOf, revenueRows } from "./rapport-company";

export class RapportCompanyNew extends HTMLElement {
  connectedCallback(): void {
    if (!can.writeRecords(role())) {
      this.replaceChildren(ht("p", "error.forbidden", { class: "notice" }));
      return;
    }
    const locale = language();
    const name = inputField({ name: "name", label: "companies.name", autocomplete: "off", required: true });
    const domain = inputField({ name: "domain", label: "companies.domain", hint: "companies.domainHint", autocomplete: "off" });
    const industry = inputField({ name: "industry", label: "companies.industry", autocomplete: "off" });
    const size = selectField("size_band", "companies.size", [{ value: "", key: "size.any" }, ...sizeBands.map((value) => ({ value, label: value }))], "");
    const revenueSlot = h("div", { class: "span-all" }, ...revenueRows(null, "EUR"));
    const phone = inputField({ name: "phone", label: "records.phone", type: "tel", autocomplete: "off" });
    const website = inputField({ name: "website", label: "companies.website", type: "url", autocomplete: "off", placeholder: "https://" });
    const city = inputField({ name: "city", label: "records.city", autocomplete: "off" });
    const country = selectField("country", "records.country", [{ value: "", key: "records.noCountry" }, ...countryOptions(locale)], "");
    const form = h(
      "form",
      { class: "card-panel form-grid", "aria-labelledby": "new-company-title", "data-testid": "company-form" },
      formMessage(),
      name.row,
      domain.row,
      industry.row,
      size.row,
      revenueSlot,
      phone.row,
      website.row,
      city.row,
      country.row,
      h("div", { class: "actions span-all" }, ht("a", "records.cancel", { href: "/companies", class: "button subtle" }), ht("button", "companies.create", { type: "submit", class: "button primary" })),
    );
    // The workspace's currency is the sensible default for revenue.
    void api
      .workspace()
      .then(({ data }) => {
        const select = form.querySelector<HTMLSelectElement>("select[name=currency]");
        if (select && !form.querySelector<HTMLInputElement>("input[name=annual_revenue]")?.value) select.value = data.default_currency;
      })
      .catch(() => undefined);
    onSubmit(form, async () => {
      const band = valueOf(form, "size_band");
      const body: CompanyCreateInput = {
        name: valueOf(form, "name"),
        domain: textOrNull(valueOf(form, "domain")),
        industry: textOrNull(valueOf(form, "industry")),
        size_band: isSizeBand(band) ? band : null,
        annual_revenue: revenueOf(form) ?? null,
        phone: textOrNull(valueOf(form, "phone")),
        website: textOrNull(valueOf(form, "website")),
        city: textOrNull(valueOf(form, "city")),
        country: valueOf(form, "country") || null,
      };
      const created = await api.createCompany(body);
      navigate(`/companies/${created.id}`);
      announce("companies.created", { name: created.name });
    });
    this.replaceChildren(
      h("nav", { class: "crumbs" }, ht("a", "companies.backToList", { href: "/companies" })),
      ht("h1", "companies.createTitle", { id: "new-company-title" }),
      ht("p", "companies.createLead", { class: "lead" }),
      form,
    );
    name.input.focus();
  }
}

customElements.define("rapport-company-new", RapportCompanyNew);

declare global {
  interface HTMLElementTagNameMap {
    "rapport-company-new": RapportCompanyNew;
  }
}
