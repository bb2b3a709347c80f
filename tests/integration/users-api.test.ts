import { QueryTypes } from 'sequelize';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Channel, ChannelInput } from '../../electron/api/contract';
import { createApiHarness, type ApiHarness } from '../support/api-harness';
import { callOk } from '../support/api-results';
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

type Staff = { userId: string; sessionId: string };

let api: ApiHarness;
let admin: Staff;
let support: Staff;

beforeAll(async () => {
  api = await createApiHarness();
  admin = await api.signedIn('admin');
  support = await api.signedIn('support');
});
afterEach(() => {
  expect(api.internalErrors).toEqual([]);
});
afterAll(() => api.close());

function asAdmin<C extends Channel>(channel: C, input: ChannelInput<C>) {
  return callOk(api, channel, input, admin.sessionId);
}

async function userRow(id: string) {
  const rows = await api.db.sequelize.query<{
    role: string;
    is_active: boolean;
    version: number;
    has_password: boolean;
  }>(
    `SELECT role, is_active, version, password_hash IS NOT NULL AS has_password FROM users WHERE id = $1`,
    { bind: [id], type: QueryTypes.SELECT },
  );
  return rows[0];
}

async function versionOf(id: string): Promise<number> {
  const row = await userRow(id);
  if (!row) throw new Error(`no user ${id}`);
  return row.version;
}

describe('users.bulkUpdate', () => {
  it('changes the role of every selected user, and a second call with the old roles undoes it', async () => {
    const first = await createStudent(api.db);
    const second = await createUser(api.db, { role: 'support' });
    const changed = await asAdmin('users.bulkUpdate', {
      users: [
        { id: first.id, version: await versionOf(first.id), role: 'instructor' },
        { id: second.id, version: await versionOf(second.id), role: 'instructor' },
      ],
    });
    expect(changed.users.map((user) => [user.email, user.role])).toEqual([
      [first.email, 'instructor'],
      [second.email, 'instructor'],
    ]);
    await asAdmin('users.bulkUpdate', {
      users: [
        { id: first.id, version: changed.users[0]?.version ?? 0, role: 'student' },
        { id: second.id, version: changed.users[1]?.version ?? 0, role: 'support' },
      ],
    });
    expect((await userRow(first.id))?.role).toBe('student');
    expect((await userRow(second.id))?.role).toBe('support');
  });

  it('deactivates the selection and leaves their roles as they were', async () => {
    const student = await createStudent(api.db);
    const [changed] = (
      await asAdmin('users.bulkUpdate', {
        users: [{ id: student.id, version: await versionOf(student.id), isActive: false }],
      })
    ).users;
    expect(changed).toMatchObject({ role: 'student', isActive: false });
  });

  it('changes nothing when one selected user was edited meanwhile, answering with that user as it is now', async () => {
    const fresh = await createStudent(api.db);
    const stale = await createStudent(api.db);
    const staleVersion = await versionOf(stale.id);
    await api.db.sequelize.query(`UPDATE users SET full_name = 'Edited Elsewhere' WHERE id = $1`, {
      bind: [stale.id],
    });
    const result = await api.call(
      'users.bulkUpdate',
      {
        users: [
          { id: fresh.id, version: await versionOf(fresh.id), role: 'instructor' },
          { id: stale.id, version: staleVersion, role: 'instructor' },
        ],
      },
      admin.sessionId,
    );
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.code).toBe('CONFLICT');
    expect(result.error.current).toEqual([
      expect.objectContaining({ id: stale.id, fullName: 'Edited Elsewhere', role: 'student' }),
    ]);
    expect((await userRow(fresh.id))?.role).toBe('student');
  });

  it('removes the password of staff demoted to student', async () => {
    const staff = await api.signedIn('support');
    await asAdmin('users.bulkUpdate', {
      users: [{ id: staff.userId, version: await versionOf(staff.userId), role: 'student' }],
    });
    expect(await userRow(staff.userId)).toMatchObject({ role: 'student', has_password: false });
  });

  it('refuses to demote every admin who can sign in, and changes nothing', async () => {
    const admins = await api.db.sequelize.query<{ id: string; version: number }>(
      `SELECT id, version FROM users WHERE role = 'admin' AND password_hash IS NOT NULL`,
      { type: QueryTypes.SELECT },
    );
    const result = await api.call(
      'users.bulkUpdate',
      { users: admins.map((row) => ({ ...row, role: 'support' as const })) },
      admin.sessionId,
    );
    expect(result).toMatchObject({ ok: false, error: { code: 'CONFLICT' } });
    expect((await userRow(admin.userId))?.role).toBe('admin');
  });

  it('names a user selected twice as a validation error', async () => {
    const student = await createStudent(api.db);
    const version = await versionOf(student.id);
    const result = await api.call(
      'users.bulkUpdate',
      {
        users: [
          { id: student.id, version, role: 'admin' },
          { id: student.id, version, role: 'support' },
        ],
      },
      admin.sessionId,
    );
    expect(result).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
  });

  it('is refused to support staff', async () => {
    const student = await createStudent(api.db);
    const result = await api.call(
      'users.bulkUpdate',
      { users: [{ id: student.id, version: await versionOf(student.id), role: 'admin' }] },
      support.sessionId,
    );
    expect(result).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
  });
});

