import { z } from "zod";

// Email configuration read from the environment with zod, like every other input. None of these
// are in wrangler.toml's generated types except EMAIL_TRANSPORT: SMTP_URL is a secret
// (`wrangler secret put SMTP_URL`, or a line in .dev.vars locally) and PUBLIC_URL /
// UNSUBSCRIBE_MAILTO are optional vars, so an unset one must read as "not configured".

const EmailEnv = z.object({
  EMAIL_TRANSPORT: z.enum(["outbox", "smtp"]).default("outbox"),
  SMTP_URL: z.string().trim().min(1).optional(),
  // The origin people reach Rapport on, for links in emails (unsubscribe); queue consumers have
  // no request to take it from.
  PUBLIC_URL: z.url({ protocol: /^https?$/ }).optional(),
  UNSUBSCRIBE_MAILTO: z.email().optional(),
});

export type EmailSettings = {
  transport: "outbox" | "smtp";
  smtpUrl: string | null;
  publicUrl: string | null;
  unsubscribeMailto: string | null;
};

// Empty strings (an unset `--var`, a blank .dev.vars line) mean "not set".
const blankToUndefined = (value: unknown) => (typeof value === "string" && value.trim() === "" ? undefined : value);

export function emailSettings(env: object): EmailSettings {
  const record = env as Record<string, unknown>;
  const parsed = EmailEnv.safeParse({
    EMAIL_TRANSPORT: blankToUndefined(record.EMAIL_TRANSPORT),
    SMTP_URL: blankToUndefined(record.SMTP_URL),
    PUBLIC_URL: blankToUndefined(record.PUBLIC_URL),
    UNSUBSCRIBE_MAILTO: blankToUndefined(record.UNSUBSCRIBE_MAILTO),
  });
  // A misconfigured deployment must say so loudly rather than quietly store mail in the outbox.
  if (!parsed.success) throw new Error(`Email configuration is invalid: ${parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`);
  return {
    transport: parsed.data.EMAIL_TRANSPORT,
    smtpUrl: parsed.data.SMTP_URL ?? null,
    publicUrl: parsed.data.PUBLIC_URL?.replace(/\/+$/, "") ?? null,
    unsubscribeMailto: parsed.data.UNSUBSCRIBE_MAILTO ?? null,
  };
}

/** The origin for links in emails: PUBLIC_URL, else the request's origin, else local `wrangler dev`. */
export function publicOrigin(env: object, requestUrl?: string): string {
  const configured = emailSettings(env).publicUrl;
  if (configured) return configured;
  if (requestUrl) return new URL(requestUrl).origin;
  return "http://localhost:8787";
}
