import fs from 'node:fs/promises';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, inject, it } from 'vitest';
import { checksumOf } from '../../db/migration-source';
import { Migrator, type MigrationStep, type MigratorOptions } from '../../db/migrator';
import { UserFacingError } from '../../db/user-facing-error';
import { MigrationFixture, RUN_LOG_DDL, tableMigration } from '../support/migration-fixtures';
import { startSilentServer } from '../support/network';
import { waitFor } from '../support/polling';
import { rejectionOf } from '../support/rejection';
import { TempFolders } from '../support/temp-folders';
import { createTestDatabase, type TestDatabase } from '../support/test-database';

const APPLIED_BY = 'migrator-test@localhost';

let database: TestDatabase;
let inspector: pg.Client;
const tempFolders = new TempFolders();
const migrators: Migrator[] = [];
let fixture: MigrationFixture;

/** A Migrator on this file's database and this test's migrations folder, closed after the test. */
function newMigrator(options: Partial<MigratorOptions> = {}): Migrator {
  const migrator = new Migrator({
    databaseUrl: database.url,
    folder: fixture.folder,
    appliedBy: APPLIED_BY,
    ...options,
  });
  migrators.push(migrator);
  return migrator;
}

async function query<Row extends Record<string, unknown>>(sql: string): Promise<Row[]> {
  return (await inspector.query<Row>(sql)).rows;
}

/** What the test migrations logged, oldest first: `up NAME` / `down NAME`. */
async function runLog(): Promise<string[]> {
  return (await query<{ entry: string }>('SELECT entry FROM run_log ORDER BY id')).map(
    (row) => row.entry,
  );
}

async function ledgerNames(): Promise<string[]> {
  return (await query<{ name: string }>('SELECT name FROM schema_migrations ORDER BY name')).map(
    (row) => row.name,
  );
}

async function tableExists(table: string): Promise<boolean> {
  const { rows } = await inspector.query<{ present: boolean }>(
    'SELECT to_regclass($1) IS NOT NULL AS present',
    [table],
  );
  return rows[0]?.present === true;
}

beforeAll(async () => {
  database = await createTestDatabase();
  inspector = new pg.Client({ connectionString: database.url });
  await inspector.connect();
});

afterAll(async () => {
  await inspector.end();
  await database.drop();
});

beforeEach(async () => {
  // Every test starts from an empty database: the migrations, the ledger and the log all live in public.
  await inspector.query(`DROP SCHEMA public CASCADE; CREATE SCHEMA public; ${RUN_LOG_DDL}`);
  fixture = new MigrationFixture(await tempFolders.make('lms-migrations'));
});

afterEach(async () => {
  await Promise.all(migrators.splice(0).map((migrator) => migrator.close()));
  await tempFolders.removeAll();
});

