import { QueryTypes, type Transaction } from 'sequelize';
import type { Database } from '../connection';
import {
  importQuestionsInputSchema,
  type CountByKind,
  type FormatProblem,
  type ImportedQuizPlan,
  type ImportQuestionsInput,
  type ImportQuestionsResult,
  type QuestionFormatName,
} from '../schemas/question-formats';
import {
  questionSchema,
  quizOptionsSchema,
  type Question,
  type QuizOptions,
} from '../schemas/quiz-options';
import { findUnstorableCharacters } from '../schemas/storable-text';
import type { LongWork } from './long-work';
import type { QuestionDraft } from './question-formats/question-file';
import { guessQuestionFormat, questionFileFormats } from './question-formats/registry';
import { createQuiz, updateQuiz } from './quizzes';
import { ServiceError } from './service-error';

const MAX_LISTED = 1000;
/** As many questions as the shared schema lets one quiz hold (`quizOptionsSchema`). */
const MAX_QUESTIONS_PER_QUIZ = 10_000;
const QUESTION_ID = /^[A-Za-z0-9_.:-]{1,100}$/;

interface ExistingQuiz {
  id: string;
  title: string;
  version: number;
  options: unknown;
}

/** One quiz the import fills: its drafts from the file, and where they go. */
interface TargetQuiz {
  title: string;
  line: number;
  drafts: QuestionDraft[];
  existing?: { id: string; version: number; options: QuizOptions };
  questions: Question[];
}

/** The quiz a file's questions outside any category go to: named after the file. */
function defaultQuizTitle(fileName: string | undefined): string {
  const base = fileName
    ?.split(/[\\/]/)
    .pop()
    ?.replace(/(\.[A-Za-z0-9-]+)+$/, '')
    .trim();
  return base ? base.slice(0, 500) : 'Imported questions';
}

function countByKind(questions: readonly { kind: Question['kind'] }[]): CountByKind {
  const counts: CountByKind = {};
  for (const { kind } of questions) counts[kind] = (counts[kind] ?? 0) + 1;
  return counts;
}

