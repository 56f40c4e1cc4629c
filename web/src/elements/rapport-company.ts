import type { Company, CompanyPatchInput } from "../../../workers/companies/company.schema";
import type { Contact } from "../../../workers/contacts/contact.schema";
import type { Member } from "../../../workers/team/member.schema";
import { ApiError, api } from "../api/client";
import { bindText, language, languageChanged, t, type MessageKey } from "../i18n";
import { countryName, countryOptions, currencyOptions, formatDateTime, formatMoney, formatPhone, moneyInputText, parseMoneyInput } from "../lib/format";
import { can } from "../lib/permissions";
import { isSizeBand, sizeBands, splitList, textOrNull } from "../lib/records";
import { role, timeZone } from "../session";
import { h, ht } from "../ui/dom";
import { inputField, selectField, valueOf } from "../ui/forms";
import { focusEditButton, type InlineField, inlineFields } from "../ui/inline-field";
import { members, ownerChoices, ownerLabel } from "../ui/members";
import { announce } from "../ui/status";
import { deleteThenOfferUndo } from "../ui/undo";
import { RapportConfirm } from "./rapport-confirm";
import { avatar, plus, stageBadge } from "./rapport-contacts";
import { RapportTimeline } from "./rapport-timeline";

type TextKey = "name" | "industry" | "address" | "city";

/** Reads the revenue controls into the API's money object; an unreadable amount is a field error. */
export function revenueOf(form: HTMLFormElement): CompanyPatchInput["annual_revenue"] {
  const text = valueOf(form, "annual_revenue").trim();
  const currency = valueOf(form, "currency") || "EUR";
  if (text === "") return null;
  const amount = parseMoneyInput(text, currency);
  if (amount === null) throw new ApiError(422, "validation_failed", t("field.amount"), { annual_revenue: t("field.amount") }, [], null);
  return { amount, currency };
}

export function revenueRows(current: { amount: number; currency: string } | null, fallbackCurrency: string): HTMLElement[] {
  const locale = language();
  const amount = inputField({ name: "annual_revenue", label: "companies.revenueAmount", inputmode: "decimal", value: current ? moneyInputText(current, locale) : "" });
  const currency = selectField("currency", "companies.currency", currencyOptions(locale), current?.currency ?? fallbackCurrency);
  return [h("div", { class: "money-row" }, amount.row, currency.row)];
}

/** One company, edited in place, with the people who work there. */
export class RapportCompany extends HTMLElement {
  private company: Company | null = null;
  private etag: string | null = null;
  private team: Member[] = [];
  private people: Contact[] = [];
  private peopleCursor: string | null = null;
  // Made once and moved on every render, so its loaded pages and open forms survive a re-render.
  private timeline: RapportTimeline | null = null;
  private readonly onLanguage = () => this.render();

  connectedCallback(): void {
    window.addEventListener(languageChanged, this.onLanguage);
    this.replaceChildren(ht("p", "app.loading", { class: "loading" }));
    void this.load();
  }

  disconnectedCallback(): void {
    window.removeEventListener(languageChanged, this.onLanguage);
  }

  private get companyId(): string {
    return this.getAttribute("company-id") ?? "";
  }

  private async load(): Promise<void> {
    try {
      const [{ data, etag }, team, people] = await Promise.all([api.company(this.companyId), members(), api.companyContacts(this.companyId).catch(() => ({ data: [], next_cursor: null }))]);
      this.company = data;
      this.etag = etag;
      this.team = team;
      this.people = people.data;
      this.peopleCursor = people.next_cursor;
      this.render();
    } catch (error) {
      const missing = error instanceof ApiError && error.status === 404;
      this.replaceChildren(
        h(
          "section",
          { class: "card-panel" },
          ht("p", missing ? "records.notFound" : "common.loadFailed", { class: missing ? "notice" : "notice error" }),
          h("p", {}, ht("a", "companies.backToList", { href: "/companies" }), " · ", ht("a", "records.deleted", { href: "/companies/deleted" })),
        ),
      );
    }
  }

  private async morePeople(): Promise<void> {
    if (!this.peopleCursor) return;
    const page = await api.companyContacts(this.companyId, { cursor: this.peopleCursor });
    this.people = [...this.people, ...page.data];
    this.peopleCursor = page.next_cursor;
    this.render();
  }

