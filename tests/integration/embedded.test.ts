import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabaseTarget } from '../../db/database-target';
import { EmbeddedServer, type EmbeddedServerHandle } from '../../db/embedded';
import { UserFacingError } from '../../db/user-facing-error';
import { acceptsConnections } from '../support/network';
import { isProcessAlive, waitFor } from '../support/polling';
import { isMainIntegrationProject } from '../support/projects';
import { rejectionOf } from '../support/rejection';
import { TempFolders } from '../support/temp-folders';

const tempFolders = new TempFolders();
let dataDir: string;

const clusterDir = (): string => path.join(dataDir, 'postgres');

/** Runs one query on a fresh connection to `url`, so no client outlives the test. */
async function queryOnce<Row extends Record<string, unknown>>(
  url: string,
  sql: string,
): Promise<Row[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<Row>(sql)).rows;
  } finally {
    await client.end();
  }
}

/** The pids of the postmasters serving `cluster` (Linux: read from /proc). */
function postmastersOf(cluster: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let argv: string[];
    try {
      argv = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0');
    } catch {
      continue; // the process ended while we looked
    }
    const dataFlag = argv.indexOf('-D');
    if (dataFlag !== -1 && argv[dataFlag + 1] === cluster) pids.push(Number(entry));
  }
  return pids;
}

/** The pid of a process that has run and ended: a pid nothing lives under now. */
async function pidOfFinishedProcess(): Promise<number> {
  const child = spawn(process.execPath, ['-e', ''], { stdio: 'ignore' });
  await new Promise((resolve) => child.on('exit', resolve));
  if (child.pid === undefined) throw new Error('could not start a process');
  return child.pid;
}

