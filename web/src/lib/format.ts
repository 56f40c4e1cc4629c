// Dates and numbers always go through Intl with the reader's language and time zone.
import { parsePhoneNumberFromString } from "libphonenumber-js/min";

export function formatDateTime(iso: string, locale: string, timeZone: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return "";
  try {
    return new Intl.DateTimeFormat(locale, { dateStyle: "medium", timeStyle: "short", timeZone }).format(date);
  } catch {
    return new Intl.DateTimeFormat(locale, { dateStyle: "medium", timeStyle: "short", timeZone: "UTC" }).format(date);
  }
}

export function formatDate(iso: string, locale: string, timeZone: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return "";
  try {
    return new Intl.DateTimeFormat(locale, { dateStyle: "long", timeZone }).format(date);
  } catch {
    return new Intl.DateTimeFormat(locale, { dateStyle: "long", timeZone: "UTC" }).format(date);
  }
}

/** "22 Nov 2026": for dense lists, where the long form wraps. */
export function formatShortDate(iso: string, locale: string, timeZone: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return "";
  try {
    return new Intl.DateTimeFormat(locale, { dateStyle: "medium", timeZone }).format(date);
  } catch {
    return new Intl.DateTimeFormat(locale, { dateStyle: "medium", timeZone: "UTC" }).format(date);
  }
}

/** Options for currency, country and time-zone pickers, labelled in the reader's language. */
export function currencyOptions(locale: string): { value: string; label: string }[] {
  const names = new Intl.DisplayNames([locale], { type: "currency" });
  return Intl.supportedValuesOf("currency").map((code) => ({ value: code, label: `${code} — ${names.of(code) ?? code}` }));
}

// ISO 3166-1 alpha-2 codes have no Intl list; every two-letter pair that Intl names is one,
// except user-assigned codes (AA, QM–QZ, XA–XZ but Kosovo's XK, ZZ) and groupings or aliases.
const notCountries = /^(AA|Q[M-Z]|X[A-JL-Z]|ZZ|EU|EZ|UN|UK)$/;
export function countryOptions(locale: string): { value: string; label: string }[] {
  const names = new Intl.DisplayNames([locale], { type: "region", fallback: "none" });
  const english = new Intl.DisplayNames(["en"], { type: "region", fallback: "none" });
  const options: { value: string; label: string }[] = [];
  for (let a = 65; a <= 90; a++) {
    for (let b = 65; b <= 90; b++) {
      const code = String.fromCharCode(a, b);
      if (notCountries.test(code)) continue;
      const name = english.of(code) === undefined ? undefined : names.of(code);
      if (name !== undefined && name !== code) options.push({ value: code, label: name });
    }
  }
  return options.sort((x, y) => x.label.localeCompare(y.label, locale));
}

export function timeZoneOptions(current: string): string[] {
  const zones = Intl.supportedValuesOf("timeZone");
  const all = zones.includes("UTC") ? zones : [...zones, "UTC"];
  return all.includes(current) ? all : [...all, current].sort();
}

/** Decimal places of a currency (EUR 2, JPY 0, BHD 3), from Intl. */
export function currencyDigits(currency: string): number {
  try {
    return new Intl.NumberFormat("en", { style: "currency", currency }).resolvedOptions().maximumFractionDigits ?? 2;
  } catch {
    return 2;
  }
}

/** Money is stored in minor units; this shows it in the reader's locale ("1 234,50 €" in lt). */
export function formatMoney(money: { amount: number; currency: string }, locale: string): string {
  const digits = currencyDigits(money.currency);
  const major = money.amount / 10 ** digits;
  try {
    return new Intl.NumberFormat(locale, { style: "currency", currency: money.currency, maximumFractionDigits: digits }).format(major);
  } catch {
    return `${major.toFixed(digits)} ${money.currency}`;
  }
}

export function formatNumber(value: number, locale: string): string {
  return new Intl.NumberFormat(locale).format(value);
}

/**
 * Reads an amount typed in the reader's habits ("1 234,56", "1,234.56", "1234.5", "1.234,56")
 * into minor units. The last separator followed by one or two digits (or the currency's places)
 * is the decimal mark; every other space, dot, comma or apostrophe groups thousands.
 */
export function parseMoneyInput(text: string, currency: string): number | null {
  const digits = currencyDigits(currency);
  const cleaned = text.trim().replace(/[\s\u00a0\u202f']/g, "").replace(/[^\d.,-]/g, "");
  if (cleaned === "" || /-/.test(cleaned)) return null;
  const lastSeparator = Math.max(cleaned.lastIndexOf("."), cleaned.lastIndexOf(","));
  let whole = cleaned;
  let fraction = "";
  if (lastSeparator >= 0) {
    const after = cleaned.slice(lastSeparator + 1);
    const isDecimal = after.length > 0 && after.length <= Math.max(digits, 2) && after.length !== 3;
    if (isDecimal) {
      whole = cleaned.slice(0, lastSeparator);
      fraction = after;
    }
  }
  whole = whole.replace(/[.,]/g, "");
  if (!/^\d*$/.test(whole) || !/^\d*$/.test(fraction) || (whole === "" && fraction === "")) return null;
  if (fraction.length > digits) return null;
  const minor = Number(whole || "0") * 10 ** digits + Number(fraction.padEnd(digits, "0") || "0");
  return Number.isSafeInteger(minor) ? minor : null;
}

/** The amount as the user would type it back in: major units, no grouping, locale decimal mark. */
export function moneyInputText(money: { amount: number; currency: string }, locale: string): string {
  const digits = currencyDigits(money.currency);
  return new Intl.NumberFormat(locale, { useGrouping: false, minimumFractionDigits: 0, maximumFractionDigits: digits }).format(money.amount / 10 ** digits);
}

/** "+37061234567" → "+370 612 34567"; anything libphonenumber cannot read is shown as stored. */
export function formatPhone(e164: string): string {
  return parsePhoneNumberFromString(e164)?.formatInternational() ?? e164;
}

/** A country code named in the reader's language ("LT" → "Lietuva" in lt). */
export function countryName(code: string, locale: string): string {
  try {
    return new Intl.DisplayNames([locale], { type: "region", fallback: "code" }).of(code) ?? code;
  } catch {
    return code;
  }
}

export function languageName(code: string, locale: string): string {
  try {
    return new Intl.DisplayNames([locale], { type: "language", fallback: "code" }).of(code) ?? code;
  } catch {
    return code;
  }
}

/** A calendar date such as a birthday: no time zone applies, so it is formatted as UTC. */
export function formatCalendarDate(isoDate: string, locale: string): string {
  return formatDate(`${isoDate}T00:00:00Z`, locale, "UTC");
}
