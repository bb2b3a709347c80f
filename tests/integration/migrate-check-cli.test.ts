import fs from 'node:fs/promises';
import pg from 'pg';
import { describe, expect, it, type TestContext } from 'vitest';
import { APP_SCHEMA } from '../../db/migration-authoring/model-drift';
import { readNormalizedSchema } from '../../db/migration-authoring/normalized-schema';
import { DEFAULT_MIGRATIONS_DIR } from '../../db/migration-source';
import { runCli } from '../support/cli-runner';
import {
  createMigratedDatabase,
  createTestDatabase,
  type TestDatabase,
} from '../support/test-database';

// `npm test` runs this file: `migrate check` on a freshly migrated database is how CI catches a
// model changed without a migration (or a migration without its model change).

async function dropAfter(
  test: Pick<TestContext, 'onTestFinished'>,
  database: Promise<TestDatabase>,
): Promise<TestDatabase> {
  const created = await database;
  test.onTestFinished(() => created.drop());
  return created;
}

async function withClient<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** The app schema and the ledger's names, as two runs must leave them alike. */
async function schemaAndLedger(url: string) {
  return withClient(url, async (client) => {
    await client.query('BEGIN');
    try {
      const schema = await readNormalizedSchema(client, APP_SCHEMA, [APP_SCHEMA]);
      const { rows } = await client.query<{ name: string; checksum: string }>(
        'SELECT name, checksum FROM schema_migrations ORDER BY name',
      );
      return { schema, ledger: rows };
    } finally {
      await client.query('ROLLBACK');
    }
  });
}

describe('lms-admin migrate check', () => {
  it('exits 0 on a freshly migrated database: the models match the migrations', async (test) => {
    const database = await dropAfter(test, createMigratedDatabase());
    const result = await runCli(['migrate', 'check'], { DATABASE_URL: database.url });
    expect(result.stdout).toContain('The models and the database agree.');
    expect(result.exitCode).toBe(0);
  });

  it('exits 1 with a readable difference on a change made by hand', async (test) => {
    const database = await dropAfter(test, createMigratedDatabase());
    await withClient(database.url, (client) =>
      client.query(
        'ALTER TABLE courses ADD COLUMN level integer; DROP INDEX courses_published_idx',
      ),
    );
    const result = await runCli(['migrate', 'check'], { DATABASE_URL: database.url });
    expect(result.exitCode).toBe(1);
    expect(result.stdout).toContain('  - column courses.level integer NULL');
    expect(result.stdout).toContain(
      '  + index CREATE INDEX courses_published_idx ON courses USING btree (published_at DESC) WHERE (is_published = true)',
    );
    expect(result.stdout).toContain('lms-admin migrate generate NAME');
  });
});

describe('lms-admin migrate generate', () => {
  it('says there is nothing to generate when the models match the migrations, writing no file', async (test) => {
    const database = await dropAfter(test, createTestDatabase());
    const before = await fs.readdir(DEFAULT_MIGRATIONS_DIR);
    const result = await runCli(['migrate', 'generate', 'nothing_changed'], {
      DATABASE_URL: database.url,
    });
    expect({ ...result, stdout: result.stdout.trim() }).toMatchObject({
      stdout: 'No change: the models and the migrations agree; no file written.',
      stderr: expect.stringMatching(
        /^(Left alone, having no model: [\w, ]+ \(after removing a model, --drop-unmodelled drops its table\)\.\n)?$/,
      ),
      exitCode: 0,
    });
    expect(await fs.readdir(DEFAULT_MIGRATIONS_DIR)).toEqual(before);
    // The scratch database it migrated is gone again.
    const { rows } = await withClient(database.url, (client) =>
      client.query(`SELECT datname FROM pg_database WHERE datname LIKE 'lms_scratch_%'`),
    );
    expect(rows).toEqual([]);
  });
});

describe('lms-admin migrate up --sql', () => {
  it('prints a script that psql can run to the same schema and ledger as `up`', async (test) => {
    const scripted = await dropAfter(test, createTestDatabase());
    const applied = await dropAfter(test, createTestDatabase());
    const preview = await runCli(['migrate', 'up', '--sql'], { DATABASE_URL: scripted.url });
    expect(preview.exitCode).toBe(0);
    expect(preview.stdout).toMatch(/-- 0001_initial_schema \(up\)\nBEGIN;\n/);
    // Executing nothing: the database is still empty.
    expect(
      await withClient(
        scripted.url,
        async (client) => (await client.query(`SELECT to_regclass('users') AS t`)).rows[0],
      ),
    ).toEqual({ t: null });

    await withClient(scripted.url, (client) => client.query(preview.stdout));
    expect((await runCli(['migrate', 'up'], { DATABASE_URL: applied.url })).exitCode).toBe(0);
    expect(await schemaAndLedger(scripted.url)).toEqual(await schemaAndLedger(applied.url));
  });

  it('down --sql prints the revert of the last migration without running it', async (test) => {
    const database = await dropAfter(test, createMigratedDatabase());
    const before = await schemaAndLedger(database.url);
    const preview = await runCli(['migrate', 'down', '--sql'], { DATABASE_URL: database.url });
    expect(preview.exitCode).toBe(0);
    expect(preview.stdout).toMatch(
      /\(down\)\n(?:-- .*\n)*BEGIN;\n[\s\S]*DELETE FROM schema_migrations WHERE name = '\d{4}_\w+';\nCOMMIT;/,
    );
    expect(await schemaAndLedger(database.url)).toEqual(before);
  });
});
