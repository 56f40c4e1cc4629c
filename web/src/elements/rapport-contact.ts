import type { ConsentRecord, Contact, ContactPatchInput } from "../../../workers/contacts/contact.schema";
import type { Member } from "../../../workers/team/member.schema";
import { ApiError, api } from "../api/client";
import { isLiveSignal, liveEvent } from "../api/live";
import { language, languageChanged, t, type MessageKey } from "../i18n";
import { countryName, countryOptions, formatCalendarDate, formatDateTime, formatPhone, languageName, timeZoneOptions } from "../lib/format";
import { can } from "../lib/permissions";
import { isConsentStatus, isLifecycleStage, consentStatuses, lifecycleStages, phonesPatch, phonesText, splitList, textOrNull } from "../lib/records";
import { role, timeZone } from "../session";
import { companyPicker } from "../ui/company-picker";
import { h, ht } from "../ui/dom";
import { inputField, selectField, valueOf } from "../ui/forms";
import { focusEditButton, type InlineField, inlineFields } from "../ui/inline-field";
import { members, ownerChoices, ownerLabel } from "../ui/members";
import { announce } from "../ui/status";
import { deleteThenOfferUndo } from "../ui/undo";
import { RapportCommunication } from "./rapport-communication";
import { RapportConfirm } from "./rapport-confirm";
import { RapportContactCampaigns } from "./rapport-contact-campaigns";
import { avatar, stageBadge } from "./rapport-contacts";
import { activityChangedEvent, RapportTimeline } from "./rapport-timeline";

type TextKey = "first_name" | "last_name" | "job_title" | "lead_status" | "source" | "utm_source" | "utm_medium" | "utm_campaign" | "utm_term" | "utm_content" | "city";

