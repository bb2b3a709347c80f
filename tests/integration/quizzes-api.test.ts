import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { z } from 'zod';
import type { questionSchema } from '../../db/schemas/quiz-options';
import type { Channel, ChannelInput } from '../../electron/api/contract';
import { createApiHarness, type ApiHarness } from '../support/api-harness';
import { callOk } from '../support/api-results';
import {
  createAttempt,
  createCourse,
  createLesson,
  createQuiz,
  createStudent,
  enroll,
} from '../support/lms-factories';

type Staff = { userId: string; sessionId: string };
type QuestionInput = z.input<typeof questionSchema>;

let api: ApiHarness;
let instructor: Staff;
let support: Staff;
let courseId: string;
let otherCourseId: string;

beforeAll(async () => {
  api = await createApiHarness();
  instructor = await api.signedIn('instructor');
  support = await api.signedIn('support');
  const otherInstructor = await api.signedIn('instructor');
  courseId = (await createCourse(api.db, { instructorId: instructor.userId })).id;
  otherCourseId = (await createCourse(api.db, { instructorId: otherInstructor.userId })).id;
});
afterEach(() => {
  expect(api.internalErrors).toEqual([]);
});
afterAll(() => api.close());

function asInstructor<C extends Channel>(channel: C, input: ChannelInput<C>) {
  return callOk(api, channel, input, instructor.sessionId);
}

/** A single-choice question whose first choice is right. */
function question(id: string, text = `Question ${id}`): QuestionInput {
  return {
    id,
    kind: 'single',
    text,
    choices: [
      { id: 'a', text: 'Right', correct: true },
      { id: 'b', text: 'Wrong', correct: false },
    ],
  };
}

/** A quiz of the instructor's course with questions of these ids, at version 1. */
async function quizWith(...questionIds: string[]): Promise<string> {
  const quiz = await asInstructor('quizzes.create', {
    courseId,
    title: `Quiz of ${questionIds.join(', ') || 'nothing'}`,
    options: { questions: questionIds.map((id) => question(id)) },
  });
  return quiz.id;
}

async function questionIds(quizId: string): Promise<string[]> {
  const quiz = await asInstructor('quizzes.get', { id: quizId });
  if (!quiz.isOptionsValid) throw new Error('the quiz options are broken');
  return quiz.options.questions.map((q) => q.id);
}

describe('quizzes.create and quizzes.get', () => {
  it('stores options through the shared schema, its defaults filled in', async () => {
    const created = await asInstructor('quizzes.create', {
      courseId,
      title: 'Arithmetic',
      passScore: 60,
      options: { type: 'multiple_choice', questions: [question('q1', '2 + 2 = ?')] },
    });
    const quiz = await asInstructor('quizzes.get', { id: created.id });
    expect(quiz).toMatchObject({
      title: 'Arithmetic',
      passScore: 60,
      type: 'multiple_choice',
      questionCount: 1,
      isOptionsValid: true,
      options: {
        shuffle: false,
        questions: [{ id: 'q1', text: '2 + 2 = ?', points: 1, textFormat: 'plain', tags: [] }],
      },
    });
  });

  it('starts a quiz without options with no questions', async () => {
    const quiz = await asInstructor('quizzes.create', { courseId, title: 'Empty' });
    expect(quiz).toMatchObject({ questionCount: 0, options: { questions: [] } });
  });

  it('refuses options the shared schema rejects, naming the field', async () => {
    const noCorrectChoice = {
      ...question('q1'),
      choices: [
        { id: 'a', text: 'x', correct: false },
        { id: 'b', text: 'y', correct: false },
      ],
    };
    const result = await api.call(
      'quizzes.create',
      { courseId, title: 'Broken', options: { questions: [noCorrectChoice] } },
      instructor.sessionId,
    );
    expect(result).toMatchObject({
      ok: false,
      error: { code: 'VALIDATION', fields: { 'options.questions.0.choices': expect.any(String) } },
    });
  });

  it('hangs a quiz on a lesson of its course', async () => {
    const lesson = await createLesson(api.db, { courseId });
    const quiz = await asInstructor('quizzes.create', {
      courseId,
      title: 'Lesson quiz',
      lessonId: lesson.id,
    });
    expect(quiz.lessonId).toBe(lesson.id);
  });

  it('refuses a lesson of another course, naming lessonId', async () => {
    const foreign = await createLesson(api.db, { courseId: otherCourseId });
    const result = await api.call(
      'quizzes.create',
      { courseId, title: 'Wrong lesson', lessonId: foreign.id },
      instructor.sessionId,
    );
    expect(result).toMatchObject({
      ok: false,
      error: { code: 'VALIDATION', fields: { lessonId: expect.any(String) } },
    });
  });
});

