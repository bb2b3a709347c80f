import { Command } from 'commander';
import Papa from 'papaparse';
import type { EnrollmentStatus } from '../models/enums';
import { emailSchema } from '../schemas/auth';
import {
  enrollmentStatusSchema,
  MAX_USERS_PER_CALL,
  type EnrollManyResult,
  type UnenrollEffect,
} from '../schemas/enrollments';
import { enrollMany, previewUnenroll, unenrollMany } from '../services/enrollments';
import { UserFacingError } from '../user-facing-error';
import { parseWith, type CliOutput } from './context';
import { slugArgument } from './courses-commands';
import { courseBySlug, enrollmentIdsByEmail } from './lookups';
import { inCliTransaction, withDatabase } from './open-database';
import { asJson, confirm, count, fileName, notesFor, readTextInput } from './terminal';

interface EmailFileFlags {
  course: string;
  emails: string;
  json?: boolean;
}

function withEmailFileOptions(command: Command): Command {
  return command
    .requiredOption('--course <slug>', 'the course', slugArgument)
    .requiredOption(
      '--emails <file>',
      'one email per line, or a CSV with an "email" column; - for stdin',
    );
}

/**
 * The distinct emails of an email list (one per line, or a CSV whose first line names an
 * `email` column), and a problem for every line that holds none.
 */
function parseEmailList(text: string): { emails: string[]; problems: string[] } {
  const emails = new Set<string>();
  const problems: string[] = [];
  let csv: { column: number; delimiter: string } | undefined;
  let isFirstLine = true;
  // Line by line, so each problem has its line number; quoted cells can't span lines here.
  for (const [index, line] of text
    .replace(/^\uFEFF/, '')
    .split(/\r\n|\n|\r/)
    .entries()) {
    if (line.trim() === '') continue;
    if (isFirstLine) {
      isFirstLine = false;
      const header = Papa.parse<string[]>(line);
      const column = (header.data[0] ?? []).findIndex(
        (cell) => cell.trim().toLowerCase() === 'email',
      );
      if (column >= 0) {
        csv = { column, delimiter: header.meta.delimiter };
        continue;
      }
    }
    const cell = csv
      ? (Papa.parse<string[]>(line, { delimiter: csv.delimiter }).data[0]?.[csv.column] ?? '')
      : line;
    const email = emailSchema.safeParse(cell);
    if (email.success) emails.add(email.data);
    else problems.push(`line ${index + 1}: "${cell.trim()}" is not an email address`);
  }
  return { emails: [...emails], problems };
}

/** The emails `--emails` names; a line without one is reported on stderr, and stops the command. */
async function readEmails(file: string, output: CliOutput): Promise<string[]> {
  const { emails, problems } = parseEmailList(await readTextInput(file));
  for (const problem of problems) output.err(problem);
  if (problems.length > 0) {
    throw new UserFacingError(
      `In ${fileName(file)}, ${count(problems.length, 'line holds', 'lines hold')} no email address: nothing was changed. Fix them and run again.`,
    );
  }
  if (emails.length === 0) throw new UserFacingError(`${fileName(file)} holds no email address.`);
  return emails;
}

/** Runs `work` on `items` a slice at a time, one after the other: the services take so many per call. */
async function inBatches<T, R>(
  items: readonly T[],
  work: (batch: T[]) => Promise<R>,
): Promise<R[]> {
  const results: R[] = [];
  for (let start = 0; start < items.length; start += MAX_USERS_PER_CALL) {
    results.push(await work(items.slice(start, start + MAX_USERS_PER_CALL)));
  }
  return results;
}

