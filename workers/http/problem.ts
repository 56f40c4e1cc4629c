// One error shape for the whole API: RFC 9457 problem details with a stable `code`.
// Services throw ProblemError; app.onError turns it (and everything else) into a response.

export type FieldError = {
  /** JSON pointer into the request body (RFC 6901), for body fields. */
  pointer?: string;
  /** Name of the query, path or header parameter, for everything else. */
  parameter?: string;
  /** Stable machine-readable reason (zod's issue code, or ours), for clients that translate. */
  code?: string;
  detail: string;
};

export type ProblemInit = {
  status: number;
  code: string;
  title: string;
  detail: string;
  errors?: FieldError[];
  headers?: Record<string, string>;
  /** Extra members, such as `existing_id` on a duplicate. */
  extensions?: Record<string, unknown>;
};

export class ProblemError extends Error {
  readonly problem: ProblemInit;
  constructor(problem: ProblemInit) {
    super(problem.detail);
    this.name = "ProblemError";
    this.problem = problem;
  }
}

export const problemTypeBase = "urn:rapport:problem:";

export function problemBody(problem: ProblemInit, requestId: string, instance?: string) {
  return {
    type: problemTypeBase + problem.code,
    title: problem.title,
    status: problem.status,
    detail: problem.detail,
    code: problem.code,
    request_id: requestId,
    ...(instance ? { instance } : {}),
    ...(problem.errors ? { errors: problem.errors } : {}),
    ...problem.extensions,
  };
}

export function problemResponse(problem: ProblemInit, requestId: string, instance?: string): Response {
  const headers = new Headers(problem.headers);
  headers.set("content-type", "application/problem+json");
  headers.set("x-request-id", requestId);
  return new Response(JSON.stringify(problemBody(problem, requestId, instance)), { status: problem.status, headers });
}

// Constructors for the problems the API raises; each keeps one code and title per status.
export const problems = {
  badRequest: (detail: string) => new ProblemError({ status: 400, code: "malformed_request", title: "Malformed request", detail }),
  unauthorized: (detail = "Sign in or send a valid API key.") =>
    new ProblemError({
      status: 401,
      code: "unauthorized",
      title: "Authentication required",
      detail,
      headers: { "www-authenticate": 'Bearer realm="rapport"' },
    }),
  invalidCredentials: () =>
    new ProblemError({
      status: 401,
      code: "invalid_credentials",
      title: "Invalid credentials",
      detail: "The email or password is not correct.",
      headers: { "www-authenticate": 'Bearer realm="rapport"' },
    }),
  forbidden: (detail: string) => new ProblemError({ status: 403, code: "forbidden", title: "Not allowed", detail }),
  csrf: () =>
    new ProblemError({
      status: 403,
      code: "csrf_token_invalid",
      title: "CSRF check failed",
      detail: "Requests authenticated by cookie must send the X-CSRF-Token header that matches the rapport_csrf cookie.",
    }),
  notFound: (entity: string) =>
    new ProblemError({ status: 404, code: "not_found", title: "Not found", detail: `No ${entity} with that id in this workspace.` }),
  routeNotFound: (path: string) =>
    new ProblemError({ status: 404, code: "route_not_found", title: "Not found", detail: `There is no route ${path}.` }),
  methodNotAllowed: (method: string, allowed: string[]) =>
    new ProblemError({
      status: 405,
      code: "method_not_allowed",
      title: "Method not allowed",
      detail: `${method} is not allowed here; use ${allowed.join(", ")}.`,
      headers: { allow: allowed.join(", ") },
    }),
  conflict: (code: string, detail: string, options: { extensions?: Record<string, unknown>; errors?: FieldError[] } = {}) =>
    new ProblemError({ status: 409, code, title: "Conflict", detail, ...options }),
  gone: (code: string, detail: string) => new ProblemError({ status: 410, code, title: "Gone", detail }),
  preconditionFailed: (currentVersion: number) =>
    new ProblemError({
      status: 412,
      code: "version_mismatch",
      title: "Precondition failed",
      detail: "The record changed since you loaded it. Reload it and apply your change again.",
      headers: { etag: `"${currentVersion}"` },
      extensions: { current_version: currentVersion },
    }),
  payloadTooLarge: (limitBytes: number) =>
    new ProblemError({
      status: 413,
      code: "payload_too_large",
      title: "Payload too large",
      detail: `The request body is larger than ${limitBytes} bytes.`,
    }),
  unsupportedMediaType: (contentType: string) =>
    new ProblemError({
      status: 415,
      code: "unsupported_media_type",
      title: "Unsupported media type",
      detail: `Send the body as application/json${contentType ? `, not ${contentType}` : ""}.`,
    }),
  validation: (errors: FieldError[], detail = "Some fields are not valid.") =>
    new ProblemError({ status: 422, code: "validation_failed", title: "Validation failed", detail, errors }),
  unprocessable: (code: string, detail: string, errors?: FieldError[]) =>
    new ProblemError({ status: 422, code, title: "Unprocessable request", detail, ...(errors ? { errors } : {}) }),
  tooManyRequests: (retryAfterSeconds: number, detail: string) =>
    new ProblemError({
      status: 429,
      code: "too_many_requests",
      title: "Too many requests",
      detail,
      headers: { "retry-after": String(Math.max(1, Math.ceil(retryAfterSeconds))) },
      extensions: { retry_after: Math.max(1, Math.ceil(retryAfterSeconds)) },
    }),
  unavailable: (detail: string) => new ProblemError({ status: 503, code: "unavailable", title: "Service unavailable", detail }),
  internal: () =>
    new ProblemError({
      status: 500,
      code: "internal_error",
      title: "Internal error",
      detail: "Something went wrong on our side. Quote the request id when you report it.",
    }),
};