describe('Migrator.up', () => {
  it('applies the pending migrations in order and returns their names', async () => {
    const names = await fixture.writeTables('courses', 'lessons', 'quizzes');

    expect(await newMigrator().up()).toEqual(names);

    expect(await runLog()).toEqual(names.map((name) => `up ${name}`));
    expect(await ledgerNames()).toEqual(names);
  });

  it('records name, checksum, applied_at, execution_ms and applied_by in schema_migrations', async () => {
    const [name] = await fixture.writeTables('courses');
    const before = await query<{ now: Date }>('SELECT now() AS now');

    await newMigrator().up();

    const rows = await query<{
      name: string;
      checksum: string;
      applied_at: Date;
      execution_ms: number;
      applied_by: string;
    }>('SELECT name, checksum, applied_at, execution_ms, applied_by FROM schema_migrations');
    const fileContent = await fs.readFile(fixture.pathOf(name ?? ''), 'utf8');
    expect(rows).toHaveLength(1);
    const row = rows[0];
    expect(row?.name).toBe(name);
    expect(row?.checksum).toBe(checksumOf(fileContent));
    expect(row?.checksum).toMatch(/^[0-9a-f]{64}$/);
    expect(row?.applied_at.getTime()).toBeGreaterThanOrEqual(before[0]?.now.getTime() ?? Infinity);
    expect(Number.isInteger(row?.execution_ms)).toBe(true);
    expect(row?.execution_ms).toBeGreaterThanOrEqual(0);
    expect(row?.applied_by).toBe(APPLIED_BY);
  });

  it('applies nothing more when nothing is pending', async () => {
    await fixture.writeTables('courses');
    await newMigrator().up();

    expect(await newMigrator().up()).toEqual([]);
    expect(await runLog()).toHaveLength(1);
  });

  it('stops after the migration named by `to`, leaving later ones pending', async () => {
    const names = await fixture.writeTables('courses', 'lessons', 'quizzes');
    const migrator = newMigrator();

    expect(await migrator.up({ to: names[1] })).toEqual(names.slice(0, 2));

    expect(await ledgerNames()).toEqual(names.slice(0, 2));
    expect((await migrator.status()).pending).toEqual(names.slice(2));
  });

  it('rejects a `to` that names no pending migration, naming it', async () => {
    await fixture.writeTables('courses');

    const error = await rejectionOf(newMigrator().up({ to: '0009_nothing' }));

    expect(error).toBeInstanceOf(UserFacingError);
    expect(error.message).toContain('"0009_nothing"');
    expect(await ledgerNames()).toEqual([]);
  });

  it('emits migrating and migrated for each migration with its index and the total', async () => {
    const names = await fixture.writeTables('courses', 'lessons');
    const migrator = newMigrator();
    const events: { event: string; step: MigrationStep }[] = [];
    migrator.on('migrating', (step) => events.push({ event: 'migrating', step }));
    migrator.on('migrated', ({ name, index, total, durationMs }) => {
      expect(durationMs).toBeGreaterThanOrEqual(0);
      events.push({ event: 'migrated', step: { name, index, total } });
    });

    await migrator.up();

    expect(events).toEqual([
      { event: 'migrating', step: { name: names[0], index: 1, total: 2 } },
      { event: 'migrated', step: { name: names[0], index: 1, total: 2 } },
      { event: 'migrating', step: { name: names[1], index: 2, total: 2 } },
      { event: 'migrated', step: { name: names[1], index: 2, total: 2 } },
    ]);
  });
});

describe('Migrator.down', () => {
  let names: string[];

  beforeEach(async () => {
    names = await fixture.writeTables('courses', 'lessons', 'quizzes', 'enrollments');
    await newMigrator().up();
    await inspector.query('TRUNCATE run_log');
  });

  it('reverts only the last applied migration by default', async () => {
    expect(await newMigrator().down()).toEqual([names[3]]);

    expect(await runLog()).toEqual([`down ${names[3]}`]);
    expect(await ledgerNames()).toEqual(names.slice(0, 3));
    expect(await tableExists('enrollments')).toBe(false);
  });

  it('reverts `step` migrations, newest first', async () => {
    expect(await newMigrator().down({ step: 2 })).toEqual([names[3], names[2]]);

    expect(await runLog()).toEqual([`down ${names[3]}`, `down ${names[2]}`]);
    expect(await ledgerNames()).toEqual(names.slice(0, 2));
  });

  it('reverts everything after the migration named by `to`, which stays applied', async () => {
    expect(await newMigrator().down({ to: names[1] ?? '' })).toEqual([names[3], names[2]]);

    expect(await runLog()).toEqual([`down ${names[3]}`, `down ${names[2]}`]);
    expect(await ledgerNames()).toEqual(names.slice(0, 2));
    expect(await tableExists('lessons')).toBe(true);
  });

  it('reverts every migration with `to: 0`', async () => {
    expect(await newMigrator().down({ to: 0 })).toEqual([...names].reverse());

    expect(await runLog()).toEqual([...names].reverse().map((name) => `down ${name}`));
    expect(await ledgerNames()).toEqual([]);
    expect(await tableExists('courses')).toBe(false);
  });

  it('emits reverting and reverted in the order it reverts, with index and total', async () => {
    const migrator = newMigrator();
    const steps: MigrationStep[] = [];
    migrator.on('reverting', (step) => steps.push(step));
    const reverted: string[] = [];
    migrator.on('reverted', ({ name }) => reverted.push(name));

    await migrator.down({ step: 2 });

    expect(steps).toEqual([
      { name: names[3], index: 1, total: 2 },
      { name: names[2], index: 2, total: 2 },
    ]);
    expect(reverted).toEqual([names[3], names[2]]);
  });

  it('rejects a `to` that names no applied migration, changing nothing', async () => {
    const error = await rejectionOf(newMigrator().down({ to: '0042_unknown' }));

    expect(error).toBeInstanceOf(UserFacingError);
    expect(error.message).toContain('"0042_unknown"');
    expect(await ledgerNames()).toEqual(names);
  });
});

