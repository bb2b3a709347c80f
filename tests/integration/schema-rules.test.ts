import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMigratedDatabase, type TestDatabase } from '../support/test-database';

// The rules of shared/SCHEMA.md as behaviour: raw SQL, no ORM in between, so every rejection
// below is the database's own.

let database: TestDatabase | undefined;
let connection: pg.Client | undefined;

beforeAll(async () => {
  database = await createMigratedDatabase();
  connection = new pg.Client({ connectionString: database.url });
  await connection.connect();
});

afterAll(async () => {
  await connection?.end();
  await database?.drop();
});

function db(): pg.Client {
  if (!connection) throw new Error('The test database is not connected (see beforeAll).');
  return connection;
}

/** A valid PHC-format scrypt hash (of no password in particular). */
const PHC_HASH = '$scrypt$ln=15,r=8,p=1$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaA';

/** A quiz's options with one question, the shape SCHEMA.md shows. */
const validQuizOptions = {
  type: 'multiple_choice',
  shuffle: true,
  questions: [
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
  ],
};

/** Something unique per call, for columns that must be. */
function uniqueSuffix(): string {
  return randomUUID().slice(0, 8);
}

/** Inserts one row of `values` (column names are the test's own, never input) and returns its id. */
async function insertRow(table: string, values: Record<string, unknown>): Promise<string> {
  const columns = Object.keys(values);
  const placeholders = columns.map((_, index) => `$${index + 1}`);
  const { rows } = await db().query<{ id: string }>(
    `INSERT INTO ${table} (${columns.join(', ')}) VALUES (${placeholders.join(', ')}) RETURNING id`,
    Object.values(values),
  );
  const id = rows[0]?.id;
  if (id === undefined) throw new Error(`INSERT INTO ${table} returned no id.`);
  return id;
}

function insertUser(overrides: Record<string, unknown> = {}): Promise<string> {
  return insertRow('users', {
    email: `learner-${uniqueSuffix()}@example.test`,
    full_name: 'Ada Learner',
    role: 'student',
    ...overrides,
  });
}

function insertInstructor(overrides: Record<string, unknown> = {}): Promise<string> {
  return insertUser({ full_name: 'Grace Teacher', role: 'instructor', ...overrides });
}

function insertCourse(overrides: Record<string, unknown> = {}): Promise<string> {
  return insertRow('courses', {
    slug: `course-${uniqueSuffix()}`,
    title: 'Relational databases',
    ...overrides,
  });
}

function insertLesson(courseId: string, position: number): Promise<string> {
  return insertRow('lessons', {
    course_id: courseId,
    position,
    title: `Lesson ${position}`,
  });
}

function insertQuiz(courseId: string, overrides: Record<string, unknown> = {}): Promise<string> {
  return insertRow('quizzes', {
    course_id: courseId,
    title: 'Check your understanding',
    options: JSON.stringify(validQuizOptions),
    ...overrides,
  });
}

function insertEnrollment(userId: string, courseId: string): Promise<string> {
  return insertRow('enrollments', { user_id: userId, course_id: courseId });
}

function insertLessonProgress(enrollmentId: string, lessonId: string): Promise<string> {
  return insertRow('lesson_progress', { enrollment_id: enrollmentId, lesson_id: lessonId });
}

function insertQuizAttempt(
  enrollmentId: string,
  quizId: string,
  attemptNumber = 1,
): Promise<string> {
  return insertRow('quiz_attempts', {
    enrollment_id: enrollmentId,
    quiz_id: quizId,
    attempt_number: attemptNumber,
  });
}

/** A course with an instructor, a lesson, a quiz on it, and an enrolled learner with progress and an attempt. */
async function insertCourseWithEverything() {
  const instructorId = await insertInstructor();
  const learnerId = await insertUser();
  const courseId = await insertCourse({ instructor_id: instructorId });
  const lessonId = await insertLesson(courseId, 1);
  const quizId = await insertQuiz(courseId, { lesson_id: lessonId });
  const enrollmentId = await insertEnrollment(learnerId, courseId);
  const progressId = await insertLessonProgress(enrollmentId, lessonId);
  const attemptId = await insertQuizAttempt(enrollmentId, quizId);
  return {
    instructorId,
    learnerId,
    courseId,
    lessonId,
    quizId,
    enrollmentId,
    progressId,
    attemptId,
  };
}

