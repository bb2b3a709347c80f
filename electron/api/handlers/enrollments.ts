import { correctAttempt, listAttempts, resetAttempt } from '../../../db/services/attempts';
import {
  enrollMany,
  listEnrollments,
  previewUnenroll,
  setEnrollmentStatus,
  unenrollMany,
} from '../../../db/services/enrollments';
import { listProgress, setProgress } from '../../../db/services/progress';
import type { HandlerTable } from './handler';

type EnrollmentChannel =
  | 'enrollments.list'
  | 'enrollments.enrollMany'
  | 'enrollments.unenrollPreview'
  | 'enrollments.unenrollMany'
  | 'enrollments.setStatus'
  | 'progress.list'
  | 'progress.set'
  | 'attempts.list'
  | 'attempts.correct'
  | 'attempts.reset';

// The router has already checked that an instructor owns the course each input names.
export const enrollmentHandlers: HandlerTable<EnrollmentChannel> = {
  'enrollments.list': (input, { db, transaction }) => listEnrollments(db, input, transaction),
  'enrollments.enrollMany': (input, { db, transaction }) => enrollMany(db, input, transaction),
  'enrollments.unenrollPreview': (input, { db, transaction }) =>
    previewUnenroll(db, input, transaction),
  'enrollments.unenrollMany': (input, { db, transaction }) => unenrollMany(db, input, transaction),
  'enrollments.setStatus': (input, { db, transaction }) =>
    setEnrollmentStatus(db, input, transaction),
  'progress.list': (input, { db, transaction }) =>
    listProgress(db, input.enrollmentId, transaction),
  'progress.set': (input, { db, transaction }) => setProgress(db, input, transaction),
  'attempts.list': (input, { db, transaction }) => listAttempts(db, input, transaction),
  'attempts.correct': (input, { db, transaction }) => correctAttempt(db, input, transaction),
  'attempts.reset': (input, { db, transaction }) => resetAttempt(db, input, transaction),
};
