import type { Company } from "../../../workers/companies/company.schema";
import type { Contact } from "../../../workers/contacts/contact.schema";
import { api } from "../api/client";
import { language, t } from "../i18n";
import { formatDateTime } from "../lib/format";
import { can } from "../lib/permissions";
import { role, timeZone } from "../session";
import { h, ht } from "../ui/dom";
import { emptyState, RecordGrid } from "../ui/record-grid";
import { announce, announceText } from "../ui/status";
import { avatar } from "./rapport-contacts";

type Row = { id: string; name: string; detail: string; deleted_at: string | null };

function contactRow(contact: Contact): Row {
  return { id: contact.id, name: contact.display_name, detail: contact.email ?? contact.company?.name ?? "", deleted_at: contact.deleted_at };
}

function companyRow(company: Company): Row {
  return { id: company.id, name: company.name, detail: company.domain ?? "", deleted_at: company.deleted_at };
}

/** Contacts or companies deleted in the last 30 days, each with a Restore button. */
export class RapportDeleted extends HTMLElement {
  private grid: RecordGrid<Row> | null = null;

  connectedCallback(): void {
    const kind = this.getAttribute("kind") === "companies" ? "companies" : "contacts";
    const writer = can.writeRecords(role());
    const restore = async (row: Row, button: HTMLButtonElement) => {
      button.disabled = true;
      try {
        if (kind === "contacts") await api.restoreContact(row.id);
        else await api.restoreCompany(row.id);
        this.grid?.remove([row.id]);
        announce("records.restored", { name: row.name });
      } catch (error) {
        button.disabled = false;
        announceText(error instanceof Error ? error.message : t("error.generic"), "error");
      }
    };
    const base = kind === "contacts" ? "/contacts" : "/companies";
    const grid = new RecordGrid<Row>({
      label: kind === "contacts" ? "contacts.deletedTitle" : "companies.deletedTitle",
      testId: `deleted-${kind}`,
      columns: [
        { label: "contacts.colName", className: "name-col", cell: (row) => h("div", { class: "name-cell" }, avatar(row.name, true), h("span", { class: "name-text" }, h("span", {}, row.name), row.detail ? h("small", {}, row.detail) : null)) },
        { label: "records.colDeleted", cell: (row) => (row.deleted_at ? formatDateTime(row.deleted_at, language(), timeZone()) : ""), optional: true },
        {
          label: "team.colActions",
          className: "actions-col",
          cell: (row) => {
            if (!writer) return "";
            const button = h("button", { type: "button", class: "button small", "aria-label": `${t("records.restore")}: ${row.name}` }, t("records.restore"));
            button.addEventListener("click", () => void restore(row, button));
            return button;
          },
        },
      ],
      href: () => null,
      rowName: (row) => row.name,
      load: async (cursor, signal) => {
        if (kind === "contacts") {
          const page = await api.contacts({ deleted: "true", cursor, sort: "-updated_at" }, signal);
          return { data: page.data.map(contactRow), next_cursor: page.next_cursor };
        }
        const page = await api.companies({ deleted: "true", cursor }, signal);
        return { data: page.data.map(companyRow), next_cursor: page.next_cursor };
      },
      empty: () => emptyState("records.deletedNone", "records.deletedLead", [ht("a", kind === "contacts" ? "contacts.backToList" : "companies.backToList", { href: base, class: "button" })]),
    });
    this.grid = grid;
    this.replaceChildren(
      h("nav", { class: "crumbs" }, ht("a", kind === "contacts" ? "contacts.backToList" : "companies.backToList", { href: base })),
      ht("h1", kind === "contacts" ? "contacts.deletedTitle" : "companies.deletedTitle"),
      ht("p", "records.deletedLead", { class: "lead" }),
      h("section", { class: "card-panel flush" }, grid.element),
    );
    void grid.reload();
  }

  disconnectedCallback(): void {
    this.grid?.destroy();
  }
}

customElements.define("rapport-deleted", RapportDeleted);

declare global {
  interface HTMLElementTagNameMap {
    "rapport-deleted": RapportDeleted;
  }
}
