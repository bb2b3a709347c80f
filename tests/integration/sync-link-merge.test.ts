import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChangeSource, rawConnectionOf, type Database } from '../../db/connection';
import type { SyncConflict, SyncResolveInput } from '../../db/schemas/sync';
import { listConflicts } from '../../db/services/sync/conflicts';
import { linkToCentral, previewLink } from '../../db/services/sync/link';
import { pullChanges } from '../../db/services/sync/pull';
import { pushChanges } from '../../db/services/sync/push';
import { resolveConflict } from '../../db/services/sync/resolve';
import { getSyncStatus } from '../../db/services/sync/status';
import { createCourse, createLesson, createUser, enroll } from '../support/lms-factories';
import {
  changeAsApp,
  createSyncWorld,
  differingKeys,
  queryValue,
  snapshotRows,
  type SyncNode,
  type SyncWorld,
} from '../support/sync-world';

/**
 * "Work offline first, link later": a laptop's database made its first admin, users, courses
 * and enrollments before it ever saw the central server; linking then merges the two.
 */
let world: SyncWorld;
const nodeAt = (index: number): SyncNode => {
  const node = world.replicas[index];
  if (!node) throw new Error(`no replica ${index}`);
  return node;
};
const laptop = () => nodeAt(0);
const target = () => ({ url: world.central.database.url });

async function resolve(db: Database, input: SyncResolveInput) {
  return db.withTransaction(
    { actorId: null, actorIp: null, source: ChangeSource.app },
    (transaction) => resolveConflict(rawConnectionOf(transaction), input, { actorId: null }),
  );
}

async function openConflicts(db: Database): Promise<SyncConflict[]> {
  return listConflicts(db, { includeResolved: false });
}

function conflictOn(conflicts: SyncConflict[], table: string, field: string, value: unknown) {
  const conflict = conflicts.find(
    (c) => c.tableName === table && (c.central?.[field] === value || c.local?.[field] === value),
  );
  if (!conflict) throw new Error(`no conflict on ${table} with ${field} = ${String(value)}`);
  return conflict;
}

const count = (db: Database, sql: string, bind: unknown[] = []) =>
  queryValue<number>(db, `SELECT (${sql})::int AS value`, bind);

beforeAll(async () => {
  world = await createSyncWorld(3);
  // Central: the same admin (by email) as the laptop's, a student, an instructor with a course
  // whose slug the laptop also took offline, and a course the central admin owns.
  const db = world.central.db;
  const centralAdmin = await createUser(db, { role: 'admin', email: 'admin@school.org' });
  const bob = await createUser(db, { email: 'bob@school.org' });
  const ina = await createUser(db, { role: 'instructor', email: 'ina@school.org' });
  await createUser(db, { email: 'sam@school.org', fullName: 'Sam Central' });
  const intro = await createCourse(db, { instructorId: ina.id, slug: 'intro' });
  await createLesson(db, { courseId: intro.id });
  await createLesson(db, { courseId: intro.id });
  await enroll(db, { userId: bob.id, courseId: intro.id });
  await createCourse(db, { instructorId: centralAdmin.id, slug: 'admin-course' });

  // The laptop, offline: its first-run admin, a student, a course of the same slug, another
  // course, enrollments, and a user with the same email as a central one and nothing of its own.
  const local = laptop().db;
  const admin = await createUser(local, { role: 'admin', email: 'admin@school.org' });
  const alice = await createUser(local, { email: 'alice@school.org' });
  await createUser(local, { email: 'sam@school.org', fullName: 'Sam Laptop' });
  const localIntro = await createCourse(local, { instructorId: admin.id, slug: 'intro' });
  const offline = await createCourse(local, { instructorId: admin.id, slug: 'offline-course' });
  await createLesson(local, { courseId: offline.id });
  await enroll(local, { userId: alice.id, courseId: offline.id });
  await enroll(local, { userId: alice.id, courseId: localIntro.id });
});

afterAll(async () => {
  await world?.close();
});

