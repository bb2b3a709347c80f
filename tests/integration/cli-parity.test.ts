import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { QueryTypes } from 'sequelize';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Database } from '../../db/connection';
import { courseDetailSchema, courseSummarySchema } from '../../db/schemas/courses';
import { courseDashboardSchema } from '../../db/schemas/dashboard';
import { enrollManyResultSchema } from '../../db/schemas/enrollments';
import { lessonSchema } from '../../db/schemas/lessons';
import { exportUsersResultSchema, importUsersResultSchema } from '../../db/schemas/user-csv';
import { userDeletePreviewSchema, userDetailSchema, userPageSchema } from '../../db/schemas/users';
import { runCli, type CliResult } from '../support/cli-runner';
import {
  createAttempt,
  createCourse,
  createLesson,
  createQuiz,
  createStudent,
  createUser,
  enroll,
  recordProgress,
} from '../support/lms-factories';
import { tempFolderFor } from '../support/temp-folders';
import { createMigratedDatabase, type TestDatabase } from '../support/test-database';

/**
 * The CLI's doors into the services (users, courses, enroll, unenroll), each run as its own
 * process on one migrated database. Tests work on rows of their own (a random tag in every
 * email and slug), so they run side by side.
 */

let database: TestDatabase;
let db: Database;
beforeAll(async () => {
  database = await createMigratedDatabase();
  db = await Database.open(database.url);
});
afterAll(async () => {
  await db.close();
  await database.drop();
});

const lms = (args: readonly string[], stdin?: string): Promise<CliResult> =>
  runCli(['--database-url', database.url, ...args], {}, stdin);

const newTag = (): string => randomBytes(4).toString('hex');

/** On failure, the diff shows everything the run printed. */
function expectSuccess(result: CliResult): void {
  expect(result).toMatchObject({ exitCode: 0 });
}

/** Exit 1 with one line on stderr (no stack, no usage) that says `says`. */
function expectOneLineError(result: CliResult, says: RegExp): void {
  expect(result).toMatchObject({ exitCode: 1 });
  expect(result.stderr.trimEnd().split('\n')).toEqual([expect.stringMatching(says)]);
}

async function emailsInDatabase(pattern: string): Promise<string[]> {
  const rows = await db.sequelize.query<{ email: string }>(
    `SELECT email FROM users WHERE email LIKE $1 ORDER BY email`,
    { bind: [pattern], type: QueryTypes.SELECT },
  );
  return rows.map((row) => row.email);
}

async function enrolledEmails(courseId: string): Promise<string[]> {
  const rows = await db.sequelize.query<{ email: string }>(
    `SELECT u.email FROM enrollments e JOIN users u ON u.id = e.user_id
     WHERE e.course_id = $1 ORDER BY u.email`,
    { bind: [courseId], type: QueryTypes.SELECT },
  );
  return rows.map((row) => row.email);
}

