import { EventEmitter } from 'node:events';
import os from 'node:os';
import pg from 'pg';
import { Umzug, type UmzugStorage } from 'umzug';
import {
  DEFAULT_CONNECT_TIMEOUT_MS,
  explainConnectionError,
  parseDatabaseUrl,
} from './database-url';
import fs from 'node:fs/promises';
import { REVIEW_REQUIRED_MARKER } from './migration-authoring/migration-file';
import {
  assessRiskySteps,
  findRiskySteps,
  type RiskyStep,
} from './migration-authoring/risky-steps';
import { recordMigration, sqlForPsql, type RecordedRun } from './migration-authoring/sql-preview';
import type { MigrationDb } from './migration';
import { MigrationFolder, type MigrationFile } from './migration-source';
import { UserFacingError } from './user-facing-error';

/** An entry of the `schema_migrations` ledger. */
export interface AppliedMigration {
  name: string;
  checksum: string;
  appliedAt: Date;
  executionMs: number;
  appliedBy: string;
}

/** Something that makes the ledger and the files disagree; `up` and `down` refuse to run while any exists. */
export type MigrationProblem =
  | { kind: 'changed'; name: string; appliedChecksum: string; fileChecksum: string }
  | { kind: 'missing'; name: string }
  | { kind: 'out-of-order'; name: string; current: string }
  | { kind: 'misnamed'; file: string };

/** Where the database stands against the files. */
export interface MigrationStatus {
  current: string | null;
  applied: AppliedMigration[];
  pending: string[];
  problems: MigrationProblem[];
}

/** Progress of a run, for a CLI or a progress bar. `index` counts from 1 up to `total`. */
export interface MigrationStep {
  name: string;
  index: number;
  total: number;
}

/** Events a run emits; the engine prints nothing itself. */
export type MigratorEvents = {
  'lock-waiting': [{ timeoutMs: number }];
  migrating: [MigrationStep];
  migrated: [MigrationStep & { durationMs: number }];
  reverting: [MigrationStep];
  reverted: [MigrationStep & { durationMs: number }];
};

/** How far `down` goes: to a migration (kept applied), to `0` (nothing applied), or a number of steps. */
export type DownTarget = { to: string | 0; step?: never } | { step: number; to?: never };

/** What `up` applies: all pending migrations or up to and including `to`. */
export interface UpTarget {
  to?: string;
  /** Runs steps that drop data or lock a large table; without it `up` refuses them, listing them. */
  allowDestructive?: boolean;
}

/** A migration as a run would execute it, recorded without executing it. */
export interface MigrationPreview extends RecordedRun {
  name: string;
  /** sha256 of the file, as the ledger records it. */
  checksum: string;
  direction: 'up' | 'down';
  /** Steps that drop data or lock a table, with the rows they touch on this database. */
  riskySteps: RiskyStep[];
}

/** `up` met steps that lose data or lock a large table and was not told to run them. */
export class DestructiveMigrationError extends UserFacingError {
  constructor(readonly previews: MigrationPreview[]) {
    const steps = previews.flatMap((preview) =>
      preview.riskySteps.map((step) => `${preview.name} ${step.message}`),
    );
    super(
      `Refusing to migrate: ${steps.join('; ')}. Nothing was applied. Review the steps ` +
        '(`lms-admin migrate up --sql`, or the Migrations page), then confirm them: ' +
        '--allow-destructive on the command line, the tick on the Migrations page.',
    );
  }
}

export interface MigratorOptions {
  databaseUrl: string;
  folder?: MigrationFolder;
  /** How long to wait for another process's run to finish before giving up. */
  lockTimeoutMs?: number;
  /** How long connecting may wait for the server to answer before giving up. */
  connectTimeoutMs?: number;
  /** Who is recorded in the ledger as having applied a migration. */
  appliedBy?: string;
  /** Stops a run between migrations: the one under way finishes (or rolls back) whole. */
  signal?: AbortSignal;
}

/** A run stopped on request between two migrations; says how far it got. */
export class MigrationCancelledError extends UserFacingError {
  constructor(
    readonly completed: number,
    readonly total: number,
    direction: 'up' | 'down',
  ) {
    super(
      `Cancelled after ${direction === 'up' ? 'applying' : 'reverting'} ${completed} of ${total} migration(s); ` +
        `the rest ${direction === 'up' ? 'are still pending' : 'are still applied'}.`,
    );
  }
}

