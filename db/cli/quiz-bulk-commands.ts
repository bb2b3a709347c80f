import { Command } from 'commander';
import { z } from 'zod';
import { titleSchema } from '../schemas/common';
import { replaceScopes, type BulkOperationInput, type BulkPreview } from '../schemas/quiz-bulk';
import { applyBulkOperation, previewBulkOperation } from '../services/quiz-bulk-apply';
import { searchQuestions } from '../services/quiz-bulk-search';
import { ServiceError } from '../services/service-error';
import { parseWith, type CliOutput } from './context';
import { slugArgument } from './courses-commands';
import { courseBySlug } from './lookups';
import { inCliTransaction, withDatabase } from './open-database';
import { asJson, count } from './terminal';

/** The most questions one search page gives: reading a course takes the fewest queries. */
const SEARCH_PAGE = 500;

const scopesOption = parseWith(
  z
    .string()
    .transform((text) => text.split(',').map((scope) => scope.trim()))
    .pipe(z.array(z.enum(replaceScopes)).min(1)),
);

/** A changed field as one line: `Quiz › q3 text: "teh" → "the"`. */
function describeChanges(preview: BulkPreview): string[] {
  return preview.changes.flatMap((change) =>
    change.fields.map(
      (field) =>
        `${change.quizTitle} › ${change.questionId ?? '(quiz)'} ${field.path}: ${JSON.stringify(field.before)} → ${JSON.stringify(field.after)}`,
    ),
  );
}

/**
 * Adds `replace` to `lms-admin quizzes`: find and replace across a course's questions, with the
 * same preview, validation and one-transaction apply as the app's question bank.
 */
export function withQuizBulkCommands(quizzes: Command, output: CliOutput): Command {
  quizzes
    .command('replace')
    .description(
      "find and replace in a course's questions (all quizzes, or one by --quiz): every change is listed, then written in one transaction; a result the question schema refuses writes nothing. Patterns (--regex) use RE2 syntax: no backreferences or lookaround, so every search runs in linear time; the replacement takes $1, $<name>, $& and $$",
    )
    .requiredOption('--course <slug>', 'the course', slugArgument)
    .requiredOption('--find <text>', 'what to find (literally, unless --regex)')
    .requiredOption('--with <text>', 'what to put in its place')
    .option('--quiz <title>', 'only the quiz with this title', parseWith(titleSchema))
    .option('--regex', 'FIND is an RE2 regular expression')
    .option('--ignore-case', 'match regardless of case')
    .option(
      '--in <scopes>',
      `where to look: ${replaceScopes.join(',')} (default: text)`,
      scopesOption,
    )
    .option('--dry-run', 'list what would change; write nothing')
    .option('--json', 'print {preview, applied} as JSON')
    .action(
      async (
        flags: {
          course: string;
          find: string;
          with: string;
          quiz?: string;
          regex?: boolean;
          ignoreCase?: boolean;
          in?: (typeof replaceScopes)[number][];
          dryRun?: boolean;
          json?: boolean;
        },
        command: Command,
      ) => {
        const operation: BulkOperationInput = {
          kind: 'replace',
          find: flags.find,
          replaceWith: flags.with,
          isRegex: flags.regex ?? false,
          isCaseSensitive: !(flags.ignoreCase ?? false),
          scopes: flags.in ?? ['text'],
        };
        const outcome = await withDatabase(command, async (db) => {
          const course = await courseBySlug(db, flags.course);
          const selection: { quizId: string; questionId: string }[] = [];
          let cursor: string | undefined;
          do {
            const page = await searchQuestions(
              db,
              { courseId: course.id, limit: SEARCH_PAGE, ...(cursor && { cursor }) },
              {},
            );
            for (const row of page.items) {
              if (flags.quiz === undefined || row.quizTitle === flags.quiz) {
                if (row.problem === null)
                  selection.push({ quizId: row.quizId, questionId: row.questionId });
              }
            }
            cursor = page.nextCursor ?? undefined;
          } while (cursor);
          if (selection.length === 0) {
            throw new ServiceError(
              'NOT_FOUND',
              flags.quiz === undefined
                ? `Course ${flags.course} has no questions.`
                : `Course ${flags.course} has no quiz titled "${flags.quiz}" with questions.`,
            );
          }
          return inCliTransaction(db, async (transaction) => {
            const preview = await previewBulkOperation(
              db,
              { selection, operation },
              {},
              transaction,
            );
            if (flags.dryRun || preview.changes.length === 0) return { preview, applied: null };
            const applied = await applyBulkOperation(
              db,
              { selection, operation, expectedVersions: preview.versions },
              {},
              transaction,
            );
            return { preview, applied };
          });
        });
        if (flags.json) {
          output.out(asJson(outcome));
          return;
        }
        const { preview, applied } = outcome;
        for (const line of describeChanges(preview)) output.out(line);
        for (const problem of preview.problems) {
          output.err(
            `${problem.quizTitle} › ${problem.questionId ?? '(quiz)'} ${problem.path}: ${problem.message}`,
          );
        }
        const changed = count(preview.changes.length, 'question');
        const quizzes = count(preview.quizCount, 'quiz', 'quizzes');
        if (preview.changes.length === 0) output.out('Nothing matches: nothing was changed.');
        else if (applied) output.out(`Replaced in ${changed} of ${quizzes}.`);
        else output.out(`Dry run: ${changed} of ${quizzes} would change; nothing was written.`);
      },
    );
  return quizzes;
}
