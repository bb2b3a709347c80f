import fs from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Database } from '../../db/connection';
import { MigrationFolder } from '../../db/migration-source';
import {
  applyMigrations,
  getMigrationStatus,
  rollbackMigrations,
} from '../../db/services/migrations';
import { ServiceError } from '../../db/services/service-error';
import { createApiHarness, type ApiHarness } from '../support/api-harness';
import { TempFolders } from '../support/temp-folders';
import { createTestDatabase } from '../support/test-database';

let api: ApiHarness;
beforeAll(async () => {
  api = await createApiHarness();
});
afterAll(() => api.close());

describe('migrations through the API', () => {
  it('shows support and admins where the database stands', async () => {
    const { files } = await new MigrationFolder().list();
    for (const role of ['admin', 'support'] as const) {
      const { sessionId } = await api.signedIn(role);
      const status = await api.call('migrations.status', {}, sessionId);
      expect(status).toMatchObject({
        ok: true,
        data: { current: files.at(-1)?.name, pending: [], problems: [] },
      });
    }
  });

  it('lets only admins apply or roll back', async () => {
    for (const role of ['support', 'instructor'] as const) {
      const { sessionId } = await api.signedIn(role);
      expect(await api.call('migrations.apply', {}, sessionId)).toMatchObject({
        ok: false,
        error: { code: 'FORBIDDEN' },
      });
      expect(await api.call('migrations.rollback', { step: 1 }, sessionId)).toMatchObject({
        ok: false,
        error: { code: 'FORBIDDEN' },
      });
    }
    const admin = await api.signedIn('admin');
    expect(await api.call('migrations.apply', {}, admin.sessionId)).toMatchObject({
      ok: true,
      data: { names: [] },
    });
  });

  it('rejects a rollback target that is not a migration name', async () => {
    const admin = await api.signedIn('admin');
    const result = await api.callRaw(
      'migrations.rollback',
      { to: "0001'; DROP TABLE users;--" },
      admin.sessionId,
    );
    expect(result).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
    expect(api.internalErrors).toEqual([]);
  });
});

describe('the migrations service', () => {
  const folders = new TempFolders();
  afterAll(() => folders.removeAll());
  let folder: MigrationFolder;
  beforeAll(async () => {
    const dir = await folders.make('lms-migrations-api');
    for (const [name, table] of [
      ['0001_first', 'api_first'],
      ['0002_second', 'api_second'],
    ]) {
      await fs.writeFile(
        path.join(dir, `${name}.mjs`),
        `export async function up(db) { await db.query('CREATE TABLE ${table} (id int)'); }\n` +
          `export async function down(db) { await db.query('DROP TABLE ${table}'); }\n`,
      );
    }
    folder = new MigrationFolder(dir);
  });

  it('applies with progress for each step and records who applied it', async () => {
    const database = await createTestDatabase();
    const db = await Database.open(database.url);
    try {
      const events: string[] = [];
      const result = await applyMigrations(
        db,
        {},
        {
          appliedBy: 'root@example.org',
          folder,
          progress: (done, total, message) => events.push(`${done}/${total} ${message}`),
        },
      );
      expect(result.names).toEqual(['0001_first', '0002_second']);
      expect(events).toEqual([
        '0/2 applying 0001_first',
        '1/2 applied 0001_first',
        '1/2 applying 0002_second',
        '2/2 applied 0002_second',
      ]);
      expect(result.status.applied.map((entry) => entry.appliedBy)).toEqual([
        'root@example.org',
        'root@example.org',
      ]);
      const rolledBack = await rollbackMigrations(
        db,
        { to: '0001_first' },
        { appliedBy: 'root@example.org', folder },
      );
      expect(rolledBack.names).toEqual(['0002_second']);
      expect((await getMigrationStatus(db, folder)).pending).toEqual(['0002_second']);
    } finally {
      await db.close();
      await database.drop();
    }
  });

  it('stops between migrations when cancelled, keeping the ones applied and saying so', async () => {
    const database = await createTestDatabase();
    const db = await Database.open(database.url);
    try {
      const controller = new AbortController();
      const run = applyMigrations(
        db,
        {},
        {
          appliedBy: 'root@example.org',
          folder,
          signal: controller.signal,
          progress: (_done, _total, message) => {
            if (message === 'applied 0001_first') controller.abort();
          },
        },
      );
      const error: unknown = await run.catch((reason: unknown) => reason);
      expect(error).toBeInstanceOf(ServiceError);
      expect(error).toMatchObject({ code: 'CANCELLED' });
      expect(String(error)).toContain(
        'Cancelled after applying 1 of 2 migration(s); the rest are still pending.',
      );
      const status = await getMigrationStatus(db, folder);
      expect({ current: status.current, pending: status.pending }).toEqual({
        current: '0001_first',
        pending: ['0002_second'],
      });
    } finally {
      await db.close();
      await database.drop();
    }
  });
});