/** A fixed key for `pg_advisory_lock`: every LMS Admin process migrating this database takes the same one. */
const MIGRATION_LOCK_KEY = 4_242_001_001;
const LEDGER_TABLE = 'schema_migrations';
const LEDGER_DDL = `CREATE TABLE IF NOT EXISTS ${LEDGER_TABLE} (
  name text PRIMARY KEY,
  checksum text NOT NULL,
  applied_at timestamptz NOT NULL DEFAULT now(),
  execution_ms integer NOT NULL CHECK (execution_ms >= 0),
  applied_by text NOT NULL
)`;

/** Applies and reverts migrations: umzug runs them; this adds the ledger, checksums, one transaction each, and a lock. */
export class Migrator extends EventEmitter<MigratorEvents> {
  private readonly url: URL;
  private readonly folder: MigrationFolder;
  private readonly lockTimeoutMs: number;
  private readonly connectTimeoutMs: number;
  private readonly appliedBy: string;
  private readonly signal: AbortSignal | undefined;
  private client: pg.Client | undefined;

  constructor(options: MigratorOptions) {
    super();
    this.url = parseDatabaseUrl(options.databaseUrl);
    this.folder = options.folder ?? new MigrationFolder();
    this.lockTimeoutMs = options.lockTimeoutMs ?? 10_000;
    this.connectTimeoutMs = options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS;
    this.appliedBy = options.appliedBy ?? `${os.userInfo().username}@${os.hostname()}`;
    this.signal = options.signal;
  }

  /** Compares the ledger with the files: applied, pending, and anything that doesn't add up. Changes nothing. */
  async status(): Promise<MigrationStatus> {
    const [client, listing] = await Promise.all([this.connect(), this.folder.list()]);
    const applied = await readLedger(client);
    return compare(applied, listing.files, listing.misnamed);
  }

  /**
   * Applies pending migrations, all or up to and including `to`. Returns the names applied.
   * Refuses (DestructiveMigrationError, nothing applied) steps that drop data or lock a large
   * table unless `allowDestructive`.
   */
  async up(options: UpTarget = {}): Promise<string[]> {
    return this.withLock(async (client) => {
      const { status, files } = await this.validated(client);
      const pending = pendingUpTo(status, options.to);
      const toRun = pending.map((name) => files.get(name)).filter((file) => file !== undefined);
      if (!options.allowDestructive) {
        const risky = (await this.previewFiles(client, toRun, 'up')).filter(
          (preview) => preview.riskySteps.length > 0,
        );
        if (risky.length > 0) throw new DestructiveMigrationError(risky);
      }
      await this.run(client, toRun, 'up');
      return pending;
    });
  }

  /** Reverts applied migrations, newest first: one by default. Returns the names reverted. */
  async down(target: DownTarget = { step: 1 }): Promise<string[]> {
    return this.withLock(async (client) => {
      const { status, files } = await this.validated(client);
      const toRevert = revertList(status, target);
      await this.run(
        client,
        toRevert.map((name) => files.get(name)).filter((file) => file !== undefined),
        'down',
      );
      return toRevert.reverse();
    });
  }

  /**
   * What `up` (to `to`) or `down` (to `target`) would execute, migration by migration, without
   * executing any of it; with the risky steps and the rows they'd touch here.
   */
  async preview(
    request: { direction: 'up'; to?: string } | { direction: 'down'; target: DownTarget },
  ): Promise<MigrationPreview[]> {
    const client = await this.connect();
    const { status, files } = await this.validated(client);
    const names =
      request.direction === 'up'
        ? pendingUpTo(status, request.to)
        : revertList(status, request.target).reverse();
    return this.previewFiles(
      client,
      names.map((name) => files.get(name)).filter((file) => file !== undefined),
      request.direction,
    );
  }