function chooseFormat(input: { format?: QuestionFormatName; fileName?: string; content: string }): {
  format: QuestionFormatName;
  reason: string;
} {
  if (input.format) return { format: input.format, reason: 'as given' };
  const guessed =
    input.fileName === undefined ? undefined : guessQuestionFormat(input.fileName, input.content);
  if (guessed) return guessed;
  throw new ServiceError(
    'VALIDATION',
    `Say which format the file is in (${Object.keys(questionFileFormats).join(', ')}): ${
      input.fileName ? `the name "${input.fileName}" doesn't tell` : 'it has no name to tell'
    }.`,
    { fields: { format: 'is needed when the file name does not tell the format' } },
  );
}

async function quizzesTitled(
  db: Database,
  courseId: string,
  titles: readonly string[],
  isLocked: boolean,
  transaction: Transaction | undefined,
): Promise<ExistingQuiz[]> {
  return db.sequelize.query<ExistingQuiz>(
    `SELECT id, title, version, options FROM quizzes
     WHERE course_id = $1 AND title = ANY($2::text[]) ORDER BY id${isLocked ? ' FOR UPDATE' : ''}`,
    { bind: [courseId, titles], type: QueryTypes.SELECT, transaction },
  );
}

/** Gives each question its id: the file's when free in the quiz, else the next free `qN`. */
function assignIds(target: TargetQuiz): string[] {
  const taken = new Set(target.existing?.options.questions.map((question) => question.id));
  // The file's own ids are claimed first, so a generated one never takes a later question's.
  const own = target.drafts.map(({ question }) => {
    const id = question.id;
    if (id === undefined || !QUESTION_ID.test(id) || taken.has(id)) return undefined;
    taken.add(id);
    return id;
  });
  let next = 1;
  return own.map((id) => {
    if (id !== undefined) return id;
    while (taken.has(`q${next}`)) next++;
    taken.add(`q${next}`);
    return `q${next}`;
  });
}

/**
 * Imports a question file into a course: parses it, checks every question against the shared
 * schema and reports what would be created (quizzes, questions by kind) with every problem at
 * its line; writes only a file without problems, and only when not a dry run, all in the
 * caller's transaction: new quizzes per category (or file), or questions appended to the
 * course's quiz of the same title.
 */
export async function importQuestions(
  db: Database,
  rawInput: ImportQuestionsInput,
  transaction: Transaction | undefined,
  options: { isDryRun: boolean } & LongWork,
): Promise<ImportQuestionsResult> {
  const input = importQuestionsInputSchema.parse(rawInput);
  const { format, reason } = chooseFormat(input);
  const parsed = questionFileFormats[format].parse(input.content);
  options.signal?.throwIfAborted();
  const problems = [
    ...findUnstorableCharacters(input.content),
    ...parsed.problems.filter((problem) => !(input.skipUnsupported && problem.feature)),
  ];
  const skipped = input.skipUnsupported ? parsed.problems.filter((problem) => problem.feature) : [];
  const notes = [...parsed.notes];

  const targets = new Map<string, TargetQuiz>();
  const fallbackTitle = input.quizTitle ?? defaultQuizTitle(input.fileName);
  for (const quiz of parsed.quizzes) {
    const title = input.quizTitle ?? quiz.title ?? fallbackTitle;
    if (input.quizTitle && quiz.title !== null && quiz.title !== input.quizTitle) {
      notes.push({
        line: quiz.line,
        message: `the category "${quiz.title}" goes into the quiz "${input.quizTitle}"`,
      });
    }
    const target = targets.get(title) ?? { title, line: quiz.line, drafts: [], questions: [] };
    target.drafts.push(...quiz.questions);
    targets.set(title, target);
  }

  const existing = await quizzesTitled(
    db,
    input.courseId,
    [...targets.keys()],
    !options.isDryRun,
    transaction,
  );
  for (const target of targets.values()) {
    const matches = existing.filter((quiz) => quiz.title === target.title);
    const [match] = matches;
    if (matches.length > 1) {
      problems.push({
        line: target.line,
        message: `the course has ${matches.length} quizzes titled "${target.title}": rename all but one, or import with another quiz title`,
      });
    } else if (match) {
      const current = quizOptionsSchema.safeParse(match.options);
      if (current.success) {
        target.existing = { id: match.id, version: match.version, options: current.data };
      } else {
        problems.push({
          line: target.line,
          message: `the quiz "${target.title}" has questions that don't fit the question schema: repair it before adding to it`,
        });
      }
    }
    const ids = assignIds(target);
    const renamed = target.drafts.filter(
      ({ question }, index) => question.id !== undefined && question.id !== ids[index],
    );
    if (renamed.length > 0) {
      notes.push({
        line: renamed[0]?.line ?? target.line,
        message: `${renamed.length} question id(s) of the file are taken in "${target.title}" or not usable as ids (${renamed
          .slice(0, 5)
          .map(({ question }) => question.id)
          .join(', ')}${renamed.length > 5 ? ', …' : ''}): they get new ones`,
      });
    }
    target.drafts.forEach((draft, index) => {
      const checked = questionSchema.safeParse({ ...draft.question, id: ids[index] });
      if (checked.success) {
        target.questions.push(checked.data);
        return;
      }
      const title = draft.question.title;
      for (const issue of checked.error.issues) {
        const where = draft.locate?.(issue.path) ?? { line: draft.line };
        const path = issue.path.map(String).join('.');
        problems.push({
          ...where,
          message: path ? `${path}: ${issue.message}` : issue.message,
          ...(title && { questionTitle: title }),
        });
      }
    });
    const total = (target.existing?.options.questions.length ?? 0) + target.drafts.length;
    if (total > MAX_QUESTIONS_PER_QUIZ) {
      problems.push({
        line: target.line,
        message: `"${target.title}" would hold ${total} questions, over the ${MAX_QUESTIONS_PER_QUIZ} a quiz may hold: split the file into categories`,
      });
    }
  }
  options.signal?.throwIfAborted();

  const plans: ImportedQuizPlan[] = [...targets.values()].map((target) => ({
    title: target.title,
    action: target.existing ? 'append' : 'create',
    quizId: target.existing?.id ?? null,
    line: target.line,
    questionCount: target.drafts.length,
    byKind: countByKind(target.questions),
  }));
  const isWritable = problems.length === 0 && !options.isDryRun;
  if (isWritable) {
    if (!transaction) throw new Error('an import that writes needs a transaction');
    const all = [...targets.values()];
    for (const [index, target] of all.entries()) {
      options.signal?.throwIfAborted();
      options.progress?.(index, all.length, `writing "${target.title}"`);
      const written = target.existing
        ? await updateQuiz(
            db,
            {
              id: target.existing.id,
              version: target.existing.version,
              options: {
                ...target.existing.options,
                questions: [...target.existing.options.questions, ...target.questions],
              },
            },
            transaction,
          )
        : await createQuiz(
            db,
            {
              courseId: input.courseId,
              title: target.title,
              options: { shuffle: false, questions: target.questions },
            },
            transaction,
          );
      const plan = plans[index];
      if (plan) plan.quizId = written.id;
    }
    options.progress?.(all.length, all.length, 'written');
  }
  const byLine = (a: FormatProblem, b: FormatProblem): number =>
    a.line - b.line || (a.column ?? 0) - (b.column ?? 0);
  return {
    format,
    formatReason: reason,
    quizzes: plans,
    questionCount: plans.reduce((sum, plan) => sum + plan.questionCount, 0),
    byKind: countByKind([...targets.values()].flatMap((target) => target.questions)),
    problems: problems.sort(byLine).slice(0, MAX_LISTED),
    skipped: skipped.sort(byLine).slice(0, MAX_LISTED),
    notes: notes.sort(byLine).slice(0, MAX_LISTED),
    isWritten: isWritable,
  };
}
