import { QueryTypes, type Transaction } from 'sequelize';
import { z } from 'zod';
import type { Database } from '../connection';
import {
  createCourseInputSchema,
  listCoursesInputSchema,
  updateCourseInputSchema,
  type CourseDeletePreview,
  type CourseDetail,
  type CoursePage,
  type CourseSummary,
  type CreateCourseInput,
  type ListCoursesInput,
  type UpdateCourseInput,
  type VersionedCourseRef,
} from '../schemas/courses';
import { containsPattern, decodeCursor, encodeCursor } from './keyset-cursor';
import { ServiceError } from './service-error';
import { deriveSlug, slugCandidate } from './slugs';
import {
  deleteAtVersion,
  getRow,
  rowAtVersion,
  updateAtVersion,
  updateRowAtVersion,
  type VersionedTable,
  insertRow,
} from './versioned-rows';

interface CourseRow {
  id: string;
  slug: string;
  title: string;
  description: string | null;
  instructor_id: string | null;
  is_published: boolean;
  published_at: Date | null;
  metadata: Record<string, unknown>;
  created_at: Date;
  updated_at: Date;
  version: number;
}

const COURSE_COLUMNS = `id, slug, title, description, instructor_id, is_published, published_at, metadata,
  created_at, updated_at, version`;

function toSummary(row: CourseRow): CourseSummary {
  return {
    id: row.id,
    slug: row.slug,
    title: row.title,
    instructorId: row.instructor_id,
    isPublished: row.is_published,
    publishedAt: row.published_at,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    version: row.version,
  };
}

function toDetail(row: CourseRow): CourseDetail {
  return { ...toSummary(row), description: row.description, metadata: row.metadata };
}

const courses: VersionedTable<CourseRow, CourseDetail> = {
  table: 'courses',
  columns: COURSE_COLUMNS,
  what: 'course',
  present: toDetail,
};

/** Courses are listed by slug, which is unique, so the last slug seen is the whole cursor. */
const courseCursorSchema = z.object({ afterSlug: z.string() });

/** Lists courses a page at a time with a keyset cursor, filtered and searched. */
export async function listCourses(
  db: Database,
  input: ListCoursesInput = {},
  transaction?: Transaction,
): Promise<CoursePage> {
  const { search, isPublished, instructorId, cursor, limit } = listCoursesInputSchema.parse(input);
  const conditions: string[] = [];
  const bind: unknown[] = [];
  const param = (value: unknown): string => {
    bind.push(value);
    return `$${bind.length}`;
  };
  if (search) {
    const pattern = param(containsPattern(search));
    conditions.push(`(title ILIKE ${pattern} OR slug ILIKE ${pattern})`);
  }
  if (isPublished !== undefined) conditions.push(`is_published = ${param(isPublished)}`);
  if (instructorId !== undefined) conditions.push(`instructor_id = ${param(instructorId)}`);
  if (cursor !== undefined) {
    conditions.push(`slug > ${param(decodeCursor(courseCursorSchema, cursor).afterSlug)}`);
  }
  const where = conditions.length > 0 ? `WHERE ${conditions.join(' AND ')}` : '';
  // One row more than the page tells whether a next page exists without counting.
  const rows = await db.sequelize.query<CourseRow>(
    `SELECT ${COURSE_COLUMNS} FROM courses ${where} ORDER BY slug LIMIT ${param(limit + 1)}`,
    { bind, type: QueryTypes.SELECT, transaction },
  );
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return {
    items: page.map(toSummary),
    nextCursor: rows.length > limit && last ? encodeCursor({ afterSlug: last.slug }) : null,
  };
}

export async function getCourse(
  db: Database,
  id: string,
  transaction?: Transaction,
): Promise<CourseDetail> {
  return toDetail(await getRow(db, courses, id, transaction));
}

/** Only an active instructor or admin can own a course (null: no owner). */
async function assertCanOwnCourses(
  db: Database,
  instructorId: string | null,
  transaction: Transaction,
): Promise<void> {
  if (instructorId === null) return;
  const rows = await db.sequelize.query<{ is_owner_kind: boolean }>(
    `SELECT role IN ('instructor', 'admin') AND is_active AS is_owner_kind FROM users WHERE id = $1`,
    { bind: [instructorId], type: QueryTypes.SELECT, transaction },
  );
  if (!rows[0]?.is_owner_kind) {
    throw new ServiceError(
      'VALIDATION',
      'The owner of a course must be an active instructor or admin: choose another user.',
      { fields: { instructorId: 'must be an active instructor or admin' } },
    );
  }
}

/** How many numbered candidates one query checks; most titles need only the first. */
const SLUG_CANDIDATES_PER_QUERY = 20;

