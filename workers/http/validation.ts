import type { ZodError } from "zod";
import { problems, type FieldError } from "./problem";

// Translates zod issues into problem+json field errors: a JSON pointer for body fields,
// a parameter name for query, path and header values.

function escapePointerSegment(segment: PropertyKey): string {
  return String(segment).replaceAll("~", "~0").replaceAll("/", "~1");
}

export function toPointer(path: readonly PropertyKey[]): string {
  return path.map((segment) => `/${escapePointerSegment(segment)}`).join("");
}

export function fieldErrorsFrom(error: ZodError, target: string): FieldError[] {
  return error.issues.map((issue) => {
    const detail = issue.message;
    const code = issue.code === "invalid_format" && "format" in issue ? `invalid_${String(issue.format)}` : issue.code;
    if (target === "json") return { pointer: toPointer(issue.path), code, detail };
    return { parameter: issue.path.map(String).join(".") || target, code, detail };
  });
}

export function validationProblem(error: ZodError, target: string) {
  return problems.validation(fieldErrorsFrom(error, target));
}
