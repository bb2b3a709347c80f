import { QueryTypes, type Transaction } from 'sequelize';
import { z } from 'zod';
import type { Database } from '../connection';
import type { EnrollmentStatus } from '../models/enums';
import {
  enrollManyInputSchema,
  listEnrollmentsInputSchema,
  setEnrollmentStatusInputSchema,
  unenrollInputSchema,
  type EnrollManyInput,
  type EnrollManyResult,
  type Enrollment,
  type EnrollmentPage,
  type ListEnrollmentsInput,
  type SetEnrollmentStatusInput,
  type UnenrollEffect,
  type UnenrollInput,
} from '../schemas/enrollments';
import { containsPattern, decodeCursor, encodeCursor } from './keyset-cursor';
import { ServiceError, staleVersionError } from './service-error';

interface EnrollmentRow {
  id: string;
  course_id: string;
  user_id: string;
  email: string;
  full_name: string;
  status: EnrollmentStatus;
  enrolled_at: Date;
  completed_at: Date | null;
  updated_at: Date;
  version: number;
}

/** An enrollment `e` with its learner `u`. */
const ENROLLMENT_COLUMNS = `e.id, e.course_id, e.user_id, u.email, u.full_name, e.status, e.enrolled_at,
  e.completed_at, e.updated_at, e.version`;

function toEnrollment(row: EnrollmentRow): Enrollment {
  return {
    id: row.id,
    courseId: row.course_id,
    userId: row.user_id,
    email: row.email,
    fullName: row.full_name,
    status: row.status,
    enrolledAt: row.enrolled_at,
    completedAt: row.completed_at,
    updatedAt: row.updated_at,
    version: row.version,
  };
}

/**
 * The SQL of `completed_at` for a row moving to `newStatus` (an SQL expression): stamped when it
 * becomes completed, kept while it stays completed, cleared when it leaves. `status` and
 * `completed_at` are the row's values before the UPDATE. Enrollments and lesson progress share it.
 */
export function completedAtAfter(newStatus: string): string {
  return `CASE WHEN ${newStatus} <> 'completed' THEN NULL WHEN status = 'completed' THEN completed_at ELSE now() END`;
}

/** NOT_FOUND unless the course exists: an empty answer must not hide a wrong id. */
export async function requireCourse(
  db: Database,
  courseId: string,
  transaction?: Transaction,
): Promise<void> {
  const rows = await db.sequelize.query(`SELECT 1 FROM courses WHERE id = $1`, {
    bind: [courseId],
    type: QueryTypes.SELECT,
    transaction,
  });
  if (rows.length === 0) {
    throw new ServiceError('NOT_FOUND', `No course with id ${courseId}: it may have been deleted.`);
  }
}

async function findEnrollment(
  db: Database,
  id: string,
  transaction?: Transaction,
): Promise<Enrollment | undefined> {
  const rows = await db.sequelize.query<EnrollmentRow>(
    `SELECT ${ENROLLMENT_COLUMNS} FROM enrollments e JOIN users u ON u.id = e.user_id WHERE e.id = $1`,
    { bind: [id], type: QueryTypes.SELECT, transaction },
  );
  return rows[0] && toEnrollment(rows[0]);
}

function enrollmentNotFound(id: string): ServiceError {
  return new ServiceError(
    'NOT_FOUND',
    `No enrollment with id ${id}: the learner may have been unenrolled. Refresh the list.`,
  );
}

/** The enrollment with its learner, or NOT_FOUND. */
export async function getEnrollment(
  db: Database,
  id: string,
  transaction?: Transaction,
): Promise<Enrollment> {
  const enrollment = await findEnrollment(db, id, transaction);
  if (!enrollment) throw enrollmentNotFound(id);
  return enrollment;
}

/** A course's enrollments sort by learner email (one enrollment per user), so that email is the cursor. */
const enrollmentCursorSchema = z.object({ afterEmail: z.string() });

