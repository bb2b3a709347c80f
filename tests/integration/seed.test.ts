import { QueryTypes } from 'sequelize';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { buildProgram } from '../../db/cli';
import type { CliOutput } from '../../db/cli/context';
import { Database } from '../../db/connection';
import { quizOptionsSchema } from '../../db/schemas/quiz-options';
import { seedDemoData, seedTables, type SeedOptions, type SeedTable } from '../../db/seed';
import { UserFacingError } from '../../db/user-facing-error';
import {
  createMigratedDatabase,
  createTestDatabase,
  type TestDatabase,
} from '../support/test-database';

/** A small school: every table gets rows, in a second or two. */
const smallSchool = {
  users: 300,
  courses: 6,
  lessonsPerCourse: 4,
  quizzesPerCourse: 2,
  questionsPerQuiz: 3,
  enrollmentsPerCourse: 25,
} satisfies SeedOptions;

const opened: { database: TestDatabase; db?: Database }[] = [];

afterEach(async () => {
  for (const { database, db } of opened.splice(0)) {
    await db?.close();
    await database.drop();
  }
});

async function freshDatabase(): Promise<{ url: string; db: Database }> {
  const database = await createMigratedDatabase();
  const db = await Database.open(database.url);
  opened.push({ database, db });
  return { url: database.url, db };
}

async function rowCounts(db: Database): Promise<Record<SeedTable, number>> {
  const [row] = await db.sequelize.query<Record<SeedTable, number>>(
    `SELECT ${seedTables.map((table) => `(SELECT count(*)::int FROM ${table}) AS ${table}`).join(', ')}`,
    { type: QueryTypes.SELECT },
  );
  if (!row) throw new Error('no counts');
  return row;
}

/** What the database holds, precisely enough to tell any change: counts and every id. */
async function snapshot(db: Database): Promise<string> {
  const [row] = await db.sequelize.query<{ ids: string }>(
    `SELECT concat_ws('|', ${seedTables
      .map(
        (table) =>
          `(SELECT md5(coalesce(string_agg(id::text, ',' ORDER BY id), '')) FROM ${table})`,
      )
      .join(', ')}) AS ids`,
    { type: QueryTypes.SELECT },
  );
  return `${JSON.stringify(await rowCounts(db))} ${row?.ids}`;
}

async function scalar(db: Database, sql: string): Promise<number> {
  const [row] = await db.sequelize.query<{ value: number }>(sql, { type: QueryTypes.SELECT });
  return Number(row?.value);
}

/** Indexes and constraints of the seeded tables, to show a seed leaves the schema as it was. */
async function schemaShape(db: Database): Promise<string[]> {
  const rows = await db.sequelize.query<{ item: string }>(
    `SELECT indexrelid::regclass::text AS item FROM pg_index
      WHERE indrelid = ANY (ARRAY[${seedTables.map((table) => `'${table}'`).join(', ')}]::regclass[])
     UNION ALL
     SELECT conname || ' ' || pg_get_constraintdef(oid) FROM pg_constraint
      WHERE conrelid = ANY (ARRAY[${seedTables.map((table) => `'${table}'`).join(', ')}]::regclass[])
     ORDER BY 1`,
    { type: QueryTypes.SELECT },
  );
  return rows.map((row) => row.item);
}

