// The CSV import in the browser, as a Lithuanian user meets it: a semicolon-separated file that
// Excel wrote in Windows-1257 with Lithuanian headers is chosen on /contacts/import, its encoding
// and columns are recognised, the preview shows the bad email under its cell, a dry run reports
// what would happen, the real run shows live progress, the report's counts match the file,
// "Šarūnas" arrives spelled right on the contacts list, the rows CSV downloads, and undo removes
// what the import created. Runs in its own browser context and workspace (E2E_ONLY=imports).
import { api, freshPage } from "./page-api.mjs";

/** Bytes of `text` in a legacy code page, from the runtime's own decoder (as decode.ts's encodeLegacy does). */
function encodeLegacy(text, encoding) {
  const decoder = new TextDecoder(encoding);
  const table = new Map();
  for (let byte = 0; byte < 256; byte++) table.set(decoder.decode(new Uint8Array([byte])), byte);
  const out = [];
  for (const char of text) {
    const byte = table.get(char);
    if (byte === undefined) throw new RangeError(`${encoding} cannot write ${JSON.stringify(char)}`);
    out.push(byte);
  }
  return Buffer.from(out);
}

const header = ["Vardas", "Pavardė", "El. paštas", "Telefonas", "Įmonė", "Miestas"];
// Spreadsheet rows 2–9. Ona exists already (same email): her empty phone and city get filled.
// Row 4 has a broken email; row 7 repeats row 2's email.
const rows = [
  ["Šarūnas", "Žukauskas", "sarunas.zukauskas@example.lt", "+370 612 34567", "UAB Ąžuolas", "Kaunas"],
  ["Ona", "Jonaitienė", "ona.jonaitiene@example.lt", "+370 612 34568", "", "Vilnius"],
  ["Gintarė", "Čepulienė", "gintare@", "+370 612 34569", "UAB Ąžuolas", "Šiauliai"],
  ["Jūratė", "Kęstutienė", "jurate.kestutiene@example.lt", "+370 612 34570", "UAB Įžymūs įrankiai", "Klaipėda"],
  ["Vytautas", "Ūsas", "vytautas.usas@example.lt", "", "", "Panevėžys"],
  ["Šarūnas", "Žukauskas", "sarunas.zukauskas@example.lt", "", "", "Kaunas"],
  ["Rūta", "Bičiūnienė", "ruta.biciuniene@example.lt", "+370 612 34571", "UAB Šviesų namai", "Alytus"],
  ["Algirdas", "Jakštas", "algirdas.jakstas@example.lt", "", "UAB Šviesų namai", "Marijampolė"],
];
// Excel's "CSV (semicolon delimited)" in a Lithuanian locale: cp1257, CRLF.
const csv = encodeLegacy([header, ...rows].map((cells) => cells.join(";")).join("\r\n") + "\r\n", "windows-1257");

async function focusedTestId(page) {
  return await page.evaluate(() => {
    const element = document.activeElement;
    return element?.getAttribute("data-testid") ?? element?.tagName.toLowerCase() ?? null;
  });
}

async function horizontalOverflow(page) {
  return await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
}