/** `lms-admin enroll`: enrollMany for the users a file names by email. */
export function enrollCommand(output: CliOutput): Command {
  return withEmailFileOptions(
    new Command('enroll').description(
      'enrol the active users a file names by email in a course; those enrolled before are left as they were',
    ),
  )
    .option(
      '--status <status>',
      `the status new enrollments start in: ${enrollmentStatusSchema.options.join(', ')}`,
      parseWith(enrollmentStatusSchema),
      'active',
    )
    .option('--json', 'print {enrolled, alreadyEnrolled, unmatched} as JSON')
    .action(async (flags: EmailFileFlags & { status: EnrollmentStatus }, command: Command) => {
      const emails = await readEmails(flags.emails, output);
      const result = await withDatabase(command, (db) =>
        inCliTransaction(db, async (transaction): Promise<EnrollManyResult> => {
          const course = await courseBySlug(db, flags.course, transaction);
          const parts = await inBatches(emails, (batch) =>
            enrollMany(
              db,
              { courseId: course.id, emails: batch, status: flags.status },
              transaction,
            ),
          );
          return {
            enrolled: parts.flatMap((part) => part.enrolled),
            alreadyEnrolled: parts.flatMap((part) => part.alreadyEnrolled),
            unmatched: { userIds: [], emails: parts.flatMap((part) => part.unmatched.emails) },
          };
        }),
      );
      if (flags.json) {
        output.out(asJson(result));
        return;
      }
      output.out(
        `Enrolled ${count(result.enrolled.length, 'user')} in ${flags.course} (${flags.status}).`,
      );
      if (result.alreadyEnrolled.length > 0) {
        output.out(
          `${count(result.alreadyEnrolled.length, 'user was', 'users were')} enrolled already: left as they were.`,
        );
      }
      const { emails: unmatched } = result.unmatched;
      if (unmatched.length > 0) {
        output.out(
          `${count(unmatched.length, 'email matches', 'emails match')} no active user (unknown, or deactivated):`,
        );
        for (const email of unmatched) output.out(`  ${email}`);
      }
    });
}

function describeUnenroll(effect: UnenrollEffect): string {
  return `${count(effect.enrollments, 'enrollment')}, with ${count(effect.lessonProgress, 'lesson progress record')} and ${count(effect.quizAttempts, 'quiz attempt')}`;
}

/** Adds up what unenrolling batch after batch does. */
function sumEffects(effects: readonly UnenrollEffect[]): UnenrollEffect {
  return effects.reduce(
    (sum, effect) => ({
      enrollments: sum.enrollments + effect.enrollments,
      lessonProgress: sum.lessonProgress + effect.lessonProgress,
      quizAttempts: sum.quizAttempts + effect.quizAttempts,
    }),
    { enrollments: 0, lessonProgress: 0, quizAttempts: 0 },
  );
}

/** `lms-admin unenroll`: unenrollMany for the users a file names by email, after saying what goes with them. */
export function unenrollCommand(output: CliOutput): Command {
  return withEmailFileOptions(
    new Command('unenroll').description(
      'unenrol the users a file names by email from a course; their lesson progress and quiz attempts go too',
    ),
  )
    .option('--yes', "don't ask for confirmation (needed when stdin is not a terminal)")
    .option(
      '--json',
      'print {unenrolled: {enrollments, lessonProgress, quizAttempts}, notEnrolled} as JSON',
    )
    .action(async (flags: EmailFileFlags & { yes?: boolean }, command: Command) => {
      const emails = await readEmails(flags.emails, output);
      const tell = notesFor(output, flags.json);
      const outcome = await withDatabase(command, async (db) => {
        const course = await courseBySlug(db, flags.course);
        const enrolled = await enrollmentIdsByEmail(db, course.id, emails);
        const notEnrolled = emails.filter((email) => !enrolled.has(email));
        if (notEnrolled.length > 0) {
          tell(
            `${count(notEnrolled.length, 'email is', 'emails are')} not enrolled in ${flags.course}, so left out:`,
          );
          for (const email of notEnrolled) tell(`  ${email}`);
        }
        const enrollmentIds = [...enrolled.values()];
        if (enrollmentIds.length === 0) return { unenrolled: null, notEnrolled };
        const preview = sumEffects(
          await inBatches(enrollmentIds, (batch) =>
            previewUnenroll(db, { courseId: course.id, enrollmentIds: batch }),
          ),
        );
        tell(`Unenrolling removes ${describeUnenroll(preview)}.`);
        await confirm(`unenrol ${count(preview.enrollments, 'user')} from ${flags.course}`, {
          isConfirmed: flags.yes,
        });
        const unenrolled = await inCliTransaction(db, async (transaction) =>
          sumEffects(
            await inBatches(enrollmentIds, (batch) =>
              unenrollMany(db, { courseId: course.id, enrollmentIds: batch }, transaction),
            ),
          ),
        );
        return { unenrolled, notEnrolled };
      });
      if (flags.json) output.out(asJson(outcome));
      else if (outcome.unenrolled === null) output.out(`Nobody to unenrol from ${flags.course}.`);
      else output.out(`Unenrolled ${describeUnenroll(outcome.unenrolled)}.`);
    });
}
