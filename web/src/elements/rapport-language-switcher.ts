import { api } from "../api/client";
import { bindText, language, setLanguage } from "../i18n";
import { isLanguage, languageNames, languages } from "../lib/language";
import { currentMe, setMe } from "../session";
import { h, uid } from "../ui/dom";
import { icon } from "../ui/icons";
import { announceText } from "../ui/status";

/** Switches the UI language at once, remembers it here and, when signed in, on the account. */
export class RapportLanguageSwitcher extends HTMLElement {
  connectedCallback(): void {
    const id = uid("language");
    const select = h("select", { id, name: "language", "data-testid": "language" });
    for (const code of languages) select.append(h("option", { value: code, lang: code }, languageNames[code]));
    select.value = language();
    select.addEventListener("change", () => {
      const next = select.value;
      if (!isLanguage(next)) return;
      setLanguage(next);
      const me = currentMe();
      if (me?.user) {
        api
          .updateMe({ language: next })
          .then((user) => {
            const latest = currentMe();
            if (latest) setMe({ ...latest, user });
          })
          .catch((error: unknown) => announceText(error instanceof Error ? error.message : String(error), "error"));
      }
    });
    const label = bindText(h("label", { for: id, class: "visually-hidden" }), "language.label");
    this.replaceChildren(h("span", { class: "language-icon" }, icon("globe")), label, select);
  }
}

customElements.define("rapport-language-switcher", RapportLanguageSwitcher);

declare global {
  interface HTMLElementTagNameMap {
    "rapport-language-switcher": RapportLanguageSwitcher;
  }
}
