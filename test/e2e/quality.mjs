// Data quality in the browser, as a new user meets it: a workspace with a few messy contacts (a
// missing phone, a mistyped address, no email), "Run audit now" from the keyboard with live
// status, the score, its trend as text and the findings per kind; follow a finding to the
// contact, add the missing phone inline, run again and see the score rise on the chart and in
// its table; the inactivity setting refuses 0 beside the field; a phone-width, Lithuanian page.
// Runs in its own browser context with its own workspace, so it can also run alone
// (E2E_ONLY=quality).
import { api, freshPage } from "./page-api.mjs";

export async function qualityFlow({ browser, origin, step, assert, screenshot }) {
  const stamp = Date.now().toString(36);
  const person = { workspace: `Clean Data ${stamp}`, name: "Aistė Kavaliauskienė", email: `aiste-${stamp}@example.com`, password: "correct horse battery staple" };
  const { context, page, errors } = await freshPage(browser, { viewport: { width: 1280, height: 860 } });
  const ids = {};
  const scoreOf = async () => Number((await page.getByTestId("quality-score").locator(".score-number").textContent()) ?? "NaN");
  const kindCount = async (kind) => (await page.getByTestId(`kind-${kind}`).getByTestId("kind-count").first().textContent())?.trim();

  await step("quality: a new user with messy contacts finds Data quality in the menu, with no audit yet", async () => {
    await page.goto(`${origin}/signup`);
    await page.getByLabel("Workspace name").fill(person.workspace);
    await page.getByLabel("Your name").fill(person.name);
    await page.getByLabel("Email").fill(person.email);
    await page.getByLabel("Password").fill(person.password);
    await page.getByRole("button", { name: "Create workspace" }).click();
    await page.waitForURL(`${origin}/`);
    const granted = { consent: { status: "granted", source: "e2e" } };
    const contacts = {
      clean: { first_name: "Ona", last_name: "Petraitė", emails: [`ona.${stamp}@example.com`], phones: [{ number: "+370 612 11111" }], ...granted },
      noPhone: { first_name: "Jonas", last_name: "Be Telefono", emails: [`jonas.${stamp}@example.com`], ...granted },
      typo: { first_name: "Rūta", last_name: "Klaidaitė", emails: [`ruta.${stamp}@gmial.com`], phones: [{ number: "+370 612 22222" }], ...granted },
      noEmail: { first_name: "Petras", last_name: "Be Pašto", phones: [{ number: "+370 612 33333" }], ...granted },
    };
    for (const [key, body] of Object.entries(contacts)) {
      const created = await api(page, "POST", "/contacts", body);
      assert(created.status === 201, `contact ${key}: ${created.status} ${JSON.stringify(created.body)}`);
      ids[key] = created.body.id;
    }
    await page.getByRole("navigation", { name: "Main navigation" }).getByRole("link", { name: "Data quality" }).click();
    await page.waitForURL(`${origin}/quality`);
    await page.getByRole("heading", { name: "Data quality", level: 1 }).waitFor();
    await page.getByRole("heading", { name: "No audit yet" }).waitFor();
    assert((await page.title()).startsWith("Data quality"), `title ${await page.title()}`);
  });

  await step("quality: Run audit now (keyboard) shows live status, then the score, the trend in words and findings per kind", async () => {
    await page.getByTestId("run-audit").focus();
    await page.keyboard.press("Enter");
    // Queued or running, said in the status region (the consumer picks it up within seconds).
    await page.waitForFunction(() => /Audit (queued|running)|Last audit/.test(document.querySelector('[data-testid="audit-status"]')?.textContent ?? ""));
    await page.getByTestId("quality-score").waitFor({ timeout: 60_000 });
    const score = await scoreOf();
    assert(score > 0 && score < 100, `first score ${score}`);
    ids.firstScore = score;
    await page.getByTestId("audit-status").filter({ hasText: "Last audit:" }).waitFor();
    assert((await page.getByTestId("trend-summary").textContent())?.startsWith(`One audit so far: ${score} on`), `trend summary: ${await page.getByTestId("trend-summary").textContent()}`);
    const chart = page.getByTestId("trend-chart");
    assert((await chart.getAttribute("role")) === "img", "the chart is not an image to assistive technology");
    assert((await chart.locator("desc").textContent())?.includes(String(score)), "the chart's description lacks the score");
    assert((await kindCount("missing_phone")) === "1", `missing phone count ${await kindCount("missing_phone")}`);
    assert((await kindCount("missing_email")) === "1", `missing email count ${await kindCount("missing_email")}`);
    assert((await kindCount("invalid_email")) === "1", `invalid email count ${await kindCount("invalid_email")}`);
    assert((await kindCount("no_owner")) === "0", `no owner count ${await kindCount("no_owner")}`);
    await page.getByTestId("owners").getByText(person.name).waitFor();
  });

  await step("quality: a kind opens with the keyboard and lists its records, each linking to its fix", async () => {
    const typo = page.getByTestId("kind-invalid_email");
    await typo.locator("summary").focus();
    await page.keyboard.press("Enter");
    const typoItem = typo.getByTestId("finding-list").locator("li").first();
    await typoItem.waitFor();
    const typoText = await typoItem.textContent();
    assert(typoText?.includes(`ruta.${stamp}@gmial.com → ruta.${stamp}@gmail.com`), `typo finding reads ${typoText}`);
    const missing = page.getByTestId("kind-missing_phone");
    await missing.locator("summary").focus();
    await page.keyboard.press("Enter");
    const link = missing.getByRole("link", { name: "Jonas Be Telefono" });
    await link.waitFor();
    assert((await link.getAttribute("href")) === `/contacts/${ids.noPhone}`, `link to ${await link.getAttribute("href")}`);
    await screenshot(page, "quality-first-audit");
    await link.focus();
    await page.keyboard.press("Enter");
    await page.waitForURL(`${origin}/contacts/${ids.noPhone}`);
  });

  await step("quality: the missing phone is added inline on the contact", async () => {
    await page.locator('[data-edit="phones"]').click();
    const input = page.locator('[data-field="phones"] input[name=phones]');
    await input.fill("+370 612 44444");
    await input.press("Enter");
    await page.locator('[data-field="phones"] .prop-value').filter({ hasText: "+370 612 44444" }).waitFor();
  });

  await step("quality: a second audit shows the score risen, on the chart and in its table", async () => {
    await page.getByRole("navigation", { name: "Main navigation" }).getByRole("link", { name: "Data quality" }).click();
    await page.getByTestId("quality-score").waitFor();
    await page.getByTestId("run-audit").click();
    // Done when the table holds both audits and nothing runs any more (the button is back).
    await page.waitForFunction(() => {
      const rows = document.querySelectorAll('[data-testid="trend-table"] tbody tr').length;
      return rows === 2 && !document.querySelector('[data-testid="run-audit"]')?.hasAttribute("disabled");
    }, undefined, { timeout: 60_000 });
    const score = await scoreOf();
    assert(score > ids.firstScore, `score went from ${ids.firstScore} to ${score}`);
    // The end is also said in the app's status region, for screen-reader users who moved on.
    await page.locator("#app-status").filter({ hasText: `Audit finished: score ${score} of 100.` }).waitFor({ timeout: 5000 });
    const change = await page.getByTestId("score-change").textContent();
    assert(change === `Up ${score - ids.firstScore} since the previous audit`, `change reads ${change}`);
    assert((await kindCount("missing_phone")) === "0", `missing phone still ${await kindCount("missing_phone")}`);
    assert((await page.getByTestId("trend-chart").locator("circle").count()) === 2, "the chart does not show two audits");
    const summary = await page.getByTestId("trend-summary").textContent();
    assert(summary?.includes(`${ids.firstScore} on`) && summary.includes(`now ${score} on`), `trend summary: ${summary}`);
    await page.getByText("Show the scores as a table").click();
    const cells = await page.getByTestId("trend-table").locator("tbody td.num").allTextContents();
    assert(cells.join(",") === `${score},${ids.firstScore}`, `trend table scores ${cells.join(",")}`);
    await screenshot(page, "quality-score-rose");
  });

  await step("quality: the inactivity setting refuses 0 beside the field and saves 30", async () => {
    const input = page.getByTestId("inactive-days");
    await input.fill("0");
    await page.getByRole("button", { name: "Save", exact: true }).click();
    await page.waitForSelector('[data-testid="inactive-days"][aria-invalid="true"]');
    const errorId = ((await input.getAttribute("aria-describedby")) ?? "").split(" ").find((id) => id.endsWith("-error"));
    const message = await page.locator(`#${errorId}`).textContent();
    assert(message === "Enter a whole number of days from 1 to 3650.", `error reads ${message}`);
    await input.fill("30");
    await page.getByRole("button", { name: "Save", exact: true }).click();
    await page.getByText("Saved. The next audit flags contacts silent for 30 days.").waitFor();
    const workspace = await api(page, "GET", "/workspace");
    assert(workspace.body.quality_inactive_days === 30, `stored ${workspace.body.quality_inactive_days}`);
  });

  await step("quality: on a phone the page fits without horizontal scroll, and it speaks Lithuanian", async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await page.reload();
    await page.getByTestId("quality-score").waitFor();
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    assert(overflow <= 0, `horizontal scroll of ${overflow}px`);
    await page.getByTestId("language").selectOption("lt");
    await page.getByRole("heading", { name: "Duomenų kokybė", level: 1 }).waitFor();
    await page.getByTestId("kind-invalid_email").getByText("Netinkamas ar su klaida el. paštas").waitFor();
    await screenshot(page, "quality-phone-lt");
    await page.getByTestId("language").selectOption("en");
    await page.getByRole("heading", { name: "Data quality", level: 1 }).waitFor();
    await page.setViewportSize({ width: 1280, height: 860 });
  });

  await step("quality: no script errors", async () => {
    assert(errors.length === 0, errors.join("\n"));
  });
  await context.close();
}
