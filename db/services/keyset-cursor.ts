import type { z } from 'zod';
import { ServiceError } from './service-error';

/** The opaque cursor a keyset-paged list hands out: the sort key of the last row it returned. */
export function encodeCursor(key: unknown): string {
  return Buffer.from(JSON.stringify(key)).toString('base64url');
}

/** The sort key a cursor stands for; a cursor this list never returned is a VALIDATION error. */
export function decodeCursor<T>(schema: z.ZodType<T>, cursor: string): T {
  try {
    return schema.parse(JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')));
  } catch {
    throw new ServiceError(
      'VALIDATION',
      'That page cursor is not valid: start again from the first page.',
      { fields: { cursor: 'is not a cursor this list returned' } },
    );
  }
}

/** A LIKE pattern matching `text` anywhere, its wildcards escaped so "50%" means those characters. */
export function containsPattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (char) => `\\${char}`)}%`;
}
