import { describe, expect, it } from "vitest";
import { boundaryOf, fieldText, parseMultipart } from "./multipart";

const encoder = new TextEncoder();

async function encoded(form: FormData): Promise<{ bytes: Uint8Array; contentType: string }> {
  const request = new Request("http://x/", { method: "POST", body: form });
  return { bytes: new Uint8Array(await request.arrayBuffer()), contentType: request.headers.get("content-type") ?? "" };
}

describe("boundaryOf", () => {
  it("reads quoted and plain boundaries of multipart/form-data only", () => {
    expect(boundaryOf("multipart/form-data; boundary=abc123")).toBe("abc123");
    expect(boundaryOf('Multipart/Form-Data; charset=utf-8; boundary="a b"')).toBe("a b");
    expect(boundaryOf("application/json")).toBeNull();
    expect(boundaryOf("multipart/form-data")).toBeNull();
  });
});

describe("parseMultipart", () => {
  it("reads what the runtime's own FormData writes: binary file bytes exactly, fields and the file name", async () => {
    // cp1257 bytes that are not valid UTF-8, a CRLF and a boundary look-alike inside the file.
    const file = new Uint8Array([0x56, 0xe0, 0x3b, 0x0d, 0x0a, 0x2d, 0x2d, 0xff, 0x00, 0x41]);
    const form = new FormData();
    form.append("mapping", '{"Vardas":"first_name"}');
    form.append("file", new File([file], "Kontaktai ąž.csv", { type: "text/csv" }));
    form.append("dry_run", "true");
    const { bytes, contentType } = await encoded(form);
    const parts = parseMultipart(bytes, boundaryOf(contentType) ?? "");
    expect(parts?.map((p) => [p.name, p.filename])).toEqual([
      ["mapping", null],
      ["file", "Kontaktai ąž.csv"],
      ["dry_run", null],
    ]);
    expect([...(parts?.[1]?.data ?? [])]).toEqual([...file]);
    expect(parts?.[1]?.data.buffer).toBe(bytes.buffer);
    expect(parts?.[0] && fieldText(parts[0])).toBe('{"Vardas":"first_name"}');
  });

  it("refuses a body without its boundary or without a closing one", () => {
    const body = encoder.encode('--xyz\r\nContent-Disposition: form-data; name="file"\r\n\r\nabc');
    expect(parseMultipart(body, "xyz")).toBeNull();
    expect(parseMultipart(encoder.encode("just text"), "xyz")).toBeNull();
  });
});
