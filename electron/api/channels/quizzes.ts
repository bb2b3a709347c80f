import type { z } from 'zod';
import {
  addQuestionInputSchema,
  createQuizInputSchema,
  listQuizzesInputSchema,
  moveQuestionInputSchema,
  quizDeletePreviewSchema,
  quizDetailSchema,
  quizPageSchema,
  quizRefInputSchema,
  removeQuestionInputSchema,
  updateQuestionInputSchema,
  updateQuizInputSchema,
  versionedQuizRefInputSchema,
} from '../../../db/schemas/quizzes';
import { anyStaff, channel, courseEditors, type OwnedCourseRef } from '../channel';

const courseByCourseId: OwnedCourseRef = { field: 'courseId', via: 'course' };
const courseOfQuiz: OwnedCourseRef = { field: 'id', via: 'quiz' };
const courseOfEditedQuiz: OwnedCourseRef = { field: 'quizId', via: 'quiz' };

/** Each question edit is version-checked against the whole quiz and returns it in full. */
const questionEdit = <I extends z.ZodType>(input: I) =>
  channel({
    input,
    output: quizDetailSchema,
    roles: courseEditors,
    ownedCourse: courseOfEditedQuiz,
  });

export const quizChannels = {
  /** Summaries with question counts; `quizzes.get` has the questions. */
  'quizzes.list': channel({
    input: listQuizzesInputSchema,
    output: quizPageSchema,
    roles: anyStaff,
    ownedCourse: courseByCourseId,
  }),
  /** Options that no longer fit the schema still read: as stored, with their problems. */
  'quizzes.get': channel({
    input: quizRefInputSchema,
    output: quizDetailSchema,
    roles: anyStaff,
    ownedCourse: courseOfQuiz,
  }),
  'quizzes.create': channel({
    input: createQuizInputSchema,
    output: quizDetailSchema,
    roles: courseEditors,
    ownedCourse: courseByCourseId,
  }),
  'quizzes.update': channel({
    input: updateQuizInputSchema,
    output: quizDetailSchema,
    roles: courseEditors,
    ownedCourse: courseOfQuiz,
  }),
  /** What a delete would take with it: shown before `quizzes.delete`. */
  'quizzes.deletePreview': channel({
    input: quizRefInputSchema,
    output: quizDeletePreviewSchema,
    roles: courseEditors,
    ownedCourse: courseOfQuiz,
  }),
  'quizzes.delete': channel({
    input: versionedQuizRefInputSchema,
    output: quizDetailSchema,
    roles: courseEditors,
    ownedCourse: courseOfQuiz,
  }),
  'quizzes.addQuestion': questionEdit(addQuestionInputSchema),
  'quizzes.updateQuestion': questionEdit(updateQuestionInputSchema),
  'quizzes.removeQuestion': questionEdit(removeQuestionInputSchema),
  'quizzes.moveQuestion': questionEdit(moveQuestionInputSchema),
} as const;