describe.concurrent('lms-admin users', () => {
  it('list pages by email with a cursor, filters by role, and --json is the API page', async () => {
    const tag = newTag();
    for (const name of ['a', 'b', 'c']) {
      await createUser(db, { role: 'instructor', email: `list-${name}-${tag}@example.org` });
    }
    await createStudent(db, { email: `list-d-${tag}@example.org`, isActive: false });

    const first = await lms(['users', 'list', '--search', tag, '--limit', '2', '--json']);
    expectSuccess(first);
    const firstPage = userPageSchema.parse(JSON.parse(first.stdout));
    expect(firstPage.items.map((user) => user.email)).toEqual([
      `list-a-${tag}@example.org`,
      `list-b-${tag}@example.org`,
    ]);
    expect(firstPage.nextCursor).toEqual(expect.any(String));

    const [second, instructors, inactive] = await Promise.all([
      lms(['users', 'list', '--search', tag, '--json', '--cursor', firstPage.nextCursor ?? '']),
      lms(['users', 'list', '--search', tag, '--role', 'instructor', '--limit', '2']),
      lms(['users', 'list', '--search', tag, '--inactive']),
    ]);
    expectSuccess(second);
    const secondPage = userPageSchema.parse(JSON.parse(second.stdout));
    expect(secondPage.items.map((user) => user.email)).toEqual([
      `list-c-${tag}@example.org`,
      `list-d-${tag}@example.org`,
    ]);
    expect(secondPage.nextCursor).toBeNull();
    expectSuccess(instructors);
    const lines = instructors.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(
      new RegExp(`^list-a-${tag}@example\\.org +Test instructor \\w+ +instructor +active$`),
    );
    expect(lines[2]).toMatch(/^Next page: --cursor \S+$/);
    expectSuccess(inactive);
    expect(inactive.stdout).toMatch(new RegExp(`^list-d-${tag}@example\\.org .* inactive\\n$`));
  });

  it('refuses a bad flag value with one line and exit 1', async () => {
    const [zeroLimit, wizard] = await Promise.all([
      lms(['users', 'list', '--limit', '0']),
      lms(['users', 'create', '--email', 'w@example.org', '--name', 'W', '--role', 'wizard']),
    ]);
    expectOneLineError(zeroLimit, /--limit <n>.* '0' is invalid.*at least 1/);
    expectOneLineError(wizard, /--role <role>.* 'wizard' is invalid.*"student"\|"instructor"/);
    expect(await emailsInDatabase('w@example.org')).toEqual([]);
  });

  it('create takes the password from stdin only, and refuses a used email in one line', async () => {
    const tag = newTag();
    const email = `Create-${tag}@Example.org`;

    const staff = await lms(
      [
        'users',
        'create',
        '--email',
        email,
        '--name',
        'Cree Ator',
        '--role',
        'support',
        '--password-stdin',
        '--json',
      ],
      'a long enough password\n',
    );
    expectSuccess(staff);
    expect(userDetailSchema.parse(JSON.parse(staff.stdout))).toMatchObject({
      email: email.toLowerCase(),
      fullName: 'Cree Ator',
      role: 'support',
      hasPassword: true,
    });

    const [student, again] = await Promise.all([
      lms([
        'users',
        'create',
        '--email',
        `student-${tag}@example.org`,
        '--name',
        'Stu Dent',
        '--role',
        'student',
      ]),
      lms(['users', 'create', '--email', email, '--name', 'Someone Else', '--role', 'student']),
    ]);
    expectSuccess(student);
    expect(student.stdout).toMatch(
      new RegExp(`^Created student student-${tag}@example\\.org \\(id [0-9a-f-]{36}\\)\\.\\n$`),
    );
    expectOneLineError(again, /^Error: email is already used by another user\.$/);
  });

  it('import of a file with bad rows prints every problem with its line, exits 1 and writes nothing', async (test) => {
    const tag = newTag();
    const file = path.join(await tempFolderFor(test, 'lms-cli-import'), 'users.csv');
    await fs.writeFile(
      file,
      [
        'email,full_name,role',
        `good-${tag}@example.org,Good Row,student`,
        'not-an-email,Bad Email,student',
        `wizard-${tag}@example.org,,wizard`,
        `good-${tag}@example.org,Twice,student`,
      ].join('\n'),
    );

    const result = await lms(['users', 'import', file]);

    expect(result.exitCode).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr.trimEnd().split('\n')).toEqual([
      'line 3, column email: must be an email address such as ada@example.org',
      'line 4, column full_name: must not be empty',
      expect.stringMatching(/^line 4, column role: /),
      `line 5, column email: good-${tag}@example.org is also on line 2`,
      `Error: 4 problems in ${file}: nothing was imported. Fix them and import again.`,
    ]);
    expect(await emailsInDatabase(`%-${tag}@example.org`)).toEqual([]);
  });

  it('import then export gives back the same file, to stdout and to --out', async (test) => {
    const tag = newTag();
    const folder = await tempFolderFor(test, 'lms-cli-round-trip');
    const csv = [
      'email,full_name,role,is_active,metadata',
      `trip-a-${tag}@example.org,"Round, Trip",student,true,"{""cohort"":""2026""}"`,
      `trip-b-${tag}@example.org,'=Formula,instructor,false,{}`,
      '',
    ].join('\r\n');
    const file = path.join(folder, 'in.csv');
    await fs.writeFile(file, csv);

    const dryRun = await lms(['users', 'import', file, '--dry-run']);
    expectSuccess(dryRun);
    expect(dryRun.stdout).toBe('Dry run: 2 users would be created; nothing was written.\n');
    expect(await emailsInDatabase(`%-${tag}@example.org`)).toEqual([]);

    const imported = await lms(['users', 'import', file, '--json']);
    expectSuccess(imported);
    expect(importUsersResultSchema.parse(JSON.parse(imported.stdout))).toMatchObject({
      rows: 2,
      created: 2,
      problems: [],
      isWritten: true,
    });

    const out = path.join(folder, 'out.csv');
    const [toStdout, toFile, again] = await Promise.all([
      lms(['users', 'export', '--search', tag]),
      lms(['users', 'export', '--search', tag, '--out', out, '--json']),
      lms(['users', 'import', file, '--skip-existing']),
    ]);
    expectSuccess(toStdout);
    expect(toStdout.stdout).toBe(csv);
    expectSuccess(toFile);
    expect(JSON.parse(toFile.stdout)).toEqual({ rows: 2, file: out });
    expect(await fs.readFile(out, 'utf8')).toBe(csv);
    expectSuccess(again);
    expect(again.stdout).toBe('Created 0 users. 2 rows left out: the email exists.\n');
  });

  it('export --json without --out is the API result, filtered by role and activity', async () => {
    const tag = newTag();
    await createUser(db, { role: 'support', email: `exp-a-${tag}@example.org` });
    await createUser(db, { role: 'support', email: `exp-b-${tag}@example.org`, isActive: false });
    await createStudent(db, { email: `exp-c-${tag}@example.org` });

    const result = await lms([
      'users',
      'export',
      '--search',
      tag,
      '--role',
      'support',
      '--active',
      '--json',
    ]);

    expectSuccess(result);
    const exported = exportUsersResultSchema.parse(JSON.parse(result.stdout));
    expect(exported.rows).toBe(1);
    expect(exported.csv).toContain(`exp-a-${tag}@example.org`);
  });

  it('deactivate deactivates once, and says so the second time', async () => {
    const { email } = await createStudent(db, { email: `deact-${newTag()}@example.org` });

    const first = await lms(['users', 'deactivate', email.toUpperCase(), '--json']);
    expectSuccess(first);
    expect(userDetailSchema.parse(JSON.parse(first.stdout))).toMatchObject({
      email,
      isActive: false,
      version: 2,
    });

    const second = await lms(['users', 'deactivate', email]);
    expectSuccess(second);
    expect(second.stdout).toBe(`${email} was already inactive.\n`);
  });

  it('delete without --yes on a non-terminal prints what it would take, refuses and deletes nothing', async () => {
    const student = await createStudent(db, {
      email: `del-${newTag()}@example.org`,
      fullName: 'Del Ete',
    });
    const course = await createCourse(db);
    const lesson = await createLesson(db, { courseId: course.id });
    const enrollment = await enroll(db, { userId: student.id, courseId: course.id });
    await recordProgress(db, { enrollmentId: enrollment.id, lessonId: lesson.id });

    const refused = await lms(['users', 'delete', student.email]);

    expect(refused.exitCode).toBe(1);
    expect(refused.stdout).toBe(
      `${student.email} (Del Ete, student)\nDeleting this user also deletes 1 enrollment, 1 lesson progress record and 0 quiz attempts.\n`,
    );
    expectOneLineError(
      refused,
      /^Error: Not going to delete .* without confirmation, and stdin is not a terminal to ask on: run again with --yes\.$/,
    );
    expect(await emailsInDatabase(student.email)).toEqual([student.email]);

    const deleted = await lms(['users', 'delete', student.email, '--yes', '--json']);
    expectSuccess(deleted);
    expect(userDeletePreviewSchema.parse(JSON.parse(deleted.stdout))).toMatchObject({
      user: { email: student.email },
      cascades: { enrollments: 1, lessonProgress: 1, quizAttempts: 0 },
      blockingCourses: [],
    });
    expect(await emailsInDatabase(student.email)).toEqual([]);
  });
});

