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
let instructor: Staff;
let support: Staff;
let otherCourseId: string;

beforeAll(async () => {
  api = await createApiHarness();
  admin = await api.signedIn('admin');
  instructor = await api.signedIn('instructor');
  support = await api.signedIn('support');
  const otherInstructor = await api.signedIn('instructor');
  otherCourseId = (await createCourse(api.db, { instructorId: otherInstructor.userId })).id;
  await installLessonUpdateCounter();
});
afterEach(() => {
  expect(api.internalErrors).toEqual([]);
});
afterAll(() => api.close());

function asAdmin<C extends Channel>(channel: C, input: ChannelInput<C>) {
  return callOk(api, channel, input, admin.sessionId);
}

function asInstructor<C extends Channel>(channel: C, input: ChannelInput<C>) {
  return callOk(api, channel, input, instructor.sessionId);
}

/** A course of the signed-in instructor, with `lessons` lessons titled L1, L2 … */
async function instructorCourse(lessons = 0): Promise<{ id: string; lessonIds: string[] }> {
  const { id } = await createCourse(api.db, { instructorId: instructor.userId });
  const lessonIds: string[] = [];
  for (let n = 1; n <= lessons; n++) {
    lessonIds.push((await createLesson(api.db, { courseId: id, title: `L${n}` })).id);
  }
  return { id, lessonIds };
}

async function lessonTitles(courseId: string): Promise<string[]> {
  const page = await asInstructor('lessons.list', { courseId });
  return page.items.map((lesson) => lesson.title);
}

/**
 * Counts UPDATE statements on lessons with a statement-level trigger: it fires once per statement
 * however many rows the statement changes, so it tells one statement from many.
 */
async function installLessonUpdateCounter(): Promise<void> {
  await api.db.sequelize.query(`
    CREATE TABLE test_lesson_updates (id bigint GENERATED ALWAYS AS IDENTITY);
    CREATE FUNCTION test_count_lesson_update() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN INSERT INTO test_lesson_updates DEFAULT VALUES; RETURN NULL; END $$;
    CREATE TRIGGER test_count_lesson_update AFTER UPDATE ON lessons
      FOR EACH STATEMENT EXECUTE FUNCTION test_count_lesson_update();
  `);
}

async function lessonUpdateStatementsDuring(work: () => Promise<unknown>): Promise<number> {
  const count = async () => {
    const rows = await api.db.sequelize.query<{ count: number }>(
      `SELECT count(*)::int AS count FROM test_lesson_updates`,
      { type: QueryTypes.SELECT },
    );
    return rows[0]?.count ?? 0;
  };
  const before = await count();
  await work();
  return (await count()) - before;
}

