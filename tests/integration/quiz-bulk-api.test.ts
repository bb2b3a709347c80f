import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { z } from 'zod';
import {
  bulkConflictSchema,
  type BulkOperationInput,
  type QuestionRef,
} from '../../db/schemas/quiz-bulk';
import type { questionSchema } from '../../db/schemas/quiz-options';
import type { ApiResult, Channel, ChannelInput, ChannelOutput } from '../../electron/api/contract';
import { createApiHarness, type ApiHarness } from '../support/api-harness';
import { callOk } from '../support/api-results';
import { createCourse } from '../support/lms-factories';

type Staff = { userId: string; sessionId: string };
type QuestionInput = z.input<typeof questionSchema>;

let api: ApiHarness;
let instructor: Staff;
let otherInstructor: Staff;
let admin: Staff;
let support: Staff;
let courseId: string;
let otherCourseId: string;

beforeAll(async () => {
  api = await createApiHarness();
  instructor = await api.signedIn('instructor');
  otherInstructor = await api.signedIn('instructor');
  admin = await api.signedIn('admin');
  support = await api.signedIn('support');
  courseId = (await createCourse(api.db, { instructorId: instructor.userId, title: 'Algebra' })).id;
  otherCourseId = (
    await createCourse(api.db, { instructorId: otherInstructor.userId, title: 'Biology' })
  ).id;
});
afterEach(() => {
  expect(api.internalErrors).toEqual([]);
});
afterAll(() => api.close());

function as<C extends Channel>(who: Staff, channel: C, input: ChannelInput<C>) {
  return callOk(api, channel, input, who.sessionId);
}

/** The error of a call that must fail. */
async function failure<C extends Channel>(who: Staff, channel: C, input: ChannelInput<C>) {
  const result: ApiResult<unknown> = await api.call(channel, input, who.sessionId);
  if (result.ok) throw new Error(`${channel} succeeded but should have failed`);
  return result.error;
}

function single(id: string, text: string, extra: Partial<QuestionInput> = {}): QuestionInput {
  return {
    id,
    kind: 'single',
    text,
    choices: [
      { id: 'a', text: 'Right answer', correct: true, feedback: 'Well done' },
      { id: 'b', text: 'Wrong answer', correct: false },
    ],
    ...extra,
  } as QuestionInput;
}

let quizCounter = 0;
/** A quiz of `course` (the instructor's unless told) holding these questions, stored through the API. */
async function quizWith(
  questions: QuestionInput[],
  options: { course?: string; owner?: Staff; title?: string } = {},
): Promise<{ id: string; title: string }> {
  quizCounter += 1;
  const title = options.title ?? `Quiz ${String(quizCounter).padStart(3, '0')}`;
  const quiz = await as(options.owner ?? instructor, 'quizzes.create', {
    courseId: options.course ?? courseId,
    title,
    options: { questions },
  });
  return { id: quiz.id, title };
}

/** The quiz's stored row: options exactly as in the database, version and published flag. */
async function storedQuiz(id: string) {
  const [row] = await api.db.select<{ options: unknown; version: number; is_published: boolean }>(
    'SELECT options, version, is_published FROM quizzes WHERE id = $1',
    [id],
  );
  if (!row) throw new Error(`no quiz ${id}`);
  return row;
}

async function questionsOf(id: string) {
  const quiz = await as(admin, 'quizzes.get', { id });
  if (!quiz.isOptionsValid) throw new Error('invalid options');
  return quiz.options.questions;
}

/** Preview then apply as `who`, as the page does; returns both answers. */
async function previewAndApply(
  who: Staff,
  selection: QuestionRef[],
  operation: BulkOperationInput,
): Promise<{
  preview: ChannelOutput<'quizzes.bulk.preview'>;
  applied: ChannelOutput<'quizzes.bulk.apply'>;
}> {
  const preview = await as(who, 'quizzes.bulk.preview', { selection, operation });
  const applied = await as(who, 'quizzes.bulk.apply', {
    selection,
    operation,
    expectedVersions: preview.versions,
  });
  return { preview, applied };
}

const refs = (quizId: string, ...questionIds: string[]): QuestionRef[] =>
  questionIds.map((questionId) => ({ quizId, questionId }));

