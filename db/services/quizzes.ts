import { QueryTypes, type Transaction } from 'sequelize';
import { z } from 'zod';
import type { Database } from '../connection';
import { quizOptionsSchema } from '../schemas/quiz-options';
import {
  addQuestionInputSchema,
  createQuizInputSchema,
  listQuizzesInputSchema,
  moveQuestionInputSchema,
  removeQuestionInputSchema,
  updateQuestionInputSchema,
  updateQuizInputSchema,
  type AddQuestionInput,
  type CreateQuizInput,
  type ListQuizzesInput,
  type MoveQuestionInput,
  type QuizDeletePreview,
  type QuizDetail,
  type QuizPage,
  type QuizSummary,
  type RemoveQuestionInput,
  type UpdateQuestionInput,
  type UpdateQuizInput,
  type VersionedQuizRef,
} from '../schemas/quizzes';
import { decodeCursor, encodeCursor } from './keyset-cursor';
import { ServiceError } from './service-error';
import {
  deleteAtVersion,
  getRow,
  rowAtVersion,
  updateAtVersion,
  updateRowAtVersion,
  type VersionedTable,
  insertRow,
} from './versioned-rows';

interface QuizSummaryRow {
  id: string;
  course_id: string;
  lesson_id: string | null;
  title: string;
  is_published: boolean;
  /** numeric: node-postgres returns it as a string to keep every digit. */
  pass_score: string | null;
  type: string | null;
  question_count: number;
  created_at: Date;
  updated_at: Date;
  version: number;
}

interface QuizRow extends QuizSummaryRow {
  /** As stored: the database guarantees only an object with a `questions` array. */
  options: { questions: unknown[] } & Record<string, unknown>;
}

const SUMMARY_COLUMNS = `id, course_id, lesson_id, title, is_published, pass_score,
  options ->> 'type' AS type, jsonb_array_length(options -> 'questions') AS question_count,
  created_at, updated_at, version`;
const QUIZ_COLUMNS = `${SUMMARY_COLUMNS}, options`;

function toSummary(row: QuizSummaryRow): QuizSummary {
  return {
    id: row.id,
    courseId: row.course_id,
    lessonId: row.lesson_id,
    title: row.title,
    isPublished: row.is_published,
    passScore: row.pass_score === null ? null : Number(row.pass_score),
    type: row.type,
    questionCount: row.question_count,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    version: row.version,
  };
}

/** The quiz in full; options that no longer fit the shared schema come as stored, with their problems. */
function toDetail(row: QuizRow): QuizDetail {
  const summary = toSummary(row);
  const options = quizOptionsSchema.safeParse(row.options);
  if (options.success) return { ...summary, isOptionsValid: true, options: options.data };
  return {
    ...summary,
    isOptionsValid: false,
    options: row.options,
    problems: options.error.issues.map((issue) => ({
      path: issue.path.map(String).join('.') || '(options)',
      message: issue.message,
    })),
  };
}

const quizzes: VersionedTable<QuizRow, QuizDetail> = {
  table: 'quizzes',
  columns: QUIZ_COLUMNS,
  what: 'quiz',
  present: toDetail,
};

/** Quizzes are listed by title; the id breaks ties between equal titles. */
const quizCursorSchema = z.object({ afterTitle: z.string(), afterId: z.uuid() });

/** A course's quizzes by title, a page at a time, with question counts but not the questions. */
export async function listQuizzes(
  db: Database,
  input: ListQuizzesInput,
  transaction?: Transaction,
): Promise<QuizPage> {
  const { courseId, cursor, limit } = listQuizzesInputSchema.parse(input);
  const after = cursor === undefined ? null : decodeCursor(quizCursorSchema, cursor);
  // One row more than the page tells whether a next page exists without counting.
  const rows = await db.sequelize.query<QuizSummaryRow>(
    `SELECT ${SUMMARY_COLUMNS} FROM quizzes
     WHERE course_id = $1 AND ($2::text IS NULL OR (title, id) > ($2::text, $3::uuid))
     ORDER BY title, id LIMIT $4`,
    {
      bind: [courseId, after?.afterTitle ?? null, after?.afterId ?? null, limit + 1],
      type: QueryTypes.SELECT,
      transaction,
    },
  );
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return {
    items: page.map(toSummary),
    nextCursor:
      rows.length > limit && last
        ? encodeCursor({ afterTitle: last.title, afterId: last.id })
        : null,
  };
}

export async function getQuiz(
  db: Database,
  id: string,
  transaction?: Transaction,
): Promise<QuizDetail> {
  return toDetail(await getRow(db, quizzes, id, transaction));
}

