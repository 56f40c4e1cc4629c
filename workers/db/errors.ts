// D1 reports constraint failures as plain errors (drizzle wraps them, keeping D1's as the cause);
// the message names the constraint.
export function constraintMessage(error: unknown): string {
  return error instanceof Error ? `${error.message} ${error.cause instanceof Error ? error.cause.message : ""}` : "";
}

/** A lost race (two sign-ups with one email) becomes a 409 instead of a 500. */
export function isUniqueViolation(error: unknown): boolean {
  return constraintMessage(error).includes("UNIQUE constraint failed");
}