/** Whether the row `id` of `table` exists. */
async function exists(table: string, id: string): Promise<boolean> {
  const { rowCount } = await db().query(`SELECT 1 FROM ${table} WHERE id = $1`, [id]);
  return rowCount === 1;
}

/** The error PostgreSQL answered `statement` with; fails when it was accepted. */
async function rejectionOf(statement: Promise<unknown>): Promise<pg.DatabaseError> {
  try {
    await statement;
  } catch (error) {
    if (error instanceof pg.DatabaseError) return error;
    throw error;
  }
  throw new Error('The database accepted a statement it should have rejected.');
}

const SqlState = {
  uniqueViolation: '23505',
  checkViolation: '23514',
  foreignKeyViolation: '23503',
  restrictViolation: '23001',
  invalidTextRepresentation: '22P02',
} as const;

/**
 * What a delete refused by ON DELETE RESTRICT answers: restrict_violation from PostgreSQL 18 on,
 * foreign_key_violation before (as NO ACTION still does).
 */
async function restrictViolationCode(): Promise<string> {
  const { rows } = await db().query<{ server_version_num: string }>('SHOW server_version_num');
  return Number(rows[0]?.server_version_num) >= 180000
    ? SqlState.restrictViolation
    : SqlState.foreignKeyViolation;
}

describe('updated_at and version, kept by the lms_touch_row trigger', () => {
  // Timestamps are compared in whole microseconds, PostgreSQL's own resolution: a JS Date keeps
  // only milliseconds, and two quick transactions can share one.
  const microsecondsOf = (expression: string): string =>
    `(extract(epoch FROM ${expression}) * 1000000)::bigint::text`;

  /** A user's bookkeeping columns, read back. */
  async function stampsOf(userId: string): Promise<{ updatedAtUs: bigint; version: number }> {
    const { rows } = await db().query<{ updated_at_us: string; version: number }>(
      `SELECT ${microsecondsOf('updated_at')} AS updated_at_us, version FROM users WHERE id = $1`,
      [userId],
    );
    const row = rows[0];
    if (!row) throw new Error(`No user ${userId}.`);
    return { updatedAtUs: BigInt(row.updated_at_us), version: row.version };
  }

  /**
   * Runs `sql` in a transaction of its own and returns that transaction's now(), in microseconds.
   * The row was inserted by an earlier transaction (autocommit), and now() is the time a
   * transaction started, so an UPDATE's now() is later than the INSERT's.
   */
  async function inOwnTransaction(sql: string, params: unknown[]): Promise<bigint> {
    await db().query('BEGIN');
    try {
      await db().query(sql, params);
      const { rows } = await db().query<{ now_us: string }>(
        `SELECT ${microsecondsOf('now()')} AS now_us`,
      );
      await db().query('COMMIT');
      const nowUs = rows[0]?.now_us;
      if (nowUs === undefined) throw new Error('SELECT now() returned no row.');
      return BigInt(nowUs);
    } catch (error) {
      await db().query('ROLLBACK');
      throw error;
    }
  }

  it('bumps updated_at and version on a raw SQL UPDATE', async () => {
    const userId = await insertUser();
    const before = await stampsOf(userId);
    const updatedAtUs = await inOwnTransaction(
      `UPDATE users SET full_name = 'Ada Renamed' WHERE id = $1`,
      [userId],
    );
    expect(before.version).toBe(1);
    expect(await stampsOf(userId)).toEqual({ updatedAtUs, version: 2 });
    expect(updatedAtUs).toBeGreaterThan(before.updatedAtUs);
  });

  it('bumps neither on an UPDATE that changes no value', async () => {
    const userId = await insertUser();
    const before = await stampsOf(userId);
    await inOwnTransaction('UPDATE users SET full_name = full_name WHERE id = $1', [userId]);
    expect(await stampsOf(userId)).toEqual(before);
  });

  it('overrides a version or updated_at that the UPDATE sets itself', async () => {
    const userId = await insertUser();
    const updatedAtUs = await inOwnTransaction(
      `UPDATE users SET version = 42, updated_at = '2000-01-01T00:00:00Z' WHERE id = $1`,
      [userId],
    );
    expect(await stampsOf(userId)).toEqual({ updatedAtUs, version: 2 });
  });
});

