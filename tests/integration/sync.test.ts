import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TableStatements } from '../../db/services/sync/apply-rows';
import { applyBatchOnCentral } from '../../db/services/sync/central-apply';
import { connectCentral } from '../../db/services/sync/central-connection';
import { linkToCentral } from '../../db/services/sync/link';
import { readTableColumns, type RowImage } from '../../db/services/sync/synced-tables';
import { pullChanges } from '../../db/services/sync/pull';
import { pushChanges } from '../../db/services/sync/push';
import { listConflicts } from '../../db/services/sync/conflicts';
import { resolveConflict } from '../../db/services/sync/resolve';
import { getSyncStatus } from '../../db/services/sync/status';
import { rawConnectionOf, ChangeSource } from '../../db/connection';
import { createCourse, createUser } from '../support/lms-factories';
import {
  changeAsApp,
  createSyncWorld,
  differingKeys,
  queryValue,
  snapshotRows,
  type SyncWorld,
} from '../support/sync-world';

let world: SyncWorld;

beforeAll(async () => {
  world = await createSyncWorld(2);
  const instructor = await createUser(world.central.db, {
    role: 'instructor',
    email: 'ina@example.com',
  });
  await createUser(world.central.db, { email: 'sam@example.com' });
  await createCourse(world.central.db, { instructorId: instructor.id });
});

afterAll(async () => {
  await world?.close();
});

const central = () => world.central;
const replicaAt = (index: number) => {
  const replica = world.replicas[index];
  if (!replica) throw new Error(`no replica ${index}`);
  return replica;
};
const replicaA = () => replicaAt(0);
const replicaB = () => replicaAt(1);
const onlyConflict = async (db: SyncWorld['central']['db']) => {
  const conflicts = await listConflicts(db, { includeResolved: false });
  expect(conflicts).toHaveLength(1);
  const [conflict] = conflicts;
  if (!conflict) throw new Error('no conflict');
  return conflict;
};
const target = () => ({ url: central().database.url });

