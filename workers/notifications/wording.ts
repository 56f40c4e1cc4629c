import type { Language, NotificationType } from "../db/schema";
import { isValidTimeZone } from "../lib/zoned-time";

// What a notification says, in the recipient's language and time zone. Producers describe what
// happened (a NotificationMessage, raw values only) and notifyUser renders it once it has read
// the recipient: only then are their language and zone known, and a producer never has to
// guess them. Pure: no I/O, so every wording is unit-tested.

export type NotificationMessage =
  | { type: "task.reminder"; title: string; /** epoch ms */ dueAt: number }
  | { type: "task.assigned"; title: string; dueAt: number | null; /** null: an integration or the system */ byName: string | null }
  | {
      type: "task.digest";
      /** The recipient's local date, YYYY-MM-DD. */
      localDate: string;
      overdue: number;
      dueToday: number;
      /** The read stopped at its limit: the shorter count is a lower bound. */
      capped: boolean;
      tasks: { title: string; dueAt: number }[];
      /** Tasks counted but not listed. */
      more: number;
    }
  | { type: "deal.rotting"; title: string; stageName: string; idleDays: number }
  | { type: "contact.birthday"; name: string | null }
  | { type: "lead.assigned"; /** The contact's name, else its email or phone, else null. */ name: string | null; formName: string }
  | {
      type: "quality.digest";
      /** The workspace's data-quality score, 0–100, and the previous audit's (null on the first). */
      score: number;
      previousScore: number | null;
      /** The recipient's own records with at least one finding. */
      ownFindings: number;
    }
  | { type: "import.finished"; fileName: string; created: number; updated: number; invalid: number; dryRun: boolean };

// Every stored notification type has a message and vice versa; adding a type to the schema
// without wording for it fails to compile here.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const everyTypeHasWording: Same<NotificationMessage["type"], NotificationType> = true;
void everyTypeHasWording;

export type Recipient = { language: string; timeZone: string };
export type RenderedNotification = { text: string; subject: string; body: string };

type Words = {
  dueLabel: string;
  reminder: (title: string) => string;
  assigned: (by: string, title: string) => string;
  assignedSubject: (title: string) => string;
  integration: string;
  digest: (overdue: string, today: string) => string;
  digestSubject: (date: string) => string;
  digestMore: (n: string) => string;
  rotting: (title: string, stage: string, days: number) => string;
  rottingSubject: (title: string) => string;
  birthday: (name: string) => string;
  birthdaySubject: (name: string) => string;
  aContact: string;
  lead: (form: string, name: string) => string;
  quality: (score: number, previous: number | null) => string;
  qualityOwn: (n: number) => string;
  imported: (file: string, created: number, updated: number, invalid: number) => string;
  dryRun: (file: string, created: number, updated: number, invalid: number) => string;
};

