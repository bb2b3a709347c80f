import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { z } from 'zod';
import {
  bulkConflictSchema,
  type BulkOperationInput,
  type QuestionRef,
} from '../../db/schemas/quiz-bulk';
import type { questionSchema } from '../../db/schemas/quiz-options';
import type {
  ApiProgress,
  ApiResult,
  Channel,
  ChannelInput,
  ChannelOutput,
} from '../../electron/api/contract';
import { createApiHarness, type ApiHarness } from '../support/api-harness';
import { callOk } from '../support/api-results';
import { createCourse } from '../support/lms-factories';
import { tableChecksums } from '../support/table-checksum';

/**
 * Bulk apply and undo as long work (progress in quizzes, cancel leaves nothing), and undo from
 * the record of applied operations: it outlives the page and the session that applied them.
 */

type Staff = { userId: string; sessionId: string };
type QuestionInput = z.input<typeof questionSchema>;

let api: ApiHarness;
let instructor: Staff;
let otherInstructor: Staff;
let admin: Staff;
let courseId: string;

beforeAll(async () => {
  api = await createApiHarness();
  instructor = await api.signedIn('instructor');
  otherInstructor = await api.signedIn('instructor');
  admin = await api.signedIn('admin');
  courseId = (await createCourse(api.db, { instructorId: instructor.userId, title: 'Algebra' })).id;
});
afterEach(() => {
  expect(api.internalErrors).toEqual([]);
});
afterAll(() => api.close());

function as<C extends Channel>(who: Staff, channel: C, input: ChannelInput<C>) {
  return callOk(api, channel, input, who.sessionId);
}

async function failure<C extends Channel>(who: Staff, channel: C, input: ChannelInput<C>) {
  const result: ApiResult<unknown> = await api.call(channel, input, who.sessionId);
  if (result.ok) throw new Error(`${channel} succeeded but should have failed`);
  return result.error;
}

/**
 * A long call as the doors make it: with a call id, a progress listener and a cancel signal.
 * `cancelWhen` aborts the call at the first progress event it accepts.
 */
async function longCall<C extends 'quizzes.bulk.apply' | 'quizzes.bulk.undo'>(
  who: Staff,
  channel: C,
  input: ChannelInput<C>,
  cancelWhen: (progress: ApiProgress) => boolean = () => false,
): Promise<{ result: ApiResult<unknown>; events: ApiProgress[] }> {
  const events: ApiProgress[] = [];
  const controller = new AbortController();
  const { result } = await api.router.call(channel, input, {
    sessionId: who.sessionId,
    ip: '127.0.0.1',
    source: 'app',
    callId: `call-${channel}`,
    signal: controller.signal,
    onProgress: (progress) => {
      events.push(progress);
      if (cancelWhen(progress)) controller.abort();
    },
  });
  return { result, events };
}

function trueFalse(id: string, text: string): QuestionInput {
  return { id, kind: 'true_false', text, answer: true } as QuestionInput;
}

let quizCounter = 0;
async function quizWith(
  questions: QuestionInput[],
  owner: Staff = instructor,
  course = courseId,
): Promise<{ id: string; title: string }> {
  quizCounter += 1;
  const title = `Quiz ${String(quizCounter).padStart(4, '0')}`;
  const quiz = await as(owner, 'quizzes.create', {
    courseId: course,
    title,
    options: { questions },
  });
  return { id: quiz.id, title };
}

/** `count` quizzes of the instructor's course, each with one question reading `text`, written in one statement. */
async function manyQuizzes(count: number, text: string): Promise<string[]> {
  const rows = await api.db.select<{ id: string }>(
    `INSERT INTO quizzes (course_id, title, options)
     SELECT $1, 'Many ' || n, jsonb_build_object('questions', jsonb_build_array(
              jsonb_build_object('id', 'q1', 'kind', 'true_false', 'text', $2::text, 'answer', true)))
       FROM generate_series(1, $3::int) AS n
     RETURNING id`,
    [courseId, text, count],
  );
  return rows.map((row) => row.id);
}

