import { z } from 'zod';
import {
  dateSchema,
  idSchema,
  pageSchema,
  versionSchema,
  coursePageInputSchema,
  rowRefInputSchema,
  versionedRowRefInputSchema,
  titleSchema,
  type VersionedRowRef,
} from './common';
import { questionSchema, quizOptionsSchema } from './quiz-options';

const passScoreSchema = z.number().min(0).max(1_000_000_000).nullable();
/** An index into the quiz's questions; 0 is the first. */
const questionIndexSchema = z.number().int().min(0).max(1_000_000);
const questionIdSchema = z.string().min(1).max(100);

/** A new quiz with no questions yet. */
const noQuestions = { questions: [] };

/** A quiz as lists show it: how many questions, not the questions themselves. */
export const quizSummarySchema = z.object({
  id: idSchema,
  courseId: idSchema,
  /** The lesson it belongs to, if any (always a lesson of the same course). */
  lessonId: idSchema.nullable(),
  title: z.string(),
  isPublished: z.boolean(),
  passScore: z.number().nullable(),
  /** `options.type`, e.g. `multiple_choice`. */
  type: z.string().nullable(),
  questionCount: z.number().int(),
  createdAt: dateSchema,
  updatedAt: dateSchema,
  version: versionSchema,
});
export type QuizSummary = z.infer<typeof quizSummarySchema>;

/** Where in `options` something is wrong, and what. */
export const optionsProblemSchema = z.object({ path: z.string(), message: z.string() });
export type OptionsProblem = z.infer<typeof optionsProblemSchema>;

/** What the database guarantees of any stored `options`, however it was written. */
const storedOptionsSchema = z.looseObject({ questions: z.array(z.unknown()) });

/**
 * A quiz in full. Options written around the API (raw SQL, an old version) may not fit the shared
 * schema; such a quiz still reads, with its options as stored and what is wrong with them, so a
 * person can see and repair it.
 */
export const quizDetailSchema = z.discriminatedUnion('isOptionsValid', [
  quizSummarySchema.extend({ isOptionsValid: z.literal(true), options: quizOptionsSchema }),
  quizSummarySchema.extend({
    isOptionsValid: z.literal(false),
    options: storedOptionsSchema,
    problems: z.array(optionsProblemSchema).min(1),
  }),
]);
export type QuizDetail = z.infer<typeof quizDetailSchema>;

export const quizPageSchema = pageSchema(quizSummarySchema);
export type QuizPage = z.infer<typeof quizPageSchema>;

/** A course's quizzes, by title. */
export const listQuizzesInputSchema = coursePageInputSchema;
export type ListQuizzesInput = z.input<typeof listQuizzesInputSchema>;

export const createQuizInputSchema = z
  .object({
    courseId: idSchema,
    title: titleSchema,
    lessonId: idSchema.nullable().optional(),
    isPublished: z.boolean().optional(),
    passScore: passScoreSchema.optional(),
    options: quizOptionsSchema.prefault(noQuestions),
  })
  .strict();
export type CreateQuizInput = z.infer<typeof createQuizInputSchema>;

export const updateQuizInputSchema = z
  .object({
    id: idSchema,
    version: versionSchema,
    title: titleSchema.optional(),
    /** A lesson of the quiz's own course, or null for none. */
    lessonId: idSchema.nullable().optional(),
    isPublished: z.boolean().optional(),
    passScore: passScoreSchema.optional(),
    /** Replaces every question at once; the question channels edit one at a time. */
    options: quizOptionsSchema.optional(),
  })
  .strict();
export type UpdateQuizInput = z.infer<typeof updateQuizInputSchema>;

/** What deleting a quiz would remove with it: its questions live in it, its attempts cascade. */
export const quizDeletePreviewSchema = z.object({
  quiz: quizSummarySchema,
  cascades: z.object({
    questions: z.number().int(),
    attempts: z.number().int(),
  }),
});
export type QuizDeletePreview = z.infer<typeof quizDeletePreviewSchema>;

export const quizRefInputSchema = rowRefInputSchema;
export const versionedQuizRefInputSchema = versionedRowRefInputSchema;
export type VersionedQuizRef = VersionedRowRef;

/** Each question edit names the quiz and the version it started from. */
const questionEditBase = { quizId: idSchema, version: versionSchema };

export const addQuestionInputSchema = z
  .object({
    ...questionEditBase,
    question: questionSchema,
    /** Where it goes (the question there and later ones move down); left out, it goes last. */
    index: questionIndexSchema.optional(),
  })
  .strict();
export type AddQuestionInput = z.infer<typeof addQuestionInputSchema>;

/** Replaces the question with the same id. */
export const updateQuestionInputSchema = z
  .object({ ...questionEditBase, question: questionSchema })
  .strict();
export type UpdateQuestionInput = z.infer<typeof updateQuestionInputSchema>;

export const removeQuestionInputSchema = z
  .object({ ...questionEditBase, questionId: questionIdSchema })
  .strict();
export type RemoveQuestionInput = z.infer<typeof removeQuestionInputSchema>;

export const moveQuestionInputSchema = z
  .object({ ...questionEditBase, questionId: questionIdSchema, toIndex: questionIndexSchema })
  .strict();
export type MoveQuestionInput = z.infer<typeof moveQuestionInputSchema>;