  /**
   * The SQL script of a preview for psql: the lock and ledger `up`/`down` use, each migration in
   * a transaction of its own with its ledger change, as a run would do it.
   */
  static scriptOf(previews: readonly MigrationPreview[]): string {
    const lines = [
      `-- ${previews.length} migration(s), each in one transaction with its ledger row, as \`lms-admin migrate\` runs them.`,
      `SELECT pg_advisory_lock(${MIGRATION_LOCK_KEY});`,
      `${LEDGER_DDL};`,
    ];
    for (const [index, preview] of previews.entries()) {
      lines.push('', `-- ${preview.name} (${preview.direction})`);
      for (const caveat of preview.caveats) lines.push(`-- Not exact: ${caveat}.`);
      for (const step of preview.riskySteps) lines.push(`-- Warning: ${step.message}.`);
      lines.push('BEGIN;');
      preview.queries.forEach((query, step) =>
        lines.push(sqlForPsql(query, `${index + 1}_${step + 1}`)),
      );
      lines.push(
        preview.direction === 'up'
          ? `INSERT INTO ${LEDGER_TABLE} (name, checksum, execution_ms, applied_by) VALUES ('${preview.name}', '${preview.checksum}', 0, current_user);`
          : `DELETE FROM ${LEDGER_TABLE} WHERE name = '${preview.name}';`,
        'COMMIT;',
      );
    }
    lines.push('', `SELECT pg_advisory_unlock(${MIGRATION_LOCK_KEY});`);
    return `${lines.join('\n')}\n`;
  }

  private async previewFiles(
    client: pg.Client,
    files: readonly MigrationFile[],
    direction: 'up' | 'down',
  ): Promise<MigrationPreview[]> {
    const previews: MigrationPreview[] = [];
    for (const file of files) {
      const recorded = await recordMigration(await this.folder.load(file), direction);
      const steps = await findRiskySteps(
        recorded.queries.map((query) => query.sql.trim().replace(/;?\s*$/, ';')).join('\n'),
      ).catch(() => []);
      previews.push({
        name: file.name,
        checksum: file.checksum,
        direction,
        ...recorded,
        riskySteps: await assessRiskySteps(client, steps),
      });
    }
    return previews;
  }

  /**
   * Accepts the files as they are now: records the current checksum of changed migrations and
   * forgets ledger entries whose file is gone. For when a change was deliberate; says what it did.
   */
  async repair(): Promise<MigrationProblem[]> {
    return this.withLock(async (client) => {
      const status = compare(await readLedger(client), (await this.folder.list()).files, []);
      const repaired: MigrationProblem[] = [];
      await client.query('BEGIN');
      try {
        for (const problem of status.problems) {
          if (problem.kind === 'changed') {
            await client.query(`UPDATE ${LEDGER_TABLE} SET checksum = $1 WHERE name = $2`, [
              problem.fileChecksum,
              problem.name,
            ]);
            repaired.push(problem);
          } else if (problem.kind === 'missing') {
            await client.query(`DELETE FROM ${LEDGER_TABLE} WHERE name = $1`, [problem.name]);
            repaired.push(problem);
          }
        }
        await client.query('COMMIT');
      } catch (error) {
        await client.query('ROLLBACK');
        throw error;
      }
      return repaired;
    });
  }

  async close(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    await client?.end();
  }

  private async connect(): Promise<pg.Client> {
    if (this.client) return this.client;
    const client = new pg.Client({
      connectionString: this.url.toString(),
      application_name: 'lms-admin migrate',
      connectionTimeoutMillis: this.connectTimeoutMs,
    });
    try {
      await client.connect();
    } catch (error) {
      throw explainConnectionError(error, this.url);
    }
    // A connection the server drops (restart, pg_terminate_backend, network) fails the query in
    // flight; unheard, its 'error' event would also crash the whole process. The next call
    // connects afresh.
    client.on('error', () => {
      if (this.client === client) this.client = undefined;
    });
    this.client = client;
    return client;
  }

  private async validated(
    client: pg.Client,
  ): Promise<{ status: MigrationStatus; files: Map<string, MigrationFile> }> {
    const listing = await this.folder.list();
    const status = compare(await readLedger(client), listing.files, listing.misnamed);
    if (status.problems.length > 0) {
      throw new UserFacingError(
        `Refusing to migrate: ${status.problems.map(describeProblem).join('; ')}. ` +
          'Restore the files, or run `lms-admin migrate repair` if the change was deliberate.',
      );
    }
    return { status, files: new Map(listing.files.map((file) => [file.name, file])) };
  }

