import type { Database } from '../connection';
import { compareModels, planMigration } from '../migration-authoring/model-drift';
import type { ModelSchemaSource } from '../migration-authoring/model-schema';
import { sqlForPsql } from '../migration-authoring/sql-preview';
import type { MigrationFolder } from '../migration-source';
import {
  describeProblem,
  MigrationCancelledError,
  Migrator,
  type MigrationStatus,
} from '../migrator';
import { modelSchema } from '../models';
import type {
  MigrationPreviewView,
  MigrationStatusView,
  ModelDriftView,
  RollbackMigrationsInput,
} from '../schemas/migrations';
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

/**
 * Applies pending migrations (all, or up to and including `to`), each in its own transaction;
 * steps that drop data or lock a large table only with `allowDestructive`.
 */
export async function applyMigrations(
  db: Database,
  input: { to?: string | undefined; allowDestructive?: boolean | undefined },
  options: MigrationRunOptions,
): Promise<{ names: string[]; status: MigrationStatusView }> {
  return withMigrator(db, options, async (migrator) => {
    const names = await migrator.up({
      ...(input.to !== undefined && { to: input.to }),
      allowDestructive: input.allowDestructive === true,
    });
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

/** The SQL each pending migration would run, recorded without running it, with its risky steps. */
export async function previewPendingMigrations(
  db: Database,
  folder?: MigrationFolder,
): Promise<MigrationPreviewView> {
  return withMigrator(db, { appliedBy: '', ...(folder && { folder }) }, async (migrator) => ({
    migrations: (await migrator.preview({ direction: 'up' })).map((preview) => ({
      name: preview.name,
      sql: preview.queries.map((query, step) => sqlForPsql(query, String(step + 1))).join('\n'),
      caveats: preview.caveats,
      riskySteps: preview.riskySteps,
    })),
  }));
}

/** How the models compare with `db` (changing nothing there): what `migrate check` reports. */
export async function readModelDrift(
  db: Database,
  source: ModelSchemaSource = modelSchema,
): Promise<ModelDriftView> {
  const comparison = await db.withRawClient((client) => compareModels(client, source));
  return {
    changes: planMigration(comparison).changes,
    unmodelledTables: comparison.unmodelledTables,
  };
}
