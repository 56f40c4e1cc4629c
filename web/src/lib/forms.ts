import type { FormFieldConfig, Submission } from "../../../workers/forms/form.schema";

// Lead-capture forms: the field list (mirrors formFieldNames in workers/forms/form.schema.ts),
// editor parsing helpers and the copy-paste embed snippet. Pure, so it is unit tested.

export const formFieldNames = ["first_name", "last_name", "email", "phone", "company", "job_title", "city", "country", "message"] as const satisfies readonly FormFieldConfig["field"][];
export type FormFieldName = (typeof formFieldNames)[number];

export const submissionStatuses = ["received", "processed", "failed", "spam", "invalid"] as const satisfies readonly Submission["status"][];
export type SubmissionStatus = (typeof submissionStatuses)[number];

/** Names the public endpoint reserves (workers/forms/lead.ts controlFields). */
export const honeypotName = "website";
export const consentName = "consent";

/** Rows of a failed, invalid or quarantined submission can be sent through processing again. */
export function canReplay(status: SubmissionStatus): boolean {
  return status === "failed" || status === "invalid" || status === "spam";
}

/** The first field not yet in the form, for "Add field". */
export function nextUnusedField(used: readonly FormFieldName[]): FormFieldName | null {
  return formFieldNames.find((name) => !used.includes(name)) ?? null;
}

/** Moves one item up or down; out of range leaves the list as it was. */
export function moveItem<T>(list: readonly T[], index: number, delta: -1 | 1): T[] {
  const to = index + delta;
  const copy = [...list];
  if (index < 0 || index >= copy.length || to < 0 || to >= copy.length) return copy;
  const [item] = copy.splice(index, 1) as [T];
  copy.splice(to, 0, item);
  return copy;
}

/** "vip, webinar ,, vip" → ["vip", "webinar"]: trimmed, no blanks, no repeats. */
export function parseTags(text: string): string[] {
  return [...new Set(text.split(",").map((tag) => tag.trim()).filter((tag) => tag !== ""))];
}

/** A blank optional text becomes null (the API's "not set"). */
export function blankToNull(text: string): string | null {
  const trimmed = text.trim();
  return trimmed === "" ? null : trimmed;
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[ch] ?? ch);
}

const inputTypes: Partial<Record<FormFieldName, string>> = { email: "email", phone: "tel" };
const autocomplete: Partial<Record<FormFieldName, string>> = {
  first_name: "given-name",
  last_name: "family-name",
  email: "email",
  phone: "tel",
  company: "organization",
  job_title: "organization-title",
  city: "address-level2",
  country: "country",
};

export type EmbedInput = {
  publicKey: string;
  postUrl: string;
  fields: readonly { field: FormFieldName; required: boolean; label?: string | undefined }[];
  consentText: string | null;
  /** Default label of each field, in the language the snippet is generated in. */
  labels: Record<FormFieldName, string>;
  submitLabel: string;
  honeypotLabel: string;
  thankYouMessage?: string | null;
};

/** The plain HTML form: posts to post_url with no JavaScript; honeypot hidden off-screen. */
function formMarkup(input: EmbedInput, enhanced: boolean): string {
  const e = escapeHtml;
  const attributes = [`action="${e(input.postUrl)}"`, `method="post"`];
  if (enhanced) {
    attributes.push(`data-rapport-form="${e(input.publicKey)}"`);
    if (input.thankYouMessage) attributes.push(`data-rapport-thanks="${e(input.thankYouMessage)}"`);
  }
  const lines = [`<form ${attributes.join(" ")}>`];
  for (const field of input.fields) {
    const id = `rapport-${field.field}`;
    const label = e(field.label ?? input.labels[field.field]) + (field.required ? " *" : "");
    const required = field.required ? " required" : "";
    lines.push(`  <p>`, `    <label for="${id}">${label}</label><br>`);
    if (field.field === "message") lines.push(`    <textarea id="${id}" name="message" rows="4"${required}></textarea>`);
    else lines.push(`    <input id="${id}" name="${field.field}" type="${inputTypes[field.field] ?? "text"}" autocomplete="${autocomplete[field.field] ?? "off"}"${required}>`);
    lines.push(`  </p>`);
  }
  if (input.consentText) lines.push(`  <p><label><input type="checkbox" name="${consentName}" value="on"> ${e(input.consentText)}</label></p>`);
  lines.push(
    `  <div style="position:absolute;left:-10000px;width:1px;height:1px;overflow:hidden" aria-hidden="true">`,
    `    <label for="rapport-${honeypotName}">${e(input.honeypotLabel)}</label>`,
    `    <input id="rapport-${honeypotName}" name="${honeypotName}" tabindex="-1" autocomplete="off">`,
    `  </div>`,
    `  <button type="submit">${e(input.submitLabel)}</button>`,
    `</form>`,
  );
  return lines.join("\n");
}

/** The two copy-paste variants: (1) plain HTML, (2) the same plus the embed script. */
export function embedSnippets(input: EmbedInput): { html: string; script: string } {
  const origin = new URL(input.postUrl).origin;
  return {
    html: formMarkup(input, false),
    script: `${formMarkup(input, true)}\n<script src="${escapeHtml(`${origin}/f/embed.js`)}" defer></script>`,
  };
}

export const spamReasons = ["honeypot", "rate_limited", "missing_fill_token", "forged_fill_token", "filled_too_fast", "stale_fill_token", "turnstile_failed"] as const;
export type SpamReason = (typeof spamReasons)[number];

/** A quarantine reason the client has words for, or null (then the server's text is shown). */
export function spamReasonOf(reason: string | null): SpamReason | null {
  return spamReasons.find((known) => known === reason) ?? null;
}