describe('linking a database that already holds records', () => {
  it('previews exactly what linking will do, and changes nothing', async () => {
    const before = await snapshotRows(laptop().database.url);
    const preview = await previewLink(laptop().db, target());
    expect(preview).toMatchObject({
      isMerge: true,
      unchanged: 0,
      // alice, the offline course, its lesson and both of alice's enrollments.
      localToPush: 5,
      conflicts: { collisions: 3, changedOnBoth: 0, deletedOnOneSide: 0, waiting: 4 },
      rowsCopied: { users: 2, courses: 0, lessons: 0, enrollments: 0 },
    });
    expect(differingKeys(await snapshotRows(laptop().database.url), before)).toEqual([]);
    expect(await count(laptop().db, `SELECT count(*) FROM sync_link`)).toBe(0);
    expect(await count(laptop().db, `SELECT count(*) FROM sync_conflicts`)).toBe(0);
  });

  it('leaves the database as it was, and unlinked, when the link is cancelled midway', async () => {
    const before = await snapshotRows(laptop().database.url);
    const controller = new AbortController();
    const linking = linkToCentral(laptop().db, target(), {
      signal: controller.signal,
      progress: (_done, _total, message) => {
        if (message === 'copying lessons') controller.abort();
      },
    });
    await expect(linking).rejects.toMatchObject({ code: 'CANCELLED' });
    expect(differingKeys(await snapshotRows(laptop().database.url), before)).toEqual([]);
    expect(await count(laptop().db, `SELECT count(*) FROM sync_link`)).toBe(0);
    expect(await count(laptop().db, `SELECT count(*) FROM sync_conflicts`)).toBe(0);
    expect(await count(laptop().db, `SELECT count(*) FROM sync_push_bases`)).toBe(0);
  });

  it('links: central records come in, local ones wait to be pushed, collisions are conflicts', async () => {
    const result = await linkToCentral(laptop().db, target());
    expect(result).toMatchObject({
      isMerge: true,
      localToPush: 5,
      conflicts: { collisions: 3, waiting: 4 },
    });
    const db = laptop().db;
    // Bob and Ina came in; the central admin, Sam and the central intro course wait for a choice.
    expect(await count(db, `SELECT count(*) FROM users`)).toBe(5);
    expect(await count(db, `SELECT count(*) FROM users WHERE email = 'bob@school.org'`)).toBe(1);
    const conflicts = await openConflicts(db);
    expect(conflicts).toHaveLength(7);
    const adminCollision = conflictOn(conflicts, 'users', 'email', 'admin@school.org');
    expect(adminCollision).toMatchObject({
      kind: 'unique-collision',
      foundBy: 'pull',
      local: { email: 'admin@school.org', role: 'admin' },
      central: { email: 'admin@school.org' },
    });
    expect(adminCollision.local?.id).not.toBe(adminCollision.central?.id);
    expect(adminCollision.detail).toMatch(/email = "admin@school.org"/);
    const waiting = conflicts.filter((c) => c.kind === 'rejected');
    expect(waiting.map((c) => c.tableName).sort()).toEqual([
      'courses',
      'enrollments',
      'lessons',
      'lessons',
    ]);
    const status = await getSyncStatus(db, { checkOnline: false });
    // Alice; the rest belongs to the collided admin or course, and waits for them.
    expect(status).toMatchObject({ isLinked: true, pendingChanges: 1, openConflicts: 7 });
  });

  it('pushes before the collisions are resolved only what the central server can take: what belongs to a collided record waits', async () => {
    const db = laptop().db;
    expect(await pushChanges(db, target())).toMatchObject({ applied: 1, conflicts: 0 });
    expect(
      await count(world.central.db, `SELECT count(*) FROM users WHERE email = 'alice@school.org'`),
    ).toBe(1);
    expect(
      await count(world.central.db, `SELECT count(*) FROM courses WHERE slug = 'offline-course'`),
    ).toBe(0);
    expect(await openConflicts(db)).toHaveLength(7);
  });

  it('refuses to take central for a collided record that others here belong to, and changes nothing', async () => {
    const db = laptop().db;
    const before = await snapshotRows(laptop().database.url);
    const collision = conflictOn(await openConflicts(db), 'users', 'email', 'admin@school.org');
    await expect(resolve(db, { conflictId: collision.id, take: 'central' })).rejects.toThrow(
      /courses/,
    );
    expect(differingKeys(await snapshotRows(laptop().database.url), before)).toEqual([]);
  });

  it('takes central for a collided record with nothing of its own: the local one goes, the central one comes', async () => {
    const db = laptop().db;
    const sam = conflictOn(await openConflicts(db), 'users', 'email', 'sam@school.org');
    await resolve(db, { conflictId: sam.id, take: 'central' });
    expect(
      await queryValue(db, `SELECT full_name AS value FROM users WHERE email = 'sam@school.org'`),
    ).toBe('Sam Central');
  });

  it('keeps both records of a collision with new local values, then brings in what waited', async () => {
    const db = laptop().db;
    let conflicts = await openConflicts(db);
    await resolve(db, {
      conflictId: conflictOn(conflicts, 'users', 'email', 'admin@school.org').id,
      take: 'local',
      values: { email: 'admin.laptop@school.org' },
    });
    await resolve(db, {
      conflictId: conflictOn(conflicts, 'courses', 'slug', 'intro').id,
      take: 'local',
      values: { slug: 'intro-offline' },
    });
    conflicts = await openConflicts(db);
    expect(conflicts.map((c) => c.kind)).toEqual(['rejected', 'rejected', 'rejected', 'rejected']);
    // Parents before children, as a person would work down the list.
    const order = ['courses', 'lessons', 'enrollments'];
    for (const conflict of conflicts.sort(
      (a, b) => order.indexOf(a.tableName) - order.indexOf(b.tableName),
    )) {
      await resolve(db, { conflictId: conflict.id, take: 'central' });
    }
    expect(await openConflicts(db)).toEqual([]);
    expect(await count(db, `SELECT count(*) FROM users WHERE email LIKE 'admin%'`)).toBe(2);
  });

  it('pushes every local record, and both sides converge with nothing lost', async () => {
    const db = laptop().db;
    const pushed = await pushChanges(db, target());
    // The 4 local records that waited, and the 2 collided ones under their new values.
    expect(pushed).toMatchObject({ applied: 6, conflicts: 0 });
    expect(await pullChanges(db, target())).toMatchObject({ conflicts: 0 });
    expect(
      differingKeys(
        await snapshotRows(laptop().database.url),
        await snapshotRows(world.central.database.url),
      ),
    ).toEqual([]);
    const central = world.central.db;
    expect(
      await count(
        central,
        `SELECT count(*) FROM enrollments e JOIN users u ON u.id = e.user_id WHERE u.email = 'alice@school.org'`,
      ),
    ).toBe(2);
    expect(await count(central, `SELECT count(*) FROM courses`)).toBe(4);
    expect(await getSyncStatus(db, { checkOnline: false })).toMatchObject({
      pendingChanges: 0,
      openConflicts: 0,
    });
    // A laptop linked afresh now gets everything.
    await linkToCentral(nodeAt(1).db, target());
    expect(
      differingKeys(
        await snapshotRows(nodeAt(1).database.url),
        await snapshotRows(world.central.database.url),
      ),
    ).toEqual([]);
  });
});

