import { Command } from 'commander';
import { z } from 'zod';
import { idSchema, titleSchema } from '../schemas/common';
import {
  recentBulkOperationsInputSchema,
  replaceScopes,
  type BulkOperationInput,
  type BulkOperationRecord,
  type BulkPreview,
} from '../schemas/quiz-bulk';
import { describeBulkRecord } from '../schemas/quiz-bulk-description';
import {
  applyBulkOperation,
  previewBulkOperation,
  undoBulkOperation,
} from '../services/quiz-bulk-apply';
import { recentBulkOperations } from '../services/quiz-bulk-history';
import { searchQuestions } from '../services/quiz-bulk-search';
import { ServiceError } from '../services/service-error';
import { parseWith, wholeNumber, type CliOutput } from './context';
import { slugArgument } from './courses-commands';
import { courseBySlug } from './lookups';
import { withInteractiveWork } from './interactive-work';
import { inCliTransaction, withDatabase } from './open-database';
import { asJson, count, formatColumns } from './terminal';

/** The most questions one search page gives: reading a course takes the fewest queries. */
const SEARCH_PAGE = 500;

const scopesOption = parseWith(
  z
    .string()
    .transform((text) => text.split(',').map((scope) => scope.trim()))
    .pipe(z.array(z.enum(replaceScopes)).min(1)),
);

/** Why a listed operation can no longer be undone. */
const CANNOT_UNDO: Record<NonNullable<BulkOperationRecord['blockedBy']>, string> = {
  undone: 'undone already',
  changed: 'a quiz was edited since',
};

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
 * Adds `replace`, `operations` and `undo` to `lms-admin quizzes`: find and replace across a
 * course's questions, with the same preview, validation and one-transaction apply as the app's
 * question bank, and the same undo.
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
        else if (applied) {
          output.out(`Replaced in ${changed} of ${quizzes}.`);
          if (applied.operationId !== null) {
            output.out(`To undo: lms-admin quizzes undo ${applied.operationId}`);
          }
        } else output.out(`Dry run: ${changed} of ${quizzes} would change; nothing was written.`);
      },
    );

  quizzes
    .command('operations')
    .description(
      'list the latest bulk operations made from the CLI (newest first), each with whether it can still be undone',
    )
    .option(
      '--limit <n>',
      'how many (1–50)',
      parseWith(wholeNumber(1).pipe(recentBulkOperationsInputSchema.shape.limit.unwrap())),
      10,
    )
    .option('--json', 'print them as JSON')
    .action(async (flags: { limit: number; json?: boolean }, command: Command) => {
      const { items } = await withDatabase(command, (db) =>
        recentBulkOperations(db, null, { limit: flags.limit }),
      );
      if (flags.json) {
        output.out(asJson(items));
        return;
      }
      if (items.length === 0) {
        output.out('No bulk operations were made from the CLI yet.');
        return;
      }
      const rows = items.map((item) => [
        item.id,
        item.createdAt.toISOString(),
        describeBulkRecord(item),
        `${count(item.questionCount, 'question')} in ${count(item.quizCount, 'quiz', 'quizzes')}`,
        item.blockedBy === null ? 'can be undone' : CANNOT_UNDO[item.blockedBy],
      ]);
      for (const line of formatColumns([['ID', 'WHEN', 'WHAT', 'SIZE', 'UNDO'], ...rows])) {
        output.out(line);
      }
    });

  quizzes
    .command('undo')
    .description(
      "undo a bulk operation (an undo's id redoes it) in one transaction, if every quiz it wrote is still as it left it; else nothing changes and the quizzes edited since are listed",
    )
    .argument(
      '<operation-id>',
      'from `quizzes operations`, or printed by `quizzes replace`',
      parseWith(idSchema),
    )
    .option('--json', 'print the quizzes written as JSON')
    .action(async (operationId: string, flags: { json?: boolean }, command: Command) => {
      const result = await withInteractiveWork(output, (work) =>
        withDatabase(command, (db) =>
          inCliTransaction(db, (transaction) =>
            undoBulkOperation(db, { operationId }, {}, transaction, work),
          ),
        ),
      );
      if (flags.json) {
        output.out(asJson(result));
        return;
      }
      output.out(
        `Undone: ${count(result.changedQuestionCount, 'question')} in ${count(result.quizzes.length, 'quiz', 'quizzes')} restored.`,
      );
      if (result.operationId !== null) {
        output.out(`To redo: lms-admin quizzes undo ${result.operationId}`);
      }
    });
  return quizzes;
}
