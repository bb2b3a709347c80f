/** The COPY lines of each seeded table, generated lazily from a plan so none is held in memory. */

import { randomUUID } from 'node:crypto';
import { copyLine } from '../copy-rows';
import type { AttemptStatus, UserRole } from '../models/enums';
import type { SeedTable } from '../seed';
import { EMAIL_DOMAINS, FIRST_NAMES, LAST_NAMES, USER_PREFERENCES } from './content';
import type { EnrollmentPlan, PreparedQuestion, SeedPlan } from './plan';
import { between, chance, pick, pickWeighted, randomInt, randomIp } from './random';

const iso = (ms: number): string => new Date(ms).toISOString();

const USER_METADATA = USER_PREFERENCES.flatMap((preferences) =>
  ['daily', 'weekly', 'never'].map((emailDigest) =>
    JSON.stringify({ preferences: { ...preferences, emailDigest } }),
  ),
);

/** When the learner finished the lesson at `position` (1-based), spread over their activity. */
function lessonFinishedAtMs(enrollment: EnrollmentPlan, position: number): number {
  const steps = enrollment.lessonsCompleted + (enrollment.isOnNextLesson ? 1 : 0);
  if (position === 0 || steps === 0) return enrollment.enrolledAtMs;
  const spanMs = enrollment.lastActivityMs - enrollment.enrolledAtMs;
  return enrollment.enrolledAtMs + (spanMs * Math.min(position, steps)) / steps;
}

function roleOf(plan: SeedPlan, index: number): UserRole {
  const { admins, support, instructors } = plan.roles;
  if (index < admins) return 'admin';
  if (index < admins + support) return 'support';
  if (index < admins + support + instructors) return 'instructor';
  return 'student';
}

function* userLines(plan: SeedPlan): Generator<string> {
  const emailTag = plan.runTag ? `${plan.runTag}.` : '';
  for (let index = 0; index < plan.userCount; index++) {
    const first = pick(FIRST_NAMES);
    const last = pick(LAST_NAMES);
    const known = plan.referencedUsers.get(index);
    const createdAtMs = known?.createdAtMs ?? between(plan.historyStartMs, plan.nowMs);
    const lastLoginMs = chance(0.75) ? between(createdAtMs, plan.nowMs) : null;
    yield copyLine([
      known?.id ?? randomUUID(),
      // The index makes the address unique; the tag keeps appended runs apart from earlier ones.
      `${first.emailPart}.${last.emailPart}.${emailTag}${index + 1}@${pick(EMAIL_DOMAINS)}`,
      `${first.display} ${last.display}`,
      roleOf(plan, index),
      chance(0.96) ? 't' : 'f',
      lastLoginMs === null ? null : iso(lastLoginMs),
      lastLoginMs === null ? null : randomIp(),
      pick(USER_METADATA),
      iso(createdAtMs),
      iso(lastLoginMs ?? createdAtMs),
    ]);
  }
}

function* courseLines(plan: SeedPlan): Generator<string> {
  for (const course of plan.courses) {
    const metadata = {
      level: course.level,
      tags: course.subject.tags,
      prerequisites: course.level === 'advanced' ? [`Introduction to ${course.subject.name}`] : [],
    };
    yield copyLine([
      course.id,
      course.slug,
      course.title,
      `A ${course.level} course in ${course.subject.name.toLowerCase()}.\nShort lessons, hands-on exercises and a quiz after each part.`,
      course.owner.id,
      course.publishedAtMs === null ? 'f' : 't',
      course.publishedAtMs === null ? null : iso(course.publishedAtMs),
      JSON.stringify(metadata),
      iso(course.createdAtMs),
      iso(course.publishedAtMs ?? course.createdAtMs),
    ]);
  }
}