/** The slug the title suggests, numbered (-2, -3 …) past those already taken. */
async function freeSlugFor(db: Database, title: string, transaction: Transaction): Promise<string> {
  const base = deriveSlug(title);
  if (base === '') {
    throw new ServiceError(
      'VALIDATION',
      'No slug can be made from this title (it has no letters or digits that fold to ASCII): give a slug.',
      { fields: { slug: 'is needed: the title gives none' } },
    );
  }
  // Two courses created from one title at the same moment must not both pick the same number.
  await db.sequelize.query(`SELECT pg_advisory_xact_lock(hashtext($1))`, {
    bind: [`lms-admin:course-slug:${base}`],
    transaction,
  });
  for (let first = 1; ; first += SLUG_CANDIDATES_PER_QUERY) {
    const candidates = Array.from({ length: SLUG_CANDIDATES_PER_QUERY }, (_, index) =>
      slugCandidate(base, first + index),
    );
    const taken = await db.sequelize.query<{ slug: string }>(
      `SELECT slug FROM courses WHERE slug = ANY($1::text[])`,
      { bind: [candidates], type: QueryTypes.SELECT, transaction },
    );
    const takenSlugs = new Set(taken.map((row) => row.slug));
    const free = candidates.find((candidate) => !takenSlugs.has(candidate));
    if (free !== undefined) return free;
  }
}

/** Creates a course; a slug left out is derived from the title. The caller decides the owner. */
export async function createCourse(
  db: Database,
  input: CreateCourseInput,
  transaction: Transaction,
): Promise<CourseDetail> {
  const course = createCourseInputSchema.parse(input);
  const instructorId = course.instructorId ?? null;
  await assertCanOwnCourses(db, instructorId, transaction);
  const slug = course.slug ?? (await freeSlugFor(db, course.title, transaction));
  const row = await insertRow<CourseRow>(
    db,
    `INSERT INTO courses (slug, title, description, instructor_id, metadata) VALUES ($1, $2, $3, $4, $5)
     RETURNING ${COURSE_COLUMNS}`,
    [
      slug,
      course.title,
      course.description ?? null,
      instructorId,
      JSON.stringify(course.metadata ?? {}),
    ],
    transaction,
  );
  return toDetail(row);
}

/** Applies the changed fields if the course is still at `version`; else CONFLICT with it as it is now. */
export async function updateCourse(
  db: Database,
  input: UpdateCourseInput,
  transaction: Transaction,
): Promise<CourseDetail> {
  const { id, version, ...changes } = updateCourseInputSchema.parse(input);
  if (changes.instructorId !== undefined) {
    await assertCanOwnCourses(db, changes.instructorId, transaction);
  }
  return updateAtVersion(
    db,
    courses,
    { id, version },
    {
      title: changes.title,
      slug: changes.slug,
      description: changes.description,
      instructor_id: changes.instructorId,
      metadata: changes.metadata && JSON.stringify(changes.metadata),
    },
    transaction,
  );
}

/**
 * Publishes or unpublishes the course if it is still at `version`. `published_at` is when the
 * course was last published: kept while it stays published, null while it is not.
 */
export async function setCoursePublished(
  db: Database,
  target: VersionedCourseRef,
  isPublished: boolean,
  transaction: Transaction,
): Promise<CourseDetail> {
  const row = await updateRowAtVersion(
    db,
    courses,
    target,
    {
      set: `is_published = $3,
            published_at = CASE WHEN NOT $3 THEN NULL
                                WHEN is_published THEN coalesce(published_at, now())
                                ELSE now() END`,
      params: [isPublished],
    },
    transaction,
  );
  return toDetail(row ?? (await rowAtVersion(db, courses, target, transaction)));
}

/** What deleting the course would remove with it: everything below cascades. */
export async function previewCourseDelete(
  db: Database,
  id: string,
  transaction?: Transaction,
): Promise<CourseDeletePreview> {
  const row = await getRow(db, courses, id, transaction);
  // Progress and attempts go with the course's lessons and quizzes and with its enrollments:
  // normally the same rows, but counted whichever way they hang on the course.
  const [counts] = await db.sequelize.query<{
    lessons: number;
    quizzes: number;
    enrollments: number;
    lesson_progress: number;
    quiz_attempts: number;
  }>(
    `SELECT (SELECT count(*)::int FROM lessons WHERE course_id = $1) AS lessons,
            (SELECT count(*)::int FROM quizzes WHERE course_id = $1) AS quizzes,
            (SELECT count(*)::int FROM enrollments WHERE course_id = $1) AS enrollments,
            (SELECT count(*)::int FROM lesson_progress
              WHERE lesson_id IN (SELECT id FROM lessons WHERE course_id = $1)
                 OR enrollment_id IN (SELECT id FROM enrollments WHERE course_id = $1)) AS lesson_progress,
            (SELECT count(*)::int FROM quiz_attempts
              WHERE quiz_id IN (SELECT id FROM quizzes WHERE course_id = $1)
                 OR enrollment_id IN (SELECT id FROM enrollments WHERE course_id = $1)) AS quiz_attempts`,
    { bind: [id], type: QueryTypes.SELECT, transaction },
  );
  return {
    course: toSummary(row),
    cascades: {
      lessons: counts?.lessons ?? 0,
      quizzes: counts?.quizzes ?? 0,
      enrollments: counts?.enrollments ?? 0,
      lessonProgress: counts?.lesson_progress ?? 0,
      quizAttempts: counts?.quiz_attempts ?? 0,
    },
  };
}

/** Deletes the course and all that cascades from it, if it is still at `version`; returns what went. */
export async function deleteCourse(
  db: Database,
  target: VersionedCourseRef,
  transaction: Transaction,
): Promise<CourseDeletePreview> {
  const preview = await previewCourseDelete(db, target.id, transaction);
  await deleteAtVersion(db, courses, target, transaction);
  return preview;
}
