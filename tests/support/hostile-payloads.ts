import fc from 'fast-check';
import { z } from 'zod';

/**
 * fast-check arbitraries of what a hostile or buggy caller could send to a channel. The IPC door
 * passes values by structured clone, so beyond JSON they include what that carries: NaN,
 * infinities, -0, undefined, BigInt, Date, Map, Set, typed arrays, sparse arrays and
 * null-prototype objects.
 */

/** Whatever structured clone can carry, at any depth fast-check likes. */
const anyCloneable = fc.anything({
  withBigInt: true,
  withBoxedValues: true,
  withDate: true,
  withMap: true,
  withSet: true,
  withTypedArray: true,
  withSparseArray: true,
  withNullPrototype: true,
  stringUnit: 'binary',
});

/** Code units JavaScript strings allow but UTF-8 and PostgreSQL text don't (NUL, lone surrogates). */
const awkwardCharacters = ['\u0000', '\uD800', '\uDFFF', '\uFEFF', '\u202E', '\\', "'", '"', '%'];

/** Strings that are too long for any field: 10 kB to 2 MB of one awkward character. */
const hugeString = fc
  .tuple(
    fc.constantFrom(10_001, 100_001, 1_000_001),
    fc.constantFrom('x', '😀', ...awkwardCharacters),
  )
  .map(([length, character]) => character.repeat(length));

const hostileString = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc
    .tuple(fc.string({ maxLength: 20 }), fc.constantFrom(...awkwardCharacters))
    .map(([text, character]) => `${text}${character}${text}`),
  fc.constantFrom(
    '',
    ' ',
    '__proto__',
    'constructor',
    'NaN',
    'Infinity',
    '-1',
    '1e309',
    'null',
    'true',
    '{}',
    '[]',
    '00000000-0000-0000-0000-000000000000',
    'FFFFFFFF-FFFF-4FFF-BFFF-FFFFFFFFFFFF',
  ),
  // Well-formed ids of nothing at all.
  fc.uuid(),
  hugeString,
);

const hostileNumber = fc.oneof(
  fc.double(),
  fc.integer(),
  fc.bigInt(),
  fc.constantFrom(
    0,
    -0,
    -1,
    0.5,
    2 ** 31 - 1,
    2 ** 31,
    -(2 ** 31) - 1,
    2 ** 53 + 2,
    Number.MAX_VALUE,
    -Number.MAX_VALUE,
    Number.MIN_VALUE,
    Number.NaN,
    Number.POSITIVE_INFINITY,
    Number.NEGATIVE_INFINITY,
  ),
);

/** `{a: {a: …}}` (or `[[…]]`) `depth` levels deep. */
export function nestedValue(depth: number, isArray = false): unknown {
  let value: unknown = 'bottom';
  for (let level = 0; level < depth; level++) value = isArray ? [value] : { a: value };
  return value;
}

/** Hundreds to tens of thousands of levels: deeper than JSON.stringify's stack allows at the top. */
const deeplyNested = fc
  .tuple(fc.integer({ min: 100, max: 20_000 }), fc.boolean())
  .map(([depth, isArray]) => nestedValue(depth, isArray));

/** Keys that mean something to JavaScript objects rather than to the API. */
const prototypeKeys = fc.constantFrom(
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'valueOf',
  'hasOwnProperty',
  'then',
);

/** An object whose own keys include `__proto__` and friends, as JSON.parse would make it. */
const prototypeKeyedObject = fc
  .array(fc.tuple(prototypeKeys, fc.jsonValue({ maxDepth: 2 })), { minLength: 1, maxLength: 3 })
  .map((entries) => withOwnFields({}, entries));

/** Any one value a field could be given instead of what it expects. */
export const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  { arbitrary: anyCloneable, weight: 3 },
  { arbitrary: hostileString, weight: 4 },
  { arbitrary: hostileNumber, weight: 3 },
  { arbitrary: deeplyNested, weight: 1 },
  { arbitrary: prototypeKeyedObject, weight: 1 },
  { arbitrary: fc.constantFrom(null, undefined, true, false, [], {}), weight: 1 },
);

/**
 * A copy of `base` with `entries` set as own, enumerable fields: `__proto__` becomes a field,
 * as JSON.parse makes it, instead of replacing the prototype.
 */
export function withOwnFields(
  base: Record<string, unknown>,
  entries: readonly (readonly [string, unknown])[],
): Record<string, unknown> {
  const copy: Record<string, unknown> = { ...base };
  for (const [key, value] of entries) {
    Object.defineProperty(copy, key, {
      value,
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return copy;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The field names an input schema knows, optional ones included (every option of a union). */
export function fieldNamesOf(schema: z.ZodType): string[] {
  if (schema instanceof z.ZodObject) return Object.keys(schema.shape);
  if (schema instanceof z.ZodUnion) {
    const options: readonly unknown[] = schema.options;
    return [
      ...new Set(
        options.flatMap((option) => (option instanceof z.ZodType ? fieldNamesOf(option) : [])),
      ),
    ];
  }
  if (schema instanceof z.ZodPipe && schema.in instanceof z.ZodType) return fieldNamesOf(schema.in);
  return [];
}

/** `base` with one or more of its fields left out (itself when it has none). */
function withoutSomeFields(base: Record<string, unknown>): fc.Arbitrary<Record<string, unknown>> {
  const keys = Object.keys(base);
  if (keys.length === 0) return fc.constant(base);
  return fc
    .subarray(keys, { minLength: 1 })
    .map((removed) =>
      Object.fromEntries(Object.entries(base).filter(([key]) => !removed.includes(key))),
    );
}

/**
 * Malformed and random payloads for a channel whose valid input looks like `example`: any value
 * at all, the example with fields replaced, removed or added (prototype keys too), and arrays
 * where an object belongs.
 */
export function hostilePayloads(example: unknown, schema: z.ZodType): fc.Arbitrary<unknown> {
  const base = isRecord(example) ? example : {};
  const names = [...new Set([...Object.keys(base), ...fieldNamesOf(schema)])];
  const name = names.length > 0 ? fc.constantFrom(...names) : fc.string();
  const field = fc.tuple(name, hostileValue);
  return fc.oneof(
    { arbitrary: anyCloneable, weight: 2 },
    { arbitrary: fc.jsonValue(), weight: 1 },
    {
      arbitrary: fc
        .array(field, { minLength: 1, maxLength: 3 })
        .map((entries) => withOwnFields(base, entries)),
      weight: 6,
    },
    {
      arbitrary: fc
        .tuple(fc.oneof(prototypeKeys, fc.string()), hostileValue)
        .map((entry) => withOwnFields(base, [entry])),
      weight: 2,
    },
    { arbitrary: withoutSomeFields(base), weight: 1 },
    {
      arbitrary: fc.constantFrom<unknown>(
        [base],
        Object.values(base),
        Object.entries(base),
        { input: base },
        JSON.stringify(base),
      ),
      weight: 1,
    },
  );
}
