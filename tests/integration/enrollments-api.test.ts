import { randomUUID } from 'node:crypto';
import { QueryTypes } from 'sequelize';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Channel, ChannelInput } from '../../electron/api/contract';
import { createApiHarness, type ApiHarness } from '../support/api-harness';
import { callOk } from '../support/api-results';
import {
  countRows,
  createAttempt,
  createCourse,
  createLesson,
  createQuiz,
  createStudent,
  enroll,
  recordProgress,
} from '../support/lms-factories';

/** The channels this file covers, as the contract names them. */
type EnrollmentChannel = Extract<
  Channel,
  `enrollments.${string}` | `progress.${string}` | `attempts.${string}`
>;

let api: ApiHarness;
let admin: string;
let owner: { userId: string; sessionId: string };
let stranger: string;
let support: string;

beforeAll(async () => {
  api = await createApiHarness();
  admin = (await api.signedIn('admin')).sessionId;
  owner = await api.signedIn('instructor');
  stranger = (await api.signedIn('instructor')).sessionId;
  support = (await api.signedIn('support')).sessionId;
});
afterEach(() => {
  expect(api.internalErrors).toEqual([]);
});
afterAll(() => api.close());

/** A course the signed-in instructor owns, with one learner enrolled. */
async function ownedCourseWithLearner() {
  const course = await createCourse(api.db, { instructorId: owner.userId });
  const student = await createStudent(api.db);
  const enrollment = await enroll(api.db, { userId: student.id, courseId: course.id });
  return { course, student, enrollment };
}

/** An enrollment of an owned course with a submitted attempt scored 6 out of 10. */
async function submittedAttempt() {
  const { course, enrollment } = await ownedCourseWithLearner();
  const quiz = await createQuiz(api.db, { courseId: course.id });
  const attempt = await createAttempt(api.db, {
    enrollmentId: enrollment.id,
    quizId: quiz.id,
    score: 6,
    maxScore: 10,
  });
  return { course, enrollment, quiz, attempt };
}

async function enrollmentRow(id: string) {
  const rows = await api.db.sequelize.query<{ status: string; completed_at: Date | null }>(
    `SELECT status, completed_at FROM enrollments WHERE id = $1`,
    { bind: [id], type: QueryTypes.SELECT },
  );
  return rows[0];
}

describe('enrollments.enrollMany', () => {
  it('accounts for every user named: enrolled now, enrolled before, or matching no active user', async () => {
    const { course, student: before } = await ownedCourseWithLearner();
    const byId = await createStudent(api.db, { email: 'by-id@example.org' });
    const byEmail = await createStudent(api.db, { email: 'by-email@example.org' });
    const deactivated = await createStudent(api.db, { isActive: false });
    const unknownId = randomUUID();

    const result = await callOk(
      api,
      'enrollments.enrollMany',
      {
        courseId: course.id,
        userIds: [byId.id, before.id, unknownId],
        emails: ['BY-EMAIL@example.org', 'nobody@example.org', deactivated.email],
      },
      admin,
    );

    expect(result.enrolled.map((row) => row.email)).toEqual([byEmail.email, byId.email]);
    expect(result.enrolled[0]).toMatchObject({
      courseId: course.id,
      userId: byEmail.id,
      fullName: byEmail.fullName,
      status: 'active',
      completedAt: null,
      version: 1,
    });
    expect(result.alreadyEnrolled.map((row) => row.userId)).toEqual([before.id]);
    expect(result.unmatched).toEqual({
      userIds: [unknownId],
      emails: ['nobody@example.org', deactivated.email],
    });
    expect(await countRows(api.db, 'enrollments', { column: 'course_id', value: course.id })).toBe(
      3,
    );
  });

  it('enrols a user named both by id and by email once', async () => {
    const course = await createCourse(api.db);
    const student = await createStudent(api.db);

    const result = await callOk(
      api,
      'enrollments.enrollMany',
      { courseId: course.id, userIds: [student.id], emails: [student.email] },
      admin,
    );

    expect(result.enrolled.map((row) => row.userId)).toEqual([student.id]);
    expect(result.unmatched).toEqual({ userIds: [], emails: [] });
  });

  it('stamps completed_at on users enrolled straight into completed', async () => {
    const course = await createCourse(api.db);
    const student = await createStudent(api.db);

    const result = await callOk(
      api,
      'enrollments.enrollMany',
      { courseId: course.id, userIds: [student.id], status: 'completed' },
      admin,
    );

    expect(result.enrolled[0]?.completedAt).toBeInstanceOf(Date);
  });

  it('refuses a call that names nobody', async () => {
    const course = await createCourse(api.db);
    const result = await api.call('enrollments.enrollMany', { courseId: course.id }, admin);
    expect(result).toMatchObject({
      ok: false,
      error: { code: 'VALIDATION', fields: { userIds: expect.any(String) } },
    });
  });

  it('answers NOT_FOUND for a course that does not exist', async () => {
    const student = await createStudent(api.db);
    const result = await api.call(
      'enrollments.enrollMany',
      { courseId: randomUUID(), userIds: [student.id] },
      admin,
    );
    expect(result).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
  });
});

