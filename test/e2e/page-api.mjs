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
