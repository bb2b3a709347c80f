import { z } from 'zod';
import { userRoleSchema } from './users';

/**
 * The users CSV layout, for import and export alike (an export imports back unchanged):
 *
 *   email,full_name,role,is_active,metadata
 *   ada@example.org,Ada Lovelace,student,true,"{""cohort"":""2026""}"
 *
 * `email`, `full_name` and `role` are required; `is_active` (true/false, yes/no, 1/0) defaults to
 * true; `metadata` is a JSON object, default `{}`. Header names are case-insensitive. Passwords
 * are never imported. A cell that would start with = + - @ is written with a leading apostrophe,
 * so a spreadsheet doesn't run it as a formula; import removes that apostrophe again (a cell
 * starting with an apostrophe gets one more, so it comes back as it was).
 */
export const userCsvColumns = ['email', 'full_name', 'role', 'is_active', 'metadata'] as const;
export const requiredUserCsvColumns = ['email', 'full_name', 'role'] as const;

/** One line of the file that can't be imported, and why. */
export const importProblemSchema = z.object({
  /** 1-based line of the file (the header is line 1). */
  line: z.number().int().min(1),
  column: z.string().optional(),
  message: z.string(),
});
export type ImportProblem = z.infer<typeof importProblemSchema>;

export const importUsersInputSchema = z
  .object({
    csv: z.string().max(100_000_000, { message: 'is over 100 MB: split the file' }),
    /** Validate and report only; write nothing. */
    dryRun: z.boolean().default(false),
    /** Leave out rows whose email already exists instead of reporting them as problems. */
    skipExisting: z.boolean().default(false),
  })
  .strict();
export type ImportUsersInput = z.input<typeof importUsersInputSchema>;

export const importUsersResultSchema = z.object({
  /** Rows in the file, besides the header. */
  rows: z.number().int(),
  /** Rows that would be (dry run) or were created. */
  created: z.number().int(),
  /** Rows left out because their email exists already (with `skipExisting`). */
  skipped: z.number().int(),
  problems: z.array(importProblemSchema),
  /** Whether anything was written: only when there was no problem and it wasn't a dry run. */
  isWritten: z.boolean(),
  /** The first rows as they would be created, to show before writing. */
  preview: z.array(
    z.object({
      line: z.number().int(),
      email: z.string(),
      fullName: z.string(),
      role: userRoleSchema,
    }),
  ),
});
export type ImportUsersResult = z.infer<typeof importUsersResultSchema>;

export const exportUsersInputSchema = z
  .object({
    search: z.string().trim().max(200).optional(),
    role: userRoleSchema.optional(),
    isActive: z.boolean().optional(),
  })
  .strict();
export type ExportUsersInput = z.input<typeof exportUsersInputSchema>;

export const exportUsersResultSchema = z.object({ csv: z.string(), rows: z.number().int() });
export type ExportUsersResult = z.infer<typeof exportUsersResultSchema>;