  /** Holds the advisory lock for the whole of `work`, so two processes never migrate at once. */
  private async withLock<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
    const client = await this.connect();
    const deadline = Date.now() + this.lockTimeoutMs;
    let hasAnnouncedWait = false;
    for (;;) {
      const { rows } = await client.query<{ locked: boolean }>(
        'SELECT pg_try_advisory_lock($1) AS locked',
        [MIGRATION_LOCK_KEY],
      );
      if (rows[0]?.locked) break;
      if (Date.now() >= deadline) {
        throw new UserFacingError(
          `Another process is migrating this database; gave up waiting after ${this.lockTimeoutMs / 1000} s. Try again when it is done, or raise --lock-timeout.`,
        );
      }
      if (!hasAnnouncedWait) {
        this.emit('lock-waiting', { timeoutMs: this.lockTimeoutMs });
        hasAnnouncedWait = true;
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    try {
      await client.query(LEDGER_DDL);
      return await work(client);
    } finally {
      // Unlocking fails only on a lost connection, whose session holds no lock any more; throwing
      // that here would hide why the work failed.
      await client
        .query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY])
        .catch(() => undefined);
    }
  }

  /** Runs `files` (oldest first, as they sort) up in that order, or down newest first. */
  private async run(
    client: pg.Client,
    files: MigrationFile[],
    direction: 'up' | 'down',
  ): Promise<void> {
    const total = files.length;
    // umzug reverts from the end of its list, so it must get the list oldest first in both directions.
    const runOrder = direction === 'up' ? files : [...files].reverse();
    let completed = 0;
    const runOne = async (file: MigrationFile): Promise<void> => {
      if (this.signal?.aborted) throw new MigrationCancelledError(completed, total, direction);
      await this.runInTransaction(client, file, direction);
      completed += 1;
    };
    const umzug = new Umzug<Record<string, never>>({
      migrations: files.map((file) => ({
        name: file.name,
        path: file.path,
        up: () => runOne(file),
        down: () => runOne(file),
      })),
      storage: ledgerStorage(client),
      context: {},
      logger: undefined,
    });
    const stepOf = (name: string): MigrationStep => ({
      name,
      index: runOrder.findIndex((file) => file.name === name) + 1,
      total,
    });
    const startedAt = new Map<string, number>();
    const before = direction === 'up' ? 'migrating' : 'reverting';
    const after = direction === 'up' ? 'migrated' : 'reverted';
    umzug.on(before, ({ name }) => {
      startedAt.set(name, performance.now());
      this.emit(before, stepOf(name));
    });
    umzug.on(after, ({ name }) => {
      this.emit(after, {
        ...stepOf(name),
        durationMs: performance.now() - (startedAt.get(name) ?? performance.now()),
      });
    });
    try {
      if (direction === 'up') await umzug.up();
      else await umzug.down({ step: total });
    } catch (error) {
      // umzug wraps a migration's error in its own; the original carries the reason.
      throw (error as { cause?: unknown }).cause ?? error;
    }
  }

  /** Runs one migration and its ledger change in one transaction: on failure nothing of it remains. */
  private async runInTransaction(
    client: pg.Client,
    file: MigrationFile,
    direction: 'up' | 'down',
  ): Promise<void> {
    const unresolved = (await fs.readFile(file.path, 'utf8'))
      .split('\n')
      .flatMap((line, index) => (line.includes(REVIEW_REQUIRED_MARKER) ? [index + 1] : []));
    if (unresolved.length > 0) {
      throw new UserFacingError(
        `Migration ${file.name} has notes marked ${REVIEW_REQUIRED_MARKER} (line ${unresolved.join(', ')} of ${file.path}): resolve each, delete the marker, then run again.`,
      );
    }
    const migration = await this.folder.load(file);
    const db: MigrationDb = {
      query: (sql, params) => client.query(sql, params ? [...params] : undefined),
    };
    const startedAt = performance.now();
    await client.query('BEGIN');
    try {
      await migration[direction](db);
      if (direction === 'up') {
        await client.query(
          `INSERT INTO ${LEDGER_TABLE} (name, checksum, execution_ms, applied_by) VALUES ($1, $2, $3, $4)`,
          [file.name, file.checksum, Math.round(performance.now() - startedAt), this.appliedBy],
        );
      } else {
        await client.query(`DELETE FROM ${LEDGER_TABLE} WHERE name = $1`, [file.name]);
      }
      await client.query('COMMIT');
    } catch (error) {
      // ROLLBACK fails only on a lost connection, and then the server has rolled back already;
      // the migration's own error is the one that says what happened.
      await client.query('ROLLBACK').catch(() => undefined);
      const reason = error instanceof Error ? error.message : String(error);
      throw new UserFacingError(
        `Migration ${file.name} failed ${direction === 'up' ? 'to apply' : 'to revert'} and was rolled back, leaving the database as it was: ${reason}`,
        { cause: error },
      );
    }
  }
}

