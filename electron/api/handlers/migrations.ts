import {
  applyMigrations,
  getMigrationStatus,
  previewPendingMigrations,
  readModelDrift,
  rollbackMigrations,
} from '../../../db/services/migrations';
import { actorOf, type HandlerContext, type HandlerTable } from './handler';

/** Migrations run on their own connection, one transaction each, recorded as applied by the admin. */
const runOptions = (context: HandlerContext) => ({
  appliedBy: actorOf(context).email,
  signal: context.signal,
  progress: context.progress,
});

export const migrationHandlers: HandlerTable<
  | 'migrations.status'
  | 'migrations.preview'
  | 'migrations.drift'
  | 'migrations.apply'
  | 'migrations.rollback'
> = {
  'migrations.status': (_input, { db }) => getMigrationStatus(db),
  'migrations.preview': (_input, { db }) => previewPendingMigrations(db),
  'migrations.drift': (_input, { db }) => readModelDrift(db),
  'migrations.apply': (input, context) => applyMigrations(context.db, input, runOptions(context)),
  'migrations.rollback': (input, context) =>
    rollbackMigrations(context.db, input, runOptions(context)),
};
