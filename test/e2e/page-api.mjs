// Calls the API from inside a signed-in page, the way the web client does: same-origin fetch
// with the session cookies and the CSRF header read from the rapport_csrf cookie.
export async function api(page, method, path, body) {
  return await page.evaluate(
    async ({ method, path, body }) => {
      const csrf = document.cookie.split("; ").find((part) => part.startsWith("rapport_csrf="))?.split("=")[1] ?? "";
      const response = await fetch(`/api/v1${path}`, {
        method,
        headers: { "content-type": "application/json", "x-csrf-token": decodeURIComponent(csrf) },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      return { status: response.status, body: response.status === 204 ? null : await response.json() };
    },
    { method, path, body },
  );
}

/**
 * A fresh browser context and page for one flow (its own cookies, so flows can run alone or in
 * any order), in English with Vilnius time, and the script errors seen on the page: uncaught
 * exceptions and console errors, except Chromium's "status of 4xx" lines for API refusals a flow
 * provokes on purpose. `options` add to or override the context options (viewport, downloads).
 */
export async function freshPage(browser, options = {}) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: "en-GB", timezoneId: "Europe/Vilnius", ...options });
  const page = await context.newPage();
  const errors = [];
  page.on("pageerror", (error) => errors.push(error.message));
  page.on("console", (message) => {
    if (message.type() === "error" && !/status of 4\d\d/.test(message.text())) errors.push(message.text());
  });
  return { context, page, errors };
}
