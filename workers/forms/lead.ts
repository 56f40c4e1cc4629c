import { z } from "zod";
import type { FieldError } from "../http/problem";
import { normalizePhone } from "../contacts/normalize";
import type { FormFieldConfig } from "./form.schema";

// What a post means, independent of how it arrived (HTML form, multipart or JSON): pure, so the
// rules can be tested without HTTP.

export type Lead = {
  firstName?: string;
  lastName?: string;
  email?: string;
  phone?: string;
  company?: string;
  jobTitle?: string;
  city?: string;
  country?: string;
  message?: string;
  consent: boolean;
};

/** Fields a post may carry besides the form's own: spam defences and attribution. */
export const controlFields = { honeypot: "website", fillToken: "_ts", turnstile: "cf-turnstile-response", consent: "consent" } as const;
export const attributionFields = ["source", "utm_source", "utm_medium", "utm_campaign", "utm_term", "utm_content", "referrer", "landing_page"] as const;

const maxValueLength = 5000;
const email = z.email();
const checked = new Set(["on", "true", "yes", "1", "checked"]);
const limits: Record<string, number> = { first_name: 100, last_name: 100, email: 254, phone: 40, company: 200, job_title: 120, city: 100, country: 2, message: maxValueLength };

/** Flattens what was posted to a map of strings: repeated fields joined, files named, sizes capped. */
export function flattenPayload(entries: Iterable<[string, unknown]>): Record<string, string> {
  const out: Record<string, string> = {};
  let count = 0;
  for (const [rawKey, rawValue] of entries) {
    if (count >= 100) break;
    const key = rawKey.slice(0, 100);
    const value =
      typeof rawValue === "string"
        ? rawValue
        : typeof rawValue === "number" || typeof rawValue === "boolean"
          ? String(rawValue)
          : rawValue instanceof File
            ? `[file ${rawValue.name.slice(0, 80)}, ${rawValue.size} bytes, not stored]`
            : JSON.stringify(rawValue ?? null);
    out[key] = key in out ? `${out[key]}, ${value}`.slice(0, maxValueLength) : value.slice(0, maxValueLength);
    count += 1;
  }
  return out;
}

function value(payload: Record<string, string>, name: string): string | undefined {
  const text = payload[name]?.trim();
  return text ? text : undefined;
}

export function leadFromPayload(payload: Record<string, string>, fields: readonly FormFieldConfig[]): Lead {
  const collected = new Set(fields.map((f) => f.field));
  const get = (name: FormFieldConfig["field"]) => (collected.has(name) ? value(payload, name) : undefined);
  const lead: Lead = { consent: checked.has((payload[controlFields.consent] ?? "").trim().toLowerCase()) };
  const assign = <K extends keyof Lead>(key: K, v: Lead[K] | undefined) => {
    if (v !== undefined) lead[key] = v;
  };
  assign("firstName", get("first_name"));
  assign("lastName", get("last_name"));
  assign("email", get("email")?.toLowerCase());
  assign("phone", get("phone"));
  assign("company", get("company"));
  assign("jobTitle", get("job_title"));
  assign("city", get("city"));
  assign("country", get("country")?.toUpperCase());
  assign("message", get("message"));
  return lead;
}

export function validateLead(payload: Record<string, string>, fields: readonly FormFieldConfig[], defaultCountry: string): FieldError[] {
  const errors: FieldError[] = [];
  for (const { field, required } of fields) {
    const text = value(payload, field);
    const pointer = `/${field}`;
    if (text === undefined) {
      if (required) errors.push({ pointer, code: "required", detail: "This field is required." });
      continue;
    }
    if (text.length > (limits[field] ?? maxValueLength)) errors.push({ pointer, code: "too_big", detail: `Use at most ${limits[field]} characters.` });
    else if (field === "email" && !email.safeParse(text.toLowerCase()).success) errors.push({ pointer, code: "invalid_email", detail: "Enter a valid email address." });
    else if (field === "phone" && !normalizePhone(text, defaultCountry)) errors.push({ pointer, code: "invalid_phone", detail: "Enter a valid phone number." });
    else if (field === "country" && !/^[A-Za-z]{2}$/.test(text)) errors.push({ pointer, code: "invalid_country", detail: "Use a two-letter country code." });
  }
  const hasContact = fields.some((f) => (f.field === "email" || f.field === "phone") && value(payload, f.field) !== undefined);
  if (!hasContact && errors.length === 0) {
    const first = fields.find((f) => f.field === "email") ?? fields.find((f) => f.field === "phone");
    errors.push({ pointer: `/${first?.field ?? "email"}`, code: "required", detail: "Leave an email or a phone so we can reach you." });
  }
  return errors;
}

/** This touch's attribution: fields posted by the embed script win over the Referer header. */
export function attributionOf(payload: Record<string, string>, referer: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  let fromUrl: URLSearchParams | null = null;
  try {
    fromUrl = referer ? new URL(referer).searchParams : null;
  } catch {
    fromUrl = null;
  }
  for (const key of attributionFields) {
    const posted = value(payload, key) ?? (key.startsWith("utm_") ? (fromUrl?.get(key) ?? undefined) : undefined);
    if (posted) out[key] = posted.slice(0, 500);
  }
  if (!out.landing_page && referer) out.landing_page = referer.slice(0, 500);
  return out;
}