describe('enrollments.list', () => {
  it("pages through a course's enrollments by learner email, each with the learner's name", async () => {
    const course = await createCourse(api.db);
    const other = await createCourse(api.db);
    for (const email of ['c@example.org', 'a@example.org', 'b@example.org']) {
      const student = await createStudent(api.db, { email, fullName: `Learner ${email}` });
      await enroll(api.db, { userId: student.id, courseId: course.id });
    }
    const outsider = await createStudent(api.db, { email: 'aa@example.org' });
    await enroll(api.db, { userId: outsider.id, courseId: other.id });

    const first = await callOk(api, 'enrollments.list', { courseId: course.id, limit: 2 }, admin);
    expect(first.items.map((row) => [row.email, row.fullName])).toEqual([
      ['a@example.org', 'Learner a@example.org'],
      ['b@example.org', 'Learner b@example.org'],
    ]);
    if (!first.nextCursor) throw new Error('expected a second page');
    const second = await callOk(
      api,
      'enrollments.list',
      { courseId: course.id, limit: 2, cursor: first.nextCursor },
      admin,
    );
    expect(second.items.map((row) => row.email)).toEqual(['c@example.org']);
    expect(second.nextCursor).toBeNull();
  });

  it('filters by status and searches names and emails', async () => {
    const course = await createCourse(api.db);
    const ada = await createStudent(api.db, { fullName: 'Ada Lovelace' });
    const alan = await createStudent(api.db, { fullName: 'Alan Turing' });
    const grace = await createStudent(api.db, { fullName: 'Grace Hopper' });
    await enroll(api.db, { userId: ada.id, courseId: course.id, status: 'completed' });
    await enroll(api.db, { userId: alan.id, courseId: course.id, status: 'completed' });
    await enroll(api.db, { userId: grace.id, courseId: course.id });

    const page = await callOk(
      api,
      'enrollments.list',
      { courseId: course.id, status: 'completed', search: 'love' },
      admin,
    );

    expect(page.items.map((row) => row.fullName)).toEqual(['Ada Lovelace']);
  });

  it('refuses a cursor it never returned', async () => {
    const course = await createCourse(api.db);
    const result = await api.call(
      'enrollments.list',
      { courseId: course.id, cursor: 'not-a-cursor' },
      admin,
    );
    expect(result).toMatchObject({
      ok: false,
      error: { code: 'VALIDATION', fields: { cursor: expect.any(String) } },
    });
  });
});

