import { z } from 'zod';
import { userRoles } from '../models/enums';
import { emailSchema, fullNameSchema, newPasswordSchema } from './auth';
import {
  cursorSchema,
  dateSchema,
  idSchema,
  jsonObjectInputSchema,
  pageLimitSchema,
  pageSchema,
  versionSchema,
  rowRefInputSchema,
  versionedRowRefInputSchema,
} from './common';

export const userRoleSchema = z.enum(userRoles);

/** Preferences, social links and the like, as stored (writes take `jsonObjectInputSchema`). */
const metadataSchema = z.record(z.string(), z.unknown());

/** A user as lists show them: no secret columns. */
export const userSummarySchema = z.object({
  id: idSchema,
  email: z.string(),
  fullName: z.string(),
  role: userRoleSchema,
  isActive: z.boolean(),
  lastLoginAt: dateSchema.nullable(),
  createdAt: dateSchema,
  version: versionSchema,
});
export type UserSummary = z.infer<typeof userSummarySchema>;

/** One user in full, still without the password hash: only whether there is one. */
export const userDetailSchema = userSummarySchema.extend({
  hasPassword: z.boolean(),
  lastLoginIp: z.string().nullable(),
  metadata: metadataSchema,
  updatedAt: dateSchema,
});
export type UserDetail = z.infer<typeof userDetailSchema>;

export const userPageSchema = pageSchema(userSummarySchema);
export type UserPage = z.infer<typeof userPageSchema>;

export const listUsersInputSchema = z
  .object({
    /** Matches anywhere in the name or email (trigram index), case-insensitively. */
    search: z.string().trim().max(200).optional(),
    role: userRoleSchema.optional(),
    isActive: z.boolean().optional(),
    cursor: cursorSchema.optional(),
    limit: pageLimitSchema,
  })
  .strict();
export type ListUsersInput = z.input<typeof listUsersInputSchema>;

const studentHasNoPassword = (user: {
  role?: string | undefined;
  password?: string | null | undefined;
}) => !(user.role === 'student' && typeof user.password === 'string');
const studentPasswordIssue = {
  message: 'students do not sign in to this app, so they have no password',
  path: ['password'],
};

export const createUserInputSchema = z
  .object({
    email: emailSchema,
    fullName: fullNameSchema,
    role: userRoleSchema,
    /** Only for staff who sign in to this app. */
    password: newPasswordSchema.optional(),
    metadata: jsonObjectInputSchema.optional(),
  })
  .strict()
  .refine(studentHasNoPassword, studentPasswordIssue);
export type CreateUserInput = z.infer<typeof createUserInputSchema>;

export const updateUserInputSchema = z
  .object({
    id: idSchema,
    version: versionSchema,
    email: emailSchema.optional(),
    fullName: fullNameSchema.optional(),
    role: userRoleSchema.optional(),
    isActive: z.boolean().optional(),
    /** A new password; null removes it (the user can no longer sign in). */
    password: newPasswordSchema.nullable().optional(),
    metadata: jsonObjectInputSchema.optional(),
  })
  .strict()
  .refine(studentHasNoPassword, studentPasswordIssue);
export type UpdateUserInput = z.infer<typeof updateUserInputSchema>;

export const userRefInputSchema = rowRefInputSchema;
export const versionedUserRefInputSchema = versionedRowRefInputSchema;

/** What deleting a user would take with it, and what stops it. */
export const userDeletePreviewSchema = z.object({
  user: userSummarySchema,
  cascades: z.object({
    enrollments: z.number().int(),
    lessonProgress: z.number().int(),
    quizAttempts: z.number().int(),
  }),
  /** Courses this user instructs: they must be given to someone else first. */
  blockingCourses: z.array(z.object({ id: idSchema, slug: z.string(), title: z.string() })),
});
export type UserDeletePreview = z.infer<typeof userDeletePreviewSchema>;
