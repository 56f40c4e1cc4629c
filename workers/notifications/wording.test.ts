import { describe, expect, it } from "vitest";
import { languages } from "../db/schema";
import { formatDateTime, renderNotification, type NotificationMessage } from "./wording";

// 07:00 UTC on a winter day: 09:00 in Vilnius (UTC+2), 10:00 in Moscow (UTC+3).
const winterMorning = Date.parse("2026-01-15T07:00:00Z");

const samples: NotificationMessage[] = [
  { type: "task.reminder", title: "Call Ona", dueAt: winterMorning },
  { type: "task.assigned", title: "Prepare the demo", dueAt: winterMorning, byName: "Jonas" },
  { type: "task.assigned", title: "Prepare the demo", dueAt: null, byName: null },
  {
    type: "task.digest",
    localDate: "2026-01-15",
    overdue: 2,
    dueToday: 3,
    capped: false,
    tasks: [
      { title: "Call Ona", dueAt: winterMorning },
      { title: "Send the offer", dueAt: winterMorning + 3_600_000 },
    ],
    more: 3,
  },
  { type: "deal.rotting", title: "Big deal", stageName: "Qualified", idleDays: 15 },
  { type: "contact.birthday", name: "Ona Petraitė" },
  { type: "contact.birthday", name: null },
  { type: "lead.assigned", name: "ona@lead.lt", formName: "Demo request" },
  { type: "lead.assigned", name: null, formName: "Demo request" },
];