describe('quizzes.bulk.search', () => {
  let searchCourse: string;
  let first: { id: string };
  let second: { id: string };

  beforeAll(async () => {
    searchCourse = (
      await createCourse(api.db, { instructorId: instructor.userId, title: 'Search course' })
    ).id;
    first = await quizWith(
      [
        single('s1', 'What is teh derivative of x²?', { tags: ['calculus'], points: 3 }),
        { id: 's2', kind: 'true_false', text: 'Zero is even.', answer: true, tags: ['parity'] },
        { id: 's3', kind: 'essay', text: 'Explain teh chain rule.', tags: ['calculus'] },
      ],
      { course: searchCourse, title: 'A search quiz' },
    );
    second = await quizWith(
      [{ id: 's1', kind: 'numerical', text: 'Pi to two places?', answers: [{ value: 3.14 }] }],
      { course: searchCourse, title: 'B search quiz' },
    );
    await quizWith([single('x1', 'Cells have teh nucleus')], {
      course: otherCourseId,
      owner: otherInstructor,
      title: 'Foreign quiz',
    });
  });

  const ids = (page: ChannelOutput<'quizzes.bulk.search'>) =>
    page.items.map((row) => `${row.quizTitle}/${row.questionId}`);

  it('lists the questions of a course in quiz order, each with its quiz, version and answers', async () => {
    const page = await as(instructor, 'quizzes.bulk.search', { courseId: searchCourse });
    expect(ids(page)).toEqual([
      'A search quiz/s1',
      'A search quiz/s2',
      'A search quiz/s3',
      'B search quiz/s1',
    ]);
    expect(page.items[0]).toMatchObject({
      quizId: first.id,
      quizVersion: 1,
      courseTitle: 'Search course',
      position: 0,
      kind: 'single',
      points: 3,
      tags: ['calculus'],
      answers: '✓ Right answer · Wrong answer',
      problem: null,
    });
  });

  it('filters by kind, tag, text and quiz', async () => {
    const byKind = await as(instructor, 'quizzes.bulk.search', {
      courseId: searchCourse,
      kind: 'essay',
    });
    expect(ids(byKind)).toEqual(['A search quiz/s3']);
    const byTag = await as(instructor, 'quizzes.bulk.search', {
      courseId: searchCourse,
      tag: 'calculus',
    });
    expect(ids(byTag)).toEqual(['A search quiz/s1', 'A search quiz/s3']);
    const byText = await as(instructor, 'quizzes.bulk.search', {
      courseId: searchCourse,
      text: 'TEH',
    });
    expect(ids(byText)).toEqual(['A search quiz/s1', 'A search quiz/s3']);
    const byQuiz = await as(instructor, 'quizzes.bulk.search', { quizId: second.id });
    expect(ids(byQuiz)).toEqual(['B search quiz/s1']);
  });

  it('filters by a JSON path run against each question', async () => {
    const page = await as(instructor, 'quizzes.bulk.search', {
      courseId: searchCourse,
      jsonpath: '$.answers[*] ? (@.value > 3)',
    });
    expect(ids(page)).toEqual(['B search quiz/s1']);
    const byPoints = await as(instructor, 'quizzes.bulk.search', {
      courseId: searchCourse,
      jsonpath: '$ ? (@.points >= 2)',
    });
    expect(ids(byPoints)).toEqual(['A search quiz/s1']);
  });

  it('reports a JSON path syntax error as VALIDATION on the jsonpath field', async () => {
    const error = await failure(instructor, 'quizzes.bulk.search', { jsonpath: '$.points >' });
    expect(error.code).toBe('VALIDATION');
    expect(error.message).toMatch(/JSON path "\$\.points >" is not valid: syntax error/);
    expect(error.fields).toHaveProperty('jsonpath');
  });

  it('pages with a keyset cursor, never repeating or skipping a question', async () => {
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await as(instructor, 'quizzes.bulk.search', {
        courseId: searchCourse,
        limit: 3,
        ...(cursor && { cursor }),
      });
      seen.push(...ids(page));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    expect(seen).toEqual([
      'A search quiz/s1',
      'A search quiz/s2',
      'A search quiz/s3',
      'B search quiz/s1',
    ]);
  });

  it("shows an instructor only their own courses' questions; admins and support see all", async () => {
    const mine = await as(instructor, 'quizzes.bulk.search', { text: 'teh' });
    expect(mine.items.map((row) => row.quizTitle)).not.toContain('Foreign quiz');
    const asSupport = await as(support, 'quizzes.bulk.search', { text: 'teh nucleus' });
    expect(ids(asSupport)).toEqual(['Foreign quiz/x1']);
    const asAdmin = await as(admin, 'quizzes.bulk.search', { courseId: otherCourseId });
    expect(ids(asAdmin)).toEqual(['Foreign quiz/x1']);
  });

  it('lets support search but not preview or apply', async () => {
    const error = await failure(support, 'quizzes.bulk.preview', {
      selection: refs(first.id, 's1'),
      operation: { kind: 'delete' },
    });
    expect(error.code).toBe('FORBIDDEN');
  });
});

