// Template previews as documents: the editor's draft is rendered for one contact and stored for
// ten minutes; the iframe loads the returned url, served with a CSP of its own so the email's
// inline styles apply (a srcdoc frame would inherit the app's style-src 'self').
import type { TemplateLanguage } from "../lib/campaigns";
import { DecodeError, type Decoder, object, string } from "../lib/decode";
import { request } from "./client";

export type TemplatePreview = { url: string; language: string; subject: string; expires_at: string };

export type TemplatePreviewBody = {
  default_language: TemplateLanguage;
  variants: { language: TemplateLanguage; subject: string; html: string }[];
  contact_id: string;
  language?: TemplateLanguage;
};

const previewPath = "/api/v1/templates/previews/";

/** Only a preview of this app's own API may go into the frame's src. */
const previewUrl: Decoder<string> = (value, path = "") => {
  const url = string(value, path);
  if (!url.startsWith(previewPath) || !/^[a-z0-9_]+$/.test(url.slice(previewPath.length))) throw new DecodeError(path, "a template preview address");
  return url;
};

const decodePreview: Decoder<TemplatePreview> = object({ url: previewUrl, language: string, subject: string, expires_at: string });

export const templatePreviewsApi = {
  create: (body: TemplatePreviewBody, signal?: AbortSignal) => request.json(decodePreview, "POST", "/templates/previews", { body, ...(signal ? { signal } : {}) }),
};
