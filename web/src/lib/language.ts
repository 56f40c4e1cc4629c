import type { User } from "../../../workers/auth/auth.schema";

export type Language = User["language"];
export const languages: readonly Language[] = ["en", "lt", "lv", "sl", "ru"];

/** Each language named in itself, so a reader finds theirs whatever the UI shows now. */
export const languageNames: Record<Language, string> = {
  en: "English",
  lt: "Lietuvių",
  lv: "Latviešu",
  sl: "Slovenščina",
  ru: "Русский",
};

export function isLanguage(value: unknown): value is Language {
  return typeof value === "string" && languages.some((language) => language === value);
}

/** The remembered choice wins; otherwise the first browser language we speak; otherwise English. */
export function pickLanguage(stored: string | null, preferred: readonly string[]): Language {
  if (isLanguage(stored)) return stored;
  for (const tag of preferred) {
    const base = tag.toLowerCase().split("-")[0];
    if (isLanguage(base)) return base;
  }
  return "en";
}

/** Replaces {name} placeholders; unknown ones stay visible so a missing value is noticed. */
export function interpolate(template: string, params: Record<string, string | number> = {}): string {
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => {
    const value = params[name];
    return value === undefined ? whole : String(value);
  });
}
