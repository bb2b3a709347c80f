import {
  bulkApplyInputSchema,
  bulkPreviewInputSchema,
  bulkPreviewSchema,
  bulkUndoInputSchema,
  bulkWriteResultSchema,
  questionEditInputSchema,
  questionPageSchema,
  questionRowSchema,
  questionSearchInputSchema,
  recentBulkOperationsInputSchema,
  recentBulkOperationsSchema,
} from '../../../db/schemas/quiz-bulk';
import { anyStaff, channel, courseEditors } from '../channel';

/**
 * The question bank's bulk editor. A selection spans many quizzes, so instead of one owned
 * course the services check that an instructor owns every quiz the input names
 * (`ownsEveryQuiz`); a search of an instructor covers only their own courses.
 */
export const quizBulkChannels = {
  /** Questions across quizzes, filtered by course, quiz, kind, tag, text and a JSON path; keyset-paged. */
  'quizzes.bulk.search': channel({
    input: questionSearchInputSchema,
    output: questionPageSchema,
    roles: anyStaff,
  }),
  /** What an operation would change, question by question, and the quiz versions it read. */
  'quizzes.bulk.preview': channel({
    input: bulkPreviewInputSchema,
    output: bulkPreviewSchema,
    roles: courseEditors,
    ownsEveryQuiz: true,
  }),
  /**
   * Applies an operation in one transaction if no quiz moved on since its preview, and records it;
   * progress in quizzes written, cancel rolls it all back. Returns the id that undoes it.
   */
  'quizzes.bulk.apply': channel({
    input: bulkApplyInputSchema,
    output: bulkWriteResultSchema,
    roles: courseEditors,
    ownsEveryQuiz: true,
    isLong: true,
  }),
  /** Puts quizzes back as a recorded operation found them (from the audit log), unless edited since. */
  'quizzes.bulk.undo': channel({
    input: bulkUndoInputSchema,
    output: bulkWriteResultSchema,
    roles: courseEditors,
    ownsEveryQuiz: true,
    isLong: true,
  }),
  /** The caller's latest recorded operations, newest first, each saying whether it can be undone. */
  'quizzes.bulk.recent': channel({
    input: recentBulkOperationsInputSchema,
    output: recentBulkOperationsSchema,
    roles: courseEditors,
  }),
  /** Edits one question's text, points, feedback or tags in place, against its quiz's version. */
  'quizzes.bulk.editQuestion': channel({
    input: questionEditInputSchema,
    output: questionRowSchema,
    roles: courseEditors,
    ownedCourse: { field: 'quizId', via: 'quiz' },
  }),
} as const;