describe('enrollments.unenrollPreview and enrollments.unenrollMany', () => {
  /** A course with two enrollments, one with a progress row and two attempts. */
  async function courseWithHistory() {
    const { course, enrollment } = await ownedCourseWithLearner();
    const second = await enroll(api.db, {
      userId: (await createStudent(api.db)).id,
      courseId: course.id,
    });
    const lesson = await createLesson(api.db, { courseId: course.id });
    const quiz = await createQuiz(api.db, { courseId: course.id });
    await recordProgress(api.db, { enrollmentId: enrollment.id, lessonId: lesson.id });
    await createAttempt(api.db, { enrollmentId: enrollment.id, quizId: quiz.id, score: 5 });
    await createAttempt(api.db, { enrollmentId: enrollment.id, quizId: quiz.id, score: 8 });
    return { course, enrollmentIds: [enrollment.id, second.id] };
  }

  it('previews what unenrolling would remove, changing nothing', async () => {
    const { course, enrollmentIds } = await courseWithHistory();

    const preview = await callOk(
      api,
      'enrollments.unenrollPreview',
      { courseId: course.id, enrollmentIds },
      admin,
    );

    expect(preview).toEqual({ enrollments: 2, lessonProgress: 1, quizAttempts: 2 });
    expect(await countRows(api.db, 'enrollments', { column: 'course_id', value: course.id })).toBe(
      2,
    );
  });

  it('unenrols many in one call, their progress and attempts with them', async () => {
    const { course, enrollmentIds } = await courseWithHistory();

    const removed = await callOk(
      api,
      'enrollments.unenrollMany',
      { courseId: course.id, enrollmentIds },
      admin,
    );

    expect(removed).toEqual({ enrollments: 2, lessonProgress: 1, quizAttempts: 2 });
    expect(await countRows(api.db, 'enrollments', { column: 'course_id', value: course.id })).toBe(
      0,
    );
    for (const id of enrollmentIds) {
      expect(
        await countRows(api.db, 'lesson_progress', { column: 'enrollment_id', value: id }),
      ).toBe(0);
      expect(await countRows(api.db, 'quiz_attempts', { column: 'enrollment_id', value: id })).toBe(
        0,
      );
    }
  });

  it('refuses ids that are not enrollments of the course and removes nothing', async () => {
    const { course, enrollmentIds } = await courseWithHistory();
    const elsewhere = await ownedCourseWithLearner();
    const unknown = randomUUID();

    const result = await api.call(
      'enrollments.unenrollMany',
      { courseId: course.id, enrollmentIds: [...enrollmentIds, elsewhere.enrollment.id, unknown] },
      admin,
    );

    expect(result).toMatchObject({
      ok: false,
      error: { code: 'VALIDATION', fields: { enrollmentIds: expect.any(String) } },
    });
    if (!result.ok) {
      expect(result.error.message).toContain(elsewhere.enrollment.id);
      expect(result.error.message).toContain(unknown);
    }
    expect(await countRows(api.db, 'enrollments', { column: 'course_id', value: course.id })).toBe(
      2,
    );
    expect(
      await countRows(api.db, 'enrollments', { column: 'id', value: elsewhere.enrollment.id }),
    ).toBe(1);
  });
});

describe('enrollments.setStatus', () => {
  it('stamps completed_at when an enrollment becomes completed', async () => {
    const { enrollment } = await ownedCourseWithLearner();

    const updated = await callOk(
      api,
      'enrollments.setStatus',
      { enrollmentId: enrollment.id, version: enrollment.version, status: 'completed' },
      admin,
    );

    expect(updated).toMatchObject({ status: 'completed', version: enrollment.version + 1 });
    expect(updated.completedAt).toBeInstanceOf(Date);
  });

  it('clears completed_at when a completed enrollment goes back to active', async () => {
    const { course } = await ownedCourseWithLearner();
    const student = await createStudent(api.db);
    const enrollment = await enroll(api.db, {
      userId: student.id,
      courseId: course.id,
      status: 'completed',
    });

    const updated = await callOk(
      api,
      'enrollments.setStatus',
      { enrollmentId: enrollment.id, version: enrollment.version, status: 'active' },
      admin,
    );

    expect(updated).toMatchObject({ status: 'active', completedAt: null });
    expect(await enrollmentRow(enrollment.id)).toEqual({ status: 'active', completed_at: null });
  });

  it('returns CONFLICT with the current enrollment for a stale version, changing nothing', async () => {
    const { enrollment } = await ownedCourseWithLearner();
    await callOk(
      api,
      'enrollments.setStatus',
      { enrollmentId: enrollment.id, version: enrollment.version, status: 'dropped' },
      admin,
    );

    const stale = await api.call(
      'enrollments.setStatus',
      { enrollmentId: enrollment.id, version: enrollment.version, status: 'completed' },
      admin,
    );

    expect(stale).toMatchObject({
      ok: false,
      error: { code: 'CONFLICT', current: { status: 'dropped', version: enrollment.version + 1 } },
    });
    expect(await enrollmentRow(enrollment.id)).toEqual({ status: 'dropped', completed_at: null });
  });
});

