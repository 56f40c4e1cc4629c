// Vocabulary and pure helpers for contacts and companies, shared by the list, the record pages and
// the create forms. The lists mirror the worker's enums; the decoders fail the type check if they drift.
import type { Contact, ContactPatchInput } from "../../../workers/contacts/contact.schema";

export const lifecycleStages = ["subscriber", "lead", "marketing_qualified", "sales_qualified", "opportunity", "customer", "evangelist", "other"] as const;
export type LifecycleStage = (typeof lifecycleStages)[number];
export const consentStatuses = ["granted", "denied", "unknown"] as const;
export type ConsentStatus = (typeof consentStatuses)[number];
export const sizeBands = ["1-10", "11-50", "51-200", "201-500", "501-1000", "1001-5000", "5001+"] as const;
export type SizeBand = (typeof sizeBands)[number];

export function isLifecycleStage(value: string): value is LifecycleStage {
  return lifecycleStages.some((stage) => stage === value);
}

export function isConsentStatus(value: string): value is ConsentStatus {
  return consentStatuses.some((status) => status === value);
}

export function isSizeBand(value: string): value is SizeBand {
  return sizeBands.some((band) => band === value);
}

// Legal forms say nothing about who a company is, so an avatar skips them (UAB "Alfa" → A).
const legalForms = /^(uab|ab|mb|všį|sia|as|ik|d\.?o\.?o\.?|d\.?d\.?|s\.?p\.?|ооо|оао|зао|пао|ао|ип|oü|ltd\.?|llc|inc\.?|gmbh|plc)$/iu;

/** Up to two letters for an avatar: first letters of the first two words, else of the email. */
export function initials(name: string): string {
  const words = name
    .replace(/@.*$/, "")
    .split(/\s+/)
    .filter((word) => !legalForms.test(word.replace(/[",]/g, "")))
    .flatMap((word) => word.split(/[._-]+/))
    .filter((word) => /\p{L}/u.test(word));
  const letters = words.slice(0, 2).map((word) => [...word.replace(/^\P{L}+/u, "")][0] ?? "");
  const result = letters.join("").toLocaleUpperCase();
  return result || (/\d/.test(name) ? "#" : "?");
}

/** "vip, Riga ,  vip" → ["vip", "Riga"]: trimmed, empty parts dropped, duplicates (any case) once. */
export function splitList(text: string): string[] {
  const seen = new Set<string>();
  const items: string[] = [];
  for (const part of text.split(/[,;\n]/)) {
    const item = part.trim();
    const key = item.toLocaleLowerCase();
    if (item === "" || seen.has(key)) continue;
    seen.add(key);
    items.push(item);
  }
  return items;
}

/** Empty text means "clear the field": the API takes null for that. */
export function textOrNull(text: string): string | null {
  const trimmed = text.trim();
  return trimmed === "" ? null : trimmed;
}

/**
 * Phones edited as one comma-separated line keep the label of a number that is still there
 * (matched on the text the user typed or its E.164 form), so an edit never drops labels silently.
 */
export function phonesPatch(text: string, current: Contact["phones"]): NonNullable<ContactPatchInput["phones"]> {
  return splitList(text).map((number) => {
    const compact = number.replace(/[^\d+]/g, "");
    const known = current.find((phone) => phone.raw === number || phone.e164 === compact);
    return known?.label ? { number, label: known.label } : { number };
  });
}

export function phonesText(contact: Pick<Contact, "phones">): string {
  return contact.phones.map((phone) => phone.raw || phone.e164).join(", ");
}

/** Moves through n rows with the arrow, Home, End and page keys; null when the key is not one of them. */
export function nextRowIndex(current: number, key: string, count: number, pageSize = 10): number | null {
  if (count === 0) return null;
  const last = count - 1;
  switch (key) {
    case "ArrowDown":
      return Math.min(current + 1, last);
    case "ArrowUp":
      return Math.max(current - 1, 0);
    case "Home":
      return 0;
    case "End":
      return last;
    case "PageDown":
      return Math.min(current + pageSize, last);
    case "PageUp":
      return Math.max(current - pageSize, 0);
    default:
      return null;
  }
}

/** True when a single-key shortcut should not fire because the user is typing or holds a modifier. */
export function isTypingTarget(target: { tagName?: string; isContentEditable?: boolean; type?: string } | null): boolean {
  if (!target?.tagName) return false;
  const tag = target.tagName.toUpperCase();
  if (tag === "TEXTAREA" || tag === "SELECT" || target.isContentEditable) return true;
  if (tag !== "INPUT") return false;
  return !["checkbox", "radio", "button", "submit", "reset"].includes((target.type ?? "text").toLowerCase());
}
