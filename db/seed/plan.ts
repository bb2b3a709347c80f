/**
 * What a seed run writes, decided before the first row goes out: ids, who enrolls where and how
 * far each learner got. Children can then point at their parents' ids, and every table's row
 * count is known up front for progress reports.
 */

import { randomBytes, randomUUID } from 'node:crypto';
import type { EnrollmentStatus } from '../models/enums';
import type { ParsedSeedOptions, SeedTable } from '../seed';
import { deriveSlug } from '../services/slugs';
import {
  COURSE_FORMATS,
  LESSON_TOPICS,
  QUESTION_BANK,
  SUBJECTS,
  type BankQuestion,
  type SeedSubject,
} from './content';
import { between, chance, itemAt, pick, pickWeighted, randomInt, sampleDistinct } from './random';

const DAY_MS = 86_400_000;
const HISTORY_MS = 3 * 365 * DAY_MS;
const CHOICE_IDS = 'abcdefgh';

/** How many users of each role a run creates: mostly students, a few staff. */
export function roleSplit(
  users: number,
  courses: number,
): { admins: number; support: number; instructors: number; students: number } {
  // Every course needs an instructor to own it, however few users there are.
  const instructors = Math.min(users, Math.max(courses > 0 ? 1 : 0, Math.round(users * 0.03)));
  const admins = Math.min(
    users - instructors,
    Math.max(users >= 100 ? 1 : 0, Math.round(users * 0.002)),
  );
  const support = Math.min(users - instructors - admins, Math.round(users * 0.005));
  return { admins, support, instructors, students: users - instructors - admins - support };
}

const ENROLLMENT_MIX: readonly (readonly [EnrollmentStatus, number])[] = [
  ['active', 55],
  ['completed', 25],
  ['dropped', 12],
  ['pending', 8],
];
const ATTEMPT_COUNT_MIX: readonly (readonly [number, number])[] = [
  [1, 70],
  [2, 22],
  [3, 8],
];

/** A bank question with its choice ids worked out once, for options and for grading answers. */
export interface PreparedQuestion {
  question: BankQuestion;
  choiceIds: string[];
  correctIds: string[];
  wrongIds: string[];
}

const PREPARED_BANK: readonly PreparedQuestion[] = QUESTION_BANK.map((question) => {
  const choiceIds = question.choices.map((_, index) => CHOICE_IDS.charAt(index));
  return {
    question,
    choiceIds,
    correctIds: choiceIds.filter((_, index) => question.choices[index]?.correct === true),
    wrongIds: choiceIds.filter((_, index) => question.choices[index]?.correct === false),
  };
});

/** A user that other rows point at, decided before the users are written. */
export interface UserRef {
  id: string;
  createdAtMs: number;
}

export interface LessonPlan {
  id: string;
  title: string;
  durationMinutes: number;
}

export interface QuizPlan {
  id: string;
  title: string;
  /** The lesson it follows (1-based); a learner takes it after completing that lesson. 0: none. */
  afterLesson: number;
  lessonId: string | null;
  questions: PreparedQuestion[];
  maxScore: number;
}

export interface CoursePlan {
  id: string;
  slug: string;
  title: string;
  subject: SeedSubject;
  level: string;
  owner: UserRef;
  createdAtMs: number;
  publishedAtMs: number | null;
  lessons: LessonPlan[];
  quizzes: QuizPlan[];
}

/** One learner's journey through a course: how far they got and what they attempted. */
export interface EnrollmentPlan {
  id: string;
  user: UserRef;
  course: CoursePlan;
  status: EnrollmentStatus;
  enrolledAtMs: number;
  completedAtMs: number | null;
  /** When they last did something; lessons and attempts are spread before it. */
  lastActivityMs: number;
  lessonsCompleted: number;
  isOnNextLesson: boolean;
  /** Per quiz of the course, in order: how many attempts (0: not taken). */
  attemptCounts: number[];
}

/** Everything a run writes, decided up front so children can point at their parents' ids. */
export interface SeedPlan {
  nowMs: number;
  historyStartMs: number;
  userCount: number;
  roles: ReturnType<typeof roleSplit>;
  /** Appended to emails and slugs when appending, so they can't collide with earlier runs. */
  runTag: string;
  /** Users that courses or enrollments point at, by user index; the others get ids as written. */
  referencedUsers: Map<number, UserRef>;
  courses: CoursePlan[];
  enrollments: EnrollmentPlan[];
  totals: Record<SeedTable, number>;
}

