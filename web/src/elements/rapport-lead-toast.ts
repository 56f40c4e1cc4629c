import { api } from "../api/client";
import { bindAttribute, t } from "../i18n";
import { can } from "../lib/permissions";
import { formSubmittedOf, leadIsFor, type LiveEvent } from "../lib/live-frame";
import { currentMe, role } from "../session";
import { h, ht } from "../ui/dom";

// "New lead from <form>" for the lead's owner (everyone when nobody owns it), with a link to the
// contact. Form names need the admin-only forms API, so others see "a website form".
const names = new Map<string, Promise<string>>();

function formName(formId: string): Promise<string> {
  let name = names.get(formId);
  if (!name) {
    name = can.editWorkspace(role())
      ? api.form(formId).then(
          (result) => result.data.name,
          () => t("forms.aForm"),
        )
      : Promise.resolve(t("forms.aForm"));
    names.set(formId, name);
  }
  return name;
}

/** The stack of lead notices; a polite live region, so each new lead is announced once. */
export class RapportLeadToast extends HTMLElement {
  connectedCallback(): void {
    this.className = "lead-toasts";
    this.setAttribute("role", "status");
    this.setAttribute("aria-live", "polite");
  }

  add(text: string, contactId: string): void {
    const dismiss = h("button", { type: "button", class: "button subtle small" }, "×");
    bindAttribute(dismiss, "aria-label", "forms.dismiss");
    const item = h(
      "div",
      { class: "lead-toast", "data-testid": "lead-toast" },
      h("p", {}, text),
      ht("a", "forms.openContact", { href: `/contacts/${contactId}` }),
      dismiss,
    );
    const close = () => item.remove();
    dismiss.addEventListener("click", close);
    item.querySelector("a")?.addEventListener("click", close);
    setTimeout(close, 20_000);
    this.append(item);
    while (this.children.length > 3) this.firstElementChild?.remove();
  }
}

customElements.define("rapport-lead-toast", RapportLeadToast);

export async function showLeadToast(frame: LiveEvent): Promise<void> {
  const lead = formSubmittedOf(frame);
  if (!lead || !leadIsFor(lead, currentMe()?.user?.id ?? null)) return;
  const name = await formName(lead.formId);
  const app = document.querySelector("rapport-app");
  if (!app) return;
  let region = app.querySelector("rapport-lead-toast");
  if (!region) {
    region = document.createElement("rapport-lead-toast");
    app.append(region);
  }
  region.add(t("forms.newLead", { form: name }), lead.contactId);
}

declare global {
  interface HTMLElementTagNameMap {
    "rapport-lead-toast": RapportLeadToast;
  }
}
