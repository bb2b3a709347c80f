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

export const applyMigrationsInputSchema = z.object({ to: migrationNameSchema.optional() }).strict();

export const rollbackMigrationsInputSchema = z.union([
  z.object({ to: z.union([migrationNameSchema, z.literal(0)]) }).strict(),
  z.object({ step: z.number().int().min(1).max(10_000) }).strict(),
]);
export type RollbackMigrationsInput = z.infer<typeof rollbackMigrationsInputSchema>;

export const migrationRunResultSchema = z.object({
  names: z.array(z.string()),
  status: migrationStatusSchema,
});
