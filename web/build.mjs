// Builds the web client into dist/web, which Workers Static Assets serves (see wrangler.toml).
// Runs offline: everything comes from the repository and node_modules.
import { build } from "esbuild";
import { cpSync, existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const web = fileURLToPath(new URL(".", import.meta.url));
const out = join(web, "..", "dist", "web");
const require = createRequire(import.meta.url);

rmSync(out, { recursive: true, force: true });
mkdirSync(join(out, "assets"), { recursive: true });

await build({
  entryPoints: [join(web, "src", "main.ts")],
  outfile: join(out, "assets", "app.js"),
  bundle: true,
  minify: true,
  sourcemap: true,
  format: "esm",
  target: ["es2022"],
  legalComments: "none",
  logLevel: "warning",
});

cpSync(join(web, "index.html"), join(out, "index.html"));
cpSync(join(web, "src", "styles.css"), join(out, "assets", "styles.css"));
for (const entry of readdirSync(join(web, "public"))) cpSync(join(web, "public", entry), join(out, entry), { recursive: true });

// The Worker's /api/docs page loads Swagger UI from here, so the reference works offline and
// under a CSP without inline scripts.
const swagger = dirname(require.resolve("swagger-ui-dist/package.json"));
const vendor = join(out, "vendor", "swagger-ui");
mkdirSync(vendor, { recursive: true });
for (const file of ["swagger-ui-bundle.js", "swagger-ui.css"]) cpSync(join(swagger, file), join(vendor, file));
writeFileSync(join(vendor, "init.js"), 'window.ui = SwaggerUIBundle({ url: "/api/openapi.json", dom_id: "#swagger-ui" });\n');

if (!existsSync(join(out, "assets", "app.js"))) throw new Error("esbuild produced no bundle");
console.log(`Built the web client into ${out}`);
