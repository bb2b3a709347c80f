import { execFileSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { freeLoopbackPort } from '../../db/free-port';

/** Debian's PostgreSQL 15, the "another major version" external server the app must work with. */
export const PG15_BIN = '/usr/lib/postgresql/15/bin';

export function pg15Availability(): { isAvailable: true } | { isAvailable: false; reason: string } {
  if (!existsSync(path.join(PG15_BIN, 'initdb'))) {
    return {
      isAvailable: false,
      reason: `no PostgreSQL 15 binaries in ${PG15_BIN} (apt-get install postgresql-15)`,
    };
  }
  return { isAvailable: true };
}

/** A throwaway PostgreSQL 15 cluster in a temp folder, run as `postgres` when we are root. */
export async function startPg15Cluster(): Promise<{ url: string; stop: () => Promise<void> }> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'lms-pg15-'));
  const dataDir = path.join(dir, 'data');
  const asRoot = os.userInfo().uid === 0;
  const ids = asRoot
    ? {
        uid: Number(execFileSync('id', ['-u', 'postgres']).toString()),
        gid: Number(execFileSync('id', ['-g', 'postgres']).toString()),
      }
    : undefined;
  await fs.chmod(dir, 0o711);
  await fs.mkdir(dataDir, { mode: 0o700 });
  const passwordFile = path.join(dir, 'pw');
  await fs.writeFile(passwordFile, 'pg15test\n');
  if (ids) {
    await fs.chown(dataDir, ids.uid, ids.gid);
    await fs.chown(passwordFile, ids.uid, ids.gid);
  }
  execFileSync(
    path.join(PG15_BIN, 'initdb'),
    [
      '-D',
      dataDir,
      '-U',
      'postgres',
      `--pwfile=${passwordFile}`,
      '--auth=scram-sha-256',
      '--encoding=UTF8',
      '--locale=C',
      '--no-sync',
    ],
    { ...ids, stdio: 'ignore' },
  );
  const port = await freeLoopbackPort();
  const server = spawn(
    path.join(PG15_BIN, 'postgres'),
    [
      '-D',
      dataDir,
      '-p',
      String(port),
      '-c',
      'listen_addresses=127.0.0.1',
      '-c',
      'unix_socket_directories=',
      '-c',
      'fsync=off',
    ],
    { ...ids, stdio: ['ignore', 'ignore', 'pipe'] },
  );
  await new Promise<void>((resolve, reject) => {
    let output = '';
    server.stderr.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('ready to accept connections')) resolve();
    });
    server.on('exit', (code) => reject(new Error(`PostgreSQL 15 exited (${code}): ${output}`)));
  });
  return {
    url: `postgres://postgres:pg15test@127.0.0.1:${port}/postgres`,
    stop: async () => {
      await new Promise<void>((resolve) => {
        server.on('exit', () => resolve());
        server.kill('SIGINT');
      });
      await fs.rm(dir, { recursive: true, force: true });
    },
  };
}
