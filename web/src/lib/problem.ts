import type { FieldError } from "../../../workers/http/problem";
import { isRecord } from "./decode";

/** An API failure, from problem+json when the server sent it or synthesised for network errors. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    detail: string,
    readonly fieldErrors: Record<string, string>,
    readonly otherErrors: string[],
    readonly requestId: string | null,
    readonly retryAfterSeconds: number | null = null,
    /** Problem members beyond the standard ones, such as `existing_id` on a duplicate. */
    readonly extensions: Record<string, unknown> = {},
    /** The stable code of each field's error (invalid_phone, duplicate_email…), for translation. */
    readonly fieldCodes: Record<string, string> = {},
  ) {
    super(detail);
    this.name = "ApiError";
  }
}

/** "/email" → "email", "/address/city" → "address.city"; query/header parameters keep their name. */
export function fieldNameOf(error: FieldError): string | null {
  if (error.pointer !== undefined) {
    const segments = error.pointer.split("/").slice(1).map((part) => part.replaceAll("~1", "/").replaceAll("~0", "~"));
    return segments.length > 0 && segments.join("") !== "" ? segments.join(".") : null;
  }
  return error.parameter ?? null;
}

function fieldErrorsOf(value: unknown): FieldError[] {
  if (!Array.isArray(value)) return [];
  const errors: FieldError[] = [];
  for (const item of value) {
    if (!isRecord(item) || typeof item.detail !== "string") continue;
    errors.push({
      detail: item.detail,
      ...(typeof item.code === "string" ? { code: item.code } : {}),
      ...(typeof item.pointer === "string" ? { pointer: item.pointer } : {}),
      ...(typeof item.parameter === "string" ? { parameter: item.parameter } : {}),
    });
  }
  return errors;
}

export function parseRetryAfter(header: string | null): number | null {
  if (header === null) return null;
  const seconds = Number(header);
  return Number.isFinite(seconds) && seconds >= 0 ? Math.ceil(seconds) : null;
}

/** Turns a problem+json body (or anything else a failing server sent) into an ApiError. */
export function toApiError(status: number, body: unknown, retryAfter: string | null = null): ApiError {
  const problem = isRecord(body) ? body : {};
  const code = typeof problem.code === "string" ? problem.code : `http_${status}`;
  const detail = typeof problem.detail === "string" ? problem.detail : typeof problem.title === "string" ? problem.title : `HTTP ${status}`;
  const requestId = typeof problem.request_id === "string" ? problem.request_id : null;
  const fieldErrors: Record<string, string> = {};
  const fieldCodes: Record<string, string> = {};
  const otherErrors: string[] = [];
  for (const error of fieldErrorsOf(problem.errors)) {
    const field = fieldNameOf(error);
    if (field === null) otherErrors.push(error.detail);
    else if (fieldErrors[field] === undefined) {
      fieldErrors[field] = error.detail;
      if (error.code) fieldCodes[field] = error.code;
    }
  }
  const standard = new Set(["type", "title", "status", "detail", "code", "request_id", "instance", "errors"]);
  const extensions = Object.fromEntries(Object.entries(problem).filter(([key]) => !standard.has(key)));
  return new ApiError(status, code, detail, fieldErrors, otherErrors, requestId, parseRetryAfter(retryAfter), extensions, fieldCodes);
}