/** A course's enrollments with their learners, a page at a time (keyset on email), filtered and searched. */
export async function listEnrollments(
  db: Database,
  input: ListEnrollmentsInput,
  transaction?: Transaction,
): Promise<EnrollmentPage> {
  const { courseId, status, search, cursor, limit } = listEnrollmentsInputSchema.parse(input);
  await requireCourse(db, courseId, transaction);
  const bind: unknown[] = [courseId];
  const param = (value: unknown): string => {
    bind.push(value);
    return `$${bind.length}`;
  };
  const conditions = ['e.course_id = $1'];
  if (status) conditions.push(`e.status = ${param(status)}`);
  if (search) {
    const pattern = param(containsPattern(search));
    conditions.push(`(u.full_name ILIKE ${pattern} OR u.email ILIKE ${pattern})`);
  }
  if (cursor) {
    conditions.push(`u.email > ${param(decodeCursor(enrollmentCursorSchema, cursor).afterEmail)}`);
  }
  // One row more than the page tells whether a next page exists without counting.
  const rows = await db.sequelize.query<EnrollmentRow>(
    `SELECT ${ENROLLMENT_COLUMNS} FROM enrollments e JOIN users u ON u.id = e.user_id
     WHERE ${conditions.join(' AND ')} ORDER BY u.email LIMIT ${param(limit + 1)}`,
    { bind, type: QueryTypes.SELECT, transaction },
  );
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return {
    items: page.map(toEnrollment),
    nextCursor: rows.length > limit && last ? encodeCursor({ afterEmail: last.email }) : null,
  };
}

/** A user the call named, and their new enrollment (null columns when they had one before). */
interface MatchedUserRow extends Omit<EnrollmentRow, 'id'> {
  id: string | null;
  matched_user_id: string;
  matched_email: string;
}

/**
 * Enrols many users in a course in one INSERT … SELECT. Users are named by id or email; only
 * active users are enrolled. The answer accounts for every name given: enrolled now, enrolled
 * before (left as they were), or matching no active user.
 */
export async function enrollMany(
  db: Database,
  input: EnrollManyInput,
  transaction: Transaction,
): Promise<EnrollManyResult> {
  const { courseId, userIds, emails, status } = enrollManyInputSchema.parse(input);
  await requireCourse(db, courseId, transaction);
  // `wanted` is aliased `u` so ENROLLMENT_COLUMNS reads the learner's name and email from it.
  const matched = await db.sequelize.query<MatchedUserRow>(
    `WITH wanted AS (
       SELECT id, email, full_name FROM users
       WHERE is_active AND (id = ANY($2::uuid[]) OR email = ANY($3::text[]))
     ),
     inserted AS (
       INSERT INTO enrollments (user_id, course_id, status, completed_at)
       SELECT id, $1, $4::enrollment_status,
              CASE WHEN $4::enrollment_status = 'completed' THEN now() END
       FROM wanted
       ON CONFLICT (user_id, course_id) DO NOTHING
       RETURNING *
     )
     SELECT u.id AS matched_user_id, u.email AS matched_email, ${ENROLLMENT_COLUMNS}
     FROM wanted u LEFT JOIN inserted e ON e.user_id = u.id
     ORDER BY u.email`,
    { bind: [courseId, userIds, emails, status], type: QueryTypes.SELECT, transaction },
  );
  const enrolled: Enrollment[] = [];
  const notInserted: string[] = [];
  for (const row of matched) {
    if (row.id === null) notInserted.push(row.matched_user_id);
    else enrolled.push(toEnrollment({ ...row, id: row.id }));
  }
  // Read after the INSERT, so an enrollment another session committed meanwhile is seen too.
  const already =
    notInserted.length === 0
      ? []
      : await db.sequelize.query<EnrollmentRow>(
          `SELECT ${ENROLLMENT_COLUMNS} FROM enrollments e JOIN users u ON u.id = e.user_id
           WHERE e.course_id = $1 AND e.user_id = ANY($2::uuid[]) ORDER BY u.email`,
          { bind: [courseId, notInserted], type: QueryTypes.SELECT, transaction },
        );
  const matchedIds = new Set(matched.map((row) => row.matched_user_id));
  const matchedEmails = new Set(matched.map((row) => row.matched_email));
  return {
    enrolled,
    alreadyEnrolled: already.map(toEnrollment),
    unmatched: {
      userIds: [...new Set(userIds.filter((id) => !matchedIds.has(id.toLowerCase())))],
      emails: [...new Set(emails.filter((email) => !matchedEmails.has(email)))],
    },
  };
}

interface UnenrollRow {
  strays: string[];
  enrollments: number;
  lesson_progress: number;
  quiz_attempts: number;
}