const words: Record<Language, Words> = {
  en: {
    dueLabel: "Due",
    reminder: (title) => `Reminder: ${title}`,
    assigned: (by, title) => `${by} assigned you a task: ${title}`,
    assignedSubject: (title) => `New task: ${title}`,
    integration: "An integration",
    digest: (o, t) => `Today: ${o} overdue, ${t} due today`,
    digestSubject: (date) => `Your tasks for ${date}`,
    digestMore: (n) => `… and ${n} more`,
    rotting: (title, stage, days) => `“${title}” has been idle in ${stage} for ${days} days`,
    rottingSubject: (title) => `Deal idle: ${title}`,
    birthday: (name) => `${name} has a birthday today`,
    birthdaySubject: (name) => `Birthday: ${name}`,
    aContact: "A contact",
    lead: (form, name) => `New lead from ${form}: ${name}`,
    quality: (score, previous) => `Data quality: ${score}/100` + (previous === null ? "" : ` (was ${previous})`),
    qualityOwn: (n) => `${n} of your records need attention.`,
    imported: (file, c, u, i) => `Import of ${file} finished: ${c} created, ${u} updated, ${i} invalid`,
    dryRun: (file, c, u, i) => `Dry run of ${file}: ${c} would be created, ${u} updated, ${i} invalid`,
  },
  lt: {
    dueLabel: "Terminas",
    reminder: (title) => `Priminimas: ${title}`,
    assigned: (by, title) => `${by} jums priskyrė užduotį: ${title}`,
    assignedSubject: (title) => `Nauja užduotis: ${title}`,
    integration: "Integracija",
    digest: (o, t) => `Šiandien: vėluojančių ${o}, atlikti šiandien ${t}`,
    digestSubject: (date) => `Jūsų užduotys ${date}`,
    digestMore: (n) => `… ir dar ${n}`,
    rotting: (title, stage, days) => `„${title}“ etape „${stage}“ be veiklos jau ${days} d.`,
    rottingSubject: (title) => `Sandoris stovi: ${title}`,
    birthday: (name) => `${name} šiandien švenčia gimtadienį`,
    birthdaySubject: (name) => `Gimtadienis: ${name}`,
    aContact: "Kontaktas",
    lead: (form, name) => `Naujas potencialus klientas iš „${form}“: ${name}`,
    quality: (score, previous) => `Duomenų kokybė: ${score}/100` + (previous === null ? "" : ` (buvo ${previous})`),
    qualityOwn: (n) => `Jūsų įrašų, kuriems reikia dėmesio: ${n}.`,
    imported: (file, c, u, i) => `Importas „${file}“ baigtas: sukurta ${c}, atnaujinta ${u}, netinkamų ${i}`,
    dryRun: (file, c, u, i) => `Bandomasis „${file}“ importas: būtų sukurta ${c}, atnaujinta ${u}, netinkamų ${i}`,
  },
  lv: {
    dueLabel: "Termiņš",
    reminder: (title) => `Atgādinājums: ${title}`,
    assigned: (by, title) => `${by} jums piešķīra uzdevumu: ${title}`,
    assignedSubject: (title) => `Jauns uzdevums: ${title}`,
    integration: "Integrācija",
    digest: (o, t) => `Šodien: nokavēti ${o}, jāizpilda šodien ${t}`,
    digestSubject: (date) => `Jūsu uzdevumi ${date}`,
    digestMore: (n) => `… un vēl ${n}`,
    rotting: (title, stage, days) => `“${title}” posmā “${stage}” bez aktivitātes jau ${days} d.`,
    rottingSubject: (title) => `Darījums stāv: ${title}`,
    birthday: (name) => `${name} šodien svin dzimšanas dienu`,
    birthdaySubject: (name) => `Dzimšanas diena: ${name}`,
    aContact: "Kontakts",
    lead: (form, name) => `Jauns potenciālais klients no “${form}”: ${name}`,
    quality: (score, previous) => `Datu kvalitāte: ${score}/100` + (previous === null ? "" : ` (bija ${previous})`),
    qualityOwn: (n) => `Jūsu ieraksti, kam vajadzīga uzmanība: ${n}.`,
    imported: (file, c, u, i) => `“${file}” imports pabeigts: izveidoti ${c}, atjaunināti ${u}, nederīgi ${i}`,
    dryRun: (file, c, u, i) => `“${file}” izmēģinājuma imports: tiktu izveidoti ${c}, atjaunināti ${u}, nederīgi ${i}`,
  },
  sl: {
    dueLabel: "Rok",
    reminder: (title) => `Opomnik: ${title}`,
    assigned: (by, title) => `${by} vam je dodelil(a) nalogo: ${title}`,
    assignedSubject: (title) => `Nova naloga: ${title}`,
    integration: "Integracija",
    digest: (o, t) => `Danes: zamujenih ${o}, za danes ${t}`,
    digestSubject: (date) => `Vaše naloge za ${date}`,
    digestMore: (n) => `… in še ${n}`,
    rotting: (title, stage, days) => `»${title}« v fazi »${stage}« miruje že ${days} dni`,
    rottingSubject: (title) => `Posel miruje: ${title}`,
    birthday: (name) => `${name} ima danes rojstni dan`,
    birthdaySubject: (name) => `Rojstni dan: ${name}`,
    aContact: "Stik",
    lead: (form, name) => `Nov potencialni kupec iz »${form}«: ${name}`,
    quality: (score, previous) => `Kakovost podatkov: ${score}/100` + (previous === null ? "" : ` (prej ${previous})`),
    qualityOwn: (n) => `Vaši zapisi, ki potrebujejo pozornost: ${n}.`,
    imported: (file, c, u, i) => `Uvoz »${file}« končan: ustvarjenih ${c}, posodobljenih ${u}, neveljavnih ${i}`,
    dryRun: (file, c, u, i) => `Poskusni uvoz »${file}«: ustvarjenih bi bilo ${c}, posodobljenih ${u}, neveljavnih ${i}`,
  },
  ru: {
    dueLabel: "Срок",
    reminder: (title) => `Напоминание: ${title}`,
    assigned: (by, title) => `${by} назначил(а) вам задачу: ${title}`,
    assignedSubject: (title) => `Новая задача: ${title}`,
    integration: "Интеграция",
    digest: (o, t) => `Сегодня: просрочено ${o}, на сегодня ${t}`,
    digestSubject: (date) => `Ваши задачи на ${date}`,
    digestMore: (n) => `… и ещё ${n}`,
    rotting: (title, stage, days) => `«${title}» без активности на этапе «${stage}» уже ${days} дн.`,
    rottingSubject: (title) => `Сделка простаивает: ${title}`,
    birthday: (name) => `${name}: сегодня день рождения`,
    birthdaySubject: (name) => `День рождения: ${name}`,
    aContact: "Контакт",
    lead: (form, name) => `Новый лид из «${form}»: ${name}`,
    quality: (score, previous) => `Качество данных: ${score}/100` + (previous === null ? "" : ` (было ${previous})`),
    qualityOwn: (n) => `Ваших записей, требующих внимания: ${n}.`,
    imported: (file, c, u, i) => `Импорт «${file}» завершён: создано ${c}, обновлено ${u}, с ошибками ${i}`,
    dryRun: (file, c, u, i) => `Пробный импорт «${file}»: было бы создано ${c}, обновлено ${u}, с ошибками ${i}`,
  },
};

