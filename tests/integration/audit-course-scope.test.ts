import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditEntry, ListAuditInput } from '../../db/schemas/audit';
import { createApiHarness, type ApiHarness } from '../support/api-harness';
import { callOk } from '../support/api-results';
import { runCli } from '../support/cli-runner';
import { createLesson } from '../support/lms-factories';
import { buildWorld, type LmsWorld } from '../support/lms-world';

// A course's History with what belongs to it: "who changed this course?" asked of its lessons,
// quizzes (their questions) and enrollments too, through audit.list's courseId filter.

let api: ApiHarness;
let admin: { userId: string; sessionId: string };
let support: { userId: string; sessionId: string };
let instructor: { userId: string; sessionId: string };
/** A raw connection, as psql would be. */
let psql: pg.Client;

beforeAll(async () => {
  api = await createApiHarness();
  admin = await api.signedIn('admin');
  support = await api.signedIn('support');
  instructor = await api.signedIn('instructor');
  psql = new pg.Client({ connectionString: api.database.url });
  await psql.connect();
});
afterAll(async () => {
  await psql?.end();
  await api.close();
});

/** Every entry of a course's history through the API, newest first, a page at a time. */
async function courseHistory(
  courseId: string,
  filter: Omit<NonNullable<ListAuditInput['filter']>, 'courseId'> = {},
  limit = 100,
): Promise<AuditEntry[]> {
  const entries: AuditEntry[] = [];
  let cursor: string | undefined;
  do {
    const page = await callOk(
      api,
      'audit.list',
      { filter: { ...filter, courseId }, limit, cursor },
      support.sessionId,
    );
    entries.push(...page.items);
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return entries;
}

/** "UPDATE lessons <id>": an entry in words a failure message can show. */
const described = (entry: AuditEntry): string =>
  `${entry.action} ${entry.tableName} ${entry.recordId}`;

/** The version a row has now, for an edit through the API. */
async function versionOf(table: string, id: string): Promise<number> {
  const { rows } = await psql.query<{ version: number }>(
    `SELECT version FROM ${table} WHERE id = $1`,
    [id],
  );
  const version = rows[0]?.version;
  if (version === undefined) throw new Error(`no ${table} row ${id}`);
  return version;
}

describe("a course's history with its lessons, quizzes and enrollments", () => {
  let world: LmsWorld;
  let other: LmsWorld;
  let doomedLessonId: string;

  beforeAll(async () => {
    world = await buildWorld(api.db, instructor.userId);
    other = await buildWorld(api.db, instructor.userId);
    await callOk(
      api,
      'lessons.update',
      { id: world.lesson.id, version: world.lesson.version, title: 'Intro, revised' },
      admin.sessionId,
    );
    await callOk(
      api,
      'quizzes.updateQuestion',
      {
        quizId: world.quiz.id,
        version: world.quiz.version,
        question: {
          id: world.quiz.questionId,
          kind: 'single',
          text: 'What is 2 + 2, really?',
          points: 1,
          choices: [
            { id: 'a', text: '4', correct: true },
            { id: 'b', text: '5', correct: false },
          ],
        },
      },
      admin.sessionId,
    );
    await callOk(
      api,
      'enrollments.enrollMany',
      { courseId: world.course.id, userIds: [world.newcomer.id] },
      admin.sessionId,
    );
    doomedLessonId = (await createLesson(api.db, { courseId: world.course.id, title: 'Doomed' }))
      .id;
    await callOk(
      api,
      'lessons.delete',
      { id: doomedLessonId, version: await versionOf('lessons', doomedLessonId) },
      admin.sessionId,
    );
    // The other course changes too: none of it may show in the first course's history.
    await callOk(
      api,
      'lessons.update',
      { id: other.lesson.id, version: other.lesson.version, title: 'Elsewhere' },
      admin.sessionId,
    );
  });

  it('shows a lesson edit, a question edit, an enrollment and a deleted lesson, each labelled', async () => {
    const history = await courseHistory(world.course.id);
    const lessonEdit = history.find(
      (entry) => entry.tableName === 'lessons' && entry.recordId === world.lesson.id,
    );
    expect(lessonEdit).toMatchObject({
      action: 'UPDATE',
      recordLabel: 'Intro, revised',
      actorId: admin.userId,
    });
    const questionEdit = history.find(
      (entry) => entry.tableName === 'quizzes' && entry.action === 'UPDATE',
    );
    expect(questionEdit?.recordId).toBe(world.quiz.id);
    expect(JSON.stringify(questionEdit?.after?.options)).toContain('What is 2 + 2, really?');
    const enrollment = history.find(
      (entry) =>
        entry.tableName === 'enrollments' &&
        entry.action === 'INSERT' &&
        entry.after?.user_id === world.newcomer.id,
    );
    expect(enrollment?.recordLabel).toEqual(expect.any(String));
    const deletion = history.find(
      (entry) => entry.recordId === doomedLessonId && entry.action === 'DELETE',
    );
    expect(deletion).toMatchObject({ tableName: 'lessons', recordLabel: 'Doomed', after: null });
    expect(history.some((entry) => entry.tableName === 'courses')).toBe(true);
  });

  it('shows nothing of another course', async () => {
    const history = await courseHistory(world.course.id);
    const otherIds = new Set([
      other.course.id,
      other.lesson.id,
      other.quiz.id,
      other.enrollment.id,
    ]);
    expect(history.filter((entry) => otherIds.has(entry.recordId)).map(described)).toEqual([]);
    expect(
      history
        .filter((entry) => entry.tableName !== 'courses')
        .filter((entry) => (entry.after ?? entry.before)?.course_id !== world.course.id)
        .map(described),
    ).toEqual([]);
  });

  it('pages with a keyset cursor: each change once, newest first, the same as one page', async () => {
    const whole = await courseHistory(world.course.id, {}, 500);
    const paged = await courseHistory(world.course.id, {}, 2);
    expect(whole.length).toBeGreaterThan(4);
    expect(paged.map((entry) => entry.seq)).toEqual(whole.map((entry) => entry.seq));
    const seqs = paged.map((entry) => BigInt(entry.seq));
    expect(seqs.every((seq, index) => index === 0 || seq < (seqs[index - 1] ?? 0n))).toBe(true);
  });

  it('narrows by table, action and text like any timeline', async () => {
    const deletions = await courseHistory(world.course.id, { action: 'DELETE' });
    expect(deletions.map(described)).toEqual([`DELETE lessons ${doomedLessonId}`]);
    const lessons = await courseHistory(world.course.id, { tableName: 'lessons' });
    expect(new Set(lessons.map((entry) => entry.tableName))).toEqual(new Set(['lessons']));
    const found = await courseHistory(world.course.id, { text: 'really?' });
    expect(found.map(described)).toEqual([`UPDATE quizzes ${world.quiz.id}`]);
  });

  it('finds a lesson moved to another course in the history of both', async () => {
    const mover = await createLesson(api.db, { courseId: world.course.id, title: 'Mover' });
    await psql.query(`UPDATE lessons SET course_id = $1, position = 1000 WHERE id = $2`, [
      other.course.id,
      mover.id,
    ]);
    const isMove = (entry: AuditEntry): boolean =>
      entry.recordId === mover.id && entry.action === 'UPDATE';
    expect((await courseHistory(world.course.id)).filter(isMove)).toHaveLength(1);
    expect((await courseHistory(other.course.id)).filter(isMove)).toHaveLength(1);
  });

  it('exports the same changes the timeline lists', async () => {
    const listed = await courseHistory(world.course.id);
    const part = await callOk(
      api,
      'audit.export',
      { filter: { courseId: world.course.id }, format: 'json' },
      support.sessionId,
    );
    expect(part).toMatchObject({ nextCursor: null, total: listed.length, done: listed.length });
    const exported: unknown = JSON.parse(part.text);
    expect(
      Array.isArray(exported) ? exported.map((entry: { seq: string }) => entry.seq) : [],
    ).toEqual(listed.map((entry) => entry.seq));
  });
});

describe('lms-admin audit timeline --course', () => {
  let world: LmsWorld;

  beforeAll(async () => {
    world = await buildWorld(api.db, instructor.userId);
    await psql.query(`UPDATE lessons SET title = 'Edited in psql' WHERE id = $1`, [
      world.lesson.id,
    ]);
  });

  const audit = (...args: string[]) =>
    runCli(['audit', ...args], { DATABASE_URL: api.database.url });

  it("prints the course's history with its lessons' changes, named by the course's slug", async () => {
    const result = await audit('timeline', '--course', world.course.slug, '--json');
    expect(result.stderr).toBe('');
    const page = JSON.parse(result.stdout) as { items: AuditEntry[] };
    expect(page.items[0]).toMatchObject({
      tableName: 'lessons',
      recordId: world.lesson.id,
      recordLabel: 'Edited in psql',
    });
    expect(page.items.some((entry) => entry.recordId === world.course.id)).toBe(true);
  });

  it("names each change's record in its text listing", async () => {
    const result = await audit('timeline', '--course', world.course.slug, '--limit', '1');
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain(`UPDATE lessons ${world.lesson.id}`);
    expect(result.stdout).toContain('Edited in psql');
  });

  it('names a slug no course has', async () => {
    const result = await audit('timeline', '--course', 'no-such-course');
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain('No course with slug "no-such-course"');
  });
});

describe("who may read a course's history", () => {
  let world: LmsWorld;

  beforeAll(async () => {
    world = await buildWorld(api.db, instructor.userId);
  });

  it('lets support and admins read it', async () => {
    for (const reader of [support, admin]) {
      const page = await callOk(
        api,
        'audit.list',
        { filter: { courseId: world.course.id } },
        reader.sessionId,
      );
      expect(page.items.length).toBeGreaterThan(0);
    }
  });

  it("keeps it from instructors, even of their own course: it shows learners' data", async () => {
    const result = await api.call(
      'audit.list',
      { filter: { courseId: world.course.id } },
      instructor.sessionId,
    );
    expect(result).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
  });

  it('refuses a course id that is not one, naming the field', async () => {
    const result = await api.callRaw(
      'audit.list',
      { filter: { courseId: 'intro-to-stats' } },
      support.sessionId,
    );
    expect(result).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
    expect(JSON.stringify(result)).toContain('filter.courseId');
  });
});
