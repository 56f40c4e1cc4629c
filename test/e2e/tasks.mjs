// Tasks, reminders and notifications in the browser, as a new user meets them: quick-add a task
// with the keyboard due a minute ago, let the scheduler run (wrangler dev does not fire crons on
// its own; /cdn-cgi/local/scheduled runs the scheduled handler), and see the reminder pop up once
// and the bell count 1; open it (read → 0, and a second tab's bell clears live); find the task
// under Overdue; complete it. Runs in its own browser context with its own workspace, so it can
// also run alone (E2E_ONLY=tasks).
import { api, freshPage } from "./page-api.mjs";

/** Wall-clock date and time in a zone, as a date input and a time input take them. */
function zoned(ms, timeZone) {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat("en-CA", { timeZone, year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", hourCycle: "h23" })
      .formatToParts(new Date(ms))
      .map((part) => [part.type, part.value]),
  );
  return { date: `${parts.year}-${parts.month}-${parts.day}`, time: `${parts.hour}:${parts.minute}` };
}

export async function tasksFlow({ browser, origin, step, assert, screenshot }) {
  const stamp = Date.now().toString(36);
  const person = { workspace: `Reminder Co ${stamp}`, name: "Rūta Vaitkienė", email: `ruta-${stamp}@example.com`, password: "correct horse battery staple" };
  const title = `Call Ona about the offer ${stamp}`;
  const { context, page, errors } = await freshPage(browser, { viewport: { width: 1280, height: 860 } });
  const runScheduler = async () => {
    const response = await fetch(`${origin}/cdn-cgi/local/scheduled?cron=*+*+*+*+*`);
    assert(response.ok, `scheduled trigger answered ${response.status}`);
  };

  await step("tasks: a new user signs up (Europe/Vilnius) and sees My tasks and the bell", async () => {
    await page.goto(`${origin}/signup`);
    await page.getByLabel("Workspace name").fill(person.workspace);
    await page.getByLabel("Your name").fill(person.name);
    await page.getByLabel("Email").fill(person.email);
    await page.getByLabel("Password").fill(person.password);
    await page.getByRole("button", { name: "Create workspace" }).click();
    await page.waitForURL(`${origin}/`);
    await page.getByRole("navigation", { name: "Main navigation" }).getByRole("link", { name: "My tasks" }).waitFor();
    const bell = page.getByTestId("bell");
    assert((await bell.getAttribute("aria-label")) === "Notifications", `bell label ${await bell.getAttribute("aria-label")}`);
    assert(await page.getByTestId("bell-count").isHidden(), "badge shown with nothing unread");
  });

  await step("tasks: `t` opens the quick-add dialog; a task due this minute is added with the keyboard", async () => {
    await page.locator("main h1").click();
    await page.keyboard.press("t");
    const dialog = page.getByRole("dialog", { name: "New task" });
    await dialog.waitFor();
    assert(await page.evaluate(() => document.activeElement?.getAttribute("name") === "title"), "focus is not in the title field");
    // Escape closes without saving; `t` opens it again.
    await page.keyboard.press("Escape");
    await dialog.waitFor({ state: "detached" });
    await page.keyboard.press("t");
    await dialog.waitFor();
    // A time without a date is refused beside the due-date field.
    await page.keyboard.type(title);
    await dialog.getByLabel("Due time").fill("10:00");
    await dialog.getByLabel("Title").focus();
    await page.keyboard.press("Enter");
    await page.waitForSelector("dialog input[name=due_at][aria-invalid=true]");
    const dueError = await dialog.locator("input[name=due_at]").getAttribute("aria-describedby");
    const errorText = await page.locator(`#${(dueError ?? "").split(" ").find((id) => id.endsWith("-error"))}`).textContent();
    assert(errorText === "Choose a date for this time.", `due error was "${errorText}"`);
    await screenshot(page, "task-quick-add-error");
    // Due this very minute (already past): the API still plans a reminder for a due time less
    // than a minute old, and the form has minute precision, so avoid the last seconds of a minute.
    if (new Date().getSeconds() >= 45) await page.waitForTimeout((61 - new Date().getSeconds()) * 1000);
    const due = zoned(Date.now(), "Europe/Vilnius");
    await dialog.getByLabel("Due date").fill(due.date);
    await dialog.getByLabel("Due time").fill(due.time);
    assert((await dialog.getByLabel("Reminder").inputValue()) === "0", "reminder does not default to at due time");
    await dialog.getByLabel("Title").focus();
    await screenshot(page, "task-quick-add");
    await page.keyboard.press("Enter");
    await dialog.waitFor({ state: "detached" });
    await page.getByRole("status").filter({ hasText: `Task “${title}” added.` }).waitFor();
    const tasks = await api(page, "GET", "/tasks?assignee_id=me&status=open");
    assert(tasks.status === 200 && tasks.body.data.length === 1, `tasks: ${JSON.stringify(tasks)}`);
    assert(tasks.body.data[0].reminder_offsets.join() === "0", `offsets ${tasks.body.data[0].reminder_offsets}`);
    const lag = Date.parse(tasks.body.data[0].created_at) - Date.parse(tasks.body.data[0].due_at);
    assert(lag >= 0 && lag < 60_000, `due ${tasks.body.data[0].due_at}, created ${tasks.body.data[0].created_at}`);
  });

  await step("tasks: the scheduler fires the reminder: one pop-up, bell count 1, also after a second run and a repeated frame", async () => {
    await runScheduler();
    // The queue consumer runs within its batch timeout (5 s locally); the API shows when it has.
    let stored = 0;
    for (let tries = 0; tries < 40 && stored === 0; tries += 1) {
      await page.waitForTimeout(1_000);
      stored = (await api(page, "GET", "/notifications")).body.data.length;
    }
    assert(stored === 1, `the scheduler stored ${stored} notifications`);
    const toast = page.getByTestId("reminder-toast");
    await toast.first().waitFor({ timeout: 15_000 });
    assert((await toast.first().innerText()).includes(title), `toast reads "${await toast.first().innerText()}"`);
    await page.waitForFunction(() => document.querySelector('[data-testid="bell-count"]')?.textContent === "1");
    assert((await page.getByTestId("bell").getAttribute("aria-label")) === "Notifications, 1 unread", "bell label without the count");
    // A second scheduler run must not remind again, and the same frame arriving twice pops up once.
    await runScheduler();
    const list = await api(page, "GET", "/notifications");
    assert(list.body.unread_count === 1 && list.body.data.length === 1, `notifications: ${JSON.stringify(list.body)}`);
    await page.evaluate((notification) => {
      window.dispatchEvent(new CustomEvent("rapport:notification", { detail: { type: "notification", seq: 0, id: notification.id, data: notification } }));
    }, list.body.data[0]);
    await page.waitForTimeout(6_000);
    assert((await toast.count()) === 1, `${await toast.count()} reminder pop-ups`);
    assert((await page.getByTestId("bell-count").textContent()) === "1", "bell count changed on a repeated frame");
    await screenshot(page, "reminder-toast");
  });

  // A second tab of the same person (same context, same cookies), opened once the reminder exists:
  // its bell loads the count, and it must learn of the read made in the first tab by itself.
  const otherTab = await context.newPage();
  otherTab.on("pageerror", (error) => errors.push(`second tab: ${error.message}`));
  await step("tasks: a second tab shows the same count and its live stream is open", async () => {
    // The hello frame proves the socket is connected, so the read below cannot slip past it.
    const socket = otherTab.waitForEvent("websocket", (ws) => ws.url().endsWith("/api/v1/live"));
    await otherTab.goto(`${origin}/tasks`);
    await (await socket).waitForEvent("framereceived", (frame) => String(frame.payload).includes('"hello"'));
    await otherTab.waitForFunction(() => document.querySelector('[data-testid="bell-count"]')?.textContent === "1");
  });

  await step("tasks: the bell panel lists the reminder; opening it marks it read (count 0) and lands on My tasks", async () => {
    await page.getByTestId("bell").click();
    const item = page.getByTestId("notifications").getByTestId("notification").first();
    await item.waitFor();
    assert((await item.innerText()).includes(title), "reminder missing from the panel");
    await screenshot(page, "bell-panel");
    await item.getByRole("link").click();
    await page.waitForURL(`${origin}/tasks`);
    await page.waitForFunction(() => document.querySelector('[data-testid="bell-count"]')?.hidden === true);
    assert((await page.getByTestId("bell").getAttribute("aria-label")) === "Notifications", "bell still counts");
    const list = await api(page, "GET", "/notifications");
    assert(list.body.unread_count === 0 && list.body.data[0].read_at !== null, `after read: ${JSON.stringify(list.body)}`);
    // The read comes back over the live stream and closes the reminder's pop-up (it was dealt with).
    await page.getByTestId("reminder-toast").waitFor({ state: "detached" });
  });

  await step("tasks: the second tab's bell clears without a reload", async () => {
    await otherTab.waitForFunction(() => document.querySelector('[data-testid="bell-count"]')?.hidden === true);
    assert((await otherTab.getByTestId("bell").getAttribute("aria-label")) === "Notifications", "second tab's bell still counts");
    await otherTab.close();
  });

  await step("tasks: My tasks shows the task under Overdue, and completing it (keyboard) moves it out with undo", async () => {
    const overdue = page.getByTestId("group-overdue");
    await overdue.getByText(title).waitFor();
    assert((await overdue.getByRole("heading").innerText()).startsWith("Overdue"), "heading is not Overdue");
    await screenshot(page, "my-tasks");
    const check = overdue.getByRole("checkbox", { name: `Complete “${title}”` });
    await check.focus();
    await page.keyboard.press("Space");
    await overdue.waitFor({ state: "detached" });
    await page.getByTestId("undo").waitFor();
    await page.getByRole("heading", { name: "No open tasks" }).waitFor();
    const done = await api(page, "GET", "/tasks?assignee_id=me&status=done");
    assert(done.body.data.length === 1 && done.body.data[0].title === title, `done tasks: ${JSON.stringify(done.body)}`);
    await page.getByTestId("show-completed").click();
    await page.getByTestId("group-done").getByText(title).waitFor();
    await screenshot(page, "my-tasks-completed");
  });

  await step("tasks: the reminder email is in the outbox, and its reader shows the text", async () => {
    await page.goto(`${origin}/settings/outbox`);
    const row = page.getByTestId("outbox-row").first();
    await row.waitFor();
    assert((await row.innerText()).includes(person.email), "outbox row is not to the user");
    await row.getByRole("link").click();
    await page.getByTestId("email-text").waitFor();
    assert((await page.getByTestId("email-text").innerText()).includes(title), "email text lacks the task title");
    await screenshot(page, "outbox-email");
    await page.goto(`${origin}/settings/notifications`);
    await page.getByTestId("notification-preferences").getByRole("checkbox", { name: "Idle deals: by email" }).check();
    await page.getByRole("button", { name: "Save preferences" }).click();
    await page.getByRole("status").filter({ hasText: "Notification preferences saved." }).waitFor();
    const prefs = await api(page, "GET", "/notifications/preferences");
    assert(prefs.body.data.find((item) => item.type === "deal.rotting")?.email === true, `preferences: ${JSON.stringify(prefs.body)}`);
  });

  await step("tasks: a linked task names its contact, company and deal as links, as text (markup stays text)", async () => {
    const post = async (path, body) => {
      const response = await api(page, "POST", path, body);
      assert(response.status === 201, `${path}: ${JSON.stringify(response)}`);
      return response.body.id;
    };
    const company = "UAB Saulė <b>&</b>";
    const contactId = await post("/contacts", { first_name: "Ona", last_name: "Petraitė" });
    const companyId = await post("/companies", { name: company });
    const dealId = await post("/deals", { title: "Website redesign", company_id: companyId });
    await post("/tasks", { title: `Call about the redesign ${stamp}`, contact_id: contactId, company_id: companyId, deal_id: dealId });
    await page.goto(`${origin}/tasks`);
    const links = page.getByTestId("group-none").getByTestId("task-links");
    await links.waitFor();
    const text = await links.innerText();
    assert(text === `Ona Petraitė · ${company} · Deal: Website redesign`, `links read "${text}"`);
    assert((await links.locator("b").count()) === 0, "a name was inserted as markup");
    const hrefs = await links.getByRole("link").evaluateAll((anchors) => anchors.map((a) => a.getAttribute("href")));
    assert(hrefs.join() === `/contacts/${contactId},/companies/${companyId},/deals/${dealId}`, `hrefs ${hrefs}`);
    await screenshot(page, "my-tasks-linked");
  });

  await step("tasks: on a phone the task page and the quick-add dialog fit without horizontal scroll", async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(`${origin}/tasks`);
    await page.locator("main h1").waitFor();
    await page.getByTestId("quick-add-task").click();
    await page.getByRole("dialog", { name: "New task" }).waitFor();
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    assert(overflow <= 0, `horizontal scroll of ${overflow}px`);
    await screenshot(page, "task-dialog-phone");
    await page.keyboard.press("Escape");
    await page.getByTestId("bell").click();
    await page.locator("#notification-panel").waitFor();
    await screenshot(page, "bell-phone");
    await page.keyboard.press("Escape");
  });

  await step("tasks: no script errors", async () => {
    assert(errors.length === 0, errors.join("\n"));
  });
  await context.close();
}