describe.concurrent('lms-admin courses', () => {
  /** A course with two lessons, a quiz and three learners: one completed, one active, one dropped. */
  async function courseWithActivity(tag: string) {
    const instructor = await createUser(db, { role: 'instructor', fullName: 'Ina Structor' });
    const course = await createCourse(db, {
      slug: `course-${tag}`,
      title: `Course ${tag}`,
      instructorId: instructor.id,
      isPublished: true,
    });
    const lesson = await createLesson(db, { courseId: course.id, title: 'First steps' });
    await createLesson(db, { courseId: course.id, title: 'Next steps' });
    const quiz = await createQuiz(db, { courseId: course.id, lessonId: lesson.id, title: 'Check' });
    for (const [status, score] of [
      ['completed', 9],
      ['active', 4],
      ['dropped', null],
    ] as const) {
      const learner = await createStudent(db);
      const enrollment = await enroll(db, { userId: learner.id, courseId: course.id, status });
      if (score !== null)
        await createAttempt(db, { enrollmentId: enrollment.id, quizId: quiz.id, score });
    }
    return { course, instructor };
  }

  it('list, show and dashboard print for people and, with --json, the API shapes', async () => {
    const tag = newTag();
    const { course, instructor } = await courseWithActivity(tag);
    await createCourse(db, { slug: `draft-${tag}`, title: `Draft ${tag}` });

    const [list, listJson, show, showJson, dashboard, dashboardJson] = await Promise.all([
      lms(['courses', 'list', '--search', tag]),
      lms(['courses', 'list', '--search', tag, '--json']),
      lms(['courses', 'show', course.slug]),
      lms(['courses', 'show', course.slug, '--json']),
      lms(['courses', 'dashboard', course.slug]),
      lms(['courses', 'dashboard', course.slug, '--json']),
    ]);

    for (const result of [list, listJson, show, showJson, dashboard, dashboardJson])
      expectSuccess(result);
    expect(list.stdout.trimEnd().split('\n')).toEqual([
      `course-${tag}  published  Course ${tag}`,
      `draft-${tag}   draft      Draft ${tag}`,
    ]);
    expect(
      courseSummarySchema
        .array()
        .parse(JSON.parse(listJson.stdout))
        .map((c) => c.slug),
    ).toEqual([`course-${tag}`, `draft-${tag}`]);

    expect(show.stdout).toContain(`Course ${tag} (course-${tag})\n`);
    expect(show.stdout).toContain(`Instructor: Ina Structor <${instructor.email}>\n`);
    expect(show.stdout).toContain(
      '2 lessons:\n  1. First steps (draft)\n  2. Next steps (draft)\n',
    );
    const shown = courseDetailSchema
      .extend({ lessons: lessonSchema.array() })
      .parse(JSON.parse(showJson.stdout));
    expect(shown).toMatchObject({
      slug: course.slug,
      instructorId: instructor.id,
      isPublished: true,
    });
    expect(shown.lessons.map((lesson) => [lesson.position, lesson.title])).toEqual([
      [1, 'First steps'],
      [2, 'Next steps'],
    ]);

    expect(dashboard.stdout).toContain(
      'Enrollments: 3 (pending 0, active 1, completed 1, dropped 1)\n',
    );
    expect(dashboard.stdout).toContain('Completion rate: 50% of enrollments not dropped\n');
    expect(dashboard.stdout).toContain('Quiz scores: 2 scored attempts, average 65%\n');
    expect(dashboard.stdout).toContain('Quiz "Check": 2 scored attempts, average 65%\n');
    expect(courseDashboardSchema.parse(JSON.parse(dashboardJson.stdout))).toMatchObject({
      courseId: course.id,
      enrollments: { byStatus: { pending: 0, active: 1, completed: 1, dropped: 1 }, total: 3 },
      completionRate: 0.5,
      scores: { scoredAttempts: 2, averagePercent: 65 },
    });
  });

  it('a slug no course has is one line that says how to find them', async () => {
    const [show, dashboard, badSlug] = await Promise.all([
      lms(['courses', 'show', `missing-${newTag()}`]),
      lms(['courses', 'dashboard', 'missing-course']),
      lms(['courses', 'show', 'Not A Slug']),
    ]);
    expectOneLineError(
      show,
      /^Error: No course with slug "missing-\w+": `lms-admin courses list` shows them\.$/,
    );
    expectOneLineError(dashboard, /^Error: No course with slug "missing-course"/);
    expectOneLineError(badSlug, /argument 'slug'\. must be lower-case letters and digits/);
  });
});

