// Prepares the local state `npm start` needs: a JWT secret in .dev.vars (created once, never
// committed) and the D1 migrations applied to the local database under .wrangler/state.
// Flags: --persist-to=DIR applies to another state folder (tests, benchmarks);
// --secret-only stops after the secret.
import { randomBytes } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const devVars = `${root}.dev.vars`;
const persistTo = process.argv.find((arg) => arg.startsWith("--persist-to="))?.slice("--persist-to=".length);

function ensureSecret() {
  const current = existsSync(devVars) ? readFileSync(devVars, "utf8") : "";
  if (/^JWT_SECRET=.{32,}$/m.test(current)) return;
  const line = `JWT_SECRET=${randomBytes(48).toString("base64url")}\n`;
  writeFileSync(devVars, current && !current.endsWith("\n") ? `${current}\n${line}` : current + line, { mode: 0o600 });
  console.log("Created a local JWT secret in .dev.vars");
}

ensureSecret();
if (process.argv.includes("--secret-only")) process.exit(0);
const args = ["d1", "migrations", "apply", "DB", "--local"];
if (persistTo) args.push("--persist-to", persistTo);
execFileSync("wrangler", args, { cwd: root, stdio: "inherit", env: { ...process.env, CI: "true" } });
