import { QueryTypes, type Transaction } from 'sequelize';
import { z } from 'zod';
import type { Database } from '../connection';
import {
  createLessonInputSchema,
  listLessonsInputSchema,
  reorderLessonsInputSchema,
  updateLessonInputSchema,
  type CreateLessonInput,
  type Lesson,
  type LessonPage,
  type ListLessonsInput,
  type ReorderLessonsInput,
  type UpdateLessonInput,
  type VersionedLessonRef,
} from '../schemas/lessons';
import { decodeCursor, encodeCursor } from './keyset-cursor';
import { ServiceError } from './service-error';
import {
  deleteAtVersion,
  getRow,
  notFoundError,
  updateAtVersion,
  type VersionedTable,
  insertRow,
} from './versioned-rows';

interface LessonRow {
  id: string;
  course_id: string;
  position: number;
  title: string;
  body: string | null;
  duration_minutes: number | null;
  is_published: boolean;
  created_at: Date;
  updated_at: Date;
  version: number;
}

const LESSON_COLUMNS = `id, course_id, position, title, body, duration_minutes, is_published,
  created_at, updated_at, version`;

function toLesson(row: LessonRow): Lesson {
  return {
    id: row.id,
    courseId: row.course_id,
    position: row.position,
    title: row.title,
    body: row.body,
    durationMinutes: row.duration_minutes,
    isPublished: row.is_published,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    version: row.version,
  };
}

const lessons: VersionedTable<LessonRow, Lesson> = {
  table: 'lessons',
  columns: LESSON_COLUMNS,
  what: 'lesson',
  present: toLesson,
};

/**
 * Serializes the changes to one course's lesson order, so two people adding lessons at once
 * can't both take the last position. `FOR NO KEY UPDATE` doesn't block the foreign-key checks of
 * enrolments and quizzes being added to the course meanwhile.
 */
async function lockLessonOrder(
  db: Database,
  courseId: string,
  transaction: Transaction,
): Promise<void> {
  const rows = await db.sequelize.query(`SELECT 1 FROM courses WHERE id = $1 FOR NO KEY UPDATE`, {
    bind: [courseId],
    type: QueryTypes.SELECT,
    transaction,
  });
  if (rows.length === 0) throw notFoundError('course', courseId);
}

/** A course's lessons in order, after `afterPosition`, at most `limit` (null: all). */
async function selectLessonRows(
  db: Database,
  courseId: string,
  page: { afterPosition: number; limit: number | null },
  transaction?: Transaction,
): Promise<LessonRow[]> {
  return db.sequelize.query<LessonRow>(
    `SELECT ${LESSON_COLUMNS} FROM lessons WHERE course_id = $1 AND position > $2
     ORDER BY position LIMIT $3`,
    { bind: [courseId, page.afterPosition, page.limit], type: QueryTypes.SELECT, transaction },
  );
}

const lessonCursorSchema = z.object({ afterPosition: z.number().int() });

/** A course's lessons by position, a page at a time. */
export async function listLessons(
  db: Database,
  input: ListLessonsInput,
  transaction?: Transaction,
): Promise<LessonPage> {
  const { courseId, cursor, limit } = listLessonsInputSchema.parse(input);
  const afterPosition =
    cursor === undefined ? 0 : decodeCursor(lessonCursorSchema, cursor).afterPosition;
  // One row more than the page tells whether a next page exists without counting.
  const rows = await selectLessonRows(
    db,
    courseId,
    { afterPosition, limit: limit + 1 },
    transaction,
  );
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return {
    items: page.map(toLesson),
    nextCursor: rows.length > limit && last ? encodeCursor({ afterPosition: last.position }) : null,
  };
}

