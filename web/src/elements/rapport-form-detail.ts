import type { Form, Submission } from "../../../workers/forms/form.schema";
import { api } from "../api/client";
import { isLiveSignal, liveEvent } from "../api/live";
import { formSubmittedOf } from "../lib/live-frame";
import { bindAttribute, bindText, language, languageChanged, t } from "../i18n";
import { formatDateTime } from "../lib/format";
import { canReplay, spamReasonOf, embedSnippets, formFieldNames, type FormFieldName, submissionStatuses, type SubmissionStatus } from "../lib/forms";
import { navigate } from "../router";
import { timeZone } from "../session";
import { copyFrom } from "../ui/clipboard";
import { h, ht, uid } from "../ui/dom";
import { announce, announceText } from "../ui/status";
import { RapportConfirm } from "./rapport-confirm";

/** A few words about what a submission carried: the person's name and email or phone. */
function summary(submission: Submission): string {
  const p = submission.payload;
  const name = [p.first_name, p.last_name].filter(Boolean).join(" ");
  return [name, p.email ?? p.phone].filter(Boolean).join(" · ") || "—";
}

/** A failure reason is either words or the JSON list of field errors of an invalid post. */
function reasonText(reason: string | null): string {
  if (!reason) return "";
  const spam = spamReasonOf(reason);
  if (spam) return t(`forms.reason.${spam}`);
  try {
    const parsed: unknown = JSON.parse(reason);
    if (Array.isArray(parsed)) {
      return parsed
        .map((item: unknown) => (typeof item === "object" && item !== null && "detail" in item ? `${"pointer" in item ? String(item.pointer).slice(1) : ""}: ${String(item.detail)}` : ""))
        .filter(Boolean)
        .join("; ");
    }
  } catch {
    // plain words
  }
  return reason;
}

/** One form: its addresses, the copy-paste embed, its submissions with replay, delete. */
export class RapportFormDetail extends HTMLElement {
  private form: Form | null = null;
  private status: SubmissionStatus | null = null;
  private cursor: string | null = null;
  private rows: Submission[] = [];
  private readonly embedSlot = h("div");
  private readonly chips = h("div", { class: "chips", role: "group", "data-testid": "submission-filters" });
  private readonly tableSlot = h("div", { class: "table-wrap" });
  private readonly moreSlot = h("div", { class: "actions" });
  private readonly onLanguage = () => {
    this.renderEmbed();
    this.renderRows();
  };

  // A new lead for this form (or a reconnect) refreshes the list, so it shows within a second.
  private readonly onLive = (event: Event) => {
    if (!isLiveSignal(event) || !this.form) return;
    const lead = event.detail.type === "form.submitted" ? formSubmittedOf(event.detail) : null;
    if (event.detail.type === "resync" || lead?.formId === this.form.id) void this.loadSubmissions(true);
  };

  connectedCallback(): void {
    window.addEventListener(languageChanged, this.onLanguage);
    window.addEventListener(liveEvent, this.onLive);
    this.replaceChildren(ht("p", "app.loading", { class: "loading" }));
    void this.load();
  }

  disconnectedCallback(): void {
    window.removeEventListener(languageChanged, this.onLanguage);
    window.removeEventListener(liveEvent, this.onLive);
  }

  private async load(): Promise<void> {
    const formId = this.getAttribute("form-id") ?? "";
    try {
      this.form = (await api.form(formId)).data;
    } catch {
      this.replaceChildren(ht("a", "forms.back", { href: "/settings/forms", class: "back-link" }), ht("p", "common.loadFailed", { class: "notice error" }));
      return;
    }
    this.render();
    await this.loadSubmissions(true);
  }

  private render(): void {
    const form = this.form;
    if (!form) return;
    const edit = ht("a", "forms.edit", { class: "button", href: `/settings/forms/${form.id}/edit` });
    const remove = ht("button", "records.delete", { type: "button", class: "button danger" });
    remove.addEventListener("click", () => void this.deleteForm(form));

    const hosted = h("a", { href: form.hosted_url, "data-external": "", target: "_blank", rel: "noopener", "data-testid": "hosted-url" }, form.hosted_url);
    const urls = h(
      "dl",
      { class: "facts" },
      ht("dt", "forms.hostedUrl"),
      h("dd", {}, hosted, ht("p", "forms.hostedHint", { class: "hint" })),
      ht("dt", "forms.postUrl"),
      h("dd", {}, h("code", { "data-testid": "post-url" }, form.post_url)),
    );

    this.chips.replaceChildren();
    bindAttribute(this.chips, "aria-label", "forms.statusFilter");
    for (const status of [null, ...submissionStatuses] as const) {
      const chip = ht("button", status ? `forms.status.${status}` : "forms.status.all", { type: "button", class: "chip", "aria-pressed": String(this.status === status) });
      chip.dataset.status = status ?? "all";
      chip.addEventListener("click", () => {
        this.status = status;
        for (const other of this.chips.querySelectorAll("button")) other.setAttribute("aria-pressed", String(other === chip));
        void this.loadSubmissions(true);
      });
      this.chips.append(chip);
    }

    this.renderEmbed();
    this.replaceChildren(
      ht("a", "forms.back", { href: "/settings/forms", class: "back-link" }),
      h("div", { class: "page-head" }, h("div", {}, h("h1", {}, form.name)), h("div", { class: "page-actions" }, edit, remove)),
      h("section", { class: "card-panel", "aria-label": t("forms.hostedUrl") }, urls),
      h("section", { class: "card-panel", "aria-labelledby": "embed-title" }, ht("h2", "forms.embedTitle", { id: "embed-title" }), ht("p", "forms.embedLead", { class: "lead" }), this.embedSlot),
      h("section", { class: "card-panel", "aria-labelledby": "submissions-title" }, ht("h2", "forms.submissionsTitle", { id: "submissions-title" }), this.chips, this.tableSlot, this.moreSlot),
    );
  }