/** One contact with every field, edited in place; its company and its consent history. */
export class RapportContact extends HTMLElement {
  private contact: Contact | null = null;
  private etag: string | null = null;
  private team: Member[] = [];
  private consents: ConsentRecord[] = [];
  // Made once and moved on every render, so their loaded pages and open forms survive a re-render.
  private timeline: RapportTimeline | null = null;
  private communication: RapportCommunication | null = null;
  private campaigns: RapportContactCampaigns | null = null;
  private readonly onLanguage = () => this.render();
  // A change made elsewhere (another tab, a teammate, an API key) reloads the record, unless the
  // user is in the middle of an edit: their save then meets If-Match and gets the stale notice.
  private readonly onLive = (event: Event) => {
    if (!isLiveSignal(event) || !this.contact) return;
    const signal = event.detail;
    const mine = signal.type !== "resync" && signal.id === this.contact.id;
    const newer = signal.type === "resync" || (mine && signal.type === "contact.updated" && Number(signal.data.version) > this.contact.version) || (mine && signal.type === "contact.deleted") || (signal.type === "contacts.bulk_changed" && Array.isArray(signal.data.ids) && signal.data.ids.includes(this.contact.id));
    if (newer && !this.querySelector("form.inline-edit")) void this.load();
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

  private get contactId(): string {
    return this.getAttribute("contact-id") ?? "";
  }

  private async load(): Promise<void> {
    try {
      const [{ data, etag }, team, consents] = await Promise.all([api.contact(this.contactId), members(), api.consents(this.contactId).catch(() => ({ data: [] }))]);
      this.contact = data;
      this.etag = etag;
      this.team = team;
      this.consents = consents.data;
      this.render();
    } catch (error) {
      const missing = error instanceof ApiError && error.status === 404;
      this.replaceChildren(
        h(
          "section",
          { class: "card-panel" },
          ht("p", missing ? "records.notFound" : "common.loadFailed", { class: missing ? "notice" : "notice error" }),
          h("p", {}, ht("a", "contacts.backToList", { href: "/contacts" }), " · ", ht("a", "records.deleted", { href: "/contacts/deleted" })),
        ),
      );
    }
  }

  /** Sends one field's change with If-Match; a stale version reloads the record instead. */
  private async patch(body: ContactPatchInput, field: string): Promise<void> {
    const contact = this.contact;
    if (!contact) return;
    try {
      const { data, etag } = await api.updateContact(contact.id, body, this.etag ?? `"${contact.version}"`);
      this.contact = data;
      this.etag = etag;
      if (body.consent) this.consents = (await api.consents(contact.id).catch(() => ({ data: this.consents }))).data;
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

  private textField(name: TextKey, label: MessageKey, options: { type?: "text" | "url"; wide?: boolean } = {}): InlineField {
    return {
      name,
      label,
      wide: options.wide ?? false,
      display: () => this.contact?.[name] ?? null,
      edit: () => [inputField({ name, label, value: this.contact?.[name] ?? "", type: options.type ?? "text" }).row],
      save: (form) => this.patch({ [name]: textOrNull(valueOf(form, name)) }, name),
    };
  }

  private urlField(name: "referrer" | "landing_page", label: MessageKey): InlineField {
    return {
      name,
      label,
      wide: true,
      display: () => {
        const url = this.contact?.[name];
        return url ? h("a", { href: url, rel: "noopener noreferrer", target: "_blank", class: "break" }, url) : null;
      },
      edit: () => [inputField({ name, label, type: "url", value: this.contact?.[name] ?? "" }).row],
      save: (form) => this.patch({ [name]: textOrNull(valueOf(form, name)) }, name),
    };
  }

  private readOnly(name: string, label: MessageKey, value: () => string | null): InlineField {
    return { name, label, display: value };
  }

  private render(): void {
    const contact = this.contact;
    if (!contact) return;
    const locale = language();
    const zone = timeZone();
    const writer = can.writeRecords(role());
    const when = (iso: string | null) => (iso ? formatDateTime(iso, locale, zone) : null);

    const work: InlineField[] = [
      this.textField("first_name", "contacts.firstName"),
      this.textField("last_name", "contacts.lastName"),
      {
        name: "emails",
        label: "contacts.emails",
        wide: true,
        display: () => (contact.emails.length ? h("span", { class: "value-list" }, ...contact.emails.map((email) => h("a", { href: `mailto:${email}`, "data-external": "" }, email))) : null),
        edit: () => [inputField({ name: "emails", label: "contacts.emails", value: contact.emails.join(", "), hint: "contacts.emailsHint" }).row],
        save: (form) => this.patch({ emails: splitList(valueOf(form, "emails")) }, "emails"),
      },
      {
        name: "phones",
        label: "contacts.phones",
        wide: true,
        display: () =>
          contact.phones.length
            ? h("span", { class: "value-list" }, ...contact.phones.map((phone) => h("a", { href: `tel:${phone.e164}`, "data-external": "" }, formatPhone(phone.e164), phone.label ? h("small", {}, ` ${phone.label}`) : null)))
            : null,
        edit: () => [inputField({ name: "phones", label: "contacts.phones", type: "tel", value: phonesText(contact) }).row],
        save: (form) => this.patch({ phones: phonesPatch(valueOf(form, "phones"), contact.phones) }, "phones"),
      },
      {
        name: "company_id",
        label: "contacts.company",
        display: () => (contact.company ? h("a", { href: `/companies/${contact.company.id}` }, contact.company.name) : null),
        edit: () => [companyPicker("contacts.company", contact.company).row],
        save: (form) => this.patch({ company_id: valueOf(form, "company_id") || null }, "company_id"),
      },
      this.textField("job_title", "contacts.jobTitle"),
      {
        name: "lifecycle_stage",
        label: "contacts.stage",
        display: () => stageBadge(contact.lifecycle_stage),
        edit: () => [selectField("lifecycle_stage", "contacts.stage", lifecycleStages.map((value) => ({ value, key: `stage.${value}` as const })), contact.lifecycle_stage).row],
        save: async (form) => {
          const stage = valueOf(form, "lifecycle_stage");
          if (isLifecycleStage(stage)) await this.patch({ lifecycle_stage: stage }, "lifecycle_stage");
        },
      },
      this.textField("lead_status", "contacts.leadStatus"),
      {
        name: "owner_id",
        label: "records.owner",
        display: () => ownerLabel(this.team, contact.owner_id),
        edit: () => [selectField("owner_id", "records.owner", ownerChoices(this.team), contact.owner_id ?? "").row],
        save: (form) => this.patch({ owner_id: valueOf(form, "owner_id") || null }, "owner_id"),
      },
      {
        name: "tags",
        label: "records.tags",
        wide: true,
        display: () => (contact.tags.length ? h("span", { class: "tags" }, ...contact.tags.map((tag) => h("a", { class: "tag", href: `/contacts?tag=${encodeURIComponent(tag)}` }, tag))) : null),
        edit: () => [inputField({ name: "tags", label: "records.tags", value: contact.tags.join(", "), hint: "records.tagsHint" }).row],
        save: (form) => this.patch({ tags: splitList(valueOf(form, "tags")) }, "tags"),
      },
    ];

    const personal: InlineField[] = [
      this.textField("city", "records.city"),
      {
        name: "country",
        label: "records.country",
        display: () => (contact.country ? countryName(contact.country, locale) : null),
        edit: () => [selectField("country", "records.country", [{ value: "", key: "records.noCountry" }, ...countryOptions(locale)], contact.country ?? "").row],
        save: (form) => this.patch({ country: valueOf(form, "country") || null }, "country"),
      },
      {
        name: "time_zone",
        label: "contacts.timeZone",
        display: () => contact.time_zone,
        edit: () => [selectField("time_zone", "contacts.timeZone", [{ value: "", key: "records.noCountry" }, ...timeZoneOptions(contact.time_zone ?? "UTC").map((zoneName) => ({ value: zoneName, label: zoneName }))], contact.time_zone ?? "").row],
        save: (form) => this.patch({ time_zone: valueOf(form, "time_zone") || null }, "time_zone"),
      },
      {
        name: "language",
        label: "contacts.language",
        display: () => (contact.language ? languageName(contact.language, locale) : null),
        edit: () => [inputField({ name: "language", label: "contacts.language", value: contact.language ?? "", hint: "contacts.languageHint" }).row],
        save: (form) => this.patch({ language: textOrNull(valueOf(form, "language")) }, "language"),
      },
      {
        name: "birthday",
        label: "contacts.birthday",
        display: () => (contact.birthday ? formatCalendarDate(contact.birthday, locale) : null),
        edit: () => [inputField({ name: "birthday", label: "contacts.birthday", type: "date", value: contact.birthday ?? "" }).row],
        save: (form) => this.patch({ birthday: textOrNull(valueOf(form, "birthday")) }, "birthday"),
      },
    ];

    const attribution: InlineField[] = [
      this.textField("source", "contacts.source"),
      this.textField("utm_source", "contacts.utmSource"),
      this.textField("utm_medium", "contacts.utmMedium"),
      this.textField("utm_campaign", "contacts.utmCampaign"),
      this.textField("utm_term", "contacts.utmTerm"),
      this.textField("utm_content", "contacts.utmContent"),
      this.urlField("referrer", "contacts.referrer"),
      this.urlField("landing_page", "contacts.landingPage"),
      this.readOnly("first_seen_at", "contacts.firstSeen", () => when(contact.first_seen_at)),
      this.readOnly("last_seen_at", "contacts.lastSeen", () => when(contact.last_seen_at)),
    ];

    const consentField: InlineField = {
      name: "consent",
      label: "contacts.consentStatus",
      wide: true,
      display: () => h("span", { class: `consent consent-${contact.consent.status}` }, t(`consent.${contact.consent.status}`)),
      edit: () => [
        selectField("consent.status", "contacts.consentStatus", consentStatuses.map((value) => ({ value, key: `consent.${value}` as const })), contact.consent.status).row,
        inputField({ name: "consent.source", label: "contacts.consentSource", value: contact.consent.source ?? "" }).row,
        inputField({ name: "consent.legal_basis", label: "contacts.consentBasis", value: contact.consent.legal_basis ?? "" }).row,
      ],
      save: async (form) => {
        const status = valueOf(form, "consent.status");
        if (!isConsentStatus(status)) return;
        const source = valueOf(form, "consent.source").trim();
        const basis = valueOf(form, "consent.legal_basis").trim();
        await this.patch({ consent: { status, ...(source ? { source } : {}), ...(basis ? { legal_basis: basis } : {}) } }, "consent");
      },
    };

    const remove = writer ? ht("button", "records.delete", { type: "button", class: "button subtle danger-text", "data-testid": "delete-contact" }) : null;
    remove?.addEventListener("click", () => void this.deleteContact());
    const subtitle: (Node | string)[] = [];
    if (contact.job_title && contact.company) {
      subtitle.push(`${contact.job_title} · `, h("a", { href: `/companies/${contact.company.id}` }, contact.company.name));
    } else if (contact.job_title) subtitle.push(contact.job_title);
    else if (contact.company) subtitle.push(h("a", { href: `/companies/${contact.company.id}` }, contact.company.name));

    const head = h(
      "div",
      { class: "record-head" },
      avatar(contact.display_name),
      h("div", { class: "record-title" }, h("h1", { "data-testid": "contact-name" }, contact.display_name), subtitle.length ? h("p", { class: "record-sub" }, ...subtitle) : null, h("div", { class: "record-badges" }, stageBadge(contact.lifecycle_stage))),
      h("div", { class: "page-actions" }, remove),
    );

    const consentHistory = h("ol", { class: "timeline", "data-testid": "consent-history" });
    for (const record of this.consents) {
      consentHistory.append(
        h(
          "li",
          {},
          h("span", { class: `consent consent-${record.status}` }, t(`consent.${record.status}`)),
          " ",
          h("time", { datetime: record.at }, formatDateTime(record.at, locale, zone)),
          record.source ? h("small", {}, t("contacts.consentVia", { source: record.source })) : null,
          record.legal_basis ? h("small", {}, t("contacts.consentLegal", { basis: record.legal_basis })) : null,
        ),
      );
    }

    if (!this.timeline) {
      this.timeline = new RapportTimeline();
      this.timeline.setAttribute("record-type", "contact");
      this.timeline.setAttribute("record-id", contact.id);
      this.timeline.addEventListener(activityChangedEvent, () => void this.communication?.load());
    }
    if (!this.communication) {
      this.communication = new RapportCommunication();
      this.communication.setAttribute("contact-id", contact.id);
    }
    if (!this.campaigns) {
      this.campaigns = new RapportContactCampaigns();
      this.campaigns.setAttribute("contact-id", contact.id);
    }

    const companyCard = h("section", { class: "card-panel side-card", "aria-labelledby": "company-card" }, ht("h2", "contacts.company", { id: "company-card" }));
    if (contact.company) {
      companyCard.append(h("a", { class: "company-link", href: `/companies/${contact.company.id}`, "data-testid": "contact-company" }, avatar(contact.company.name, true), h("span", {}, contact.company.name)));
    } else companyCard.append(ht("p", "contacts.noCompany", { class: "empty" }));

    this.replaceChildren(
      h("nav", { class: "crumbs" }, ht("a", "contacts.backToList", { href: "/contacts" })),
      head,
      h(
        "div",
        { class: "record-layout" },
        h(
          "div",
          { class: "record-main" },
          h("section", { class: "card-panel", "aria-labelledby": "work-title" }, ht("h2", "records.details", { id: "work-title" }), inlineFields(work, writer, "contact-fields")),
          this.timeline,
          h("section", { class: "card-panel", "aria-labelledby": "personal-title" }, ht("h2", "contacts.personal", { id: "personal-title" }), inlineFields(personal, writer)),
          h("section", { class: "card-panel", "aria-labelledby": "attribution-title" }, ht("h2", "contacts.attribution", { id: "attribution-title" }), inlineFields(attribution, writer)),
        ),
        h(
          "aside",
          { class: "record-side" },
          companyCard,
          this.communication,
          this.campaigns,
          h(
            "section",
            { class: "card-panel side-card", "aria-labelledby": "consent-title" },
            ht("h2", "contacts.consent", { id: "consent-title" }),
            inlineFields([consentField], writer),
            ht("h3", "contacts.consentHistory"),
            this.consents.length ? consentHistory : ht("p", "contacts.consentNone", { class: "empty" }),
          ),
          h(
            "section",
            { class: "card-panel side-card", "aria-labelledby": "about-title" },
            ht("h2", "records.about", { id: "about-title" }),
            inlineFields(
              [
                this.readOnly("created_at", "records.created", () => when(contact.created_at)),
                this.readOnly("updated_at", "records.updated", () => when(contact.updated_at)),
                this.readOnly("last_activity_at", "contacts.lastActivity", () => when(contact.last_activity_at)),
              ],
              false,
            ),
          ),
        ),
      ),
    );
    document.title = `${contact.display_name} · ${t("app.name")}`;
  }

  private async deleteContact(): Promise<void> {
    const contact = this.contact;
    if (!contact) return;
    if (!(await RapportConfirm.ask(t("contacts.deleteConfirm", { name: contact.display_name }), "records.delete"))) return;
    await deleteThenOfferUndo({
      remove: () => api.deleteContact(contact.id),
      restore: async () => {
        await api.restoreContact(contact.id);
      },
      name: contact.display_name,
      deletedMessage: t("contacts.deletedOne", { name: contact.display_name }),
      leaveTo: "/contacts",
      backTo: `/contacts/${contact.id}`,
    });
  }
}

customElements.define("rapport-contact", RapportContact);

declare global {
  interface HTMLElementTagNameMap {
    "rapport-contact": RapportContact;
  }
}

