// Uploaded CSV bytes → text. workerd's TextDecoder implements the WHATWG Encoding Standard,
// including windows-1250/1251/1257 and utf-16le (checked by decode.test.ts inside workerd), so no
// code-page tables are shipped: the runtime's are the same ones browsers use.

export const importEncodings = ["utf-8", "utf-16le", "windows-1257", "windows-1250", "windows-1251"] as const;
export type ImportEncoding = (typeof importEncodings)[number];

/** The code pages Excel writes in our markets, in the order a tie is broken when nothing is preferred. */
export const legacyEncodings = ["windows-1257", "windows-1250", "windows-1251"] as const;
export type LegacyEncoding = (typeof legacyEncodings)[number];

export type EncodingCandidate = { encoding: LegacyEncoding; score: number };

export type DecodedText = {
  text: string;
  encoding: ImportEncoding;
  /** How the encoding was chosen: given by the caller, a byte-order mark, valid UTF-8, or scored. */
  source: "explicit" | "bom" | "utf8" | "scored";
  /** True when the scored winner did not clearly beat the runner-up: ask the user. */
  ambiguous: boolean;
  /** Every legacy code page with its plausibility score, best first (empty unless scored). */
  candidates: EncodingCandidate[];
  /** U+FFFD characters in the result: bytes that are invalid in the chosen encoding. */
  replacements: number;
};

export type DecodeOptions = {
  /** "auto" (default) detects; anything else decodes as given. */
  encoding?: ImportEncoding | "auto";
  /** Breaks ties between code pages, e.g. from the workspace's country (LT/LV → 1257, SI → 1250, RU → 1251). */
  prefer?: LegacyEncoding;
};

/** The code page a workspace in this country most likely gets from Excel. */
export function preferredEncodingFor(country: string | null | undefined): LegacyEncoding | undefined {
  switch (country?.toUpperCase()) {
    case "LT":
    case "LV":
    case "EE":
      return "windows-1257";
    case "SI":
    case "HR":
    case "CZ":
    case "SK":
    case "PL":
    case "HU":
      return "windows-1250";
    case "RU":
    case "BY":
    case "UA":
    case "BG":
    case "RS":
      return "windows-1251";
    default:
      return undefined;
  }
}

const utf8Bom = [0xef, 0xbb, 0xbf];

function startsWith(bytes: Uint8Array, prefix: readonly number[]): boolean {
  return prefix.every((byte, i) => bytes[i] === byte);
}

function countReplacements(text: string): number {
  let count = 0;
  for (let i = text.indexOf("\uFFFD"); i !== -1; i = text.indexOf("\uFFFD", i + 1)) count++;
  return count;
}

function decodeAs(bytes: Uint8Array, encoding: ImportEncoding): string {
  // The decoder strips a BOM of its own encoding; the text never starts with U+FEFF.
  return new TextDecoder(encoding).decode(bytes);
}

// Letters each code page exists to write, in the languages whose Excel writes it. A decoded text
// full of them is likely right; the same bytes read in another code page become letters of no
// language we serve (ŕ, ţ, ř in Lithuanian read as 1250), C1 controls or mixed-script words.
const expectedLetters: Record<LegacyEncoding, RegExp> = {
  // Lithuanian and Latvian.
  "windows-1257": /[ąčęėįšųūžāēģīķļņĄČĘĖĮŠŲŪŽĀĒĢĪĶĻŅ]/u,
  // Slovenian and Croatian first; the other Central European letters count less (below).
  "windows-1250": /[čšžćđČŠŽĆĐ]/u,
  "windows-1251": /[а-яёА-ЯЁ]/u,
};
const otherPlausible: Record<LegacyEncoding, RegExp> = {
  "windows-1257": /[õäöüÕÄÖÜéÉ]/u,
  "windows-1250": /[áéíóúýěřůňťďőűłśźżąęńäöüÁÉÍÓÚÝĚŘŮŇŤĎŐŰŁŚŹŻĄĘŃÄÖÜ]/u,
  "windows-1251": /[ўіїєґЎІЇЄҐђјљњћџЂЈЉЊЋЏ]/u,
};

