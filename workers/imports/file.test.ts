import { describe, expect, it } from "vitest";
import { ProblemError } from "../http/problem";
import { encodeLegacy } from "./decode";
import { assertImportable, cutChunks, prepareFile, utf8Length } from "./file";

const utf8 = (text: string) => new TextEncoder().encode(text);
const auto = { encoding: "auto" as const, delimiter: undefined, mapping: undefined };

function problemOf(run: () => unknown) {
  try {
    run();
  } catch (error) {
    if (error instanceof ProblemError) return error.problem;
    throw error;
  }
  throw new Error("no problem thrown");
}

describe("prepareFile", () => {
  it("reads a semicolon cp1257 Lithuanian file and suggests its mapping", () => {
    const file = prepareFile(encodeLegacy("Vardas;Pavardė;El. paštas\r\nRūta;Čepulytė;ruta@pavyzdys.lt\r\n", "windows-1257"), auto, "windows-1257");
    expect(file.decoded.encoding).toBe("windows-1257");
    expect(file.delimiter).toBe(";");
    expect(file.mapping).toEqual({ Vardas: "first_name", Pavardė: "last_name", "El. paštas": "emails" });
  });

  it("makes headers unique and names empty ones", () => {
    const file = prepareFile(utf8("Email,Email,,Name\na@x.lt,b@x.lt,,A\n"), auto, undefined);
    expect(file.headers).toEqual(["Email", "Email (2)", "Column 3", "Name"]);
  });

  it("refuses a workbook, a binary file, an empty file and a header that is data", () => {
    expect(problemOf(() => prepareFile(new Uint8Array([0x50, 0x4b, 0x03, 0x04, 1, 2]), auto, undefined))).toMatchObject({ status: 422, code: "binary_file" });
    expect(problemOf(() => prepareFile(new Uint8Array([1, 2, 3, 0, 0, 7, 8, 200, 201]), auto, undefined))).toMatchObject({ status: 422, code: "binary_file" });
    expect(problemOf(() => prepareFile(new Uint8Array(), auto, undefined))).toMatchObject({ code: "empty_file" });
    expect(problemOf(() => prepareFile(utf8("\r\n\r\n"), auto, undefined))).toMatchObject({ code: "empty_file" });
    expect(problemOf(() => prepareFile(utf8("ona@x.lt;Ona\r\n"), auto, undefined))).toMatchObject({ code: "no_header", errors: [expect.objectContaining({ pointer: "/file" })] });
  });

  it("checks a given mapping against the file: unknown columns and fields, one column per single field", () => {
    const bytes = utf8("Vardas;El. paštas;Mob;Darbo\r\nOna;ona@x.lt;1;2\r\n");
    const problem = problemOf(() => prepareFile(bytes, { ...auto, mapping: { Nope: "first_name", Vardas: "full_name", Mob: "phones", Darbo: "phones", "El. paštas": "emails" } }, undefined));
    expect(problem.errors?.map((e) => [e.pointer, e.code])).toEqual([
      ["/mapping/Nope", "unknown_column"],
      ["/mapping/Vardas", "unknown_field"],
    ]);
    const twice = problemOf(() => prepareFile(bytes, { ...auto, mapping: { Vardas: "first_name", Mob: "first_name" } }, undefined));
    expect(twice.errors?.[0]).toMatchObject({ pointer: "/mapping/Mob", code: "field_mapped_twice" });
    // Several phone columns are fine; columns not named are ignored.
    const ok = prepareFile(bytes, { ...auto, mapping: { Mob: "phones", Darbo: "phones", Vardas: "first_name" } }, undefined);
    expect(ok.columns.map((c) => c.field)).toEqual(["first_name", "phones", "phones"]);
    expect(ok.mapping["El. paštas"]).toBe("ignore");
  });

  it("warns when the chosen code page does not fit, and refuses to import undecodable text", () => {
    const bytes = encodeLegacy("Vardas;Pavardė\r\nRūta;Čepulytė\r\n", "windows-1257");
    const forced = prepareFile(bytes, { ...auto, encoding: "windows-1251" }, undefined);
    expect(forced.warnings.map((w) => w.code)).toContain("encoding_mismatch");
    const utf = prepareFile(bytes, { ...auto, encoding: "utf-8" }, undefined);
    expect(utf.warnings.map((w) => w.code)).toContain("invalid_characters");
    expect(problemOf(() => assertImportable(utf, true))).toMatchObject({ code: "undecodable", errors: [expect.objectContaining({ pointer: "/encoding" })] });
  });
});

describe("cutChunks", () => {
  it("cuts at record boundaries by rows and bytes, keeping row and line numbers", () => {
    const rows = Array.from({ length: 1203 }, (_, i) => `N${i};"line 1\nline 2"`);
    const text = `Name;Notes\n${rows.join("\n")}\n\n`;
    const file = prepareFile(utf8(text), auto, undefined);
    const { chunks, totalRows } = cutChunks(file.decoded.text, file.start, file.delimiter);
    expect(totalRows).toBe(1203);
    expect(chunks.map((c) => c.rowCount)).toEqual([500, 500, 203]);
    expect(chunks[1]).toMatchObject({ firstRow: 501, firstLine: 1002 });
    expect(chunks[1]?.text.startsWith("N500;")).toBe(true);
    expect(chunks.map((c) => c.text).join("")).toBe(text.slice(file.start.offset));
  });

  it("keeps every chunk under 1 MB of UTF-8", () => {
    const note = "ž".repeat(4000);
    const text = `Name;Notes\n${Array.from({ length: 400 }, (_, i) => `N${i};${note}`).join("\n")}`;
    const file = prepareFile(utf8(text), auto, undefined);
    const { chunks, totalRows } = cutChunks(file.decoded.text, file.start, file.delimiter);
    expect(totalRows).toBe(400);
    expect(chunks.length).toBeGreaterThan(1);
    for (const chunk of chunks) expect(utf8Length(chunk.text)).toBeLessThanOrEqual(1_000_000);
  });

  it("refuses a quote that never closes, naming its row", () => {
    const file = prepareFile(utf8('Name;Notes\nOna;ok\nJonas;"never closed\nRūta;x\n'), auto, undefined);
    expect(problemOf(() => cutChunks(file.decoded.text, file.start, file.delimiter))).toMatchObject({ status: 422, code: "unterminated_quote" });
  });
});