async function storedQuiz(id: string) {
  const [row] = await api.db.select<{ options: unknown; version: number; is_published: boolean }>(
    'SELECT options, version, is_published FROM quizzes WHERE id = $1',
    [id],
  );
  if (!row) throw new Error(`no quiz ${id}`);
  return row;
}

const refs = (quizIds: readonly string[], questionId = 'q1'): QuestionRef[] =>
  quizIds.map((quizId) => ({ quizId, questionId }));

async function previewAndApply(
  who: Staff,
  selection: QuestionRef[],
  operation: BulkOperationInput,
): Promise<ChannelOutput<'quizzes.bulk.apply'>> {
  const preview = await as(who, 'quizzes.bulk.preview', { selection, operation });
  return as(who, 'quizzes.bulk.apply', {
    selection,
    operation,
    expectedVersions: preview.versions,
  });
}

async function applyInput(
  who: Staff,
  selection: QuestionRef[],
  operation: BulkOperationInput,
): Promise<ChannelInput<'quizzes.bulk.apply'>> {
  const preview = await as(who, 'quizzes.bulk.preview', { selection, operation });
  return { selection, operation, expectedVersions: preview.versions };
}

function operationIdOf(result: ChannelOutput<'quizzes.bulk.apply'>): string {
  if (result.operationId === null) throw new Error('the write changed nothing');
  return result.operationId;
}

describe('quizzes.bulk.apply as long work', () => {
  it('reports its progress in quizzes written, of all it writes, chunk by chunk', async () => {
    const ids = await manyQuizzes(600, 'Progress is shown');
    const input = await applyInput(instructor, refs(ids), { kind: 'setPoints', points: 4 });
    const { result, events } = await longCall(instructor, 'quizzes.bulk.apply', input);
    expect(result).toMatchObject({ ok: true, data: { changedQuestionCount: 600 } });
    const writing = events.filter((event) => event.message === 'Writing quizzes');
    expect(writing.map((event) => [event.done, event.total])).toEqual([
      [0, 600],
      [250, 600],
      [500, 600],
      [600, 600],
    ]);
    expect(events[0]).toMatchObject({ done: 0, total: 600, message: 'Reading quizzes' });
  });

  it('writes nothing when cancelled after its last chunk was written, and says so', async () => {
    const ids = await manyQuizzes(300, 'Cancel me');
    const input = await applyInput(instructor, refs(ids), {
      kind: 'replace',
      find: 'Cancel',
      replaceWith: 'Cancelled',
    });
    const before = await tableChecksums(api.db);
    const { result, events } = await longCall(
      instructor,
      'quizzes.bulk.apply',
      input,
      (event) => event.message === 'Writing quizzes' && event.done === event.total,
    );
    expect(result).toEqual({
      ok: false,
      error: { code: 'CANCELLED', message: 'Cancelled: nothing was changed.' },
    });
    expect(events.at(-1)).toMatchObject({ done: 300, total: 300 });
    expect(await tableChecksums(api.db)).toEqual(before);
    const recorded = (await as(instructor, 'quizzes.bulk.recent', { limit: 50 })).items;
    expect(recorded.map((item) => item.operation.kind)).not.toContain('replace');
  });
});