  private async patch(body: CompanyPatchInput, field: string): Promise<void> {
    const company = this.company;
    if (!company) return;
    try {
      const { data, etag } = await api.updateCompany(company.id, body, this.etag ?? `"${company.version}"`);
      this.company = data;
      this.etag = etag;
      this.render();
      focusEditButton(this, field);
      announce("records.saved");
    } catch (error) {
      if (error instanceof ApiError && error.code === "version_mismatch") {
        await this.load();
        announce("records.stale", undefined, "error");
        return;
      }
      throw error;
    }
  }

  private textField(name: TextKey, label: MessageKey, wide = false): InlineField {
    return {
      name,
      label,
      wide,
      display: () => this.company?.[name] ?? null,
      edit: () => [inputField({ name, label, value: this.company?.[name] ?? "" }).row],
      save: (form) => this.patch(name === "name" ? { name: valueOf(form, name) } : { [name]: textOrNull(valueOf(form, name)) }, name),
    };
  }

  private timelineFor(companyId: string): RapportTimeline {
    if (!this.timeline) {
      this.timeline = new RapportTimeline();
      this.timeline.setAttribute("record-type", "company");
      this.timeline.setAttribute("record-id", companyId);
    }
    return this.timeline;
  }

  private render(): void {
    const company = this.company;
    if (!company) return;
    const locale = language();
    const writer = can.writeRecords(role());
    const fields: InlineField[] = [
      this.textField("name", "companies.name"),
      {
        name: "domain",
        label: "companies.domain",
        display: () => (company.domain ? h("a", { href: `https://${company.domain}`, rel: "noopener noreferrer", target: "_blank" }, company.domain) : null),
        edit: () => [inputField({ name: "domain", label: "companies.domain", value: company.domain ?? "", hint: "companies.domainHint" }).row],
        save: (form) => this.patch({ domain: textOrNull(valueOf(form, "domain")) }, "domain"),
      },
      this.textField("industry", "companies.industry"),
      {
        name: "size_band",
        label: "companies.size",
        display: () => company.size_band,
        edit: () => [selectField("size_band", "companies.size", [{ value: "", key: "size.any" }, ...sizeBands.map((value) => ({ value, label: value }))], company.size_band ?? "").row],
        save: (form) => {
          const band = valueOf(form, "size_band");
          return this.patch({ size_band: isSizeBand(band) ? band : null }, "size_band");
        },
      },
      {
        name: "annual_revenue",
        label: "companies.revenue",
        display: () => (company.annual_revenue ? formatMoney(company.annual_revenue, locale) : null),
        edit: () => revenueRows(company.annual_revenue, "EUR"),
        save: async (form) => this.patch({ annual_revenue: revenueOf(form) }, "annual_revenue"),
      },
      {
        name: "phone",
        label: "records.phone",
        display: () => (company.phone ? h("a", { href: `tel:${company.phone.e164}`, "data-external": "" }, formatPhone(company.phone.e164)) : null),
        edit: () => [inputField({ name: "phone", label: "records.phone", type: "tel", value: company.phone?.raw ?? "" }).row],
        save: (form) => this.patch({ phone: textOrNull(valueOf(form, "phone")) }, "phone"),
      },
      {
        name: "website",
        label: "companies.website",
        display: () => (company.website ? h("a", { href: company.website, rel: "noopener noreferrer", target: "_blank", class: "break" }, company.website) : null),
        edit: () => [inputField({ name: "website", label: "companies.website", type: "url", value: company.website ?? "" }).row],
        save: (form) => this.patch({ website: textOrNull(valueOf(form, "website")) }, "website"),
      },
      this.textField("address", "companies.address", true),
      this.textField("city", "records.city"),
      {
        name: "country",
        label: "records.country",
        display: () => (company.country ? countryName(company.country, locale) : null),
        edit: () => [selectField("country", "records.country", [{ value: "", key: "records.noCountry" }, ...countryOptions(locale)], company.country ?? "").row],
        save: (form) => this.patch({ country: valueOf(form, "country") || null }, "country"),
      },
      {
        name: "owner_id",
        label: "records.owner",
        display: () => ownerLabel(this.team, company.owner_id),
        edit: () => [selectField("owner_id", "records.owner", ownerChoices(this.team), company.owner_id ?? "").row],
        save: (form) => this.patch({ owner_id: valueOf(form, "owner_id") || null }, "owner_id"),
      },
      {
        name: "tags",
        label: "records.tags",
        wide: true,
        display: () => (company.tags.length ? h("span", { class: "tags" }, ...company.tags.map((tag) => h("span", { class: "tag" }, tag))) : null),
        edit: () => [inputField({ name: "tags", label: "records.tags", value: company.tags.join(", "), hint: "records.tagsHint" }).row],
        save: (form) => this.patch({ tags: splitList(valueOf(form, "tags")) }, "tags"),
      },
    ];

    const addPerson = writer
      ? h("a", { class: "button small", href: `/contacts/new?company_id=${encodeURIComponent(company.id)}&company_name=${encodeURIComponent(company.name)}` }, plus(), bindText(h("span"), "companies.addPerson"))
      : null;
    const peopleList = h("ul", { class: "people", "data-testid": "company-people" });
    for (const person of this.people) {
      peopleList.append(
        h(
          "li",
          {},
          h("a", { href: `/contacts/${person.id}`, class: "person" }, avatar(person.display_name, true), h("span", { class: "name-text" }, h("strong", {}, person.display_name), h("small", {}, person.job_title ?? person.email ?? ""))),
          stageBadge(person.lifecycle_stage),
        ),
      );
    }
    const more = this.peopleCursor ? ht("button", "records.loadMore", { type: "button", class: "button small" }) : null;
    more?.addEventListener("click", () => void this.morePeople());
    const remove = writer ? ht("button", "records.delete", { type: "button", class: "button subtle danger-text", "data-testid": "delete-company" }) : null;
    remove?.addEventListener("click", () => void this.deleteCompany());

    this.replaceChildren(
      h("nav", { class: "crumbs" }, ht("a", "companies.backToList", { href: "/companies" })),
      h(
        "div",
        { class: "record-head" },
        avatar(company.name),
        h(
          "div",
          { class: "record-title" },
          h("h1", { "data-testid": "company-name" }, company.name),
          h("p", { class: "record-sub" }, [company.industry, company.city, company.country ? countryName(company.country, locale) : null].filter(Boolean).join(" · ")),
        ),
        h("div", { class: "page-actions" }, remove),
      ),
      h(
        "div",
        { class: "record-layout" },
        h("div", { class: "record-main" }, h("section", { class: "card-panel", "aria-labelledby": "company-details" }, ht("h2", "records.details", { id: "company-details" }), inlineFields(fields, writer, "company-fields")), this.timelineFor(company.id)),
        h(
          "aside",
          { class: "record-side" },
          h(
            "section",
            { class: "card-panel side-card", "aria-labelledby": "people-title" },
            h("div", { class: "card-head" }, ht("h2", "companies.people", { id: "people-title" }), addPerson),
            this.people.length
              ? peopleList
              : bindText(h("p", { class: "empty" }), "companies.peopleNone", { company: company.name }),
            more,
            this.people.length ? ht("a", "companies.allPeople", { href: `/contacts?company_id=${encodeURIComponent(company.id)}`, class: "see-all" }) : null,
          ),
          h(
            "section",
            { class: "card-panel side-card", "aria-labelledby": "company-about" },
            ht("h2", "records.about", { id: "company-about" }),
            inlineFields(
              [
                { name: "created_at", label: "records.created", display: () => formatDateTime(company.created_at, locale, timeZone()) },
                { name: "updated_at", label: "records.updated", display: () => formatDateTime(company.updated_at, locale, timeZone()) },
              ],
              false,
            ),
          ),
        ),
      ),
    );
    document.title = `${company.name} · ${t("app.name")}`;
  }

  private async deleteCompany(): Promise<void> {
    const company = this.company;
    if (!company) return;
    if (!(await RapportConfirm.ask(t("companies.deleteConfirm", { name: company.name }), "records.delete"))) return;
    await deleteThenOfferUndo({
      remove: () => api.deleteCompany(company.id),
      restore: async () => {
        await api.restoreCompany(company.id);
      },
      name: company.name,
      deletedMessage: t("companies.deletedOne", { name: company.name }),
      leaveTo: "/companies",
      backTo: `/companies/${company.id}`,
    });
  }
}

customElements.define("rapport-company", RapportCompany);

declare global {
  interface HTMLElementTagNameMap {
    "rapport-company": RapportCompany;
  }
}
