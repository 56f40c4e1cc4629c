// An email's HTML served as a document of its own, for the app to show in a sandboxed iframe.
// A srcdoc frame would inherit the web client's CSP (style-src 'self') and drop the inline
// styles real email is written with; this document's policy allows exactly those (style
// attributes, <style>, fonts) and nothing else: no scripts (the `sandbox` directive also makes
// its origin opaque, even when the URL is opened on its own), no forms, no plugins, no <base>,
// framed only by the app itself. A <meta http-equiv="refresh"> (which CSP cannot stop) is taken
// out, so a document opened on the app's origin cannot send its reader elsewhere.

import { attributeNamed, tagPattern } from "../campaigns/html-tags";

/** Remote images: a template preview shows the author's images; a sent email's do not load (tracking pixels). */
export function emailDocumentCsp(remoteImages: boolean): string {
  const images = remoteImages ? "img-src data: https: http:; font-src data: https:" : "img-src data:; font-src data:";
  return `default-src 'none'; style-src 'unsafe-inline'; ${images}; base-uri 'none'; form-action 'none'; frame-ancestors 'self'; sandbox`;
}

/** The HTML without meta refresh tags (mail clients ignore them; a browser would follow them). */
export function withoutMetaRefresh(html: string): string {
  return html.replace(new RegExp(tagPattern.source, tagPattern.flags), (tag, closing: string, name: string, attributeText: string) =>
    closing === "" && name.toLowerCase() === "meta" && attributeNamed(attributeText, "http-equiv")?.value.trim().toLowerCase() === "refresh" ? "" : tag,
  );
}

export function emailDocumentResponse(html: string, options: { remoteImages: boolean }): Response {
  return new Response(withoutMetaRefresh(html), {
    status: 200,
    headers: {
      "content-type": "text/html; charset=utf-8",
      "content-security-policy": emailDocumentCsp(options.remoteImages),
      "x-content-type-options": "nosniff",
      "referrer-policy": "no-referrer",
      // The app frames it (frame-ancestors 'self' above); the API's blanket DENY would not let it.
      "x-frame-options": "SAMEORIGIN",
      "cache-control": "no-store",
    },
  });
}