describe('quizzes.list', () => {
  it('lists a course’s quizzes by title, a page at a time, with question counts and no questions', async () => {
    const { id } = await createCourse(api.db, { instructorId: instructor.userId });
    for (const title of ['Beta', 'Alpha', 'Gamma']) {
      await asInstructor('quizzes.create', {
        courseId: id,
        title,
        options: { questions: [question('q1'), question('q2')] },
      });
    }
    const first = await asInstructor('quizzes.list', { courseId: id, limit: 2 });
    expect(first.items.map((quiz) => [quiz.title, quiz.questionCount])).toEqual([
      ['Alpha', 2],
      ['Beta', 2],
    ]);
    expect(first.items[0]).not.toHaveProperty('options');
    const rest = await asInstructor('quizzes.list', {
      courseId: id,
      limit: 2,
      cursor: first.nextCursor ?? undefined,
    });
    expect(rest.items.map((quiz) => quiz.title)).toEqual(['Gamma']);
    expect(rest.nextCursor).toBeNull();
  });
});

describe('quizzes.update and quizzes.delete', () => {
  it('changes the quiz’s fields and bumps its version', async () => {
    const id = await quizWith('q1');
    const lesson = await createLesson(api.db, { courseId });
    const updated = await asInstructor('quizzes.update', {
      id,
      version: 1,
      title: 'Renamed',
      lessonId: lesson.id,
      isPublished: true,
      passScore: 7.5,
      options: { type: 'exam', questions: [question('q9')] },
    });
    expect(updated).toMatchObject({
      title: 'Renamed',
      lessonId: lesson.id,
      isPublished: true,
      passScore: 7.5,
      type: 'exam',
      questionCount: 1,
      version: 2,
    });
  });

  it('refuses to move a quiz onto a lesson of another course', async () => {
    const id = await quizWith('q1');
    const foreign = await createLesson(api.db, { courseId: otherCourseId });
    const result = await api.call(
      'quizzes.update',
      { id, version: 1, lessonId: foreign.id },
      instructor.sessionId,
    );
    expect(result).toMatchObject({
      ok: false,
      error: { code: 'VALIDATION', fields: { lessonId: expect.any(String) } },
    });
  });

  it('returns CONFLICT with the current quiz for a stale version, and overwrites nothing', async () => {
    const id = await quizWith('q1');
    await asInstructor('quizzes.update', { id, version: 1, title: 'Theirs' });
    const stale = await api.call(
      'quizzes.update',
      { id, version: 1, title: 'Mine' },
      instructor.sessionId,
    );
    expect(stale).toMatchObject({
      ok: false,
      error: { code: 'CONFLICT', current: { title: 'Theirs', version: 2 } },
    });
  });

  it('says before a delete how many questions and attempts go with the quiz', async () => {
    const id = await quizWith('q1', 'q2');
    for (let learner = 0; learner < 2; learner += 1) {
      const student = await createStudent(api.db);
      const enrollment = await enroll(api.db, { userId: student.id, courseId });
      await createAttempt(api.db, { enrollmentId: enrollment.id, quizId: id });
    }
    const preview = await asInstructor('quizzes.deletePreview', { id });
    expect(preview).toMatchObject({
      quiz: { id, version: 1 },
      cascades: { questions: 2, attempts: 2 },
    });
  });

  it('deletes a quiz at its version, and refuses a stale one', async () => {
    const id = await quizWith('q1');
    await asInstructor('quizzes.update', { id, version: 1, title: 'Edited' });
    const stale = await api.call('quizzes.delete', { id, version: 1 }, instructor.sessionId);
    expect(stale).toMatchObject({
      ok: false,
      error: { code: 'CONFLICT', current: { version: 2 } },
    });
    await asInstructor('quizzes.delete', { id, version: 2 });
    expect(await api.call('quizzes.get', { id }, instructor.sessionId)).toMatchObject({
      ok: false,
      error: { code: 'NOT_FOUND' },
    });
  });
});

