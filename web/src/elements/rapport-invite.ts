import type { InvitationPreview } from "../../../workers/team/invitation.schema";
import { api, ApiError } from "../api/client";
import { bindText, language, languageChanged, setLanguage, t } from "../i18n";
import { formatDate } from "../lib/format";
import { navigate } from "../router";
import { setMe, timeZone } from "../session";
import { h, ht } from "../ui/dom";
import { formMessage, inputField, onSubmit, valueOf } from "../ui/forms";

/** /invite/<token>: shows who invited whom, then joins with a new or an existing account. */
export class RapportInvite extends HTMLElement {
  private stopListening: () => void = () => undefined;

  disconnectedCallback(): void {
    this.stopListening();
  }

  connectedCallback(): void {
    const token = this.getAttribute("token") ?? "";
    this.replaceChildren(h("section", { class: "auth-card" }, ht("p", "app.loading", { class: "loading" })));
    api
      .previewInvitation(token)
      .then((preview) => this.renderForm(token, preview))
      .catch((error: unknown) => this.renderUnavailable(error));
  }

  private renderUnavailable(error: unknown): void {
    const gone = error instanceof ApiError && (error.status === 410 || error.status === 404 || error.status === 422);
    this.replaceChildren(
      h(
        "section",
        { class: "auth-card" },
        ht("h1", gone ? "invite.unavailable" : "common.loadFailed", { class: "h-medium" }),
        h("p", {}, ht("a", "invite.toSignin", { href: "/signin", class: "button" })),
      ),
    );
  }

  private renderForm(token: string, preview: InvitationPreview): void {
    const title = bindText(h("h1", { id: "invite-title" }), "invite.title", { workspace: preview.workspace_name });
    const lead = h("p", { class: "lead" });
    // The role is a message too, so bind the sentence to the translated role at render time.
    const renderLead = () =>
      bindText(lead, "invite.lead", { inviter: preview.invited_by_name, email: preview.email, role: t(`role.${preview.role}`) });
    renderLead();
    this.stopListening();
    window.addEventListener(languageChanged, renderLead);
    this.stopListening = () => window.removeEventListener(languageChanged, renderLead);
    const expires = bindText(h("p", { class: "hint" }), "invite.expires", {
      date: formatDate(preview.expires_at, language(), timeZone()),
    });
    const fields: HTMLElement[] = [];
    if (!preview.account_exists) {
      fields.push(inputField({ name: "name", label: "auth.name", autocomplete: "name", required: true }).row);
    }
    const email = inputField({ name: "email", label: "auth.email", type: "email", autocomplete: "username", value: preview.email, readOnly: true });
    const password = inputField({
      name: "password",
      label: "auth.password",
      type: "password",
      autocomplete: preview.account_exists ? "current-password" : "new-password",
      required: true,
      ...(preview.account_exists ? {} : { hint: "auth.passwordHint" as const }),
    });
    const form = h(
      "form",
      { class: "stack", "aria-labelledby": "invite-title" },
      ht("p", preview.account_exists ? "invite.existingAccount" : "invite.newAccount"),
      formMessage(),
      ...fields,
      email.row,
      password.row,
      ht("button", "invite.submit", { type: "submit", class: "button primary wide" }),
    );
    onSubmit(form, async () => {
      const body = preview.account_exists
        ? { password: valueOf(form, "password") }
        : { name: valueOf(form, "name"), password: valueOf(form, "password") };
      const session = await api.acceptInvitation(token, body);
      if (preview.account_exists && session.user.language !== language()) setLanguage(session.user.language);
      setMe(await api.me());
      navigate("/", { replace: true });
    });
    this.replaceChildren(h("section", { class: "auth-card" }, title, lead, expires, form));
    form.querySelector<HTMLInputElement>("input:not([readonly])")?.focus();
  }
}

customElements.define("rapport-invite", RapportInvite);

declare global {
  interface HTMLElementTagNameMap {
    "rapport-invite": RapportInvite;
  }
}