describe('courses.create', () => {
  it('derives the slug from the title: lower-case, accents folded, words joined by hyphens', async () => {
    const course = await asAdmin('courses.create', { title: 'Café Crème: Façade 101!' });
    expect(course.slug).toBe('cafe-creme-facade-101');
  });

  it('numbers a derived slug that is taken: -2, then -3', async () => {
    const slugs: string[] = [];
    for (let n = 0; n < 3; n++) {
      slugs.push((await asAdmin('courses.create', { title: 'Numbered Title' })).slug);
    }
    expect(slugs).toEqual(['numbered-title', 'numbered-title-2', 'numbered-title-3']);
  });

  it('keeps an explicit slug as given', async () => {
    const course = await asAdmin('courses.create', { title: 'Anything', slug: 'my-own-slug' });
    expect(course.slug).toBe('my-own-slug');
  });

  it('refuses an explicit slug the database rule would reject, naming the slug', async () => {
    const result = await api.call(
      'courses.create',
      { title: 'Bad slug', slug: 'Not--Valid' },
      admin.sessionId,
    );
    expect(result).toMatchObject({
      ok: false,
      error: { code: 'VALIDATION', fields: { slug: expect.any(String) } },
    });
  });

  it('refuses an explicit slug another course has, naming the slug', async () => {
    await asAdmin('courses.create', { title: 'First', slug: 'taken-slug' });
    const result = await api.call(
      'courses.create',
      { title: 'Second', slug: 'taken-slug' },
      admin.sessionId,
    );
    expect(result).toMatchObject({
      ok: false,
      error: { code: 'CONFLICT', fields: { slug: expect.any(String) } },
    });
  });

  it('asks for a slug when the title has no letters or digits to make one from', async () => {
    const result = await api.call('courses.create', { title: '日本語 !!!' }, admin.sessionId);
    expect(result).toMatchObject({
      ok: false,
      error: { code: 'VALIDATION', fields: { slug: expect.any(String) } },
    });
  });

  it('makes the instructor who creates a course its owner', async () => {
    const course = await asInstructor('courses.create', { title: 'Mine' });
    expect(course.instructorId).toBe(instructor.userId);
  });

  it('refuses an instructor creating a course for someone else', async () => {
    const result = await api.call(
      'courses.create',
      { title: 'For another', instructorId: admin.userId },
      instructor.sessionId,
    );
    expect(result).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
  });

  it('lets an admin name an active instructor as the owner', async () => {
    const course = await asAdmin('courses.create', {
      title: 'Given away',
      instructorId: instructor.userId,
    });
    expect(course.instructorId).toBe(instructor.userId);
  });

  it('refuses an owner who is not an active instructor or admin, naming instructorId', async () => {
    const student = await createStudent(api.db);
    const retired = await createUser(api.db, { role: 'instructor', isActive: false });
    for (const owner of [student.id, retired.id]) {
      const result = await api.call(
        'courses.create',
        { title: 'Nobody can own this', instructorId: owner },
        admin.sessionId,
      );
      expect(result).toMatchObject({
        ok: false,
        error: { code: 'VALIDATION', fields: { instructorId: expect.any(String) } },
      });
    }
  });
});

describe('courses.list', () => {
  it('pages through courses in slug order with a keyset cursor', async () => {
    for (const slug of ['paged-c', 'paged-a', 'paged-b']) {
      await createCourse(api.db, { slug });
    }
    const first = await asAdmin('courses.list', { search: 'paged-', limit: 2 });
    expect(first.items.map((course) => course.slug)).toEqual(['paged-a', 'paged-b']);
    expect(first.nextCursor).not.toBeNull();
    const second = await asAdmin('courses.list', {
      search: 'paged-',
      limit: 2,
      cursor: first.nextCursor ?? undefined,
    });
    expect(second.items.map((course) => course.slug)).toEqual(['paged-c']);
    expect(second.nextCursor).toBeNull();
  });

  it('searches titles and slugs, case-insensitively', async () => {
    await createCourse(api.db, { slug: 'searchable-by-slug', title: 'Plain' });
    await createCourse(api.db, { slug: 'plain-slug', title: 'Searchable By Title' });
    const page = await asAdmin('courses.list', { search: 'SEARCHABLE' });
    expect(page.items.map((course) => course.slug).sort()).toEqual([
      'plain-slug',
      'searchable-by-slug',
    ]);
  });

  it('filters by published state', async () => {
    await createCourse(api.db, { slug: 'filter-published', isPublished: true });
    await createCourse(api.db, { slug: 'filter-draft' });
    const published = await asAdmin('courses.list', { search: 'filter-', isPublished: true });
    expect(published.items.map((course) => course.slug)).toEqual(['filter-published']);
  });

  it('shows an instructor only the courses they own, and support all of them', async () => {
    const own = await instructorCourse();
    const mine = await asInstructor('courses.list', { limit: 500 });
    expect(mine.items.map((course) => course.id)).toContain(own.id);
    expect(mine.items.every((course) => course.instructorId === instructor.userId)).toBe(true);
    const all = await callOk(api, 'courses.list', { limit: 500 }, support.sessionId);
    expect(all.items.map((course) => course.id)).toEqual(
      expect.arrayContaining([own.id, otherCourseId]),
    );
  });

  it('refuses an instructor asking for another owner’s courses', async () => {
    const result = await api.call(
      'courses.list',
      { instructorId: admin.userId },
      instructor.sessionId,
    );
    expect(result).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
  });
});

