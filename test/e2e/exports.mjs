// Export in the browser, as a user meets it: filter the contacts list, open "Export" with the
// keyboard and take CSV: the file that arrives has Excel's BOM, CRLF records, exactly the filtered
// rows, and the contact named =HYPERLINK("http://x") neutralised. JSON by mouse holds the same
// rows. A list too large for a direct download (the server's 422 is simulated, the job is real)
// becomes a job whose status shows under the button until a download link appears. At phone
// width the menu stays on screen. Runs in its own browser context and workspace (E2E_ONLY=exports).
import { readFile } from "node:fs/promises";
import { api, freshPage } from "./page-api.mjs";

/** A small RFC 4180 reader for the check (the app's own is TypeScript): records of fields. */
function parseCsv(text) {
  const records = [];
  let record = [];
  let field = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const char = text[i];
    if (quoted) {
      if (char === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (char === '"') quoted = false;
      else field += char;
    } else if (char === '"' && field === "") quoted = true;
    else if (char === ",") {
      record.push(field);
      field = "";
    } else if (char === "\r" && text[i + 1] === "\n") {
      record.push(field);
      records.push(record);
      record = [];
      field = "";
      i++;
    } else field += char;
  }
  if (field !== "" || record.length > 0) throw new Error(`the file does not end with CRLF: ${JSON.stringify(text.slice(-40))}`);
  return records;
}

async function rowNames(page) {
  return await page.getByTestId("contacts").locator("tbody tr .name-text a").allTextContents();
}

