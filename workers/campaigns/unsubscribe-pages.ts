import type { Language } from "../db/schema";
import { escapeHtml } from "./template";

// The unsubscribe pages: plain HTML in the recipient's language, a form that works with no
// JavaScript (CSP script-src 'none', like the hosted form pages), nothing loaded from elsewhere.

export const unsubscribePageCsp = "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

type Words = { title: string; question: string; button: string; doneTitle: string; done: string; notFoundTitle: string; notFound: string; previewTitle: string; preview: string };

const words: Record<Language, Words> = {
  en: {
    title: "Unsubscribe",
    question: "Stop receiving marketing emails at {email}?",
    button: "Unsubscribe",
    doneTitle: "You are unsubscribed",
    done: "{email} will receive no more marketing emails from us.",
    notFoundTitle: "Link not valid",
    notFound: "This unsubscribe link is not valid. Copy the whole link from the email, or reply to the email and ask us to remove you.",
    previewTitle: "Sample link",
    preview: "This is the unsubscribe link of a preview or test email. Nobody was unsubscribed.",
  },
  lt: {
    title: "Atsisakyti prenumeratos",
    question: "Nebegauti rinkodaros laiškų adresu {email}?",
    button: "Atsisakyti",
    doneTitle: "Prenumeratos atsisakyta",
    done: "Adresu {email} daugiau nesiųsime rinkodaros laiškų.",
    notFoundTitle: "Nuoroda negalioja",
    notFound: "Ši prenumeratos atsisakymo nuoroda negalioja. Nukopijuokite visą nuorodą iš laiško arba atsakykite į laišką ir paprašykite jus išbraukti.",
    previewTitle: "Pavyzdinė nuoroda",
    preview: "Tai peržiūros ar bandomojo laiško nuoroda. Niekas nebuvo išbrauktas.",
  },
  lv: {
    title: "Atteikties no abonēšanas",
    question: "Vairs nesaņemt mārketinga e-pastus uz {email}?",
    button: "Atteikties",
    doneTitle: "Jūs esat atteicies no abonēšanas",
    done: "Uz {email} mēs vairs nesūtīsim mārketinga e-pastus.",
    notFoundTitle: "Saite nav derīga",
    notFound: "Šī atteikšanās saite nav derīga. Nokopējiet visu saiti no e-pasta vai atbildiet uz e-pastu un lūdziet jūs izņemt no saraksta.",
    previewTitle: "Parauga saite",
    preview: "Šī ir priekšskatījuma vai testa e-pasta saite. Neviens netika izņemts no saraksta.",
  },
  sl: {
    title: "Odjava",
    question: "Ne želite več prejemati trženjskih sporočil na {email}?",
    button: "Odjava",
    doneTitle: "Odjavljeni ste",
    done: "Na {email} vam ne bomo več pošiljali trženjskih sporočil.",
    notFoundTitle: "Povezava ni veljavna",
    notFound: "Ta povezava za odjavo ni veljavna. Kopirajte celotno povezavo iz sporočila ali odgovorite na sporočilo in nas prosite za odjavo.",
    previewTitle: "Vzorčna povezava",
    preview: "To je povezava za odjavo iz predogleda ali testnega sporočila. Nihče ni bil odjavljen.",
  },
  ru: {
    title: "Отписка",
    question: "Больше не получать маркетинговые письма на {email}?",
    button: "Отписаться",
    doneTitle: "Вы отписались",
    done: "На {email} мы больше не будем присылать маркетинговые письма.",
    notFoundTitle: "Ссылка недействительна",
    notFound: "Эта ссылка для отписки недействительна. Скопируйте ссылку из письма целиком или ответьте на письмо и попросите исключить вас из рассылки.",
    previewTitle: "Пример ссылки",
    preview: "Это ссылка из предпросмотра или тестового письма. Никто не был отписан.",
  },
};

const style = `body{font:16px/1.5 system-ui,sans-serif;margin:0;background:#f4f5f8;color:#1a1d24}main{max-width:34rem;margin:2rem auto;background:#fff;padding:1.5rem 1.75rem;border-radius:12px;box-shadow:0 1px 3px rgba(0,0,0,.12)}
h1{font-size:1.4rem;margin:0 0 1rem}button{margin-top:1rem;background:#3552d8;color:#fff;border:0;border-radius:8px;padding:.7rem 1.2rem;font:inherit;font-weight:600;cursor:pointer}button:focus{outline:3px solid #f0a020;outline-offset:1px}`;

function page(language: Language, title: string, body: string): string {
  return `<!doctype html><html lang="${language}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><meta name="robots" content="noindex"><title>${escapeHtml(title)}</title><style>${style}</style></head><body><main><h1>${escapeHtml(title)}</h1>${body}</main></body></html>`;
}

const withEmail = (text: string, email: string | null) => escapeHtml(text).replace("{email}", `<strong>${escapeHtml(email ?? "")}</strong>`);

/** The confirmation: one button that POSTs back to the same address. */
export function confirmPage(language: Language, email: string | null): string {
  const w = words[language];
  return page(language, w.title, `<p>${withEmail(w.question, email)}</p><form method="post"><input type="hidden" name="confirm" value="1"><button type="submit">${escapeHtml(w.button)}</button></form>`);
}

export function donePage(language: Language, email: string | null): string {
  const w = words[language];
  return page(language, w.doneTitle, `<p role="status">${withEmail(w.done, email)}</p>`);
}

export function previewPage(language: Language): string {
  const w = words[language];
  return page(language, w.previewTitle, `<p>${escapeHtml(w.preview)}</p>`);
}

export function invalidLinkPage(language: Language): string {
  const w = words[language];
  return page(language, w.notFoundTitle, `<p>${escapeHtml(w.notFound)}</p>`);
}