describe.concurrent('lms-admin enroll and unenroll', () => {
  /** A course, a learner enrolled before, one not yet, and a deactivated one. */
  async function classList(tag: string) {
    const course = await createCourse(db, { slug: `class-${tag}` });
    const before = await createStudent(db, { email: `before-${tag}@example.org` });
    await enroll(db, { userId: before.id, courseId: course.id, status: 'completed' });
    const fresh = await createStudent(db, { email: `fresh-${tag}@example.org` });
    const gone = await createStudent(db, { email: `gone-${tag}@example.org`, isActive: false });
    return { course, before, fresh, gone, unknown: `unknown-${tag}@example.org` };
  }

  it('enrols from a CSV file, saying who was enrolled, who was already, and which emails match nobody', async (test) => {
    const tag = newTag();
    const { course, before, fresh, gone, unknown } = await classList(tag);
    const file = path.join(await tempFolderFor(test, 'lms-cli-enroll'), 'class.csv');
    await fs.writeFile(
      file,
      `name,Email\n"Fresh, F",${fresh.email}\nB,${before.email.toUpperCase()}\nG,${gone.email}\nU,${unknown}\n`,
    );

    const result = await lms([
      'enroll',
      '--course',
      course.slug,
      '--emails',
      file,
      '--status',
      'pending',
    ]);

    expectSuccess(result);
    expect(result.stdout).toBe(
      [
        `Enrolled 1 user in ${course.slug} (pending).`,
        '1 user was enrolled already: left as they were.',
        '2 emails match no active user (unknown, or deactivated):',
        `  ${gone.email}`,
        `  ${unknown}`,
        '',
      ].join('\n'),
    );
    expect(await enrolledEmails(course.id)).toEqual([before.email, fresh.email]);

    const again = await lms(
      ['enroll', '--course', course.slug, '--emails', '-', '--json'],
      `${fresh.email}\n\n${unknown}\n`,
    );
    expectSuccess(again);
    const answer = enrollManyResultSchema.parse(JSON.parse(again.stdout));
    expect(answer.enrolled).toEqual([]);
    expect(answer.alreadyEnrolled).toMatchObject([{ email: fresh.email, status: 'pending' }]);
    expect(answer.unmatched).toEqual({ userIds: [], emails: [unknown] });
  });

  it('enrols nobody when a line of the file is not an email, naming every such line', async () => {
    const tag = newTag();
    const { course, fresh } = await classList(tag);

    const result = await lms(
      ['enroll', '--course', course.slug, '--emails', '-'],
      `${fresh.email}\nnot an email\n\nhalf@\n`,
    );

    expect(result.exitCode).toBe(1);
    expect(result.stderr.trimEnd().split('\n')).toEqual([
      'line 2: "not an email" is not an email address',
      'line 4: "half@" is not an email address',
      'Error: In stdin, 2 lines hold no email address: nothing was changed. Fix them and run again.',
    ]);
    expect(await enrolledEmails(course.id)).toEqual([`before-${tag}@example.org`]);
  });

  it('unenroll says what goes with the enrollments, refuses without --yes on a non-terminal, and removes them with it', async () => {
    const tag = newTag();
    const { course, before, fresh, unknown } = await classList(tag);
    const emails = `${before.email}\n${unknown}\n`;

    const refused = await lms(['unenroll', '--course', course.slug, '--emails', '-'], emails);

    expect(refused.exitCode).toBe(1);
    expect(refused.stdout).toBe(
      [
        `1 email is not enrolled in ${course.slug}, so left out:`,
        `  ${unknown}`,
        'Unenrolling removes 1 enrollment, with 0 lesson progress records and 0 quiz attempts.',
        '',
      ].join('\n'),
    );
    expectOneLineError(
      refused,
      /^Error: Not going to unenrol 1 user from class-\w+ without confirmation/,
    );
    expect(await enrolledEmails(course.id)).toEqual([before.email]);

    await enroll(db, { userId: fresh.id, courseId: course.id });
    const removed = await lms(
      ['unenroll', '--course', course.slug, '--emails', '-', '--yes', '--json'],
      emails,
    );
    expectSuccess(removed);
    expect(JSON.parse(removed.stdout)).toEqual({
      unenrolled: { enrollments: 1, lessonProgress: 0, quizAttempts: 0 },
      notEnrolled: [unknown],
    });
    expect(await enrolledEmails(course.id)).toEqual([fresh.email]);
  });
});
