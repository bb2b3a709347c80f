import { z } from 'zod';
import {
  dateSchema,
  idSchema,
  pageSchema,
  versionSchema,
  coursePageInputSchema,
  versionedRowRefInputSchema,
  titleSchema,
  type VersionedRowRef,
} from './common';

/** 1 is the first lesson of its course. */
const positionSchema = z.number().int().min(1).max(2_147_483_647);
const bodySchema = z.string().max(1_000_000).nullable();
const durationMinutesSchema = z.number().int().min(0).max(1_000_000).nullable();

export const lessonSchema = z.object({
  id: idSchema,
  courseId: idSchema,
  position: positionSchema,
  title: z.string(),
  body: z.string().nullable(),
  durationMinutes: z.number().int().nullable(),
  isPublished: z.boolean(),
  createdAt: dateSchema,
  updatedAt: dateSchema,
  version: versionSchema,
});
export type Lesson = z.infer<typeof lessonSchema>;

export const lessonPageSchema = pageSchema(lessonSchema);
export type LessonPage = z.infer<typeof lessonPageSchema>;

/** A course's lessons in order. */
export const lessonListSchema = z.array(lessonSchema);

export const listLessonsInputSchema = coursePageInputSchema;
export type ListLessonsInput = z.input<typeof listLessonsInputSchema>;

export const createLessonInputSchema = z
  .object({
    courseId: idSchema,
    title: titleSchema,
    body: bodySchema.optional(),
    durationMinutes: durationMinutesSchema.optional(),
    isPublished: z.boolean().optional(),
    /** Where it goes (later lessons move down one); left out, it goes last. */
    position: positionSchema.optional(),
  })
  .strict();
export type CreateLessonInput = z.infer<typeof createLessonInputSchema>;

/** Moving a lesson is `lessons.reorder`'s work. */
export const updateLessonInputSchema = z
  .object({
    id: idSchema,
    version: versionSchema,
    title: titleSchema.optional(),
    body: bodySchema.optional(),
    durationMinutes: durationMinutesSchema.optional(),
    isPublished: z.boolean().optional(),
  })
  .strict();
export type UpdateLessonInput = z.infer<typeof updateLessonInputSchema>;

export const versionedLessonRefInputSchema = versionedRowRefInputSchema;
export type VersionedLessonRef = VersionedRowRef;

export const reorderLessonsInputSchema = z
  .object({
    courseId: idSchema,
    /** Every lesson of the course, each once, in the new order. */
    lessonIds: z
      .array(idSchema)
      .max(100_000)
      .refine((ids) => new Set(ids).size === ids.length, {
        message: 'must name each lesson once',
      }),
  })
  .strict();
export type ReorderLessonsInput = z.infer<typeof reorderLessonsInputSchema>;
