import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { EnrollmentStatus } from '../../db/models/enums';
import { createApiHarness, type ApiHarness } from '../support/api-harness';
import { callOk } from '../support/api-results';
import {
  createAttempt,
  createCourse,
  createQuiz,
  createStudent,
  enroll,
} from '../support/lms-factories';

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

/** Enrols one new learner per status given, in order. */
async function enrolLearners(courseId: string, statuses: EnrollmentStatus[]) {
  const enrollments = [];
  for (const status of statuses) {
    const student = await createStudent(api.db);
    enrollments.push(await enroll(api.db, { userId: student.id, courseId, status }));
  }
  return enrollments;
}

/** Attempt counts per bucket, from bucket 1 (0–10 %) to bucket 10 (90–100 %). */
function buckets(counts: Partial<Record<number, number>>): number[] {
  return Array.from({ length: 10 }, (_, index) => counts[index + 1] ?? 0);
}

const dashboard = (courseId: string) => callOk(api, 'courses.dashboard', { courseId }, admin);

describe('courses.dashboard: enrollments', () => {
  it('counts enrollments by every status, zeros included', async () => {
    const course = await createCourse(api.db);
    await enrolLearners(course.id, ['active', 'active', 'completed', 'dropped']);

    const { enrollments } = await dashboard(course.id);

    expect(enrollments).toEqual({
      byStatus: { pending: 0, active: 2, completed: 1, dropped: 1 },
      total: 4,
    });
  });

  it('computes the completion rate over the enrollments that are not dropped', async () => {
    const course = await createCourse(api.db);
    await enrolLearners(course.id, ['completed', 'completed', 'active', 'pending', 'dropped']);

    const { completionRate } = await dashboard(course.id);

    expect(completionRate).toBe(0.5);
  });

  it('gives no completion rate when every enrollment is dropped', async () => {
    const course = await createCourse(api.db);
    await enrolLearners(course.id, ['dropped']);

    expect((await dashboard(course.id)).completionRate).toBeNull();
  });
});

