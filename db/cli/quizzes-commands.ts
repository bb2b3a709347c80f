import fs from 'node:fs/promises';
import { Command } from 'commander';
import { QueryTypes } from 'sequelize';
import type { Database } from '../connection';
import { titleSchema } from '../schemas/common';
import {
  questionFormatSchema,
  type FormatProblem,
  type ImportQuestionsResult,
  type QuestionFormatName,
} from '../schemas/question-formats';
import { exportQuestions } from '../services/question-export';
import { importQuestions } from '../services/question-import';
import { ServiceError } from '../services/service-error';
import { UserFacingError } from '../user-facing-error';
import { parseWith, type CliOutput } from './context';
import { slugArgument } from './courses-commands';
import { courseBySlug } from './lookups';
import { inCliTransaction, withDatabase } from './open-database';
import { asJson, count, fileName, notesFor, readTextInput } from './terminal';

const formatOption = parseWith(questionFormatSchema);
const formatNames = questionFormatSchema.options.join('|');

function describeProblem(problem: FormatProblem): string {
  const where = `line ${problem.line}${problem.column === undefined ? '' : `, column ${problem.column}`}`;
  const question = problem.questionTitle ? ` (${problem.questionTitle})` : '';
  return `${where}${question}: ${problem.message}`;
}

function describeKinds(byKind: ImportQuestionsResult['byKind']): string {
  const kinds = Object.entries(byKind).map(([kind, n]) => `${n} ${kind.replace('_', ' ')}`);
  return kinds.length === 0 ? '' : ` (${kinds.join(', ')})`;
}

/** The ids of the course's quizzes titled `title`. */
async function quizIdsTitled(db: Database, courseId: string, title: string): Promise<string[]> {
  const rows = await db.sequelize.query<{ id: string }>(
    `SELECT id FROM quizzes WHERE course_id = $1 AND title = $2`,
    { bind: [courseId, title], type: QueryTypes.SELECT },
  );
  if (rows.length === 0) {
    throw new ServiceError('NOT_FOUND', `The course has no quiz titled "${title}".`);
  }
  return rows.map((row) => row.id);
}

/** `lms-admin quizzes …`: question files in and out of a course's quizzes. */
export function quizzesCommand(output: CliOutput): Command {
  const quizzes = new Command('quizzes').description(
    `import and export questions as ${questionFormatSchema.options.join(', ')}`,
  );

  quizzes
    .command('import')
    .description(
      'import a question file into a course: every question is checked first and every problem listed with its line; any problem means nothing is written. Each category of the file becomes a quiz (questions outside any go to a quiz named after the file); a quiz of the same title gets the questions appended',
    )
    .argument('<file>', 'the question file, or - for stdin (then give --format)')
    .requiredOption('--course <slug>', 'the course to import into', slugArgument)
    .option(
      '--quiz <title>',
      'put every question into this quiz (appended if it exists)',
      parseWith(titleSchema),
    )
    .option(
      '--format <format>',
      `${formatNames} (default: from the file name: .gift/.gift.txt, .aiken/.aiken.txt, .xml, .csv, .json; a bare .txt is GIFT unless it has Aiken's ANSWER: lines)`,
      formatOption,
    )
    .option(
      '--skip-unsupported',
      'leave out questions of kinds LMS Admin lacks (e.g. cloze) instead of refusing the file',
    )
    .option('--dry-run', 'check the file and say what would be created; write nothing')
    .option('--json', 'print the import result as JSON')
    .action(
      async (
        file: string,
        flags: {
          course: string;
          quiz?: string;
          format?: QuestionFormatName;
          skipUnsupported?: boolean;
          dryRun?: boolean;
          json?: boolean;
        },
        command: Command,
      ) => {
        const content = await readTextInput(file);
        const result = await withDatabase(command, async (db) => {
          const course = await courseBySlug(db, flags.course);
          return inCliTransaction(db, (transaction) =>
            importQuestions(
              db,
              {
                courseId: course.id,
                content,
                ...(file !== '-' && { fileName: file }),
                format: flags.format,
                quizTitle: flags.quiz,
                skipUnsupported: flags.skipUnsupported ?? false,
              },
              transaction,
              {
                isDryRun: flags.dryRun ?? false,
                progress: (done, total, message) =>
                  output.err(
                    `${message ?? 'working'}: ${done}${total === undefined ? '' : ` of ${total}`}`,
                  ),
              },
            ),
          );
        });
        const tell = notesFor(output, flags.json);
        if (flags.json) output.out(asJson(result));
        else {
          for (const note of result.notes) output.err(`note: ${describeProblem(note)}`);
          for (const skipped of result.skipped) output.err(`skipped: ${describeProblem(skipped)}`);
          for (const problem of result.problems) output.err(describeProblem(problem));
        }
        if (result.problems.length > 0) {
          throw new UserFacingError(
            `${count(result.problems.length, 'problem')} in ${fileName(file)} (read as ${result.format}): nothing was imported. Fix them and import again.`,
          );
        }
        if (flags.json) return;
        tell(`Read ${fileName(file)} as ${result.format} (${result.formatReason}).`);
        for (const quiz of result.quizzes) {
          tell(
            `${quiz.action === 'create' ? 'New quiz' : 'Added to quiz'} "${quiz.title}": ${count(quiz.questionCount, 'question')}${describeKinds(quiz.byKind)}`,
          );
        }
        output.out(
          result.isWritten
            ? `Imported ${count(result.questionCount, 'question')} into ${count(result.quizzes.length, 'quiz', 'quizzes')}.`
            : `Dry run: ${count(result.questionCount, 'question')} would be imported; nothing was written.`,
        );
      },
    );

  quizzes
    .command('export')
    .description("write a course's questions (all quizzes, or one by --quiz) in one format")
    .requiredOption('--course <slug>', 'the course', slugArgument)
    .requiredOption('--format <format>', formatNames, formatOption)
    .option('--quiz <title>', 'only the quiz with this title')
    .option('--out <file>', 'write to FILE instead of stdout')
    .option('--json', 'print {format, fileName, quizCount, questionCount, notes, content} as JSON')
    .action(
      async (
        flags: {
          course: string;
          format: QuestionFormatName;
          quiz?: string;
          out?: string;
          json?: boolean;
        },
        command: Command,
      ) => {
        const result = await withDatabase(command, async (db) => {
          const course = await courseBySlug(db, flags.course);
          const quizIds =
            flags.quiz === undefined ? undefined : await quizIdsTitled(db, course.id, flags.quiz);
          return exportQuestions(db, { courseId: course.id, format: flags.format, quizIds });
        });
        for (const note of result.notes) {
          output.err(
            `note: quiz "${note.quizTitle}"${note.questionId ? `, question ${note.questionId}` : ''}: ${note.message}`,
          );
        }
        if (flags.out !== undefined) await fs.writeFile(flags.out, result.content);
        if (flags.json) {
          output.out(
            asJson(
              flags.out === undefined
                ? result
                : {
                    format: result.format,
                    file: flags.out,
                    quizCount: result.quizCount,
                    questionCount: result.questionCount,
                    notes: result.notes,
                  },
            ),
          );
        } else if (flags.out !== undefined) {
          output.out(
            `Exported ${count(result.questionCount, 'question')} of ${count(result.quizCount, 'quiz', 'quizzes')} to ${flags.out}.`,
          );
        } else {
          output.out(result.content.endsWith('\n') ? result.content.slice(0, -1) : result.content);
        }
      },
    );

  return quizzes;
}