describe('the database rejects bad data, even from raw SQL', () => {
  it('rejects a second user with the same email', async () => {
    const email = `twice-${uniqueSuffix()}@example.test`;
    await insertUser({ email });
    expect(await rejectionOf(insertUser({ email }))).toMatchObject({
      code: SqlState.uniqueViolation,
      constraint: 'users_email_key',
    });
  });

  it('rejects an email that is not lower-case', async () => {
    expect(
      await rejectionOf(insertUser({ email: `Mixed-${uniqueSuffix()}@Example.test` })),
    ).toMatchObject({ code: SqlState.checkViolation, constraint: 'users_email_lower_check' });
  });

  it('rejects a role outside the user_role enum', async () => {
    expect(await rejectionOf(insertUser({ role: 'superuser' }))).toMatchObject({
      code: SqlState.invalidTextRepresentation,
    });
  });

  it('rejects a last_login_ip that is not an IP address', async () => {
    expect(await rejectionOf(insertUser({ last_login_ip: '300.1.2.3' }))).toMatchObject({
      code: SqlState.invalidTextRepresentation,
    });
  });

  it('rejects a password_hash that is not a PHC string (a plain password)', async () => {
    expect(
      await rejectionOf(insertInstructor({ password_hash: 'correct horse battery staple' })),
    ).toMatchObject({ code: SqlState.checkViolation, constraint: 'users_password_hash_check' });
  });

  it('accepts a PHC-format hash for staff', async () => {
    const instructorId = await insertInstructor({ password_hash: PHC_HASH });
    expect(await exists('users', instructorId)).toBe(true);
  });

  it('rejects a password for a student, who never signs in', async () => {
    expect(await rejectionOf(insertUser({ password_hash: PHC_HASH }))).toMatchObject({
      code: SqlState.checkViolation,
      constraint: 'users_student_password_check',
    });
  });

  it('rejects a course slug that is not URL-safe', async () => {
    expect(await rejectionOf(insertCourse({ slug: 'Intro to SQL!' }))).toMatchObject({
      code: SqlState.checkViolation,
      constraint: 'courses_slug_check',
    });
  });

  it('rejects a second course with the same slug', async () => {
    const slug = `twice-${uniqueSuffix()}`;
    await insertCourse({ slug });
    expect(await rejectionOf(insertCourse({ slug }))).toMatchObject({
      code: SqlState.uniqueViolation,
      constraint: 'courses_slug_key',
    });
  });

  it('rejects a quiz whose options has no questions key', async () => {
    const courseId = await insertCourse();
    const options = JSON.stringify({ type: 'multiple_choice' });
    expect(await rejectionOf(insertQuiz(courseId, { options }))).toMatchObject({
      code: SqlState.checkViolation,
      constraint: 'quizzes_options_check',
    });
  });

  it('rejects a quiz whose questions is not an array', async () => {
    const courseId = await insertCourse();
    const options = JSON.stringify({ type: 'multiple_choice', questions: { q1: 'not a list' } });
    expect(await rejectionOf(insertQuiz(courseId, { options }))).toMatchObject({
      code: SqlState.checkViolation,
      constraint: 'quizzes_options_check',
    });
  });

  it('rejects a second enrollment of the same user in a course', async () => {
    const userId = await insertUser();
    const courseId = await insertCourse();
    await insertEnrollment(userId, courseId);
    expect(await rejectionOf(insertEnrollment(userId, courseId))).toMatchObject({
      code: SqlState.uniqueViolation,
      constraint: 'enrollments_user_id_course_id_key',
    });
  });

  it('rejects a second progress row for the same enrollment and lesson', async () => {
    const { enrollmentId, lessonId } = await insertCourseWithEverything();
    expect(await rejectionOf(insertLessonProgress(enrollmentId, lessonId))).toMatchObject({
      code: SqlState.uniqueViolation,
      constraint: 'lesson_progress_enrollment_id_lesson_id_key',
    });
  });

  it('rejects a second attempt with the same number at the same quiz', async () => {
    const { enrollmentId, quizId } = await insertCourseWithEverything();
    expect(await rejectionOf(insertQuizAttempt(enrollmentId, quizId, 1))).toMatchObject({
      code: SqlState.uniqueViolation,
      constraint: 'quiz_attempts_enrollment_id_quiz_id_attempt_number_key',
    });
  });
});

