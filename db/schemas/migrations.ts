import { z } from 'zod';
import { dateSchema } from './common';

const problemSchema = z.object({
  kind: z.enum(['changed', 'missing', 'out-of-order', 'misnamed']),
  /** The migration (or, for `misnamed`, the file) concerned. */
  name: z.string(),
  message: z.string(),
});

/** Where the database stands against the migration files (`lms-admin migrate status --json` prints the same). */
export const migrationStatusSchema = z.object({
  current: z.string().nullable(),
  applied: z.array(
    z.object({
      name: z.string(),
      appliedAt: dateSchema,
      checksum: z.string(),
      executionMs: z.number().int(),
      appliedBy: z.string(),
    }),
  ),
  pending: z.array(z.string()),
  problems: z.array(problemSchema),
});
export type MigrationStatusView = z.infer<typeof migrationStatusSchema>;

const migrationNameSchema = z
  .string()
  .regex(/^\d{4}_[a-z0-9_]+$/, { message: 'must be a migration name such as 0002_add_tags' });

export const applyMigrationsInputSchema = z
  .object({
    to: migrationNameSchema.optional(),
    /** Runs steps that drop data or lock a large table (see `migrations.preview`); refused without it. */
    allowDestructive: z.boolean().optional(),
  })
  .strict();

export const rollbackMigrationsInputSchema = z.union([
  z.object({ to: z.union([migrationNameSchema, z.literal(0)]) }).strict(),
  z.object({ step: z.number().int().min(1).max(10_000) }).strict(),
]);
export type RollbackMigrationsInput = z.infer<typeof rollbackMigrationsInputSchema>;

export const migrationRunResultSchema = z.object({
  names: z.array(z.string()),
  status: migrationStatusSchema,
});

const riskyStepSchema = z.object({
  kind: z.string(),
  table: z.string().nullable(),
  column: z.string().nullable(),
  statement: z.string(),
  /** Rows the step touches on this database; null when the table isn't there yet. */
  affectedRows: z.number().int().nullable(),
  message: z.string(),
});

/** What applying the pending migrations would run, without running it, and what deserves a yes first. */
export const migrationPreviewSchema = z.object({
  migrations: z.array(
    z.object({
      name: z.string(),
      /** The SQL the migration sends, as psql would run it. */
      sql: z.string(),
      /** Why the SQL shown may differ from a real run (the migration reads rows, or stopped). */
      caveats: z.array(z.string()),
      riskySteps: z.array(riskyStepSchema),
    }),
  ),
});
export type MigrationPreviewView = z.infer<typeof migrationPreviewSchema>;

/** How the models compare with the database (`lms-admin migrate check`). */
export const modelDriftSchema = z.object({
  /** Each difference in words: `+` only the models have it, `-` only the database, `~` both, differently. */
  changes: z.array(z.string()),
  /** Tables no model describes, left out of the comparison. */
  unmodelledTables: z.array(z.string()),
});
export type ModelDriftView = z.infer<typeof modelDriftSchema>;