describe('courses.get', () => {
  it('returns the course in full', async () => {
    const created = await asInstructor('courses.create', {
      title: 'Full course',
      description: 'About everything',
      metadata: { tags: ['sql'] },
    });
    const course = await asInstructor('courses.get', { id: created.id });
    expect(course).toMatchObject({
      title: 'Full course',
      description: 'About everything',
      metadata: { tags: ['sql'] },
      isPublished: false,
      publishedAt: null,
      version: 1,
    });
  });

  it('answers NOT_FOUND for a course that does not exist', async () => {
    const result = await api.call(
      'courses.get',
      { id: '00000000-0000-4000-8000-000000000000' },
      admin.sessionId,
    );
    expect(result).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
  });
});

describe('courses.update', () => {
  it('changes the title and keeps the slug, so links to the course still work', async () => {
    const created = await asInstructor('courses.create', { title: 'Old title' });
    const updated = await asInstructor('courses.update', {
      id: created.id,
      version: created.version,
      title: 'New title',
    });
    expect(updated).toMatchObject({ title: 'New title', slug: 'old-title', version: 2 });
  });

  it('returns CONFLICT with the current course for a stale version, and overwrites nothing', async () => {
    const created = await asInstructor('courses.create', { title: 'Contested' });
    await asInstructor('courses.update', { id: created.id, version: 1, title: 'Theirs' });
    const stale = await api.call(
      'courses.update',
      { id: created.id, version: 1, title: 'Mine' },
      instructor.sessionId,
    );
    expect(stale).toMatchObject({
      ok: false,
      error: { code: 'CONFLICT', current: { title: 'Theirs', version: 2 } },
    });
    expect(await asInstructor('courses.get', { id: created.id })).toMatchObject({
      title: 'Theirs',
    });
  });

  it('refuses a taken slug, naming the slug', async () => {
    await asAdmin('courses.create', { title: 'Holder', slug: 'held-slug' });
    const created = await asAdmin('courses.create', { title: 'Wanting' });
    const result = await api.call(
      'courses.update',
      { id: created.id, version: 1, slug: 'held-slug' },
      admin.sessionId,
    );
    expect(result).toMatchObject({
      ok: false,
      error: { code: 'CONFLICT', fields: { slug: expect.any(String) } },
    });
  });

  it('lets an admin change the owner', async () => {
    const created = await asAdmin('courses.create', { title: 'Handed over' });
    const updated = await asAdmin('courses.update', {
      id: created.id,
      version: 1,
      instructorId: instructor.userId,
    });
    expect(updated.instructorId).toBe(instructor.userId);
  });

  it('refuses an instructor giving their course to someone else', async () => {
    const created = await asInstructor('courses.create', { title: 'Kept' });
    const result = await api.call(
      'courses.update',
      { id: created.id, version: 1, instructorId: admin.userId },
      instructor.sessionId,
    );
    expect(result).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
  });
});

describe('courses.publish and courses.unpublish', () => {
  it('publishing sets published_at; publishing again keeps it; unpublishing clears it', async () => {
    const created = await asInstructor('courses.create', { title: 'Going live' });
    const published = await asInstructor('courses.publish', { id: created.id, version: 1 });
    expect(published).toMatchObject({ isPublished: true, version: 2 });
    expect(published.publishedAt).toBeInstanceOf(Date);
    const again = await asInstructor('courses.publish', { id: created.id, version: 2 });
    expect(again).toMatchObject({ version: 2, publishedAt: published.publishedAt });
    const unpublished = await asInstructor('courses.unpublish', { id: created.id, version: 2 });
    expect(unpublished).toMatchObject({ isPublished: false, publishedAt: null, version: 3 });
  });

  it('returns CONFLICT with the current course for a stale version', async () => {
    const created = await asInstructor('courses.create', { title: 'Publish race' });
    await asInstructor('courses.update', { id: created.id, version: 1, title: 'Renamed' });
    const stale = await api.call(
      'courses.publish',
      { id: created.id, version: 1 },
      instructor.sessionId,
    );
    expect(stale).toMatchObject({
      ok: false,
      error: { code: 'CONFLICT', current: { isPublished: false, version: 2 } },
    });
  });
});

