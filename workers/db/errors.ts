// D1 reports constraint failures as plain errors; the message names the constraint. Services use
// this to turn a lost race (two sign-ups with one email) into a 409 instead of a 500.
export function isUniqueViolation(error: unknown): boolean {
  const message = error instanceof Error ? `${error.message} ${error.cause instanceof Error ? error.cause.message : ""}` : "";
  return message.includes("UNIQUE constraint failed");
}
