import { describe, expect, it } from 'vitest';
import { seedLimits, seedOptionsSchema } from '../../db/seed';
import { roleSplit } from '../../db/seed/plan';

describe('roleSplit', () => {
  it('makes most users students, with a few instructors, admins and support staff', () => {
    expect(roleSplit(1000, 40)).toEqual({ admins: 2, support: 5, instructors: 30, students: 963 });
  });

  it('always gives courses an instructor, however few users there are', () => {
    expect(roleSplit(1, 5)).toEqual({ admins: 0, support: 0, instructors: 1, students: 0 });
  });

  it('needs no instructor when there are no courses', () => {
    expect(roleSplit(10, 0)).toEqual({ admins: 0, support: 0, instructors: 0, students: 10 });
  });

  it('accounts for every user', () => {
    for (const users of [0, 1, 7, 99, 100, 12_345, 2_000_000]) {
      const split = roleSplit(users, 3);
      expect(split.admins + split.support + split.instructors + split.students).toBe(users);
    }
  });
});

describe('seedOptionsSchema', () => {
  it('fills every option with a default', () => {
    expect(seedOptionsSchema.parse({})).toEqual({
      users: 1000,
      courses: 40,
      lessonsPerCourse: 8,
      quizzesPerCourse: 2,
      questionsPerQuiz: 5,
      enrollmentsPerCourse: 60,
      append: false,
    });
  });

  it('rejects counts beyond the limits', () => {
    expect(seedOptionsSchema.safeParse({ users: seedLimits.users + 1 }).success).toBe(false);
    expect(seedOptionsSchema.safeParse({ questionsPerQuiz: 0 }).success).toBe(false);
  });

  it('rejects courses without a user to teach them', () => {
    const result = seedOptionsSchema.safeParse({ users: 0, courses: 1 });
    expect(result.error?.issues[0]?.path).toEqual(['users']);
  });

  it('rejects more enrollments per course than there are students', () => {
    const result = seedOptionsSchema.safeParse({ users: 50, courses: 2, enrollmentsPerCourse: 49 });
    expect(result.error?.issues[0]?.message).toMatch(/more than the 48 students among 50 users/);
  });

  it('rejects more enrollments in all than one run can plan', () => {
    const result = seedOptionsSchema.safeParse({
      users: 200_000,
      courses: 10,
      enrollmentsPerCourse: 60_000,
    });
    expect(result.error?.issues[0]?.message).toMatch(/600000 enrollments, more than the 500000/);
  });
});
