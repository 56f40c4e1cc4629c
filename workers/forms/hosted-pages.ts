import type { FormFieldConfig } from "./form.schema";
import { controlFields } from "./lead";

// The hosted form, its thank-you and error pages: plain HTML that works with no JavaScript,
// labelled fields, errors next to their fields, and no inline script (CSP: script-src 'none').

export const hostedPageCsp = "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; form-action 'self'; frame-ancestors *; base-uri 'none'";

const defaultLabels: Record<FormFieldConfig["field"], string> = {
  first_name: "First name",
  last_name: "Last name",
  email: "Email",
  phone: "Phone",
  company: "Company",
  job_title: "Job title",
  city: "City",
  country: "Country (two letters)",
  message: "Message",
};

const inputTypes: Partial<Record<FormFieldConfig["field"], string>> = { email: "email", phone: "tel" };
const autocomplete: Partial<Record<FormFieldConfig["field"], string>> = {
  first_name: "given-name",
  last_name: "family-name",
  email: "email",
  phone: "tel",
  company: "organization",
  job_title: "organization-title",
  city: "address-level2",
  country: "country",
};

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[ch] ?? ch);
}

const style = `body{font:16px/1.5 system-ui,sans-serif;margin:0;background:#f4f5f8;color:#1a1d24}main{max-width:34rem;margin:2rem auto;background:#fff;padding:1.5rem 1.75rem;border-radius:12px;box-shadow:0 1px 3px rgba(0,0,0,.12)}
label{display:block;font-weight:600;margin:1rem 0 .25rem}input,textarea{width:100%;box-sizing:border-box;padding:.6rem .7rem;border:1px solid #b9bfcc;border-radius:8px;font:inherit}
input:focus,textarea:focus,button:focus{outline:3px solid #f0a020;outline-offset:1px}button{margin-top:1.25rem;background:#3552d8;color:#fff;border:0;border-radius:8px;padding:.7rem 1.2rem;font:inherit;font-weight:600;cursor:pointer}
.error{color:#b3261e;margin:.25rem 0 0}.hp{position:absolute;left:-10000px;width:1px;height:1px;overflow:hidden}.consent{display:flex;gap:.5rem;align-items:flex-start;font-weight:400}.consent input{width:auto;margin-top:.3rem}`;

function page(title: string, body: string, lang = "en"): string {
  return `<!doctype html><html lang="${lang}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>${escapeHtml(title)}</title><style>${style}</style></head><body><main>${body}</main></body></html>`;
}

export function hostedFormPage(input: {
  name: string;
  action: string;
  fields: readonly FormFieldConfig[];
  hidden: readonly { name: string; value: string }[];
  fillToken: string;
  consentText: string | null;
  values?: Record<string, string>;
  errors?: Record<string, string>;
}): string {
  const rows = input.fields
    .map((f) => {
      const id = `f-${f.field}`;
      const label = escapeHtml(f.label ?? defaultLabels[f.field]) + (f.required ? " <span aria-hidden=\"true\">*</span>" : "");
      const error = input.errors?.[f.field];
      const described = error ? ` aria-invalid="true" aria-describedby="${id}-error"` : "";
      const valueText = escapeHtml(input.values?.[f.field] ?? "");
      const control =
        f.field === "message"
          ? `<textarea id="${id}" name="${f.field}" rows="4"${f.required ? " required" : ""}${described}>${valueText}</textarea>`
          : `<input id="${id}" name="${f.field}" type="${inputTypes[f.field] ?? "text"}" autocomplete="${autocomplete[f.field] ?? "off"}" value="${valueText}"${f.required ? " required" : ""}${described}>`;
      return `<label for="${id}">${label}</label>${control}${error ? `<p class="error" id="${id}-error">${escapeHtml(error)}</p>` : ""}`;
    })
    .join("");
  const hidden = input.hidden.map((h) => `<input type="hidden" name="${escapeHtml(h.name)}" value="${escapeHtml(h.value)}">`).join("");
  const consent = input.consentText
    ? `<label class="consent"><input type="checkbox" name="${controlFields.consent}" value="on"> ${escapeHtml(input.consentText)}</label>`
    : "";
  return page(
    input.name,
    `<h1>${escapeHtml(input.name)}</h1><form method="post" action="${escapeHtml(input.action)}" novalidate>${rows}${consent}${hidden}` +
      `<input type="hidden" name="${controlFields.fillToken}" value="${escapeHtml(input.fillToken)}">` +
      `<div class="hp" aria-hidden="true"><label for="f-hp">Leave this empty</label><input id="f-hp" name="${controlFields.honeypot}" tabindex="-1" autocomplete="off"></div>` +
      `<button type="submit">Send</button></form>`,
  );
}

export function thankYouPage(name: string, message: string | null): string {
  return page(name, `<h1>Thank you</h1><p role="status">${escapeHtml(message ?? "We received your message and will be in touch soon.")}</p>`);
}

export function errorPage(name: string, back: string, errors: readonly { field: string; detail: string }[]): string {
  const labels = new Map<string, string>(Object.entries(defaultLabels));
  const items = errors.map((e) => `<li>${escapeHtml(labels.get(e.field) ?? e.field)}: ${escapeHtml(e.detail)}</li>`).join("");
  return page(name, `<h1>Please check the form</h1><div role="alert"><ul>${items}</ul></div><p><a href="${escapeHtml(back)}">Back to the form</a></p>`);
}

export function notFoundPage(): string {
  return page("Form not found", `<h1>Form not found</h1><p>This form does not exist or was removed.</p>`);
}