describe('a failing migration', () => {
  const failing = {
    up: 'CREATE TABLE half_done (id int); SELECT * FROM table_that_does_not_exist',
    down: 'DROP TABLE half_done',
  };

  it('rolls back whole: its table is absent and it has no ledger row', async () => {
    await fixture.write('0001_half_done', failing);

    const error = await rejectionOf(newMigrator().up());

    expect(error).toBeInstanceOf(UserFacingError);
    expect(error.message).toContain('0001_half_done');
    expect(error.message).toContain('table_that_does_not_exist');
    expect(await tableExists('half_done')).toBe(false);
    expect(await ledgerNames()).toEqual([]);
  });

  it('leaves the migrations applied before it in the same run applied', async () => {
    await fixture.write('0001_create_courses', tableMigration('0001_create_courses', 'courses'));
    await fixture.write('0002_half_done', failing);
    await fixture.write('0003_create_lessons', tableMigration('0003_create_lessons', 'lessons'));
    const migrator = newMigrator();

    await rejectionOf(migrator.up());

    expect(await ledgerNames()).toEqual(['0001_create_courses']);
    expect(await tableExists('courses')).toBe(true);
    expect(await tableExists('lessons')).toBe(false);
    expect((await migrator.status()).pending).toEqual(['0002_half_done', '0003_create_lessons']);
  });
});

