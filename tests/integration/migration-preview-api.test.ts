import { DataTypes } from 'sequelize';
import { afterAll, beforeAll, describe, expect, it, type TestContext } from 'vitest';
import { Database } from '../../db/connection';
import {
  applyMigrations,
  previewPendingMigrations,
  readModelDrift,
} from '../../db/services/migrations';
import { createApiHarness, type ApiHarness } from '../support/api-harness';
import { projectModelsWith } from '../support/authoring-world';
import { MigrationFixture } from '../support/migration-fixtures';
import { tempFolderFor } from '../support/temp-folders';
import { createMigratedDatabase } from '../support/test-database';

let api: ApiHarness;
beforeAll(async () => {
  api = await createApiHarness();
});
afterAll(() => api.close());

/** A migrated database of its own, open, with a migrations folder of the test's own beside it. */
async function databaseWithFixture(test: Pick<TestContext, 'onTestFinished'>) {
  const database = await createMigratedDatabase();
  const db = await Database.open(database.url);
  test.onTestFinished(async () => {
    await db.close();
    await database.drop();
  });
  await db.withRawClient((client) =>
    client.query(
      `CREATE TABLE notes (id int PRIMARY KEY, body text); INSERT INTO notes SELECT n, 'x' FROM generate_series(1, 3) n;
       -- This test's own migrations folder starts a new history on the migrated schema.
       DELETE FROM schema_migrations;`,
    ),
  );
  const fixture = new MigrationFixture(await tempFolderFor(test, 'lms-preview'));
  return { db, fixture };
}

describe('the pending migrations, previewed without running', () => {
  it('shows the SQL each would run and the rows a destructive step would lose', async (test) => {
    const { db, fixture } = await databaseWithFixture(test);
    await fixture.write('0001_drop_body', {
      up: 'ALTER TABLE notes DROP COLUMN body',
      down: 'ALTER TABLE notes ADD COLUMN body text',
    });
    const preview = await previewPendingMigrations(db, fixture.folder);
    expect(preview.migrations).toEqual([
      {
        name: '0001_drop_body',
        sql: 'ALTER TABLE notes DROP COLUMN body;',
        caveats: [],
        riskySteps: [
          expect.objectContaining({
            kind: 'drop-column',
            affectedRows: 3,
            message: 'drops column notes.body: its value in 3 row(s) of notes is lost',
          }),
        ],
      },
    ]);
    const { rows } = await db.withRawClient((client) =>
      client.query(
        `SELECT count(*)::int AS n FROM information_schema.columns WHERE table_name = 'notes'`,
      ),
    );
    expect(rows[0]).toEqual({ n: 2 });
  });

  it('says when a migration reads rows, so its preview may not be what runs', async (test) => {
    const { db, fixture } = await databaseWithFixture(test);
    await fixture.writeFile(
      '0001_reads.mjs',
      `export async function up(db) {
  const { rows } = await db.query('SELECT id FROM notes');
  for (const row of rows) await db.query('UPDATE notes SET body = $1 WHERE id = $2', ['y', row.id]);
}
export async function down() {}
`,
    );
    const [migration] = (await previewPendingMigrations(db, fixture.folder)).migrations;
    expect(migration?.sql).toBe('SELECT id FROM notes;');
    expect(migration?.caveats).toEqual([
      expect.stringMatching(
        /^it reads rows \(SELECT or RETURNING\), which the preview answers with none/,
      ),
    ]);
  });

  it('applies a destructive step only when told to, and refuses it otherwise with nothing applied', async (test) => {
    const { db, fixture } = await databaseWithFixture(test);
    await fixture.write('0001_drop_notes', {
      up: 'DROP TABLE notes',
      down: 'CREATE TABLE notes (id int)',
    });
    const options = { appliedBy: 'tester', folder: fixture.folder };
    await expect(applyMigrations(db, {}, options)).rejects.toThrow(
      /Refusing to migrate: 0001_drop_notes drops table notes and its 3 row\(s\) of notes\. Nothing was applied/,
    );
    const applied = await applyMigrations(db, { allowDestructive: true }, options);
    expect(applied.names).toEqual(['0001_drop_notes']);
  });
});

describe('drift between the models and the database', () => {
  it('lists what the models have that the database lacks', async (test) => {
    const { db } = await databaseWithFixture(test);
    const drift = await readModelDrift(
      db,
      projectModelsWith({ columns: { title: { type: DataTypes.TEXT, allowNull: false } } }),
    );
    expect(drift.changes).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^\+ table badges \(id, created_at, updated_at, version, title\)$/),
      ]),
    );
    expect(drift.unmodelledTables).toEqual(expect.arrayContaining(['notes']));
  });

  it('is readable by support and admins through the API', async () => {
    for (const role of ['admin', 'support'] as const) {
      const { sessionId } = await api.signedIn(role);
      expect(await api.call('migrations.drift', {}, sessionId)).toMatchObject({
        ok: true,
        data: { changes: expect.any(Array), unmodelledTables: expect.any(Array) },
      });
      expect(await api.call('migrations.preview', {}, sessionId)).toMatchObject({
        ok: true,
        data: { migrations: [] },
      });
    }
  });
});