export async function importsFlow({ browser, origin, step, assert, screenshot }) {
  const stamp = Date.now().toString(36);
  const person = { workspace: `Importai ${stamp}`, name: "Eglė Petraitienė", email: `egle-${stamp}@example.com`, password: "correct horse battery staple" };
  const { context, page, errors } = await freshPage(browser, { acceptDownloads: true });
  // Live frames about imports, to prove the progress bar is fed by the workspace socket.
  const frames = [];
  page.on("websocket", (socket) => {
    socket.on("framereceived", (frame) => {
      const text = typeof frame.payload === "string" ? frame.payload : frame.payload.toString("utf8");
      if (text.includes('"import.')) frames.push(JSON.parse(text));
    });
  });
  let importId = "";
  let dryRunId = "";

  await step("imports: a new user signs up; Ona is already a contact (email only)", async () => {
    await page.goto(`${origin}/signup`);
    await page.getByLabel("Workspace name").fill(person.workspace);
    await page.getByLabel("Your name").fill(person.name);
    await page.getByLabel("Email").fill(person.email);
    await page.getByLabel("Password").fill(person.password);
    await page.getByRole("button", { name: "Create workspace" }).click();
    await page.waitForURL(`${origin}/`);
    const created = await api(page, "POST", "/contacts", { first_name: "Ona", last_name: "Jonaitienė", emails: ["ona.jonaitiene@example.lt"] });
    assert(created.status === 201, `contact create answered ${created.status}`);
  });

  await step("imports: the contacts list has an Import button that opens the wizard with its heading", async () => {
    await page.goto(`${origin}/contacts`);
    await page.getByTestId("import-contacts").click();
    await page.waitForURL(`${origin}/contacts/import`);
    await page.getByRole("heading", { name: "Import contacts", level: 1 }).waitFor();
    await page.getByRole("heading", { name: "Choose a file" }).waitFor();
    await page.getByTestId("import-history").getByText("No imports yet.").waitFor();
    assert((await page.locator("[aria-current=step]").innerText()).includes("File"), "the step list does not mark the file step");
    await screenshot(page, "import-choose-file");
  });

  await step("imports: a workbook saved as .csv is refused under the file input, in words", async () => {
    const workbook = Buffer.concat([Buffer.from([0x50, 0x4b, 0x03, 0x04]), Buffer.alloc(200, 1)]);
    await page.getByTestId("import-file").setInputFiles({ name: "kontaktai.csv", mimeType: "text/csv", buffer: workbook });
    const error = page.getByTestId("import-file-error");
    await error.waitFor();
    const text = await error.innerText();
    assert(text.startsWith("This is not a CSV file."), `file error was "${text}"`);
    const describedBy = (await page.getByTestId("import-file").getAttribute("aria-describedby")) ?? "";
    assert(describedBy.includes((await error.getAttribute("id")) ?? "-"), "the file input is not described by its error");
    assert((await page.getByTestId("import-file").getAttribute("aria-invalid")) === "true", "the file input is not marked invalid");
    assert((await focusedTestId(page)) === "import-file", "focus did not return to the file input");
    await screenshot(page, "import-file-error");
  });

  await step("imports: a close encoding guess is flagged, and choosing the encoding re-reads the file", async () => {
    // "č" is the same byte in Windows-1250 and 1257: the bytes alone cannot tell the two apart.
    const slovenian = encodeLegacy("Ime;Priimek;E-naslov\r\nMatej;Kovačič;matej@example.si\r\n", "windows-1250");
    await page.getByTestId("import-file").setInputFiles({ name: "stiki.csv", mimeType: "text/csv", buffer: slovenian });
    await page.getByRole("heading", { name: "Check the columns" }).waitFor();
    const warning = page.getByTestId("encoding-warning");
    await warning.waitFor();
    assert((await warning.innerText()).startsWith("The encoding is a guess:"), `warning reads ${await warning.innerText()}`);
    await screenshot(page, "import-encoding-ambiguous");
    const reread = page.waitForResponse((response) => response.url().endsWith("/api/v1/imports/preview") && response.status() === 200);
    await page.getByTestId("import-encoding").selectOption("windows-1250");
    assert((await (await reread).json()).encoding === "windows-1250", "the preview was not re-read as Windows-1250");
    await page.getByTestId("encoding-warning").waitFor({ state: "detached" });
    assert((await page.getByTestId("import-preview").locator("tbody tr").first().innerText()).includes("Kovačič"), "the name does not read Kovačič");
    await page.getByRole("button", { name: "Choose another file" }).click();
    await page.getByRole("heading", { name: "Choose a file" }).waitFor();
  });

  await step("imports: the Windows-1257 file is recognised: encoding, separator, Lithuanian headers mapped, letters intact", async () => {
    await page.getByTestId("import-file").setInputFiles({ name: "kontaktai.csv", mimeType: "text/csv", buffer: csv });
    const heading = page.getByRole("heading", { name: "Check the columns" });
    await heading.waitFor();
    assert((await page.evaluate(() => document.activeElement?.textContent)) === "Check the columns", "focus did not move to the preview's heading");
    assert((await page.getByTestId("import-encoding").inputValue()) === "windows-1257", `encoding shown as ${await page.getByTestId("import-encoding").inputValue()}`);
    assert((await page.getByTestId("import-delimiter").inputValue()) === ";", `separator shown as ${await page.getByTestId("import-delimiter").inputValue()}`);
    const selects = page.getByTestId("mapping-select");
    const mapping = await selects.evaluateAll((elements) => elements.map((element) => [element.getAttribute("data-header"), element.value]));
    const expected = [
      ["Vardas", "first_name"],
      ["Pavardė", "last_name"],
      ["El. paštas", "emails"],
      ["Telefonas", "phones"],
      ["Įmonė", "company_name"],
      ["Miestas", "city"],
    ];
    assert(JSON.stringify(mapping) === JSON.stringify(expected), `suggested mapping was ${JSON.stringify(mapping)}`);
    const preview = page.getByTestId("import-preview");
    const firstRow = await preview.locator("tbody tr").first().innerText();
    assert(firstRow.includes("Šarūnas") && firstRow.includes("Žukauskas") && firstRow.includes("UAB Ąžuolas"), `first row reads ${JSON.stringify(firstRow)}`);
    assert((await preview.locator("tbody th").first().innerText()) === "2", "the first data row is not numbered 2 as in the spreadsheet");
    assert((await page.getByTestId("import-file-summary").innerText()).includes("Rows: 8"), "the row count is missing");
  });

  await step("imports: the bad email's error sits under its cell in the El. paštas column", async () => {
    const preview = page.getByTestId("import-preview");
    const bad = preview.locator("tbody tr", { hasText: "gintare@" });
    const errorCell = bad.locator("td.cell-invalid");
    assert((await errorCell.count()) === 1, `${await errorCell.count()} cells marked invalid in row 4`);
    assert((await errorCell.locator(".cell-value").innerText()) === "gintare@", "the error is not in the email cell");
    const message = await errorCell.getByTestId("cell-error").innerText();
    assert(message === "Not a valid email address.", `cell error was "${message}"`);
    await screenshot(page, "import-preview");
  });

  await step("imports: changing a column's field re-runs the preview and keeps the keyboard on that select", async () => {
    const city = page.locator('select[data-header="Miestas"]');
    const previewed = page.waitForResponse((response) => response.url().endsWith("/api/v1/imports/preview") && response.status() === 200);
    await city.focus();
    await city.selectOption("ignore");
    const applied = (await (await previewed).json()).mapping;
    assert(applied.Miestas === "ignore" && applied.Vardas === "first_name", `the preview applied mapping ${JSON.stringify(applied)}`);
    await page.locator('select[data-header="Miestas"].ignored').waitFor();
    assert((await page.evaluate(() => document.activeElement?.getAttribute("data-header"))) === "Miestas", "focus left the select after the preview re-ran");
    const back = page.waitForResponse((response) => response.url().endsWith("/api/v1/imports/preview") && response.status() === 200);
    await page.locator('select[data-header="Miestas"]').selectOption("city");
    await back;
    await page.locator('select[data-header="Miestas"]:not(.ignored)').waitFor();
    assert((await page.locator('select[data-header="Miestas"]').inputValue()) === "city", "the city column did not come back");
  });

  await step("imports: the dry run is started with the keyboard and reports what would happen", async () => {
    assert(await page.getByTestId("on-match").getByLabel("Fill in its empty fields").isChecked(), "update empty fields is not the default");
    await page.getByTestId("dry-run").focus();
    await page.keyboard.press("Enter");
    await page.getByTestId("import-step-dryrun").waitFor();
    const report = page.getByTestId("import-step-dryrun").getByTestId("import-report");
    await report.waitFor({ timeout: 30_000 });
    assert((await page.evaluate(() => document.activeElement?.tagName)) === "H2", "focus did not move to the dry run's heading");
    dryRunId = new URL(page.url()).searchParams.get("id") ?? "";
    assert(dryRunId.startsWith("imp_"), `the address does not name the dry run: ${page.url()}`);
    const count = async (key) => (await report.locator(`[data-count=${key}] dd`).innerText()).trim();
    const counts = { created: await count("created"), updated: await count("updated"), invalid: await count("invalid"), duplicates: await count("duplicates"), skipped: await count("skipped") };
    assert(JSON.stringify(counts) === JSON.stringify({ created: "5", updated: "1", invalid: "1", duplicates: "1", skipped: "0" }), `dry run counts ${JSON.stringify(counts)}`);
    assert((await report.locator("[data-count=created] dt").innerText()) === "Would be created", "dry-run counts are not worded as a dry run");
    // Problems first: the invalid row, numbered as in the spreadsheet.
    const row = report.getByTestId("import-row").first();
    await row.waitFor();
    const text = await row.innerText();
    assert(text.startsWith("4") && text.includes("Invalid") && text.includes("El. paštas: Not a valid email address."), `problem row reads ${JSON.stringify(text)}`);
    // The repeated Šarūnas (spreadsheet row 7) points back at row 2, both numbered as Excel shows them.
    await report.getByTestId("rows-outcome").selectOption("duplicate");
    await report.getByTestId("import-row").filter({ hasText: "Duplicate" }).waitFor();
    const duplicate = await report.getByTestId("import-row").first().innerText();
    assert(duplicate.startsWith("7") && duplicate.includes("Repeats row 2 of the file."), `duplicate row reads ${JSON.stringify(duplicate)}`);
    await report.getByTestId("rows-outcome").selectOption("invalid");
    await report.getByTestId("import-row").filter({ hasText: "Invalid" }).waitFor();
    const contacts = await api(page, "GET", "/contacts?q=Šarūnas");
    assert(contacts.body.data.length === 0, "the dry run created a contact");
    await screenshot(page, "import-dry-run");
  });

  await step("imports: the real run shows live progress and ends on the report with the file's counts", async () => {
    await page.getByTestId("run-import").click();
    await page.getByTestId("import-step-run").or(page.getByTestId("import-step-report")).first().waitFor();
    if (await page.getByTestId("import-step-run").count()) {
      assert((await page.getByTestId("import-progress").count()) === 1, "no progress bar while the import runs");
      await screenshot(page, "import-progress");
    }
    const report = page.getByTestId("import-step-report").getByTestId("import-report");
    await report.waitFor({ timeout: 60_000 });
    importId = new URL(page.url()).searchParams.get("id") ?? "";
    assert(importId.startsWith("imp_") && importId !== dryRunId, `the address does not name the import: ${page.url()}`);
    assert((await page.evaluate(() => document.activeElement?.textContent)) === "Import report", "focus did not move to the report's heading");
    const count = async (key) => (await report.locator(`[data-count=${key}] dd`).innerText()).trim();
    const counts = { created: await count("created"), updated: await count("updated"), invalid: await count("invalid"), duplicates: await count("duplicates") };
    assert(JSON.stringify(counts) === JSON.stringify({ created: "5", updated: "1", invalid: "1", duplicates: "1" }), `import counts ${JSON.stringify(counts)}`);
    const live = frames.filter((frame) => frame.id === importId).map((frame) => frame.type);
    assert(live.includes("import.progress") || live.includes("import.finished"), `no live import frame arrived for ${importId}: ${JSON.stringify(frames.map((frame) => frame.type))}`);
    await page.getByTestId("undo-import").waitFor();
    assert((await report.innerText()).includes("Can be undone until"), "the undo deadline is not shown");
    await page.getByTestId("import-history").locator(`[data-import-id="${importId}"]`).getByText("Done").waitFor();
    await screenshot(page, "import-report");
  });

  await step("imports: Šarūnas arrives on the contacts list spelled right; Ona got her phone and city", async () => {
    await page.goto(`${origin}/contacts`);
    await page.getByTestId("contact-search").fill("Šarūnas");
    await page.waitForURL(/q=/);
    const row = page.getByTestId("contacts").getByRole("row", { name: /Šarūnas Žukauskas/ });
    await row.waitFor();
    // The search has applied when Šarūnas is the only one left (the repeated row made no second).
    await page.waitForFunction(() => document.querySelectorAll("[data-testid=contacts] tbody tr").length === 1);
    await screenshot(page, "import-contacts-list");
    const ona = await api(page, "GET", "/contacts?q=ona.jonaitiene@example.lt");
    const contact = ona.body.data[0];
    assert(ona.body.data.length === 1 && contact.city === "Vilnius" && contact.phone === "+37061234568", `Ona after import: ${JSON.stringify(contact)}`);
  });

  await step("imports: the report reopens from its address, and the rows CSV downloads", async () => {
    await page.goto(`${origin}/contacts/import?id=${importId}`);
    const report = page.getByTestId("import-report");
    await report.waitFor();
    const [download] = await Promise.all([page.waitForEvent("download"), page.getByTestId("rows-csv").click()]);
    const path = await download.path();
    const { readFile } = await import("node:fs/promises");
    const text = (await readFile(path, "utf8")).replace(/^\uFEFF/, "");
    const lines = text.trim().split(/\r?\n/);
    assert(lines.length === 9, `the rows CSV has ${lines.length} lines`);
    assert(/row/i.test(lines[0] ?? "") && /outcome/i.test(lines[0] ?? ""), `rows CSV header: ${lines[0]}`);
    assert(lines.some((line) => line.includes("invalid")) && lines.some((line) => line.includes("duplicate")), "the rows CSV lacks the invalid or the duplicate row");
  });

  await step("imports: undo (confirmed in the dialog) removes what the import created and keeps Ona", async () => {
    await page.getByTestId("undo-import").click();
    const dialog = page.getByRole("dialog");
    await dialog.waitFor();
    await screenshot(page, "import-undo-confirm");
    await dialog.getByRole("button", { name: "Undo import" }).click();
    await page.getByTestId("import-undone").waitFor();
    assert((await page.getByTestId("undo-import").count()) === 0, "undo is still offered after undoing");
    await page.getByTestId("import-history").locator(`[data-import-id="${importId}"]`).getByText("Undone").waitFor();
    const sarunas = await api(page, "GET", "/contacts?q=Šarūnas");
    assert(sarunas.body.data.length === 0, "Šarūnas is still a contact after undo");
    const ona = await api(page, "GET", "/contacts?q=ona.jonaitiene@example.lt");
    assert(ona.body.data.length === 1, "undo removed Ona, who existed before the import");
    await screenshot(page, "import-undone");
  });

  await step("imports: at phone width the preview table scrolls sideways inside its box, the page does not", async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await page.getByTestId("import-another").click();
    await page.getByRole("heading", { name: "Choose a file" }).waitFor();
    await page.getByTestId("import-file").setInputFiles({ name: "kontaktai.csv", mimeType: "text/csv", buffer: csv });
    await page.getByRole("heading", { name: "Check the columns" }).waitFor();
    await screenshot(page, "import-preview-phone");
    const overflow = await horizontalOverflow(page);
    assert(overflow <= 0, `the page scrolls sideways by ${overflow}px at 390px`);
    // body clips sideways overflow, so the box itself must end inside the viewport and scroll.
    const box = await page.locator(".import-preview-wrap").evaluate((element) => ({ right: element.getBoundingClientRect().right, scroll: element.scrollWidth, client: element.clientWidth }));
    assert(box.right <= 390, `the preview box ends at ${box.right}px, beyond the 390px screen`);
    assert(box.scroll > box.client, `the preview table does not scroll inside its box: ${JSON.stringify(box)}`);
    await page.goto(`${origin}/contacts/import?id=${importId}`);
    await page.getByTestId("import-report").waitFor();
    assert((await horizontalOverflow(page)) <= 0, "the report scrolls sideways at 390px");
    await screenshot(page, "import-report-phone");
    await page.setViewportSize({ width: 1280, height: 900 });
  });

  await step("imports: the wizard speaks Lithuanian", async () => {
    await page.getByTestId("language").selectOption("lt");
    await page.getByRole("heading", { name: "Kontaktų importas", level: 1 }).waitFor();
    await page.getByRole("heading", { name: "Ankstesni importai" }).waitFor();
    const body = await page.locator("main").innerText();
    for (const english of ["Past imports", "Download the rows", "Import report", "Created"]) assert(!body.includes(english), `"${english}" is still in English`);
    await screenshot(page, "import-report-lt");
    await page.getByTestId("language").selectOption("en");
  });

  await step("imports: no script errors in the console", async () => {
    assert(errors.length === 0, errors.join("\n"));
  });
  await context.close();
}
