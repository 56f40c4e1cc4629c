// The sales-pipeline part of the browser test: two teammates (A on a desktop, B on a phone) on
// the same board. Quick add, a pointer drag seen live by the other within a second, a keyboard
// move with its announcements, a stale move answered by a conflict, totals, and the deal page
// with stage history and presence.
import { api } from "./page-api.mjs";


const card = (page, title) => page.locator(".deal-card", { hasText: title });
const column = (page, name) => page.getByTestId(`column-${name}`);

async function stageOf(page, title) {
  return await card(page, title).evaluate((el) => el.closest(".board-column")?.getAttribute("data-testid")?.replace("column-", ""));
}

async function dragTo(page, title, stage) {
  const from = await card(page, title).boundingBox();
  const to = await column(page, stage).locator(".deal-list").boundingBox();
  await page.mouse.move(from.x + from.width / 2, from.y + 12);
  await page.mouse.down();
  await page.mouse.move(from.x + from.width / 2 + 20, from.y + 20, { steps: 3 });
  await page.mouse.move(to.x + to.width / 2, to.y + 20, { steps: 12 });
  await page.mouse.up();
}

export async function pipelineFlow({ browser, page, origin, step, assert, screenshot, teammate }) {
  const title = "Baltic fleet renewal";
  const b = await browser.newContext({ viewport: { width: 390, height: 844 }, locale: "en-GB", isMobile: true, hasTouch: true, timezoneId: "Europe/Riga" });
  const phone = await b.newPage();
  const phoneErrors = [];
  phone.on("pageerror", (error) => phoneErrors.push(error.message));
  let dealId = "";

  await step("pipeline: both teammates open the same board", async () => {
    await page.setViewportSize({ width: 1440, height: 900 });
    await page.getByRole("navigation", { name: "Main navigation" }).getByRole("link", { name: "Pipeline" }).click();
    await page.waitForURL(`${origin}/pipeline`);
    await column(page, "New").waitFor();
    await phone.goto(`${origin}/signin?next=/pipeline`);
    await phone.getByLabel("Email").fill(teammate.email);
    await phone.getByLabel("Password").fill(teammate.password);
    await phone.getByRole("button", { name: "Sign in" }).click();
    await phone.waitForURL(`${origin}/pipeline`);
    await column(phone, "New").waitFor();
    for (const name of ["New", "Qualified", "Proposal", "Negotiation", "Won", "Lost"]) assert((await column(page, name).count()) === 1, `column ${name} missing`);
    // Presence: A sees that B is looking at the board too.
    await page.getByTestId("presence").getByText(teammate.name).waitFor();
  });

  await step("pipeline: quick add by A appears on B's board without reload", async () => {
    await page.getByLabel("Deal name").fill(title);
    await page.getByTestId("quick-add").getByLabel("Value").fill("12 500");
    await page.getByRole("button", { name: "Add deal" }).click();
    await card(page, title).waitFor();
    await page.getByRole("status").filter({ hasText: `Deal ${title} added.` }).waitFor();
    await card(phone, title).waitFor({ timeout: 3000 });
    assert((await stageOf(phone, title)) === "New", "B sees the deal in the wrong stage");
    const total = await column(phone, "New").getByTestId("column-total").textContent();
    assert(total.includes("12,500"), `New total on B is ${total}`);
    dealId = (await card(page, title).getAttribute("data-deal-id")) ?? "";
    assert(dealId.startsWith("deal_"), `deal id ${dealId}`);
  });

  await step("pipeline: A drags the card to Qualified with the pointer; B sees it move within one second", async () => {
    await dragTo(page, title, "Qualified");
    const dropped = Date.now();
    await phone.waitForFunction((id) => document.querySelector(`[data-testid="column-Qualified"] [data-deal-id="${id}"]`), dealId, { timeout: 1000 });
    const lag = Date.now() - dropped;
    assert((await stageOf(page, title)) === "Qualified", "A's card is not in Qualified");
    const weighted = await column(page, "Qualified").getByTestId("column-weighted").textContent();
    assert(weighted.includes("3,125"), `Qualified weighted total is ${weighted} (25% of 12,500)`);
    const newTotal = await column(phone, "New").getByTestId("column-total").textContent();
    assert(newTotal.includes("0.00"), `New total on B after the move is ${newTotal}`);
    console.log(`    (B saw the move after ${lag} ms)`);
    await screenshot(page, "pipeline-board");
    await screenshot(phone, "pipeline-board-phone");
  });

  await step("pipeline: A moves the card with the keyboard only, announced to screen readers", async () => {
    await card(page, title).focus();
    await page.keyboard.press("Space");
    await page.getByRole("status").filter({ hasText: `Picked up ${title}. Qualified, position 1 of 1.` }).waitFor();
    await page.keyboard.press("ArrowRight");
    await page.getByRole("status").filter({ hasText: `${title}: Proposal, position 1 of 1.` }).waitFor();
    await page.keyboard.press("ArrowRight");
    await page.keyboard.press("ArrowLeft");
    await page.keyboard.press("Escape");
    await page.getByRole("status").filter({ hasText: `Move cancelled. ${title} stays in Qualified.` }).waitFor();
    await page.keyboard.press("Space");
    await page.keyboard.press("ArrowRight");
    await page.keyboard.press("ArrowRight");
    await screenshot(page, "pipeline-keyboard-lifted");
    await page.keyboard.press("Space");
    await page.getByRole("status").filter({ hasText: `Dropped ${title} in Negotiation, position 1 of 1.` }).waitFor();
    await phone.waitForFunction((id) => document.querySelector(`[data-testid="column-Negotiation"] [data-deal-id="${id}"]`), dealId, { timeout: 2000 });
    const server = await api(page, "GET", `/deals/${dealId}`);
    const board = await api(page, "GET", `/pipelines/${server.body.pipeline_id}/board`);
    const negotiation = board.body.columns.find((c) => c.name === "Negotiation");
    assert(negotiation.deals.some((d) => d.id === dealId), "server does not have the deal in Negotiation");
    assert(await page.evaluate(() => document.activeElement?.classList.contains("deal-card")), "focus left the card after the drop");
  });

  await step("pipeline: a stale move answers with a conflict notice and the card ends where the server says", async () => {
    const { body: current } = await api(phone, "GET", `/deals/${dealId}`);
    const board = await api(phone, "GET", `/pipelines/${current.pipeline_id}/board`);
    const proposal = board.body.columns.find((c) => c.name === "Proposal");
    // B moves the deal back to Proposal; then A's next move carries the version it saw before.
    const moved = await api(phone, "POST", `/deals/${dealId}/move`, { stage_id: proposal.id, version: current.version });
    assert(moved.status === 200, `B's move answered ${moved.status}`);
    await page.waitForFunction((id) => document.querySelector(`[data-testid="column-Proposal"] [data-deal-id="${id}"]`), dealId, { timeout: 2000 });
    await page.route("**/api/v1/deals/*/move", async (route) => {
      const body = JSON.parse(route.request().postData() ?? "{}");
      await route.continue({ postData: JSON.stringify({ ...body, version: current.version }) });
    });
    await dragTo(page, title, "Won");
    await page.getByRole("status").filter({ hasText: `Someone changed ${title} first. It is now in Proposal.` }).waitFor();
    await page.unroute("**/api/v1/deals/*/move");
    await page.waitForFunction((id) => document.querySelector(`[data-testid="column-Proposal"] [data-deal-id="${id}"]`), dealId, { timeout: 2000 });
    assert((await stageOf(phone, title)) === "Proposal", "B's board disagrees with the server");
    const wonCount = await column(page, "Won").getByTestId("column-count").textContent();
    assert(wonCount === "0", `Won count is ${wonCount}`);
    const proposalTotal = await column(page, "Proposal").getByTestId("column-total").textContent();
    assert(proposalTotal.includes("12,500"), `Proposal total is ${proposalTotal}`);
    await screenshot(page, "pipeline-conflict");
  });

  await step("pipeline: the deal page shows stage history and who else is looking", async () => {
    await card(page, title).locator(".deal-title").click();
    await page.waitForURL(`${origin}/deals/${dealId}`);
    await page.getByTestId("deal-title").filter({ hasText: title }).waitFor();
    await phone.goto(`${origin}/deals/${dealId}`);
    await phone.getByTestId("deal-title").waitFor();
    await page.getByTestId("presence").getByText(teammate.name).waitFor({ timeout: 5000 });
    const history = page.getByTestId("stage-history").locator("li");
    await history.nth(3).waitFor();
    const text = await page.getByTestId("stage-history").innerText();
    for (const expected of ["Qualified → Negotiation", "New → Qualified", "Created in New"]) assert(text.includes(expected), `history lacks "${expected}":\n${text}`);
    await screenshot(page, "deal-page");
    await screenshot(phone, "deal-page-phone");
  });

  await step("pipeline: stage settings and exchange rates render; the board fits a 390px phone", async () => {
    await page.goto(`${origin}/settings/pipelines`);
    await page.getByTestId("stage-editor").getByTestId("stage-row").nth(5).waitFor();
    await screenshot(page, "pipeline-settings");
    await page.goto(`${origin}/settings/exchange-rates`);
    await page.getByRole("heading", { name: "Exchange rates" }).waitFor();
    await phone.goto(`${origin}/pipeline`);
    await column(phone, "New").waitFor();
    const overflow = await phone.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    assert(overflow <= 0, `board page scrolls sideways by ${overflow}px on a phone`);
    const inner = await phone.getByTestId("board").evaluate((el) => el.scrollWidth > el.clientWidth);
    assert(inner, "columns do not scroll inside the board");
    await page.getByTestId("language").selectOption("lt");
    await page.goto(`${origin}/pipeline`);
    await column(page, "New").waitFor();
    await page.getByRole("button", { name: "Pridėti sandorį" }).waitFor();
    await screenshot(page, "pipeline-lt");
    await page.getByTestId("language").selectOption("en");
    assert(phoneErrors.length === 0, phoneErrors.join("\n"));
  });

  await b.close();
}
