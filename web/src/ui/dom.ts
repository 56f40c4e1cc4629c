import { bindText, type MessageKey, type Params } from "../i18n";

export type Child = Node | string | null | undefined | false;
type Attributes = Record<string, string | boolean | undefined>;

/** Builds an element; strings become text nodes, so data is never parsed as HTML. */
export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attributes: Attributes = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === false) continue;
    element.setAttribute(name, value === true ? "" : value);
  }
  append(element, children);
  return element;
}

export function append(parent: Element, children: Child[]): void {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    parent.append(typeof child === "string" ? document.createTextNode(child) : child);
  }
}

/** A translated element: h() plus a message bound to its text. */
export function ht<K extends keyof HTMLElementTagNameMap>(tag: K, key: MessageKey, attributes: Attributes = {}, params?: Params): HTMLElementTagNameMap[K] {
  return bindText(h(tag, attributes), key, params);
}

let counter = 0;
export function uid(prefix: string): string {
  counter += 1;
  return `${prefix}-${counter}`;
}

export function clear(element: Element): void {
  element.replaceChildren();
}