describe('find and replace', () => {
  it('previews each changed question with its diff, then applies exactly that', async () => {
    const quiz = await quizWith([
      single('q1', 'Teh first question'),
      single('q2', 'Nothing to fix here'),
      single('q3', 'teh third, teh end'),
    ]);
    const operation = { kind: 'replace', find: 'teh', replaceWith: 'the' } as const;
    const { preview, applied } = await previewAndApply(
      instructor,
      refs(quiz.id, 'q1', 'q2', 'q3'),
      operation,
    );
    expect(preview.changes).toEqual([
      {
        quizId: quiz.id,
        quizTitle: quiz.title,
        questionId: 'q3',
        questionText: 'the third, the end',
        effect: 'changed',
        fields: [{ path: 'text', before: 'teh third, teh end', after: 'the third, the end' }],
      },
    ]);
    expect(preview).toMatchObject({
      problems: [],
      quizCount: 1,
      unchangedCount: 2,
      versions: [{ quizId: quiz.id, version: 1 }],
    });
    expect(applied).toMatchObject({
      changedQuestionCount: 1,
      quizzes: [{ quizId: quiz.id, version: 2, title: quiz.title }],
    });
    expect((await questionsOf(quiz.id)).map((q) => q.text)).toEqual([
      'Teh first question',
      'Nothing to fix here',
      'the third, the end',
    ]);
  });

  it('ignores case when asked, and reaches choices and feedback only in those scopes', async () => {
    const quiz = await quizWith([single('q1', 'Right or wrong?')]);
    const { preview } = await previewAndApply(instructor, refs(quiz.id, 'q1'), {
      kind: 'replace',
      find: 'WELL',
      replaceWith: 'Nicely',
      isCaseSensitive: false,
      scopes: ['text', 'choices', 'feedback'],
    });
    expect(preview.changes[0]?.fields).toEqual([
      { path: 'choices.0.feedback', before: 'Well done', after: 'Nicely done' },
    ]);
    await previewAndApply(instructor, refs(quiz.id, 'q1'), {
      kind: 'replace',
      find: 'answer',
      replaceWith: 'reply',
      scopes: ['text'],
    });
    expect((await questionsOf(quiz.id))[0]).toMatchObject({
      choices: [{ text: 'Right answer' }, { text: 'Wrong answer' }],
    });
    await previewAndApply(instructor, refs(quiz.id, 'q1'), {
      kind: 'replace',
      find: 'answer',
      replaceWith: 'reply',
      scopes: ['choices'],
    });
    expect((await questionsOf(quiz.id))[0]).toMatchObject({
      text: 'Right or wrong?',
      choices: [{ text: 'Right reply' }, { text: 'Wrong reply' }],
    });
  });

  it('replaces with regex groups ($1, $<name>), and takes a plain find literally', async () => {
    const quiz = await quizWith([single('q1', 'Costs $5 (or 5$) in 2019-03')]);
    await previewAndApply(instructor, refs(quiz.id, 'q1'), {
      kind: 'replace',
      find: '(?P<year>\\d{4})-(\\d{2})',
      replaceWith: '$2/$<year>',
      isRegex: true,
    });
    expect((await questionsOf(quiz.id))[0]?.text).toBe('Costs $5 (or 5$) in 03/2019');
    await previewAndApply(instructor, refs(quiz.id, 'q1'), {
      kind: 'replace',
      find: '(or 5$)',
      replaceWith: '$&$1',
    });
    expect((await questionsOf(quiz.id))[0]?.text).toBe('Costs $5 $&$1 in 03/2019');
  });

  it('refuses backreferences and lookaround with a clear VALIDATION error on the pattern', async () => {
    const quiz = await quizWith([single('q1', 'abab')]);
    for (const find of ['(ab)\\1', '(?=ab)', 'a(']) {
      const error = await failure(instructor, 'quizzes.bulk.preview', {
        selection: refs(quiz.id, 'q1'),
        operation: { kind: 'replace', find, replaceWith: '', isRegex: true },
      });
      expect(error.code, find).toBe('VALIDATION');
      expect(error.message).toMatch(/RE2 syntax/);
      expect(error.fields).toHaveProperty(['operation.find']);
    }
  });

  it('runs a pattern that backtracking engines never finish, in linear time', async () => {
    const quiz = await quizWith([single('q1', `${'a'.repeat(5000)}!`)]);
    const { preview } = await previewAndApply(instructor, refs(quiz.id, 'q1'), {
      kind: 'replace',
      find: '(a+)+$',
      replaceWith: 'x',
      isRegex: true,
    });
    expect(preview.changes).toEqual([]);
    expect(preview.unchangedCount).toBe(1);
  });

  it('lists results the schema refuses in the preview, and apply then changes nothing', async () => {
    const quiz = await quizWith([
      { id: 'q1', kind: 'short_answer', text: 'Capital of France?', answers: [{ text: 'Paris' }] },
    ]);
    const selection = refs(quiz.id, 'q1');
    const operation: BulkOperationInput = {
      kind: 'replace',
      find: 'Paris',
      replaceWith: '',
      scopes: ['choices'],
    };
    const preview = await as(instructor, 'quizzes.bulk.preview', { selection, operation });
    expect(preview.problems).toEqual([
      expect.objectContaining({ questionId: 'q1', path: 'answers.0.text' }),
    ]);
    const error = await failure(instructor, 'quizzes.bulk.apply', {
      selection,
      operation,
      expectedVersions: preview.versions,
    });
    expect(error.code).toBe('VALIDATION');
    expect(error.message).toMatch(/question q1: answers\.0\.text/);
    expect((await storedQuiz(quiz.id)).version).toBe(1);
  });
});

