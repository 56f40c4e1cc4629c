import { env } from "cloudflare:workers";
import { and, eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { signLink } from "../../workers/campaigns/link-token";
import { createDatabase } from "../../workers/db/client";
import { newId } from "../../workers/db/ids";
import { campaignRecipients, campaigns, consentRecords, contacts, emailSuppressions } from "../../workers/db/schema";
import { addMember, call, expectProblem, field, signUp, type Account } from "../helpers/api";

// The unsubscribe link: GET shows a page in the recipient's language, POST (the page's button or
// a mail client's one-click POST, no session) records the consent change, suppresses the address
// and counts it on the campaign, once however often it is posted. And the suppressions API.

const db = createDatabase(env.DB);
let owner: Account;

async function contactWith(email: string, language: string) {
  const res = await call("POST", "/api/v1/contacts", { token: owner.token, body: { first_name: "Marija", emails: [email], language, consent: { status: "granted", source: "form" } } });
  if (res.status !== 201) throw new Error(res.text);
  return field<string>(res.json, "id");
}

/** A sent campaign with one recipient, written by its schema (the campaign API is another module's). */
async function sentTo(contactId: string, email: string, language: string) {
  const now = Date.now();
  const campaignId = newId("campaign", now);
  const recipientId = newId("recipient", now);
  await db.insert(campaigns).values({ id: campaignId, workspaceId: owner.workspaceId, name: "News", fromName: "Acme", fromAddress: "news@acme.lt", status: "sent", createdAt: now, updatedAt: now });
  await db.insert(campaignRecipients).values({ id: recipientId, workspaceId: owner.workspaceId, campaignId, contactId, email, language, sendAt: now, status: "sent", sentAt: now });
  return { campaignId, recipientId, token: await signLink(env.JWT_SECRET, "unsubscribe", recipientId) };
}

const oneClick = { rawBody: "List-Unsubscribe=One-Click", headers: { "content-type": "application/x-www-form-urlencoded" } };

beforeAll(async () => {
  owner = await signUp();
});

describe("unsubscribe link", () => {
  it("GET shows a confirmation in the recipient's language with a form that posts back, and changes nothing", async () => {
    const contactId = await contactWith("marija@example.lt", "ru");
    const { token, recipientId } = await sentTo(contactId, "marija@example.lt", "ru");
    const page = await call("GET", `/u/${token}`);
    expect(page.status).toBe(200);
    expect(page.headers.get("content-type")).toMatch(/^text\/html/);
    expect(page.headers.get("content-security-policy")).toContain("default-src 'none'");
    expect(page.text).toContain('<html lang="ru">');
    expect(page.text).toContain("Отписаться");
    expect(page.text).toContain('<form method="post">');
    const [row] = await db.select().from(campaignRecipients).where(eq(campaignRecipients.id, recipientId));
    expect(row?.unsubscribedAt).toBeNull();
  });

  it("one-click POST without a session unsubscribes: consent denied with a record, suppression, recipient and campaign counted — once", async () => {
    const email = "jonas.unsub@example.lt";
    const contactId = await contactWith(email, "lt");
    const { token, recipientId, campaignId } = await sentTo(contactId, email, "lt");
    const first = await call("POST", `/u/${token}`, oneClick);
    expect(first.status).toBe(200);
    expect(first.text).toContain("Prenumeratos atsisakyta");
    const again = await call("POST", `/u/${token}`, oneClick);
    expect(again.status).toBe(200);
    const form = await call("POST", `/u/${token}`, { rawBody: "confirm=1", headers: { "content-type": "application/x-www-form-urlencoded" } });
    expect(form.status).toBe(200);

    const [recipient] = await db.select().from(campaignRecipients).where(eq(campaignRecipients.id, recipientId));
    expect(recipient?.unsubscribedAt).toEqual(expect.any(Number));
    const [campaign] = await db.select().from(campaigns).where(eq(campaigns.id, campaignId));
    expect(campaign?.unsubscribedCount).toBe(1);
    const suppressions = await db.select().from(emailSuppressions).where(eq(emailSuppressions.workspaceId, owner.workspaceId));
    expect(suppressions.filter((s) => s.email === email)).toEqual([expect.objectContaining({ reason: "unsubscribed", source: `unsubscribe_link:${campaignId}` })]);
    const records = await db.select().from(consentRecords).where(and(eq(consentRecords.workspaceId, owner.workspaceId), eq(consentRecords.contactId, contactId)));
    expect(records.filter((r) => r.source === "unsubscribe_link").map((r) => r.status)).toEqual(["denied"]);
    const contact = await call("GET", `/api/v1/contacts/${contactId}`, { token: owner.token });
    expect(contact.json).toMatchObject({ consent: expect.objectContaining({ status: "denied", source: "unsubscribe_link" }) });
    // Now the page says it is done instead of offering the button.
    const page = await call("GET", `/u/${token}`);
    expect(page.text).not.toContain("<form");

    // A later campaign to the same contact: already denied, so no second consent record, but
    // that campaign counts its own unsubscribe.
    const later = await sentTo(contactId, email, "lt");
    expect((await call("POST", `/u/${later.token}`, oneClick)).status).toBe(200);
    const recordsAfter = await db.select().from(consentRecords).where(and(eq(consentRecords.contactId, contactId), eq(consentRecords.source, "unsubscribe_link")));
    expect(recordsAfter).toHaveLength(1);
    const [laterCampaign] = await db.select().from(campaigns).where(eq(campaigns.id, later.campaignId));
    expect(laterCampaign?.unsubscribedCount).toBe(1);
    const [stored] = await db.select().from(contacts).where(eq(contacts.id, contactId));
    expect(stored?.consentStatus).toBe("denied");
  });

  it("a bad, tampered or other-purpose token is a 404 page that changes nothing", async () => {
    const contactId = await contactWith("ieva@example.lt", "lt");
    const { token, recipientId } = await sentTo(contactId, "ieva@example.lt", "lt");
    const tampered = `${token.slice(0, -2)}${token.endsWith("AA") ? "BB" : "AA"}`;
    const click = await signLink(env.JWT_SECRET, "click", recipientId);
    for (const bad of ["nonsense", tampered, click, `rcp_${"x".repeat(20)}.abc`]) {
      const res = await call("POST", `/u/${bad}`, oneClick);
      expect(res.status).toBe(404);
      expect(res.text).toContain("not valid");
    }
    const forged = await signLink(env.JWT_SECRET, "unsubscribe", "rcp_01jd0000000000000000000000");
    expect((await call("GET", `/u/${forged}`)).status).toBe(404);
    const [row] = await db.select().from(campaignRecipients).where(eq(campaignRecipients.id, recipientId));
    expect(row?.unsubscribedAt).toBeNull();
  });
});

describe("suppressions API", () => {
  it("lists unsubscribed and manual addresses, adds and removes by hand (admins), hidden from other workspaces", async () => {
    const added = await call("POST", "/api/v1/suppressions", { token: owner.token, body: { email: "  Bounce@Example.COM " } });
    expect(added.status).toBe(201);
    expect(added.json).toMatchObject({ email: "bounce@example.com", reason: "manual", source: owner.userId });
    const list = await call("GET", "/api/v1/suppressions?limit=200", { token: owner.token });
    expect(field<{ email: string }[]>(list.json, "data").map((s) => s.email)).toContain("bounce@example.com");
    const manual = await call("GET", "/api/v1/suppressions?reason=manual", { token: owner.token });
    expect(field<{ reason: string }[]>(manual.json, "data").every((s) => s.reason === "manual")).toBe(true);
    expectProblem(await call("POST", "/api/v1/suppressions", { token: owner.token, body: { email: "x@y.z", reason: "bounced" } }), 422);
    expectProblem(await call("POST", "/api/v1/suppressions", { token: owner.token, body: { email: "not an address" } }), 422);

    const member = await addMember(owner, "member");
    expectProblem(await call("GET", "/api/v1/suppressions", { token: member.token }), 403);
    expectProblem(await call("DELETE", "/api/v1/suppressions/bounce@example.com", { token: member.token }), 403);
    const stranger = await signUp();
    expectProblem(await call("DELETE", "/api/v1/suppressions/bounce@example.com", { token: stranger.token }), 404);
    expect(field<unknown[]>((await call("GET", "/api/v1/suppressions", { token: stranger.token })).json, "data")).toEqual([]);

    expect((await call("DELETE", `/api/v1/suppressions/${encodeURIComponent("Bounce@example.com")}`, { token: owner.token })).status).toBe(204);
    expectProblem(await call("DELETE", "/api/v1/suppressions/bounce@example.com", { token: owner.token }), 404);
  });
});
