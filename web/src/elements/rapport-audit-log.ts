import type { AuditEntry } from "../../../workers/audit/audit.schema";
import { api } from "../api/client";
import { language, languageChanged, t } from "../i18n";
import { describeDiff } from "../lib/audit";
import { formatDateTime } from "../lib/format";
import { timeZone } from "../session";
import { h, ht } from "../ui/dom";
import { announceText } from "../ui/status";

function actorOf(entry: AuditEntry): string {
  if (entry.actor_type === "system") return t("audit.actorSystem");
  // A person is shown by name; the id only when the account no longer exists.
  if (entry.actor_type === "user" && entry.actor_name) return entry.actor_name;
  return t(entry.actor_type === "user" ? "audit.actorUser" : "audit.actorKey", { id: entry.actor_name ?? entry.actor_id ?? "?" });
}

/** The workspace's audit trail, newest first, one cursor page at a time. */
export class RapportAuditLog extends HTMLElement {
  private entries: AuditEntry[] = [];
  private cursor: string | null = null;
  private readonly tableSlot = h("div", { class: "table-wrap" });
  private readonly more = ht("button", "audit.more", { type: "button", class: "button", hidden: true });
  private readonly onLanguage = () => this.render();

  connectedCallback(): void {
    window.addEventListener(languageChanged, this.onLanguage);
    this.more.addEventListener("click", () => void this.load());
    this.replaceChildren(
      ht("h1", "audit.title"),
      ht("p", "audit.lead", { class: "lead" }),
      h("section", { class: "card-panel" }, this.tableSlot, h("div", { class: "actions" }, this.more)),
    );
    void this.load();
  }

  disconnectedCallback(): void {
    window.removeEventListener(languageChanged, this.onLanguage);
  }

  private async load(): Promise<void> {
    this.more.disabled = true;
    try {
      const page = await api.auditLog(this.cursor ? { cursor: this.cursor } : {});
      this.entries = [...this.entries, ...page.data];
      this.cursor = page.next_cursor;
      this.render();
    } catch (error) {
      announceText(error instanceof Error ? error.message : t("common.loadFailed"), "error");
    } finally {
      this.more.disabled = false;
    }
  }

  private render(): void {
    this.more.hidden = this.cursor === null;
    if (this.entries.length === 0) {
      this.tableSlot.replaceChildren(ht("p", "audit.none", { class: "empty" }));
      return;
    }
    const locale = language();
    const zone = timeZone();
    const table = h(
      "table",
      { class: "table", "data-testid": "audit" },
      h(
        "thead",
        {},
        h(
          "tr",
          {},
          ht("th", "audit.colWhen", { scope: "col" }),
          ht("th", "audit.colWho", { scope: "col" }),
          ht("th", "audit.colAction", { scope: "col" }),
          ht("th", "audit.colRecord", { scope: "col" }),
          ht("th", "audit.colChanges", { scope: "col" }),
        ),
      ),
    );
    const body = h("tbody");
    for (const entry of this.entries) {
      const changes = h("ul", { class: "diff" });
      for (const line of describeDiff(entry.diff)) changes.append(h("li", {}, line));
      body.append(
        h(
          "tr",
          {},
          h("td", { "data-label": t("audit.colWhen") }, formatDateTime(entry.at, locale, zone)),
          h("td", { "data-label": t("audit.colWho") }, actorOf(entry)),
          h("td", { "data-label": t("audit.colAction") }, h("code", {}, entry.action)),
          h("td", { "data-label": t("audit.colRecord") }, h("code", {}, `${entry.entity_type} ${entry.entity_id}`)),
          h("td", { "data-label": t("audit.colChanges") }, changes),
        ),
      );
    }
    table.append(body);
    this.tableSlot.replaceChildren(table);
  }
}

customElements.define("rapport-audit-log", RapportAuditLog);

declare global {
  interface HTMLElementTagNameMap {
    "rapport-audit-log": RapportAuditLog;
  }
}
