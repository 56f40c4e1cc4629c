import { describe, expect, it } from "vitest";
import { importMatchModes, importRowOutcomes, jobStatuses } from "../../../workers/db/schema";
import { importEncodings as workerEncodings } from "../../../workers/imports/decode";
import { importFields as workerImportFields } from "../../../workers/imports/header-mapping";
import {
  applyProgress,
  assignField,
  completeMapping,
  countList,
  delimiterName,
  encodingChoices,
  errorsByColumn,
  fileProblem,
  formatBytes,
  importEncodings,
  importFields,
  importOutcomes,
  importStatuses,
  mappingErrorHeader,
  mappingIdentifies,
  maxUploadBytes,
  onMatchChoices,
  progressOf,
  progressPercent,
  sameMapping,
  splitColumnMessage,
  spreadsheetRow,
  undoState,
} from "./imports";
import { matchRoute } from "./routes";

const headers = ["Vardas", "Pavardė", "El. paštas", "Telefonas", "Įmonė", "Miestas"];
const suggested = { Vardas: "first_name", Pavardė: "last_name", "El. paštas": "emails", Telefonas: "phones", Įmonė: "company_name", Miestas: "city" } as const;

describe("the mapping the wizard edits", () => {
  it("offers exactly the worker's import targets, encodings, statuses, outcomes and match modes", () => {
    expect([...importFields]).toEqual([...workerImportFields]);
    expect([...importEncodings].sort()).toEqual([...workerEncodings].sort());
    expect([...encodingChoices.filter((choice) => choice !== "auto")].sort()).toEqual([...workerEncodings].sort());
    expect([...importStatuses]).toEqual([...jobStatuses]);
    expect([...importOutcomes]).toEqual([...importRowOutcomes]);
    expect([...onMatchChoices].sort()).toEqual([...importMatchModes].sort());
  });

  it("keeps one column per field: choosing a taken field sets the other column to ignore and names it", () => {
    const { mapping, displaced } = assignField({ ...suggested }, "Miestas", "first_name");
    expect(mapping.Miestas).toBe("first_name");
    expect(mapping.Vardas).toBe("ignore");
    expect(displaced).toBe("Vardas");
  });

  it("lets several columns fill emails, phones, tags and notes, as the API does", () => {
    const { mapping, displaced } = assignField({ ...suggested, "Darbo el. paštas": "ignore" }, "Darbo el. paštas", "emails");
    expect(mapping["El. paštas"]).toBe("emails");
    expect(mapping["Darbo el. paštas"]).toBe("emails");
    expect(displaced).toBeNull();
  });

  it("lets any number of columns be ignored", () => {
    const once = assignField({ ...suggested }, "Vardas", "ignore");
    const twice = assignField(once.mapping, "Pavardė", "ignore");
    expect(twice.mapping.Vardas).toBe("ignore");
    expect(twice.mapping.Pavardė).toBe("ignore");
    expect(twice.displaced).toBeNull();
  });

  it("fills every header from the choice, then the suggestion, then ignore", () => {
    expect(completeMapping([...headers, "Pastaba 2"], { Miestas: "ignore" }, suggested)).toEqual({ ...suggested, Miestas: "ignore", "Pastaba 2": "ignore" });
  });

  it("says a mapping with no name, email or phone column identifies nobody", () => {
    expect(mappingIdentifies(suggested)).toBe(true);
    expect(mappingIdentifies({ Įmonė: "company_name", Miestas: "city" })).toBe(false);
    expect(mappingIdentifies({ Telefonas: "phones" })).toBe(true);
  });

  it("compares mappings treating a missing header as ignore", () => {
    expect(sameMapping({ a: "emails", b: "ignore" }, { a: "emails" })).toBe(true);
    expect(sameMapping({ a: "emails" }, { a: "phones" })).toBe(false);
  });

  it("finds the column of a 422 mapping error, headers with dots included", () => {
    expect(mappingErrorHeader("mapping.El. paštas")).toBe("El. paštas");
    expect(mappingErrorHeader("encoding")).toBeNull();
  });
});

describe("preview errors next to their cell", () => {
  it("puts a field's error under the column mapped to that field", () => {
    const { columns, row } = errorsByColumn([{ pointer: "/emails/0", code: "invalid_email", message: "Enter a valid email address." }], headers, suggested);
    expect([...columns.keys()]).toEqual([2]);
    expect(row).toEqual([]);
  });

  it("uses the column the message names, so the second email column gets its own error", () => {
    const mapping = { ...suggested, "Darbo el. paštas": "emails" } as const;
    const { columns } = errorsByColumn([{ pointer: "/emails/1", code: "invalid_email", message: 'Column "Darbo el. paštas": Enter a valid email address. ("jonas@")' }], [...headers, "Darbo el. paštas"], mapping);
    expect([...columns.keys()]).toEqual([6]);
  });

  it("splits the column off a cell message and leaves other messages whole", () => {
    expect(splitColumnMessage('Column "El. paštas": Enter a valid email address. ("jonas@")')).toEqual({ header: "El. paštas", text: 'Enter a valid email address. ("jonas@")' });
    expect(splitColumnMessage("This row has 3 cells but the header has 6")).toEqual({ header: null, text: "This row has 3 cells but the header has 6" });
  });

  it("accepts column indexes and header names as pointers, and company_id for the company column", () => {
    const { columns } = errorsByColumn(
      [
        { pointer: "/columns/5", code: "x", message: "x" },
        { pointer: "/Telefonas", code: "y", message: "y" },
        { pointer: "/company_id", code: "z", message: "z" },
      ],
      headers,
      suggested,
    );
    expect([...columns.keys()].sort()).toEqual([3, 4, 5]);
  });

  it("keeps row-wide and unknown pointers with the row, never on an ignored column", () => {
    const { columns, row } = errorsByColumn(
      [
        { pointer: "", code: "identity_required", message: "No name" },
        { pointer: "/columns/99", code: "x", message: "x" },
        { pointer: "/ignore", code: "x", message: "x" },
      ],
      headers,
      { ...suggested, Miestas: "ignore" },
    );
    expect(columns.size).toBe(0);
    expect(row).toHaveLength(3);
  });

  it("numbers rows as the spreadsheet does (the header is row 1)", () => {
    expect(spreadsheetRow(1)).toBe(2);
  });
});

