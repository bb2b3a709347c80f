import { randomBytes } from 'node:crypto';
import { QueryTypes } from 'sequelize';
import type { Database } from '../../db/connection';
import type {
  AttemptStatus,
  EnrollmentStatus,
  ProgressStatus,
  UserRole,
} from '../../db/models/enums';

/**
 * Small SQL factories for LMS rows in tests: each inserts one row with sensible defaults and
 * returns what tests usually need. Plain SQL, so tests don't depend on the services they check.
 */

/** A short random tag that keeps generated emails and slugs unique within a database. */
function uniqueTag(): string {
  return randomBytes(4).toString('hex');
}

async function insertOne<T extends object>(db: Database, sql: string, bind: unknown[]): Promise<T> {
  const rows = await db.sequelize.query<T>(sql, { bind, type: QueryTypes.SELECT });
  const row = rows[0];
  if (!row) throw new Error(`the factory's INSERT returned no row: ${sql}`);
  return row;
}

export interface CreatedUser {
  id: string;
  email: string;
  fullName: string;
}

/** A user without a password (students have none; staff made here can't sign in). */
export function createUser(
  db: Database,
  options: { role?: UserRole; email?: string; fullName?: string; isActive?: boolean } = {},
): Promise<CreatedUser> {
  const role = options.role ?? 'student';
  const tag = uniqueTag();
  return insertOne<CreatedUser>(
    db,
    `INSERT INTO users (email, full_name, role, is_active) VALUES ($1, $2, $3, $4)
     RETURNING id, email, full_name AS "fullName"`,
    [
      options.email ?? `${role}-${tag}@example.org`,
      options.fullName ?? `Test ${role} ${tag}`,
      role,
      options.isActive ?? true,
    ],
  );
}

/** A learner. */
export function createStudent(
  db: Database,
  options: { email?: string; fullName?: string; isActive?: boolean } = {},
): Promise<CreatedUser> {
  return createUser(db, { ...options, role: 'student' });
}

export interface CreatedCourse {
  id: string;
  slug: string;
}

/** A course, owned by `instructorId` when given. */
export function createCourse(
  db: Database,
  options: { instructorId?: string; slug?: string; title?: string; isPublished?: boolean } = {},
): Promise<CreatedCourse> {
  const slug = options.slug ?? `course-${uniqueTag()}`;
  return insertOne<CreatedCourse>(
    db,
    `INSERT INTO courses (slug, title, instructor_id, is_published) VALUES ($1, $2, $3, $4)
     RETURNING id, slug`,
    [
      slug,
      options.title ?? `Course ${slug}`,
      options.instructorId ?? null,
      options.isPublished ?? false,
    ],
  );
}

/** A lesson at the end of its course, unless a position is given. */
export function createLesson(
  db: Database,
  options: { courseId: string; position?: number; title?: string },
): Promise<{ id: string; position: number }> {
  return insertOne(
    db,
    `INSERT INTO lessons (course_id, position, title)
     VALUES ($1, coalesce($2::int, (SELECT coalesce(max(position), 0) + 1 FROM lessons WHERE course_id = $1)), $3)
     RETURNING id, position`,
    [options.courseId, options.position ?? null, options.title ?? `Lesson ${uniqueTag()}`],
  );
}

/** A quiz of one single-choice question. */
export function createQuiz(
  db: Database,
  options: { courseId: string; lessonId?: string; title?: string },
): Promise<{ id: string }> {
  const questions = [
    {
      id: 'q1',
      kind: 'single',
      text: '2 + 2 = ?',
      points: 1,
      choices: [
        { id: 'a', text: '4', correct: true },
        { id: 'b', text: '5', correct: false },
      ],
    },
  ];
  return insertOne(
    db,
    `INSERT INTO quizzes (course_id, lesson_id, title, options) VALUES ($1, $2, $3, $4) RETURNING id`,
    [
      options.courseId,
      options.lessonId ?? null,
      options.title ?? `Quiz ${uniqueTag()}`,
      JSON.stringify({ type: 'multiple_choice', questions }),
    ],
  );
}

/** An enrollment, `active` unless told; `completed` ones get a completed_at. */
export function enroll(
  db: Database,
  options: { userId: string; courseId: string; status?: EnrollmentStatus },
): Promise<{ id: string; version: number }> {
  return insertOne(
    db,
    `INSERT INTO enrollments (user_id, course_id, status, completed_at)
     VALUES ($1, $2, $3::enrollment_status, CASE WHEN $3::enrollment_status = 'completed' THEN now() END)
     RETURNING id, version`,
    [options.userId, options.courseId, options.status ?? 'active'],
  );
}

/** A learner's progress row in one lesson. */
export function recordProgress(
  db: Database,
  options: {
    enrollmentId: string;
    lessonId: string;
    status?: ProgressStatus;
    timeSpentSeconds?: number;
  },
): Promise<{ id: string; version: number }> {
  return insertOne(
    db,
    `INSERT INTO lesson_progress (enrollment_id, lesson_id, status, completed_at, time_spent_seconds)
     VALUES ($1, $2, $3::progress_status, CASE WHEN $3::progress_status = 'completed' THEN now() END, $4)
     RETURNING id, version`,
    [
      options.enrollmentId,
      options.lessonId,
      options.status ?? 'in_progress',
      options.timeSpentSeconds ?? 0,
    ],
  );
}

/**
 * A quiz attempt, numbered after the enrollment's earlier ones on that quiz: `submitted` unless
 * told (then with a submitted_at), no score unless given, out of a max score of 10 unless given.
 */
export function createAttempt(
  db: Database,
  options: {
    enrollmentId: string;
    quizId: string;
    status?: AttemptStatus;
    score?: number | null;
    maxScore?: number | null;
  },
): Promise<{ id: string; version: number; attemptNumber: number }> {
  return insertOne(
    db,
    `INSERT INTO quiz_attempts (enrollment_id, quiz_id, attempt_number, status, score, max_score, submitted_at)
     VALUES ($1, $2,
             (SELECT coalesce(max(attempt_number), 0) + 1 FROM quiz_attempts WHERE enrollment_id = $1 AND quiz_id = $2),
             $3::attempt_status, $4, $5,
             CASE WHEN $3::attempt_status <> 'in_progress' THEN now() END)
     RETURNING id, version, attempt_number AS "attemptNumber"`,
    [
      options.enrollmentId,
      options.quizId,
      options.status ?? 'submitted',
      options.score ?? null,
      options.maxScore === undefined ? 10 : options.maxScore,
    ],
  );
}

/** How many rows a table has, optionally where a column equals a value. */
export async function countRows(
  db: Database,
  table: 'enrollments' | 'lesson_progress' | 'quiz_attempts',
  where?: { column: 'id' | 'course_id' | 'enrollment_id'; value: string },
): Promise<number> {
  const rows = await db.sequelize.query<{ count: number }>(
    `SELECT count(*)::int AS count FROM ${table}${where ? ` WHERE ${where.column} = $1` : ''}`,
    { bind: where ? [where.value] : [], type: QueryTypes.SELECT },
  );
  return rows[0]?.count ?? 0;
}
