import type { Transaction } from 'sequelize';
import { z } from 'zod';
import type { Database } from '../connection';
import {
  questionSearchInputSchema,
  type QuestionPage,
  type QuestionRow,
  type QuestionSearchInput,
} from '../schemas/quiz-bulk';
import { questionSchema, type Question } from '../schemas/quiz-options';
import { containsPattern, decodeCursor, encodeCursor } from './keyset-cursor';
import { ServiceError } from './service-error';

/** Whose quizzes a caller reaches: an instructor only those of the courses they own. */
export interface QuizScope {
  /** Only quizzes of courses this user instructs; undefined: every quiz (admins, support, the CLI). */
  instructorId?: string | undefined;
}

/** A question of a quiz as the search query returns it. */
interface QuestionSearchRow {
  quiz_id: string;
  quiz_title: string;
  quiz_version: number;
  is_published: boolean;
  course_id: string;
  course_title: string;
  /** 1-based, as `WITH ORDINALITY` counts; bigint, so a string from node-postgres. */
  ordinality: string;
  question: unknown;
}

/** Questions are listed by quiz title, then quiz id, then place in the quiz. */
const questionCursorSchema = z.object({
  afterTitle: z.string(),
  afterQuizId: z.uuid(),
  afterOrdinality: z.number().int().min(1),
});

/** The answers of a question in one line, as the grid shows them. */
export function answersSummary(question: Question): string {
  switch (question.kind) {
    case 'single':
    case 'multiple':
      return question.choices
        .map((choice) => `${choice.correct ? '✓ ' : ''}${choice.text}`)
        .join(' · ');
    case 'true_false':
      return question.answer ? 'True' : 'False';
    case 'short_answer':
      return question.answers.map((answer) => answer.text).join(' · ');
    case 'numerical':
      return question.answers
        .map((answer) => {
          if ('value' in answer) {
            return `${answer.value}${answer.tolerance ? ` ± ${answer.tolerance}` : ''}`;
          }
          return 'min' in answer ? `${answer.min}..${answer.max}` : '(any other answer)';
        })
        .join(' · ');
    case 'matching':
      return question.pairs
        .map((pair) =>
          pair.prompt === '' ? `(distractor) ${pair.answer}` : `${pair.prompt} → ${pair.answer}`,
        )
        .join(' · ');
    case 'essay':
      return '';
  }
}

/** Where the quiz and course of a question row come from. */
export interface QuizOfRow {
  quizId: string;
  quizTitle: string;
  quizVersion: number;
  isQuizPublished: boolean;
  courseId: string;
  courseTitle: string;
}

/**
 * A stored question as a grid row. One that no longer fits the schema (written around the API)
 * still shows, with what is wrong, so a person can find it; bulk operations refuse it.
 */
export function toQuestionRow(quiz: QuizOfRow, position: number, stored: unknown): QuestionRow {
  const parsed = questionSchema.safeParse(stored);
  if (parsed.success) {
    const question = parsed.data;
    return {
      ...quiz,
      position,
      questionId: question.id,
      kind: question.kind,
      text: question.text,
      textFormat: question.textFormat,
      points: question.points,
      tags: question.tags,
      feedback: question.feedback ?? null,
      answers: answersSummary(question),
      problem: null,
    };
  }
  const raw: Record<string, unknown> =
    typeof stored === 'object' && stored !== null ? (stored as Record<string, unknown>) : {};
  const text = (key: string): string => (typeof raw[key] === 'string' ? raw[key] : '');
  const issue = parsed.error.issues[0];
  return {
    ...quiz,
    position,
    questionId: text('id') || `(no id, #${position + 1})`,
    kind: text('kind') || '(unknown)',
    text: text('text'),
    textFormat: text('textFormat') || 'plain',
    points: typeof raw.points === 'number' ? raw.points : null,
    tags: Array.isArray(raw.tags) ? raw.tags.filter((tag) => typeof tag === 'string') : [],
    feedback: typeof raw.feedback === 'string' ? raw.feedback : null,
    answers: '',
    problem: issue
      ? `${issue.path.map(String).join('.') || '(question)'}: ${issue.message}`
      : 'does not fit the question schema',
  };
}

/**
 * Checks a JSON path before it filters anything, so a typo is a VALIDATION error that quotes
 * PostgreSQL's own words (`syntax error at or near …`), not a failed search.
 */
