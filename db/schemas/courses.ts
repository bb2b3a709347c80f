import { z } from 'zod';
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
  titleSchema,
  type VersionedRowRef,
} from './common';

/** The longest slug the database's `courses_slug_check` accepts. */
export const MAX_SLUG_LENGTH = 100;
/** What `courses_slug_check` requires: lower-case letters and digits in runs joined by single hyphens. */
export const SLUG_PATTERN = /^[a-z0-9]+(-[a-z0-9]+)*$/;

/** The database's slug rule, checked here too so a bad slug is named before it gets there. */
export const courseSlugSchema = z
  .string()
  .max(MAX_SLUG_LENGTH, { message: `must be at most ${MAX_SLUG_LENGTH} characters` })
  .regex(SLUG_PATTERN, {
    message: 'must be lower-case letters and digits joined by single hyphens, e.g. intro-to-sql',
  });

const descriptionSchema = z.string().max(100_000).nullable();
/** Prerequisites, tags and the like, as stored: free-form, but an object (writes take `jsonObjectInputSchema`). */
const metadataSchema = z.record(z.string(), z.unknown());

/** A course as lists show it. */
export const courseSummarySchema = z.object({
  id: idSchema,
  slug: z.string(),
  title: z.string(),
  /** The instructor who owns it; null while it has none. */
  instructorId: idSchema.nullable(),
  isPublished: z.boolean(),
  /** When it was last published; null while it is not. */
  publishedAt: dateSchema.nullable(),
  createdAt: dateSchema,
  updatedAt: dateSchema,
  version: versionSchema,
});
export type CourseSummary = z.infer<typeof courseSummarySchema>;

export const courseDetailSchema = courseSummarySchema.extend({
  description: z.string().nullable(),
  metadata: metadataSchema,
});
export type CourseDetail = z.infer<typeof courseDetailSchema>;

export const coursePageSchema = pageSchema(courseSummarySchema);
export type CoursePage = z.infer<typeof coursePageSchema>;

export const listCoursesInputSchema = z
  .object({
    /** Matches anywhere in the title or the slug, case-insensitively. */
    search: z.string().trim().max(200).optional(),
    isPublished: z.boolean().optional(),
    /** Only the courses this user owns (instructors always see only their own). */
    instructorId: idSchema.optional(),
    cursor: cursorSchema.optional(),
    limit: pageLimitSchema,
  })
  .strict();
export type ListCoursesInput = z.input<typeof listCoursesInputSchema>;

export const createCourseInputSchema = z
  .object({
    title: titleSchema,
    /** Left out, it is derived from the title (and numbered if taken). */
    slug: courseSlugSchema.optional(),
    description: descriptionSchema.optional(),
    /** Admins only: the owner, an active instructor or admin; null for none. Defaults to the creator. */
    instructorId: idSchema.nullable().optional(),
    metadata: jsonObjectInputSchema.optional(),
  })
  .strict();
export type CreateCourseInput = z.infer<typeof createCourseInputSchema>;

/** A changed title keeps the slug: links to the course must not break. */
export const updateCourseInputSchema = z
  .object({
    id: idSchema,
    version: versionSchema,
    title: titleSchema.optional(),
    slug: courseSlugSchema.optional(),
    description: descriptionSchema.optional(),
    /** Admins only. */
    instructorId: idSchema.nullable().optional(),
    metadata: jsonObjectInputSchema.optional(),
  })
  .strict();
export type UpdateCourseInput = z.infer<typeof updateCourseInputSchema>;

export const courseRefInputSchema = rowRefInputSchema;
export const versionedCourseRefInputSchema = versionedRowRefInputSchema;
export type VersionedCourseRef = VersionedRowRef;

/** What deleting a course takes with it (all of it cascades). */
export const courseDeletePreviewSchema = z.object({
  course: courseSummarySchema,
  cascades: z.object({
    lessons: z.number().int(),
    quizzes: z.number().int(),
    enrollments: z.number().int(),
    lessonProgress: z.number().int(),
    quizAttempts: z.number().int(),
  }),
});
export type CourseDeletePreview = z.infer<typeof courseDeletePreviewSchema>;
