// Duplicate review in the browser, as a new user meets it: messy duplicates made through the API
// (the same person typed twice with and without diacritics and with the phone in international
// and trunk-prefix form, a swapped first/last name, and two colleagues sharing a switchboard who
// must not be proposed), a scan from the screen with live status and its numbers, review with
// the keyboard, a surviving value chosen per field, merge (the merged contact shows both emails
// and the duplicate's activity), undo, a dismissed group that stays dismissed after a second
// scan, the possible-duplicate hint on the create form, the phone layout and another language.
// Runs in its own browser context and workspace, so it can run alone (E2E_ONLY=duplicates).
import { api, freshPage } from "./page-api.mjs";

export async function duplicatesFlow({ browser, origin, step, assert, screenshot }) {
  const stamp = Date.now().toString(36);
  const person = { workspace: `Dedupe Co ${stamp}`, name: "Agnė Stankevičienė", email: `agne-${stamp}@example.com`, password: "correct horse battery staple" };
  const { context, page, errors } = await freshPage(browser);
  const ids = {};
  const items = () => page.getByTestId("cluster-item");
  const itemWith = (text) => items().filter({ hasText: text });
  const post = async (path, body, expected = [200, 201]) => {
    const response = await api(page, "POST", path, body);
    assert(expected.includes(response.status), `POST ${path} answered ${response.status}: ${JSON.stringify(response.body)}`);
    return response.body;
  };
  /** Clicks "Scan now" and waits until the panel shows that scan's numbers (live event, else the poll). */
  const scanFromScreen = async (label) => {
    const started = page.waitForResponse((response) => response.url().endsWith("/api/v1/duplicates/scan") && response.request().method() === "POST");
    await page.getByTestId("scan-now").click();
    const response = await started;
    assert(response.status() === 202, `scan answered ${response.status()}`);
    const scanId = (await response.json()).id;
    const state = page.locator(`[data-testid=scan-status] .dup-scan-state[data-scan-id="${scanId}"]`);
    await state.waitFor({ timeout: 5_000 });
    assert((await page.getByTestId("scan-now").isDisabled()), "Scan now stays enabled while a scan runs");
    await screenshot(page, `duplicates-${label}-running`);
    // The queue consumer runs the scan within its batch timeout locally.
    await page.locator(`[data-testid=scan-status] .dup-scan-state[data-scan-id="${scanId}"][data-state=done]`).waitFor({ timeout: 60_000 });
    await page.getByTestId("stat-contacts").waitFor();
    const scan = await api(page, "GET", `/duplicates/scans/${scanId}`);
    assert(scan.status === 200 && scan.body.status === "done", `scan ${JSON.stringify(scan.body)}`);
    return scan.body;
  };

  await step("duplicates: a new user signs up and creates messy contacts through the API", async () => {
    await page.goto(`${origin}/signup`);
    await page.getByLabel("Workspace name").fill(person.workspace);
    await page.getByLabel("Your name").fill(person.name);
    await page.getByLabel("Email").fill(person.email);
    await page.getByLabel("Password").fill(person.password);
    await page.getByRole("button", { name: "Create workspace" }).click();
    await page.waitForURL(`${origin}/`);
    const company = await post("/companies", { name: "UAB Baltic Trade", phone: "+370 5 212 3456" });
    ids.company = company.id;
    // Šarūnas first, so he is the oldest record and the default one to keep.
    ids.sarunas = (await post("/contacts", { first_name: "Šarūnas", last_name: "Jonaitis", emails: [`sarunas@baltictrade-${stamp}.lt`], phones: [{ number: "+370 612 34567" }], company_id: company.id, job_title: "Sales manager", city: "Vilnius" })).id;
    ids.lower = (await post("/contacts", { first_name: "sarunas", last_name: "jonaitis", emails: [`s.jonaitis.${stamp}@gmail.com`], phones: [{ number: "8 612 34567" }], city: "Kaunas", tags: ["fair-2025"] })).id;
    await post("/activities", { type: "call", direction: "inbound", subject: "Asked for a quote on pallets", contact_id: ids.lower });
    ids.ona = (await post("/contacts", { first_name: "Ona", last_name: "Petraitė", emails: [`ona.${stamp}@example.lt`], company_id: company.id, job_title: "Buyer" })).id;
    ids.swapped = (await post("/contacts", { first_name: "Petraitė", last_name: "Ona", company_id: company.id })).id;
    // Two colleagues on the company switchboard: same phone, same company, clearly different people.
    ids.jonas = (await post("/contacts", { first_name: "Jonas", last_name: "Kazlauskas", phones: [{ number: "+370 5 212 3456" }], company_id: company.id })).id;
    ids.rasa = (await post("/contacts", { first_name: "Rasa", last_name: "Vaitkutė", phones: [{ number: "(5) 212 3456" }], company_id: company.id })).id;
  });

  await step("duplicates: the contacts page links to the review screen, which explains itself before the first scan", async () => {
    await page.goto(`${origin}/contacts`);
    await page.getByTestId("duplicates-link").click();
    await page.waitForURL(`${origin}/duplicates`);
    await page.getByRole("heading", { name: "Duplicates", level: 1 }).waitFor();
    await page.locator("[data-testid=scan-status] .dup-scan-state[data-state]").waitFor();
    await page.locator("[data-testid=clusters] .loading").waitFor({ state: "detached" });
    const shortcuts = await page.getByTestId("dup-shortcuts").innerText();
    assert(shortcuts.includes("j/k") && shortcuts.includes("Enter") && shortcuts.includes("1–9"), `shortcuts: ${shortcuts}`);
    await screenshot(page, "duplicates-before-scan");
  });

  await step("duplicates: Scan now shows live status, then the scan's numbers; the switchboard colleagues are not proposed", async () => {
    const scan = await scanFromScreen("first");
    const contacts = await page.getByTestId("stat-contacts").innerText();
    assert(contacts === "6", `contacts scanned shown as ${contacts}`);
    assert(scan.contacts_scanned === 6, `scan says ${scan.contacts_scanned} contacts`);
    const comparisons = Number((await page.getByTestId("stat-comparisons").innerText()).replace(/\D/g, ""));
    assert(comparisons === scan.comparisons && comparisons > 0 && comparisons < 15, `comparisons ${comparisons} (all pairs would be 15)`);
    assert((await page.getByTestId("stat-time").innerText()).endsWith(" s"), "time without seconds");
    await itemWith("Šarūnas Jonaitis").waitFor();
    await itemWith("Petraitė Ona").waitFor();
    const all = await items().allInnerTexts();
    assert(!all.some((text) => text.includes("Jonas Kazlauskas") || text.includes("Rasa Vaitkutė")), `colleagues proposed: ${all.join(" | ")}`);
    const reasons = await itemWith("Šarūnas Jonaitis").getByTestId("cluster-reasons").innerText();
    assert(reasons.includes("Same phone"), `reasons read "${reasons}"`);
    const swapped = await itemWith("Petraitė Ona").getByTestId("cluster-reasons").innerText();
    assert(swapped.includes("First and last name swapped"), `swapped reasons read "${swapped}"`);
    assert(/\d+% match/.test(await itemWith("Šarūnas Jonaitis").getByTestId("cluster-score").innerText()), "no score shown");
    await screenshot(page, "duplicates-list");
  });

  await step("duplicates: j/k move between groups and Enter opens one side by side, differing fields marked", async () => {
    await page.locator("main h1").click();
    await page.keyboard.press("j");
    const focusedName = async () => await page.evaluate(() => document.activeElement?.closest("[data-cluster-id]")?.textContent ?? "");
    // Walk down until the Šarūnas group has the keyboard, then open it with Enter.
    for (let tries = 0; tries < 5 && !(await focusedName()).includes("Šarūnas"); tries += 1) await page.keyboard.press("j");
    if (!(await focusedName()).includes("Šarūnas")) for (let tries = 0; tries < 5 && !(await focusedName()).includes("Šarūnas"); tries += 1) await page.keyboard.press("k");
    assert((await focusedName()).includes("Šarūnas"), `keyboard is on ${await focusedName()}`);
    await page.keyboard.press("Enter");
    const compare = page.getByTestId("compare");
    await compare.waitFor();
    const headers = await compare.locator("thead th[data-contact-id]").allInnerTexts();
    assert(headers.length === 2 && headers[0].includes("Šarūnas Jonaitis") && headers[1].includes("sarunas jonaitis"), `columns: ${headers.join(" | ")}`);
    assert((await compare.locator("thead th.primary").getAttribute("data-contact-id")) === ids.sarunas, "the oldest record is not the one kept by default");
    for (const field of ["name", "emails", "city", "job_title"]) {
      assert(((await compare.locator(`tr[data-field="${field}"]`).getAttribute("class")) ?? "").includes("differs"), `${field} not marked as differing`);
    }
    assert(!((await compare.locator('tr[data-field="phones"]').getAttribute("class")) ?? "").includes("differs"), "the same phone in two formats is marked as differing");
    // Defaults: the kept record's value, else the first one that has a value.
    assert(await compare.locator(`tr[data-field="city"] input[value="${ids.sarunas}"]`).isChecked(), "city does not default to the kept record's");
    assert(await compare.locator(`tr[data-field="job_title"] input[value="${ids.sarunas}"]`).isChecked(), "job title does not default to the only value");
    assert((await page.getByTestId("merge").innerText()).includes("Merge into Šarūnas Jonaitis"), "merge button does not name the kept record");
    await screenshot(page, "duplicates-compare");
  });

  await step("duplicates: j moves to the city row and 2 keeps the second contact's city", async () => {
    const rowOf = async () => await page.evaluate(() => document.activeElement?.closest("tr")?.getAttribute("data-field") ?? "");
    for (let tries = 0; tries < 8 && (await rowOf()) !== "city"; tries += 1) await page.keyboard.press("j");
    assert((await rowOf()) === "city", `keyboard is on row ${await rowOf()}`);
    await page.keyboard.press("2");
    const city = page.getByTestId("compare").locator('tr[data-field="city"]');
    assert(await city.locator(`input[value="${ids.lower}"]`).isChecked(), "2 did not choose the second contact's city");
    assert(((await city.locator("td").nth(1).getAttribute("class")) ?? "").includes("chosen"), "the chosen cell is not highlighted");
    assert(((await city.getAttribute("class")) ?? "").includes("focused"), "the keyboard's row is not marked");
    // Choosing a field's value leaves the record to keep alone.
    assert((await page.getByTestId("compare").locator("thead th.primary").getAttribute("data-contact-id")) === ids.sarunas, "the kept record changed");
    await screenshot(page, "duplicates-choose-city");
  });

  let mergeId = "";
  await step("duplicates: m merges; the group leaves the list and the merge can be undone from the screen", async () => {
    const merged = page.waitForResponse((response) => response.url().endsWith("/api/v1/contacts/merge") && response.request().method() === "POST");
    await page.keyboard.press("m");
    const response = await merged;
    assert(response.status() === 200, `merge answered ${response.status()}`);
    const body = await response.json();
    mergeId = body.merge.id;
    assert(body.merge.primary_id === ids.sarunas && body.merge.duplicate_ids.join() === ids.lower, `merge ${JSON.stringify(body.merge)}`);
    await page.getByTestId("recent-merges").waitFor();
    await page.getByRole("status").filter({ hasText: "Merged into Šarūnas Jonaitis." }).first().waitFor();
    await page.getByTestId("undo").waitFor();
    assert((await itemWith("Šarūnas Jonaitis").count()) === 0, "the merged group is still listed");
    await screenshot(page, "duplicates-merged");
  });

  await step("duplicates: the merged contact shows both emails, the chosen city and the duplicate's call", async () => {
    await page.getByTestId("merged-contact-link").click();
    await page.waitForURL(`${origin}/contacts/${ids.sarunas}`);
    await page.getByTestId("contact-name").filter({ hasText: "Šarūnas Jonaitis" }).waitFor();
    const main = page.locator("main");
    await main.getByText(`sarunas@baltictrade-${stamp}.lt`).first().waitFor();
    await main.getByText(`s.jonaitis.${stamp}@gmail.com`).first().waitFor();
    await main.getByText("Kaunas").first().waitFor();
    await page.getByTestId("timeline").getByText("Asked for a quote on pallets").first().waitFor();
    const gone = await api(page, "GET", `/contacts/${ids.lower}`);
    assert(gone.status === 404 || gone.body?.deleted_at, `the duplicate is still live: ${gone.status}`);
    await screenshot(page, "duplicates-merged-contact");
  });

  await step("duplicates: Undo merge restores both records and gives the call back", async () => {
    await page.goBack();
    await page.waitForURL(`${origin}/duplicates`);
    await page.getByTestId("recent-merges").waitFor();
    const undone = page.waitForResponse((response) => response.url().endsWith(`/api/v1/merges/${mergeId}/undo`));
    await page.getByTestId("recent-merges").getByRole("button", { name: "Undo merge" }).click();
    assert((await undone).status() === 200, "undo failed");
    await page.getByRole("status").filter({ hasText: "Merge undone" }).first().waitFor();
    await page.getByTestId("recent-merges").waitFor({ state: "hidden" });
    // The undo bar offered at merge time goes too, so nobody is offered a second undo.
    await page.getByTestId("undo").waitFor({ state: "detached" });
    const lower = await api(page, "GET", `/contacts/${ids.lower}`);
    assert(lower.status === 200 && lower.body.deleted_at === null && lower.body.city === "Kaunas", `duplicate after undo: ${JSON.stringify(lower.body)}`);
    const sarunas = await api(page, "GET", `/contacts/${ids.sarunas}`);
    assert(sarunas.body.emails.length === 1 && sarunas.body.city === "Vilnius", `primary after undo: ${JSON.stringify(sarunas.body)}`);
    const timeline = await api(page, "GET", `/activities?contact_id=${ids.lower}`);
    assert(timeline.status === 200 && timeline.body.data.some((item) => item.subject === "Asked for a quote on pallets"), `call after undo: ${JSON.stringify(timeline.body)}`);
    await screenshot(page, "duplicates-undone");
  });

  await step("duplicates: d marks the swapped pair as different people; a second scan does not bring it back", async () => {
    await page.locator("main h1").click();
    await page.keyboard.press("j");
    const focusedName = async () => await page.evaluate(() => document.activeElement?.closest("[data-cluster-id]")?.textContent ?? "");
    for (let tries = 0; tries < 5 && !(await focusedName()).includes("Petraitė Ona"); tries += 1) await page.keyboard.press("j");
    for (let tries = 0; tries < 5 && !(await focusedName()).includes("Petraitė Ona"); tries += 1) await page.keyboard.press("k");
    assert((await focusedName()).includes("Petraitė Ona"), `keyboard is on ${await focusedName()}`);
    const dismissed = page.waitForResponse((response) => /\/api\/v1\/duplicates\/dup_[^/]+\/dismiss$/.test(response.url()));
    await page.keyboard.press("d");
    assert((await dismissed).status() === 200, "dismiss failed");
    await page.getByRole("status").filter({ hasText: "Marked as different people." }).first().waitFor();
    await itemWith("Petraitė Ona").waitFor({ state: "detached" });
    await scanFromScreen("second");
    await page.waitForTimeout(500);
    const all = await items().allInnerTexts();
    assert(!all.some((text) => text.includes("Petraitė Ona")), `the dismissed pair came back: ${all.join(" | ")}`);
    const list = await api(page, "GET", "/duplicates?status=dismissed");
    assert(list.body.data.some((cluster) => cluster.contact_ids.includes(ids.swapped)), "the dismissed cluster is not listed as dismissed");
    await screenshot(page, "duplicates-after-second-scan");
  });

  await step("duplicates: the review keys do nothing while typing (quick-add task dialog over the list)", async () => {
    const before = await items().count();
    await page.locator("main h1").click();
    await page.keyboard.press("t");
    const dialog = page.getByRole("dialog", { name: "New task" });
    await dialog.waitFor();
    await page.keyboard.type("jdm1 Enter");
    assert((await dialog.getByLabel("Title").inputValue()) === "jdm1 Enter", "the title field did not get the keys");
    await page.keyboard.press("Escape");
    await dialog.waitFor({ state: "detached" });
    assert((await page.getByTestId("compare").count()) === 0 || (await page.getByTestId("cluster").isHidden()), "a key opened a group while typing");
    assert((await items().count()) === before, "a key dismissed a group while typing");
  });

  await step("duplicates: the create form says 'Possible duplicate' for a known phone, without blocking the save", async () => {
    await page.goto(`${origin}/contacts/new`);
    await page.getByLabel("First name").fill("Sarunas");
    await page.getByLabel("Phone").fill("+370 612 34567");
    const hint = page.getByTestId("duplicate-hint");
    await hint.waitFor({ timeout: 10_000 });
    const text = await hint.innerText();
    assert(text.includes("Possible duplicate:") && text.includes("same phone"), `hint reads "${text}"`);
    const link = hint.getByTestId("possible-duplicate").first();
    const href = await link.getAttribute("href");
    assert(href === `/contacts/${ids.sarunas}` || href === `/contacts/${ids.lower}`, `hint links to ${href}`);
    await screenshot(page, "duplicates-create-hint");
    await page.getByRole("button", { name: "Create contact" }).click();
    await page.waitForURL(/\/contacts\/con_/);
  });

  await step("duplicates: on a phone the compare view scrolls sideways inside itself, not the page", async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(`${origin}/duplicates`);
    // After the undo and the second scan, Šarūnas and his lower-case twin are proposed again.
    await itemWith("Šarūnas").first().waitFor();
    await screenshot(page, "duplicates-phone-list");
    await itemWith("Šarūnas").first().locator("[data-role=open]").click();
    const compare = page.getByTestId("compare");
    await compare.waitFor();
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    assert(overflow <= 0, `page scrolls sideways by ${overflow}px`);
    const inner = await compare.evaluate((element) => element.scrollWidth - element.clientWidth);
    assert(inner > 0, "the compare table does not scroll on its own");
    await screenshot(page, "duplicates-phone-compare");
    await page.keyboard.press("Escape");
    await page.getByTestId("clusters").waitFor();
    await page.setViewportSize({ width: 1280, height: 900 });
  });

  await step("duplicates: the screen reads in Lithuanian", async () => {
    await page.getByTestId("language").selectOption("lt");
    await page.getByRole("heading", { name: "Dublikatai", level: 1 }).waitFor();
    const body = await page.locator("main").innerText();
    for (const english of ["Scan now", "Not duplicates", "Contacts scanned", "Same phone"]) assert(!body.includes(english), `"${english}" still in English`);
    await screenshot(page, "duplicates-lt");
    await page.getByTestId("language").selectOption("en");
    await page.getByRole("heading", { name: "Duplicates", level: 1 }).waitFor();
  });

  await step("duplicates: no script errors in the console", async () => {
    assert(errors.length === 0, errors.join("\n"));
  });
  await context.close();
}