describe('courses.dashboard: quiz scores', () => {
  /**
   * Quiz A (max 10) scored 10, 7, 0 and 9.5: 100 %, 70 %, 0 %, 95 %.
   * Quiz B (max 20) scored 15, 5 and 20 (graded): 75 %, 25 %, 100 %.
   * Quiz C has no scored attempt. Around them, attempts that must not count: one in progress,
   * one submitted without a score, one with a max score of 0, and one in another course.
   */
  async function scoredCourse() {
    const course = await createCourse(api.db);
    const [first, second, third] = await enrolLearners(course.id, [
      'active',
      'active',
      'completed',
    ]);
    if (!first || !second || !third) throw new Error('expected three enrollments');
    const quizA = await createQuiz(api.db, { courseId: course.id, title: 'A' });
    const quizB = await createQuiz(api.db, { courseId: course.id, title: 'B' });
    const quizC = await createQuiz(api.db, { courseId: course.id, title: 'C' });
    const attempt = (
      enrollmentId: string,
      quizId: string,
      score: number | null,
      maxScore: number,
      status: 'in_progress' | 'submitted' | 'graded' = 'submitted',
    ) => createAttempt(api.db, { enrollmentId, quizId, score, maxScore, status });

    await attempt(first.id, quizA.id, 10, 10);
    await attempt(first.id, quizA.id, 7, 10);
    await attempt(second.id, quizA.id, 0, 10);
    await attempt(third.id, quizA.id, 9.5, 10);
    await attempt(first.id, quizB.id, 15, 20);
    await attempt(second.id, quizB.id, 5, 20);
    await attempt(third.id, quizB.id, 20, 20, 'graded');

    await attempt(second.id, quizA.id, 3, 10, 'in_progress');
    await attempt(third.id, quizC.id, null, 10);
    await attempt(second.id, quizC.id, 0, 0);
    const elsewhere = await createCourse(api.db);
    const [outsider] = await enrolLearners(elsewhere.id, ['active']);
    const foreignQuiz = await createQuiz(api.db, { courseId: elsewhere.id });
    if (!outsider) throw new Error('expected an enrollment');
    await attempt(outsider.id, foreignQuiz.id, 1, 10);

    return { course, quizA, quizB, quizC };
  }

  it('distributes the scores of the whole course in ten 10-point buckets of percent', async () => {
    const { course } = await scoredCourse();

    const { scores } = await dashboard(course.id);

    expect(scores.scoredAttempts).toBe(7);
    expect(scores.distribution.map((bucket) => bucket.attempts)).toEqual(
      buckets({ 1: 1, 3: 1, 8: 2, 10: 3 }),
    );
    expect(scores.distribution[0]).toEqual({ fromPercent: 0, toPercent: 10, attempts: 1 });
    expect(scores.distribution[9]).toEqual({ fromPercent: 90, toPercent: 100, attempts: 3 });
  });

  it('averages the percent scored over the whole course', async () => {
    const { course } = await scoredCourse();

    const { scores } = await dashboard(course.id);

    // (100 + 70 + 0 + 95 + 75 + 25 + 100) / 7
    expect(scores.averagePercent).toBeCloseTo(465 / 7, 10);
  });

  it('gives each quiz its own distribution and averages, quizzes without scores included', async () => {
    const { course, quizA, quizB, quizC } = await scoredCourse();

    const { quizzes } = await dashboard(course.id);

    expect(
      quizzes.map((quiz) => ({
        quizId: quiz.quizId,
        title: quiz.title,
        scoredAttempts: quiz.scoredAttempts,
        distribution: quiz.distribution.map((bucket) => bucket.attempts),
      })),
    ).toEqual([
      {
        quizId: quizA.id,
        title: 'A',
        scoredAttempts: 4,
        distribution: buckets({ 1: 1, 8: 1, 10: 2 }),
      },
      {
        quizId: quizB.id,
        title: 'B',
        scoredAttempts: 3,
        distribution: buckets({ 3: 1, 8: 1, 10: 1 }),
      },
      { quizId: quizC.id, title: 'C', scoredAttempts: 0, distribution: buckets({}) },
    ]);
    const [a, b, c] = quizzes;
    expect(a?.averageScore).toBeCloseTo(26.5 / 4, 10);
    expect(a?.averagePercent).toBeCloseTo(265 / 4, 10);
    expect(b?.averageScore).toBeCloseTo(40 / 3, 10);
    expect(b?.averagePercent).toBeCloseTo(200 / 3, 10);
    expect(c).toMatchObject({ averageScore: null, averagePercent: null });
  });

  it('reports empty figures for a course without enrollments or quizzes', async () => {
    const course = await createCourse(api.db);

    expect(await dashboard(course.id)).toEqual({
      courseId: course.id,
      enrollments: { byStatus: { pending: 0, active: 0, completed: 0, dropped: 0 }, total: 0 },
      completionRate: null,
      scores: {
        scoredAttempts: 0,
        averagePercent: null,
        distribution: Array.from({ length: 10 }, (_, index) => ({
          fromPercent: index * 10,
          toPercent: (index + 1) * 10,
          attempts: 0,
        })),
      },
      quizzes: [],
    });
  });
});

describe('courses.dashboard: who may see it', () => {
  it('shows an instructor the dashboard of a course they own', async () => {
    const course = await createCourse(api.db, { instructorId: owner.userId });
    const result = await api.call('courses.dashboard', { courseId: course.id }, owner.sessionId);
    expect(result).toMatchObject({ ok: true, data: { courseId: course.id } });
  });

  it('refuses an instructor the dashboard of a course they do not own', async () => {
    const course = await createCourse(api.db, { instructorId: owner.userId });
    const result = await api.call('courses.dashboard', { courseId: course.id }, stranger);
    expect(result).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
  });

  it('shows support the dashboard of any course', async () => {
    const course = await createCourse(api.db, { instructorId: owner.userId });
    const result = await api.call('courses.dashboard', { courseId: course.id }, support);
    expect(result).toMatchObject({ ok: true });
  });

  it('refuses a caller who is not signed in', async () => {
    const course = await createCourse(api.db);
    const result = await api.call('courses.dashboard', { courseId: course.id }, null);
    expect(result).toMatchObject({ ok: false, error: { code: 'UNAUTHENTICATED' } });
  });

  it('answers NOT_FOUND for a course that does not exist', async () => {
    const result = await api.call('courses.dashboard', { courseId: randomUUID() }, admin);
    expect(result).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
  });
});