describe('the other operations', () => {
  it('sets points on the selected questions only', async () => {
    const quiz = await quizWith([single('q1', 'One'), single('q2', 'Two')]);
    const { preview } = await previewAndApply(instructor, refs(quiz.id, 'q2'), {
      kind: 'setPoints',
      points: 5,
    });
    expect(preview.changes[0]?.fields).toEqual([{ path: 'points', before: 1, after: 5 }]);
    expect((await questionsOf(quiz.id)).map((q) => q.points)).toEqual([1, 5]);
  });

  it('sets, appends and removes general feedback', async () => {
    const quiz = await quizWith([single('q1', 'One', { feedback: 'See chapter 2.' })]);
    await previewAndApply(instructor, refs(quiz.id, 'q1'), {
      kind: 'setFeedback',
      mode: 'append',
      feedback: 'Ask in the forum.',
    });
    expect((await questionsOf(quiz.id))[0]?.feedback).toBe('See chapter 2.\n\nAsk in the forum.');
    await previewAndApply(instructor, refs(quiz.id, 'q1'), {
      kind: 'setFeedback',
      mode: 'set',
      feedback: 'Replaced.',
    });
    expect((await questionsOf(quiz.id))[0]?.feedback).toBe('Replaced.');
    await previewAndApply(instructor, refs(quiz.id, 'q1'), {
      kind: 'setFeedback',
      mode: 'set',
      feedback: '',
    });
    expect((await questionsOf(quiz.id))[0]).not.toHaveProperty('feedback');
  });

  it('adds tags once and removes them', async () => {
    const quiz = await quizWith([single('q1', 'One', { tags: ['old'] }), single('q2', 'Two')]);
    await previewAndApply(instructor, refs(quiz.id, 'q1', 'q2'), {
      kind: 'addTags',
      tags: ['old', 'exam', 'exam'],
    });
    expect((await questionsOf(quiz.id)).map((q) => q.tags)).toEqual([
      ['old', 'exam'],
      ['old', 'exam'],
    ]);
    await previewAndApply(instructor, refs(quiz.id, 'q1', 'q2'), {
      kind: 'removeTags',
      tags: ['old'],
    });
    expect((await questionsOf(quiz.id)).map((q) => q.tags)).toEqual([['exam'], ['exam']]);
  });

  it('turns shuffle on and publishes the quizzes of the selection', async () => {
    const quiz = await quizWith([single('q1', 'One')]);
    const { preview } = await previewAndApply(instructor, refs(quiz.id, 'q1'), {
      kind: 'setShuffle',
      shuffle: true,
    });
    expect(preview.changes).toEqual([
      expect.objectContaining({
        questionId: null,
        fields: [{ path: 'shuffle', before: false, after: true }],
      }),
    ]);
    await previewAndApply(instructor, refs(quiz.id, 'q1'), {
      kind: 'setPublished',
      isPublished: true,
    });
    const stored = await storedQuiz(quiz.id);
    expect(stored).toMatchObject({ is_published: true, options: { shuffle: true } });
  });

  it('moves questions to another quiz, keeping ids unless the target already uses them', async () => {
    const source = await quizWith([
      single('q1', 'Moves'),
      single('q2', 'Moves too'),
      single('q3', 'Stays'),
    ]);
    const target = await quizWith([single('q1', 'Already here')]);
    const { preview } = await previewAndApply(instructor, refs(source.id, 'q1', 'q2'), {
      kind: 'moveTo',
      targetQuizId: target.id,
    });
    expect(preview.changes.map((change) => `${change.effect} ${change.questionId}`)).toEqual([
      'removed q1',
      'removed q2',
      'added q1-moved',
      'added q2',
    ]);
    expect((await questionsOf(source.id)).map((q) => q.id)).toEqual(['q3']);
    expect((await questionsOf(target.id)).map((q) => `${q.id}: ${q.text}`)).toEqual([
      'q1: Already here',
      'q1-moved: Moves',
      'q2: Moves too',
    ]);
  });

  it('copies questions under new ids, into another quiz or the same one', async () => {
    const quiz = await quizWith([single('q1', 'Original')]);
    await previewAndApply(instructor, refs(quiz.id, 'q1'), {
      kind: 'copyTo',
      targetQuizId: quiz.id,
    });
    await previewAndApply(instructor, refs(quiz.id, 'q1'), {
      kind: 'copyTo',
      targetQuizId: quiz.id,
    });
    expect((await questionsOf(quiz.id)).map((q) => q.id)).toEqual(['q1', 'q1-copy', 'q1-copy-2']);
  });

  it('deletes the selected questions', async () => {
    const quiz = await quizWith([single('q1', 'Gone'), single('q2', 'Kept')]);
    const { applied } = await previewAndApply(instructor, refs(quiz.id, 'q1'), { kind: 'delete' });
    expect(applied.changedQuestionCount).toBe(1);
    expect((await questionsOf(quiz.id)).map((q) => q.id)).toEqual(['q2']);
  });

  it('says which selected questions a quiz no longer has', async () => {
    const quiz = await quizWith([single('q1', 'Here')]);
    const error = await failure(instructor, 'quizzes.bulk.preview', {
      selection: refs(quiz.id, 'q1', 'ghost'),
      operation: { kind: 'delete' },
    });
    expect(error).toMatchObject({ code: 'NOT_FOUND', message: expect.stringMatching(/"ghost"/) });
  });
});

