import { describe, expect, it } from "vitest";
import { decodeBytes, encodeLegacy, plausibility, preferredEncodingFor } from "./decode";

const utf8 = (text: string) => new TextEncoder().encode(text);
const withBom = (bytes: Uint8Array) => new Uint8Array([0xef, 0xbb, 0xbf, ...bytes]);

// What Excel in each locale writes for "CSV (semicolon delimited)": real-looking names.
const lithuanian = "Vardas;Pavardė;El. paštas;Telefonas;Įmonė\r\nŠarūnas;Žemaitė;sarunas@pavyzdys.lt;+370 612 34567;UAB „Ąžuolas“\r\nGiedrė;Jankūnienė;giedre@pavyzdys.lt;8 698 12345;Šviesa\r\nRūta;Čepulytė;ruta@pavyzdys.lt;;Kęstučio ūkis\r\n";
const latvian = "Vārds;Uzvārds;E-pasts;Tālrunis;Uzņēmums\r\nJānis;Bērziņš;janis@piemers.lv;+371 2123 4567;SIA Ķekava\r\nLīga;Ozoliņa;liga@piemers.lv;;Rīgas ūdens\r\nĢirts;Kalniņš;girts@piemers.lv;;Mārupes Ļaudis\r\n";
const slovenian = "Ime;Priimek;E-pošta;Telefon;Podjetje\r\nAnže;Košir;anze@primer.si;+386 41 234 567;Čebelica d.o.o.\r\nNataša;Žagar;natasa@primer.si;;Šolski center\r\nMatija;Kovačič;matija@primer.si;;Ćurić s.p.\r\n";
const russian = "Имя;Фамилия;Эл. почта;Телефон;Компания\r\nИван;Петров;ivan@primer.ru;+7 912 345-67-89;ООО «Ромашка»\r\nЁлена;Смирнова;elena@primer.ru;;АО Север\r\nСергей;Кузнецов;sergey@primer.ru;;ИП Щукин\r\n";

describe("the runtime's TextDecoder", () => {
  it("knows the code pages Excel writes in our markets (workerd, not Node)", () => {
    expect(new TextDecoder("windows-1257").decode(new Uint8Array([0xe0, 0xe8, 0xf0, 0xfe]))).toBe("ąčšž");
    expect(new TextDecoder("windows-1250").decode(new Uint8Array([0x9a, 0x9e, 0xe8, 0xe6, 0xf0]))).toBe("šžčćđ");
    expect(new TextDecoder("windows-1251").decode(new Uint8Array([0xc8, 0xe2, 0xe0, 0xed, 0xb8]))).toBe("Иванё");
    expect(new TextDecoder("utf-16le").decode(new Uint8Array([0x0a, 0x04]))).toBe("Њ");
  });
});

describe("encodeLegacy", () => {
  it("round-trips through the runtime's tables and refuses what a code page cannot write", () => {
    expect(decodeBytes(encodeLegacy(latvian, "windows-1257"), { encoding: "windows-1257" }).text).toBe(latvian);
    expect(() => encodeLegacy("Иван", "windows-1257")).toThrow(RangeError);
  });
});