describe('validation of the ledger against the files', () => {
  it('reports an applied migration whose file was edited as changed', async () => {
    const [name = ''] = await fixture.writeTables('courses');
    const migrator = newMigrator();
    await migrator.up();
    const appliedChecksum = checksumOf(await fs.readFile(fixture.pathOf(name), 'utf8'));
    await fs.appendFile(fixture.pathOf(name), '// edited after it was applied\n');

    const { problems } = await migrator.status();

    expect(problems).toEqual([
      {
        kind: 'changed',
        name,
        appliedChecksum,
        fileChecksum: checksumOf(await fs.readFile(fixture.pathOf(name), 'utf8')),
      },
    ]);
  });

  it('refuses to run up while an applied migration has changed, naming it', async () => {
    const [first = ''] = await fixture.writeTables('courses');
    await newMigrator().up();
    await fs.appendFile(fixture.pathOf(first), '// edited\n');
    await fixture.write('0002_create_lessons', tableMigration('0002_create_lessons', 'lessons'));

    const error = await rejectionOf(newMigrator().up());

    expect(error).toBeInstanceOf(UserFacingError);
    expect(error.message).toMatch(/^Refusing to migrate: /);
    expect(error.message).toContain(`${first} was applied, but its file has changed`);
    expect(error.message).toContain('migrate repair');
    expect(await tableExists('lessons')).toBe(false);
  });

  it('reports an applied migration whose file is gone as missing', async () => {
    const [first = '', second = ''] = await fixture.writeTables('courses', 'lessons');
    const migrator = newMigrator();
    await migrator.up();
    await fs.rm(fixture.pathOf(second));

    const status = await migrator.status();

    expect(status.problems).toEqual([{ kind: 'missing', name: second }]);
    expect(status.current).toBe(second);
    expect(status.applied.map((entry) => entry.name)).toEqual([first, second]);
  });

  it('repair() records the new checksum of a changed file and forgets a missing one', async () => {
    const [first = '', second = ''] = await fixture.writeTables('courses', 'lessons');
    const migrator = newMigrator();
    await migrator.up();
    await fs.appendFile(fixture.pathOf(first), '// a deliberate edit\n');
    await fs.rm(fixture.pathOf(second));

    const repaired = await migrator.repair();

    expect(repaired.map((problem) => [problem.kind, 'name' in problem && problem.name])).toEqual([
      ['changed', first],
      ['missing', second],
    ]);
    const status = await migrator.status();
    expect(status.problems).toEqual([]);
    expect(status.applied.map((entry) => entry.name)).toEqual([first]);
    expect(status.applied[0]?.checksum).toBe(
      checksumOf(await fs.readFile(fixture.pathOf(first), 'utf8')),
    );
  });

  it('reports a pending migration that sorts before the current one as out of order', async () => {
    await fixture.write('0002_create_lessons', tableMigration('0002_create_lessons', 'lessons'));
    const migrator = newMigrator();
    await migrator.up();
    await fixture.write('0001_create_courses', tableMigration('0001_create_courses', 'courses'));

    const status = await migrator.status();

    expect(status.problems).toEqual([
      { kind: 'out-of-order', name: '0001_create_courses', current: '0002_create_lessons' },
    ]);
    await expect(migrator.up()).rejects.toThrow(/0001_create_courses is pending but sorts before/);
  });

  it('reports a misnamed migration file, which would never run', async () => {
    await fixture.writeTables('courses');
    await fixture.writeFile('2_add-tags.mjs', 'export async function up() {}\n');

    const { problems } = await newMigrator().status();

    expect(problems).toEqual([{ kind: 'misnamed', file: '2_add-tags.mjs' }]);
  });
});

describe('two migrators on the same database', () => {
  const sleepy = {
    up: "SELECT pg_sleep(1); CREATE TABLE slow (id int); INSERT INTO run_log (entry) VALUES ('up 0001_slow')",
    down: 'DROP TABLE slow',
  };

  it('one migrates while the other waits, then finds nothing pending: the migration ran once', async () => {
    await fixture.write('0001_slow', sleepy);
    const first = newMigrator();
    const second = newMigrator();
    let waits = 0;
    for (const migrator of [first, second]) migrator.on('lock-waiting', () => waits++);

    const results = await Promise.all([first.up(), second.up()]);

    expect([...results].sort((a, b) => a.length - b.length)).toEqual([[], ['0001_slow']]);
    expect(waits).toBe(1);
    expect(await runLog()).toEqual(['up 0001_slow']);
    expect(await ledgerNames()).toEqual(['0001_slow']);
  });

  it('the waiter gives up after its lock timeout with "Another process is migrating"', async () => {
    await fixture.write('0001_slow', sleepy);
    const holder = newMigrator();
    const isHoldingLock = new Promise<void>((resolve) => holder.once('migrating', () => resolve()));
    const holderRun = holder.up();
    await isHoldingLock;

    const error = await rejectionOf(newMigrator({ lockTimeoutMs: 200 }).up());

    expect(error).toBeInstanceOf(UserFacingError);
    expect(error.message).toMatch(/^Another process is migrating this database/);
    expect(await holderRun).toEqual(['0001_slow']);
  });
});

describe('connecting', () => {
  it('gives up on a server that never answers, saying it timed out', async () => {
    const silent = await startSilentServer();
    try {
      const url = new URL(database.url);
      url.port = String(silent.port);

      const error = await rejectionOf(
        newMigrator({ databaseUrl: url.toString(), connectTimeoutMs: 300 }).status(),
      );

      expect(error).toBeInstanceOf(UserFacingError);
      expect(error.message).toBe(
        `Can't connect to PostgreSQL at 127.0.0.1:${silent.port}: timed out. Check the host, port and firewall.`,
      );
    } finally {
      await silent.close();
    }
  });
});

