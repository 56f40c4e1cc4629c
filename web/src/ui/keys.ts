import { isTypingTarget } from "../lib/records";

/**
 * Single-key shortcuts for list pages (`/` search, `n` new). They never fire while the user
 * types or holds a modifier, nor while a dialog is open. Returns a function that removes them.
 */
export function listShortcuts(handlers: Record<string, () => void>): () => void {
  const onKey = (event: KeyboardEvent) => {
    if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey) return;
    const target = event.target instanceof HTMLElement ? event.target : null;
    if (isTypingTarget(target) || document.querySelector("dialog[open]")) return;
    const handler = handlers[event.key];
    if (!handler) return;
    event.preventDefault();
    handler();
  };
  window.addEventListener("keydown", onKey);
  return () => window.removeEventListener("keydown", onKey);
}
