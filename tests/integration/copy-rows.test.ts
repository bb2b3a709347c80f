import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import pg from 'pg';
import { chunkLines, copyInto, copyLine } from '../../db/copy-rows';
import { createTestDatabase, type TestDatabase } from '../support/test-database';

describe(`COPY lines (${inject('serverLabel')})`, () => {
  let database: TestDatabase;
  let client: pg.Client;

  beforeAll(async () => {
    database = await createTestDatabase();
    client = new pg.Client({ connectionString: database.url });
    await client.connect();
    await client.query('CREATE TABLE samples (n integer, value text)');
  });

  afterAll(async () => {
    await client.end();
    await database.drop();
  });

  it('stores every value exactly as given, NULL and tricky characters included', async () => {
    const values = [
      null,
      '',
      '\\N',
      'back\\slash',
      'tab\there',
      'two\nlines',
      'carriage\rreturn',
      '{"json": "with \\"quotes\\" and \\n escapes"}',
      'H₂O ¿qué? Søren 東京',
    ];
    const copied = await copyInto(
      client,
      'COPY samples (n, value) FROM STDIN',
      chunkLines(
        values.map((value, index) => copyLine([String(index), value])),
        100,
        () => undefined,
      ),
    );
    expect(copied).toBe(values.length);
    const { rows } = await client.query<{ value: string | null }>(
      'SELECT value FROM samples ORDER BY n',
    );
    expect(rows.map((row) => row.value)).toEqual(values);
  });
});
