import { emptyInputSchema } from '../../../db/schemas/common';
import {
  applyMigrationsInputSchema,
  migrationRunResultSchema,
  migrationStatusSchema,
  rollbackMigrationsInputSchema,
} from '../../../db/schemas/migrations';
import { adminOnly, adminOrSupport, channel } from '../channel';

export const migrationChannels = {
  'migrations.status': channel({
    input: emptyInputSchema,
    output: migrationStatusSchema,
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