describe('ON DELETE rules', () => {
  it('refuses to delete a user who instructs a course (RESTRICT)', async () => {
    const instructorId = await insertInstructor();
    await insertCourse({ instructor_id: instructorId });
    expect(
      await rejectionOf(db().query('DELETE FROM users WHERE id = $1', [instructorId])),
    ).toMatchObject({
      code: await restrictViolationCode(),
      constraint: 'courses_instructor_id_fkey',
    });
  });

  it('deletes a course with its lessons, quizzes, enrollments, progress and attempts (CASCADE)', async () => {
    const rows = await insertCourseWithEverything();
    await db().query('DELETE FROM courses WHERE id = $1', [rows.courseId]);
    expect({
      lesson: await exists('lessons', rows.lessonId),
      quiz: await exists('quizzes', rows.quizId),
      enrollment: await exists('enrollments', rows.enrollmentId),
      progress: await exists('lesson_progress', rows.progressId),
      attempt: await exists('quiz_attempts', rows.attemptId),
      learner: await exists('users', rows.learnerId),
      instructor: await exists('users', rows.instructorId),
    }).toEqual({
      lesson: false,
      quiz: false,
      enrollment: false,
      progress: false,
      attempt: false,
      learner: true,
      instructor: true,
    });
  });

  it('deletes a learner with their enrollments, progress and attempts (CASCADE)', async () => {
    const rows = await insertCourseWithEverything();
    await db().query('DELETE FROM users WHERE id = $1', [rows.learnerId]);
    expect({
      enrollment: await exists('enrollments', rows.enrollmentId),
      progress: await exists('lesson_progress', rows.progressId),
      attempt: await exists('quiz_attempts', rows.attemptId),
      course: await exists('courses', rows.courseId),
    }).toEqual({ enrollment: false, progress: false, attempt: false, course: true });
  });

  it('keeps the quizzes of a deleted lesson, with lesson_id set to NULL (SET NULL)', async () => {
    const rows = await insertCourseWithEverything();
    await db().query('DELETE FROM lessons WHERE id = $1', [rows.lessonId]);
    const { rows: quizzes } = await db().query<{ lesson_id: string | null }>(
      'SELECT lesson_id FROM quizzes WHERE id = $1',
      [rows.quizId],
    );
    expect(quizzes).toEqual([{ lesson_id: null }]);
  });
});

describe('lesson positions', () => {
  /** The course's lesson titles, in position order. */
  async function lessonTitlesOf(courseId: string): Promise<string[]> {
    const { rows } = await db().query<{ title: string }>(
      'SELECT title FROM lessons WHERE course_id = $1 ORDER BY position',
      [courseId],
    );
    return rows.map((row) => row.title);
  }

  it('reorders all lessons of a course in one UPDATE, positions swapped', async () => {
    const courseId = await insertCourse();
    for (const position of [1, 2, 3]) await insertLesson(courseId, position);
    // Row by row, the first swap collides with a position still taken; the DEFERRABLE unique
    // constraint is checked at the end of the statement, when all positions are distinct again.
    await db().query('UPDATE lessons SET position = 4 - position WHERE course_id = $1', [courseId]);
    expect(await lessonTitlesOf(courseId)).toEqual(['Lesson 3', 'Lesson 2', 'Lesson 1']);
  });

  it('rejects two lessons at the same position of a course', async () => {
    const courseId = await insertCourse();
    await insertLesson(courseId, 1);
    expect(await rejectionOf(insertLesson(courseId, 1))).toMatchObject({
      code: SqlState.uniqueViolation,
      constraint: 'lessons_course_id_position_key',
    });
  });
});