describe("decodeBytes", () => {
  it("reads the UTF-8 with BOM that Excel LT writes, dropping the BOM", () => {
    const decoded = decodeBytes(withBom(utf8(lithuanian)));
    expect(decoded).toMatchObject({ encoding: "utf-8", source: "bom", replacements: 0 });
    expect(decoded.text).toBe(lithuanian);
    expect(decoded.text.charCodeAt(0)).not.toBe(0xfeff);
  });

  it("reads UTF-8 without BOM and plain ASCII as UTF-8", () => {
    expect(decodeBytes(utf8(russian))).toMatchObject({ encoding: "utf-8", source: "utf8", text: russian });
    expect(decodeBytes(utf8("First name,Email\nAnn,ann@example.com\n"))).toMatchObject({ encoding: "utf-8", source: "utf8" });
  });

  it("reads Excel's UTF-16 'Unicode text' by its BOM", () => {
    const text = "Имя\tE-pasts\r\nЁлена\tliga@piemers.lv\r\n";
    const bytes = new Uint8Array([0xff, 0xfe, ...[...text].flatMap((c) => [c.charCodeAt(0) & 0xff, c.charCodeAt(0) >> 8])]);
    expect(decodeBytes(bytes)).toMatchObject({ encoding: "utf-16le", source: "bom", text });
  });

  it.each([
    ["a cp1257 Latvian file", latvian, "windows-1257"],
    ["a cp1257 Lithuanian file", lithuanian, "windows-1257"],
    ["a cp1250 Slovenian file", slovenian, "windows-1250"],
    ["a cp1251 Russian file", russian, "windows-1251"],
  ] as const)("detects %s", (_name, text, encoding) => {
    const decoded = decodeBytes(encodeLegacy(text, encoding));
    expect(decoded).toMatchObject({ encoding, source: "scored", ambiguous: false, text, replacements: 0 });
    expect(decoded.candidates[0]?.encoding).toBe(encoding);
  });

  it("detects single names, not only whole files", () => {
    expect(decodeBytes(encodeLegacy("Kęstutis Žukauskas", "windows-1257")).encoding).toBe("windows-1257");
    expect(decodeBytes(encodeLegacy("Jānis Bērziņš", "windows-1257")).encoding).toBe("windows-1257");
    expect(decodeBytes(encodeLegacy("Nataša Žagar", "windows-1250")).encoding).toBe("windows-1250");
    expect(decodeBytes(encodeLegacy("Matija Kovačič, Šolski center", "windows-1250")).encoding).toBe("windows-1250");
    expect(decodeBytes(encodeLegacy("Сергей Кузнецов", "windows-1251")).encoding).toBe("windows-1251");
  });

  it("calls a file ambiguous when the bytes are the same letter in two code pages, and lets the preference decide", () => {
    // č is 0xE8 in both 1250 and 1257 (and и in 1251, which "Peи" rules out).
    const bytes = encodeLegacy("Novak;Peč\r\n", "windows-1250");
    const lt = decodeBytes(bytes, { prefer: "windows-1257" });
    const si = decodeBytes(bytes, { prefer: "windows-1250" });
    expect(lt).toMatchObject({ ambiguous: true, encoding: "windows-1257", text: "Novak;Peč\r\n" });
    expect(si).toMatchObject({ ambiguous: true, encoding: "windows-1250", text: "Novak;Peč\r\n" });
    expect(si.candidates.map((c) => c.encoding).at(-1)).toBe("windows-1251");
  });

  it("calls Croatian ć/đ ambiguous: in 1257 the same bytes are Lithuanian ę/š", () => {
    // "Ćurić Đorđe" reads as "Ęurię Šoršе" in 1257, letters for letters; only the user can tell.
    const decoded = decodeBytes(encodeLegacy("Ćurić;Đorđe\r\n", "windows-1250"), { prefer: "windows-1250" });
    expect(decoded).toMatchObject({ ambiguous: true, encoding: "windows-1250" });
  });

  it("decodes as asked when the encoding is given, counting what does not fit", () => {
    const cp1251 = encodeLegacy(russian, "windows-1251");
    expect(decodeBytes(cp1251, { encoding: "windows-1251" })).toMatchObject({ source: "explicit", text: russian, replacements: 0 });
    // A wrong choice of UTF-8 shows up as replacement characters, one per invalid byte here.
    const wrong = decodeBytes(encodeLegacy("Иван", "windows-1251"), { encoding: "utf-8" });
    expect(wrong.replacements).toBe(4);
  });
});

describe("plausibility", () => {
  it("prefers the code page whose letters the text is written in", () => {
    const lt = encodeLegacy("Pavardė Žemaitė Jankūnienė", "windows-1257");
    const as1257 = new TextDecoder("windows-1257").decode(lt);
    const as1250 = new TextDecoder("windows-1250").decode(lt);
    expect(plausibility(as1257, "windows-1257")).toBeGreaterThan(plausibility(as1250, "windows-1250"));
  });
});

describe("preferredEncodingFor", () => {
  it("maps the workspace country to the code page its Excel writes", () => {
    expect(preferredEncodingFor("lt")).toBe("windows-1257");
    expect(preferredEncodingFor("SI")).toBe("windows-1250");
    expect(preferredEncodingFor("RU")).toBe("windows-1251");
    expect(preferredEncodingFor(null)).toBeUndefined();
  });
});
