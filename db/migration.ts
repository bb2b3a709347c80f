import { z } from 'zod';

/** What a migration receives: SQL run inside the migration's own transaction. */
export interface MigrationDb {
  query(sql: string, params?: readonly unknown[]): Promise<{ rows: Record<string, unknown>[] }>;
}

/** A migration file's exports: `up` applies the change, `down` undoes it completely. */
export interface MigrationModule {
  up(db: MigrationDb): Promise<void>;
  down(db: MigrationDb): Promise<void>;
}

/** Checks what a migration file exports before any of it runs. */
export const migrationModuleSchema = z.object({
  up: z.custom<MigrationModule['up']>(
    (value) => typeof value === 'function',
    'must export an async function up(db)',
  ),
  down: z.custom<MigrationModule['down']>(
    (value) => typeof value === 'function',
    'must export an async function down(db)',
  ),
});