describe(`db seed (${inject('serverLabel')})`, () => {
  it('creates exactly the requested number of users, courses, lessons, quizzes and enrollments', async () => {
    const { db } = await freshDatabase();
    const summary = await seedDemoData(db, smallSchool);
    const counts = await rowCounts(db);
    expect(counts).toEqual(summary.rows);
    expect(counts).toMatchObject({
      users: 300,
      courses: 6,
      lessons: 24,
      quizzes: 12,
      enrollments: 150,
    });
    expect(counts.lesson_progress).toBeGreaterThan(0);
    expect(counts.quiz_attempts).toBeGreaterThan(0);
  });

  it('gives every quiz options that the shared quiz-options schema accepts, with a questions array', async () => {
    const { db } = await freshDatabase();
    await seedDemoData(db, smallSchool);
    const quizzes = await db.sequelize.query<{ options: unknown }>('SELECT options FROM quizzes', {
      type: QueryTypes.SELECT,
    });
    expect(quizzes).toHaveLength(12);
    for (const { options } of quizzes) {
      const parsed = quizOptionsSchema.safeParse(options);
      expect(parsed.error?.issues).toBeUndefined();
      expect(parsed.data).toMatchObject({ type: 'multiple_choice' });
      expect(parsed.data?.questions).toHaveLength(smallSchool.questionsPerQuiz);
    }
  });

  it('makes realistic users: unique lower-case emails, mostly students, instructors owning courses, no password hashes', async () => {
    const { db } = await freshDatabase();
    await seedDemoData(db, smallSchool);
    expect(await scalar(db, 'SELECT count(DISTINCT email) AS value FROM users')).toBe(300);
    expect(
      await scalar(db, 'SELECT count(*) AS value FROM users WHERE email <> lower(email)'),
    ).toBe(0);
    expect(
      await scalar(db, "SELECT count(*) AS value FROM users WHERE role = 'student'"),
    ).toBeGreaterThan(250);
    expect(await scalar(db, 'SELECT count(DISTINCT role) AS value FROM users')).toBe(4);
    expect(
      await scalar(
        db,
        "SELECT count(*) AS value FROM courses c JOIN users u ON u.id = c.instructor_id WHERE u.role <> 'instructor'",
      ),
    ).toBe(0);
    expect(
      await scalar(db, 'SELECT count(*) AS value FROM users WHERE password_hash IS NOT NULL'),
    ).toBe(0);
    expect(
      await scalar(
        db,
        'SELECT count(*) AS value FROM courses WHERE is_published <> (published_at IS NOT NULL)',
      ),
    ).toBe(0);
  });

  it('keeps progress and attempts consistent with the enrollments they belong to', async () => {
    const { db } = await freshDatabase();
    await seedDemoData(db, smallSchool);
    const inconsistencies = {
      'progress on a lesson of another course': `SELECT count(*) AS value FROM lesson_progress p
          JOIN enrollments e ON e.id = p.enrollment_id JOIN lessons l ON l.id = p.lesson_id
         WHERE l.course_id <> e.course_id`,
      'attempts at a quiz of another course': `SELECT count(*) AS value FROM quiz_attempts a
          JOIN enrollments e ON e.id = a.enrollment_id JOIN quizzes q ON q.id = a.quiz_id
         WHERE q.course_id <> e.course_id`,
      'enrollments of staff': `SELECT count(*) AS value FROM enrollments e
          JOIN users u ON u.id = e.user_id WHERE u.role <> 'student'`,
      'progress of pending enrollments': `SELECT count(*) AS value FROM lesson_progress p
          JOIN enrollments e ON e.id = p.enrollment_id WHERE e.status = 'pending'`,
      'completed enrollments with a lesson left': `SELECT count(*) AS value FROM enrollments e
         WHERE e.status = 'completed' AND (SELECT count(*) FROM lesson_progress p
           WHERE p.enrollment_id = e.id AND p.status = 'completed') <> ${smallSchool.lessonsPerCourse}`,
      'graded attempts without a score': `SELECT count(*) AS value FROM quiz_attempts
         WHERE status = 'graded' AND (score IS NULL OR submitted_at IS NULL)`,
      'attempt numbers with a gap': `SELECT count(*) AS value FROM quiz_attempts a
         WHERE a.attempt_number > 1 AND NOT EXISTS (SELECT FROM quiz_attempts b
           WHERE b.enrollment_id = a.enrollment_id AND b.quiz_id = a.quiz_id
             AND b.attempt_number = a.attempt_number - 1)`,
    };
    for (const [problem, sql] of Object.entries(inconsistencies)) {
      expect({ problem, count: await scalar(db, sql) }).toEqual({ problem, count: 0 });
    }
  });

  it('leaves every index and constraint as it was (those set aside for loading come back)', async () => {
    const { db } = await freshDatabase();
    const before = await schemaShape(db);
    await seedDemoData(db, smallSchool);
    expect(await schemaShape(db)).toEqual(before);
  });

  it('refuses to seed a database that already holds data, and changes nothing', async () => {
    const { db } = await freshDatabase();
    await seedDemoData(db, smallSchool);
    const before = await snapshot(db);
    const second = seedDemoData(db, smallSchool);
    await expect(second).rejects.toThrow(UserFacingError);
    await expect(second).rejects.toThrow(/already holds data.*--append/);
    expect(await snapshot(db)).toBe(before);
  });

  it('adds to existing data with append, without colliding on emails or slugs', async () => {
    const { db } = await freshDatabase();
    const first = await seedDemoData(db, smallSchool);
    const second = await seedDemoData(db, { ...smallSchool, append: true });
    const counts = await rowCounts(db);
    for (const table of seedTables) {
      expect(counts[table]).toBe(first.rows[table] + second.rows[table]);
    }
  });

  it('leaves the database empty, and its schema whole, when a table fails mid-way', async () => {
    const { db } = await freshDatabase();
    // The last table rejects every row, after all the others have been filled.
    await db.sequelize.query(
      'ALTER TABLE quiz_attempts ADD CONSTRAINT test_rejects_every_attempt CHECK (attempt_number < 0)',
    );
    const shapeBefore = await schemaShape(db);
    await expect(seedDemoData(db, smallSchool)).rejects.toThrow(/test_rejects_every_attempt/);
    expect(Object.values(await rowCounts(db))).toEqual(seedTables.map(() => 0));
    expect(await schemaShape(db)).toEqual(shapeBefore);
  });

  it('aborts a COPY in progress when the caller stops it, keeping nothing and the connection usable', async () => {
    const { db } = await freshDatabase();
    const stopped = seedDemoData(db, { users: 120_000, courses: 0 }, ({ table, rows, total }) => {
      if (table === 'users' && rows < total) throw new Error('stopped by the caller');
    });
    await expect(stopped).rejects.toThrow('stopped by the caller');
    expect(await rowCounts(db)).toMatchObject({ users: 0 });
    const summary = await seedDemoData(db, { users: 10, courses: 0 });
    expect(summary.rows.users).toBe(10);
  });

  it('refuses options beyond the limits with a message naming the option', async () => {
    const { db } = await freshDatabase();
    await expect(
      seedDemoData(db, { users: 10, courses: 2, enrollmentsPerCourse: 50 }),
    ).rejects.toThrow(/enrollments per course: 50 is more than the 9 students among 10 users/);
  });
});