/**
 * How plausible a decoded text is for the code page's languages: every non-ASCII character is
 * judged inside its word. Higher is better; only differences between candidates matter.
 */
export function plausibility(text: string, encoding: LegacyEncoding): number {
  let score = 0;
  for (const word of text.match(/[^\s;,\t"'()[\]{}<>|/\\]+/gu) ?? []) {
    if (!/[^\x00-\x7f]/.test(word)) continue;
    const latin = /[A-Za-z]/.test(word);
    const cyrillic = /\p{Script=Cyrillic}/u.test(word);
    if (latin && cyrillic) score -= 6; // "Jonaitл", "Peи": one word never mixes scripts
    let high = 0;
    let letters = 0;
    for (const char of word) {
      if (/\p{L}/u.test(char)) letters++;
      if (char.charCodeAt(0) < 0x80) continue;
      high++;
      if (expectedLetters[encoding].test(char)) score += 2;
      else if (otherPlausible[encoding].test(char)) score += 0.5;
      else if (/[\u0080-\u009f\uFFFD]/.test(char)) score -= 6; // undefined byte in this code page
      else if (/\p{L}/u.test(char)) score -= 1;
      // Punctuation from the high half (–, „, “, №, €) is neutral.
    }
    // Latin words are mostly ASCII letters with a few diacritics; "Čāąķ" is Russian read as 1257.
    if (!cyrillic && letters >= 3 && high / letters > 0.5) score -= 2 * high;
  }
  return score;
}

function isValidUtf8(bytes: Uint8Array): boolean {
  try {
    new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(bytes);
    return true;
  } catch {
    return false;
  }
}

/** The share of the file that detection reads: enough for thousands of names, bounded for 60 MB uploads. */
const sampleBytes = 256 * 1024;

/**
 * Decodes an uploaded file. Detection: a UTF-8 or UTF-16LE byte-order mark wins; bytes that are
 * valid UTF-8 are UTF-8 (pure ASCII included); otherwise each Windows code page is scored on a
 * sample and the most plausible wins, `prefer` breaking ties.
 */
export function decodeBytes(bytes: Uint8Array, options: DecodeOptions = {}): DecodedText {
  const requested = options.encoding ?? "auto";
  const result = (encoding: ImportEncoding, source: DecodedText["source"], candidates: EncodingCandidate[] = [], ambiguous = false): DecodedText => {
    const text = decodeAs(bytes, encoding);
    return { text, encoding, source, ambiguous, candidates, replacements: countReplacements(text) };
  };
  if (requested !== "auto") return result(requested, "explicit");
  if (startsWith(bytes, utf8Bom)) return result("utf-8", "bom");
  if (startsWith(bytes, [0xff, 0xfe])) return result("utf-16le", "bom");
  if (isValidUtf8(bytes)) return result("utf-8", "utf8");

  const sample = bytes.subarray(0, sampleBytes);
  const order = [...legacyEncodings].sort((a, b) => (a === options.prefer ? -1 : b === options.prefer ? 1 : 0));
  const candidates = order
    .map((encoding) => ({ encoding, score: plausibility(decodeAs(sample, encoding), encoding) }))
    // Stable sort: equal scores keep the preference order.
    .sort((a, b) => b.score - a.score);
  const [best, second] = candidates as [EncodingCandidate, EncodingCandidate, EncodingCandidate];
  const ambiguous = best.score <= 0 || best.score - second.score < Math.max(2, Math.abs(best.score) * 0.1);
  return result(best.encoding, "scored", candidates, ambiguous);
}

/**
 * The bytes of `text` in a legacy code page, built from the runtime's own decoder. For tests and
 * fixtures; throws on a character the code page cannot write.
 */
export function encodeLegacy(text: string, encoding: LegacyEncoding): Uint8Array {
  const decoder = new TextDecoder(encoding);
  const table = new Map<string, number>();
  for (let byte = 0; byte < 256; byte++) table.set(decoder.decode(new Uint8Array([byte])), byte);
  const out: number[] = [];
  for (const char of text) {
    const byte = table.get(char);
    if (byte === undefined) throw new RangeError(`${encoding} cannot write ${JSON.stringify(char)}`);
    out.push(byte);
  }
  return new Uint8Array(out);
}
