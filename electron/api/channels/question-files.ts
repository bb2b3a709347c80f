import {
  exportQuestionsInputSchema,
  exportQuestionsResultSchema,
  importQuestionsInputSchema,
  importQuestionsResultSchema,
} from '../../../db/schemas/question-formats';
import { anyStaff, channel, courseEditors, type OwnedCourseRef } from '../channel';

const courseByCourseId: OwnedCourseRef = { field: 'courseId', via: 'course' };

/** Question files (GIFT, Aiken, Moodle XML, CSV, JSON) in and out of a course's quizzes. */
export const questionFileChannels = {
  /** What an import would create, with every problem at its line; writes nothing. */
  'quizzes.import.preview': channel({
    input: importQuestionsInputSchema,
    output: importQuestionsResultSchema,
    roles: courseEditors,
    ownedCourse: courseByCourseId,
    isLong: true,
  }),
  /** Checks again and writes all questions in one transaction, or nothing if there is a problem. */
  'quizzes.import.apply': channel({
    input: importQuestionsInputSchema,
    output: importQuestionsResultSchema,
    roles: courseEditors,
    ownedCourse: courseByCourseId,
    isLong: true,
  }),
  /** A read: support may export too, as it may read every quiz. */
  'quizzes.export': channel({
    input: exportQuestionsInputSchema,
    output: exportQuestionsResultSchema,
    roles: anyStaff,
    ownedCourse: courseByCourseId,
    isLong: true,
  }),
} as const;
