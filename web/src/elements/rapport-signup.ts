import { api } from "../api/client";
import { language } from "../i18n";
import { navigate } from "../router";
import { setMe } from "../session";
import { h, ht } from "../ui/dom";
import { formMessage, inputField, onSubmit, valueOf } from "../ui/forms";

// The API accepts IANA area/location names and UTC; an offset-only zone is left to the default.
function browserTimeZone(): { time_zone?: string } {
  const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  return zone.includes("/") || zone === "UTC" ? { time_zone: zone } : {};
}

export class RapportSignup extends HTMLElement {
  connectedCallback(): void {
    const workspace = inputField({ name: "workspace_name", label: "signup.workspaceName", autocomplete: "organization", required: true });
    const name = inputField({ name: "name", label: "auth.name", autocomplete: "name", required: true });
    const email = inputField({ name: "email", label: "auth.email", type: "email", autocomplete: "email", required: true });
    const password = inputField({
      name: "password",
      label: "auth.password",
      type: "password",
      autocomplete: "new-password",
      required: true,
      hint: "auth.passwordHint",
    });
    const form = h(
      "form",
      { class: "stack", "aria-labelledby": "signup-title" },
      formMessage(),
      workspace.row,
      name.row,
      email.row,
      password.row,
      ht("button", "signup.submit", { type: "submit", class: "button primary wide" }),
    );
    onSubmit(form, async () => {
      await api.signup({
        workspace_name: valueOf(form, "workspace_name"),
        name: valueOf(form, "name"),
        email: valueOf(form, "email"),
        password: valueOf(form, "password"),
        language: language(),
        ...browserTimeZone(),
      });
      setMe(await api.me());
      navigate("/", { replace: true });
    });
    this.replaceChildren(
      h(
        "section",
        { class: "auth-card" },
        ht("h1", "signup.title", { id: "signup-title" }),
        ht("p", "signup.lead", { class: "lead" }),
        form,
        h("p", { class: "switch" }, ht("span", "signup.haveAccount"), " ", ht("a", "signup.toSignin", { href: "/signin" })),
      ),
    );
    workspace.input.focus();
  }
}

customElements.define("rapport-signup", RapportSignup);

declare global {
  interface HTMLElementTagNameMap {
    "rapport-signup": RapportSignup;
  }
}