describe(`lms-admin db seed (${inject('serverLabel')})`, () => {
  function capture(): CliOutput & { stdout: string[]; stderr: string[] } {
    const stdout: string[] = [];
    const stderr: string[] = [];
    return { stdout, stderr, out: (line) => stdout.push(line), err: (line) => stderr.push(line) };
  }

  it('prints progress on stderr and a JSON summary on stdout', async () => {
    const { url } = await freshDatabase();
    const output = capture();
    await buildProgram(output).parseAsync(
      [
        '--database-url',
        url,
        'db',
        'seed',
        '--users',
        '40',
        '--courses',
        '2',
        '--lessons-per-course',
        '3',
        '--enrollments-per-course',
        '5',
        '--json',
      ],
      { from: 'user' },
    );
    expect(output.stdout).toHaveLength(1);
    const summary = JSON.parse(output.stdout[0] ?? '') as { rows: Record<SeedTable, number> };
    expect(summary.rows).toMatchObject({ users: 40, courses: 2, lessons: 6, enrollments: 10 });
    expect(output.stderr.some((line) => line.includes('users: 40 of 40'))).toBe(true);
  });

  it('says to run migrations first on a database without the LMS tables', async () => {
    const database = await createTestDatabase();
    opened.push({ database });
    await expect(
      buildProgram(capture()).parseAsync(['--database-url', database.url, 'db', 'seed'], {
        from: 'user',
      }),
    ).rejects.toThrow(/run `lms-admin migrate up` first/);
  });
});
