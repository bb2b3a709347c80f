import type { Database } from '../connection';
import type { MigrationFolder } from '../migration-source';
import {
  describeProblem,
  MigrationCancelledError,
  Migrator,
  type MigrationStatus,
} from '../migrator';
import type { MigrationStatusView, RollbackMigrationsInput } from '../schemas/migrations';
import type { LongWork } from './long-work';
import { ServiceError } from './service-error';

/** The status as the API and `migrate status --json` show it: problems in words as well as kinds. */
export function describeMigrationStatus(status: MigrationStatus): MigrationStatusView {
  return {
    current: status.current,
    applied: status.applied.map(({ name, appliedAt, checksum, executionMs, appliedBy }) => ({
      name,
      appliedAt,
      checksum,
      executionMs,
      appliedBy,
    })),
    pending: status.pending,
    problems: status.problems.map((problem) => ({
      kind: problem.kind,
      name: problem.kind === 'misnamed' ? problem.file : problem.name,
      message: describeProblem(problem),
    })),
  };
}

/** Where to find migrations and who is applying them. */
export interface MigrationRunOptions extends LongWork {
  appliedBy: string;
  folder?: MigrationFolder;
}

/** Runs `work` with a migrator on `db`'s server whose events feed the caller's progress. */
async function withMigrator<T>(
  db: Database,
  options: MigrationRunOptions,
  work: (migrator: Migrator) => Promise<T>,
): Promise<T> {
  const migrator = new Migrator({
    databaseUrl: db.url.toString(),
    appliedBy: options.appliedBy,
    ...(options.folder && { folder: options.folder }),
    ...(options.signal && { signal: options.signal }),
  });
  migrator.on('migrating', ({ name, index, total }) =>
    options.progress?.(index - 1, total, `applying ${name}`),
  );
  migrator.on('migrated', ({ name, index, total }) =>
    options.progress?.(index, total, `applied ${name}`),
  );
  migrator.on('reverting', ({ name, index, total }) =>
    options.progress?.(index - 1, total, `reverting ${name}`),
  );
  migrator.on('reverted', ({ name, index, total }) =>
    options.progress?.(index, total, `reverted ${name}`),
  );
  try {
    return await work(migrator);
  } catch (error) {
    if (error instanceof MigrationCancelledError)
      throw new ServiceError('CANCELLED', error.message);
    throw error;
  } finally {
    await migrator.close();
  }
}

export async function getMigrationStatus(
  db: Database,
  folder?: MigrationFolder,
): Promise<MigrationStatusView> {
  return withMigrator(db, { appliedBy: '', ...(folder && { folder }) }, async (migrator) =>
    describeMigrationStatus(await migrator.status()),
  );
}

/** Applies pending migrations (all, or up to and including `to`), each in its own transaction. */
export async function applyMigrations(
  db: Database,
  input: { to?: string | undefined },
  options: MigrationRunOptions,
): Promise<{ names: string[]; status: MigrationStatusView }> {
  return withMigrator(db, options, async (migrator) => {
    const names = await migrator.up(input.to === undefined ? {} : { to: input.to });
    return { names, status: describeMigrationStatus(await migrator.status()) };
  });
}

/** Reverts applied migrations, newest first: back to `to` (kept applied; 0: all) or `step` of them. */
export async function rollbackMigrations(
  db: Database,
  input: RollbackMigrationsInput,
  options: MigrationRunOptions,
): Promise<{ names: string[]; status: MigrationStatusView }> {
  return withMigrator(db, options, async (migrator) => {
    const names = await migrator.down('to' in input ? { to: input.to } : { step: input.step });
    return { names, status: describeMigrationStatus(await migrator.status()) };
  });
}