describe.skipIf(!isMainIntegrationProject())('the embedded PostgreSQL', () => {
  beforeEach(async () => {
    dataDir = await tempFolders.make('lms-embedded');
  });

  afterEach(async () => {
    // Whatever a test left running goes; a test that broke the folder on purpose may make this throw.
    await new EmbeddedServer(dataDir).stop().catch(() => false);
    await tempFolders.removeAll();
  });

  it('reports a new data folder as not initialized', async () => {
    expect(await new EmbeddedServer(dataDir).status()).toEqual({
      state: 'not-initialized',
      dataDir,
    });
  });

  it('initializes the cluster on first start and creates the lms database', async () => {
    const handle = await new EmbeddedServer(dataDir).start();

    expect(handle).toMatchObject({ wasInitializedHere: true, wasStartedHere: true });
    const rows = await queryOnce<{ database: string }>(
      handle.url,
      'SELECT current_database() AS database',
    );
    expect(rows).toEqual([{ database: 'lms' }]);
  });

  it('keeps the generated credentials in a file only its owner can read (mode 0600)', async () => {
    await new EmbeddedServer(dataDir).start();

    const { mode } = await fs.stat(path.join(clusterDir(), 'lms-admin.json'));

    expect((mode & 0o777).toString(8)).toBe('600');
  });

  it('listens on 127.0.0.1 only', async () => {
    const handle = await new EmbeddedServer(dataDir).start();

    expect(new URL(handle.url).hostname).toBe('127.0.0.1');
    const rows = await queryOnce<{ listen_addresses: string }>(handle.url, 'SHOW listen_addresses');
    expect(rows).toEqual([{ listen_addresses: '127.0.0.1' }]);
    const otherAddresses = Object.values(os.networkInterfaces())
      .flat()
      .filter((address) => address !== undefined && !address.internal)
      .map((address) => address?.address ?? '');
    for (const address of ['::1', ...otherAddresses]) {
      expect(await acceptsConnections(address, handle.port), address).toBe(false);
    }
  });

  it('is found running by a second EmbeddedServer on the same folder, on the same port', async () => {
    const first = await new EmbeddedServer(dataDir).start();

    const second = await new EmbeddedServer(dataDir).start();

    expect(second).toMatchObject({
      port: first.port,
      pid: first.pid,
      url: first.url,
      wasStartedHere: false,
      wasInitializedHere: false,
    });
  });

  it('reuses the cluster and its data when started again after a stop', async () => {
    const server = new EmbeddedServer(dataDir);
    const first = await server.start();
    await queryOnce(first.url, "CREATE TABLE kept (note text); INSERT INTO kept VALUES ('hello')");
    expect(await server.stop()).toBe(true);
    expect(await server.status()).toEqual({ state: 'stopped', dataDir });

    const second = await server.start();

    expect(second).toMatchObject({ wasInitializedHere: false, wasStartedHere: true });
    expect(await queryOnce(second.url, 'SELECT note FROM kept')).toEqual([{ note: 'hello' }]);
  });

  it('recovers after a kill -9 of the postmaster, keeping the data committed before it', async () => {
    const server = new EmbeddedServer(dataDir);
    const first = await server.start();
    await queryOnce(
      first.url,
      "CREATE TABLE kept (note text); INSERT INTO kept VALUES ('committed')",
    );
    // A client mid-query at the time of the kill: its orphaned backend outlives the postmaster
    // for a moment, holding the shared memory the next start needs.
    const busy = new pg.Client({ connectionString: first.url });
    busy.on('error', () => undefined);
    await busy.connect();
    const busyQuery = busy.query('SELECT pg_sleep(30)').catch(() => undefined);

    process.kill(first.pid, 'SIGKILL');
    await waitFor('the killed postmaster to go', () => !isProcessAlive(first.pid));
    const second = await server.start();
    await busyQuery;
    await busy.end().catch(() => undefined);

    expect(second.wasStartedHere).toBe(true);
    expect(second.pid).not.toBe(first.pid);
    expect(await queryOnce(second.url, 'SELECT note FROM kept')).toEqual([{ note: 'committed' }]);
  });

  it('clears a stale postmaster.pid that names a live process other than postgres, then starts', async () => {
    const server = new EmbeddedServer(dataDir);
    await server.start();
    const lockFile = path.join(clusterDir(), 'postmaster.pid');
    const lockLines = (await fs.readFile(lockFile, 'utf8')).split('\n');
    await server.stop();
    // As after a crash and a reboot: the lock file survived, and its pid now belongs to another program.
    await fs.writeFile(lockFile, [String(process.pid), ...lockLines.slice(1)].join('\n'));
    expect(await server.status()).toEqual({ state: 'stopped', dataDir });

    const handle = await server.start();

    expect(handle.wasStartedHere).toBe(true);
    expect(handle.pid).not.toBe(process.pid);
    expect(await queryOnce(handle.url, 'SELECT 1 AS one')).toEqual([{ one: 1 }]);
  });

  it('clears a stale postmaster.pid that names the postmaster of another cluster, then starts', async () => {
    const otherServer = new EmbeddedServer(await tempFolders.make('lms-embedded-other'));
    const other = await otherServer.start();
    try {
      const server = new EmbeddedServer(dataDir);
      await server.start();
      const lockFile = path.join(clusterDir(), 'postmaster.pid');
      const lockLines = (await fs.readFile(lockFile, 'utf8')).split('\n');
      await server.stop();
      // As after a reboot, when the stale pid went to a PostgreSQL that serves something else.
      await fs.writeFile(lockFile, [String(other.pid), ...lockLines.slice(1)].join('\n'));
      expect(await server.status()).toEqual({ state: 'stopped', dataDir });

      const handle = await server.start();

      expect(handle.wasStartedHere).toBe(true);
      expect(handle.pid).not.toBe(other.pid);
      expect(await queryOnce(handle.url, 'SELECT 1 AS one')).toEqual([{ one: 1 }]);
    } finally {
      await otherServer.stop();
    }
  });

  it('removes the half-made cluster a first start left when its process died', async () => {
    const deadPid = await pidOfFinishedProcess();
    const abandoned = path.join(dataDir, `postgres.init-${deadPid}-0badf00d`);
    await fs.mkdir(abandoned);
    await fs.writeFile(path.join(abandoned, 'PG_VERSION'), '18\n');

    const handle = await new EmbeddedServer(dataDir).start();

    expect(handle.wasInitializedHere).toBe(true);
    expect(await fs.readdir(dataDir)).not.toContain(path.basename(abandoned));
  });

  it('refuses a postgres folder without PG_VERSION as not a PostgreSQL data folder, leaving it untouched', async () => {
    await fs.mkdir(clusterDir());
    await fs.writeFile(path.join(clusterDir(), 'notes.txt'), 'not a cluster');

    const error = await rejectionOf(new EmbeddedServer(dataDir).start());

    expect(error).toBeInstanceOf(UserFacingError);
    expect(error.message).toContain(`${clusterDir()} exists but is not a PostgreSQL data folder`);
    expect(await fs.readdir(clusterDir())).toEqual(['notes.txt']);
    expect(await fs.readFile(path.join(clusterDir(), 'notes.txt'), 'utf8')).toBe('not a cluster');
  });

  it('reports a damaged credentials file as damaged, saying what to do', async () => {
    const server = new EmbeddedServer(dataDir);
    await server.start();
    await server.stop();
    await fs.writeFile(path.join(clusterDir(), 'lms-admin.json'), '{"user": "postgres", "pass');

    const error = await rejectionOf(server.start());

    expect(error).toBeInstanceOf(UserFacingError);
    expect(error.message).toContain('lms-admin.json is damaged');
    expect(error.message).toContain('move the folder aside');
  });

  it('ends two concurrent first starts on a new folder with one server that both share', async () => {
    const handles: EmbeddedServerHandle[] = await Promise.all([
      new EmbeddedServer(dataDir).start(),
      new EmbeddedServer(dataDir).start(),
    ]);

    expect(handles[0]?.port).toBe(handles[1]?.port);
    expect(handles[0]?.pid).toBe(handles[1]?.pid);
    expect(handles.filter((handle) => handle.wasStartedHere)).toHaveLength(1);
    expect(handles.filter((handle) => handle.wasInitializedHere)).toHaveLength(1);
    if (process.platform === 'linux')
      expect(postmastersOf(clusterDir())).toEqual([handles[0]?.pid]);
    expect((await fs.readdir(dataDir)).filter((entry) => entry.includes('.init-'))).toEqual([]);
  });

  it('stopIfUnused leaves the server running while another client is connected', async () => {
    const server = new EmbeddedServer(dataDir);
    const handle = await server.start();
    const client = new pg.Client({ connectionString: handle.url });
    await client.connect();
    try {
      expect(await server.stopIfUnused()).toBe(false);

      expect(await server.status()).toMatchObject({ state: 'running', pid: handle.pid });
      expect((await client.query('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
    } finally {
      await client.end();
    }
  });

  it('stopIfUnused stops the server when no other client is connected', async () => {
    const server = new EmbeddedServer(dataDir);
    const handle = await server.start();

    expect(await server.stopIfUnused()).toBe(true);

    expect(await server.status()).toEqual({ state: 'stopped', dataDir });
    expect(isProcessAlive(handle.pid)).toBe(false);
  });

  describe('shared by commands (openDatabaseTarget)', () => {
    const openEmbedded = () => openDatabaseTarget({ env: { LMS_DATA_DIR: dataDir } });

    it('is stopped by the last command using it, not only by the one that started it', async () => {
      const starter = await openEmbedded();
      const other = await openEmbedded();
      const client = new pg.Client({ connectionString: other.url });
      await client.connect();

      await starter.release();
      expect((await new EmbeddedServer(dataDir).status()).state).toBe('running');
      await client.end();
      await other.release();

      expect(await new EmbeddedServer(dataDir).status()).toEqual({ state: 'stopped', dataDir });
    });

    it('stays running after a command when db start started it', async () => {
      const started = await new EmbeddedServer(dataDir).start();
      const command = await openEmbedded();

      await command.release();

      expect(await new EmbeddedServer(dataDir).status()).toMatchObject({
        state: 'running',
        pid: started.pid,
      });
    });

    it('stays running after the command that started it when db start was run meanwhile', async () => {
      const command = await openEmbedded();
      await new EmbeddedServer(dataDir).start();

      await command.release();

      expect((await new EmbeddedServer(dataDir).status()).state).toBe('running');
    });
  });
});
