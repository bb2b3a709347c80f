import { z } from 'zod';

/** Schemas every domain shares. Pure zod: the renderer bundles these through the API contract. */

/** A row id. Lower-cased, as PostgreSQL prints uuids, so ids compare equal however they were typed. */
export const idSchema = z
  .string()
  .trim()
  .toLowerCase()
  .pipe(z.uuid({ message: 'must be an id (UUID)' }));

/** The optimistic-concurrency token an edit started from. */
export const versionSchema = z.number().int().min(1).max(2_147_483_647);

/** A date leaving the API: a Date in the main process, an ISO string on the wire, a Date again in the renderer. */
export const dateSchema = z.coerce.date();

/** An opaque keyset cursor returned by a list, passed back for its next page. */
export const cursorSchema = z.string().min(1).max(1000);

export const pageLimitSchema = z.number().int().min(1).max(500).default(50);

/** A list page: the items, and the cursor of the next page (null on the last). */
export function pageSchema<T extends z.ZodType>(item: T) {
  return z.object({ items: z.array(item), nextCursor: cursorSchema.nullable() });
}

/** No input. */
export const emptyInputSchema = z.object({}).strict();

/** How deep caller-given free-form JSON may nest: far beyond preferences and tags, and safe to serialize. */
export const MAX_JSON_DEPTH = 100;

type JsonProblem = { path: (string | number)[]; message: string };

function isPlainObject(value: object): boolean {
  const prototype: unknown = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

/**
 * The first place where `value` is not JSON that jsonb stores exactly as given, or undefined.
 * Walks with a stack rather than recursion, so a payload of any depth is safe to check.
 */
function firstNonJson(value: unknown): JsonProblem | undefined {
  const pending: { value: unknown; path: (string | number)[] }[] = [{ value, path: [] }];
  for (let item = pending.pop(); item; item = pending.pop()) {
    const { value: current, path } = item;
    if (path.length > MAX_JSON_DEPTH) {
      return { path, message: `must not nest more than ${MAX_JSON_DEPTH} levels deep` };
    }
    if (current === null || typeof current === 'string' || typeof current === 'boolean') continue;
    if (typeof current === 'number') {
      if (Number.isFinite(current)) continue;
      return { path, message: 'must be a finite number' };
    }
    if (Array.isArray(current)) {
      // A sparse array's holes would silently become null: refuse it before walking its length.
      if (Object.keys(current).length !== current.length) {
        return { path, message: 'must be a list without holes' };
      }
      current.forEach((element, index) => pending.push({ value: element, path: [...path, index] }));
      continue;
    }
    if (typeof current === 'object' && isPlainObject(current)) {
      for (const [key, element] of Object.entries(current)) {
        pending.push({ value: element, path: [...path, key] });
      }
      continue;
    }
    return {
      path,
      message: 'must be JSON: text, a finite number, true, false, null, a list or an object',
    };
  }
  return undefined;
}

/**
 * A free-form JSON object a caller sends (metadata): only what jsonb stores exactly as given. A
 * BigInt would fail to serialize, a Map, Date, undefined or NaN would silently change, and very
 * deep nesting would overflow the stack while serializing: each is refused with where it is.
 */
export const jsonObjectInputSchema = z
  .record(z.string(), z.unknown())
  .superRefine((value, context) => {
    const problem = firstNonJson(value);
    if (problem) context.addIssue({ code: 'custom', ...problem });
  });

/** A title of a course, lesson or quiz: trimmed, not blank (the database checks that too). */
export const titleSchema = z.string().trim().min(1, { message: 'must not be empty' }).max(500);

/** Names one row. */
export const rowRefInputSchema = z.object({ id: idSchema }).strict();

/** Names one row and the version an edit or delete started from. */
export const versionedRowRefInputSchema = z
  .object({ id: idSchema, version: versionSchema })
  .strict();
export type VersionedRowRef = z.infer<typeof versionedRowRefInputSchema>;

/** A page of one course's rows (its lessons, its quizzes). */
export const coursePageInputSchema = z
  .object({ courseId: idSchema, cursor: cursorSchema.optional(), limit: pageLimitSchema })
  .strict();
