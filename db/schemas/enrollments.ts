import { z } from 'zod';
import { attemptStatuses, enrollmentStatuses, progressStatuses } from '../models/enums';
import { emailSchema } from './auth';
import {
  cursorSchema,
  dateSchema,
  idSchema,
  pageLimitSchema,
  pageSchema,
  versionSchema,
} from './common';

export const enrollmentStatusSchema = z.enum(enrollmentStatuses);
export const progressStatusSchema = z.enum(progressStatuses);
export const attemptStatusSchema = z.enum(attemptStatuses);

/** The most users one call enrols or unenrols: a large class list, still one bounded statement. */
export const MAX_USERS_PER_CALL = 10_000;

/** One enrollment with its learner's name and email, as lists and answers show it. */
export const enrollmentSchema = z.object({
  id: idSchema,
  courseId: idSchema,
  userId: idSchema,
  email: z.string(),
  fullName: z.string(),
  status: enrollmentStatusSchema,
  enrolledAt: dateSchema,
  completedAt: dateSchema.nullable(),
  updatedAt: dateSchema,
  version: versionSchema,
});
export type Enrollment = z.infer<typeof enrollmentSchema>;

export const enrollmentPageSchema = pageSchema(enrollmentSchema);
export type EnrollmentPage = z.infer<typeof enrollmentPageSchema>;

export const listEnrollmentsInputSchema = z
  .object({
    courseId: idSchema,
    status: enrollmentStatusSchema.optional(),
    /** Matches anywhere in the learner's name or email, case-insensitively. */
    search: z.string().trim().max(200).optional(),
    cursor: cursorSchema.optional(),
    limit: pageLimitSchema,
  })
  .strict();
export type ListEnrollmentsInput = z.input<typeof listEnrollmentsInputSchema>;

export const enrollManyInputSchema = z
  .object({
    courseId: idSchema,
    userIds: z.array(idSchema).max(MAX_USERS_PER_CALL).default([]),
    emails: z.array(emailSchema).max(MAX_USERS_PER_CALL).default([]),
    /** The status new enrollments start in; `completed` also stamps their completion. */
    status: enrollmentStatusSchema.default('active'),
  })
  .strict()
  .refine((input) => input.userIds.length + input.emails.length > 0, {
    message: 'name at least one user, by id or by email',
    path: ['userIds'],
  });
export type EnrollManyInput = z.input<typeof enrollManyInputSchema>;

/** What `enrollMany` did with every user it was given: nobody is skipped without a word. */
export const enrollManyResultSchema = z.object({
  enrolled: z.array(enrollmentSchema),
  /** Users who were enrolled before this call, with their enrollment as it is (left unchanged). */
  alreadyEnrolled: z.array(enrollmentSchema),
  /** Ids and emails that match no active user: unknown, or deactivated. */
  unmatched: z.object({ userIds: z.array(z.string()), emails: z.array(z.string()) }),
});
export type EnrollManyResult = z.infer<typeof enrollManyResultSchema>;

export const unenrollInputSchema = z
  .object({
    courseId: idSchema,
    enrollmentIds: z
      .array(idSchema)
      .min(1, { message: 'select at least one enrollment' })
      .max(MAX_USERS_PER_CALL),
  })
  .strict();
export type UnenrollInput = z.infer<typeof unenrollInputSchema>;

/** What unenrolling removes: the enrollments, and the progress and attempts that go with them. */
export const unenrollEffectSchema = z.object({
  enrollments: z.number().int(),
  lessonProgress: z.number().int(),
  quizAttempts: z.number().int(),
});
export type UnenrollEffect = z.infer<typeof unenrollEffectSchema>;

export const setEnrollmentStatusInputSchema = z
  .object({ enrollmentId: idSchema, version: versionSchema, status: enrollmentStatusSchema })
  .strict();
export type SetEnrollmentStatusInput = z.infer<typeof setEnrollmentStatusInputSchema>;

export const enrollmentRefInputSchema = z.object({ enrollmentId: idSchema }).strict();

/** One lesson of the course and where this learner stands in it. */
export const lessonProgressSchema = z.object({
  lessonId: idSchema,
  lessonTitle: z.string(),
  position: z.number().int(),
  /** Null while the learner has no progress row for the lesson (it shows as `not_started`). */
  progressId: idSchema.nullable(),
  status: progressStatusSchema,
  completedAt: dateSchema.nullable(),
  timeSpentSeconds: z.number().int(),
  /** The progress row's version; null when there is no row yet (then send no version to create it). */
  version: versionSchema.nullable(),
});
export type LessonProgress = z.infer<typeof lessonProgressSchema>;

export const progressListSchema = z.object({
  enrollment: enrollmentSchema,
  /** Every lesson of the course, in course order. */
  items: z.array(lessonProgressSchema),
});
export type ProgressList = z.infer<typeof progressListSchema>;

export const setProgressInputSchema = z
  .object({
    enrollmentId: idSchema,
    lessonId: idSchema,
    status: progressStatusSchema,
    /** Left out: kept as it is (0 for a new row). */
    timeSpentSeconds: z.number().int().min(0).max(2_147_483_647).optional(),
    /** The version the edit started from; left out when the lesson had no progress row yet. */
    version: versionSchema.optional(),
  })
  .strict();
export type SetProgressInput = z.infer<typeof setProgressInputSchema>;

export const quizAttemptSchema = z.object({
  id: idSchema,
  enrollmentId: idSchema,
  quizId: idSchema,
  quizTitle: z.string(),
  attemptNumber: z.number().int(),
  status: attemptStatusSchema,
  score: z.number().nullable(),
  maxScore: z.number().nullable(),
  /** The learner's answers as the LMS stored them. */
  answers: z.unknown(),
  startedAt: dateSchema,
  submittedAt: dateSchema.nullable(),
  updatedAt: dateSchema,
  version: versionSchema,
});
export type QuizAttempt = z.infer<typeof quizAttemptSchema>;

export const listAttemptsInputSchema = z
  .object({ enrollmentId: idSchema, quizId: idSchema.optional() })
  .strict();
export type ListAttemptsInput = z.infer<typeof listAttemptsInputSchema>;

export const attemptListSchema = z.object({ items: z.array(quizAttemptSchema) });
export type AttemptList = z.infer<typeof attemptListSchema>;

export const correctAttemptInputSchema = z
  .object({
    attemptId: idSchema,
    version: versionSchema,
    /** At least 0 and at most the attempt's max score. */
    score: z.number().min(0, { message: 'must not be negative' }),
    /** A correction grades the attempt unless the grader leaves it `submitted` for a second look. */
    status: z.enum(['submitted', 'graded']).default('graded'),
  })
  .strict();
export type CorrectAttemptInput = z.input<typeof correctAttemptInputSchema>;

export const versionedAttemptRefInputSchema = z
  .object({ attemptId: idSchema, version: versionSchema })
  .strict();
export type VersionedAttemptRef = z.infer<typeof versionedAttemptRefInputSchema>;