describe("progress from live events and the poll", () => {
  const running = { status: "running" as const, processed_rows: 500, total_rows: 2000, counts: { created: 500, updated: 0, skipped: 0, invalid: 0, duplicates: 0 } };

  it("turns rows into a whole percentage that only a finished import completes", () => {
    expect(progressPercent(running)).toBe(25);
    expect(progressPercent({ ...running, processed_rows: 2000 })).toBe(99);
    expect(progressPercent({ ...running, status: "done", processed_rows: 2000 })).toBe(100);
    expect(progressPercent({ status: "done", processed_rows: 0, total_rows: 0 })).toBe(100);
    expect(progressPercent({ status: "queued", processed_rows: 0, total_rows: 0 })).toBe(0);
  });

  it("reads an import.progress frame and rejects a malformed one", () => {
    expect(progressOf({ status: "running", processed_rows: 10, total_rows: 20, counts: { created: 9, updated: 1, skipped: 0, invalid: 0, duplicates: 0 } })?.counts?.updated).toBe(1);
    expect(progressOf({ status: "running", processed_rows: 10, total_rows: 20 })?.counts).toBeNull();
    expect(progressOf({ status: "sleeping", processed_rows: 10, total_rows: 20 })).toBeNull();
    expect(progressOf({ status: "running", processed_rows: "10", total_rows: 20 })).toBeNull();
  });

  it("never moves the bar backwards when an older update arrives late", () => {
    const late = applyProgress(running, { status: "running", processed_rows: 100, total_rows: 2000, counts: null });
    expect(late.processed_rows).toBe(500);
    const newer = applyProgress(running, { status: "running", processed_rows: 1000, total_rows: 2000, counts: null });
    expect(newer.processed_rows).toBe(1000);
    expect(newer.counts).toEqual(running.counts);
  });

  it("does not reopen a finished import on a stale running update", () => {
    const done = { ...running, status: "done" as const, processed_rows: 2000 };
    expect(applyProgress(done, { status: "running", processed_rows: 1500, total_rows: 2000, counts: null }).status).toBe("done");
  });
});

describe("the report", () => {
  const now = Date.parse("2026-05-10T12:00:00Z");
  const finished = { status: "done" as const, dry_run: false, undone_at: null, undo_until: "2026-05-15T12:00:00Z" };

  it("offers undo for a finished real run within seven days, once", () => {
    expect(undoState(finished, now)).toBe("available");
    expect(undoState({ ...finished, undo_until: "2026-05-10T11:59:59Z" }, now)).toBe("expired");
    expect(undoState({ ...finished, undone_at: "2026-05-10T11:00:00Z" }, now)).toBe("undone");
    expect(undoState({ ...finished, dry_run: true }, now)).toBe("dry_run");
    expect(undoState({ ...finished, status: "running" }, now)).toBe("unavailable");
  });

  it("lists the counts in a fixed order", () => {
    expect(countList({ invalid: 2, created: 5, updated: 1, skipped: 0, duplicates: 3 }).map((item) => item.key)).toEqual(["created", "updated", "skipped", "invalid", "duplicates"]);
  });
});

describe("checks before upload", () => {
  it("refuses an empty file, one over 50 MB and a spreadsheet that is not CSV", () => {
    expect(fileProblem({ name: "kontaktai.csv", size: 0, type: "text/csv" })).toBe("empty");
    expect(fileProblem({ name: "kontaktai.csv", size: maxUploadBytes + 1, type: "text/csv" })).toBe("too_large");
    expect(fileProblem({ name: "kontaktai.xlsx", size: 10, type: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" })).toBe("not_csv");
  });

  it("accepts CSV however the browser labels it (Windows says application/vnd.ms-excel)", () => {
    expect(fileProblem({ name: "kontaktai.csv", size: 10, type: "application/vnd.ms-excel" })).toBeNull();
    expect(fileProblem({ name: "KONTAKTAI.CSV", size: 10, type: "" })).toBeNull();
    expect(fileProblem({ name: "export.txt", size: 10, type: "text/plain" })).toBeNull();
  });

  it("names delimiters and sizes for people", () => {
    expect(delimiterName(";")).toBe("semicolon");
    expect(delimiterName("\t")).toBe("tab");
    expect(formatBytes(2_516_582, "en")).toBe("2.4 MB");
    expect(formatBytes(512, "en")).toBe("512 bytes");
  });
});

describe("the wizard's address", () => {
  it("is /contacts/import, not a contact id", () => {
    expect(matchRoute("/contacts/import")).toEqual({ name: "contacts-import" });
    expect(matchRoute("/contacts/import/")).toEqual({ name: "contacts-import" });
  });
});
