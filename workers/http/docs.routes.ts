import { Hono } from "hono";
import type { AppEnv } from "../env";

// Swagger UI, served from the app's own static assets (web/build.mjs copies swagger-ui-dist),
// so the API reference works offline and under a CSP with no inline scripts.
const docsPage = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Rapport API reference</title>
<link rel="stylesheet" href="/vendor/swagger-ui/swagger-ui.css">
</head>
<body>
<div id="swagger-ui"></div>
<script src="/vendor/swagger-ui/swagger-ui-bundle.js"></script>
<script src="/vendor/swagger-ui/init.js"></script>
</body>
</html>`;

export const docsCsp =
  "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; font-src 'self'; frame-ancestors 'none'; base-uri 'none'";

export const docsRoutes = new Hono<AppEnv>().get("/docs", (c) => {
  c.header("content-security-policy", docsCsp);
  c.header("cache-control", "no-cache");
  return c.html(docsPage);
});