describe('a connection the server drops during a run', () => {
  const stuck = { up: 'SELECT pg_sleep(30)', down: 'SELECT 1' };

  /** Starts `up` on a migration that sleeps, and ends its connection from the server side once it sleeps. */
  async function upWithDroppedConnection(migrator: Migrator): Promise<Error> {
    const run = rejectionOf(migrator.up());
    await waitFor('the migration to be running', async () => {
      const rows = await query<{ count: number }>(
        `SELECT count(*)::int AS count FROM pg_stat_activity
          WHERE datname = current_database() AND query LIKE '%pg_sleep(30)%' AND state = 'active'
            AND pid <> pg_backend_pid()`,
      );
      return rows[0]?.count === 1;
    });
    await inspector.query(
      `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
        WHERE datname = current_database() AND application_name = 'lms-admin migrate'`,
    );
    return run;
  }

  it('fails the run, naming the migration, instead of crashing the process', async () => {
    await fixture.write('0001_stuck', stuck);

    const error = await upWithDroppedConnection(newMigrator());

    expect(error).toBeInstanceOf(UserFacingError);
    expect(error.message).toMatch(/^Migration 0001_stuck failed to apply and was rolled back/);
    expect(await ledgerNames()).toEqual([]);
  });

  it('connects afresh on the next call', async () => {
    await fixture.write('0001_stuck', stuck);
    const migrator = newMigrator();
    await upWithDroppedConnection(migrator);

    const status = await migrator.status();

    expect(status.pending).toEqual(['0001_stuck']);
  });
});

describe('on a database whose collation sorts names unlike the files', () => {
  // ICU puts `_` before digits, where the files (and the C collation) put it after them.
  let icuDatabaseUrl: string;
  let icuDatabaseName: string;

  beforeEach(async (context) => {
    icuDatabaseName = `${database.name}_icu`;
    const admin = new pg.Client({ connectionString: inject('serverUrl') });
    await admin.connect();
    try {
      await admin.query(
        `CREATE DATABASE ${icuDatabaseName} TEMPLATE template0 LOCALE_PROVIDER icu ICU_LOCALE 'en' LOCALE 'C'`,
      );
    } catch (error) {
      // A server built without ICU (or older than 15) can't make such a database.
      const reason = error instanceof Error ? error.message : String(error);
      context.skip(`no ICU database on this server: ${reason}`);
    } finally {
      await admin.end();
    }
    const url = new URL(database.url);
    url.pathname = `/${icuDatabaseName}`;
    icuDatabaseUrl = url.toString();
  });

  afterEach(async () => {
    // Their connections first: dropping the database under them would end those with an error.
    await Promise.all(migrators.splice(0).map((migrator) => migrator.close()));
    const admin = new pg.Client({ connectionString: inject('serverUrl') });
    await admin.connect();
    try {
      await admin.query(`DROP DATABASE IF EXISTS ${icuDatabaseName} WITH (FORCE)`);
    } finally {
      await admin.end();
    }
  });

  it('keeps the order of the files: down reverts the newest file first', async () => {
    await fixture.write('0002_user1', { up: 'SELECT 1', down: 'SELECT 1' });
    await fixture.write('0002_user_roles', { up: 'SELECT 1', down: 'SELECT 1' });
    const migrator = newMigrator({ databaseUrl: icuDatabaseUrl });
    await migrator.up();

    const status = await migrator.status();

    expect(status.applied.map((entry) => entry.name)).toEqual(['0002_user1', '0002_user_roles']);
    expect(status.current).toBe('0002_user_roles');
    expect(await migrator.down()).toEqual(['0002_user_roles']);
  });
});
