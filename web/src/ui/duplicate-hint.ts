import { duplicatesApi } from "../api/duplicates";
import { bindText, language, t } from "../i18n";
import { checkKey, checkQuery, reasonKey } from "../lib/duplicates";
import { debounce, latestOnly } from "../lib/latest";
import { h, ht } from "./dom";

function valueOf(form: HTMLFormElement, name: string): string {
  const control = form.elements.namedItem(name);
  return control instanceof HTMLInputElement || control instanceof HTMLSelectElement ? control.value : "";
}

/** "same phone, similar name": the reasons in words, lower-case inside the parentheses. */
function reasonWords(codes: readonly string[]): string {
  return codes
    .map((code) => {
      const key = reasonKey(code);
      return (key ? t(key) : code.replaceAll("_", " ")).toLocaleLowerCase(language());
    })
    .join(", ");
}

/**
 * "Possible duplicate: Ona Petraitė (same phone)" under the create form's name, email and phone:
 * a pause in typing asks GET /duplicates/check, and each match links to the existing contact.
 * It only informs; saving stays possible, and a failed check shows nothing rather than an error.
 */
export function duplicateHint(form: HTMLFormElement): HTMLElement {
  const hint = h("div", { class: "duplicate-hint span-all", role: "status", "aria-live": "polite", hidden: true, "data-testid": "duplicate-hint" });
  const latest = latestOnly();
  let asked = "";

  const check = debounce(() => {
    const query = checkQuery({
      first_name: valueOf(form, "first_name"),
      last_name: valueOf(form, "last_name"),
      email: valueOf(form, "emails"),
      phone: valueOf(form, "phones"),
      company_id: valueOf(form, "company_id"),
    });
    const key = checkKey(query);
    if (key === asked) return;
    asked = key;
    if (!query) {
      latest.cancel();
      hint.hidden = true;
      hint.replaceChildren();
      return;
    }
    const { signal, isCurrent } = latest.next();
    duplicatesApi
      .check(query, signal)
      .then(({ data }) => {
        if (!isCurrent()) return;
        const matches = [...data].sort((a, b) => b.score - a.score).slice(0, 3);
        hint.hidden = matches.length === 0;
        hint.replaceChildren(
          ...matches.map((match) =>
            h(
              "p",
              { class: "duplicate-match" },
              ht("strong", "duplicates.possible"),
              " ",
              h("a", { href: `/contacts/${match.contact.id}`, "data-testid": "possible-duplicate" }, match.contact.display_name),
              match.reasons.length ? ` (${reasonWords(match.reasons)})` : "",
            ),
          ),
          ...(matches.length ? [bindText(h("p", { class: "hint" }), "duplicates.possibleHint")] : []),
        );
      })
      .catch(() => {
        // Aborted by newer typing, or the check failed: the hint is advice, so it just stays quiet.
        if (isCurrent()) {
          asked = "";
          hint.hidden = true;
        }
      });
  }, 500);

  form.addEventListener("input", (event) => {
    const name = event.target instanceof HTMLInputElement ? event.target.name : "";
    if (["first_name", "last_name", "emails", "phones"].includes(name)) check();
  });
  form.addEventListener("change", () => check());
  return hint;
}
