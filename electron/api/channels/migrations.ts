import { emptyInputSchema } from '../../../db/schemas/common';
import {
  applyMigrationsInputSchema,
  migrationPreviewSchema,
  migrationRunResultSchema,
  migrationStatusSchema,
  modelDriftSchema,
  rollbackMigrationsInputSchema,
} from '../../../db/schemas/migrations';
import { adminOnly, adminOrSupport, channel } from '../channel';

export const migrationChannels = {
  'migrations.status': channel({
    input: emptyInputSchema,
    output: migrationStatusSchema,
    roles: adminOrSupport,
  }),
  'migrations.preview': channel({
    input: emptyInputSchema,
    output: migrationPreviewSchema,
    roles: adminOrSupport,
  }),
  'migrations.drift': channel({
    input: emptyInputSchema,
    output: modelDriftSchema,
    roles: adminOrSupport,
  }),
  'migrations.apply': channel({
    input: applyMigrationsInputSchema,
    output: migrationRunResultSchema,
    roles: adminOnly,
    isLong: true,
  }),
  'migrations.rollback': channel({
    input: rollbackMigrationsInputSchema,
    output: migrationRunResultSchema,
    roles: adminOnly,
    isLong: true,
  }),
} as const;