function* lessonLines(plan: SeedPlan): Generator<string> {
  for (const course of plan.courses) {
    const isPublished = course.publishedAtMs !== null;
    for (const [index, lesson] of course.lessons.entries()) {
      const createdAt = iso(course.createdAtMs + index * 3_600_000);
      yield copyLine([
        lesson.id,
        course.id,
        String(index + 1),
        lesson.title,
        `In this lesson of "${course.title}" we cover ${lesson.title.toLowerCase()}.\n\nWork through the examples, then try the exercise at the end.`,
        String(lesson.durationMinutes),
        isPublished ? 't' : 'f',
        createdAt,
        createdAt,
      ]);
    }
  }
}

function* quizLines(plan: SeedPlan): Generator<string> {
  for (const course of plan.courses) {
    for (const quiz of course.quizzes) {
      const options = {
        type: 'multiple_choice',
        shuffle: chance(0.5),
        questions: quiz.questions.map(({ question, choiceIds }, index) => ({
          id: `q${index + 1}`,
          kind: question.kind,
          text: question.text,
          points: question.points,
          feedback: question.feedback,
          choices: question.choices.map((choice, choiceIndex) => ({
            id: choiceIds[choiceIndex],
            text: choice.text,
            correct: choice.correct,
          })),
        })),
      };
      const createdAt = iso(course.createdAtMs + quiz.afterLesson * 3_600_000 + 60_000);
      yield copyLine([
        quiz.id,
        course.id,
        quiz.lessonId,
        quiz.title,
        course.publishedAtMs !== null && chance(0.9) ? 't' : 'f',
        String(Math.round(quiz.maxScore * 0.7)),
        JSON.stringify(options),
        createdAt,
        createdAt,
      ]);
    }
  }
}

function* enrollmentLines(plan: SeedPlan): Generator<string> {
  for (const enrollment of plan.enrollments) {
    yield copyLine([
      enrollment.id,
      enrollment.user.id,
      enrollment.course.id,
      enrollment.status,
      iso(enrollment.enrolledAtMs),
      enrollment.completedAtMs === null ? null : iso(enrollment.completedAtMs),
      iso(enrollment.enrolledAtMs),
      iso(enrollment.lastActivityMs),
    ]);
  }
}

function* lessonProgressLines(plan: SeedPlan): Generator<string> {
  for (const enrollment of plan.enrollments) {
    const touched = enrollment.lessonsCompleted + (enrollment.isOnNextLesson ? 1 : 0);
    for (let index = 0; index < touched; index++) {
      const lesson = enrollment.course.lessons[index];
      if (!lesson) break;
      const isCompleted = index < enrollment.lessonsCompleted;
      const startedAtMs = lessonFinishedAtMs(enrollment, index);
      const finishedAtMs = lessonFinishedAtMs(enrollment, index + 1);
      const fullSeconds = lesson.durationMinutes * 60;
      yield copyLine([
        randomUUID(),
        enrollment.id,
        lesson.id,
        isCompleted ? 'completed' : 'in_progress',
        isCompleted ? iso(finishedAtMs) : null,
        String(Math.round(fullSeconds * (isCompleted ? 0.6 + Math.random() : Math.random() * 0.6))),
        iso(startedAtMs),
        iso(isCompleted ? finishedAtMs : enrollment.lastActivityMs),
      ]);
    }
  }
}

/** A learner's answers, right with probability `skill` per question; ids as in the quiz's options. */
function answer(
  questions: readonly PreparedQuestion[],
  answeredCount: number,
  skill: number,
): { answers: Record<string, string[]>; score: number } {
  const answers: Record<string, string[]> = {};
  let score = 0;
  for (const [index, entry] of questions.slice(0, answeredCount).entries()) {
    if (chance(skill)) {
      answers[`q${index + 1}`] = entry.correctIds;
      score += entry.question.points;
    } else {
      // A typical mistake: one wrong choice, alongside the first right one when several are right.
      const wrong = pick(entry.wrongIds);
      answers[`q${index + 1}`] =
        entry.question.kind === 'multiple' ? [...entry.correctIds.slice(0, 1), wrong] : [wrong];
    }
  }
  return { answers, score };
}

