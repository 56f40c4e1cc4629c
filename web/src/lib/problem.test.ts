import { describe, expect, it } from "vitest";
import { fieldNameOf, parseRetryAfter, toApiError } from "./problem";

describe("toApiError", () => {
  it("maps body pointers and parameters to field names and keeps the first message per field", () => {
    const error = toApiError(422, {
      code: "validation_failed",
      detail: "Some fields are not valid.",
      request_id: "req_1",
      errors: [
        { pointer: "/email", detail: "Enter a valid email address." },
        { pointer: "/email", detail: "second" },
        { parameter: "If-Match", detail: "Send the ETag." },
        { pointer: "", detail: "Send at least one field." },
        { nonsense: true },
      ],
    });
    expect(error.status).toBe(422);
    expect(error.code).toBe("validation_failed");
    expect(error.message).toBe("Some fields are not valid.");
    expect(error.requestId).toBe("req_1");
    expect(error.fieldErrors).toEqual({ email: "Enter a valid email address.", "If-Match": "Send the ETag." });
    expect(error.otherErrors).toEqual(["Send at least one field."]);
  });

  it("survives bodies that are not problems", () => {
    const error = toApiError(502, "Bad gateway");
    expect(error.code).toBe("http_502");
    expect(error.message).toBe("HTTP 502");
    expect(error.fieldErrors).toEqual({});
  });

  it("reads Retry-After", () => {
    expect(toApiError(429, { code: "too_many_requests" }, "30").retryAfterSeconds).toBe(30);
    expect(parseRetryAfter("soon")).toBeNull();
  });

  it("unescapes JSON pointers", () => {
    expect(fieldNameOf({ pointer: "/a~1b/c", detail: "x" })).toBe("a/b.c");
  });

  it("keeps each field's error code and the problem's extra members", () => {
    const error = toApiError(409, {
      code: "duplicate_email",
      detail: "A contact with this email already exists.",
      existing_id: "con_1",
      errors: [{ pointer: "/emails/0", code: "duplicate_email", detail: "Taken." }, { pointer: "/phones/1/number", code: "invalid_phone", detail: "Bad." }],
    });
    expect(error.extensions).toEqual({ existing_id: "con_1" });
    expect(error.fieldErrors).toEqual({ "emails.0": "Taken.", "phones.1.number": "Bad." });
    expect(error.fieldCodes).toEqual({ "emails.0": "duplicate_email", "phones.1.number": "invalid_phone" });
  });
});