describe('quizzes.bulk.undo', () => {
  it('undoes from a fresh session, as after a reload: every quiz exactly as it was', async () => {
    const source = await quizWith([trueFalse('q1', 'Moving'), trueFalse('q2', 'Staying')]);
    const target = await quizWith([trueFalse('t1', 'Target')]);
    const before = [await storedQuiz(source.id), await storedQuiz(target.id)];
    const applied = await previewAndApply(instructor, refs([source.id]), {
      kind: 'moveTo',
      targetQuizId: target.id,
    });
    const reloaded = { ...instructor, sessionId: api.router.sessions.start(instructor.userId) };
    const [latest] = (await as(reloaded, 'quizzes.bulk.recent', {})).items;
    expect(latest).toMatchObject({
      id: applied.operationId,
      action: 'apply',
      operation: { kind: 'moveTo', targetQuizId: target.id },
      quizCount: 2,
      questionCount: 2,
      blockedBy: null,
    });
    const undone = await as(reloaded, 'quizzes.bulk.undo', { operationId: operationIdOf(applied) });
    expect(undone.changedQuestionCount).toBe(2);
    const after = [await storedQuiz(source.id), await storedQuiz(target.id)];
    expect(after.map((row) => row.options)).toEqual(before.map((row) => row.options));
    expect(after.map((row) => row.version)).toEqual([3, 3]);
  });

  it('is itself undoable: undoing the undo redoes the operation', async () => {
    const quiz = await quizWith([trueFalse('q1', 'teh one')]);
    const applied = await previewAndApply(instructor, refs([quiz.id]), {
      kind: 'replace',
      find: 'teh',
      replaceWith: 'the',
    });
    const undone = await as(instructor, 'quizzes.bulk.undo', {
      operationId: operationIdOf(applied),
    });
    const redone = await as(instructor, 'quizzes.bulk.undo', {
      operationId: operationIdOf(undone),
    });
    expect(redone.quizzes).toEqual([{ quizId: quiz.id, version: 4, title: quiz.title }]);
    expect((await storedQuiz(quiz.id)).options).toMatchObject({
      questions: [{ text: 'the one' }],
    });
    const items = (await as(instructor, 'quizzes.bulk.recent', { limit: 3 })).items;
    expect(items.map((item) => [item.action, item.blockedBy])).toEqual([
      ['redo', null],
      ['undo', 'undone'],
      ['apply', 'undone'],
    ]);
  });

  it('puts published flags back', async () => {
    const quiz = await quizWith([trueFalse('q1', 'One')]);
    const applied = await previewAndApply(instructor, refs([quiz.id]), {
      kind: 'setPublished',
      isPublished: true,
    });
    await as(instructor, 'quizzes.bulk.undo', { operationId: operationIdOf(applied) });
    expect((await storedQuiz(quiz.id)).is_published).toBe(false);
  });

  it('is a CONFLICT listing the quizzes edited since, and changes nothing', async () => {
    const edited = await quizWith([trueFalse('q1', 'teh one')]);
    const untouched = await quizWith([trueFalse('q1', 'teh two')]);
    const applied = await previewAndApply(instructor, refs([edited.id, untouched.id]), {
      kind: 'replace',
      find: 'teh',
      replaceWith: 'the',
    });
    await as(admin, 'quizzes.update', {
      id: edited.id,
      version: 2,
      title: 'Renamed',
    });
    const before = await tableChecksums(api.db);
    const error = await failure(instructor, 'quizzes.bulk.undo', {
      operationId: operationIdOf(applied),
    });
    expect(error.code).toBe('CONFLICT');
    expect(error.message).toMatch(/^Nothing was undone: a quiz was edited or deleted after/);
    expect(bulkConflictSchema.parse(error.current).quizzes).toEqual([
      { quizId: edited.id, title: 'Renamed', expectedVersion: 2, currentVersion: 3 },
    ]);
    expect(await tableChecksums(api.db)).toEqual(before);
    const [latest] = (await as(instructor, 'quizzes.bulk.recent', {})).items;
    expect(latest).toMatchObject({ id: applied.operationId, blockedBy: 'changed' });
  });

  it('lists a deleted quiz in the CONFLICT with no current version', async () => {
    const deleted = await quizWith([trueFalse('q1', 'Gone soon')]);
    const applied = await previewAndApply(instructor, refs([deleted.id]), {
      kind: 'setPoints',
      points: 2,
    });
    await as(instructor, 'quizzes.delete', { id: deleted.id, version: 2 });
    const error = await failure(instructor, 'quizzes.bulk.undo', {
      operationId: operationIdOf(applied),
    });
    expect(bulkConflictSchema.parse(error.current).quizzes).toEqual([
      { quizId: deleted.id, title: null, expectedVersion: 2, currentVersion: null },
    ]);
  });

  it('is a CONFLICT the second time, changing nothing', async () => {
    const quiz = await quizWith([trueFalse('q1', 'Once')]);
    const applied = await previewAndApply(instructor, refs([quiz.id]), {
      kind: 'addTags',
      tags: ['week-1'],
    });
    await as(instructor, 'quizzes.bulk.undo', { operationId: operationIdOf(applied) });
    const error = await failure(instructor, 'quizzes.bulk.undo', {
      operationId: operationIdOf(applied),
    });
    expect(error).toMatchObject({
      code: 'CONFLICT',
      message: expect.stringMatching(/undone already/),
    });
    expect((await storedQuiz(quiz.id)).version).toBe(3);
  });

  it('reports progress in quizzes restored, and a cancel leaves the operation applied and undoable', async () => {
    const ids = await manyQuizzes(300, 'Undo me');
    const applied = await previewAndApply(instructor, refs(ids), { kind: 'setPoints', points: 5 });
    const before = await tableChecksums(api.db);
    const cancelled = await longCall(
      instructor,
      'quizzes.bulk.undo',
      { operationId: operationIdOf(applied) },
      (event) => event.message === 'Restoring quizzes' && event.done === event.total,
    );
    expect(cancelled.result).toMatchObject({ ok: false, error: { code: 'CANCELLED' } });
    expect(cancelled.events.map((event) => [event.message, event.done])).toEqual([
      ['Checking quizzes', 0],
      ['Restoring quizzes', 0],
      ['Restoring quizzes', 250],
      ['Restoring quizzes', 300],
    ]);
    expect(await tableChecksums(api.db)).toEqual(before);
    const [latest] = (await as(instructor, 'quizzes.bulk.recent', {})).items;
    expect(latest).toMatchObject({ id: applied.operationId, blockedBy: null });
    const undone = await longCall(instructor, 'quizzes.bulk.undo', {
      operationId: operationIdOf(applied),
    });
    expect(undone.result).toMatchObject({ ok: true, data: { changedQuestionCount: 300 } });
  });

  it("refuses an instructor's undo that reaches another instructor's quiz, changing nothing", async () => {
    const theirs = await quizWith(
      [trueFalse('q1', 'Theirs')],
      otherInstructor,
      (await createCourse(api.db, { instructorId: otherInstructor.userId, title: 'Biology' })).id,
    );
    const applied = await previewAndApply(admin, refs([theirs.id]), {
      kind: 'setPoints',
      points: 3,
    });
    const error = await failure(instructor, 'quizzes.bulk.undo', {
      operationId: operationIdOf(applied),
    });
    expect(error).toMatchObject({ code: 'FORBIDDEN', message: expect.stringMatching(/not yours/) });
    expect((await storedQuiz(theirs.id)).version).toBe(2);
  });

  it('is NOT_FOUND for an operation never recorded', async () => {
    const error = await failure(instructor, 'quizzes.bulk.undo', {
      operationId: '00000000-0000-4000-8000-000000000000',
    });
    expect(error.code).toBe('NOT_FOUND');
  });
});

describe('quizzes.bulk.recent', () => {
  it("lists only the caller's own operations, newest first", async () => {
    const quiz = await quizWith([trueFalse('q1', 'Mine')]);
    await previewAndApply(instructor, refs([quiz.id]), { kind: 'setPoints', points: 2 });
    await previewAndApply(admin, refs([quiz.id]), { kind: 'setPoints', points: 3 });
    const mine = (await as(instructor, 'quizzes.bulk.recent', { limit: 1 })).items;
    expect(mine).toMatchObject([
      { operation: { kind: 'setPoints', points: 2 }, blockedBy: 'changed' },
    ]);
    const theirs = (await as(admin, 'quizzes.bulk.recent', { limit: 1 })).items;
    expect(theirs).toMatchObject([
      { operation: { kind: 'setPoints', points: 3 }, blockedBy: null },
    ]);
  });
});