/** A quiz may hang on a lesson of its own course only. */
async function assertLessonOfCourse(
  db: Database,
  lessonId: string,
  courseId: string,
  transaction: Transaction,
): Promise<void> {
  const rows = await db.sequelize.query(`SELECT 1 FROM lessons WHERE id = $1 AND course_id = $2`, {
    bind: [lessonId, courseId],
    type: QueryTypes.SELECT,
    transaction,
  });
  if (rows.length === 0) {
    throw new ServiceError(
      'VALIDATION',
      'That lesson is not part of the quiz’s course: choose one of its own lessons, or none.',
      { fields: { lessonId: 'must be a lesson of the same course' } },
    );
  }
}

export async function createQuiz(
  db: Database,
  input: CreateQuizInput,
  transaction: Transaction,
): Promise<QuizDetail> {
  const quiz = createQuizInputSchema.parse(input);
  if (quiz.lessonId) await assertLessonOfCourse(db, quiz.lessonId, quiz.courseId, transaction);
  const row = await insertRow<QuizRow>(
    db,
    `INSERT INTO quizzes (course_id, lesson_id, title, is_published, pass_score, options)
     VALUES ($1, $2, $3, $4, $5, $6) RETURNING ${QUIZ_COLUMNS}`,
    [
      quiz.courseId,
      quiz.lessonId ?? null,
      quiz.title,
      quiz.isPublished ?? false,
      quiz.passScore ?? null,
      JSON.stringify(quiz.options),
    ],
    transaction,
  );
  return toDetail(row);
}

/** Applies the changed fields if the quiz is still at `version`; else CONFLICT with it as it is now. */
export async function updateQuiz(
  db: Database,
  input: UpdateQuizInput,
  transaction: Transaction,
): Promise<QuizDetail> {
  const { id, version, ...changes } = updateQuizInputSchema.parse(input);
  if (changes.lessonId) {
    const { course_id: courseId } = await getRow(db, quizzes, id, transaction);
    await assertLessonOfCourse(db, changes.lessonId, courseId, transaction);
  }
  return updateAtVersion(
    db,
    quizzes,
    { id, version },
    {
      title: changes.title,
      lesson_id: changes.lessonId,
      is_published: changes.isPublished,
      pass_score: changes.passScore,
      options: changes.options && JSON.stringify(changes.options),
    },
    transaction,
  );
}

/** What deleting the quiz would remove: its questions, and the learners' attempts at it. */
export async function previewQuizDelete(
  db: Database,
  id: string,
  transaction?: Transaction,
): Promise<QuizDeletePreview> {
  const row = await getRow(db, quizzes, id, transaction);
  const [counts] = await db.sequelize.query<{ attempts: number }>(
    'SELECT count(*)::int AS attempts FROM quiz_attempts WHERE quiz_id = $1',
    { bind: [id], type: QueryTypes.SELECT, transaction },
  );
  return {
    quiz: toSummary(row),
    cascades: { questions: row.question_count, attempts: counts?.attempts ?? 0 },
  };
}

/** Deletes the quiz (and its attempts) if still at `version`; returns it as it was. */
export async function deleteQuiz(
  db: Database,
  target: VersionedQuizRef,
  transaction: Transaction,
): Promise<QuizDetail> {
  return deleteAtVersion(db, quizzes, target, transaction);
}

/** One edit of a quiz's questions, as SQL over the row's current `options -> 'questions'`. */
interface QuestionEdit {
  /** The new questions array. */
  questions: string;
  /** What the current questions must satisfy for the edit to apply. */
  guard: string;
  /** The parameters of both, from `$3` on. */
  params: unknown[];
  /** Why the guard failed, given the ids of the current questions. */
  refusal(questionIds: readonly (string | undefined)[]): ServiceError;
}

/** SQL: whether the current questions include one with the id in `param`. */
const hasQuestion = (param: string): string =>
  `options -> 'questions' @> jsonb_build_array(jsonb_build_object('id', ${param}))`;

/** SQL: the current questions without the one whose id is in `param`, in order. */
const questionsWithout = (param: string): string =>
  `coalesce((SELECT jsonb_agg(q.question ORDER BY q.ordinality)
               FROM jsonb_array_elements(options -> 'questions') WITH ORDINALITY AS q(question, ordinality)
              WHERE q.question ->> 'id' IS DISTINCT FROM ${param}), '[]'::jsonb)`;

function questionIdsOf(options: QuizRow['options']): (string | undefined)[] {
  return options.questions.map((question) =>
    typeof question === 'object' && question !== null && 'id' in question
      ? String(question.id)
      : undefined,
  );
}

function missingQuestion(questionId: string): ServiceError {
  return new ServiceError(
    'NOT_FOUND',
    `This quiz has no question "${questionId}": it may have been removed. Reload the quiz.`,
    { fields: { questionId: 'is not a question of this quiz' } },
  );
}