describe('courses.deletePreview and courses.delete', () => {
  /** A course with two lessons, a quiz, and a learner with progress and an attempt. */
  async function populatedCourse(): Promise<string> {
    const course = await instructorCourse(2);
    const [lessonId] = course.lessonIds;
    if (!lessonId) throw new Error('the course has no lesson');
    const quiz = await createQuiz(api.db, { courseId: course.id });
    const student = await createStudent(api.db);
    const enrollment = await enroll(api.db, { userId: student.id, courseId: course.id });
    await recordProgress(api.db, { enrollmentId: enrollment.id, lessonId });
    await createAttempt(api.db, { enrollmentId: enrollment.id, quizId: quiz.id });
    return course.id;
  }

  it('counts everything a delete would take with it', async () => {
    const id = await populatedCourse();
    const preview = await asInstructor('courses.deletePreview', { id });
    expect(preview.cascades).toEqual({
      lessons: 2,
      quizzes: 1,
      enrollments: 1,
      lessonProgress: 1,
      quizAttempts: 1,
    });
  });

  it('lets only admins delete a course, since learner records go with it', async () => {
    const id = await populatedCourse();
    const refused = await api.call('courses.delete', { id, version: 1 }, instructor.sessionId);
    expect(refused).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    expect(await asAdmin('courses.get', { id })).toMatchObject({ version: 1 });
  });

  it('deletes the course and everything below it', async () => {
    const id = await populatedCourse();
    const deleted = await asAdmin('courses.delete', { id, version: 1 });
    expect(deleted.course.id).toBe(id);
    const rows = await api.db.sequelize.query<{ remaining: number }>(
      `SELECT (SELECT count(*) FROM courses WHERE id = $1)
            + (SELECT count(*) FROM lessons WHERE course_id = $1)
            + (SELECT count(*) FROM quizzes WHERE course_id = $1)
            + (SELECT count(*) FROM enrollments WHERE course_id = $1) AS remaining`,
      { bind: [id], type: QueryTypes.SELECT },
    );
    expect(Number(rows[0]?.remaining)).toBe(0);
  });

  it('refuses a delete with a stale version, with the current course, and deletes nothing', async () => {
    const created = await asInstructor('courses.create', { title: 'Delete race' });
    await asInstructor('courses.update', { id: created.id, version: 1, title: 'Changed' });
    const stale = await api.call('courses.delete', { id: created.id, version: 1 }, admin.sessionId);
    expect(stale).toMatchObject({
      ok: false,
      error: { code: 'CONFLICT', current: { title: 'Changed', version: 2 } },
    });
    expect(await asInstructor('courses.get', { id: created.id })).toMatchObject({ version: 2 });
  });
});

