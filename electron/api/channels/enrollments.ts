import {
  attemptListSchema,
  correctAttemptInputSchema,
  enrollManyInputSchema,
  enrollManyResultSchema,
  enrollmentPageSchema,
  enrollmentRefInputSchema,
  enrollmentSchema,
  lessonProgressSchema,
  listAttemptsInputSchema,
  listEnrollmentsInputSchema,
  progressListSchema,
  quizAttemptSchema,
  setEnrollmentStatusInputSchema,
  setProgressInputSchema,
  unenrollEffectSchema,
  unenrollInputSchema,
  versionedAttemptRefInputSchema,
} from '../../../db/schemas/enrollments';
import { anyStaff, channel, courseEditors, type OwnedCourseRef } from '../channel';

const byCourse: OwnedCourseRef = { field: 'courseId', via: 'course' };
const byEnrollment: OwnedCourseRef = { field: 'enrollmentId', via: 'enrollment' };
const byAttempt: OwnedCourseRef = { field: 'attemptId', via: 'attempt' };

/** Enrollments, lesson progress and quiz attempts: instructors reach only their own courses'. */
export const enrollmentChannels = {
  'enrollments.list': channel({
    input: listEnrollmentsInputSchema,
    output: enrollmentPageSchema,
    roles: anyStaff,
    ownedCourse: byCourse,
  }),
  'enrollments.enrollMany': channel({
    input: enrollManyInputSchema,
    output: enrollManyResultSchema,
    roles: courseEditors,
    ownedCourse: byCourse,
  }),
  /** What `enrollments.unenrollMany` would remove with the enrollments: shown before it. */
  'enrollments.unenrollPreview': channel({
    input: unenrollInputSchema,
    output: unenrollEffectSchema,
    roles: courseEditors,
    ownedCourse: byCourse,
  }),
  'enrollments.unenrollMany': channel({
    input: unenrollInputSchema,
    output: unenrollEffectSchema,
    roles: courseEditors,
    ownedCourse: byCourse,
  }),
  'enrollments.setStatus': channel({
    input: setEnrollmentStatusInputSchema,
    output: enrollmentSchema,
    roles: courseEditors,
    ownedCourse: byEnrollment,
  }),
  'progress.list': channel({
    input: enrollmentRefInputSchema,
    output: progressListSchema,
    roles: anyStaff,
    ownedCourse: byEnrollment,
  }),
  'progress.set': channel({
    input: setProgressInputSchema,
    output: lessonProgressSchema,
    roles: courseEditors,
    ownedCourse: byEnrollment,
  }),
  'attempts.list': channel({
    input: listAttemptsInputSchema,
    output: attemptListSchema,
    roles: anyStaff,
    ownedCourse: byEnrollment,
  }),
  'attempts.correct': channel({
    input: correctAttemptInputSchema,
    output: quizAttemptSchema,
    roles: courseEditors,
    ownedCourse: byAttempt,
  }),
  /** Removes an attempt so the learner can try again; answers with the attempt removed. */
  'attempts.reset': channel({
    input: versionedAttemptRefInputSchema,
    output: quizAttemptSchema,
    roles: courseEditors,
    ownedCourse: byAttempt,
  }),
} as const;
