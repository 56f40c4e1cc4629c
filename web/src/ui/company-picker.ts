import { api } from "../api/client";
import { bindAttribute, t, type MessageKey } from "../i18n";
import { debounce, isAbort, latestOnly } from "../lib/latest";
import { h, uid } from "./dom";
import { fieldRow } from "./forms";

/**
 * A combobox that searches companies on the server as you type (the list may hold thousands)
 * and keeps the chosen id in a hidden `company_id` input. ↑/↓ move through the suggestions,
 * Enter picks, Escape closes; clearing the text means "no company".
 */
export function companyPicker(label: MessageKey, current: { id: string; name: string } | null): { row: HTMLElement; input: HTMLInputElement } {
  const id = uid("f-company");
  const listId = `${id}-list`;
  const hidden = h("input", { type: "hidden", name: "company_id" });
  hidden.value = current?.id ?? "";
  const input = h("input", {
    id,
    type: "text",
    name: "company_search",
    role: "combobox",
    autocomplete: "off",
    "aria-autocomplete": "list",
    "aria-expanded": "false",
    "aria-controls": listId,
  });
  bindAttribute(input, "placeholder", "contacts.companyPick");
  input.value = current?.name ?? "";
  const list = h("ul", { id: listId, role: "listbox", class: "combo-list", hidden: true });
  bindAttribute(list, "aria-label", label);
  const latest = latestOnly();
  let options: { id: string; name: string; detail: string }[] = [];
  let active = -1;

  const close = () => {
    list.hidden = true;
    input.setAttribute("aria-expanded", "false");
    input.removeAttribute("aria-activedescendant");
    active = -1;
  };
  const choose = (option: { id: string; name: string }) => {
    hidden.value = option.id;
    input.value = option.name;
    close();
  };
  const paint = () => {
    [...list.children].forEach((item, index) => item.setAttribute("aria-selected", String(index === active)));
    if (active >= 0) input.setAttribute("aria-activedescendant", `${listId}-${active}`);
    else input.removeAttribute("aria-activedescendant");
  };
  const render = () => {
    list.replaceChildren();
    if (options.length === 0) {
      list.append(h("li", { class: "combo-empty", role: "presentation" }, t("contacts.companyNone")));
    }
    options.forEach((option, index) => {
      const item = h("li", { id: `${listId}-${index}`, role: "option", "aria-selected": "false" }, h("span", {}, option.name), option.detail ? h("small", {}, option.detail) : null);
      item.addEventListener("mousedown", (event) => event.preventDefault());
      item.addEventListener("click", () => choose(option));
      list.append(item);
    });
    list.hidden = false;
    input.setAttribute("aria-expanded", "true");
    active = options.length > 0 ? 0 : -1;
    paint();
  };
  const search = debounce((text: string) => {
    const request = latest.next();
    api
      .companies({ q: text || undefined, limit: 8 }, request.signal)
      .then((page) => {
        if (!request.isCurrent()) return;
        options = page.data.map((company) => ({ id: company.id, name: company.name, detail: company.domain ?? company.city ?? "" }));
        render();
      })
      .catch((error: unknown) => {
        if (!isAbort(error)) close();
      });
  }, 200);

  input.addEventListener("input", () => {
    hidden.value = "";
    if (input.value.trim() === "") {
      search.cancel();
      latest.cancel();
      close();
      return;
    }
    search(input.value.trim());
  });
  input.addEventListener("keydown", (event) => {
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      if (list.hidden) {
        search(input.value.trim());
        search.flush();
        return;
      }
      if (options.length === 0) return;
      active = (active + (event.key === "ArrowDown" ? 1 : -1) + options.length) % options.length;
      paint();
    } else if (event.key === "Enter" && !list.hidden) {
      const option = options[active];
      if (option) {
        event.preventDefault();
        choose(option);
      }
    } else if (event.key === "Escape" && !list.hidden) {
      event.preventDefault();
      event.stopPropagation();
      close();
    }
  });
  input.addEventListener("blur", () => setTimeout(close, 150));

  const row = fieldRow(id, label, input);
  row.classList.add("combo");
  row.append(list, hidden);
  hidden.dataset.errorId = input.dataset.errorId ?? "";
  return { row, input };
}
