// The optional script for landing pages: <script src="{origin}/f/embed.js" defer></script> next
// to a form with data-rapport-form="{public_key}". Without it the plain HTML form still works;
// with it the post carries UTM parameters, the referrer and the landing page, a fill-time token,
// and errors appear next to their fields without leaving the page. Plain ES2017, no dependencies.
export const embedScript = `(() => {
  "use strict";
  const base = new URL(document.currentScript ? document.currentScript.src : location.href).origin;
  const attribution = () => {
    const params = new URLSearchParams(location.search);
    const out = { landing_page: location.href };
    if (document.referrer) out.referrer = document.referrer;
    for (const key of ["utm_source", "utm_medium", "utm_campaign", "utm_term", "utm_content"]) {
      const value = params.get(key);
      if (value) out[key] = value;
    }
    return out;
  };
  const setHidden = (form, name, value) => {
    let input = form.querySelector('input[type="hidden"][name="' + name + '"]');
    if (!input) { input = document.createElement("input"); input.type = "hidden"; input.name = name; form.appendChild(input); }
    input.value = value;
  };
  const clearErrors = (form) => {
    form.querySelectorAll("[data-rapport-error]").forEach((node) => node.remove());
    form.querySelectorAll("[aria-invalid]").forEach((node) => node.removeAttribute("aria-invalid"));
  };
  const showError = (form, name, text) => {
    const field = form.elements.namedItem(name);
    const note = document.createElement("p");
    note.setAttribute("data-rapport-error", "");
    note.setAttribute("role", "alert");
    note.id = "rapport-error-" + name;
    note.textContent = text;
    note.style.color = "#b3261e";
    if (field && field.insertAdjacentElement) {
      field.setAttribute("aria-invalid", "true");
      field.setAttribute("aria-describedby", note.id);
      field.insertAdjacentElement("afterend", note);
    } else form.appendChild(note);
  };
  const attach = (form) => {
    const key = form.getAttribute("data-rapport-form");
    if (!key) return;
    form.action = base + "/f/" + encodeURIComponent(key);
    form.method = "post";
    const source = attribution();
    for (const name in source) setHidden(form, name, source[name]);
    fetch(base + "/f/" + encodeURIComponent(key) + "/token").then((r) => r.ok ? r.json() : null).then((body) => {
      if (body && body.token) setHidden(form, "_ts", body.token);
    }).catch(() => {});
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      clearErrors(form);
      const fields = {};
      new FormData(form).forEach((value, name) => { if (typeof value === "string") fields[name] = value; });
      const button = form.querySelector('[type="submit"]');
      if (button) button.disabled = true;
      fetch(form.action, { method: "POST", headers: { "content-type": "application/json", accept: "application/json" }, body: JSON.stringify(fields) })
        .then((response) => response.json().then((body) => ({ response, body })))
        .then(({ response, body }) => {
          if (response.status === 201) {
            const redirect = form.getAttribute("data-rapport-redirect");
            if (redirect) { location.href = redirect; return; }
            const done = document.createElement("p");
            done.setAttribute("role", "status");
            done.textContent = form.getAttribute("data-rapport-thanks") || "Thank you! We will be in touch soon.";
            form.replaceWith(done);
            return;
          }
          const errors = (body && body.errors) || [];
          if (errors.length === 0) showError(form, "", (body && body.detail) || "Something went wrong. Please try again.");
          for (const error of errors) showError(form, (error.pointer || "").slice(1), error.detail);
          const first = form.querySelector("[aria-invalid]");
          if (first) first.focus();
        })
        .catch(() => showError(form, "", "Could not send. Check your connection and try again."))
        .finally(() => { if (button) button.disabled = false; });
    });
  };
  const start = () => document.querySelectorAll("form[data-rapport-form]").forEach(attach);
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start); else start();
})();
`;