describe('question edits', () => {
  it('adds a question last when no index is given', async () => {
    const id = await quizWith('q1');
    const quiz = await asInstructor('quizzes.addQuestion', {
      quizId: id,
      version: 1,
      question: question('q2'),
    });
    expect(quiz).toMatchObject({ version: 2, questionCount: 2 });
    expect(await questionIds(id)).toEqual(['q1', 'q2']);
  });

  it('adds a question at an index, before the one that was there', async () => {
    const id = await quizWith('q1', 'q2');
    await asInstructor('quizzes.addQuestion', {
      quizId: id,
      version: 1,
      question: question('new'),
      index: 1,
    });
    expect(await questionIds(id)).toEqual(['q1', 'new', 'q2']);
  });

  it('adds the first question of an empty quiz', async () => {
    const id = await quizWith();
    await asInstructor('quizzes.addQuestion', {
      quizId: id,
      version: 1,
      question: question('q1'),
      index: 0,
    });
    expect(await questionIds(id)).toEqual(['q1']);
  });

  it('refuses a question whose id the quiz already has', async () => {
    const id = await quizWith('q1');
    const result = await api.call(
      'quizzes.addQuestion',
      { quizId: id, version: 1, question: question('q1') },
      instructor.sessionId,
    );
    expect(result).toMatchObject({ ok: false, error: { code: 'CONFLICT' } });
    expect(await questionIds(id)).toEqual(['q1']);
  });

  it('refuses an index past the end, naming it', async () => {
    const id = await quizWith('q1');
    const result = await api.call(
      'quizzes.addQuestion',
      { quizId: id, version: 1, question: question('q2'), index: 2 },
      instructor.sessionId,
    );
    expect(result).toMatchObject({
      ok: false,
      error: { code: 'VALIDATION', fields: { index: 'must be between 0 and 1' } },
    });
  });

  it('refuses an edit at a stale version with the current quiz, and changes nothing', async () => {
    const id = await quizWith('q1');
    await asInstructor('quizzes.addQuestion', { quizId: id, version: 1, question: question('q2') });
    const stale = await api.call(
      'quizzes.removeQuestion',
      { quizId: id, version: 1, questionId: 'q1' },
      instructor.sessionId,
    );
    expect(stale).toMatchObject({
      ok: false,
      error: { code: 'CONFLICT', current: { version: 2, questionCount: 2 } },
    });
    expect(await questionIds(id)).toEqual(['q1', 'q2']);
  });

  it('replaces the question with the same id where it stands', async () => {
    const id = await quizWith('q1', 'q2', 'q3');
    const quiz = await asInstructor('quizzes.updateQuestion', {
      quizId: id,
      version: 1,
      question: { id: 'q2', kind: 'true_false', text: 'The sky is blue', answer: true },
    });
    expect(quiz.version).toBe(2);
    if (!quiz.isOptionsValid) throw new Error('the quiz options are broken');
    expect(quiz.options.questions.map((q) => [q.id, q.kind])).toEqual([
      ['q1', 'single'],
      ['q2', 'true_false'],
      ['q3', 'single'],
    ]);
  });

  it('removes a question', async () => {
    const id = await quizWith('q1', 'q2', 'q3');
    await asInstructor('quizzes.removeQuestion', { quizId: id, version: 1, questionId: 'q2' });
    expect(await questionIds(id)).toEqual(['q1', 'q3']);
  });

  it('removes the last question, leaving an empty list', async () => {
    const id = await quizWith('q1');
    const quiz = await asInstructor('quizzes.removeQuestion', {
      quizId: id,
      version: 1,
      questionId: 'q1',
    });
    expect(quiz).toMatchObject({ questionCount: 0, options: { questions: [] } });
  });

  it('moves a question forward and back', async () => {
    const id = await quizWith('q1', 'q2', 'q3', 'q4');
    await asInstructor('quizzes.moveQuestion', {
      quizId: id,
      version: 1,
      questionId: 'q1',
      toIndex: 3,
    });
    expect(await questionIds(id)).toEqual(['q2', 'q3', 'q4', 'q1']);
    await asInstructor('quizzes.moveQuestion', {
      quizId: id,
      version: 2,
      questionId: 'q4',
      toIndex: 0,
    });
    expect(await questionIds(id)).toEqual(['q4', 'q2', 'q3', 'q1']);
  });

  it('refuses a move past the last place, naming toIndex', async () => {
    const id = await quizWith('q1', 'q2');
    const result = await api.call(
      'quizzes.moveQuestion',
      { quizId: id, version: 1, questionId: 'q1', toIndex: 2 },
      instructor.sessionId,
    );
    expect(result).toMatchObject({
      ok: false,
      error: { code: 'VALIDATION', fields: { toIndex: 'must be between 0 and 1' } },
    });
  });

  it('answers NOT_FOUND for a question id the quiz does not have, whichever the edit', async () => {
    const id = await quizWith('q1');
    const edits: [Channel, unknown][] = [
      ['quizzes.updateQuestion', { quizId: id, version: 1, question: question('nope') }],
      ['quizzes.removeQuestion', { quizId: id, version: 1, questionId: 'nope' }],
      ['quizzes.moveQuestion', { quizId: id, version: 1, questionId: 'nope', toIndex: 0 }],
    ];
    for (const [channel, input] of edits) {
      const result = await api.callRaw(channel, input, instructor.sessionId);
      expect({ channel, result }).toMatchObject({
        channel,
        result: { ok: false, error: { code: 'NOT_FOUND' } },
      });
    }
  });
});