const isLanguage = (value: string): value is Language => Object.hasOwn(words, value);

// Building a DateTimeFormat costs far more than using one; an isolate sees few language/zone pairs.
const formatters = new Map<string, { dateTime: Intl.DateTimeFormat; zone: Intl.DateTimeFormat }>();

function formattersFor(language: Language, timeZone: string) {
  const key = `${language}|${timeZone}`;
  let found = formatters.get(key);
  if (!found) {
    found = {
      dateTime: new Intl.DateTimeFormat(language, { dateStyle: "medium", timeStyle: "short", timeZone }),
      // Intl refuses timeZoneName together with dateStyle/timeStyle, so the zone's name comes
      // from a second formatter and is appended.
      zone: new Intl.DateTimeFormat(language, { timeZone, timeZoneName: "short" }),
    };
    formatters.set(key, found);
  }
  return found;
}

/** E.g. "2026-01-15 09:00 GMT+2" (lt) or "Jan 15, 2026, 9:00 AM GMT+2" (en). */
export function formatDateTime(ms: number, language: Language, timeZone: string): string {
  const { dateTime, zone } = formattersFor(language, timeZone);
  const zoneName = zone.formatToParts(ms).find((part) => part.type === "timeZoneName")?.value;
  const text = dateTime.format(ms);
  return zoneName ? `${text} ${zoneName}` : text;
}

/** A calendar date (YYYY-MM-DD, already the recipient's local date) as a long localized date. */
export function formatLongDate(isoDate: string, language: Language): string {
  const ms = Date.parse(`${isoDate}T00:00:00Z`);
  if (Number.isNaN(ms)) return isoDate;
  // UTC on both sides: the date is already local, formatting must not move it across midnight.
  return new Intl.DateTimeFormat(language, { dateStyle: "long", timeZone: "UTC" }).format(ms);
}

/**
 * The in-app text, the email subject and the email body of `message` for `recipient`. An
 * unknown language reads English and an unknown zone UTC, rather than failing a notification
 * over a bad profile value.
 */
export function renderNotification(message: NotificationMessage, recipient: Recipient): RenderedNotification {
  const language: Language = isLanguage(recipient.language) ? recipient.language : "en";
  const timeZone = isValidTimeZone(recipient.timeZone) ? recipient.timeZone : "UTC";
  const w = words[language];
  const at = (ms: number) => formatDateTime(ms, language, timeZone);
  // The email repeats the text as its first paragraph: some clients show only the body.
  const plain = (text: string, subject: string, extra: string[] = []): RenderedNotification => ({
    text,
    subject,
    body: [text, ...extra].join("\n\n") + "\n",
  });

  switch (message.type) {
    case "task.reminder": {
      const text = w.reminder(message.title);
      return plain(text, text, [`${w.dueLabel}: ${at(message.dueAt)}`]);
    }
    case "task.assigned": {
      const text = w.assigned(message.byName ?? w.integration, message.title);
      return plain(text, w.assignedSubject(message.title), message.dueAt === null ? [] : [`${w.dueLabel}: ${at(message.dueAt)}`]);
    }
    case "task.digest": {
      // Rows are read oldest due first, so when the read is capped only the last group read
      // (today's, or the overdue ones when nothing is due today) is short.
      const plus = (short: boolean) => (message.capped && short ? "+" : "");
      const text = w.digest(`${message.overdue}${plus(message.dueToday === 0)}`, `${message.dueToday}${plus(message.dueToday > 0)}`);
      const lines = message.tasks.map((task) => `- ${task.title} (${at(task.dueAt)})`);
      if (message.more > 0) lines.push(w.digestMore(`${message.more}${plus(true)}`));
      return plain(text, w.digestSubject(formatLongDate(message.localDate, language)), lines.length > 0 ? [lines.join("\n")] : []);
    }
    case "deal.rotting": {
      return plain(w.rotting(message.title, message.stageName, message.idleDays), w.rottingSubject(message.title));
    }
    case "contact.birthday": {
      const name = message.name ?? w.aContact;
      return plain(w.birthday(name), w.birthdaySubject(name));
    }
    case "lead.assigned": {
      const text = w.lead(message.formName, message.name ?? w.aContact);
      return plain(text, text);
    }
    case "quality.digest": {
      const text = w.quality(message.score, message.previousScore);
      return plain(text, text, message.ownFindings > 0 ? [w.qualityOwn(message.ownFindings)] : []);
    }
    case "import.finished": {
      const text = (message.dryRun ? w.dryRun : w.imported)(message.fileName, message.created, message.updated, message.invalid);
      return plain(text, text);
    }
  }
}
