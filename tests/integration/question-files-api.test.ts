import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ImportQuestionsInput } from '../../db/schemas/question-formats';
import type { Question } from '../../db/schemas/quiz-options';
import { importQuestions } from '../../db/services/question-import';
import { getQuiz } from '../../db/services/quizzes';
import { createApiHarness, type ApiHarness } from '../support/api-harness';
import { callOk } from '../support/api-results';
import { createCourse, createQuiz } from '../support/lms-factories';
import { tableChecksums } from '../support/table-checksum';

const fixture = (name: string): string =>
  readFileSync(new URL(`../fixtures/question-formats/${name}`, import.meta.url), 'utf8');

let api: ApiHarness;
let instructor: { userId: string; sessionId: string };
let support: { userId: string; sessionId: string };
let otherInstructor: { userId: string; sessionId: string };
beforeAll(async () => {
  api = await createApiHarness();
  instructor = await api.signedIn('instructor');
  support = await api.signedIn('support');
  otherInstructor = await api.signedIn('instructor');
});
afterAll(() => api.close());

/** The quiz's questions, which must fit the shared schema. */
async function questionsOf(quizId: string): Promise<Question[]> {
  const quiz = await getQuiz(api.db, quizId);
  if (!quiz.isOptionsValid) throw new Error(`quiz ${quizId} has invalid options`);
  return quiz.options.questions;
}

async function ownCourse(): Promise<string> {
  return (await createCourse(api.db, { instructorId: instructor.userId })).id;
}

const CATEGORIZED = [
  '$CATEGORY: $course$/Week 1',
  '',
  '::Sum::2 + 2 = ?{=4 ~5}',
  '',
  '::Sky::The sky is blue.{T}',
  '',
  '$CATEGORY: $course$/Week 2',
  '',
  '::Essay::Why?{}',
  '',
].join('\n');

const importInto = (courseId: string, extra: Partial<ImportQuestionsInput> = {}) => ({
  courseId,
  fileName: 'bank.gift',
  content: CATEGORIZED,
  ...extra,
});

describe('question import', () => {
  it('previews the quizzes and question kinds it would create, writing nothing', async () => {
    const courseId = await ownCourse();
    const before = await tableChecksums(api.db);
    const preview = await callOk(
      api,
      'quizzes.import.preview',
      importInto(courseId),
      instructor.sessionId,
    );
    expect(preview).toMatchObject({
      format: 'gift',
      formatReason: "guessed from the file name's .gift",
      questionCount: 3,
      byKind: { single: 1, true_false: 1, essay: 1 },
      quizzes: [
        { title: 'Week 1', action: 'create', line: 1, questionCount: 2 },
        { title: 'Week 2', action: 'create', line: 7, questionCount: 1 },
      ],
      problems: [],
      isWritten: false,
    });
    expect(await tableChecksums(api.db)).toEqual(before);
  });

  it('creates a quiz per category, and a second import appends with fresh ids', async () => {
    const courseId = await ownCourse();
    const first = await callOk(
      api,
      'quizzes.import.apply',
      importInto(courseId),
      instructor.sessionId,
    );
    expect(first.isWritten).toBe(true);
    const week1 = first.quizzes[0]?.quizId;
    if (!week1) throw new Error('no quiz id');
    const created = await getQuiz(api.db, week1);
    expect(created).toMatchObject({ title: 'Week 1', isOptionsValid: true });
    expect((await questionsOf(week1)).map((question) => [question.id, question.title])).toEqual([
      ['q1', 'Sum'],
      ['q2', 'Sky'],
    ]);

    const again = await callOk(
      api,
      'quizzes.import.apply',
      importInto(courseId),
      instructor.sessionId,
    );
    expect(again.quizzes.map((quiz) => [quiz.title, quiz.action, quiz.quizId])).toEqual([
      ['Week 1', 'append', week1],
      ['Week 2', 'append', first.quizzes[1]?.quizId],
    ]);
    expect((await questionsOf(week1)).map((question) => question.id)).toEqual([
      'q1',
      'q2',
      'q3',
      'q4',
    ]);
  });

  it('puts every question into the quiz named, appended to the one of that title', async () => {
    const courseId = await ownCourse();
    const quiz = await createQuiz(api.db, { courseId, title: 'Bank' });
    const result = await callOk(
      api,
      'quizzes.import.apply',
      importInto(courseId, { quizTitle: 'Bank' }),
      instructor.sessionId,
    );
    expect(result.quizzes).toEqual([
      expect.objectContaining({
        title: 'Bank',
        action: 'append',
        quizId: quiz.id,
        questionCount: 3,
      }),
    ]);
    expect(result.notes.map((note) => note.message)).toEqual([
      'the category "Week 1" goes into the quiz "Bank"',
      'the category "Week 2" goes into the quiz "Bank"',
    ]);
    // The factory's question is q1: the file's get the next free ids.
    expect((await questionsOf(quiz.id)).map((question) => question.id)).toEqual([
      'q1',
      'q2',
      'q3',
      'q4',
    ]);
  });

  it('reports every problem of a malformed file with its line and changes nothing', async () => {
    const courseId = await ownCourse();
    const before = await tableChecksums(api.db);
    const result = await callOk(
      api,
      'quizzes.import.apply',
      { courseId, fileName: 'broken.gift', content: fixture('malformed.gift') },
      instructor.sessionId,
    );
    expect(result.isWritten).toBe(false);
    expect(result.problems.map((problem) => [problem.line, problem.column])).toEqual([
      [3, 32],
      [5, 28],
      [7, 23],
      [9, 18],
      [11, 19],
      [13, 1],
    ]);
    expect(await tableChecksums(api.db)).toEqual(before);
  });

  it('checks each question against the shared schema, at its line', async () => {
    const courseId = await ownCourse();
    const result = await callOk(
      api,
      'quizzes.import.preview',
      { courseId, format: 'gift', content: 'Fine{T}\n\nOnly one{~a}\n' },
      instructor.sessionId,
    );
    expect(result.problems).toEqual([
      expect.objectContaining({ line: 3, message: 'choices: needs at least two choices' }),
      expect.objectContaining({ line: 3, message: 'choices: needs at least one correct choice' }),
    ]);
  });

  it('refuses unsupported Moodle question types by name, or leaves them out when asked', async () => {
    const courseId = await ownCourse();
    const input = { courseId, fileName: 'bank.xml', content: fixture('unsupported.xml') };
    const refused = await callOk(api, 'quizzes.import.apply', input, instructor.sessionId);
    expect(refused.isWritten).toBe(false);
    expect(refused.problems.map((problem) => problem.feature)).toEqual([
      'cloze (embedded answers)',
      'calculated',
      'drag and drop into text',
    ]);
    const skipping = await callOk(
      api,
      'quizzes.import.apply',
      { ...input, skipUnsupported: true },
      instructor.sessionId,
    );
    expect(skipping).toMatchObject({
      isWritten: true,
      problems: [],
      questionCount: 3,
      byKind: { short_answer: 1, multiple: 1, numerical: 1 },
    });
    expect(skipping.skipped).toHaveLength(3);
  });

  it('writes nothing when cancelled', async () => {
    const courseId = await ownCourse();
    const before = await tableChecksums(api.db);
    const cancel = new AbortController();
    const run = api.db.withTransaction(
      { actorId: null, actorIp: null, source: 'app' },
      (transaction) =>
        importQuestions(api.db, importInto(courseId), transaction, {
          isDryRun: false,
          signal: cancel.signal,
          progress: () => cancel.abort(),
        }),
    );
    await expect(run).rejects.toThrow();
    expect(await tableChecksums(api.db)).toEqual(before);
  });

  it('asks for a format when the file name does not tell', async () => {
    const result = await api.call(
      'quizzes.import.preview',
      { courseId: await ownCourse(), fileName: 'notes.md', content: 'x' },
      instructor.sessionId,
    );
    expect(result).toMatchObject({
      ok: false,
      error: { code: 'VALIDATION', fields: { format: expect.any(String) } },
    });
  });

  it("is refused on another instructor's course, and to support", async () => {
    const courseId = await ownCourse();
    for (const sessionId of [otherInstructor.sessionId, support.sessionId]) {
      const result = await api.call('quizzes.import.apply', importInto(courseId), sessionId);
      expect(result).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    }
  });
});