describe('progress', () => {
  it('lists every lesson of the course in order, those without progress as not_started', async () => {
    const { course, enrollment } = await ownedCourseWithLearner();
    const first = await createLesson(api.db, { courseId: course.id, title: 'Intro' });
    await createLesson(api.db, { courseId: course.id, title: 'Next' });
    await recordProgress(api.db, {
      enrollmentId: enrollment.id,
      lessonId: first.id,
      status: 'completed',
      timeSpentSeconds: 90,
    });

    const list = await callOk(api, 'progress.list', { enrollmentId: enrollment.id }, admin);

    expect(list.enrollment.id).toBe(enrollment.id);
    expect(list.items).toMatchObject([
      { lessonTitle: 'Intro', position: 1, status: 'completed', timeSpentSeconds: 90, version: 1 },
      {
        lessonTitle: 'Next',
        position: 2,
        status: 'not_started',
        progressId: null,
        completedAt: null,
        timeSpentSeconds: 0,
        version: null,
      },
    ]);
    expect(list.items[0]?.completedAt).toBeInstanceOf(Date);
  });

  it('creates progress for a lesson that had none, stamping completed_at when completed', async () => {
    const { course, enrollment } = await ownedCourseWithLearner();
    const lesson = await createLesson(api.db, { courseId: course.id });

    const progress = await callOk(
      api,
      'progress.set',
      {
        enrollmentId: enrollment.id,
        lessonId: lesson.id,
        status: 'completed',
        timeSpentSeconds: 30,
      },
      admin,
    );

    expect(progress).toMatchObject({ status: 'completed', timeSpentSeconds: 30, version: 1 });
    expect(progress.completedAt).toBeInstanceOf(Date);
  });

  it('updates progress at its version, keeping the time spent when none is sent', async () => {
    const { course, enrollment } = await ownedCourseWithLearner();
    const lesson = await createLesson(api.db, { courseId: course.id });
    const row = await recordProgress(api.db, {
      enrollmentId: enrollment.id,
      lessonId: lesson.id,
      status: 'completed',
      timeSpentSeconds: 45,
    });

    const progress = await callOk(
      api,
      'progress.set',
      {
        enrollmentId: enrollment.id,
        lessonId: lesson.id,
        status: 'in_progress',
        version: row.version,
      },
      admin,
    );

    expect(progress).toMatchObject({
      progressId: row.id,
      status: 'in_progress',
      completedAt: null,
      timeSpentSeconds: 45,
      version: row.version + 1,
    });
  });

  it('refuses progress for a lesson of another course', async () => {
    const { enrollment } = await ownedCourseWithLearner();
    const foreignLesson = await createLesson(api.db, {
      courseId: (await createCourse(api.db)).id,
    });

    const result = await api.call(
      'progress.set',
      { enrollmentId: enrollment.id, lessonId: foreignLesson.id, status: 'completed' },
      admin,
    );

    expect(result).toMatchObject({
      ok: false,
      error: { code: 'VALIDATION', fields: { lessonId: expect.any(String) } },
    });
    expect(
      await countRows(api.db, 'lesson_progress', { column: 'enrollment_id', value: enrollment.id }),
    ).toBe(0);
  });

  it('returns CONFLICT with the current progress for a stale version', async () => {
    const { course, enrollment } = await ownedCourseWithLearner();
    const lesson = await createLesson(api.db, { courseId: course.id });
    const row = await recordProgress(api.db, { enrollmentId: enrollment.id, lessonId: lesson.id });
    const input = { enrollmentId: enrollment.id, lessonId: lesson.id, version: row.version };
    await callOk(api, 'progress.set', { ...input, status: 'completed' }, admin);

    const stale = await api.call('progress.set', { ...input, status: 'not_started' }, admin);

    expect(stale).toMatchObject({
      ok: false,
      error: { code: 'CONFLICT', current: { status: 'completed', version: row.version + 1 } },
    });
  });

  it('returns CONFLICT when progress sent as new already exists', async () => {
    const { course, enrollment } = await ownedCourseWithLearner();
    const lesson = await createLesson(api.db, { courseId: course.id });
    await recordProgress(api.db, {
      enrollmentId: enrollment.id,
      lessonId: lesson.id,
      status: 'completed',
    });

    const result = await api.call(
      'progress.set',
      { enrollmentId: enrollment.id, lessonId: lesson.id, status: 'not_started' },
      admin,
    );

    expect(result).toMatchObject({
      ok: false,
      error: { code: 'CONFLICT', current: { status: 'completed', version: 1 } },
    });
  });
});

