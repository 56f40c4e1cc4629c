// Browser test of the web client against the real Worker under `wrangler dev`: sign-up, sign-in,
// invitations across two browser contexts, the language switcher, API keys, field errors and the
// security headers. Run with `node test/e2e/run.mjs`; screenshots go to test/e2e/artifacts/.
import { spawn, execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";
import { contactsFlow } from "./contacts.mjs";
import { pipelineFlow } from "./pipeline.mjs";
import { formsFlow } from "./forms.mjs";
import { timelineFlow } from "./timeline.mjs";
import { tasksFlow } from "./tasks.mjs";
import { qualityFlow } from "./quality.mjs";
import { duplicatesFlow } from "./duplicates.mjs";
import { importsFlow } from "./imports.mjs";
import { exportsFlow } from "./exports.mjs";
import { campaignsFlow } from "./campaigns.mjs";

const root = fileURLToPath(new URL("../..", import.meta.url));
// E2E_PORT lets a second checkout run the test beside this one without a port clash.
const port = Number(process.env.E2E_PORT ?? 8791);
const origin = `http://localhost:${port}`;
const artifacts = join(root, "test", "e2e", "artifacts");
mkdirSync(artifacts, { recursive: true });

let passed = 0;
let failed = 0;
let shot = 0;

async function step(name, fn) {
  try {
    await fn();
    passed += 1;
    console.log(`  ✓ ${name}`);
  } catch (error) {
    failed += 1;
    console.log(`  ✗ ${name}\n    ${error instanceof Error ? (error.stack ?? error.message) : error}`);
    throw error;
  }
}

function assert(condition, message) {
  if (!condition) throw new Error(message);
}

async function screenshot(page, name) {
  shot += 1;
  await page.screenshot({ path: join(artifacts, `${String(shot).padStart(2, "0")}-${name}.png`), fullPage: true });
}

function npxBin(name) {
  return join(root, "node_modules", ".bin", name);
}

// ---------------------------------------------------------------- server

// Builds when dist/web is missing or older than any web source, so the test never runs stale code.
function webBuildIsStale() {
  const bundle = join(root, "dist", "web", "assets", "app.js");
  if (!existsSync(join(root, "dist", "web", "index.html")) || !existsSync(bundle)) return true;
  const built = statSync(bundle).mtimeMs;
  const newer = (dir) =>
    readdirSync(dir, { withFileTypes: true }).some((entry) => {
      const path = join(dir, entry.name);
      return entry.isDirectory() ? newer(path) : statSync(path).mtimeMs > built;
    });
  return newer(join(root, "web"));
}

async function startServer() {
  if (webBuildIsStale()) execFileSync(process.execPath, [join(root, "web", "build.mjs")], { cwd: root, stdio: "inherit" });
  const persist = mkdtempSync(join(tmpdir(), "rapport-e2e-"));
  const env = { ...process.env, CI: "true", PATH: `${join(root, "node_modules", ".bin")}:${process.env.PATH}` };
  execFileSync(process.execPath, [join(root, "migrations", "prepare-local.mjs"), `--persist-to=${persist}`], { cwd: root, env, stdio: "ignore" });
  // detached: the server gets its own process group, so the whole tree (wrangler, workerd) can be killed.
  const server = spawn(
    npxBin("wrangler"),
    ["dev", "--port", String(port), "--ip", "127.0.0.1", "--persist-to", persist, "--show-interactive-dev-session=false"],
    { cwd: root, env, detached: true, stdio: ["ignore", "pipe", "pipe"] },
  );
  let log = "";
  server.stdout.on("data", (chunk) => (log += chunk));
  server.stderr.on("data", (chunk) => (log += chunk));
  const stop = () => {
    try {
      process.kill(-server.pid, "SIGTERM");
    } catch {
      // already gone
    }
    rmSync(persist, { recursive: true, force: true });
  };
  const deadline = Date.now() + 90_000;
  while (Date.now() < deadline) {
    if (server.exitCode !== null) break;
    try {
      const response = await fetch(`${origin}/api/health`);
      if (response.ok) return { stop, log: () => log };
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
  stop();
  throw new Error(`wrangler dev did not become healthy:\n${log}`);
}

async function executablePath() {
  if (existsSync("/usr/bin/chromium")) return "/usr/bin/chromium";
  return await (await import("@sparticuz/chromium")).default.executablePath();
}

// ---------------------------------------------------------------- flow

const stamp = Date.now().toString(36);
const owner = { workspace: `Baltic Sales ${stamp}`, name: "Ona Petrauskienė", email: `ona-${stamp}@example.com`, password: "correct horse battery staple" };
const teammate = { name: "Jānis Bērziņš", email: `janis-${stamp}@example.com`, password: "another long passphrase" };

async function run(browser) {
  const ownerContext = await browser.newContext({ viewport: { width: 1280, height: 860 }, locale: "en-GB", timezoneId: "Europe/Vilnius" });
  const page = await ownerContext.newPage();
  const consoleErrors = [];
  page.on("console", (message) => {
    if (message.type() === "error" && !/status of 4\d\d/.test(message.text())) consoleErrors.push(message.text());
  });
  page.on("pageerror", (error) => consoleErrors.push(error.message));

  // E2E_ONLY=timeline (comma-separated flow names) signs up and runs just those flows, so one
  // screen's test runs alone without the whole suite on a busy machine.
  const only = (process.env.E2E_ONLY ?? "").split(",").filter(Boolean);
  if (only.length > 0) {
    const flows = { contacts: contactsFlow, pipeline: pipelineFlow, forms: formsFlow, timeline: timelineFlow };
    await step("sign up (E2E_ONLY)", async () => {
      await page.goto(`${origin}/signup`);
      await page.getByLabel("Workspace name").fill(owner.workspace);
      await page.getByLabel("Your name").fill(owner.name);
      await page.getByLabel("Email").fill(owner.email);
      await page.getByLabel("Password").fill(owner.password);
      await page.getByRole("button", { name: "Create workspace" }).click();
      await page.waitForURL(`${origin}/`);
    });
    for (const name of only) {
      if (!flows[name]) throw new Error(`E2E_ONLY: no flow named ${name}`);
      await flows[name]({ browser, page, origin, step, assert, screenshot, teammate });
    }
    await step("no script errors in the console", async () => {
      assert(consoleErrors.length === 0, consoleErrors.join("\n"));
    });
    await ownerContext.close();
    return;
  }

  await step("security headers arrive on / and on a deep SPA path", async () => {
    for (const path of ["/", "/settings/team"]) {
      const response = await fetch(`${origin}${path}`);
      assert(response.status === 200, `${path} answered ${response.status}`);
      const csp = response.headers.get("content-security-policy") ?? "";
      assert(csp.includes("script-src 'self'") && csp.includes("frame-ancestors 'none'"), `${path} CSP: ${csp}`);
      assert(response.headers.get("x-content-type-options") === "nosniff", `${path} nosniff`);
      assert(response.headers.get("x-frame-options") === "DENY", `${path} x-frame-options`);
      assert((response.headers.get("permissions-policy") ?? "").includes("camera=()"), `${path} permissions-policy`);
      assert(response.headers.get("referrer-policy") === "strict-origin-when-cross-origin", `${path} referrer-policy`);
    }
  });

  await step("a bad email on sign-up shows a field error next to the email field", async () => {
    await page.goto(`${origin}/signup`);
    await page.getByLabel("Workspace name").fill(owner.workspace);
    await page.getByLabel("Your name").fill(owner.name);
    await page.getByLabel("Email").fill("not-an-email");
    await page.getByLabel("Password").fill(owner.password);
    await page.getByRole("button", { name: "Create workspace" }).click();
    const email = page.getByLabel("Email");
    await page.waitForSelector("input[name=email][aria-invalid=true]");
    const describedBy = (await email.getAttribute("aria-describedby")) ?? "";
    const errorId = describedBy.split(" ").find((id) => id.endsWith("-error"));
    assert(errorId, "email field is not described by an error");
    const text = await page.locator(`#${errorId}`).textContent();
    assert(text === "Enter a valid email address.", `email error was "${text}"`);
    assert(await page.evaluate(() => document.activeElement?.getAttribute("name") === "email"), "focus did not move to the invalid field");
    await screenshot(page, "signup-field-error");
  });

  await step("sign up lands in the app shell with the workspace name", async () => {
    await page.getByLabel("Email").fill(owner.email);
    await page.getByRole("button", { name: "Create workspace" }).click();
    await page.waitForURL(`${origin}/`);
    await page.getByTestId("workspace-name").waitFor();
    assert((await page.getByTestId("workspace-name").textContent()) === owner.workspace, "workspace name missing in header");
    await page.getByRole("heading", { name: `Welcome, ${owner.name}` }).waitFor();
    assert(await page.locator("header").count() === 1 && await page.locator("main").count() === 1, "landmarks missing");
    assert(await page.getByRole("navigation", { name: "Main navigation" }).count() === 1, "main navigation missing");
    await screenshot(page, "home");
  });

  await step("sign out returns to sign-in", async () => {
    await page.getByRole("button", { name: "Sign out" }).click();
    await page.waitForURL(/\/signin/);
    await page.getByRole("heading", { name: "Sign in to Rapport" }).waitFor();
    const me = await page.evaluate(async () => (await fetch("/api/v1/me")).status);
    assert(me === 401, `after sign-out /me answered ${me}`);
  });

  await step("sign in with the keyboard (Tab and Enter)", async () => {
    await page.getByLabel("Email").focus();
    await page.keyboard.type(owner.email);
    await page.keyboard.press("Tab");
    await page.keyboard.type("wrong password!");
    await page.keyboard.press("Enter");
    const alert = page.locator("form [role=alert]");
    await alert.filter({ hasText: "The email or password is not correct." }).waitFor();
    await page.getByLabel("Password").fill("");
    await page.getByLabel("Password").focus();
    await page.keyboard.type(owner.password);
    await page.keyboard.press("Tab");
    const focused = await page.evaluate(() => document.activeElement?.textContent);
    assert(focused === "Sign in", `Tab moved to "${focused}", not the submit button`);
    await screenshot(page, "signin");
    await page.keyboard.press("Enter");
    await page.waitForURL(`${origin}/`);
    await page.getByTestId("workspace-name").waitFor();
  });

  let inviteUrl = "";
  await step("invite a teammate and read the invite link from the page", async () => {
    await page.getByRole("navigation", { name: "Main navigation" }).getByRole("link", { name: "Settings" }).click();
    await page.getByRole("navigation", { name: "Settings sections" }).getByRole("link", { name: "Team" }).click();
    await page.waitForURL(`${origin}/settings/team`);
    await page.getByLabel("Email").fill(teammate.email);
    await page.getByLabel("Role").selectOption("member");
    await page.getByRole("button", { name: "Create invitation" }).click();
    const link = page.getByTestId("invite-link");
    await link.waitFor();
    inviteUrl = await link.inputValue();
    assert(inviteUrl.startsWith(`${origin}/invite/`), `invite link was ${inviteUrl}`);
    await page.getByTestId("invitations").getByText(teammate.email).waitFor();
    await screenshot(page, "team-invited");
  });

  await step("the teammate accepts in a second browser context and sees the workspace", async () => {
    const other = await browser.newContext({ viewport: { width: 390, height: 844 }, locale: "en-GB", isMobile: true, hasTouch: true });
    const phone = await other.newPage();
    await phone.goto(inviteUrl);
    await phone.getByRole("heading", { name: `Join ${owner.workspace}` }).waitFor();
    await screenshot(phone, "invite-phone");
    await phone.getByLabel("Your name").fill(teammate.name);
    await phone.getByLabel("Password").fill(teammate.password);
    await phone.getByRole("button", { name: "Join workspace" }).click();
    await phone.waitForURL(`${origin}/`);
    assert((await phone.getByTestId("workspace-name").textContent()) === owner.workspace, "teammate does not see the workspace");
    await phone.getByText("as member").waitFor();
    const overflow = await phone.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    assert(overflow <= 0, `horizontal scroll of ${overflow}px at 390px`);
    // A member sees no API keys or audit log, and workspace settings are read-only.
    await phone.goto(`${origin}/settings/workspace`);
    await phone.getByText("Only admins and the owner can change these settings.").waitFor();
    assert(await phone.getByRole("link", { name: "API keys" }).count() === 0, "member sees API keys");
    assert(await phone.getByRole("button", { name: "Save changes" }).count() === 0, "member can save workspace settings");
    await screenshot(phone, "member-settings-phone");
    await other.close();
  });

  await step("the teammate appears in the owner's member list, live (no reload)", async () => {
    const members = page.getByTestId("members");
    await members.getByText(teammate.email).waitFor();
    await members.getByText(teammate.name).waitFor();
    await page.getByTestId("invitations").getByText("accepted").waitFor();
    await screenshot(page, "team-members");
  });

  await step("the language switcher translates the UI into lt, lv, sl, ru and back", async () => {
    const nav = page.getByRole("navigation").first();
    const english = (await nav.innerText()).trim();
    const expected = { lt: "Komanda", lv: "Komanda", sl: "Ekipa", ru: "Команда" };
    const headings = { lt: "Nariai", lv: "Dalībnieki", sl: "Člani", ru: "Участники" };
    for (const [language, team] of Object.entries(expected)) {
      await page.getByTestId("language").selectOption(language);
      await page.waitForFunction((code) => document.documentElement.lang === code, language);
      const labels = (await page.locator("header nav").innerText()).trim();
      assert(labels !== english && !/Home|Settings/.test(labels), `${language}: nav still reads "${labels}"`);
      await page.getByRole("heading", { name: team, exact: true }).waitFor();
      await page.getByRole("heading", { name: headings[language] }).waitFor();
      const body = await page.locator("body").innerText();
      for (const englishOnly of ["Sign out", "Invite a teammate", "Create invitation", "Members", "Invitations"]) {
        assert(!body.includes(englishOnly), `${language}: "${englishOnly}" still in English`);
      }
      await screenshot(page, `team-${language}`);
    }
    // The choice is saved on the account too.
    const saved = await page.evaluate(async () => (await (await fetch("/api/v1/me")).json()).user.language);
    assert(saved === "ru", `account language is ${saved}`);
    await page.reload();
    await page.getByRole("heading", { name: "Команда", exact: true }).waitFor();
    await page.getByTestId("language").selectOption("en");
    await page.getByRole("heading", { name: "Team", exact: true }).waitFor();
    assert((await page.locator("html").getAttribute("lang")) === "en", "html lang not restored");
  });

  await step("an expired access cookie is renewed through /auth/refresh without leaving the page", async () => {
    await ownerContext.clearCookies({ name: "rapport_access" });
    const refreshed = page.waitForResponse((response) => response.url().endsWith("/api/v1/auth/refresh") && response.status() === 200);
    await page.getByRole("link", { name: "API keys" }).click();
    await refreshed;
    await page.getByText("No API keys yet.").waitFor();
    assert(new URL(page.url()).pathname === "/settings/api-keys", `ended on ${page.url()}`);
  });

  let secret = "";
  await step("create an API key with scope write; it is shown once and works", async () => {
    await page.getByLabel("Key name").fill("Website forms");
    await page.getByLabel("Scope").selectOption("write");
    await page.getByRole("button", { name: "Create key" }).click();
    const field = page.getByTestId("api-key-secret");
    await field.waitFor();
    secret = await field.inputValue();
    assert(secret.startsWith("rk_"), `key was ${secret}`);
    await page.getByTestId("api-keys").getByText("Website forms").waitFor();
    await screenshot(page, "api-key-created");
    const response = await fetch(`${origin}/api/v1/me`, { headers: { authorization: `Bearer ${secret}` } });
    assert(response.status === 200, `GET /me with the key answered ${response.status}`);
    const me = await response.json();
    assert(me.api_key?.scope === "write", `key scope ${JSON.stringify(me.api_key)}`);
    await page.getByRole("button", { name: "I have copied it" }).click();
    assert(await page.getByTestId("api-key-secret").count() === 0, "secret still on screen");
    await page.reload();
    assert(!(await page.locator("body").innerText()).includes(secret), "secret shown again after reload");
  });

  await step("revoke the key through the dialog; the key then answers 401", async () => {
    await page.getByTestId("api-keys").getByRole("button", { name: "Revoke" }).click();
    const dialog = page.getByRole("dialog");
    await dialog.waitFor();
    await page.keyboard.press("Escape");
    await dialog.waitFor({ state: "detached" });
    assert((await fetch(`${origin}/api/v1/me`, { headers: { authorization: `Bearer ${secret}` } })).status === 200, "Escape revoked the key");
    await page.getByTestId("api-keys").getByRole("button", { name: "Revoke" }).click();
    await screenshot(page, "revoke-dialog");
    await page.getByRole("dialog").getByRole("button", { name: "Revoke" }).click();
    await page.getByText("No API keys yet.").waitFor();
    const response = await fetch(`${origin}/api/v1/me`, { headers: { authorization: `Bearer ${secret}` } });
    assert(response.status === 401, `revoked key answered ${response.status}`);
  });

  await step("workspace settings save, and the audit log lists the changes", async () => {
    await page.getByRole("link", { name: "Workspace", exact: true }).click();
    await page.getByLabel("Workspace name").fill(`${owner.workspace} HQ`);
    await page.getByLabel("Default currency").selectOption("EUR");
    await page.getByRole("button", { name: "Save changes" }).click();
    await page.getByRole("status").filter({ hasText: "Workspace settings saved." }).waitFor();
    assert((await page.getByTestId("workspace-name").textContent()) === `${owner.workspace} HQ`, "header not renamed");
    await screenshot(page, "workspace-settings");
    await page.getByRole("link", { name: "Audit log" }).click();
    await page.getByTestId("audit").getByText("workspace.updated").first().waitFor();
    await screenshot(page, "audit-log");
  });

  await contactsFlow({ page, origin, step, assert, screenshot });
  await pipelineFlow({ browser, page, origin, step, assert, screenshot, teammate });
  await formsFlow({ browser, page, origin, step, assert, screenshot, teammate });
  await timelineFlow({ page, origin, step, assert, screenshot });
  await tasksFlow({ browser, origin, step, assert, screenshot });
  await qualityFlow({ browser, origin, step, assert, screenshot });
  await duplicatesFlow({ browser, origin, step, assert, screenshot });
  await importsFlow({ browser, origin, step, assert, screenshot });
  await exportsFlow({ browser, origin, step, assert, screenshot });
  await campaignsFlow({ browser, origin, step, assert, screenshot });

  await step("the owner's screens fit a phone (390×844) without horizontal scroll", async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    for (const path of ["/", "/settings/team", "/settings/api-keys", "/settings/workspace", "/companies"]) {
      await page.goto(`${origin}${path}`);
      await page.locator("main h1").first().waitFor();
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      assert(overflow <= 0, `${path}: horizontal scroll of ${overflow}px`);
    }
    await page.goto(`${origin}/settings/team`);
    await page.getByTestId("members").waitFor();
    await screenshot(page, "team-phone");
  });

  await step("no script errors and no CSP violations in the console", async () => {
    assert(consoleErrors.length === 0, consoleErrors.join("\n"));
  });

  await step("the API reference renders at /api/docs", async () => {
    await page.setViewportSize({ width: 1280, height: 860 });
    await page.goto(`${origin}/api/docs`);
    await page.locator(".swagger-ui .info .title").waitFor({ timeout: 20_000 });
  });

  await ownerContext.close();
}

// ---------------------------------------------------------------- main

const server = await startServer();
let browser;
try {
  browser = await chromium.launch({
    executablePath: await executablePath(),
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
  });
  // E2E_ONLY=tasks runs one self-contained flow (it signs up its own workspace) instead of all.
  if (process.env.E2E_ONLY === "tasks") await tasksFlow({ browser, origin, step, assert, screenshot });
  else if (process.env.E2E_ONLY === "quality") await qualityFlow({ browser, origin, step, assert, screenshot });
  else if (process.env.E2E_ONLY === "duplicates") await duplicatesFlow({ browser, origin, step, assert, screenshot });
  else if (process.env.E2E_ONLY === "imports") await importsFlow({ browser, origin, step, assert, screenshot });
  else if (process.env.E2E_ONLY === "exports") await exportsFlow({ browser, origin, step, assert, screenshot });
  else if (process.env.E2E_ONLY === "campaigns") await campaignsFlow({ browser, origin, step, assert, screenshot });
  else await run(browser);
} catch (error) {
  if (failed === 0) {
    failed += 1;
    console.log(`  ✗ setup\n    ${error instanceof Error ? (error.stack ?? error.message) : error}`);
  }
  if (process.env.E2E_SERVER_LOG) console.log(server.log());
} finally {
  await browser?.close().catch(() => undefined);
  server.stop();
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
