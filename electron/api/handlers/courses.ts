import type { SessionUser } from '../../../db/schemas/auth';
import {
  createCourse,
  deleteCourse,
  getCourse,
  listCourses,
  previewCourseDelete,
  setCoursePublished,
  updateCourse,
} from '../../../db/services/courses';
import {
  createLesson,
  deleteLesson,
  listLessons,
  reorderLessons,
  updateLesson,
} from '../../../db/services/lessons';
import { ServiceError } from '../../../db/services/service-error';
import { actorOf, type HandlerTable } from './handler';

type CourseChannel =
  | 'courses.list'
  | 'courses.get'
  | 'courses.create'
  | 'courses.update'
  | 'courses.publish'
  | 'courses.unpublish'
  | 'courses.deletePreview'
  | 'courses.delete'
  | 'lessons.list'
  | 'lessons.create'
  | 'lessons.update'
  | 'lessons.delete'
  | 'lessons.reorder';

/** The owner a caller asks for, if they may: only an admin gives a course to someone else (or to no one). */
function ownerChosenBy<T extends string | null | undefined>(
  actor: SessionUser,
  instructorId: T,
): T {
  if (actor.role === 'admin' || instructorId === undefined || instructorId === actor.id) {
    return instructorId;
  }
  throw new ServiceError('FORBIDDEN', 'Only an admin can give a course to another owner.');
}

/** Whose courses a caller may list: an instructor only their own. */
function listableOwner(actor: SessionUser, instructorId: string | undefined): string | undefined {
  if (actor.role !== 'instructor') return instructorId;
  if (instructorId !== undefined && instructorId !== actor.id) {
    throw new ServiceError('FORBIDDEN', 'Instructors can list only the courses they own.');
  }
  return actor.id;
}

export const courseHandlers: HandlerTable<CourseChannel> = {
  'courses.list': (input, context) =>
    listCourses(
      context.db,
      { ...input, instructorId: listableOwner(actorOf(context), input.instructorId) },
      context.transaction,
    ),
  'courses.get': (input, { db, transaction }) => getCourse(db, input.id, transaction),
  'courses.create': (input, context) => {
    const actor = actorOf(context);
    const instructorId = ownerChosenBy(actor, input.instructorId);
    return createCourse(
      context.db,
      { ...input, instructorId: instructorId === undefined ? actor.id : instructorId },
      context.transaction,
    );
  },
  'courses.update': (input, context) =>
    updateCourse(
      context.db,
      { ...input, instructorId: ownerChosenBy(actorOf(context), input.instructorId) },
      context.transaction,
    ),
  'courses.publish': (input, { db, transaction }) =>
    setCoursePublished(db, input, true, transaction),
  'courses.unpublish': (input, { db, transaction }) =>
    setCoursePublished(db, input, false, transaction),
  'courses.deletePreview': (input, { db, transaction }) =>
    previewCourseDelete(db, input.id, transaction),
  'courses.delete': (input, { db, transaction }) => deleteCourse(db, input, transaction),
  'lessons.list': (input, { db, transaction }) => listLessons(db, input, transaction),
  'lessons.create': (input, { db, transaction }) => createLesson(db, input, transaction),
  'lessons.update': (input, { db, transaction }) => updateLesson(db, input, transaction),
  'lessons.delete': (input, { db, transaction }) => deleteLesson(db, input, transaction),
  'lessons.reorder': (input, { db, transaction }) => reorderLessons(db, input, transaction),
};
