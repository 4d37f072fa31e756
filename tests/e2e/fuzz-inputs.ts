// What the fuzz specs send: the islands' wire form, values that have broken servers before,
// and inputs generated from a JSON Schema (a procedure's, or an operation's in the OpenAPI
// document), valid or with one thing wrong. Shared by fuzz.spec.ts (tRPC) and
// fuzz-rest.spec.ts (the Admin and Content APIs).
import fc from "fast-check";
import superjson from "superjson";

/** The wire form the islands use; a value superjson cannot encode goes as plain JSON. */
export function encode(value: unknown): string {
  try {
    return JSON.stringify(superjson.serialize(value));
  } catch {
    return JSON.stringify({ json: value }, (_key, v: unknown) => (typeof v === "bigint" ? String(v) : v)) ?? "null";
  }
}

/** Nested `depth` levels deep, arrays and objects in turn. */
const nested = (depth: number): unknown => {
  let v: unknown = "bottom";
  for (let i = 0; i < depth; i++) v = i % 2 ? [v] : { a: v };
  return v;
};

/** Values that have broken servers before: wrong types, extremes, odd strings, deep nesting. */
export const hostile: fc.Arbitrary<unknown> = fc.oneof(
  fc.anything({
    maxDepth: 3,
    withBigInt: true,
    withDate: true,
    withMap: true,
    withSet: true,
    withNullPrototype: true,
    withObjectString: true,
    withSparseArray: true,
    withBoxedValues: true,
    stringUnit: "grapheme",
  }),
  fc.constantFrom<unknown>(
    NaN,
    Infinity,
    -Infinity,
    -0,
    Number.MAX_VALUE,
    Number.MIN_VALUE,
    2 ** 53 + 2,
    -(2 ** 63),
    2n ** 70n,
    null,
    undefined,
    "",
    " ",
    "\u0000",
    "\ud800",
    "__proto__",
    "constructor",
    "🦄".repeat(500),
    "x".repeat(100_000),
    new Date(NaN),
    new Date(8.64e15),
    [],
    {},
  ),
  fc.string({ unit: "binary", maxLength: 40 }),
  fc.integer({ min: 20, max: 1000 }).map(nested),
);

/** A JSON Schema, as zod's `toJSONSchema` writes one for our inputs. */
export interface Schema {
  type?: string;
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  anyOf?: Schema[];
  /** A discriminated union says oneOf. */
  oneOf?: Schema[];
  enum?: unknown[];
  const?: unknown;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  format?: string;
  minimum?: number;
  maximum?: number;
  maxItems?: number;
}

/** Ids of real things this file's admin owns, by the field name that carries them. */
export type Own = Partial<Record<"id" | "postId" | "revisionId" | "userId", string[]>>;

/** Values the schema accepts (mostly: refinements such as "a tag needs a letter" are not in it). */
export function valid(s: Schema, own: Own, key = ""): fc.Arbitrary<unknown> {
  const branches = s.anyOf ?? s.oneOf;
  if (branches) return fc.oneof(...branches.map((branch) => valid(branch, own, key)));
  if ("const" in s) return fc.constant(s.const);
  if (s.enum) return fc.constantFrom(...s.enum);
  switch (s.type) {
    case "object": {
      const props = Object.entries(s.properties ?? {});
      return fc.record(Object.fromEntries(props.map(([k, v]) => [k, valid(v, own, k)])), { requiredKeys: s.required ?? [] });
    }
    case "array":
      return fc.array(valid(s.items ?? {}, own), { maxLength: Math.min(s.maxItems ?? 5, 5) });
    case "string": {
      const min = s.minLength ?? 0;
      const max = s.maxLength ?? 1_000;
      const options: fc.Arbitrary<unknown>[] = [
        fc.string({ minLength: min, maxLength: Math.min(max, 40), unit: "grapheme" }),
        fc.string({ minLength: min, maxLength: Math.min(max, 40) }),
      ];
      if (s.pattern) {
        const pattern = new RegExp(s.pattern);
        options.push(fc.stringMatching(pattern).filter((v) => v.length >= min && v.length <= max));
      }
      // An address a schema checks in code (a refine) says only "string": its name says more.
      if (s.format === "uri" || /url$/i.test(key ?? "")) options.push(fc.webUrl().filter((v) => v.length <= max));
      // The longest accepted value, where rendering one is cheap.
      if (max <= 5_000) options.push(fc.constant("x".repeat(max)));
      const ids = own[key as keyof Own];
      if (ids?.length) options.push(fc.constantFrom(...ids), fc.constantFrom(...ids));
      if (/id$/i.test(key)) options.push(fc.uuid());
      return fc.oneof(...options);
    }
    case "integer":
      return fc.oneof(
        fc.integer({ min: Math.max(s.minimum ?? -(2 ** 31), -(2 ** 31)), max: Math.min(s.maximum ?? 2 ** 31 - 1, 2 ** 31 - 1) }),
        fc.constantFrom(...[s.minimum, s.maximum].filter((v) => v !== undefined)),
      );
    case "number":
      return fc.double({ min: s.minimum, max: s.maximum, noNaN: true });
    case "boolean":
      return fc.boolean();
    case "null":
      return fc.constant(null);
    case undefined:
      // What JSON Schema cannot say (a Date): anything, dates first.
      return fc.oneof(fc.date(), hostile);
    default:
      throw new Error(`the fuzzer has no generator for JSON Schema type "${s.type}": add one`);
  }
}

/** Valid-looking inputs with one thing wrong: a field of the wrong kind, one missing, one too many. */
export function nearValid(s: Schema, own: Own): fc.Arbitrary<unknown> {
  const base = valid(s, own);
  const keys = Object.keys(s.properties ?? {});
  if (s.type !== "object" || !keys.length) return fc.oneof(base, hostile);
  const asObject = base as fc.Arbitrary<Record<string, unknown>>;
  return fc.oneof(
    { arbitrary: base, weight: 2 },
    fc.tuple(asObject, fc.constantFrom(...keys), hostile).map(([v, k, h]) => ({ ...v, [k]: h })),
    fc.tuple(asObject, fc.constantFrom(...keys)).map(([v, k]) => {
      const { [k]: _dropped, ...rest } = v;
      return rest;
    }),
    fc.tuple(asObject, fc.constantFrom("__proto__", "constructor", "prototype", "toString", "extra"), hostile).map(([v, k, h]) => {
      const o = { ...v };
      Object.defineProperty(o, k, { value: h, enumerable: true, configurable: true, writable: true });
      return o;
    }),
  );
}
