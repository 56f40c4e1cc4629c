// The record-timeline part of the browser test: a contact made through the API, a call from the
// contact and our reply logged with the keyboard, both shown newest first; the filter chips; an
// edit that moves the call earlier and changes the communication card's reply time; a field
// edited on the page showing up as a change item; the phone layout.
import { tmpdir } from "node:os";
import { join } from "node:path";
import { api } from "./page-api.mjs";

const item = (page, text) => page.getByTestId("timeline").locator(".tl-item", { hasText: text });

async function activeTestId(page) {
  return await page.evaluate(() => document.activeElement?.getAttribute("data-testid") ?? document.activeElement?.getAttribute("name") ?? document.activeElement?.tagName);
}

export async function timelineFlow({ page, origin, step, assert, screenshot }) {
  let contactId = "";

  await step("timeline: a new contact's page shows its creation and an empty communication card", async () => {
    await page.setViewportSize({ width: 1280, height: 900 });
    const created = await api(page, "POST", "/contacts", { first_name: "Milda", last_name: "Kazlauskienė", emails: ["milda.k@example.lt"], job_title: "Buyer" });
    assert(created.status === 201, `contact create answered ${created.status}`);
    contactId = created.body.id;
    await page.goto(`${origin}/contacts/${contactId}`);
    await page.getByTestId("contact-name").filter({ hasText: "Milda Kazlauskienė" }).waitFor();
    await item(page, "Record created").waitFor();
    await page.getByTestId("communication").getByText("No calls, emails or messages logged yet.").waitFor();
  });

  await step("timeline: log an inbound call with the keyboard only; its body keeps line breaks", async () => {
    await page.getByTestId("log-activity").focus();
    await page.keyboard.press("Enter");
    const form = page.getByTestId("activity-form");
    await form.waitFor();
    assert((await activeTestId(page)) === "type", `focus is on ${await activeTestId(page)}, not the type`);
    assert((await form.getByLabel("Type").inputValue()) === "call", "a call is not the default type");
    await page.keyboard.press("Tab");
    assert((await activeTestId(page)) === "direction", "Tab did not reach the direction");
    await page.keyboard.press("ArrowUp");
    assert((await form.getByLabel("Direction").inputValue()) === "inbound", "ArrowUp did not choose inbound");
    await page.keyboard.press("Tab");
    await page.keyboard.type("Asked about the fleet offer");
    await page.keyboard.press("Tab");
    await page.keyboard.type("Wants prices for 12 vans.\nCall back on Friday.");
    await page.keyboard.press("Tab");
    assert((await activeTestId(page)) === "duration_seconds", "Tab did not reach the duration");
    await page.keyboard.type("12");
    await page.keyboard.press("Tab");
    await page.keyboard.type("Interested");
    assert((await activeTestId(page)) === "outcome", "Tab did not reach the outcome");
    await screenshot(page, "timeline-log-form");
    await page.keyboard.press("Enter");
    await item(page, "Asked about the fleet offer").waitFor();
    await page.getByRole("status").filter({ hasText: "Activity logged." }).waitFor();
    const call = item(page, "Asked about the fleet offer");
    assert((await call.locator(".tl-badge").textContent()) === "Incoming call", "the call is not shown as incoming");
    const body = await call.locator(".tl-body").innerText();
    assert(body === "Wants prices for 12 vans.\nCall back on Friday.", `body shown as ${JSON.stringify(body)}`);
    const meta = await call.locator(".tl-meta").innerText();
    assert(meta.includes("lasted 12 min") && meta.includes("Outcome: Interested") && meta.includes("Ona Petrauskienė"), `meta was ${meta}`);
    assert((await activeTestId(page)) === "log-activity", "focus did not return to Log activity");
  });

  await step("timeline: log our reply as an email; it is listed above the call and its body is text, not HTML", async () => {
    await page.keyboard.press("Enter");
    await page.getByTestId("activity-form").waitFor();
    await page.keyboard.type("E");
    assert((await page.getByTestId("activity-form").getByLabel("Type").inputValue()) === "email", "typing E did not choose Email");
    await page.keyboard.press("Tab");
    assert((await page.getByTestId("activity-form").getByLabel("Direction").inputValue()) === "outbound", "a reply is not outbound by default");
    await page.keyboard.press("Tab");
    await page.keyboard.type("Sent the price list");
    await page.keyboard.press("Tab");
    await page.keyboard.type("<b>not bold</b> <img src=x>");
    await page.keyboard.press("Shift+Tab");
    await page.keyboard.press("Enter");
    await item(page, "Sent the price list").waitFor();
    const titles = await page.getByTestId("timeline").locator(".tl-item[data-kind=activity] .tl-title strong").allTextContents();
    assert(titles.join(" | ") === "Sent the price list | Asked about the fleet offer", `order was ${titles.join(" | ")}`);
    const reply = item(page, "Sent the price list");
    assert((await reply.locator(".tl-body b, .tl-body img").count()) === 0, "the body was parsed as HTML");
    assert((await reply.locator(".tl-body").textContent()) === "<b>not bold</b> <img src=x>", "the body text changed");
  });

  await step("timeline: the communication card counts one each way, the reply time and the preferred channel", async () => {
    const card = page.getByTestId("communication");
    await card.getByTestId("comm-inbound").filter({ hasText: "1" }).waitFor();
    await card.getByTestId("comm-outbound").filter({ hasText: "1" }).waitFor();
    assert((await card.getByTestId("comm-preferred").innerText()) === "Call", `preferred ${await card.getByTestId("comm-preferred").innerText()}`);
    const reply = await card.getByTestId("comm-first-response").innerText();
    assert(/sec|min/.test(reply) && reply.includes("median of 1"), `first response shown as ${reply}`);
    await screenshot(page, "timeline-contact");
  });

  await step("timeline: the Activities chip (Space) shows activities only; All brings the rest back", async () => {
    assert((await page.getByTestId("timeline").locator(".tl-item[data-kind=change]").count()) >= 1, "no change item before filtering");
    const chip = page.locator(".tl-chips").getByRole("button", { name: "Activities" });
    await chip.focus();
    await page.keyboard.press("Space");
    await page.waitForFunction(() => {
      const list = document.querySelector('[data-testid="timeline"]');
      return list && !list.hasAttribute("aria-busy") && list.querySelectorAll(".tl-item").length === 2 && list.querySelectorAll('.tl-item:not([data-kind="activity"])').length === 0;
    });
    assert((await chip.getAttribute("aria-pressed")) === "true", "chip not pressed");
    assert((await page.locator(".tl-chips").getByRole("button", { name: "All" }).getAttribute("aria-pressed")) === "false", "All still pressed");
    assert(await chip.evaluate((el) => el === document.activeElement), "focus left the chip");
    await screenshot(page, "timeline-filtered");
  });

  await step("timeline: edit the call to two hours earlier; the list and the reply time follow", async () => {
    const call = item(page, "Asked about the fleet offer");
    await call.getByRole("button", { name: "Edit activity: Asked about the fleet offer" }).click();
    const form = page.getByTestId("activity-edit-form");
    await form.waitFor();
    const when = form.getByLabel("When");
    const current = await when.inputValue();
    const [date, time] = current.split("T");
    const [hours, minutes] = time.split(":").map(Number);
    // Two hours earlier on the same wall clock (the test avoids the hours around midnight).
    const earlier = hours >= 2 ? `${date}T${String(hours - 2).padStart(2, "0")}:${String(minutes).padStart(2, "0")}` : current;
    await when.fill(earlier);
    await form.getByLabel("Outcome").fill("Asked for a quote");
    await form.getByLabel("Outcome").press("Enter");
    await page.getByRole("status").filter({ hasText: "Activity updated." }).waitFor();
    await item(page, "Outcome: Asked for a quote").waitFor();
    if (earlier !== current) {
      await page.getByTestId("communication").getByTestId("comm-first-response").filter({ hasText: /hr/ }).waitFor();
    }
    assert(await page.evaluate(() => document.activeElement?.getAttribute("data-action") === "edit"), "focus did not return to the edit button");
  });

  await step("timeline: a field edited on the page appears as a change item with before and after", async () => {
    await page.locator(".tl-chips").getByRole("button", { name: "All" }).click();
    await page.getByRole("button", { name: "Edit Job title" }).click();
    await page.locator('form.inline-edit input[name="job_title"]').fill("Head of purchasing");
    await page.locator("form.inline-edit").getByRole("button", { name: "Save" }).click();
    const change = page.getByTestId("timeline").locator(".tl-item[data-kind=change]", { hasText: "Head of purchasing" });
    await change.waitFor();
    const text = await change.innerText();
    assert(text.includes("Fields changed") && text.includes("Job title") && text.includes("Buyer"), `change item reads ${text}`);
    await screenshot(page, "timeline-change");
  });

  await step("timeline: the contact page with its timeline fits a phone without horizontal scroll", async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await page.getByTestId("log-activity").click();
    await page.getByTestId("activity-form").waitFor();
    // The card alone, at phone width: the full-page shot is too tall to judge the layout by.
    await page.locator("rapport-timeline").screenshot({ path: join(tmpdir(), "rapport-timeline-phone-form.png") });
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    assert(overflow <= 0, `horizontal scroll of ${overflow}px at 390px`);
    await page.keyboard.press("Escape");
    await page.getByTestId("activity-form").waitFor({ state: "detached" });
    await page.getByTestId("timeline").scrollIntoViewIfNeeded();
    await screenshot(page, "timeline-phone");
    await page.locator("rapport-communication").screenshot({ path: join(tmpdir(), "rapport-communication-phone.png") });
    await page.locator("rapport-timeline").screenshot({ path: join(tmpdir(), "rapport-timeline-phone.png") });
    await page.setViewportSize({ width: 1280, height: 900 });
  });

  await step("timeline: a note logged on a deal page also lands on its primary contact's timeline", async () => {
    const deal = await api(page, "POST", "/deals", { title: "Milda's van fleet", value: 1200000, primary_contact_id: contactId });
    assert(deal.status === 201, `deal create answered ${deal.status}`);
    await page.goto(`${origin}/deals/${deal.body.id}`);
    await page.getByTestId("deal-title").waitFor();
    await item(page, "Milda's van fleet").first().waitFor();
    await page.getByTestId("log-activity").click();
    const form = page.getByTestId("activity-form");
    await form.getByLabel("Type").selectOption("note");
    assert(await form.getByLabel("Direction").isHidden(), "a note asks for a direction");
    await form.getByLabel("Subject").fill("Budget approved for Q1");
    await form.getByRole("button", { name: "Log activity" }).click();
    await item(page, "Budget approved for Q1").waitFor();
    await page.goto(`${origin}/contacts/${contactId}`);
    await item(page, "Budget approved for Q1").waitFor();
  });
}
