import { z } from 'zod';
import { cursorSchema, dateSchema, idSchema, pageSchema, versionSchema } from './common';
import { questionKinds, textFormatSchema } from './quiz-options';

/**
 * The question bank's bulk editor: search questions across quizzes, preview an operation on a
 * selection of them, apply it with every touched quiz's version checked, and undo it in one step.
 */

const questionIdSchema = z.string().min(1).max(100);

/** One question, named by its quiz and its id there (ids are stable within a quiz). */
export const questionRefSchema = z
  .object({ quizId: idSchema, questionId: questionIdSchema })
  .strict();
export type QuestionRef = z.infer<typeof questionRefSchema>;

/** The most questions one operation may select: ten thousand questions in a thousand quizzes and room to spare. */
export const MAX_SELECTION = 50_000;

// ---------------------------------------------------------------------------------------------
// Search

export const questionSearchInputSchema = z
  .object({
    courseId: idSchema.optional(),
    quizId: idSchema.optional(),
    kind: z.enum(questionKinds).optional(),
    /** Questions carrying this tag, exactly. */
    tag: z.string().trim().min(1).max(100).optional(),
    /** Anywhere in the question's text, case-insensitively. */
    text: z.string().trim().max(200).optional(),
    /**
     * A PostgreSQL SQL/JSON path run against each question, e.g. `$.points > 2` or
     * `$.choices[*] ? (@.text like_regex "^[0-9]+$")`; a question matches when it yields anything.
     */
    jsonpath: z.string().trim().max(2000).optional(),
    cursor: cursorSchema.optional(),
    limit: z.number().int().min(1).max(500).default(100),
  })
  .strict();
export type QuestionSearchInput = z.input<typeof questionSearchInputSchema>;

/** A question as the grid shows it: enough to read, filter and edit text and points in place. */
export const questionRowSchema = z.object({
  quizId: idSchema,
  quizTitle: z.string(),
  /** The quiz's version when read: an edit of this question starts from it. */
  quizVersion: versionSchema,
  isQuizPublished: z.boolean(),
  courseId: idSchema,
  courseTitle: z.string(),
  /** Its place in the quiz; 0 is the first. */
  position: z.number().int().min(0),
  questionId: z.string(),
  kind: z.string(),
  text: z.string(),
  textFormat: z.string(),
  points: z.number().nullable(),
  tags: z.array(z.string()),
  feedback: z.string().nullable(),
  /** The answers in one line (choices, accepted answers, pairs), for reading at a glance. */
  answers: z.string(),
  /** Why this question can't be edited here (it doesn't fit the question schema), or null. */
  problem: z.string().nullable(),
});
export type QuestionRow = z.infer<typeof questionRowSchema>;

export const questionPageSchema = pageSchema(questionRowSchema);
export type QuestionPage = z.infer<typeof questionPageSchema>;

// ---------------------------------------------------------------------------------------------
// Operations

/** Where find and replace looks: the question text, the answers, the feedback. */
export const replaceScopes = ['text', 'choices', 'feedback'] as const;
export type ReplaceScope = (typeof replaceScopes)[number];

const tagListSchema = z.array(z.string().trim().min(1).max(100)).min(1).max(100);

/**
 * What a bulk operation does to the selected questions (or, for shuffle and publish, to their
 * quizzes). Regular expressions use RE2 syntax (see `compileFind` in the services).
 */
export const bulkOperationSchema = z.discriminatedUnion('kind', [
  z
    .object({
      kind: z.literal('replace'),
      find: z.string().min(1, { message: 'must not be empty' }).max(1000),
      replaceWith: z.string().max(10_000),
      isRegex: z.boolean().default(false),
      isCaseSensitive: z.boolean().default(true),
      scopes: z
        .array(z.enum(replaceScopes))
        .min(1, { message: 'choose at least one of text, choices, feedback' })
        .default(['text']),
    })
    .strict(),
  z.object({ kind: z.literal('setPoints'), points: z.number().min(0).max(1_000_000) }).strict(),
  z
    .object({
      kind: z.literal('setFeedback'),
      /** `set` replaces the general feedback (empty removes it); `append` adds a paragraph after it. */
      mode: z.enum(['set', 'append']),
      feedback: z.string().max(20_000),
    })
    .strict(),
  z.object({ kind: z.literal('addTags'), tags: tagListSchema }).strict(),
  z.object({ kind: z.literal('removeTags'), tags: tagListSchema }).strict(),
  z.object({ kind: z.literal('setShuffle'), shuffle: z.boolean() }).strict(),
  z.object({ kind: z.literal('setPublished'), isPublished: z.boolean() }).strict(),
  /** Moves the questions to the end of another quiz; ids are kept unless the target already uses them. */
  z.object({ kind: z.literal('moveTo'), targetQuizId: idSchema }).strict(),
  /** Copies the questions to the end of a quiz (the same one too), each under a new id. */
  z.object({ kind: z.literal('copyTo'), targetQuizId: idSchema }).strict(),
  z.object({ kind: z.literal('delete') }).strict(),
]);
export type BulkOperation = z.infer<typeof bulkOperationSchema>;
export type BulkOperationInput = z.input<typeof bulkOperationSchema>;
export type BulkOperationKind = BulkOperation['kind'];

export const bulkPreviewInputSchema = z
  .object({
    selection: z
      .array(questionRefSchema)
      .min(1, { message: 'select at least one question' })
      .max(MAX_SELECTION),
    operation: bulkOperationSchema,
  })
  .strict();
export type BulkPreviewInput = z.input<typeof bulkPreviewInputSchema>;

