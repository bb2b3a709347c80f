import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli-runner';
import { createUser } from '../support/lms-factories';
import { waitFor } from '../support/polling';
import {
  changeAsApp,
  createSyncWorld,
  differingKeys,
  queryValue,
  snapshotRows,
  type SyncWorld,
} from '../support/sync-world';

const CLI = fileURLToPath(new URL('../../db/lms-admin.mjs', import.meta.url));

let world: SyncWorld;

beforeAll(async () => {
  world = await createSyncWorld(1);
  await createUser(world.central.db, { email: 'cli@example.com', fullName: 'Cli Central' });
});

afterAll(async () => {
  await world?.close();
});

const replica = () => {
  const node = world.replicas[0];
  if (!node) throw new Error('no replica');
  return node;
};
const centralUrl = () => world.central.database.url;
/** The central URL as a person links it: no password in it (it comes from stdin). */
const centralUrlWithoutPassword = () => {
  const url = new URL(centralUrl());
  url.password = '';
  return url.toString();
};
const password = () => decodeURIComponent(new URL(centralUrl()).password);
const sync = (args: string[], stdin?: string) =>
  runCli(['sync', ...args], { DATABASE_URL: replica().database.url }, stdin);

describe('lms-admin sync', () => {
  it('refuses a URL that is not PostgreSQL, naming what is wrong and never echoing a password', async () => {
    const result = await sync(['link', 'mysql://me:s3cret@host/db']);
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toMatch(/Not a PostgreSQL URL/);
    expect(result.stderr).not.toContain('s3cret');
  });

  it('links with the password from stdin and keeps no password', async () => {
    const linked = await sync(
      ['link', centralUrlWithoutPassword(), '--password-stdin', '--json'],
      `${password()}\n`,
    );
    expect(linked.stderr).toBe(linked.exitCode === 0 ? linked.stderr : '');
    expect(linked.exitCode).toBe(0);
    expect(JSON.parse(linked.stdout)).toMatchObject({ rowsCopied: { users: 1 } });
    const status = await sync(['status', '--password-stdin', '--json'], `${password()}\n`);
    expect(JSON.parse(status.stdout)).toMatchObject({
      isLinked: true,
      isOnline: true,
      pendingChanges: 0,
    });
    expect(
      await queryValue(replica().db, `SELECT central_url AS value FROM sync_link`),
    ).not.toContain(password());
  });

  it('refuses to link a database twice', async () => {
    const again = await sync(['link', centralUrl()]);
    expect(again.exitCode).toBe(1);
    expect(again.stderr).toMatch(/already linked/);
  });

  it('pushes, shows a conflict field by field, and resolves it', async () => {
    await changeAsApp(
      replica().db,
      `UPDATE users SET full_name = 'Cli Local' WHERE email = 'cli@example.com' RETURNING id`,
    );
    await changeAsApp(
      world.central.db,
      `UPDATE users SET full_name = 'Cli Elsewhere' WHERE email = 'cli@example.com' RETURNING id`,
    );
    const pushed = await sync(['push', '--central-url', centralUrl()]);
    expect(pushed.stdout).toMatch(/1 conflict/);
    const listed = await sync(['conflicts']);
    expect(listed.stdout).toMatch(/update-update/);
    expect(listed.stdout).toMatch(/full_name\s+"Cli Local"\s+"Cli Elsewhere"\s+"Cli Central"/);
    const { items } = JSON.parse((await sync(['conflicts', '--json'])).stdout) as {
      items: { id: string }[];
    };
    const resolved = await sync(['resolve', items[0]?.id ?? '', '--take', 'local']);
    expect(resolved.exitCode).toBe(0);
    expect((await sync(['push', '--central-url', centralUrl(), '--json'])).stdout).toMatch(
      /"conflicts": 0/,
    );
    expect(
      await queryValue(
        world.central.db,
        `SELECT full_name AS value FROM users WHERE email = 'cli@example.com'`,
      ),
    ).toBe('Cli Local');
  });

  it('converges after the push process is killed (kill -9) in the middle of a push', async () => {
    await changeAsApp(
      replica().db,
      `INSERT INTO users (email, full_name, role)
       SELECT 'bulk' || n || '@example.com', 'Bulk ' || n, 'student' FROM generate_series(1, 30000) n RETURNING id`,
    );
    const ledgerRows = () =>
      queryValue<number>(
        world.central.db,
        `SELECT count(*)::int AS value FROM sync_applied_batches`,
      );
    const appliedBefore = await ledgerRows();
    const child = spawn(process.execPath, [CLI, 'sync', 'push', '--central-url', centralUrl()], {
      env: { ...process.env, DATABASE_URL: replica().database.url },
      stdio: 'ignore',
    });
    const exited = new Promise((resolve) => child.once('exit', resolve));
    // Killed once the central server has some batches but (most likely) not all of them.
    await waitFor(
      'two batches on the central server',
      async () => (await ledgerRows()) >= appliedBefore + 2,
      60_000,
    );
    child.kill('SIGKILL');
    await exited;
    // It died with batches still planned: the next push resumes them under the same ids.
    expect(
      await queryValue<number>(replica().db, `SELECT count(*)::int AS value FROM sync_outbox`),
    ).toBeGreaterThan(0);
    const resumed = await sync(['push', '--central-url', centralUrl(), '--json']);
    expect(resumed.exitCode).toBe(0);
    expect(JSON.parse(resumed.stdout)).toMatchObject({ conflicts: 0 });
    expect((await sync(['pull', '--central-url', centralUrl()])).exitCode).toBe(0);
    expect(
      differingKeys(await snapshotRows(replica().database.url), await snapshotRows(centralUrl())),
    ).toEqual([]);
    expect(
      await queryValue<number>(
        world.central.db,
        `SELECT count(*)::int AS value FROM users WHERE email LIKE 'bulk%'`,
      ),
    ).toBe(30000);
  });
});
