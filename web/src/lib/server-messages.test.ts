import { describe, expect, it } from "vitest";
import { en } from "../i18n/en";
import { fieldMessageKey, fieldOfCode, problemMessageKey } from "./server-messages";

describe("server messages", () => {
  it("recognises the API's field messages and maps them to keys with the same English text", () => {
    expect(fieldMessageKey("Enter a valid email address.")).toBe("field.email");
    expect(en["field.email"]).toBe("Enter a valid email address.");
    expect(en["field.passwordShort"]).toBe("Use at least 10 characters.");
    expect(fieldMessageKey("Something new from the server.")).toBeNull();
    expect(fieldMessageKey("This is not a valid phone number (default country LT).", "invalid_phone")).toBe("field.phone");
    expect(fieldMessageKey("Enter a valid email address.", "invalid_format")).toBe("field.email");
    expect(fieldMessageKey("Use an origin such as https://example.com (scheme, host and optional port).")).toBe("field.formOrigin");
    expect(en["field.formOrigin"]).toBe("Use an origin such as https://example.com (scheme, host and optional port).");
    expect(fieldMessageKey("whatever", "owners_required")).toBe("field.ownersRequired");
  });

  it("knows the codes it can word itself and the fields they belong to", () => {
    expect(problemMessageKey("invalid_credentials")).toBe("error.invalidCredentials");
    expect(problemMessageKey("internal_error")).toBeNull();
    expect(fieldOfCode("email_taken")).toBe("email");
    expect(fieldOfCode("forbidden")).toBeNull();
  });
});