describe('concurrent editors', () => {
  it('gives the second editor the conflict list, applies nothing of theirs and keeps all of the first', async () => {
    const shared = await quizWith([single('q1', 'teh shared'), single('q2', 'Second')]);
    const onlyFirst = await quizWith([single('q1', 'teh first only')]);
    const onlySecond = await quizWith([single('q1', 'teh second only')]);
    const firstSelection = [...refs(shared.id, 'q1'), ...refs(onlyFirst.id, 'q1')];
    const secondSelection = [...refs(shared.id, 'q1', 'q2'), ...refs(onlySecond.id, 'q1')];
    const firstOperation = { kind: 'replace', find: 'teh', replaceWith: 'the' } as const;
    const secondOperation = { kind: 'setPoints', points: 4 } as const;
    const firstPreview = await as(instructor, 'quizzes.bulk.preview', {
      selection: firstSelection,
      operation: firstOperation,
    });
    const secondPreview = await as(admin, 'quizzes.bulk.preview', {
      selection: secondSelection,
      operation: secondOperation,
    });
    await as(instructor, 'quizzes.bulk.apply', {
      selection: firstSelection,
      operation: firstOperation,
      expectedVersions: firstPreview.versions,
    });
    const error = await failure(admin, 'quizzes.bulk.apply', {
      selection: secondSelection,
      operation: secondOperation,
      expectedVersions: secondPreview.versions,
    });
    expect(error.code).toBe('CONFLICT');
    expect(bulkConflictSchema.parse(error.current).quizzes).toEqual([
      { quizId: shared.id, title: shared.title, expectedVersion: 1, currentVersion: 2 },
    ]);
    expect((await questionsOf(shared.id)).map((q) => [q.text, q.points])).toEqual([
      ['the shared', 1],
      ['Second', 1],
    ]);
    expect((await questionsOf(onlyFirst.id))[0]?.text).toBe('the first only');
    expect(await storedQuiz(onlySecond.id)).toMatchObject({ version: 1 });
  });
});

