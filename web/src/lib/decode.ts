// Tiny decoders for JSON from the network: responses are narrowed field by field instead of
// cast, so a server that drifts from its schema fails loudly here rather than deep in the UI.

export type Decoder<T> = (value: unknown, path?: string) => T;

export class DecodeError extends Error {
  constructor(readonly path: string, expected: string) {
    super(`Unexpected response: ${path || "value"} is not ${expected}`);
    this.name = "DecodeError";
  }
}

export const string: Decoder<string> = (value, path = "") => {
  if (typeof value !== "string") throw new DecodeError(path, "a string");
  return value;
};

export const number: Decoder<number> = (value, path = "") => {
  if (typeof value !== "number" || !Number.isFinite(value)) throw new DecodeError(path, "a number");
  return value;
};

export const boolean: Decoder<boolean> = (value, path = "") => {
  if (typeof value !== "boolean") throw new DecodeError(path, "a boolean");
  return value;
};

export function oneOf<const T extends readonly string[]>(options: T): Decoder<T[number]> {
  return (value, path = "") => {
    const found = options.find((option) => option === value);
    if (found === undefined) throw new DecodeError(path, `one of ${options.join(", ")}`);
    return found;
  };
}

export function nullable<T>(inner: Decoder<T>): Decoder<T | null> {
  return (value, path = "") => (value === null ? null : inner(value, path));
}

export function array<T>(inner: Decoder<T>): Decoder<T[]> {
  return (value, path = "") => {
    if (!Array.isArray(value)) throw new DecodeError(path, "an array");
    return value.map((item: unknown, index) => inner(item, `${path}[${index}]`));
  };
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

export const record: Decoder<Record<string, unknown>> = (value, path = "") => {
  if (!isRecord(value)) throw new DecodeError(path, "an object");
  return value;
};

type Shape = Record<string, Decoder<unknown>>;
type Decoded<S extends Shape> = { [K in keyof S]: S[K] extends Decoder<infer T> ? T : never };

/** Decodes the listed fields and drops any others, so extra server fields never leak through. */
export function object<S extends Shape>(shape: S): Decoder<Decoded<S>> {
  return (value, path = "") => {
    const source = record(value, path);
    const result: Record<string, unknown> = {};
    for (const [key, decode] of Object.entries(shape)) result[key] = decode(source[key], path ? `${path}.${key}` : key);
    // Every key of the shape was decoded above with its own decoder, which is what Decoded<S> says.
    return result as Decoded<S>;
  };
}

export function page<T>(item: Decoder<T>): Decoder<{ data: T[]; next_cursor: string | null }> {
  return object({ data: array(item), next_cursor: nullable(string) });
}

export function literal<const T extends string>(expected: T): Decoder<T> {
  return (value, path = "") => {
    if (value !== expected) throw new DecodeError(path, `"${expected}"`);
    return expected;
  };
}
