import { t, type MessageKey, type Params } from "../i18n";

// One polite live region for the whole app (rendered by <rapport-app>). It stays in the DOM so
// screen readers keep watching it; an empty region is visually collapsed by the stylesheet.
let timer: ReturnType<typeof setTimeout> | undefined;

export function announce(key: MessageKey, params?: Params, tone: "info" | "error" = "info"): void {
  announceText(t(key, params), tone);
}

export function announceText(text: string, tone: "info" | "error" = "info"): void {
  const region = document.getElementById("app-status");
  if (!region) return;
  region.textContent = text;
  region.dataset.tone = tone;
  clearTimeout(timer);
  timer = setTimeout(() => {
    region.textContent = "";
  }, 7000);
}

export function clearStatus(): void {
  clearTimeout(timer);
  const region = document.getElementById("app-status");
  if (region) region.textContent = "";
}