/** A quiz's version as an operation saw it. */
export const quizVersionSchema = z.object({ quizId: idSchema, version: versionSchema }).strict();
export type QuizVersion = z.infer<typeof quizVersionSchema>;

/** One changed value: where (a dotted path in the question, or a quiz field), before and after. */
export const fieldChangeSchema = z.object({
  path: z.string(),
  before: z.unknown(),
  after: z.unknown(),
});
export type FieldChange = z.infer<typeof fieldChangeSchema>;

/** What an operation does to one question (or, with `questionId` null, to a quiz's own fields). */
export const bulkChangeSchema = z.object({
  quizId: idSchema,
  quizTitle: z.string(),
  questionId: z.string().nullable(),
  /** The question's text (after the change; before it, for a removed one), to recognise it by. */
  questionText: z.string().nullable(),
  effect: z.enum(['changed', 'added', 'removed']),
  /** For `changed`: every value that differs; for added and removed: none. */
  fields: z.array(fieldChangeSchema),
});
export type BulkChange = z.infer<typeof bulkChangeSchema>;

/** A result that would not fit the question schema: nothing can be applied until it is fixed. */
export const bulkProblemSchema = z.object({
  quizId: idSchema,
  quizTitle: z.string(),
  questionId: z.string().nullable(),
  path: z.string(),
  message: z.string(),
});
export type BulkProblem = z.infer<typeof bulkProblemSchema>;

export const bulkPreviewSchema = z.object({
  changes: z.array(bulkChangeSchema),
  problems: z.array(bulkProblemSchema),
  /** Every quiz the preview read, at the version it read: `quizzes.bulk.apply` checks them all. */
  versions: z.array(quizVersionSchema),
  /** How many quizzes the operation would write. */
  quizCount: z.number().int(),
  /** Selected questions it would leave as they are (no match, already so). */
  unchangedCount: z.number().int(),
});
export type BulkPreview = z.infer<typeof bulkPreviewSchema>;

export const bulkApplyInputSchema = z
  .object({
    selection: bulkPreviewInputSchema.shape.selection,
    operation: bulkOperationSchema,
    /** The versions the preview returned: a quiz saved since then makes the whole apply a CONFLICT. */
    expectedVersions: z.array(quizVersionSchema).min(1).max(MAX_SELECTION),
  })
  .strict();
export type BulkApplyInput = z.input<typeof bulkApplyInputSchema>;

/** Undoes an applied operation (or an undo: a redo) by its id, from `quizzes.bulk.apply` or `.recent`. */
export const bulkUndoInputSchema = z.object({ operationId: idSchema }).strict();
export type BulkUndoInput = z.input<typeof bulkUndoInputSchema>;

export const bulkWriteResultSchema = z.object({
  /** Each quiz written, at its new version. */
  quizzes: z.array(quizVersionSchema.extend({ title: z.string() })),
  /** Questions changed, added or removed. */
  changedQuestionCount: z.number().int(),
  /**
   * The operation as recorded: `quizzes.bulk.undo` with this id undoes it (an undo's own id
   * redoes the write), from this page or any later one. Null when nothing was written.
   */
  operationId: idSchema.nullable(),
});
export type BulkWriteResult = z.infer<typeof bulkWriteResultSchema>;

/** What a recorded operation did: applied an operation, or undid (or redid) an earlier one. */
export const bulkActions = ['apply', 'undo', 'redo'] as const;

export const recentBulkOperationsInputSchema = z
  .object({ limit: z.number().int().min(1).max(50).default(10) })
  .strict();
export type RecentBulkOperationsInput = z.input<typeof recentBulkOperationsInputSchema>;

/** One of the caller's recorded operations, and whether it can still be undone. */
export const bulkOperationRecordSchema = z.object({
  id: idSchema,
  action: z.enum(bulkActions),
  operation: bulkOperationSchema,
  quizCount: z.number().int(),
  questionCount: z.number().int(),
  createdAt: dateSchema,
  /**
   * Why it can't be undone any more: `undone` (it was), `changed` (a quiz it wrote was edited or
   * deleted since); null when it can.
   */
  blockedBy: z.enum(['undone', 'changed']).nullable(),
});
export type BulkOperationRecord = z.infer<typeof bulkOperationRecordSchema>;

export const recentBulkOperationsSchema = z.object({ items: z.array(bulkOperationRecordSchema) });
export type RecentBulkOperations = z.infer<typeof recentBulkOperationsSchema>;

/** On CONFLICT, `current` holds the quizzes someone saved meanwhile (null version: deleted). */
export const bulkConflictSchema = z.object({
  quizzes: z.array(
    z.object({
      quizId: idSchema,
      title: z.string().nullable(),
      expectedVersion: versionSchema,
      currentVersion: versionSchema.nullable(),
    }),
  ),
});
export type BulkConflict = z.infer<typeof bulkConflictSchema>;

// ---------------------------------------------------------------------------------------------
// In-place edit of one question

export const questionEditInputSchema = z
  .object({
    quizId: idSchema,
    /** The quiz's version the edit started from. */
    version: versionSchema,
    questionId: questionIdSchema,
    changes: z
      .object({
        title: z.string().max(500).nullable().optional(),
        text: z.string().max(100_000).optional(),
        textFormat: textFormatSchema.optional(),
        points: z.number().min(0).max(1_000_000).optional(),
        /** Null removes it. */
        feedback: z.string().max(20_000).nullable().optional(),
        tags: z.array(z.string().trim().min(1).max(100)).max(100).optional(),
      })
      .strict()
      .refine((changes) => Object.values(changes).some((value) => value !== undefined), {
        message: 'change at least one field',
      }),
  })
  .strict();
export type QuestionEditInput = z.input<typeof questionEditInputSchema>;