describe("renderNotification", () => {
  for (const language of languages) {
    it(`renders every type in ${language} with nothing left unfilled`, () => {
      for (const message of samples) {
        const rendered = renderNotification(message, { language, timeZone: "Europe/Vilnius" });
        for (const part of [rendered.text, rendered.subject, rendered.body]) {
          expect(part.trim(), `${language} ${message.type}`).not.toBe("");
          expect(part, `${language} ${message.type}`).not.toMatch(/\{|\}|undefined|null|NaN|Invalid Date/u);
        }
        expect(rendered.body.startsWith(rendered.text), `${language} ${message.type}`).toBe(true);
      }
    });
  }

  it("uses each language's own words, not English", () => {
    const reminder = samples[0];
    if (!reminder) throw new Error("setup");
    const texts = languages.map((language) => renderNotification(reminder, { language, timeZone: "UTC" }).text);
    expect(texts).toEqual(["Reminder: Call Ona", "Priminimas: Call Ona", "Atgādinājums: Call Ona", "Opomnik: Call Ona", "Напоминание: Call Ona"]);
    expect(new Set(languages.map((language) => renderNotification({ type: "contact.birthday", name: null }, { language, timeZone: "UTC" }).text)).size).toBe(5);
  });

  it("shows times on the recipient's clock, naming the zone", () => {
    const vilnius = renderNotification({ type: "task.reminder", title: "Call Ona", dueAt: winterMorning }, { language: "en", timeZone: "Europe/Vilnius" });
    expect(vilnius.body).toMatch(/Due: Jan 15, 2026, 9:00\sAM \S+/u);
    expect(vilnius.body).not.toContain("7:00");
    const moscow = renderNotification({ type: "task.reminder", title: "Call Ona", dueAt: winterMorning }, { language: "ru", timeZone: "Europe/Moscow" });
    expect(moscow.body).toContain("Срок: 15 янв. 2026 г., 10:00");
    // In summer Vilnius is UTC+3: the same 07:00 UTC reads 10:00.
    expect(formatDateTime(Date.parse("2026-07-15T07:00:00Z"), "lt", "Europe/Vilnius")).toMatch(/^2026-07-15 10:00 \S+/u);
  });

  it("formats Lithuanian and Russian dates their own way", () => {
    expect(formatDateTime(winterMorning, "lt", "Europe/Vilnius")).toMatch(/^2026-01-15 09:00 \S+/u);
    const digest = samples[3];
    if (!digest) throw new Error("setup");
    const lt = renderNotification(digest, { language: "lt", timeZone: "Europe/Vilnius" });
    expect(lt.text).toBe("Šiandien: vėluojančių 2, atlikti šiandien 3");
    expect(lt.subject).toBe("Jūsų užduotys 2026 m. sausio 15 d.");
    expect(lt.body).toContain("- Call Ona (2026-01-15 09:00");
    expect(lt.body).toContain("- Send the offer (2026-01-15 10:00");
    expect(lt.body).toContain("… ir dar 3");
    const ru = renderNotification(digest, { language: "ru", timeZone: "Europe/Moscow" });
    expect(ru.text).toBe("Сегодня: просрочено 2, на сегодня 3");
    expect(ru.subject).toBe("Ваши задачи на 15 января 2026 г.");
    expect(ru.body).toContain("- Call Ona (15 янв. 2026 г., 10:00");
  });

  it("marks the short count of a capped digest with +", () => {
    const base = { type: "task.digest" as const, localDate: "2026-01-15", capped: true, tasks: [], more: 480 };
    expect(renderNotification({ ...base, overdue: 200, dueToday: 300 }, { language: "en", timeZone: "UTC" }).text).toBe("Today: 200 overdue, 300+ due today");
    expect(renderNotification({ ...base, overdue: 500, dueToday: 0 }, { language: "en", timeZone: "UTC" }).text).toBe("Today: 500+ overdue, 0 due today");
    expect(renderNotification({ ...base, overdue: 500, dueToday: 0 }, { language: "en", timeZone: "UTC" }).body).toContain("… and 480+ more");
  });

  it("words the assigner, a missing assigner and the due time of an assigned task", () => {
    const [, named, unnamed] = samples;
    if (!named || !unnamed) throw new Error("setup");
    const lt = renderNotification(named, { language: "lt", timeZone: "Europe/Vilnius" });
    expect(lt).toMatchObject({ text: "Jonas jums priskyrė užduotį: Prepare the demo", subject: "Nauja užduotis: Prepare the demo" });
    expect(lt.body).toContain("Terminas: 2026-01-15 09:00");
    expect(renderNotification(unnamed, { language: "en", timeZone: "UTC" }).text).toBe("An integration assigned you a task: Prepare the demo");
    expect(renderNotification(unnamed, { language: "ru", timeZone: "UTC" }).text).toBe("Интеграция назначил(а) вам задачу: Prepare the demo");
    expect(renderNotification(unnamed, { language: "en", timeZone: "UTC" }).body).not.toContain("Due");
  });

  it("words rotting deals, birthdays and leads", () => {
    const ru = { language: "ru", timeZone: "UTC" };
    expect(renderNotification({ type: "deal.rotting", title: "Big deal", stageName: "Qualified", idleDays: 15 }, ru)).toMatchObject({
      text: "«Big deal» без активности на этапе «Qualified» уже 15 дн.",
      subject: "Сделка простаивает: Big deal",
    });
    expect(renderNotification({ type: "deal.rotting", title: "Big deal", stageName: "Qualified", idleDays: 15 }, { language: "en", timeZone: "UTC" }).text).toBe(
      "“Big deal” has been idle in Qualified for 15 days",
    );
    expect(renderNotification({ type: "contact.birthday", name: null }, { language: "sl", timeZone: "UTC" }).text).toBe("Stik ima danes rojstni dan");
    expect(renderNotification({ type: "lead.assigned", name: "ona@lead.lt", formName: "Demo" }, { language: "lt", timeZone: "UTC" }).text).toBe(
      "Naujas potencialus klientas iš „Demo“: ona@lead.lt",
    );
    expect(renderNotification({ type: "lead.assigned", name: null, formName: "Demo" }, { language: "lv", timeZone: "UTC" }).text).toBe(
      "Jauns potenciālais klients no “Demo”: Kontakts",
    );
  });

  it("falls back to English for an unknown language and to UTC for an invalid zone", () => {
    const rendered = renderNotification({ type: "task.reminder", title: "Call Ona", dueAt: winterMorning }, { language: "xx", timeZone: "Mars/Olympus" });
    expect(rendered.text).toBe("Reminder: Call Ona");
    expect(rendered.body).toMatch(/Due: Jan 15, 2026, 7:00\sAM UTC/u);
  });
});