function* quizAttemptLines(plan: SeedPlan): Generator<string> {
  for (const enrollment of plan.enrollments) {
    const ip = randomIp();
    for (const [quizIndex, quiz] of enrollment.course.quizzes.entries()) {
      const count = enrollment.attemptCounts[quizIndex] ?? 0;
      const windowStartMs = lessonFinishedAtMs(enrollment, quiz.afterLesson);
      const windowMs = enrollment.lastActivityMs - windowStartMs;
      for (let number = 1; number <= count; number++) {
        const isLast = number === count;
        // Only a learner still active can be in the middle of an attempt or awaiting a grade.
        const status: AttemptStatus =
          isLast && enrollment.status === 'active'
            ? pickWeighted([
                ['graded', 87],
                ['in_progress', 8],
                ['submitted', 5],
              ])
            : 'graded';
        // Retries come later, at least an hour apart, even when the window is short.
        const startedAtMs = Math.min(
          windowStartMs + (windowMs * (number - 1)) / count + (number - 1) * 3_600_000,
          plan.nowMs,
        );
        const submittedAtMs = Math.min(startedAtMs + (5 + randomInt(36)) * 60_000, plan.nowMs);
        const answeredCount =
          status === 'in_progress' ? Math.floor(quiz.questions.length / 2) : quiz.questions.length;
        // Learners do a little better on each retry.
        const { answers, score } = answer(
          quiz.questions,
          answeredCount,
          0.45 + Math.random() * 0.45 + 0.05 * (number - 1),
        );
        yield copyLine([
          randomUUID(),
          enrollment.id,
          quiz.id,
          String(number),
          status,
          JSON.stringify(answers),
          status === 'graded' ? String(score) : null,
          String(quiz.maxScore),
          iso(startedAtMs),
          status === 'in_progress' ? null : iso(submittedAtMs),
          ip,
          iso(startedAtMs),
          iso(status === 'in_progress' ? startedAtMs : submittedAtMs),
        ]);
      }
    }
  }
}

/** Each table's columns as copied, and the lines that fill them. */
export const tableWriters: Record<
  SeedTable,
  { columns: readonly string[]; lines: (plan: SeedPlan) => Iterable<string> }
> = {
  users: {
    columns: [
      'id',
      'email',
      'full_name',
      'role',
      'is_active',
      'last_login_at',
      'last_login_ip',
      'metadata',
      'created_at',
      'updated_at',
    ],
    lines: userLines,
  },
  courses: {
    columns: [
      'id',
      'slug',
      'title',
      'description',
      'instructor_id',
      'is_published',
      'published_at',
      'metadata',
      'created_at',
      'updated_at',
    ],
    lines: courseLines,
  },
  lessons: {
    columns: [
      'id',
      'course_id',
      'position',
      'title',
      'body',
      'duration_minutes',
      'is_published',
      'created_at',
      'updated_at',
    ],
    lines: lessonLines,
  },
  quizzes: {
    columns: [
      'id',
      'course_id',
      'lesson_id',
      'title',
      'is_published',
      'pass_score',
      'options',
      'created_at',
      'updated_at',
    ],
    lines: quizLines,
  },
  enrollments: {
    columns: [
      'id',
      'user_id',
      'course_id',
      'status',
      'enrolled_at',
      'completed_at',
      'created_at',
      'updated_at',
    ],
    lines: enrollmentLines,
  },
  lesson_progress: {
    columns: [
      'id',
      'enrollment_id',
      'lesson_id',
      'status',
      'completed_at',
      'time_spent_seconds',
      'created_at',
      'updated_at',
    ],
    lines: lessonProgressLines,
  },
  quiz_attempts: {
    columns: [
      'id',
      'enrollment_id',
      'quiz_id',
      'attempt_number',
      'status',
      'answers',
      'score',
      'max_score',
      'started_at',
      'submitted_at',
      'ip_address',
      'created_at',
      'updated_at',
    ],
    lines: quizAttemptLines,
  },
};
