import type { ContactCreateInput } from "../../../workers/contacts/contact.schema";
import { ApiError, api } from "../api/client";
import { bindText, language, t } from "../i18n";
import { countryName } from "../lib/format";
import { can } from "../lib/permissions";
import { consentStatuses, isConsentStatus, isLifecycleStage, lifecycleStages, splitList, textOrNull } from "../lib/records";
import { navigate } from "../router";
import { currentMe, role } from "../session";
import { companyPicker } from "../ui/company-picker";
import { duplicateHint } from "../ui/duplicate-hint";
import { h, ht } from "../ui/dom";
import { formMessage, inputField, onSubmit, selectField, showErrors, valueOf } from "../ui/forms";
import { members, ownerChoices } from "../ui/members";
import { announce } from "../ui/status";

/** The create form. Errors from the API appear beside the field they name. */
export class RapportContactNew extends HTMLElement {
  connectedCallback(): void {
    if (!can.writeRecords(role())) {
      this.replaceChildren(ht("p", "error.forbidden", { class: "notice" }));
      return;
    }
    const params = new URLSearchParams(location.search);
    const presetCompany = params.get("company_id")?.startsWith("cmp_") ? { id: params.get("company_id") ?? "", name: params.get("company_name") ?? "" } : null;
    const first = inputField({ name: "first_name", label: "contacts.firstName", autocomplete: "off" });
    const last = inputField({ name: "last_name", label: "contacts.lastName", autocomplete: "off" });
    const email = inputField({ name: "emails", label: "contacts.email", type: "email", autocomplete: "off" });
    const phone = inputField({ name: "phones", label: "contacts.phone", type: "tel", autocomplete: "off" });
    const phoneHint = h("p", { class: "hint" });
    phone.row.insertBefore(phoneHint, phone.row.querySelector(".field-error"));
    const company = companyPicker("contacts.company", presetCompany);
    const title = inputField({ name: "job_title", label: "contacts.jobTitle", autocomplete: "off" });
    const stage = selectField("lifecycle_stage", "contacts.stage", lifecycleStages.map((value) => ({ value, key: `stage.${value}` as const })), "lead");
    const owner = selectField("owner_id", "records.owner", [{ value: "", key: "records.noOwner" }], "");
    const tags = inputField({ name: "tags", label: "records.tags", hint: "records.tagsHint", autocomplete: "off" });
    const consent = selectField("consent.status", "contacts.consent", consentStatuses.map((value) => ({ value, key: `consent.${value}` as const })), "unknown");
    const duplicate = h("p", { class: "duplicate", hidden: true });

    const form = h(
      "form",
      { class: "card-panel form-grid", "aria-labelledby": "new-contact-title", "data-testid": "contact-form" },
      formMessage(),
      duplicate,
      first.row,
      last.row,
      email.row,
      phone.row,
      company.row,
      title.row,
      stage.row,
      owner.row,
      tags.row,
      consent.row,
      h("div", { class: "actions span-all" }, ht("a", "records.cancel", { href: "/contacts", class: "button subtle" }), ht("button", "contacts.create", { type: "submit", class: "button primary" })),
    );

    // Possible duplicates (same phone, name…) are shown while typing; they never block the save.
    phone.row.after(duplicateHint(form));

    void members().then((list) => {
      const me = currentMe()?.user?.id ?? "";
      owner.select.replaceChildren(...ownerChoices(list).map((choice) => h("option", { value: choice.value }, choice.key ? t(choice.key) : (choice.label ?? ""))));
      owner.select.value = list.some((member) => member.user_id === me) ? me : "";
    });
    void api
      .workspace()
      .then(({ data }) => bindText(phoneHint, "contacts.phoneHint", { country: countryName(data.default_phone_country, language()) }))
      .catch(() => phoneHint.remove());

    onSubmit(form, async () => {
      duplicate.hidden = true;
      const stageValue = valueOf(form, "lifecycle_stage");
      const consentValue = valueOf(form, "consent.status");
      const emailValue = valueOf(form, "emails").trim();
      const phoneValue = valueOf(form, "phones").trim();
      const tagList = splitList(valueOf(form, "tags"));
      const body: ContactCreateInput = {
        first_name: textOrNull(valueOf(form, "first_name")),
        last_name: textOrNull(valueOf(form, "last_name")),
        ...(emailValue ? { emails: [emailValue] } : {}),
        ...(phoneValue ? { phones: [{ number: phoneValue }] } : {}),
        company_id: valueOf(form, "company_id") || null,
        job_title: textOrNull(valueOf(form, "job_title")),
        owner_id: valueOf(form, "owner_id") || null,
        ...(isLifecycleStage(stageValue) ? { lifecycle_stage: stageValue } : {}),
        ...(tagList.length ? { tags: tagList } : {}),
        ...(isConsentStatus(consentValue) && consentValue !== "unknown" ? { consent: { status: consentValue, source: "Rapport web app" } } : {}),
      };
      try {
        const created = await api.createContact(body);
        navigate(`/contacts/${created.id}`);
        announce("contacts.created", { name: created.display_name });
      } catch (error) {
        showErrors(form, error);
        const existing = error instanceof ApiError ? error.extensions.existing_id : undefined;
        if (typeof existing === "string" && existing.startsWith("con_")) {
          duplicate.replaceChildren(ht("a", "contacts.duplicateOpen", { href: `/contacts/${existing}`, "data-testid": "duplicate-link" }));
          duplicate.hidden = false;
        }
      }
    });

    this.replaceChildren(
      h("nav", { class: "crumbs" }, ht("a", "contacts.backToList", { href: "/contacts" })),
      ht("h1", "contacts.createTitle", { id: "new-contact-title" }),
      ht("p", "contacts.createLead", { class: "lead" }),
      form,
    );
    first.input.focus();
  }
}

customElements.define("rapport-contact-new", RapportContactNew);

declare global {
  interface HTMLElementTagNameMap {
    "rapport-contact-new": RapportContactNew;
  }
}
