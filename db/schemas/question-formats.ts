import { z } from 'zod';
import { idSchema, titleSchema } from './common';
import { questionKinds } from './quiz-options';

/** The question file formats LMS Admin reads and writes (see README, "Question files"). */
export const questionFormats = ['gift', 'aiken', 'moodle-xml', 'csv', 'json'] as const;
export const questionFormatSchema = z.enum(questionFormats);
export type QuestionFormatName = z.infer<typeof questionFormatSchema>;

/** Something in a question file, at a line (1-based) and, where known, a column (1-based). */
export const formatProblemSchema = z.object({
  line: z.number().int().min(1),
  column: z.number().int().min(1).optional(),
  message: z.string(),
  /** The question it concerns, by its title, when it has one. */
  questionTitle: z.string().optional(),
  /** A feature LMS Admin doesn't support, by its name in the format (e.g. `cloze`). */
  feature: z.string().optional(),
});
export type FormatProblem = z.infer<typeof formatProblemSchema>;

const countByKindSchema = z.partialRecord(z.enum(questionKinds), z.number().int().min(0));
export type CountByKind = z.infer<typeof countByKindSchema>;

const importQuestionsFields = {
  courseId: idSchema,
  /** The file's text. */
  content: z.string().max(100_000_000, { message: 'is over 100 MB: split the file' }),
  /** The file's name: the format is guessed from it when `format` is left out. */
  fileName: z.string().trim().min(1).max(1000).optional(),
  format: questionFormatSchema.optional(),
  /** Put every question into this quiz (appended if the course has one by that title). */
  quizTitle: titleSchema.optional(),
  /** Leave out questions of unsupported kinds (listed in `skipped`) instead of refusing the file. */
  skipUnsupported: z.boolean().default(false),
};

/** What an import would do: shown before anything is written. */
export const importQuestionsInputSchema = z.object(importQuestionsFields).strict();
export type ImportQuestionsInput = z.input<typeof importQuestionsInputSchema>;

export const importedQuizPlanSchema = z.object({
  title: z.string(),
  /** A new quiz, or questions added to the course's quiz of that title. */
  action: z.enum(['create', 'append']),
  /** The existing quiz appended to, or the quiz created (after a written import). */
  quizId: idSchema.nullable(),
  /** The line its questions start on (its category line, if any). */
  line: z.number().int().min(1),
  questionCount: z.number().int(),
  byKind: countByKindSchema,
});
export type ImportedQuizPlan = z.infer<typeof importedQuizPlanSchema>;

export const importQuestionsResultSchema = z.object({
  format: questionFormatSchema,
  /** How the format was chosen: given, or guessed from the file name or content. */
  formatReason: z.string(),
  quizzes: z.array(importedQuizPlanSchema),
  questionCount: z.number().int(),
  byKind: countByKindSchema,
  /** Anything that keeps the file from being imported; nothing is written while there is one. */
  problems: z.array(formatProblemSchema),
  /** Unsupported questions left out (with `skipUnsupported`). */
  skipped: z.array(formatProblemSchema),
  /** What is read differently from the file or not kept (e.g. Moodle's penalty); no obstacle. */
  notes: z.array(formatProblemSchema),
  isWritten: z.boolean(),
});
export type ImportQuestionsResult = z.infer<typeof importQuestionsResultSchema>;

export const exportQuestionsInputSchema = z
  .object({
    courseId: idSchema,
    format: questionFormatSchema,
    /** Only these quizzes of the course (default: all of them). */
    quizIds: z.array(idSchema).min(1).max(10_000).optional(),
    /**
     * Only these questions, each named with its quiz: ids are unique within a quiz only, so an id
     * alone could bring in another quiz's question nobody chose.
     */
    questions: z
      .array(z.object({ quizId: idSchema, questionId: z.string().min(1).max(100) }).strict())
      .min(1)
      .max(100_000)
      .optional(),
  })
  .strict();
export type ExportQuestionsInput = z.input<typeof exportQuestionsInputSchema>;

/** A question the format could not carry whole, and what is lost. */
export const exportNoteSchema = z.object({
  quizTitle: z.string(),
  questionId: z.string().optional(),
  message: z.string(),
});
export type ExportNote = z.infer<typeof exportNoteSchema>;

export const exportQuestionsResultSchema = z.object({
  format: questionFormatSchema,
  /** A file name to suggest, with the format's extension. */
  fileName: z.string(),
  content: z.string(),
  quizCount: z.number().int(),
  questionCount: z.number().int(),
  notes: z.array(exportNoteSchema),
});
export type ExportQuestionsResult = z.infer<typeof exportQuestionsResultSchema>;