describe('lessons', () => {
  it('lists a course’s lessons by position, a page at a time', async () => {
    const course = await instructorCourse(3);
    const first = await asInstructor('lessons.list', { courseId: course.id, limit: 2 });
    expect(first.items.map((lesson) => [lesson.position, lesson.title])).toEqual([
      [1, 'L1'],
      [2, 'L2'],
    ]);
    const rest = await asInstructor('lessons.list', {
      courseId: course.id,
      limit: 2,
      cursor: first.nextCursor ?? undefined,
    });
    expect(rest.items.map((lesson) => lesson.title)).toEqual(['L3']);
    expect(rest.nextCursor).toBeNull();
  });

  it('appends a new lesson after the last one', async () => {
    const course = await instructorCourse(2);
    const lesson = await asInstructor('lessons.create', { courseId: course.id, title: 'L3' });
    expect(lesson.position).toBe(3);
  });

  it('inserts a lesson at a position, moving the later ones down in one statement', async () => {
    const course = await instructorCourse(3);
    const statements = await lessonUpdateStatementsDuring(() =>
      asInstructor('lessons.create', { courseId: course.id, title: 'New', position: 2 }),
    );
    expect(statements).toBe(1);
    expect(await lessonTitles(course.id)).toEqual(['L1', 'New', 'L2', 'L3']);
  });

  it('refuses a position past the end, naming the position', async () => {
    const course = await instructorCourse(1);
    const result = await api.call(
      'lessons.create',
      { courseId: course.id, title: 'Too far', position: 3 },
      instructor.sessionId,
    );
    expect(result).toMatchObject({
      ok: false,
      error: { code: 'VALIDATION', fields: { position: 'must be between 1 and 2' } },
    });
  });

  it('updates a lesson, and refuses a stale version with the current lesson', async () => {
    const course = await instructorCourse(1);
    const [id = ''] = course.lessonIds;
    const updated = await asInstructor('lessons.update', {
      id,
      version: 1,
      title: 'Renamed',
      durationMinutes: 15,
      isPublished: true,
    });
    expect(updated).toMatchObject({ title: 'Renamed', durationMinutes: 15, version: 2 });
    const stale = await api.call(
      'lessons.update',
      { id, version: 1, title: 'Lost' },
      instructor.sessionId,
    );
    expect(stale).toMatchObject({
      ok: false,
      error: { code: 'CONFLICT', current: { title: 'Renamed', version: 2 } },
    });
  });

  it('closes the gap a deleted lesson leaves, in one statement', async () => {
    const course = await instructorCourse(4);
    const [, second = ''] = course.lessonIds;
    const statements = await lessonUpdateStatementsDuring(() =>
      asInstructor('lessons.delete', { id: second, version: 1 }),
    );
    expect(statements).toBe(1);
    const page = await asInstructor('lessons.list', { courseId: course.id });
    expect(page.items.map((lesson) => [lesson.position, lesson.title])).toEqual([
      [1, 'L1'],
      [2, 'L3'],
      [3, 'L4'],
    ]);
  });

  it('refuses to delete a lesson at a stale version, and deletes nothing', async () => {
    const course = await instructorCourse(1);
    const [id = ''] = course.lessonIds;
    await asInstructor('lessons.update', { id, version: 1, title: 'Edited' });
    const stale = await api.call('lessons.delete', { id, version: 1 }, instructor.sessionId);
    expect(stale).toMatchObject({
      ok: false,
      error: { code: 'CONFLICT', current: { version: 2 } },
    });
    expect(await lessonTitles(course.id)).toEqual(['Edited']);
  });
});

describe('lessons.reorder', () => {
  it('puts the lessons in the complete new order', async () => {
    const course = await instructorCourse(3);
    const [a = '', b = '', c = ''] = course.lessonIds;
    const lessons = await asInstructor('lessons.reorder', {
      courseId: course.id,
      lessonIds: [c, a, b],
    });
    expect(lessons.map((lesson) => [lesson.position, lesson.title])).toEqual([
      [1, 'L3'],
      [2, 'L1'],
      [3, 'L2'],
    ]);
  });

  it('accepts ids however they are cased, as PostgreSQL treats uuids', async () => {
    const course = await instructorCourse(2);
    const [a = '', b = ''] = course.lessonIds;
    const lessons = await asInstructor('lessons.reorder', {
      courseId: course.id.toUpperCase(),
      lessonIds: [b.toUpperCase(), a],
    });
    expect(lessons.map((lesson) => lesson.title)).toEqual(['L2', 'L1']);
  });

  it('swaps every position with a single UPDATE statement', async () => {
    const course = await instructorCourse(4);
    const statements = await lessonUpdateStatementsDuring(() =>
      asInstructor('lessons.reorder', {
        courseId: course.id,
        lessonIds: [...course.lessonIds].reverse(),
      }),
    );
    expect(statements).toBe(1);
    expect(await lessonTitles(course.id)).toEqual(['L4', 'L3', 'L2', 'L1']);
  });

  it('refuses an order that misses a lesson added meanwhile, with the current order, and moves nothing', async () => {
    const course = await instructorCourse(2);
    const added = await createLesson(api.db, { courseId: course.id, title: 'Added' });
    const result = await api.call(
      'lessons.reorder',
      { courseId: course.id, lessonIds: [...course.lessonIds].reverse() },
      instructor.sessionId,
    );
    expect(result).toMatchObject({ ok: false, error: { code: 'CONFLICT' } });
    if (!result.ok) {
      expect(result.error.current).toEqual([
        expect.objectContaining({ id: course.lessonIds[0], position: 1 }),
        expect.objectContaining({ id: course.lessonIds[1], position: 2 }),
        expect.objectContaining({ id: added.id, position: 3 }),
      ]);
    }
    expect(await lessonTitles(course.id)).toEqual(['L1', 'L2', 'Added']);
  });

  it('refuses an order that names a lesson twice', async () => {
    const course = await instructorCourse(2);
    const [a = ''] = course.lessonIds;
    const result = await api.call(
      'lessons.reorder',
      { courseId: course.id, lessonIds: [a, a] },
      instructor.sessionId,
    );
    expect(result).toMatchObject({
      ok: false,
      error: { code: 'VALIDATION', fields: { lessonIds: expect.any(String) } },
    });
  });
});

