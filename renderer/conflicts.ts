import type { z } from 'zod';
import { ApiCallError } from './api';

/**
 * The row a `CONFLICT` error carries (someone saved first), parsed with the schema of the
 * channel's own answer so it has the same types; undefined for any other error.
 */
export function conflictCurrent<S extends z.ZodType>(
  error: unknown,
  schema: S,
): z.output<S> | undefined {
  if (!(error instanceof ApiCallError) || error.code !== 'CONFLICT') return undefined;
  const parsed = schema.safeParse(error.body.current);
  return parsed.success ? parsed.data : undefined;
}