describe('a quiz whose options were broken by raw SQL', () => {
  /** A quiz whose second question lost its choices and whose options gained an unknown key. */
  async function brokenQuiz(): Promise<string> {
    const { id } = await createQuiz(api.db, { courseId });
    await api.db.sequelize.query(
      `UPDATE quizzes SET options = options
         || jsonb_build_object('legacy', true)
         || jsonb_build_object('questions', options -> 'questions'
              || '[{"id": "q2", "kind": "single", "text": "Lost its choices"}]'::jsonb)
       WHERE id = $1`,
      { bind: [id] },
    );
    return id;
  }

  it('still reads, with its options as stored and what is wrong with them', async () => {
    const id = await brokenQuiz();
    const quiz = await asInstructor('quizzes.get', { id });
    expect(quiz).toMatchObject({
      isOptionsValid: false,
      questionCount: 2,
      options: { legacy: true, questions: [{ id: 'q1' }, { id: 'q2', text: 'Lost its choices' }] },
    });
    if (quiz.isOptionsValid) throw new Error('the broken options were accepted');
    expect(quiz.problems).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ path: 'questions.1.choices' }),
        expect.objectContaining({ path: '(options)' }),
      ]),
    );
  });

  it('is listed like any other quiz', async () => {
    const id = await brokenQuiz();
    const page = await asInstructor('quizzes.list', { courseId, limit: 500 });
    expect(page.items).toContainEqual(expect.objectContaining({ id, questionCount: 2 }));
  });

  it('can be repaired one question at a time', async () => {
    const id = await brokenQuiz();
    await api.db.sequelize.query(`UPDATE quizzes SET options = options - 'legacy' WHERE id = $1`, {
      bind: [id],
    });
    const { version } = await asInstructor('quizzes.get', { id });
    const repaired = await asInstructor('quizzes.updateQuestion', {
      quizId: id,
      version,
      question: question('q2', 'Has its choices again'),
    });
    expect(repaired).toMatchObject({ isOptionsValid: true, questionCount: 2 });
  });
});

describe('who may do what', () => {
  it('refuses an instructor every quiz channel on a course they do not own', async () => {
    const { id } = await createQuiz(api.db, { courseId: otherCourseId });
    const quiz = { quizId: id, version: 1 };
    const calls: [Channel, unknown][] = [
      ['quizzes.list', { courseId: otherCourseId }],
      ['quizzes.get', { id }],
      ['quizzes.create', { courseId: otherCourseId, title: 'Intruder' }],
      ['quizzes.update', { id, version: 1, title: 'Intruder' }],
      ['quizzes.delete', { id, version: 1 }],
      ['quizzes.addQuestion', { ...quiz, question: question('q2') }],
      ['quizzes.updateQuestion', { ...quiz, question: question('q1') }],
      ['quizzes.removeQuestion', { ...quiz, questionId: 'q1' }],
      ['quizzes.moveQuestion', { ...quiz, questionId: 'q1', toIndex: 0 }],
    ];
    for (const [channel, input] of calls) {
      const result = await api.callRaw(channel, input, instructor.sessionId);
      expect({ channel, result }).toMatchObject({
        channel,
        result: { ok: false, error: { code: 'FORBIDDEN' } },
      });
    }
  });

  it('lets support read quizzes', async () => {
    const id = await quizWith('q1');
    for (const [channel, input] of [
      ['quizzes.list', { courseId }],
      ['quizzes.get', { id }],
    ] as const) {
      expect(await api.callRaw(channel, input, support.sessionId)).toMatchObject({ ok: true });
    }
  });

  it('refuses support every quiz write', async () => {
    const id = await quizWith('q1');
    const quiz = { quizId: id, version: 1 };
    const writes: [Channel, unknown][] = [
      ['quizzes.create', { courseId, title: 'Support quiz' }],
      ['quizzes.update', { id, version: 1, title: 'Support edit' }],
      ['quizzes.delete', { id, version: 1 }],
      ['quizzes.addQuestion', { ...quiz, question: question('q2') }],
      ['quizzes.updateQuestion', { ...quiz, question: question('q1') }],
      ['quizzes.removeQuestion', { ...quiz, questionId: 'q1' }],
      ['quizzes.moveQuestion', { ...quiz, questionId: 'q1', toIndex: 0 }],
    ];
    for (const [channel, input] of writes) {
      const result = await api.callRaw(channel, input, support.sessionId);
      expect({ channel, result }).toMatchObject({
        channel,
        result: { ok: false, error: { code: 'FORBIDDEN' } },
      });
    }
    expect(await asInstructor('quizzes.get', { id })).toMatchObject({ version: 1 });
  });
});
