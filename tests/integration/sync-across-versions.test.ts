import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChangeSource, Database, rawConnectionOf } from '../../db/connection';
import { Migrator } from '../../db/migrator';
import { listConflicts } from '../../db/services/sync/conflicts';
import { linkToCentral } from '../../db/services/sync/link';
import { pullChanges } from '../../db/services/sync/pull';
import { pushChanges } from '../../db/services/sync/push';
import { resolveConflict } from '../../db/services/sync/resolve';
import { pg15Availability, startPg15Cluster } from '../support/pg15-cluster';
import { isMainIntegrationProject } from '../support/projects';
import { createMigratedDatabase, type TestDatabase } from '../support/test-database';
import { changeAsApp, differingKeys, queryValue, snapshotRows } from '../support/sync-world';

// The local copy on this project's server (embedded PostgreSQL 18), the central server on
// Debian's PostgreSQL 15: row images, versions and the feed must mean the same on both.
const pg15 = pg15Availability();
const shouldRun = pg15.isAvailable && isMainIntegrationProject();

describe.runIf(shouldRun)('sync with a PostgreSQL 15 central server', () => {
  let cluster: Awaited<ReturnType<typeof startPg15Cluster>>;
  let centralUrl: string;
  let central: Database;
  let localDatabase: TestDatabase;
  let local: Database;

  beforeAll(async () => {
    cluster = await startPg15Cluster();
    const admin = new pg.Client({ connectionString: cluster.url });
    await admin.connect();
    await admin.query('CREATE DATABASE lms_central');
    await admin.end();
    const url = new URL(cluster.url);
    url.pathname = '/lms_central';
    centralUrl = url.toString();
    const migrator = new Migrator({ databaseUrl: centralUrl });
    await migrator.up();
    await migrator.close();
    central = await Database.open(centralUrl);
    await changeAsApp(
      central,
      `INSERT INTO users (email, full_name, role, metadata) VALUES ('pg15@example.com', 'On 15', 'student', '{"tags": ["a"]}') RETURNING id`,
    );
    localDatabase = await createMigratedDatabase();
    local = await Database.open(localDatabase.url);
  }, 120_000);

  afterAll(async () => {
    await local?.close();
    await localDatabase?.drop();
    await central?.close();
    await cluster?.stop();
  });

  it('links, pushes, pulls and keeps a conflict between an embedded copy and a PostgreSQL 15 central server', async () => {
    await linkToCentral(local, { url: centralUrl });
    await changeAsApp(local, `UPDATE users SET full_name = 'Edited on 18' RETURNING id`);
    expect(await pushChanges(local, { url: centralUrl })).toMatchObject({
      applied: 1,
      conflicts: 0,
    });
    await changeAsApp(central, `UPDATE users SET metadata = '{"tags": ["b"]}' RETURNING id`);
    await changeAsApp(local, `UPDATE users SET full_name = 'Again on 18' RETURNING id`);
    expect(await pullChanges(local, { url: centralUrl })).toMatchObject({ conflicts: 1 });
    const [conflict] = await listConflicts(local, { includeResolved: false });
    if (!conflict) throw new Error('no conflict');
    await local.withTransaction(
      { actorId: null, actorIp: null, source: ChangeSource.app },
      (transaction) =>
        resolveConflict(
          rawConnectionOf(transaction),
          {
            conflictId: conflict.id,
            take: 'fields',
            fields: { full_name: 'local', metadata: 'central' },
          },
          { actorId: null },
        ),
    );
    expect(await pushChanges(local, { url: centralUrl })).toMatchObject({
      applied: 1,
      conflicts: 0,
    });
    await pullChanges(local, { url: centralUrl });
    expect(
      differingKeys(await snapshotRows(local.url.toString()), await snapshotRows(centralUrl)),
    ).toEqual([]);
    expect(
      await queryValue(
        central,
        `SELECT full_name || ' ' || (metadata->'tags'->>0) AS value FROM users`,
      ),
    ).toBe('Again on 18 b');
  });
});