describe('question export', () => {
  it('exports a selection as Moodle XML that imports back into another course unchanged', async () => {
    const courseId = await ownCourse();
    const imported = await callOk(
      api,
      'quizzes.import.apply',
      importInto(courseId),
      instructor.sessionId,
    );
    const week1 = imported.quizzes[0]?.quizId ?? '';
    const exported = await callOk(
      api,
      'quizzes.export',
      { courseId, format: 'moodle-xml', questions: [{ quizId: week1, questionId: 'q2' }] },
      support.sessionId,
    );
    expect(exported).toMatchObject({ quizCount: 1, questionCount: 1, notes: [] });
    expect(exported.fileName).toMatch(/\.xml$/);

    const target = await ownCourse();
    const reimported = await callOk(
      api,
      'quizzes.import.apply',
      { courseId: target, fileName: exported.fileName, content: exported.content },
      instructor.sessionId,
    );
    const copyId = reimported.quizzes[0]?.quizId ?? '';
    expect((await getQuiz(api.db, copyId)).title).toBe('Week 1');
    expect(await questionsOf(copyId)).toEqual(
      (await questionsOf(week1)).filter((question) => question.id === 'q2'),
    );
  });

  it('exports only the selected question when another quiz has a question of the same id', async () => {
    const courseId = await ownCourse();
    const imported = await callOk(
      api,
      'quizzes.import.apply',
      importInto(courseId),
      instructor.sessionId,
    );
    const [week1, week2] = imported.quizzes.map((quiz) => quiz.quizId);
    const [sameId] = await questionsOf(week1 ?? '');
    const exported = await callOk(
      api,
      'quizzes.export',
      {
        courseId,
        format: 'json',
        questions: [{ quizId: week2 ?? '', questionId: sameId?.id ?? '' }],
      },
      instructor.sessionId,
    );
    expect((await questionsOf(week2 ?? '')).map((question) => question.id)).toContain(sameId?.id);
    expect(exported).toMatchObject({ quizCount: 1, questionCount: 1 });
    expect(exported.content).toContain('Why?');
    expect(exported.content).not.toContain('2 + 2');
  });

  it('names quizzes and questions that are not in the course', async () => {
    const courseId = await ownCourse();
    const other = await createQuiz(api.db, { courseId: await ownCourse() });
    const result = await api.call(
      'quizzes.export',
      { courseId, format: 'gift', quizIds: [other.id] },
      instructor.sessionId,
    );
    expect(result).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
  });
});