describe('attempts', () => {
  it("lists an enrollment's attempts, all or of one quiz", async () => {
    const { course, enrollment, quiz } = await submittedAttempt();
    const other = await createQuiz(api.db, { courseId: course.id });
    await createAttempt(api.db, { enrollmentId: enrollment.id, quizId: quiz.id, score: 9 });
    await createAttempt(api.db, { enrollmentId: enrollment.id, quizId: other.id });

    const all = await callOk(api, 'attempts.list', { enrollmentId: enrollment.id }, admin);
    const ofQuiz = await callOk(
      api,
      'attempts.list',
      { enrollmentId: enrollment.id, quizId: quiz.id },
      admin,
    );

    expect(all.items).toHaveLength(3);
    expect(ofQuiz.items.map((row) => [row.attemptNumber, row.score, row.maxScore])).toEqual([
      [1, 6, 10],
      [2, 9, 10],
    ]);
  });

  it('corrects a score and marks the attempt graded', async () => {
    const { attempt } = await submittedAttempt();

    const corrected = await callOk(
      api,
      'attempts.correct',
      { attemptId: attempt.id, version: attempt.version, score: 8.5 },
      admin,
    );

    expect(corrected).toMatchObject({ score: 8.5, status: 'graded', version: attempt.version + 1 });
  });

  it("refuses a score above the attempt's max score, changing nothing", async () => {
    const { attempt } = await submittedAttempt();

    const result = await api.call(
      'attempts.correct',
      { attemptId: attempt.id, version: attempt.version, score: 10.5 },
      admin,
    );

    expect(result).toMatchObject({
      ok: false,
      error: { code: 'VALIDATION', fields: { score: expect.stringContaining('10') } },
    });
    const [row] = await api.db.sequelize.query<{ score: string; status: string }>(
      `SELECT score, status FROM quiz_attempts WHERE id = $1`,
      { bind: [attempt.id], type: QueryTypes.SELECT },
    );
    expect(row).toEqual({ score: '6', status: 'submitted' });
  });

  it('refuses a negative score', async () => {
    const { attempt } = await submittedAttempt();
    const result = await api.call(
      'attempts.correct',
      { attemptId: attempt.id, version: attempt.version, score: -1 },
      admin,
    );
    expect(result).toMatchObject({
      ok: false,
      error: { code: 'VALIDATION', fields: { score: expect.any(String) } },
    });
  });

  it('refuses to correct an attempt the learner is still taking', async () => {
    const { enrollment, quiz } = await submittedAttempt();
    const open = await createAttempt(api.db, {
      enrollmentId: enrollment.id,
      quizId: quiz.id,
      status: 'in_progress',
    });

    const result = await api.call(
      'attempts.correct',
      { attemptId: open.id, version: open.version, score: 5 },
      admin,
    );

    expect(result).toMatchObject({ ok: false, error: { code: 'CONFLICT' } });
  });

  it('returns CONFLICT with the current attempt for a correction at a stale version', async () => {
    const { attempt } = await submittedAttempt();
    const input = { attemptId: attempt.id, version: attempt.version };
    await callOk(api, 'attempts.correct', { ...input, score: 7 }, admin);

    const stale = await api.call('attempts.correct', { ...input, score: 2 }, admin);

    expect(stale).toMatchObject({
      ok: false,
      error: { code: 'CONFLICT', current: { score: 7, version: attempt.version + 1 } },
    });
  });

  it('resets an attempt so the learner can try again', async () => {
    const { attempt } = await submittedAttempt();

    const removed = await callOk(
      api,
      'attempts.reset',
      { attemptId: attempt.id, version: attempt.version },
      admin,
    );

    expect(removed).toMatchObject({ id: attempt.id, score: 6 });
    expect(await countRows(api.db, 'quiz_attempts', { column: 'id', value: attempt.id })).toBe(0);
  });

  it('refuses a reset at a stale version and keeps the attempt', async () => {
    const { attempt } = await submittedAttempt();
    await callOk(
      api,
      'attempts.correct',
      { attemptId: attempt.id, version: attempt.version, score: 7 },
      admin,
    );

    const stale = await api.call(
      'attempts.reset',
      { attemptId: attempt.id, version: attempt.version },
      admin,
    );

    expect(stale).toMatchObject({ ok: false, error: { code: 'CONFLICT' } });
    expect(await countRows(api.db, 'quiz_attempts', { column: 'id', value: attempt.id })).toBe(1);
  });

  it('answers NOT_FOUND for an attempt that no longer exists', async () => {
    const result = await api.call('attempts.reset', { attemptId: randomUUID(), version: 1 }, admin);
    expect(result).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
  });
});