describe('sync', () => {
  it('links an empty database by copying every central row', async () => {
    const result = await linkToCentral(replicaA().db, target());
    expect(result.rowsCopied.users).toBe(2);
    await linkToCentral(replicaB().db, target());
    expect(
      differingKeys(
        await snapshotRows(replicaA().database.url),
        await snapshotRows(central().database.url),
      ),
    ).toEqual([]);
    const password = decodeURIComponent(new URL(central().database.url).password);
    const status = await getSyncStatus(replicaA().db, { checkOnline: true, target: { password } });
    expect(status).toMatchObject({ isLinked: true, pendingChanges: 0, isOnline: true });
    // The link keeps no password, so without one the central server can't be reached.
    expect(status.centralUrl).not.toContain(password);
    const withoutPassword = await getSyncStatus(replicaA().db, { checkOnline: true });
    expect(withoutPassword).toMatchObject({ isOnline: false });
    expect(withoutPassword.centralMessage).toMatch(/password/);
  });

  it('pushes a local edit and pulls it into another copy', async () => {
    await changeAsApp(
      replicaA().db,
      `UPDATE users SET full_name = 'Sam A' WHERE email = 'sam@example.com' RETURNING id`,
    );
    expect((await getSyncStatus(replicaA().db, { checkOnline: false })).pendingChanges).toBe(1);
    const pushed = await pushChanges(replicaA().db, target());
    expect(pushed).toMatchObject({ applied: 1, conflicts: 0 });
    const pulled = await pullChanges(replicaB().db, target());
    expect(pulled).toMatchObject({ applied: 1, conflicts: 0 });
    expect(
      await queryValue(
        replicaB().db,
        `SELECT full_name AS value FROM users WHERE email = 'sam@example.com'`,
      ),
    ).toBe('Sam A');
    // A's own push doesn't come back as a change.
    expect(await pullChanges(replicaA().db, target())).toMatchObject({ applied: 0, conflicts: 0 });
    for (const replica of world.replicas) {
      expect(
        differingKeys(
          await snapshotRows(replica.database.url),
          await snapshotRows(central().database.url),
        ),
      ).toEqual([]);
    }
  });

  it('records an edit of the same record on two copies as a conflict, and resolves it field by field', async () => {
    await changeAsApp(
      replicaA().db,
      `UPDATE users SET full_name = 'From A', is_active = false WHERE email = 'sam@example.com' RETURNING id`,
    );
    await changeAsApp(
      replicaB().db,
      `UPDATE users SET full_name = 'From B' WHERE email = 'sam@example.com' RETURNING id`,
    );
    expect(await pushChanges(replicaA().db, target())).toMatchObject({ applied: 1, conflicts: 0 });
    expect(await pushChanges(replicaB().db, target())).toMatchObject({ applied: 0, conflicts: 1 });
    const conflict = await onlyConflict(replicaB().db);
    expect(conflict).toMatchObject({ kind: 'update-update', foundBy: 'push' });
    expect(conflict.local).toMatchObject({ full_name: 'From B' });
    expect(conflict.central).toMatchObject({ full_name: 'From A', is_active: false });
    // Until resolved, both versions stay: B keeps its row, central keeps A's.
    expect(await pullChanges(replicaB().db, target())).toMatchObject({ applied: 0 });
    expect(
      await queryValue(
        replicaB().db,
        `SELECT full_name AS value FROM users WHERE email = 'sam@example.com'`,
      ),
    ).toBe('From B');
    const db = replicaB().db;
    await db.withTransaction(
      { actorId: null, actorIp: null, source: ChangeSource.app },
      (transaction) =>
        resolveConflict(
          rawConnectionOf(transaction),
          {
            conflictId: conflict.id,
            take: 'fields',
            fields: { full_name: 'local', is_active: 'central' },
          },
          { actorId: null },
        ),
    );
    expect(await pushChanges(replicaB().db, target())).toMatchObject({ applied: 1, conflicts: 0 });
    await pullChanges(replicaA().db, target());
    await pullChanges(replicaB().db, target());
    expect(
      await queryValue(
        central().db,
        `SELECT full_name || ' ' || is_active AS value FROM users WHERE email = 'sam@example.com'`,
      ),
    ).toBe('From B false');
    for (const replica of world.replicas) {
      expect(
        differingKeys(
          await snapshotRows(replica.database.url),
          await snapshotRows(central().database.url),
        ),
      ).toEqual([]);
    }
  });

  it('records the same email created on two copies as a unique-key collision', async () => {
    await changeAsApp(
      replicaA().db,
      `INSERT INTO users (email, full_name, role) VALUES ('new@example.com', 'New A', 'student') RETURNING id`,
    );
    await changeAsApp(
      replicaB().db,
      `INSERT INTO users (email, full_name, role) VALUES ('new@example.com', 'New B', 'student') RETURNING id`,
    );
    await pushChanges(replicaA().db, target());
    expect(await pushChanges(replicaB().db, target())).toMatchObject({ conflicts: 1 });
    const conflict = await onlyConflict(replicaB().db);
    expect(conflict).toMatchObject({
      kind: 'unique-collision',
      local: { full_name: 'New B' },
      central: { full_name: 'New A' },
    });
    const db = replicaB().db;
    await db.withTransaction(
      { actorId: null, actorIp: null, source: ChangeSource.app },
      (transaction) =>
        resolveConflict(
          rawConnectionOf(transaction),
          { conflictId: conflict.id, take: 'local', values: { email: 'new.b@example.com' } },
          { actorId: null },
        ),
    );
    expect(await pushChanges(replicaB().db, target())).toMatchObject({ conflicts: 0, applied: 1 });
    await pullChanges(replicaA().db, target());
    await pullChanges(replicaB().db, target());
    for (const replica of world.replicas) {
      expect(
        differingKeys(
          await snapshotRows(replica.database.url),
          await snapshotRows(central().database.url),
        ),
      ).toEqual([]);
    }
  });
});

/** A replica id of its own: a batch's ledger entry names who sent it. */
const randomReplica = '22222222-2222-4222-8222-222222222222';

describe('a push batch sent again', () => {
  it('changes nothing the second time and gets the same answer', async () => {
    const central = await connectCentral({ url: world.central.database.url });
    try {
      const statements = new TableStatements(await readTableColumns(central));
      const [row] = await world.central.db.select<{ image: RowImage }>(
        `SELECT to_jsonb(u) AS image FROM users u WHERE email = 'ina@example.com'`,
        [],
      );
      if (!row) throw new Error('no instructor');
      const edited = { ...row.image, full_name: 'Ina Resent', version: row.image.version + 1 };
      const batch = [
        { table: 'users' as const, id: row.image.id, base: row.image.version, row: edited },
      ];
      const batchId = '11111111-1111-4111-8111-111111111111';
      const first = await applyBatchOnCentral(central, statements, randomReplica, batchId, batch);
      expect(first).toMatchObject({ isReplay: false, applied: 1, conflicts: [] });
      const before = await snapshotRows(world.central.database.url);
      const auditBefore = await queryValue<number>(
        world.central.db,
        `SELECT count(*)::int AS value FROM audit_log`,
      );
      const again = await applyBatchOnCentral(central, statements, randomReplica, batchId, batch);
      expect(again).toEqual({ ...first, isReplay: true });
      expect(differingKeys(await snapshotRows(world.central.database.url), before)).toEqual([]);
      expect(
        await queryValue<number>(world.central.db, `SELECT count(*)::int AS value FROM audit_log`),
      ).toBe(auditBefore);
    } finally {
      await central.end();
    }
  });
});