  private renderEmbed(): void {
    const form = this.form;
    if (!form) return;
    const labels = Object.fromEntries(formFieldNames.map((name) => [name, t(`forms.field.${name}`)])) as Record<FormFieldName, string>;
    const snippets = embedSnippets({
      publicKey: form.public_key,
      postUrl: form.post_url,
      fields: form.fields,
      consentText: form.consent_text,
      labels,
      submitLabel: t("forms.send"),
      honeypotLabel: t("forms.honeypotLabel"),
      thankYouMessage: form.thank_you_message,
    });
    const block = (label: "forms.embedHtml" | "forms.embedScript", text: string, testId: string) => {
      const id = uid("embed");
      const area = h("textarea", { id, readonly: true, rows: "10", class: "mono snippet", spellcheck: "false", "data-testid": testId });
      area.value = text;
      const copy = ht("button", "forms.copy", { type: "button", class: "button" });
      copy.setAttribute("aria-describedby", `${id}-label`);
      copy.addEventListener("click", () => void copyFrom(area, "team.copied"));
      return h("div", { class: "field" }, bindText(h("label", { for: id, id: `${id}-label` }), label), area, h("div", { class: "actions" }, copy));
    };
    this.embedSlot.replaceChildren(block("forms.embedHtml", snippets.html, "embed-html"), block("forms.embedScript", snippets.script, "embed-script"));
  }

  private async loadSubmissions(reset: boolean): Promise<void> {
    const form = this.form;
    if (!form) return;
    if (reset) {
      this.rows = [];
      this.cursor = null;
    }
    try {
      const result = await api.submissions(form.id, { status: this.status ?? undefined, cursor: this.cursor ?? undefined });
      this.rows = [...this.rows, ...result.data];
      this.cursor = result.next_cursor;
      this.renderRows();
    } catch {
      this.tableSlot.replaceChildren(ht("p", "common.loadFailed", { class: "notice error" }));
    }
  }

  private renderRows(): void {
    const form = this.form;
    if (!form) return;
    if (this.rows.length === 0) {
      this.tableSlot.replaceChildren(ht("p", "forms.noSubmissions", { class: "empty" }));
      this.moreSlot.replaceChildren();
      return;
    }
    const locale = language();
    const zone = timeZone();
    const table = h("table", { class: "table", "data-testid": "submissions" });
    table.append(
      h(
        "thead",
        {},
        h(
          "tr",
          {},
          ht("th", "forms.colReceived", { scope: "col" }),
          ht("th", "forms.colSubmission", { scope: "col" }),
          ht("th", "forms.colStatus", { scope: "col" }),
          ht("th", "forms.colReason", { scope: "col" }),
          ht("th", "forms.colRecords", { scope: "col" }),
          ht("th", "forms.colActions", { scope: "col", class: "actions-col" }),
        ),
      ),
    );
    const body = h("tbody");
    for (const row of this.rows) {
      const links = h("td", { "data-label": t("forms.colRecords") });
      if (row.contact_id) links.append(ht("a", "forms.contactLink", { href: `/contacts/${row.contact_id}` }));
      if (row.deal_id) links.append(" ", ht("a", "forms.dealLink", { href: `/deals/${row.deal_id}` }));
      const actions = h("td", { class: "actions-col" });
      if (canReplay(row.status)) {
        const replay = ht("button", "forms.replay", { type: "button", class: "button small" });
        replay.addEventListener("click", () => void this.replay(form, row, replay));
        actions.append(replay);
      }
      body.append(
        h(
          "tr",
          { "data-testid": "submission-row", "data-status": row.status, "data-id": row.id },
          h("td", { "data-label": t("forms.colReceived") }, formatDateTime(row.received_at, locale, zone)),
          h("td", { "data-label": t("forms.colSubmission") }, summary(row)),
          h("td", { "data-label": t("forms.colStatus") }, h("span", { class: `status submission-${row.status}` }, t(`forms.status.${row.status}`))),
          h("td", { "data-label": t("forms.colReason") }, reasonText(row.reason)),
          links,
          actions,
        ),
      );
    }
    table.append(body);
    this.tableSlot.replaceChildren(table);
    if (this.cursor) {
      const more = ht("button", "forms.more", { type: "button", class: "button" });
      more.addEventListener("click", () => void this.loadSubmissions(false));
      this.moreSlot.replaceChildren(more);
    } else this.moreSlot.replaceChildren();
  }

  private async replay(form: Form, row: Submission, button: HTMLButtonElement): Promise<void> {
    button.disabled = true;
    try {
      const after = await api.replaySubmission(form.id, row.id);
      announce("forms.replayed", { status: t(`forms.status.${after.status}`) });
      await this.loadSubmissions(true);
    } catch (error) {
      button.disabled = false;
      announceText(error instanceof Error ? error.message : t("error.generic"), "error");
    }
  }

  private async deleteForm(form: Form): Promise<void> {
    if (!(await RapportConfirm.ask(t("forms.deleteConfirm", { name: form.name }), "records.delete"))) return;
    try {
      await api.deleteForm(form.id);
      announce("forms.deleted", { name: form.name });
      navigate("/settings/forms");
    } catch (error) {
      announceText(error instanceof Error ? error.message : t("error.generic"), "error");
    }
  }
}

customElements.define("rapport-form-detail", RapportFormDetail);

declare global {
  interface HTMLElementTagNameMap {
    "rapport-form-detail": RapportFormDetail;
  }
}
