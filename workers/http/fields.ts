import { z } from "@hono/zod-openapi";
import { languages } from "../db/schema";

// Field schemas shared by every module, so that an email or a time zone is validated the same
// way on every route.

export const EmailField = z
  .string()
  .trim()
  .toLowerCase()
  .max(254)
  .pipe(z.email({ message: "Enter a valid email address." }))
  .openapi({ example: "ona@example.com" });

export const PersonNameField = z.string().trim().min(1, "Enter a name.").max(120).openapi({ example: "Ona Petrauskienė" });

export const PasswordField = z
  .string()
  .min(10, "Use at least 10 characters.")
  .max(256, "Use at most 256 characters.")
  .openapi({ example: "correct horse battery staple" });

export const LanguageField = z.enum(languages).openapi({ description: "UI language", example: "lt" });

function isTimeZone(value: string): boolean {
  try {
    new Intl.DateTimeFormat("en", { timeZone: value });
    return value.includes("/") || value === "UTC";
  } catch {
    return false;
  }
}

export const TimeZoneField = z
  .string()
  .max(64)
  .refine(isTimeZone, "Use an IANA time zone name, for example Europe/Vilnius.")
  .openapi({ example: "Europe/Vilnius" });

const currencies = new Set(Intl.supportedValuesOf("currency"));
export const CurrencyField = z
  .string()
  .regex(/^[A-Z]{3}$/, "Use a three-letter ISO 4217 code, for example EUR.")
  .refine((code) => currencies.has(code), "This is not a currency code we know.")
  .openapi({ example: "EUR" });

const regionNames = new Intl.DisplayNames(["en"], { type: "region", fallback: "none" });

// Codes that are reserved or user-assigned in ISO 3166-1 name no country (ZZ "Unknown Region",
// EU, UN, QO, XA…), although Intl can name some of them. XK (Kosovo) is the one in common use.
function isReservedRegion(code: string): boolean {
  if (code === "XK") return false;
  return code === "AA" || code === "ZZ" || code === "EU" || code === "EZ" || code === "UN" || /^(Q[M-Z]|X[A-Z])$/.test(code);
}

// zod runs every check even after the first fails, so this one must cope with any string.
function isKnownRegion(code: string): boolean {
  if (!/^[A-Z]{2}$/.test(code) || isReservedRegion(code)) return false;
  try {
    return regionNames.of(code) !== undefined;
  } catch {
    return false;
  }
}

export const CountryField = z
  .string()
  .regex(/^[A-Z]{2}$/, "Use a two-letter ISO 3166 country code, for example LT.")
  .refine(isKnownRegion, "This is not a country code we know.")
  .openapi({ example: "LT" });

export const TimestampField = z.string().datetime().openapi({ example: "2026-11-22T08:00:00.000Z" });

export function isoTime(ms: number): string;
export function isoTime(ms: number | null): string | null;
export function isoTime(ms: number | null): string | null {
  return ms === null ? null : new Date(ms).toISOString();
}

export function idParam(prefix: string, example: string) {
  return z.object({
    id: z
      .string()
      .max(64)
      .openapi({ param: { name: "id", in: "path" }, example: `${prefix}_${example}` }),
  });
}
