import type { MessageKey } from "../i18n/en";

// The API's field errors carry English text and zod's issue code; the code alone is too coarse to
// pick words (too_small covers names and passwords alike), so the client recognises the messages
// it knows and shows them in the reader's language; anything else is shown as sent.
const fieldMessages: Record<string, MessageKey> = {
  "Enter a valid email address.": "field.email",
  "Enter a name.": "field.name",
  "Use at least 10 characters.": "field.passwordShort",
  "Use at most 256 characters.": "field.passwordLong",
  "Enter your password.": "field.passwordMissing",
  "Enter a password.": "field.passwordMissing",
  "Name your workspace.": "field.workspaceName",
  "Name the key after what uses it.": "field.keyName",
  "Use a three-letter ISO 4217 code, for example EUR.": "field.currency",
  "This is not a currency code we know.": "field.currency",
  "Use a two-letter ISO 3166 country code, for example LT.": "field.country",
  "This is not a country code we know.": "field.country",
  "Use an IANA time zone name, for example Europe/Vilnius.": "field.timeZone",
  "Enter a phone number.": "field.phoneMissing",
  "Give the contact a name, an email or a phone.": "field.contactEmpty",
  "Use YYYY-MM-DD.": "field.birthdayFormat",
  "Use a real date in the past.": "field.birthdayPast",
  "Use a full http(s) address.": "field.url",
  "Name the company.": "field.companyName",
  "Use a language code such as lt, en or pt-BR.": "field.languageCode",
  "Name the form.": "field.formName",
  "Each field once.": "field.formFieldOnce",
  "Collect an email or a phone, or the lead cannot be reached.": "field.formReachable",
  "Use an origin such as https://example.com (scheme, host and optional port).": "field.formOrigin",
  "Use lower-case letters, digits and _.": "field.hiddenName",
};

// Field errors that carry a stable code are worded by the code, whatever the English detail says.
const fieldCodeMessages: Record<string, MessageKey> = {
  invalid_phone: "field.phone",
  identity_required: "field.contactEmpty",
  invalid_domain: "field.domain",
  duplicate_email: "error.duplicateEmail",
  duplicate_domain: "error.domainTaken",
  unknown_company: "field.unknownCompany",
  unknown_member: "field.unknownMember",
  one_owner: "field.oneOwner",
  owners_required: "field.ownersRequired",
};

export function fieldMessageKey(detail: string, code?: string): MessageKey | null {
  return (code ? fieldCodeMessages[code] : undefined) ?? fieldMessages[detail] ?? null;
}

const codeMessages: Record<string, MessageKey> = {
  invalid_credentials: "error.invalidCredentials",
  email_taken: "error.emailTaken",
  already_member: "error.alreadyMember",
  invitation_unavailable: "invite.unavailable",
  owner_cannot_leave: "error.ownerCannotLeave",
  owner_role_fixed: "error.ownerCannotLeave",
  forbidden: "error.forbidden",
  network_error: "error.network",
  validation_failed: "error.checkFields",
  version_mismatch: "workspace.stale",
  duplicate_email: "error.duplicateEmail",
  duplicate_domain: "error.domainTaken",
  domain_taken: "error.domainTaken",
};

/** The message key for a problem's code, or null when the client has no words of its own for it. */
export function problemMessageKey(code: string): MessageKey | null {
  return codeMessages[code] ?? null;
}

/** Conflicts the API reports without a pointer but that belong to one field of the form. */
export function fieldOfCode(code: string): string | null {
  if (code === "email_taken" || code === "already_member") return "email";
  if (code === "duplicate_email") return "emails";
  if (code === "duplicate_domain" || code === "domain_taken") return "domain";
  return null;
}
