import { Command } from 'commander';
import { enrollmentStatuses } from '../models/enums';
import { pageLimitSchema } from '../schemas/common';
import { courseSlugSchema } from '../schemas/courses';
import type { CourseDashboard, ScoreSummary } from '../schemas/dashboard';
import { getCourse, listCourses } from '../services/courses';
import { getCourseDashboard } from '../services/dashboard';
import { listLessons } from '../services/lessons';
import { getUser } from '../services/users';
import { parseWith, type CliOutput } from './context';
import { courseBySlug } from './lookups';
import { withDatabase } from './open-database';
import { asJson, count, formatColumns } from './terminal';

/** A course slug given on the command line, checked against the slug rule before any lookup. */
export const slugArgument = parseWith(courseSlugSchema);

/** The largest page a list gives, so reading a whole list takes the fewest queries. */
const LARGEST_PAGE = pageLimitSchema.unwrap().maxValue ?? undefined;

/** Every item of a keyset-paged list, page after page. */
async function everyItem<T>(
  listPage: (
    cursor: string | undefined,
  ) => Promise<{ items: readonly T[]; nextCursor: string | null }>,
): Promise<T[]> {
  const items: T[] = [];
  let cursor: string | undefined;
  do {
    const page = await listPage(cursor);
    items.push(...page.items);
    cursor = page.nextCursor ?? undefined;
  } while (cursor !== undefined);
  return items;
}

const percent = (value: number | null): string =>
  value === null ? 'n/a' : `${Math.round(value)}%`;

function describeScores(scores: ScoreSummary): string {
  return scores.scoredAttempts === 0
    ? 'no scored attempt'
    : `${count(scores.scoredAttempts, 'scored attempt')}, average ${percent(scores.averagePercent)}`;
}

function printDashboard(slug: string, dashboard: CourseDashboard, output: CliOutput): void {
  const { byStatus, total } = dashboard.enrollments;
  const statuses = enrollmentStatuses.map((status) => `${status} ${byStatus[status]}`);
  output.out(`Course ${slug}`);
  output.out(`Enrollments: ${total} (${statuses.join(', ')})`);
  output.out(
    `Completion rate: ${percent(dashboard.completionRate === null ? null : dashboard.completionRate * 100)} of enrollments not dropped`,
  );
  output.out(`Quiz scores: ${describeScores(dashboard.scores)}`);
  if (dashboard.scores.scoredAttempts > 0) {
    const buckets = dashboard.scores.distribution.map((bucket) => [
      `  ${bucket.fromPercent}–${bucket.toPercent}%`,
      String(bucket.attempts),
    ]);
    for (const line of formatColumns(buckets)) output.out(line);
  }
  for (const quiz of dashboard.quizzes) output.out(`Quiz "${quiz.title}": ${describeScores(quiz)}`);
}

/** `lms-admin courses …`: read-only views of courses through the courses service. */
export function coursesCommand(output: CliOutput): Command {
  const courses = new Command('courses').description(
    'list courses, show one with its lessons, or its dashboard',
  );

  courses
    .command('list')
    .description('list every course by slug')
    .option('--search <text>', 'only courses whose title or slug contains TEXT')
    .option('--json', 'print the courses as a JSON array')
    .action(async (flags: { search?: string; json?: boolean }, command: Command) => {
      const found = await withDatabase(command, (db) =>
        everyItem((cursor) =>
          listCourses(db, { search: flags.search, cursor, limit: LARGEST_PAGE }),
        ),
      );
      if (flags.json) {
        output.out(asJson(found));
        return;
      }
      if (found.length === 0) output.out('No courses match.');
      const rows = found.map((course) => [
        course.slug,
        course.isPublished ? 'published' : 'draft',
        course.title,
      ]);
      for (const line of formatColumns(rows)) output.out(line);
    });

  courses
    .command('show')
    .description('show a course and its lessons in order')
    .argument('<slug>', 'the course', slugArgument)
    .option('--json', 'print the course with a lessons array as JSON')
    .action(async (slug: string, flags: { json?: boolean }, command: Command) => {
      const { course, lessons, instructor } = await withDatabase(command, async (db) => {
        const { id } = await courseBySlug(db, slug);
        const course = await getCourse(db, id);
        const lessons = await everyItem((cursor) =>
          listLessons(db, { courseId: id, cursor, limit: LARGEST_PAGE }),
        );
        const instructor =
          course.instructorId === null ? null : await getUser(db, course.instructorId);
        return { course, lessons, instructor };
      });
      if (flags.json) {
        output.out(asJson({ ...course, lessons }));
        return;
      }
      output.out(`${course.title} (${course.slug})`);
      output.out(
        course.isPublished && course.publishedAt
          ? `Published ${course.publishedAt.toISOString()}`
          : 'Draft: not published',
      );
      output.out(
        `Instructor: ${instructor ? `${instructor.fullName} <${instructor.email}>` : 'none'}`,
      );
      if (course.description) output.out(`\n${course.description}\n`);
      output.out(lessons.length === 0 ? 'No lessons yet.' : `${count(lessons.length, 'lesson')}:`);
      for (const lesson of lessons) {
        const notes = [
          lesson.durationMinutes === null ? null : `${lesson.durationMinutes} min`,
          lesson.isPublished ? null : 'draft',
        ].filter((note) => note !== null);
        output.out(
          `  ${lesson.position}. ${lesson.title}${notes.length > 0 ? ` (${notes.join(', ')})` : ''}`,
        );
      }
    });

  courses
    .command('dashboard')
    .description('a course at a glance: enrollments by status, completion rate, quiz scores')
    .argument('<slug>', 'the course', slugArgument)
    .option('--json', 'print the dashboard as JSON')
    .action(async (slug: string, flags: { json?: boolean }, command: Command) => {
      const dashboard = await withDatabase(command, async (db) =>
        getCourseDashboard(db, { courseId: (await courseBySlug(db, slug)).id }),
      );
      if (flags.json) output.out(asJson(dashboard));
      else printDashboard(slug, dashboard, output);
    });

  return courses;
}
