// The contacts and companies part of the browser test, run by run.mjs on the owner's page after
// the foundation flow: create with a field error, accent-free and phone search, keyboard
// shortcuts, inline edit, company link, delete, restore (recently deleted and undo), phone layout.
import { api } from "./page-api.mjs";


// A filter or sort change marks the grid busy at once; waiting for it to clear waits for the answer.
async function settledRows(page, count) {
  await page.waitForFunction((expected) => {
    const grid = document.querySelector('[data-testid="contacts"]');
    return grid && !grid.hasAttribute("aria-busy") && grid.querySelectorAll("tbody tr").length === expected;
  }, count);
}

async function rowNames(page) {
  return await page.getByTestId("contacts").locator("tbody tr .name-text a").allTextContents();
}

export async function contactsFlow({ page, origin, step, assert, screenshot }) {
  let contactUrl = "";

  await step("contacts: the empty list teaches the next step and `n` opens the create form", async () => {
    await page.getByRole("navigation", { name: "Main navigation" }).getByRole("link", { name: "Contacts" }).click();
    await page.waitForURL(`${origin}/contacts`);
    await page.getByRole("heading", { name: "No contacts yet" }).waitFor();
    await screenshot(page, "contacts-empty");
    await page.locator("main h1").click();
    await page.keyboard.press("n");
    await page.waitForURL(`${origin}/contacts/new`);
    await page.getByRole("heading", { name: "New contact" }).waitFor();
  });

  await step("contacts: an invalid email shows the API's error beside the email field", async () => {
    await page.getByLabel("First name").fill("Šarūnas");
    await page.getByLabel("Last name").fill("Petrauskas");
    await page.getByLabel("Email", { exact: true }).fill("sarunas@@example");
    await page.getByLabel("Phone", { exact: true }).fill("+370 612 34567");
    await page.getByLabel("Job title").fill("Buyer");
    await page.getByRole("button", { name: "Create contact" }).click();
    await page.waitForSelector("input[name=emails][aria-invalid=true]");
    const email = page.getByLabel("Email", { exact: true });
    const errorId = ((await email.getAttribute("aria-describedby")) ?? "").split(" ").find((id) => id.endsWith("-error"));
    assert(errorId, "email is not described by an error");
    const text = (await page.locator(`#${errorId}`).textContent()) ?? "";
    assert(text === "Enter a valid email address.", `email error was "${text}"`);
    assert(await page.evaluate(() => document.activeElement?.getAttribute("name") === "emails"), "focus did not move to the email");
    await screenshot(page, "contact-field-error");
  });

  await step("contacts: create Šarūnas Petrauskas and land on the contact page", async () => {
    await page.getByLabel("Email", { exact: true }).fill("sarunas.petrauskas@example.lt");
    await page.getByRole("button", { name: "Create contact" }).click();
    await page.waitForURL(/\/contacts\/con_/);
    contactUrl = page.url();
    await page.getByTestId("contact-name").filter({ hasText: "Šarūnas Petrauskas" }).waitFor();
    const phones = await page.locator('[data-field="phones"]').innerText();
    assert(phones.includes("+370 612 34567"), `phone shown as ${phones}`);
  });

  await step("contacts: a duplicate email answers next to the field with a link to the existing contact", async () => {
    const others = [
      { first_name: "Žygimantas", last_name: "Jonaitis", emails: ["zygimantas@baltija.lt"], lifecycle_stage: "customer", tags: ["vip"] },
      { first_name: "Иван", last_name: "Петров", emails: ["ivan.petrov@example.ru"], phones: [{ number: "+7 912 345-67-89" }], lifecycle_stage: "opportunity" },
      { first_name: "Līga", last_name: "Bērziņa", emails: ["liga@riga.lv"], lifecycle_stage: "marketing_qualified" },
      { first_name: "Nina", last_name: "Kovač", emails: ["nina.kovac@primer.si"], lifecycle_stage: "subscriber", city: "Ljubljana", country: "SI" },
    ];
    for (const body of others) {
      const created = await api(page, "POST", "/contacts", body);
      assert(created.status === 201, `seed contact answered ${created.status} ${JSON.stringify(created.body)}`);
    }
    await page.goto(`${origin}/contacts/new`);
    await page.getByLabel("First name").fill("Šarūnas");
    await page.getByLabel("Email", { exact: true }).fill("SARUNAS.PETRAUSKAS@example.lt");
    await page.getByRole("button", { name: "Create contact" }).click();
    await page.waitForSelector("input[name=emails][aria-invalid=true]");
    await page.getByTestId("duplicate-link").waitFor();
    assert((await page.getByTestId("duplicate-link").getAttribute("href")) === new URL(contactUrl).pathname, "duplicate link does not lead to the existing contact");
  });

  await step("contacts: an impossible phone is refused beside the phone field, in the reader's words", async () => {
    await page.getByLabel("Email", { exact: true }).fill("someone.new@example.lt");
    await page.getByLabel("Phone", { exact: true }).fill("12");
    await page.getByRole("button", { name: "Create contact" }).click();
    await page.waitForSelector("input[name=phones][aria-invalid=true]");
    const phone = page.getByLabel("Phone", { exact: true });
    const errorId = ((await phone.getAttribute("aria-describedby")) ?? "").split(" ").find((id) => id.endsWith("-error"));
    const text = (await page.locator(`#${errorId}`).textContent()) ?? "";
    assert(text.startsWith("This is not a phone number we can dial"), `phone error was "${text}"`);
    assert(await page.getByTestId("duplicate-link").isHidden(), "the duplicate link stayed after a different error");
  });

  await step("contacts: `/` focuses search; `sarunas` finds Šarūnas without accents", async () => {
    await page.getByRole("link", { name: "All contacts" }).click();
    await page.waitForURL(`${origin}/contacts`);
    await page.getByTestId("contacts").locator("tbody tr").nth(4).waitFor();
    await screenshot(page, "contacts-list");
    await page.locator("main h1").click();
    await page.keyboard.press("/");
    assert(await page.evaluate(() => document.activeElement?.getAttribute("data-testid") === "contact-search"), "/ did not focus the search");
    await page.keyboard.type("sarunas", { delay: 30 });
    await page.waitForFunction(() => {
      const rows = [...document.querySelectorAll('[data-testid="contacts"] tbody tr .name-text a')].map((a) => a.textContent);
      return rows.length === 1 && rows[0] === "Šarūnas Petrauskas";
    });
    assert(new URL(page.url()).searchParams.get("q") === "sarunas", "the search is not kept in the address");
    await screenshot(page, "contacts-search");
  });

  await step("contacts: the phone typed as `8 612 34567` finds the contact; arrows and Enter open it", async () => {
    await page.getByTestId("contact-search").fill("");
    await page.getByTestId("contact-search").type("8 612 34567", { delay: 20 });
    await page.waitForFunction(() => {
      const rows = [...document.querySelectorAll('[data-testid="contacts"] tbody tr .name-text a')].map((a) => a.textContent);
      return rows.length === 1 && rows[0] === "Šarūnas Petrauskas";
    });
    await page.keyboard.press("ArrowDown");
    assert(await page.evaluate(() => document.activeElement?.tagName === "TR"), "ArrowDown did not move into the rows");
    await page.keyboard.press("Enter");
    await page.waitForURL(contactUrl);
  });

  await step("contacts: filter chips and sort narrow the list on the server", async () => {
    await page.goto(`${origin}/contacts`);
    await page.getByTestId("contacts").locator("tbody tr").nth(4).waitFor();
    await page.getByLabel("Lifecycle stage").selectOption("customer");
    await settledRows(page, 1);
    assert((await rowNames(page))[0] === "Žygimantas Jonaitis", `stage filter gave ${await rowNames(page)}`);
    await page.getByLabel("Lifecycle stage").selectOption("");
    await page.getByRole("button", { name: "Has phone" }).click();
    await settledRows(page, 2);
    await page.getByRole("button", { name: "Has phone" }).click();
    await settledRows(page, 5);
    await page.getByLabel("Sort").selectOption("-name");
    await settledRows(page, 5);
    const names = await rowNames(page);
    assert(names[0] === "Иван Петров" || names[0] === "Žygimantas Jonaitis", `sorted Z–A starts with ${names[0]}`);
  });

  await step("contacts: select two rows and set their stage in bulk", async () => {
    await page.getByLabel("Sort").selectOption("name");
    await settledRows(page, 5);
    const rows = page.getByTestId("contacts").locator("tbody tr");
    await rows.nth(0).locator("input.row-check").check();
    await rows.nth(1).locator("input.row-check").check();
    assert((await rows.nth(0).getAttribute("aria-selected")) === "true", "row not aria-selected");
    await page.getByTestId("bulk-bar").getByText("2 selected").waitFor();
    await screenshot(page, "contacts-bulk");
    await page.getByTestId("bulk-stage").selectOption("sales_qualified");
    await page.getByRole("status").filter({ hasText: "2 contacts updated." }).waitFor();
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="contacts"] tbody tr .stage-sales_qualified').length === 2);
  });

  await step("contacts: edit the job title inline and see it saved", async () => {
    await page.goto(contactUrl);
    await page.locator('[data-edit="job_title"]').click();
    const input = page.locator('[data-field="job_title"] input[name=job_title]');
    await input.fill("Head of Procurement");
    await input.press("Enter");
    await page.getByRole("status").filter({ hasText: "Saved." }).waitFor();
    await page.locator('[data-field="job_title"] .prop-value').filter({ hasText: "Head of Procurement" }).waitFor();
    assert(await page.evaluate(() => document.activeElement?.getAttribute("data-edit") === "job_title"), "focus did not return to the edit button");
    await page.reload();
    await page.locator('[data-field="job_title"] .prop-value').filter({ hasText: "Head of Procurement" }).waitFor();
  });

  await step("contacts: record email consent; the history lists it", async () => {
    await page.locator('[data-edit="consent"]').click();
    await page.getByLabel("Consent", { exact: true }).selectOption("granted");
    await page.getByLabel("Where it was given").fill("Trade fair sign-up sheet");
    await page.getByRole("button", { name: "Save" }).click();
    await page.getByTestId("consent-history").getByText("Granted").waitFor();
    await page.getByTestId("consent-history").getByText("Source: Trade fair sign-up sheet").waitFor();
    await screenshot(page, "contact-page");
  });

  let companyUrl = "";
  await step("companies: `n` creates a company with revenue in minor units", async () => {
    await page.getByRole("navigation", { name: "Main navigation" }).getByRole("link", { name: "Companies" }).click();
    await page.waitForURL(`${origin}/companies`);
    await page.getByRole("heading", { name: "No companies yet" }).waitFor();
    await page.locator("main h1").click();
    await page.keyboard.press("n");
    await page.waitForURL(`${origin}/companies/new`);
    await page.getByLabel("Company name").fill('UAB "Alfa"');
    await page.getByLabel("Domain").fill("https://www.alfa.lt/apie");
    await page.getByLabel("Industry").fill("Logistics");
    await page.getByLabel("Annual revenue amount").fill("2 500 000");
    await page.getByLabel("Currency").selectOption("EUR");
    await page.getByLabel("City").fill("Vilnius");
    await page.getByLabel("Country").selectOption("LT");
    await page.getByRole("button", { name: "Create company" }).click();
    await page.waitForURL(/\/companies\/cmp_/);
    companyUrl = page.url();
    await page.getByTestId("company-name").filter({ hasText: 'UAB "Alfa"' }).waitFor();
    const revenue = await page.locator('[data-field="annual_revenue"]').innerText();
    assert(revenue.includes("€2,500,000.00"), `revenue shown as ${revenue}`);
    assert((await page.locator('[data-field="domain"]').innerText()).includes("alfa.lt"), "domain not normalised");
  });

  await step("contacts: link the contact to the company; the company page lists the person", async () => {
    await page.goto(contactUrl);
    await page.locator('[data-edit="company_id"]').click();
    const combo = page.getByRole("combobox", { name: "Company" });
    await combo.fill("alfa");
    await page.getByRole("option", { name: /UAB "Alfa"/ }).click();
    await page.getByRole("button", { name: "Save" }).click();
    await page.getByTestId("contact-company").filter({ hasText: 'UAB "Alfa"' }).waitFor();
    await page.getByTestId("contact-company").click();
    await page.waitForURL(companyUrl);
    await page.getByTestId("company-people").getByText("Šarūnas Petrauskas").waitFor();
    await page.getByTestId("company-people").getByText("Head of Procurement").waitFor();
    await screenshot(page, "company-page");
  });

  await step("contacts: delete, find in recently deleted and restore", async () => {
    await page.goto(contactUrl);
    await page.getByTestId("delete-contact").click();
    await page.getByRole("dialog").getByRole("button", { name: "Delete" }).click();
    await page.waitForURL(`${origin}/contacts`);
    await page.getByTestId("undo").waitFor();
    await page.getByTestId("contacts").locator("tbody tr").first().waitFor();
    assert(!(await rowNames(page)).includes("Šarūnas Petrauskas"), "deleted contact still listed");
    await screenshot(page, "contact-deleted-undo");
    assert((await api(page, "GET", new URL(contactUrl).pathname.replace("/contacts", "/contacts"))).status === 404, "deleted contact still readable");
    await page.getByRole("link", { name: "Recently deleted" }).click();
    await page.waitForURL(`${origin}/contacts/deleted`);
    const row = page.getByTestId("deleted-contacts").locator("tbody tr").filter({ hasText: "Šarūnas Petrauskas" });
    await row.waitFor();
    await screenshot(page, "contacts-recently-deleted");
    await row.getByRole("button", { name: /Restore/ }).click();
    await page.getByRole("status").filter({ hasText: "Šarūnas Petrauskas was restored." }).waitFor();
    await page.goto(contactUrl);
    await page.getByTestId("contact-name").filter({ hasText: "Šarūnas Petrauskas" }).waitFor();
  });

  await step("contacts: delete again and undo from the bar", async () => {
    await page.getByTestId("delete-contact").click();
    await page.getByRole("dialog").getByRole("button", { name: "Delete" }).click();
    await page.waitForURL(`${origin}/contacts`);
    await page.getByTestId("undo").click();
    await page.waitForURL(contactUrl);
    await page.getByTestId("contact-name").filter({ hasText: "Šarūnas Petrauskas" }).waitFor();
  });

  await step("contacts: stage names and the list speak Lithuanian and Russian", async () => {
    await page.goto(`${origin}/contacts`);
    await page.getByTestId("contacts").locator("tbody tr").nth(4).waitFor();
    await page.getByTestId("language").selectOption("lt");
    await page.getByRole("heading", { name: "Kontaktai", exact: true }).waitFor();
    await page.getByTestId("contacts").getByText("Potencialus klientas", { exact: true }).first().waitFor();
    await screenshot(page, "contacts-lt");
    await page.getByTestId("language").selectOption("ru");
    await page.getByRole("heading", { name: "Контакты", exact: true }).waitFor();
    await page.getByTestId("contacts").getByText("Лид", { exact: true }).first().waitFor();
    await page.getByTestId("language").selectOption("en");
    await page.getByRole("heading", { name: "Contacts", exact: true }).waitFor();
  });

  await step("contacts: list, contact and company pages fit a 390px phone", async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    for (const [path, ready] of [["/contacts", '[data-testid="contacts"] tbody tr'], [new URL(contactUrl).pathname, '[data-testid="contact-name"]'], [new URL(companyUrl).pathname, '[data-testid="company-people"]'], ["/contacts/new", "form"]]) {
      await page.goto(`${origin}${path}`);
      await page.locator(ready).first().waitFor();
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      assert(overflow <= 0, `${path}: horizontal scroll of ${overflow}px`);
      await screenshot(page, `phone${path.replaceAll("/", "-").replace(/-(con|cmp)_.*/, "-$1")}`);
    }
    await page.setViewportSize({ width: 1280, height: 860 });
  });
}
