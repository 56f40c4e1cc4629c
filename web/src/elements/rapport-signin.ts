import { api } from "../api/client";
import { language, setLanguage } from "../i18n";
import { safeNextPath } from "../lib/routes";
import { navigate } from "../router";
import { setMe } from "../session";
import { h, ht } from "../ui/dom";
import { formMessage, inputField, onSubmit, valueOf } from "../ui/forms";
import { announce } from "../ui/status";

export class RapportSignin extends HTMLElement {
  connectedCallback(): void {
    const params = new URLSearchParams(location.search);
    const email = inputField({ name: "email", label: "auth.email", type: "email", autocomplete: "username", required: true });
    const password = inputField({ name: "password", label: "auth.password", type: "password", autocomplete: "current-password", required: true });
    const form = h(
      "form",
      { class: "stack", "aria-labelledby": "signin-title" },
      formMessage(),
      email.row,
      password.row,
      ht("button", "signin.submit", { type: "submit", class: "button primary wide" }),
    );
    onSubmit(form, async () => {
      const session = await api.login({ email: valueOf(form, "email"), password: valueOf(form, "password") });
      if (session.user.language !== language()) setLanguage(session.user.language);
      setMe(await api.me());
      navigate(safeNextPath(params.get("next")), { replace: true });
    });
    this.replaceChildren(
      h(
        "section",
        { class: "auth-card" },
        ht("h1", "signin.title", { id: "signin-title" }),
        ht("p", "signin.lead", { class: "lead" }),
        form,
        h("p", { class: "switch" }, ht("span", "signin.noAccount"), " ", ht("a", "signin.toSignup", { href: "/signup" })),
      ),
    );
    if (params.has("signed_out")) announce("signin.signedOut");
    email.input.focus();
  }
}

customElements.define("rapport-signin", RapportSignin);

declare global {
  interface HTMLElementTagNameMap {
    "rapport-signin": RapportSignin;
  }
}
