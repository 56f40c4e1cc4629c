import { isValidPhoneNumber, parsePhoneNumberFromString } from "libphonenumber-js/max";

// Stored phones are E.164 strings that were valid when they were saved. They stop being valid
// when a number was stored by a path that did not check it (an old import, a direct database
// write) or when a country's numbering plan changed under it. The "max" metadata is the one
// normalisation uses, so the audit judges a number exactly as entry would.

export type PhoneProblem = { country: string | null };

/** Null when the E.164 number is valid for the country its calling code names. */
export function checkPhone(e164: string): PhoneProblem | null {
  if (!/^\+[1-9]\d{1,14}$/.test(e164)) return { country: null };
  if (isValidPhoneNumber(e164)) return null;
  // The country is worth showing ("+370 600" is not a Lithuanian number); libphonenumber only
  // names one when the calling code belongs to a single country.
  const parsed = parsePhoneNumberFromString(e164);
  return { country: parsed?.country ?? null };
}

/** The finding's detail: the number, and the country it claims to be from when that is known. */
export function phoneDetail(e164: string, problem: PhoneProblem): string {
  return problem.country ? `${e164} (${problem.country})` : e164;
}
