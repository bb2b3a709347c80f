import { z } from 'zod';
import { enrollmentStatuses, userRoles } from '../models/enums';
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

/** The most users one bulk call changes or deletes: a large selection, still one bounded statement. */
export const MAX_USERS_PER_BULK_CALL = 10_000;

const distinctIds = (ids: readonly string[]): boolean => new Set(ids).size === ids.length;
const duplicateIdIssue = { message: 'names the same user twice', path: ['users'] };

/** One selected user's change: the version the selection was made from, and what to set. */
const bulkUserChangeSchema = z
  .object({
    id: idSchema,
    version: versionSchema,
    role: userRoleSchema.optional(),
    isActive: z.boolean().optional(),
  })
  .strict();

/**
 * Changes the role or the active flag of many users at once, each against its own version: all
 * or none. Each user carries its own values, so undoing a bulk change is one more bulk change.
 */
export const bulkUpdateUsersInputSchema = z
  .object({
    users: z
      .array(bulkUserChangeSchema)
      .min(1, { message: 'select at least one user' })
      .max(MAX_USERS_PER_BULK_CALL),
  })
  .strict()
  .refine((input) => distinctIds(input.users.map((user) => user.id)), duplicateIdIssue)
  .refine(
    (input) => input.users.every((user) => user.role !== undefined || user.isActive !== undefined),
    { message: 'say what to change: a role, or whether the user is active', path: ['users'] },
  );
export type BulkUpdateUsersInput = z.infer<typeof bulkUpdateUsersInputSchema>;

export const bulkUpdateUsersResultSchema = z.object({ users: z.array(userSummarySchema) });
export type BulkUpdateUsersResult = z.infer<typeof bulkUpdateUsersResultSchema>;

/** Names many users, for a preview. */
export const userRefsInputSchema = z
  .object({
    ids: z
      .array(idSchema)
      .min(1, { message: 'select at least one user' })
      .max(MAX_USERS_PER_BULK_CALL),
  })
  .strict()
  .refine((input) => distinctIds(input.ids), { ...duplicateIdIssue, path: ['ids'] });

/** Names many users and the versions a bulk delete started from. */
export const versionedUserRefsInputSchema = z
  .object({
    users: z
      .array(versionedRowRefInputSchema)
      .min(1, { message: 'select at least one user' })
      .max(MAX_USERS_PER_BULK_CALL),
  })
  .strict()
  .refine((input) => distinctIds(input.users.map((user) => user.id)), duplicateIdIssue);
export type VersionedUserRefs = z.infer<typeof versionedUserRefsInputSchema>;

/** What deleting many users would take with them, and the courses that stop it. */
export const bulkDeletePreviewSchema = z.object({
  users: z.number().int(),
  cascades: userDeletePreviewSchema.shape.cascades,
  /** Courses one of these users instructs: they must be given to someone else first. */
  blockingCourses: z.array(
    z.object({ id: idSchema, slug: z.string(), title: z.string(), instructorEmail: z.string() }),
  ),
});
export type BulkDeletePreview = z.infer<typeof bulkDeletePreviewSchema>;

/** One of a user's enrollments, with the course and how far the learner got in it. */
export const userEnrollmentSchema = z.object({
  id: idSchema,
  courseId: idSchema,
  courseTitle: z.string(),
  courseSlug: z.string(),
  status: z.enum(enrollmentStatuses),
  enrolledAt: dateSchema,
  completedAt: dateSchema.nullable(),
  lessons: z.number().int(),
  lessonsCompleted: z.number().int(),
  attempts: z.number().int(),
  /** The best graded or submitted score as a share of its maximum (0–1); null before any. */
  bestScoreRatio: z.number().nullable(),
});
export type UserEnrollment = z.infer<typeof userEnrollmentSchema>;

export const userEnrollmentListSchema = z.object({ items: z.array(userEnrollmentSchema) });
export type UserEnrollmentList = z.infer<typeof userEnrollmentListSchema>;
