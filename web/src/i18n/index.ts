// The UI's language at run time. Text is bound to its key (see bindText), so switching language
// re-translates the page in place without losing what the user typed.
import { interpolate, type Language, pickLanguage } from "../lib/language";
import { en, type MessageKey, type Messages } from "./en";
import { lt } from "./lt";
import { lv } from "./lv";
import { ru } from "./ru";
import { sl } from "./sl";

export type { MessageKey };
export type Params = Record<string, string | number>;

const catalogs: Record<Language, Messages> = { en, lt, lv, sl, ru };
const storageKey = "rapport.language";
export const languageChanged = "rapport:language";

function stored(): string | null {
  try {
    return localStorage.getItem(storageKey);
  } catch {
    return null;
  }
}

let current: Language = pickLanguage(stored(), navigator.languages);

export function language(): Language {
  return current;
}

export function t(key: MessageKey, params?: Params): string {
  return interpolate(catalogs[current][key], params);
}

type Binding = { key: MessageKey; params: Params | undefined; attribute: string | null };
const bindings = new WeakMap<Element, Binding[]>();

function apply(element: Element, binding: Binding): void {
  const text = t(binding.key, binding.params);
  if (binding.attribute === null) element.textContent = text;
  else element.setAttribute(binding.attribute, text);
}

function bind(element: Element, binding: Binding): void {
  const list = (bindings.get(element) ?? []).filter((existing) => existing.attribute !== binding.attribute);
  list.push(binding);
  bindings.set(element, list);
  element.setAttribute("data-i18n", "");
  apply(element, binding);
}

/** Sets the element's text to a message and keeps it translated when the language changes. */
export function bindText<E extends Element>(element: E, key: MessageKey, params?: Params): E {
  bind(element, { key, params, attribute: null });
  return element;
}

export function bindAttribute<E extends Element>(element: E, attribute: string, key: MessageKey, params?: Params): E {
  bind(element, { key, params, attribute });
  return element;
}

export function setLanguage(next: Language): void {
  current = next;
  try {
    localStorage.setItem(storageKey, next);
  } catch {
    // Private modes may refuse storage; the choice then lasts for this page only.
  }
  document.documentElement.lang = next;
  for (const element of document.querySelectorAll("[data-i18n]")) for (const binding of bindings.get(element) ?? []) apply(element, binding);
  window.dispatchEvent(new CustomEvent(languageChanged, { detail: next }));
}

export function initLanguage(): void {
  document.documentElement.lang = current;
}