/** Adds a lesson last, or at `position` with the lessons from there on moving down one. */
export async function createLesson(
  db: Database,
  input: CreateLessonInput,
  transaction: Transaction,
): Promise<Lesson> {
  const lesson = createLessonInputSchema.parse(input);
  await lockLessonOrder(db, lesson.courseId, transaction);
  const [last] = await db.sequelize.query<{ position: number }>(
    `SELECT coalesce(max(position), 0) AS position FROM lessons WHERE course_id = $1`,
    { bind: [lesson.courseId], type: QueryTypes.SELECT, transaction },
  );
  const end = (last?.position ?? 0) + 1;
  const position = lesson.position ?? end;
  if (position > end) {
    throw new ServiceError(
      'VALIDATION',
      `The course has ${end - 1} lesson position(s): a new lesson goes at 1 to ${end}.`,
      { fields: { position: `must be between 1 and ${end}` } },
    );
  }
  if (position < end) {
    // One statement: the unique (course_id, position) constraint is checked at its end.
    await db.sequelize.query(
      `UPDATE lessons SET position = position + 1 WHERE course_id = $1 AND position >= $2`,
      { bind: [lesson.courseId, position], transaction },
    );
  }
  const row = await insertRow<LessonRow>(
    db,
    `INSERT INTO lessons (course_id, position, title, body, duration_minutes, is_published)
     VALUES ($1, $2, $3, $4, $5, $6) RETURNING ${LESSON_COLUMNS}`,
    [
      lesson.courseId,
      position,
      lesson.title,
      lesson.body ?? null,
      lesson.durationMinutes ?? null,
      lesson.isPublished ?? false,
    ],
    transaction,
  );
  return toLesson(row);
}

export async function updateLesson(
  db: Database,
  input: UpdateLessonInput,
  transaction: Transaction,
): Promise<Lesson> {
  const { id, version, ...changes } = updateLessonInputSchema.parse(input);
  return updateAtVersion(
    db,
    lessons,
    { id, version },
    {
      title: changes.title,
      body: changes.body,
      duration_minutes: changes.durationMinutes,
      is_published: changes.isPublished,
    },
    transaction,
  );
}

/** Deletes the lesson if still at `version` and closes the gap it leaves; returns it as it was. */
export async function deleteLesson(
  db: Database,
  target: VersionedLessonRef,
  transaction: Transaction,
): Promise<Lesson> {
  const { course_id: courseId } = await getRow(db, lessons, target.id, transaction);
  await lockLessonOrder(db, courseId, transaction);
  const deleted = await deleteAtVersion(db, lessons, target, transaction);
  // Numbers the rest 1, 2, 3 … in one statement (closing any older gap too).
  await db.sequelize.query(
    `UPDATE lessons AS lesson SET position = ordered.position
     FROM (SELECT id, row_number() OVER (ORDER BY position)::int AS position
             FROM lessons WHERE course_id = $1) AS ordered
     WHERE lesson.id = ordered.id AND lesson.position <> ordered.position`,
    { bind: [courseId], transaction },
  );
  return deleted;
}

/**
 * Puts the course's lessons in the given order in one UPDATE (the unique position constraint is
 * checked at the statement's end, so positions can be swapped). `lessonIds` must be exactly the
 * course's lessons: if one was added or removed meanwhile, CONFLICT with the current order.
 */
export async function reorderLessons(
  db: Database,
  input: ReorderLessonsInput,
  transaction: Transaction,
): Promise<Lesson[]> {
  const { courseId, lessonIds } = reorderLessonsInputSchema.parse(input);
  await lockLessonOrder(db, courseId, transaction);
  const current = await selectLessonRows(
    db,
    courseId,
    { afterPosition: 0, limit: null },
    transaction,
  );
  const currentIds = new Set(current.map((row) => row.id));
  if (lessonIds.length !== currentIds.size || !lessonIds.every((id) => currentIds.has(id))) {
    throw new ServiceError(
      'CONFLICT',
      'The course’s lessons changed since you loaded them (one was added or removed): review the current order and try again. Nothing was moved.',
      { current: current.map(toLesson) },
    );
  }
  await db.sequelize.query(
    `UPDATE lessons AS lesson SET position = wanted.position
     FROM unnest($2::uuid[]) WITH ORDINALITY AS wanted(id, position)
     WHERE lesson.course_id = $1 AND lesson.id = wanted.id AND lesson.position <> wanted.position`,
    { bind: [courseId, lessonIds], transaction },
  );
  const reordered = await selectLessonRows(
    db,
    courseId,
    { afterPosition: 0, limit: null },
    transaction,
  );
  return reordered.map(toLesson);
}