describe('ownership', () => {
  it("refuses an instructor's operation on another instructor's quiz, changing nothing", async () => {
    const mine = await quizWith([single('q1', 'Mine')]);
    const theirs = await quizWith([single('q1', 'Theirs')], {
      course: otherCourseId,
      owner: otherInstructor,
    });
    const selection = [...refs(mine.id, 'q1'), ...refs(theirs.id, 'q1')];
    const preview = await failure(instructor, 'quizzes.bulk.preview', {
      selection,
      operation: { kind: 'delete' },
    });
    expect(preview).toMatchObject({
      code: 'FORBIDDEN',
      message: expect.stringMatching(/not yours/),
    });
    const apply = await failure(instructor, 'quizzes.bulk.apply', {
      selection,
      operation: { kind: 'delete' },
      expectedVersions: [
        { quizId: mine.id, version: 1 },
        { quizId: theirs.id, version: 1 },
      ],
    });
    expect(apply.code).toBe('FORBIDDEN');
    const moveInto = await failure(instructor, 'quizzes.bulk.preview', {
      selection: refs(mine.id, 'q1'),
      operation: { kind: 'moveTo', targetQuizId: theirs.id },
    });
    expect(moveInto.code).toBe('FORBIDDEN');
    const edit = await failure(instructor, 'quizzes.bulk.editQuestion', {
      quizId: theirs.id,
      version: 1,
      questionId: 'q1',
      changes: { text: 'Mine now' },
    });
    expect(edit.code).toBe('FORBIDDEN');
    expect((await storedQuiz(mine.id)).version).toBe(1);
    expect((await storedQuiz(theirs.id)).version).toBe(1);
  });
});

describe('quizzes.bulk.editQuestion', () => {
  it('edits one question in place and returns its row at the new version', async () => {
    const quiz = await quizWith([single('q1', 'Old text'), single('q2', 'Other')]);
    const row = await as(instructor, 'quizzes.bulk.editQuestion', {
      quizId: quiz.id,
      version: 1,
      questionId: 'q2',
      changes: { text: 'New text', points: 2.5 },
    });
    expect(row).toMatchObject({ quizVersion: 2, position: 1, text: 'New text', points: 2.5 });
    expect((await questionsOf(quiz.id)).map((q) => q.text)).toEqual(['Old text', 'New text']);
  });

  it('is a CONFLICT with the question as it is now when the quiz moved on', async () => {
    const quiz = await quizWith([single('q1', 'Original')]);
    await as(instructor, 'quizzes.bulk.editQuestion', {
      quizId: quiz.id,
      version: 1,
      questionId: 'q1',
      changes: { text: 'First editor' },
    });
    const error = await failure(instructor, 'quizzes.bulk.editQuestion', {
      quizId: quiz.id,
      version: 1,
      questionId: 'q1',
      changes: { text: 'Second editor' },
    });
    expect(error).toMatchObject({
      code: 'CONFLICT',
      current: { text: 'First editor', quizVersion: 2 },
    });
  });

  it('refuses a negative number of points as VALIDATION', async () => {
    const quiz = await quizWith([single('q1', 'One')]);
    const error = await failure(instructor, 'quizzes.bulk.editQuestion', {
      quizId: quiz.id,
      version: 1,
      questionId: 'q1',
      changes: { points: -1 },
    });
    expect(error.code).toBe('VALIDATION');
  });
});

describe('quizzes.bulk.apply without a preview', () => {
  it('asks for a preview when the versions it saw are missing', async () => {
    const quiz = await quizWith([single('q1', 'One')]);
    const other = await quizWith([single('q1', 'Two')]);
    const error = await failure(instructor, 'quizzes.bulk.apply', {
      selection: refs(quiz.id, 'q1'),
      operation: { kind: 'delete' },
      expectedVersions: [{ quizId: other.id, version: 1 }],
    });
    expect(error).toMatchObject({ code: 'VALIDATION', message: expect.stringMatching(/preview/) });
  });
});
