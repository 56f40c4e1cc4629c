import type { ExchangeRate } from "../../../workers/deals/deal.schema";
import { api } from "../api/client";
import { bindAttribute, language, t } from "../i18n";
import { currencyOptions } from "../lib/format";
import { can } from "../lib/permissions";
import { role } from "../session";
import { h, ht } from "../ui/dom";
import { formMessage, inputField, onSubmit, selectField, valueOf } from "../ui/forms";
import { announce } from "../ui/status";

/** The workspace's exchange rates (admins edit; everyone reads), used for board totals. */
export class RapportExchangeRates extends HTMLElement {
  private base = "";
  private rates: ExchangeRate[] = [];

  connectedCallback(): void {
    this.replaceChildren(ht("p", "app.loading", { class: "loading" }));
    void this.load();
  }

  private async load(): Promise<void> {
    try {
      const list = await api.exchangeRates();
      this.base = list.base_currency;
      this.rates = list.rates;
      this.render();
    } catch {
      this.replaceChildren(ht("p", "common.loadFailed", { class: "notice error" }));
    }
  }

  private read(form: HTMLFormElement): void {
    this.rates = this.rates.map((rate, index) => ({ currency: valueOf(form, `rate-${index}-currency`), rate: valueOf(form, `rate-${index}-rate`).trim().replace(",", "."), valid_from: valueOf(form, `rate-${index}-from`) }));
  }

  private render(): void {
    const admin = can.editWorkspace(role());
    const locale = language();
    const head = h("div", { class: "page-head" }, h("div", {}, ht("h1", "rates.title"), ht("p", "rates.lead", { class: "lead" }, { base: this.base })));
    const list = h("ol", { class: "rate-editor", "data-testid": "rates" });
    const form = h("form", { class: "card-panel stack" }, admin ? null : ht("p", "rates.readOnly", { class: "notice" }), list, formMessage());
    if (this.rates.length === 0) list.append(h("li", { class: "empty" }, t("rates.none")));
    this.rates.forEach((rate, index) => {
      const currency = selectField(`rate-${index}-currency`, "rates.currency", currencyOptions(locale).filter((option) => option.value !== this.base), rate.currency, !admin);
      const value = inputField({ name: `rate-${index}-rate`, label: "rates.rate", value: rate.rate, inputmode: "decimal", readOnly: !admin });
      const from = inputField({ name: `rate-${index}-from`, label: "rates.validFrom", type: "date", value: rate.valid_from, readOnly: !admin });
      // The API points errors at rates.0.rate; the inputs are named per row, so map the names.
      value.input.dataset.apiName = `rates.${index}.rate`;
      const row = h("li", { class: "rate-row" }, currency.row, value.row, from.row);
      if (admin) {
        const remove = ht("button", "rates.remove", { type: "button", class: "button subtle small" });
        bindAttribute(remove, "title", "rates.remove");
        remove.addEventListener("click", () => {
          this.read(form);
          this.rates.splice(index, 1);
          this.render();
        });
        row.append(remove);
      }
      list.append(row);
    });
    if (admin) {
      const add = ht("button", "rates.add", { type: "button", class: "button" });
      add.addEventListener("click", () => {
        this.read(form);
        this.rates.push({ currency: this.base === "USD" ? "EUR" : "USD", rate: "1", valid_from: new Date().toISOString().slice(0, 10) });
        this.render();
      });
      form.append(h("div", { class: "actions" }, add, ht("button", "rates.save", { type: "submit", class: "button primary" })));
      onSubmit(form, async () => {
        this.read(form);
        const saved = await api.putExchangeRates(this.rates);
        this.rates = saved.rates;
        this.render();
        announce("rates.saved");
      });
    }
    this.replaceChildren(head, form);
  }
}

customElements.define("rapport-exchange-rates", RapportExchangeRates);

declare global {
  interface HTMLElementTagNameMap {
    "rapport-exchange-rates": RapportExchangeRates;
  }
}
