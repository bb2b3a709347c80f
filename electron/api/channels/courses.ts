import {
  courseDeletePreviewSchema,
  courseDetailSchema,
  coursePageSchema,
  courseRefInputSchema,
  createCourseInputSchema,
  listCoursesInputSchema,
  updateCourseInputSchema,
  versionedCourseRefInputSchema,
} from '../../../db/schemas/courses';
import {
  createLessonInputSchema,
  lessonListSchema,
  lessonPageSchema,
  lessonSchema,
  listLessonsInputSchema,
  reorderLessonsInputSchema,
  updateLessonInputSchema,
  versionedLessonRefInputSchema,
} from '../../../db/schemas/lessons';
import { adminOnly, anyStaff, channel, courseEditors, type OwnedCourseRef } from '../channel';

/** The course named by `id`, or the course the lesson `id` belongs to. */
const courseById: OwnedCourseRef = { field: 'id', via: 'course' };
const courseByCourseId: OwnedCourseRef = { field: 'courseId', via: 'course' };
const courseOfLesson: OwnedCourseRef = { field: 'id', via: 'lesson' };

export const courseChannels = {
  /** Instructors get only the courses they own; admins and support all. */
  'courses.list': channel({
    input: listCoursesInputSchema,
    output: coursePageSchema,
    roles: anyStaff,
  }),
  'courses.get': channel({
    input: courseRefInputSchema,
    output: courseDetailSchema,
    roles: anyStaff,
    ownedCourse: courseById,
  }),
  /** An instructor's course is their own; only an admin names another owner. */
  'courses.create': channel({
    input: createCourseInputSchema,
    output: courseDetailSchema,
    roles: courseEditors,
  }),
  /** Only an admin changes the owner. */
  'courses.update': channel({
    input: updateCourseInputSchema,
    output: courseDetailSchema,
    roles: courseEditors,
    ownedCourse: courseById,
  }),
  'courses.publish': channel({
    input: versionedCourseRefInputSchema,
    output: courseDetailSchema,
    roles: courseEditors,
    ownedCourse: courseById,
  }),
  'courses.unpublish': channel({
    input: versionedCourseRefInputSchema,
    output: courseDetailSchema,
    roles: courseEditors,
    ownedCourse: courseById,
  }),
  /** What a delete would take with it: shown before `courses.delete`. */
  'courses.deletePreview': channel({
    input: courseRefInputSchema,
    output: courseDeletePreviewSchema,
    roles: courseEditors,
    ownedCourse: courseById,
  }),
  // Deleting a course deletes learners' enrollments, progress and attempts with it: admins only.
  'courses.delete': channel({
    input: versionedCourseRefInputSchema,
    output: courseDeletePreviewSchema,
    roles: adminOnly,
  }),
  'lessons.list': channel({
    input: listLessonsInputSchema,
    output: lessonPageSchema,
    roles: anyStaff,
    ownedCourse: courseByCourseId,
  }),
  'lessons.create': channel({
    input: createLessonInputSchema,
    output: lessonSchema,
    roles: courseEditors,
    ownedCourse: courseByCourseId,
  }),
  'lessons.update': channel({
    input: updateLessonInputSchema,
    output: lessonSchema,
    roles: courseEditors,
    ownedCourse: courseOfLesson,
  }),
  'lessons.delete': channel({
    input: versionedLessonRefInputSchema,
    output: lessonSchema,
    roles: courseEditors,
    ownedCourse: courseOfLesson,
  }),
  /** The complete new order in one statement; CONFLICT (with the current order) if lessons came or went. */
  'lessons.reorder': channel({
    input: reorderLessonsInputSchema,
    output: lessonListSchema,
    roles: courseEditors,
    ownedCourse: courseByCourseId,
  }),
} as const;