function indexOutOfRange(field: string, highest: number): ServiceError {
  return new ServiceError(
    'VALIDATION',
    `That index is past the end of the quiz's questions: choose one from 0 to ${highest}.`,
    { fields: { [field]: `must be between 0 and ${highest}` } },
  );
}

/**
 * Applies one question edit in one UPDATE, if the quiz is still at `version` and the edit fits
 * its current questions; else CONFLICT (stale version, with the current quiz) or the edit's own
 * refusal. Working on the stored JSON, it also repairs a quiz whose other questions are broken.
 */
async function editQuestions(
  db: Database,
  target: { quizId: string; version: number },
  edit: QuestionEdit,
  transaction: Transaction,
): Promise<QuizDetail> {
  const quiz = { id: target.quizId, version: target.version };
  const row = await updateRowAtVersion(
    db,
    quizzes,
    quiz,
    {
      set: `options = jsonb_set(options, '{questions}', ${edit.questions})`,
      guard: edit.guard,
      params: edit.params,
    },
    transaction,
  );
  if (row) return toDetail(row);
  const current = await rowAtVersion(db, quizzes, quiz, transaction);
  throw edit.refusal(questionIdsOf(current.options));
}

/** Inserts a question at `index` (the question there and later ones move down), or last. */
export async function addQuestion(
  db: Database,
  input: AddQuestionInput,
  transaction: Transaction,
): Promise<QuizDetail> {
  const { quizId, version, question, index } = addQuestionInputSchema.parse(input);
  const count = `jsonb_array_length(options -> 'questions')`;
  return editQuestions(
    db,
    { quizId, version },
    {
      questions: `jsonb_insert(options -> 'questions', ARRAY[coalesce($5::int, ${count})::text], $3::jsonb)`,
      guard: `NOT ${hasQuestion('$4::text')} AND coalesce($5::int, 0) <= ${count}`,
      params: [JSON.stringify(question), question.id, index ?? null],
      refusal: (ids) =>
        ids.includes(question.id)
          ? new ServiceError(
              'CONFLICT',
              `This quiz already has a question "${question.id}": give the new one another id.`,
              { fields: { 'question.id': 'is already used by another question of this quiz' } },
            )
          : indexOutOfRange('index', ids.length),
    },
    transaction,
  );
}

/** Replaces the question with the same id, where it stands. */
export async function updateQuestion(
  db: Database,
  input: UpdateQuestionInput,
  transaction: Transaction,
): Promise<QuizDetail> {
  const { quizId, version, question } = updateQuestionInputSchema.parse(input);
  return editQuestions(
    db,
    { quizId, version },
    {
      questions: `(SELECT jsonb_agg(CASE WHEN q.question ->> 'id' = $4::text THEN $3::jsonb ELSE q.question END
                                    ORDER BY q.ordinality)
                     FROM jsonb_array_elements(options -> 'questions') WITH ORDINALITY AS q(question, ordinality))`,
      guard: hasQuestion('$4::text'),
      params: [JSON.stringify(question), question.id],
      refusal: () => missingQuestion(question.id),
    },
    transaction,
  );
}

export async function removeQuestion(
  db: Database,
  input: RemoveQuestionInput,
  transaction: Transaction,
): Promise<QuizDetail> {
  const { quizId, version, questionId } = removeQuestionInputSchema.parse(input);
  return editQuestions(
    db,
    { quizId, version },
    {
      questions: questionsWithout('$3::text'),
      guard: hasQuestion('$3::text'),
      params: [questionId],
      refusal: () => missingQuestion(questionId),
    },
    transaction,
  );
}

/** Moves a question so that it stands at `toIndex` (0 is first). */
export async function moveQuestion(
  db: Database,
  input: MoveQuestionInput,
  transaction: Transaction,
): Promise<QuizDetail> {
  const { quizId, version, questionId, toIndex } = moveQuestionInputSchema.parse(input);
  return editQuestions(
    db,
    { quizId, version },
    {
      // Taken out, then inserted before what is at `toIndex` among the rest (past the end: last).
      questions: `jsonb_insert(${questionsWithout('$3::text')}, ARRAY[$4::int::text],
                     (SELECT q FROM jsonb_array_elements(options -> 'questions') AS q
                       WHERE q ->> 'id' = $3::text LIMIT 1))`,
      guard: `${hasQuestion('$3::text')} AND $4::int < jsonb_array_length(options -> 'questions')`,
      params: [questionId, toIndex],
      refusal: (ids) =>
        ids.includes(questionId)
          ? indexOutOfRange('toIndex', ids.length - 1)
          : missingQuestion(questionId),
    },
    transaction,
  );
}