describe('roles and ownership', () => {
  /**
   * A call on every channel of this domain against a fresh course its instructor owns; each
   * change touches rows of its own, so the calls succeed in any order.
   */
  async function everyChannel(): Promise<
    { [C in EnrollmentChannel]: { channel: C; input: ChannelInput<C> } }[EnrollmentChannel][]
  > {
    const { course, enrollment, quiz, attempt: corrected } = await submittedAttempt();
    const reset = await createAttempt(api.db, { enrollmentId: enrollment.id, quizId: quiz.id });
    const leaving = await enroll(api.db, {
      userId: (await createStudent(api.db)).id,
      courseId: course.id,
    });
    const lesson = await createLesson(api.db, { courseId: course.id });
    const newcomer = await createStudent(api.db);
    const courseId = course.id;
    const enrollmentIds = [leaving.id];
    return [
      { channel: 'enrollments.list', input: { courseId } },
      { channel: 'enrollments.enrollMany', input: { courseId, userIds: [newcomer.id] } },
      { channel: 'enrollments.unenrollPreview', input: { courseId, enrollmentIds } },
      { channel: 'enrollments.unenrollMany', input: { courseId, enrollmentIds } },
      {
        channel: 'enrollments.setStatus',
        input: { enrollmentId: enrollment.id, version: enrollment.version, status: 'completed' },
      },
      { channel: 'progress.list', input: { enrollmentId: enrollment.id } },
      {
        channel: 'progress.set',
        input: { enrollmentId: enrollment.id, lessonId: lesson.id, status: 'completed' },
      },
      { channel: 'attempts.list', input: { enrollmentId: enrollment.id, quizId: quiz.id } },
      {
        channel: 'attempts.correct',
        input: { attemptId: corrected.id, version: corrected.version, score: 7 },
      },
      { channel: 'attempts.reset', input: { attemptId: reset.id, version: reset.version } },
    ];
  }

  const readChannels: readonly EnrollmentChannel[] = [
    'enrollments.list',
    'progress.list',
    'attempts.list',
  ];

  it('lets an instructor use every channel on a course they own', async () => {
    for (const { channel, input } of await everyChannel()) {
      const result = await api.call(channel, input, owner.sessionId);
      expect({ channel, ok: result.ok }).toEqual({ channel, ok: true });
    }
  });

  it('refuses an instructor every channel on a course they do not own', async () => {
    for (const { channel, input } of await everyChannel()) {
      const result = await api.call(channel, input, stranger);
      expect({ channel, result }).toMatchObject({
        channel,
        result: { ok: false, error: { code: 'FORBIDDEN' } },
      });
    }
  });

  it('lets support read enrollments, progress and attempts', async () => {
    for (const { channel, input } of await everyChannel()) {
      if (!readChannels.includes(channel)) continue;
      const result = await api.call(channel, input, support);
      expect({ channel, ok: result.ok }).toEqual({ channel, ok: true });
    }
  });

  it('refuses support every change', async () => {
    for (const { channel, input } of await everyChannel()) {
      if (readChannels.includes(channel)) continue;
      const result = await api.call(channel, input, support);
      expect({ channel, result }).toMatchObject({
        channel,
        result: { ok: false, error: { code: 'FORBIDDEN' } },
      });
    }
  });

  it('refuses every channel to a caller who is not signed in', async () => {
    for (const { channel, input } of await everyChannel()) {
      const result = await api.call(channel, input, null);
      expect({ channel, result }).toMatchObject({
        channel,
        result: { ok: false, error: { code: 'UNAUTHENTICATED' } },
      });
    }
  });
});
