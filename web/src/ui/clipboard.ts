import { announce } from "./status";

/** Copies a secret or a link; if the Clipboard API refuses, selects the text for a manual copy. */
export async function copyFrom(input: HTMLInputElement | HTMLTextAreaElement, success: "team.copied"): Promise<void> {
  try {
    await navigator.clipboard.writeText(input.value);
    announce(success);
  } catch {
    input.focus();
    input.select();
    announce("team.copyFailed", undefined, "error");
  }
}