describe('who may do what', () => {
  /** A call on another instructor's course for every course and lesson channel that names one. */
  async function callsOnOthersCourse(): Promise<[Channel, unknown][]> {
    const lesson = await createLesson(api.db, { courseId: otherCourseId });
    const course = { id: otherCourseId, version: 1 };
    return [
      ['courses.get', { id: otherCourseId }],
      ['courses.update', { ...course, title: 'Taken over' }],
      ['courses.publish', course],
      ['courses.unpublish', course],
      ['courses.deletePreview', { id: otherCourseId }],
      ['courses.delete', course],
      ['lessons.list', { courseId: otherCourseId }],
      ['lessons.create', { courseId: otherCourseId, title: 'Intruder' }],
      ['lessons.update', { id: lesson.id, version: 1, title: 'Intruder' }],
      ['lessons.delete', { id: lesson.id, version: 1 }],
      ['lessons.reorder', { courseId: otherCourseId, lessonIds: [lesson.id] }],
    ];
  }

  it('refuses an instructor every course and lesson channel on a course they do not own', async () => {
    for (const [channel, input] of await callsOnOthersCourse()) {
      const result = await api.callRaw(channel, input, instructor.sessionId);
      expect({ channel, result }).toMatchObject({
        channel,
        result: { ok: false, error: { code: 'FORBIDDEN' } },
      });
    }
    expect(await asAdmin('courses.get', { id: otherCourseId })).toMatchObject({ version: 1 });
  });

  it('lets support read courses and lessons', async () => {
    const course = await instructorCourse(1);
    for (const [channel, input] of [
      ['courses.list', {}],
      ['courses.get', { id: course.id }],
      ['lessons.list', { courseId: course.id }],
    ] as const) {
      expect(await api.callRaw(channel, input, support.sessionId)).toMatchObject({ ok: true });
    }
  });

  it('refuses support every course and lesson write', async () => {
    const course = await instructorCourse(1);
    const [lessonId = ''] = course.lessonIds;
    const versioned = { id: course.id, version: 1 };
    const writes: [Channel, unknown][] = [
      ['courses.create', { title: 'Support course' }],
      ['courses.update', { ...versioned, title: 'Support edit' }],
      ['courses.publish', versioned],
      ['courses.unpublish', versioned],
      ['courses.deletePreview', { id: course.id }],
      ['courses.delete', versioned],
      ['lessons.create', { courseId: course.id, title: 'Support lesson' }],
      ['lessons.update', { id: lessonId, version: 1, title: 'Support edit' }],
      ['lessons.delete', { id: lessonId, version: 1 }],
      ['lessons.reorder', { courseId: course.id, lessonIds: [lessonId] }],
    ];
    for (const [channel, input] of writes) {
      const result = await api.callRaw(channel, input, support.sessionId);
      expect({ channel, result }).toMatchObject({
        channel,
        result: { ok: false, error: { code: 'FORBIDDEN' } },
      });
    }
    expect(await lessonTitles(course.id)).toEqual(['L1']);
  });
});
