import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Database } from '../../db/connection';
import { createApiHarness, type ApiHarness } from '../support/api-harness';
import { callOk } from '../support/api-results';
import { runCli } from '../support/cli-runner';
import { createCourse, createUser } from '../support/lms-factories';
import { queryValue, snapshotRows, differingKeys } from '../support/sync-world';
import { createMigratedDatabase, type TestDatabase } from '../support/test-database';

/**
 * The first-run flow through the app's API and the CLI: the app made its admin (and the admin
 * some records) before any central server was known; linking then merges.
 */
const ADMIN_EMAIL = 'first.admin@school.org';

let centralDatabase: TestDatabase;
let central: Database;

beforeAll(async () => {
  centralDatabase = await createMigratedDatabase();
  central = await Database.open(centralDatabase.url);
  await createUser(central, { role: 'admin', email: ADMIN_EMAIL });
  await createUser(central, { email: 'central.student@school.org' });
});

afterAll(async () => {
  await central?.close();
  await centralDatabase?.drop();
});

describe('sync.linkPreview and sync.link on a database with a first-run admin', () => {
  let api: ApiHarness;
  let sessionId: string;

  beforeAll(async () => {
    api = await createApiHarness();
    ({ sessionId } = await api.signedIn('admin', ADMIN_EMAIL));
    await createCourse(api.db, { slug: 'made-offline' });
  });

  afterAll(async () => {
    await api?.close();
  });

  it('previews the merge in counts, then links and lists the collided admin as a conflict', async () => {
    const before = await snapshotRows(api.database.url);
    const preview = await callOk(api, 'sync.linkPreview', { url: centralDatabase.url }, sessionId);
    expect(preview).toMatchObject({
      isMerge: true,
      localToPush: 1,
      rowsCopied: { users: 1 },
      conflicts: { collisions: 1, changedOnBoth: 0, deletedOnOneSide: 0, waiting: 0 },
    });
    expect(differingKeys(await snapshotRows(api.database.url), before)).toEqual([]);
    const linked = await callOk(api, 'sync.link', { url: centralDatabase.url }, sessionId);
    expect(linked).toEqual(preview);
    const { items } = await callOk(api, 'sync.conflicts', { includeResolved: false }, sessionId);
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({
      kind: 'unique-collision',
      tableName: 'users',
      local: { email: ADMIN_EMAIL, password_hash: '[redacted]' },
      central: { email: ADMIN_EMAIL },
    });
    const status = await callOk(api, 'sync.status', { checkOnline: false }, sessionId);
    expect(status).toMatchObject({ isLinked: true, pendingChanges: 1, openConflicts: 1 });
  });
});

describe('lms-admin sync link on a database that already holds records', () => {
  let laptopDatabase: TestDatabase;
  let laptop: Database;
  const sync = (args: string[], stdin?: string) =>
    runCli(['sync', ...args], { DATABASE_URL: laptopDatabase.url }, stdin);
  const withoutPassword = () => {
    const url = new URL(centralDatabase.url);
    url.password = '';
    return url.toString();
  };
  const password = () => decodeURIComponent(new URL(centralDatabase.url).password);

  beforeAll(async () => {
    laptopDatabase = await createMigratedDatabase();
    laptop = await Database.open(laptopDatabase.url);
    await createUser(laptop, { role: 'admin', email: ADMIN_EMAIL });
    await createUser(laptop, { email: 'offline.student@school.org' });
  });

  afterAll(async () => {
    await laptop?.close();
    await laptopDatabase?.drop();
  });

  it('says in words what linking would do with --dry-run, and changes nothing', async () => {
    const before = await snapshotRows(laptopDatabase.url);
    const result = await sync(['link', centralDatabase.url, '--dry-run']);
    expect(result.stderr).not.toMatch(/error/i);
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toMatch(/would copy 1 central record here\. Nothing was changed\./);
    expect(result.stdout).toMatch(/1 local record would go to the central server/);
    expect(result.stdout).toMatch(/1 conflict would wait for your choice: 1 unique-key collision/);
    expect(differingKeys(await snapshotRows(laptopDatabase.url), before)).toEqual([]);
    expect(await queryValue<number>(laptop, `SELECT count(*)::int AS value FROM sync_link`)).toBe(
      0,
    );
  });

  it('links with the password from stdin, and the conflict is listed and resolvable from the CLI', async () => {
    const linked = await sync(
      ['link', withoutPassword(), '--password-stdin', '--json'],
      `${password()}\n`,
    );
    expect(linked.exitCode).toBe(0);
    expect(JSON.parse(linked.stdout)).toMatchObject({
      isMerge: true,
      localToPush: 1,
      conflicts: { collisions: 1 },
    });
    const listed = await sync(['conflicts', '--json']);
    const [conflict] = (JSON.parse(listed.stdout) as { items: { id: string; kind: string }[] })
      .items;
    expect(conflict?.kind).toBe('unique-collision');
    const resolved = await sync([
      'resolve',
      conflict?.id ?? '',
      '--take',
      'local',
      '--set',
      'email=laptop.admin@school.org',
    ]);
    expect(resolved.exitCode).toBe(0);
    const pushed = await sync(['push', '--password-stdin', '--json'], `${password()}\n`);
    expect(JSON.parse(pushed.stdout)).toMatchObject({ applied: 2, conflicts: 0 });
    expect(
      await queryValue<number>(
        central,
        `SELECT count(*)::int AS value FROM users WHERE email IN ('laptop.admin@school.org', 'offline.student@school.org', $1)`,
        [ADMIN_EMAIL],
      ),
    ).toBe(3);
  });
});
