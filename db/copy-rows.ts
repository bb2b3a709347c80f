import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';

/** `\N`: a NULL field in COPY's text format. */
const NULL_FIELD = '\\N';
const SPECIAL = /[\\\t\n\r]/;
const SPECIAL_ALL = /[\\\t\n\r]/g;
const ESCAPES: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' };

/** One line of COPY's text format: fields tab-separated, backslash escapes, `\N` for NULL. */
export function copyLine(fields: readonly (string | null)[]): string {
  let line = '';
  for (let index = 0; index < fields.length; index++) {
    const field = fields[index] ?? null;
    if (index > 0) line += '\t';
    if (field === null) line += NULL_FIELD;
    // Most fields need no escaping; testing first spares a replace on a million rows.
    else
      line += SPECIAL.test(field)
        ? field.replace(SPECIAL_ALL, (char) => ESCAPES[char] ?? char)
        : field;
  }
  return `${line}\n`;
}

/** About how much text goes to the server per write: big enough that per-chunk costs vanish. */
const CHUNK_CHARS = 128 * 1024;

/**
 * Groups lines into chunks for the COPY stream, so rows are produced only as fast as the server
 * takes them and the whole data set is never in memory at once. `onRows` hears the running count
 * every `reportEvery` rows (checked between chunks).
 */
export function* chunkLines(
  lines: Iterable<string>,
  reportEvery: number,
  onRows: (rows: number) => void,
): Generator<string> {
  let chunk = '';
  let rows = 0;
  let reportedAt = 0;
  for (const line of lines) {
    chunk += line;
    rows++;
    if (chunk.length >= CHUNK_CHARS) {
      yield chunk;
      chunk = '';
      if (rows - reportedAt >= reportEvery) {
        reportedAt = rows;
        onRows(rows);
      }
    }
  }
  if (chunk.length > 0) yield chunk;
}

/**
 * Runs `COPY … FROM STDIN` on `client`, streaming `chunks` (text or buffers) with back-pressure.
 * Returns the number of rows the server reports. An error from the source aborts the COPY.
 */
export async function copyInto(
  client: pg.ClientBase,
  copySql: string,
  chunks: Iterable<string | Buffer>,
): Promise<number> {
  const stream = client.query(copyFrom(copySql));
  await pipeline(Readable.from(chunks), stream);
  return stream.rowCount;
}