/** A learner enrolled in a course with two lessons (one completed) and one graded quiz attempt. */
async function enrolledLearner(courseTitle = 'Learning SQL') {
  const instructor = await createUser(api.db, { role: 'instructor' });
  const course = await createCourse(api.db, { instructorId: instructor.id, title: courseTitle });
  const lesson = await createLesson(api.db, { courseId: course.id, position: 1 });
  await createLesson(api.db, { courseId: course.id, position: 2 });
  const quiz = await createQuiz(api.db, { courseId: course.id });
  const learner = await createStudent(api.db);
  const enrollment = await enroll(api.db, { userId: learner.id, courseId: course.id });
  await recordProgress(api.db, {
    enrollmentId: enrollment.id,
    lessonId: lesson.id,
    status: 'completed',
  });
  await createAttempt(api.db, {
    enrollmentId: enrollment.id,
    quizId: quiz.id,
    status: 'graded',
    score: 6,
    maxScore: 8,
  });
  return { learner, course, instructor };
}

describe('users.bulkDelete', () => {
  it('previews what deleting the selection removes with it', async () => {
    const one = await enrolledLearner();
    const two = await enrolledLearner();
    const preview = await asAdmin('users.bulkDeletePreview', {
      ids: [one.learner.id, two.learner.id],
    });
    expect(preview).toEqual({
      users: 2,
      cascades: { enrollments: 2, lessonProgress: 2, quizAttempts: 2 },
      blockingCourses: [],
    });
  });

  it('deletes the selection with their enrollments, progress and attempts', async () => {
    const { learner } = await enrolledLearner();
    const other = await createStudent(api.db);
    await asAdmin('users.bulkDelete', {
      users: [
        { id: learner.id, version: await versionOf(learner.id) },
        { id: other.id, version: await versionOf(other.id) },
      ],
    });
    expect(await userRow(learner.id)).toBeUndefined();
    expect(await userRow(other.id)).toBeUndefined();
    const [left] = await api.db.sequelize.query<{ count: number }>(
      `SELECT count(*)::int AS count FROM enrollments WHERE user_id = $1`,
      { bind: [learner.id], type: QueryTypes.SELECT },
    );
    expect(left?.count).toBe(0);
  });

  it('deletes no one while a selected user still instructs a course, naming the course', async () => {
    const { instructor, course } = await enrolledLearner();
    const student = await createStudent(api.db);
    const result = await api.call(
      'users.bulkDelete',
      {
        users: [
          { id: student.id, version: await versionOf(student.id) },
          { id: instructor.id, version: await versionOf(instructor.id) },
        ],
      },
      admin.sessionId,
    );
    expect(result).toMatchObject({ ok: false, error: { code: 'CONFLICT' } });
    if (!result.ok) expect(result.error.message).toContain(course.slug);
    expect(await userRow(student.id)).toBeDefined();
  });

  it('deletes no one when a selected user changed since the list was loaded', async () => {
    const student = await createStudent(api.db);
    const version = await versionOf(student.id);
    await api.db.sequelize.query(`UPDATE users SET full_name = 'Renamed' WHERE id = $1`, {
      bind: [student.id],
    });
    const result = await api.call(
      'users.bulkDelete',
      { users: [{ id: student.id, version }] },
      admin.sessionId,
    );
    expect(result).toMatchObject({ ok: false, error: { code: 'CONFLICT' } });
    expect(await userRow(student.id)).toBeDefined();
  });
});

describe('users.enrollments', () => {
  it("lists the user's courses with lessons completed, attempts and best score", async () => {
    const { learner, course } = await enrolledLearner('Statistics');
    const { items } = await asAdmin('users.enrollments', { id: learner.id });
    expect(items).toEqual([
      expect.objectContaining({
        courseId: course.id,
        courseTitle: 'Statistics',
        status: 'active',
        lessons: 2,
        lessonsCompleted: 1,
        attempts: 1,
        bestScoreRatio: 0.75,
      }),
    ]);
  });

  it('answers an empty list for a user in no course, and support may read it', async () => {
    const student = await createStudent(api.db);
    expect(await callOk(api, 'users.enrollments', { id: student.id }, support.sessionId)).toEqual({
      items: [],
    });
  });

  it('answers NOT_FOUND for a user that does not exist', async () => {
    const result = await api.call(
      'users.enrollments',
      { id: '00000000-0000-4000-8000-000000000000' },
      admin.sessionId,
    );
    expect(result).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
  });
});