export function planSeed(options: ParsedSeedOptions): SeedPlan {
  const nowMs = Date.now();
  const historyStartMs = nowMs - HISTORY_MS;
  const roles = roleSplit(options.users, options.courses);
  const referencedUsers = new Map<number, UserRef>();
  const referenceUser = (index: number): UserRef => {
    let user = referencedUsers.get(index);
    if (!user) {
      user = { id: randomUUID(), createdAtMs: between(historyStartMs, nowMs) };
      referencedUsers.set(index, user);
    }
    return user;
  };
  const firstInstructor = roles.admins + roles.support;
  const firstStudent = firstInstructor + roles.instructors;
  const runTag = options.append ? randomBytes(5).toString('hex') : '';

  const courses: CoursePlan[] = [];
  for (let index = 0; index < options.courses; index++) {
    const owner = referenceUser(firstInstructor + randomInt(roles.instructors));
    const subject = pick(SUBJECTS);
    const format = pick(COURSE_FORMATS);
    const title = format.title(subject.name);
    const createdAtMs = between(owner.createdAtMs, nowMs);
    const course: CoursePlan = {
      id: randomUUID(),
      slug: [deriveSlug(title), runTag, String(index + 1)].filter(Boolean).join('-'),
      title,
      subject,
      level: format.level,
      owner,
      createdAtMs,
      publishedAtMs: chance(0.8) ? between(createdAtMs, nowMs) : null,
      lessons: [],
      quizzes: [],
    };
    course.lessons = planLessons(options.lessonsPerCourse);
    course.quizzes = planQuizzes(course, options.quizzesPerCourse, options.questionsPerQuiz);
    courses.push(course);
  }

  const enrollments: EnrollmentPlan[] = [];
  for (const course of courses) {
    for (const student of sampleDistinct(options.enrollmentsPerCourse, roles.students)) {
      enrollments.push(planEnrollment(referenceUser(firstStudent + student), course, nowMs));
    }
  }

  const sum = (values: number[]): number => values.reduce((total, value) => total + value, 0);
  return {
    nowMs,
    historyStartMs,
    userCount: options.users,
    roles,
    runTag,
    referencedUsers,
    courses,
    enrollments,
    totals: {
      users: options.users,
      courses: courses.length,
      lessons: courses.length * options.lessonsPerCourse,
      quizzes: courses.length * options.quizzesPerCourse,
      enrollments: enrollments.length,
      lesson_progress: sum(
        enrollments.map((entry) => entry.lessonsCompleted + (entry.isOnNextLesson ? 1 : 0)),
      ),
      quiz_attempts: sum(enrollments.map((entry) => sum(entry.attemptCounts))),
    },
  };
}

function planLessons(count: number): LessonPlan[] {
  // The first and last lessons are the course's welcome and review; the middle ones cycle.
  const middle = LESSON_TOPICS.slice(1, -1);
  return Array.from({ length: count }, (_, index) => {
    let title: string;
    if (index === 0) title = LESSON_TOPICS[0];
    else if (index === count - 1) title = 'Review and next steps';
    else {
      const round = Math.floor((index - 1) / middle.length);
      const topic = middle[(index - 1) % middle.length] ?? 'Core concepts';
      title = round === 0 ? topic : `${topic} (part ${round + 1})`;
    }
    return { id: randomUUID(), title, durationMinutes: 5 + randomInt(41) };
  });
}

function planQuizzes(course: CoursePlan, count: number, questionsPerQuiz: number): QuizPlan[] {
  const lessonCount = course.lessons.length;
  return Array.from({ length: count }, (_, index) => {
    // Quizzes are spread evenly through the course, the last one after its last lesson.
    const afterLesson =
      lessonCount === 0 ? 0 : Math.max(1, Math.round(((index + 1) * lessonCount) / count));
    const lesson = course.lessons[afterLesson - 1];
    const questions = [...sampleDistinct(questionsPerQuiz, PREPARED_BANK.length)].map((bankIndex) =>
      itemAt(PREPARED_BANK, bankIndex),
    );
    return {
      id: randomUUID(),
      title: lesson ? `Quiz ${index + 1}: ${lesson.title}` : `${course.title}: quiz ${index + 1}`,
      afterLesson,
      lessonId: lesson?.id ?? null,
      questions,
      maxScore: questions.reduce((total, entry) => total + entry.question.points, 0),
    };
  });
}

function planEnrollment(user: UserRef, course: CoursePlan, nowMs: number): EnrollmentPlan {
  const status = pickWeighted(ENROLLMENT_MIX);
  const openedAtMs = Math.max(user.createdAtMs, course.publishedAtMs ?? course.createdAtMs);
  const enrolledAtMs = between(openedAtMs, nowMs);
  const lessonCount = course.lessons.length;
  let lessonsCompleted = 0;
  if (status === 'completed') lessonsCompleted = lessonCount;
  else if (status === 'active') lessonsCompleted = randomInt(lessonCount);
  else if (status === 'dropped') lessonsCompleted = randomInt(Math.floor(lessonCount / 2) + 1);
  // Pending learners haven't started; those who dropped often stopped in the middle of a lesson.
  const isOnNextLesson =
    lessonsCompleted < lessonCount &&
    ((status === 'active' && chance(0.7)) || (status === 'dropped' && chance(0.3)));
  const completedAtMs = status === 'completed' ? between(enrolledAtMs, nowMs) : null;
  const attemptCounts = course.quizzes.map((quiz) =>
    status !== 'pending' && lessonsCompleted >= quiz.afterLesson
      ? pickWeighted(ATTEMPT_COUNT_MIX)
      : 0,
  );
  return {
    id: randomUUID(),
    user,
    course,
    status,
    enrolledAtMs,
    completedAtMs,
    lastActivityMs:
      completedAtMs ?? (status === 'pending' ? enrolledAtMs : between(enrolledAtMs, nowMs)),
    lessonsCompleted,
    isOnNextLesson,
    attemptCounts,
  };
}