describe('linking a database restored from a central copy and changed since', () => {
  it('leaves records alike on both sides alone; one edited on both sides, or deleted on one, is a conflict', async () => {
    const copy = nodeAt(2);
    // The copy: the central data as it was, no longer linked (a restored dump).
    await linkToCentral(copy.db, target());
    await copy.db.select(`DELETE FROM sync_link`, []);
    const rows = await count(world.central.db, `SELECT count(*) FROM users`);
    await changeAsApp(
      copy.db,
      `UPDATE users SET full_name = 'Bob on the laptop' WHERE email = 'bob@school.org' RETURNING id`,
    );
    await changeAsApp(copy.db, `DELETE FROM users WHERE email = 'sam@school.org' RETURNING id`);
    await changeAsApp(
      world.central.db,
      `UPDATE users SET full_name = 'Bob centrally' WHERE email = 'bob@school.org' RETURNING id`,
    );
    await changeAsApp(
      world.central.db,
      `DELETE FROM enrollments WHERE user_id = (SELECT id FROM users WHERE email = 'bob@school.org') RETURNING id`,
    );
    const result = await linkToCentral(copy.db, target());
    expect(result.conflicts).toEqual({
      collisions: 0,
      changedOnBoth: 1,
      deletedOnOneSide: 2,
      waiting: 0,
    });
    expect(result.localToPush).toBe(0);
    expect(result.rowsCopied.users).toBe(0);
    expect(result.unchanged).toBeGreaterThanOrEqual(rows - 2);
    const conflicts = await openConflicts(copy.db);
    const bob = conflictOn(conflicts, 'users', 'full_name', 'Bob on the laptop');
    expect(bob).toMatchObject({
      kind: 'update-update',
      local: { full_name: 'Bob on the laptop' },
      central: { full_name: 'Bob centrally' },
    });
    // Never overwritten, never brought back: the copy keeps its edit and its delete until a person chooses.
    expect(
      await queryValue(
        copy.db,
        `SELECT full_name AS value FROM users WHERE email = 'bob@school.org'`,
      ),
    ).toBe('Bob on the laptop');
    expect(await count(copy.db, `SELECT count(*) FROM users WHERE email = 'sam@school.org'`)).toBe(
      0,
    );
    const sam = conflictOn(conflicts, 'users', 'email', 'sam@school.org');
    expect(sam).toMatchObject({ kind: 'delete-update', local: null });
    const enrollment = conflicts.find((c) => c.tableName === 'enrollments');
    expect(enrollment).toMatchObject({ kind: 'delete-update', central: null });
    await resolve(copy.db, { conflictId: bob.id, take: 'local' });
    await resolve(copy.db, { conflictId: sam.id, take: 'local' });
    await resolve(copy.db, { conflictId: enrollment?.id ?? '', take: 'central' });
    expect(await pushChanges(copy.db, target())).toMatchObject({ applied: 2, conflicts: 0 });
    await pullChanges(copy.db, target());
    expect(
      differingKeys(
        await snapshotRows(copy.database.url),
        await snapshotRows(world.central.database.url),
      ),
    ).toEqual([]);
    expect(
      await queryValue(
        world.central.db,
        `SELECT full_name AS value FROM users WHERE email = 'bob@school.org'`,
      ),
    ).toBe('Bob on the laptop');
    expect(
      await count(world.central.db, `SELECT count(*) FROM users WHERE email = 'sam@school.org'`),
    ).toBe(0);
  });
});