export async function exportsFlow({ browser, origin, step, assert, screenshot }) {
  const stamp = Date.now().toString(36);
  const person = { workspace: `Eksportas ${stamp}`, name: "Ieva Kazlauskienė", email: `ieva-${stamp}@example.com`, password: "correct horse battery staple" };
  const { context, page, errors } = await freshPage(browser, { acceptDownloads: true });
  let customers = [];

  await step("exports: a new user signs up and has contacts, one named =HYPERLINK(\"http://x\")", async () => {
    await page.goto(`${origin}/signup`);
    await page.getByLabel("Workspace name").fill(person.workspace);
    await page.getByLabel("Your name").fill(person.name);
    await page.getByLabel("Email").fill(person.email);
    await page.getByLabel("Password").fill(person.password);
    await page.getByRole("button", { name: "Create workspace" }).click();
    await page.waitForURL(`${origin}/`);
    const people = [
      { first_name: '=HYPERLINK("http://x")', last_name: "Kenkėjas", emails: ["hyper@example.lt"], lifecycle_stage: "customer" },
      { first_name: "Šarūnas", last_name: "Petrauskas", emails: ["sarunas@example.lt"], phones: [{ number: "+370 612 34567" }], lifecycle_stage: "customer", city: "Vilnius, Žirmūnai" },
      { first_name: "Līga", last_name: "Bērziņa", emails: ["liga@example.lv"], lifecycle_stage: "customer" },
      { first_name: "Иван", last_name: "Петров", emails: ["ivan@example.ru"], lifecycle_stage: "lead" },
      { first_name: "Nina", last_name: "Kovač", emails: ["nina@example.si"], lifecycle_stage: "subscriber" },
    ];
    for (const body of people) {
      const created = await api(page, "POST", "/contacts", body);
      assert(created.status === 201, `contact not created: ${JSON.stringify(created.body)}`);
    }
    customers = people.filter((p) => p.lifecycle_stage === "customer");
  });

  await step("exports: the contacts list filtered to customers offers Export; the keyboard opens the menu", async () => {
    await page.goto(`${origin}/contacts`);
    await page.getByTestId("contacts").locator("tbody tr").nth(4).waitFor();
    await page.getByLabel("Lifecycle stage").selectOption("customer");
    await page.waitForFunction((count) => document.querySelectorAll('[data-testid="contacts"] tbody tr .name-text a').length === count, customers.length);
    assert((await rowNames(page)).length === customers.length, "the filter did not narrow the list");
    const button = page.getByTestId("export-button");
    assert((await button.getAttribute("aria-haspopup")) === "menu" && (await button.getAttribute("aria-expanded")) === "false", "the export button is not a closed menu button");
    await button.focus();
    await page.keyboard.press("ArrowDown");
    await page.getByRole("menu", { name: "Export as" }).waitFor();
    assert((await button.getAttribute("aria-expanded")) === "true", "aria-expanded not true with the menu open");
    assert(await page.evaluate(() => document.activeElement?.getAttribute("data-testid") === "export-csv"), "focus is not on CSV");
    await page.keyboard.press("ArrowDown");
    assert(await page.evaluate(() => document.activeElement?.getAttribute("data-testid") === "export-csv-semicolon"), "ArrowDown did not move to the semicolon CSV");
    await page.keyboard.press("ArrowDown");
    assert(await page.evaluate(() => document.activeElement?.getAttribute("data-testid") === "export-json"), "ArrowDown did not move to JSON");
    await page.keyboard.press("ArrowDown");
    assert(await page.evaluate(() => document.activeElement?.getAttribute("data-testid") === "export-csv"), "ArrowDown did not wrap to CSV");
    await screenshot(page, "export-menu");
    await page.keyboard.press("Escape");
    await page.getByRole("menu").waitFor({ state: "hidden" });
    assert(await page.evaluate(() => document.activeElement?.getAttribute("data-testid") === "export-button"), "Escape did not return focus to the button");
  });

  await step("exports: Enter on CSV downloads the filtered rows with BOM and CRLF, the formula neutralised", async () => {
    await page.keyboard.press("Enter");
    await page.getByRole("menu").waitFor();
    const [download] = await Promise.all([page.waitForEvent("download"), page.keyboard.press("Enter")]);
    const today = new Date().toISOString().slice(0, 10);
    assert(download.suggestedFilename() === `contacts-${today}.csv`, `file name ${download.suggestedFilename()}`);
    const bytes = await readFile(await download.path());
    assert(bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf, "no UTF-8 BOM");
    const text = bytes.subarray(3).toString("utf8");
    assert(!/[^\r]\n/.test(text), "a record ends with a bare LF");
    const [header, ...rows] = parseCsv(text);
    assert(header?.[1] === "First name" && header?.[3] === "Emails", `header ${header?.join(",")}`);
    assert(rows.length === customers.length, `${rows.length} rows for ${customers.length} customers`);
    const first = header.indexOf("First name");
    const names = rows.map((row) => row[first]);
    assert(names.includes(`'=HYPERLINK("http://x")`), `formula not neutralised: ${names.join(" | ")}`);
    assert(!names.some((name) => /^[=+\-@]/.test(name ?? "")), "a cell still starts like a formula");
    assert(text.includes('"Vilnius, Žirmūnai"'), "a cell with a comma is not quoted");
    assert(rows.some((row) => row[header.indexOf("Phones")] === "+37061234567"), "the E.164 phone is not verbatim");
    assert(!rows.some((row) => row[header.indexOf("Emails")] === "ivan@example.ru"), "a lead leaked into the customers' export");
  });

  await step("exports: the semicolon CSV (Excel in LT/LV/SI/RU) holds the same rows, split on ';'", async () => {
    await page.getByTestId("export-button").click();
    const [download] = await Promise.all([page.waitForEvent("download"), page.getByTestId("export-csv-semicolon").click()]);
    const bytes = await readFile(await download.path());
    assert(bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf, "no UTF-8 BOM");
    const text = bytes.subarray(3).toString("utf8");
    const [headerLine] = text.split("\r\n");
    assert(headerLine?.startsWith("ID;First name;Last name;Emails"), `header ${headerLine}`);
    assert(text.split("\r\n").filter(Boolean).length >= customers.length + 1, "rows missing");
    assert(text.includes('Vilnius, Žirmūnai') && !text.includes('"Vilnius, Žirmūnai"'), "a comma needs no quotes when the separator is ';'");
  });

  await step("exports: JSON by mouse holds the same rows as the list", async () => {
    await page.getByTestId("export-button").click();
    const [download] = await Promise.all([page.waitForEvent("download"), page.getByTestId("export-json").click()]);
    const records = JSON.parse(await readFile(await download.path(), "utf8"));
    assert(Array.isArray(records) && records.length === customers.length, `JSON has ${records.length} records`);
    const listed = await api(page, "GET", "/contacts?lifecycle_stage=customer&limit=50");
    assert(JSON.stringify(records.map((r) => r.id)) === JSON.stringify(listed.body.data.map((r) => r.id)), "JSON rows differ from the list");
  });

  await step("exports: a list too large for a direct download becomes a job with live status and a download link", async () => {
    // The server's answer for more than 10,000 rows, simulated for this list; the job is real.
    await page.route("**/api/v1/contacts/export?**", (route) =>
      route.fulfill({
        status: 422,
        contentType: "application/problem+json",
        body: JSON.stringify({
          type: "urn:rapport:problem:export_too_large",
          title: "Export too large",
          status: 422,
          detail: "More than 10,000 contacts match.",
          code: "export_too_large",
          request_id: "e2e",
          max_rows: 10000,
          export_job: { method: "POST", href: "/api/v1/exports", body: { entity: "contacts", format: "csv", filters: { lifecycle_stage: "customer" } } },
        }),
      }),
    );
    await page.getByTestId("export-button").click();
    await page.getByTestId("export-csv").click();
    const panel = page.getByTestId("export-panel");
    await panel.waitFor();
    const link = page.getByTestId("export-download");
    await link.waitFor({ timeout: 30_000 });
    const panelText = (await panel.textContent()) ?? "";
    assert(/The file is ready: 3 rows/.test(panelText), `panel says: ${panelText}`);
    await screenshot(page, "export-job-ready");
    const [download] = await Promise.all([page.waitForEvent("download"), link.click()]);
    const bytes = await readFile(await download.path());
    const [, ...rows] = parseCsv(bytes.subarray(3).toString("utf8"));
    assert(rows.length === customers.length, `the job's file has ${rows.length} rows`);
    const listed = await api(page, "GET", "/exports");
    assert(listed.body.data[0]?.status === "done" && listed.body.data[0]?.row_count === customers.length, `export record ${JSON.stringify(listed.body.data[0])}`);
    await page.unroute("**/api/v1/contacts/export?**");
    await page.getByTestId("export-dismiss").click();
    await panel.waitFor({ state: "hidden" });
  });

  await step("exports: companies and the pipeline offer Export too; at phone width the menu stays on screen", async () => {
    await page.goto(`${origin}/companies`);
    await page.getByTestId("export-button").waitFor();
    await page.goto(`${origin}/pipeline`);
    await page.getByTestId("export-button").waitFor();
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(`${origin}/contacts?lifecycle_stage=customer`);
    await page.getByTestId("contacts").locator("tbody tr").first().waitFor();
    await page.getByTestId("export-button").click();
    const menu = page.getByRole("menu");
    await menu.waitFor();
    const box = await menu.boundingBox();
    assert(box && box.x >= 0 && box.x + box.width <= 390 && box.y + box.height <= 844, `menu off screen: ${JSON.stringify(box)}`);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    assert(overflow <= 0, `the page scrolls sideways by ${overflow}px`);
    await screenshot(page, "export-menu-phone");
    await page.keyboard.press("Escape");
  });

  await step("exports: no script errors in the console", async () => {
    assert(errors.length === 0, errors.join("\n"));
  });
  await context.close();
}
