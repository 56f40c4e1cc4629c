import { describe, expect, it } from "vitest";
import { mapRow, memberDirectory, type Column } from "./row-mapping";

const members = memberDirectory([
  { userId: "usr_ona", email: "ona@acme.lt", name: "Ona Petraitė" },
  { userId: "usr_jonas1", email: "jonas1@acme.lt", name: "Jonas" },
  { userId: "usr_jonas2", email: "jonas2@acme.lt", name: "Jonas" },
]);
const ctx = { defaultCountry: "LT", members };
const headers = ["Vardas", "Pavardė", "El. paštas", "Telefonas", "Įmonė", "Šalis", "Etapas", "Atsakingas", "Žymos", "Pastabos"];
const fields = ["first_name", "last_name", "emails", "phones", "company_name", "country", "lifecycle_stage", "owner_id", "tags", "notes"] as const;
const columns: Column[] = headers.map((header, index) => ({ index, header, field: fields[index] ?? "notes" }));
const row = (cells: string[], number = 1) => ({ row: number, line: number + 1, fields: cells });

describe("mapRow", () => {
  it("normalises a good row the way the contact API does", () => {
    const mapped = mapRow(
      row(["Šarūnas", "Žemaitė", " Sarunas@Pavyzdys.LT ; s@p.lt", "8 612 34567", 'UAB "Ąžuolas"', "Lietuva", "Klientas", "ona@acme.lt", "VIP, Kaunas", "Skambinti"]),
      [],
      columns,
      headers.length,
      ctx,
    );
    expect(mapped.errors).toEqual([]);
    expect(mapped.contact).toMatchObject({
      firstName: "Šarūnas",
      lastName: "Žemaitė",
      emails: ["sarunas@pavyzdys.lt", "s@p.lt"],
      phones: [{ e164: "+37061234567", raw: "8 612 34567", label: null }],
      country: "LT",
      lifecycleStage: "customer",
      ownerId: "usr_ona",
      tags: ["kaunas", "vip"],
      companyName: 'UAB "Ąžuolas"',
      notes: "Skambinti",
    });
  });

  it("reports every problem with a pointer into the contact and the column's header", () => {
    const mapped = mapRow(row(["Ona", "", "ona@", "123", "", "Atlantis", "VIP", "Jonas", "", ""], 7), [], columns, headers.length, ctx);
    expect(mapped.contact).toBeNull();
    const byPointer = Object.fromEntries(mapped.errors.map((e) => [e.pointer, e]));
    expect(byPointer["/emails/0"]).toMatchObject({ code: "invalid_email" });
    expect(byPointer["/emails/0"]?.message).toContain('Column "El. paštas"');
    expect(byPointer["/emails/0"]?.message).toContain("ona@");
    expect(byPointer["/phones/0/number"]).toMatchObject({ code: "invalid_phone" });
    expect(byPointer["/country"]).toMatchObject({ code: "unknown_country" });
    expect(byPointer["/lifecycle_stage"]).toMatchObject({ code: "unknown_lifecycle_stage" });
    expect(byPointer["/owner_id"]).toMatchObject({ code: "ambiguous_owner" });
  });

  it("reports ragged rows and reader issues for the row as a whole", () => {
    const short = mapRow(row(["Ona", "Ona"]), [], columns, headers.length, ctx);
    expect(short.errors[0]).toMatchObject({ pointer: "", code: "too_few_cells" });
    const long = mapRow(row([...Array(11).fill("x")]), [{ code: "stray_quote", row: 1, line: 2 }], columns, headers.length, ctx);
    expect(long.errors.map((e) => e.code)).toEqual(expect.arrayContaining(["stray_quote", "too_many_cells"]));
    expect(long.contact).toBeNull();
  });

  it("asks for a name, an email or a phone, as POST /contacts does", () => {
    const mapped = mapRow(row(["", "", "", "", "Alfa", "", "", "", "", "note"]), [], columns, headers.length, ctx);
    expect(mapped.errors).toEqual([expect.objectContaining({ pointer: "/first_name", code: "identity_required" })]);
  });

  it("flags text the chosen encoding could not read", () => {
    const mapped = mapRow(row(["Ona", "Petr\uFFFDit\uFFFD", "", "", "", "", "", "", "", ""]), [], columns, headers.length, ctx);
    expect(mapped.errors).toEqual([expect.objectContaining({ pointer: "/last_name", code: "invalid_characters" })]);
  });
});

describe("memberDirectory", () => {
  it("finds an owner by user id, email (any case) or unique name", () => {
    expect(members.resolve("usr_ona")).toEqual({ userId: "usr_ona" });
    expect(members.resolve("ONA@acme.lt")).toEqual({ userId: "usr_ona" });
    expect(members.resolve("ona petraite")).toEqual({ userId: "usr_ona" });
    expect(members.resolve("Jonas")).toEqual({ problem: "ambiguous" });
    expect(members.resolve("Nobody")).toEqual({ problem: "unknown" });
  });
});