/**
 * One statement that finds the requested enrollments of the course and counts what cascades with
 * them, and with `remove` deletes them too, unless any requested id is not an enrollment of the
 * course (a "stray"): then it deletes nothing and names the strays.
 */
function unenrollStatement(remove: boolean): string {
  return `WITH requested AS (SELECT DISTINCT unnest($2::uuid[]) AS id),
     strays AS (
       SELECT r.id FROM requested r
       WHERE NOT EXISTS (SELECT 1 FROM enrollments e WHERE e.id = r.id AND e.course_id = $1)
     ),
     targets AS (
       SELECT e.id FROM enrollments e
       WHERE e.id IN (SELECT id FROM requested) AND e.course_id = $1
         AND NOT EXISTS (SELECT 1 FROM strays)
     )${
       remove
         ? `,
     removed AS (DELETE FROM enrollments WHERE id IN (SELECT id FROM targets) RETURNING id)`
         : ''
     }
     SELECT (SELECT coalesce(array_agg(id::text ORDER BY id), '{}') FROM strays) AS strays,
            (SELECT count(*)::int FROM ${remove ? 'removed' : 'targets'}) AS enrollments,
            (SELECT count(*)::int FROM lesson_progress WHERE enrollment_id IN (SELECT id FROM targets)) AS lesson_progress,
            (SELECT count(*)::int FROM quiz_attempts WHERE enrollment_id IN (SELECT id FROM targets)) AS quiz_attempts`;
}

async function unenroll(
  db: Database,
  input: UnenrollInput,
  remove: boolean,
  transaction?: Transaction,
): Promise<UnenrollEffect> {
  const { courseId, enrollmentIds } = unenrollInputSchema.parse(input);
  await requireCourse(db, courseId, transaction);
  const [row] = await db.sequelize.query<UnenrollRow>(unenrollStatement(remove), {
    bind: [courseId, enrollmentIds],
    type: QueryTypes.SELECT,
    transaction,
  });
  if (!row) throw new Error('the unenroll statement returned no row');
  if (row.strays.length > 0) {
    const shown = row.strays.slice(0, 5).join(', ');
    const more = row.strays.length > 5 ? ` and ${row.strays.length - 5} more` : '';
    throw new ServiceError(
      'VALIDATION',
      `${row.strays.length} of the selected ids are not enrollments of this course (${shown}${more}); nothing was removed. Refresh the list and select again.`,
      { fields: { enrollmentIds: `not enrollments of this course: ${shown}${more}` } },
    );
  }
  return {
    enrollments: row.enrollments,
    lessonProgress: row.lesson_progress,
    quizAttempts: row.quiz_attempts,
  };
}

/** What unenrolling these enrollments would remove with them, changing nothing. */
export function previewUnenroll(
  db: Database,
  input: UnenrollInput,
  transaction?: Transaction,
): Promise<UnenrollEffect> {
  return unenroll(db, input, false, transaction);
}

/**
 * Unenrols many in one statement; their lesson progress and quiz attempts go with them (ON DELETE
 * CASCADE). All the ids must be enrollments of the course, or nothing is removed.
 */
export function unenrollMany(
  db: Database,
  input: UnenrollInput,
  transaction: Transaction,
): Promise<UnenrollEffect> {
  return unenroll(db, input, true, transaction);
}

/**
 * Moves an enrollment to a status if it is still at `version`: becoming `completed` stamps
 * completed_at, leaving it clears it. Else CONFLICT with the enrollment as it is now.
 */
export async function setEnrollmentStatus(
  db: Database,
  input: SetEnrollmentStatusInput,
  transaction: Transaction,
): Promise<Enrollment> {
  const { enrollmentId, version, status } = setEnrollmentStatusInputSchema.parse(input);
  const rows = await db.sequelize.query<EnrollmentRow>(
    `WITH e AS (
       UPDATE enrollments SET status = $3::enrollment_status,
         completed_at = ${completedAtAfter('$3::enrollment_status')}
       WHERE id = $1 AND version = $2 RETURNING *
     )
     SELECT ${ENROLLMENT_COLUMNS} FROM e JOIN users u ON u.id = e.user_id`,
    { bind: [enrollmentId, version, status], type: QueryTypes.SELECT, transaction },
  );
  const row = rows[0];
  if (row) return toEnrollment(row);
  throw staleVersionError('enrollment', await getEnrollment(db, enrollmentId, transaction));
}
