import { h, ht } from "../ui/dom";

export class RapportNotFound extends HTMLElement {
  connectedCallback(): void {
    this.replaceChildren(
      h(
        "section",
        { class: "page narrow" },
        ht("h1", "common.notFoundTitle"),
        ht("p", "common.notFoundLead", { class: "lead" }),
        ht("a", "common.backHome", { href: "/", class: "button primary" }),
      ),
    );
  }
}

customElements.define("rapport-not-found", RapportNotFound);

declare global {
  interface HTMLElementTagNameMap {
    "rapport-not-found": RapportNotFound;
  }
}