/**
 * umzug's view of the ledger. The ledger row is written inside each migration's own transaction
 * (runInTransaction), so it commits or rolls back with the migration; umzug's separate
 * log/unlog steps have nothing left to do.
 */
function ledgerStorage(client: pg.Client): UmzugStorage<Record<string, never>> {
  return {
    executed: async () => (await readLedger(client)).map((entry) => entry.name),
    logMigration: async () => undefined,
    unlogMigration: async () => undefined,
  };
}

async function readLedger(client: pg.Client): Promise<AppliedMigration[]> {
  const { rows: exists } = await client.query<{ present: boolean }>(
    `SELECT to_regclass($1) IS NOT NULL AS present`,
    [LEDGER_TABLE],
  );
  if (!exists[0]?.present) return [];
  const { rows } = await client.query<{
    name: string;
    checksum: string;
    applied_at: Date;
    execution_ms: number;
    applied_by: string;
  }>(
    // Byte order, as the files sort: a server's own collation (en_US, ICU) may put `_` before digits.
    `SELECT name, checksum, applied_at, execution_ms, applied_by FROM ${LEDGER_TABLE} ORDER BY name COLLATE "C"`,
  );
  return rows.map((row) => ({
    name: row.name,
    checksum: row.checksum,
    appliedAt: row.applied_at,
    executionMs: row.execution_ms,
    appliedBy: row.applied_by,
  }));
}

/** The pending migrations `up` applies: all, or up to and including `to`. */
function pendingUpTo(status: MigrationStatus, to: string | undefined): string[] {
  if (to === undefined) return status.pending;
  const index = status.pending.indexOf(to);
  if (index === -1) {
    const isApplied = status.applied.some((entry) => entry.name === to);
    throw new UserFacingError(
      isApplied
        ? `Migration "${to}" is already applied; nothing to do.`
        : `Couldn't find migration "${to}" to apply. Pending: ${status.pending.join(', ') || 'none'}.`,
    );
  }
  return status.pending.slice(0, index + 1);
}

/** The applied migrations `down` reverts for `target`, oldest first. */
function revertList(status: MigrationStatus, target: DownTarget): string[] {
  const appliedNames = status.applied.map((entry) => entry.name);
  let count: number;
  if (target.step !== undefined) {
    if (!Number.isInteger(target.step) || target.step < 1) {
      throw new UserFacingError(`--step must be a whole number of at least 1, not ${target.step}.`);
    }
    count = Math.min(target.step, appliedNames.length);
  } else if (target.to === 0) {
    count = appliedNames.length;
  } else {
    const index = appliedNames.indexOf(target.to);
    if (index === -1) {
      throw new UserFacingError(
        `Couldn't find applied migration "${target.to}" to go down to. Applied: ${appliedNames.join(', ') || 'none'}.`,
      );
    }
    count = appliedNames.length - index - 1;
  }
  return appliedNames.slice(appliedNames.length - count);
}

function compare(
  applied: AppliedMigration[],
  files: MigrationFile[],
  misnamed: string[],
): MigrationStatus {
  const fileByName = new Map(files.map((file) => [file.name, file]));
  const appliedNames = new Set(applied.map((entry) => entry.name));
  const problems: MigrationProblem[] = misnamed.map((file) => ({ kind: 'misnamed', file }));
  for (const entry of applied) {
    const file = fileByName.get(entry.name);
    if (!file) problems.push({ kind: 'missing', name: entry.name });
    else if (file.checksum !== entry.checksum) {
      problems.push({
        kind: 'changed',
        name: entry.name,
        appliedChecksum: entry.checksum,
        fileChecksum: file.checksum,
      });
    }
  }
  const current = applied.at(-1)?.name ?? null;
  const pending = files.filter((file) => !appliedNames.has(file.name)).map((file) => file.name);
  for (const name of pending) {
    if (current !== null && name < current) problems.push({ kind: 'out-of-order', name, current });
  }
  return { current, applied, pending, problems };
}

/** One problem in words, naming the migration and what to do. */
export function describeProblem(problem: MigrationProblem): string {
  switch (problem.kind) {
    case 'changed':
      return `${problem.name} was applied, but its file has changed since`;
    case 'missing':
      return `${problem.name} was applied, but its file is gone`;
    case 'out-of-order':
      return `${problem.name} is pending but sorts before the current ${problem.current} (renumber it after the current one)`;
    case 'misnamed':
      return `${problem.file} is not named NNNN_snake_name.ts, so it would never run`;
  }
}