async function assertValidJsonpath(
  db: Database,
  jsonpath: string,
  transaction?: Transaction,
): Promise<void> {
  try {
    // Running it once on an empty object also catches what parsing alone would not (an unknown `$variable`).
    await db.select(
      `SELECT jsonb_path_exists('{}'::jsonb, $1::jsonpath, '{}', true)`,
      [jsonpath],
      transaction,
    );
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new ServiceError(
      'VALIDATION',
      `The JSON path "${jsonpath}" is not valid: ${message}. Write it as PostgreSQL's SQL/JSON path, e.g. $.points > 2 or $.tags[*] ? (@ == "algebra").`,
      { fields: { jsonpath: message } },
    );
  }
}

/**
 * The questions of every quiz in scope that match all the given filters, in quiz-title order, a
 * keyset page at a time. Kind and tag first narrow the quizzes through the GIN index on `options`.
 */
export async function searchQuestions(
  db: Database,
  input: QuestionSearchInput,
  scope: QuizScope,
  transaction?: Transaction,
): Promise<QuestionPage> {
  const { courseId, quizId, kind, tag, text, jsonpath, cursor, limit } =
    questionSearchInputSchema.parse(input);
  const after = cursor === undefined ? undefined : decodeCursor(questionCursorSchema, cursor);
  if (jsonpath) await assertValidJsonpath(db, jsonpath, transaction);
  const conditions: string[] = [];
  const bind: unknown[] = [];
  const param = (value: unknown): string => {
    bind.push(value);
    return `$${bind.length}`;
  };
  /** A quiz with at least one question containing `fragment`: what the GIN index answers. */
  const quizHasQuestionLike = (fragment: object): string =>
    `q.options @> ${param(JSON.stringify({ questions: [fragment] }))}::jsonb`;
  if (scope.instructorId !== undefined)
    conditions.push(`c.instructor_id = ${param(scope.instructorId)}`);
  if (courseId) conditions.push(`q.course_id = ${param(courseId)}`);
  if (quizId) conditions.push(`q.id = ${param(quizId)}`);
  if (kind) {
    conditions.push(quizHasQuestionLike({ kind }), `e.question ->> 'kind' = ${param(kind)}`);
  }
  if (tag) {
    conditions.push(quizHasQuestionLike({ tags: [tag] }), `e.question -> 'tags' ? ${param(tag)}`);
  }
  if (text) conditions.push(`e.question ->> 'text' ILIKE ${param(containsPattern(text))}`);
  if (jsonpath) {
    // Silent: a question where the path meets a missing key or a wrong type just doesn't match.
    conditions.push(`jsonb_path_exists(e.question, ${param(jsonpath)}::jsonpath, '{}', true)`);
  }
  if (after) {
    conditions.push(
      `(q.title, q.id, e.ordinality) > (${param(after.afterTitle)}, ${param(after.afterQuizId)}::uuid, ${param(after.afterOrdinality)}::bigint)`,
    );
  }
  const where = conditions.length > 0 ? `WHERE ${conditions.join(' AND ')}` : '';
  // One row more than the page tells whether a next page exists without counting.
  const rows = await db.select<QuestionSearchRow>(
    `SELECT q.id AS quiz_id, q.title AS quiz_title, q.version AS quiz_version, q.is_published,
            c.id AS course_id, c.title AS course_title, e.ordinality, e.question
       FROM quizzes q
       JOIN courses c ON c.id = q.course_id
      CROSS JOIN LATERAL jsonb_array_elements(q.options -> 'questions') WITH ORDINALITY AS e(question, ordinality)
      ${where}
      ORDER BY q.title, q.id, e.ordinality
      LIMIT ${param(limit + 1)}`,
    bind,
    transaction,
  );
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return {
    items: page.map((row) =>
      toQuestionRow(
        {
          quizId: row.quiz_id,
          quizTitle: row.quiz_title,
          quizVersion: row.quiz_version,
          isQuizPublished: row.is_published,
          courseId: row.course_id,
          courseTitle: row.course_title,
        },
        Number(row.ordinality) - 1,
        row.question,
      ),
    ),
    nextCursor:
      rows.length > limit && last
        ? encodeCursor({
            afterTitle: last.quiz_title,
            afterQuizId: last.quiz_id,
            afterOrdinality: Number(last.ordinality),
          })
        : null,
  };
}
