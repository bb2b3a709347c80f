import { z } from 'zod';

/** Schemas every domain shares. Pure zod: the renderer bundles these through the API contract. */

export const idSchema = z.uuid({ message: 'must be an id (UUID)' });

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
