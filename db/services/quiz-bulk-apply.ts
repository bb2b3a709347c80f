import type { Transaction } from 'sequelize';
import type { Database } from '../connection';
import {
  bulkApplyInputSchema,
  bulkPreviewInputSchema,
  bulkUndoInputSchema,
  questionEditInputSchema,
  type BulkApplyInput,
  type BulkConflict,
  type BulkPreview,
  type BulkPreviewInput,
  type BulkProblem,
  type BulkUndoInput,
  type BulkWriteResult,
  type QuestionEditInput,
  type QuestionRow,
  type QuizRestore,
} from '../schemas/quiz-bulk';
import { quizOptionsSchema, type Question, type QuizOptions } from '../schemas/quiz-options';
import {
  changesOf,
  groupByQuiz,
  quizzesRead,
  runOperation,
  validateState,
  type OperationResult,
  type QuizSnapshot,
  type QuizState,
} from './quiz-bulk-operations';
import { toQuestionRow, type QuizScope } from './quiz-bulk-search';
import { ServiceError, staleVersionError } from './service-error';
import { notFoundError } from './versioned-rows';

/**
 * Preview, apply and undo of bulk operations, and the grid's in-place edit of one question.
 *
 * Apply reads every quiz it touches once (locked, in id order so two editors can't deadlock),
 * checks each against the version its preview saw, computes the new options in JS with the same
 * pure functions the preview used, validates them against the shared schema, and writes them all
 * in ONE statement (`UPDATE … FROM jsonb_to_recordset($1)`), each row still guarded by its
 * version. Three round trips whatever the number of quizzes.
 */

interface QuizRow {
  id: string;
  title: string;
  version: number;
  is_published: boolean;
  options: unknown;
  course_id: string;
  course_title: string;
  instructor_id: string | null;
}

/** A quiz as read for an operation, with its course for the grid's row. */
interface LoadedQuiz extends QuizSnapshot {
  courseId: string;
  courseTitle: string;
}

/**
 * The quizzes by id, read in id order, locked for the transaction when `lock` (apply, undo);
 * a missing one is left out. One whose stored options don't fit the schema is refused with what
 * is wrong, since an operation must never write options it can't check.
 */
async function readQuizzes(
  db: Database,
  ids: readonly string[],
  { lock, scope }: { lock: boolean; scope: QuizScope },
  transaction?: Transaction,
): Promise<Map<string, LoadedQuiz>> {
  const rows = await db.select<QuizRow>(
    `SELECT q.id, q.title, q.version, q.is_published, q.options, q.course_id, c.title AS course_title,
            c.instructor_id
       FROM quizzes q JOIN courses c ON c.id = q.course_id
      WHERE q.id = ANY($1::uuid[])
      ORDER BY q.id${lock ? ' FOR UPDATE OF q' : ''}`,
    [ids],
    transaction,
  );
  if (scope.instructorId !== undefined) {
    const foreign = rows.filter((row) => row.instructor_id !== scope.instructorId);
    if (foreign.length > 0) {
      throw new ServiceError(
        'FORBIDDEN',
        `You can only work on quizzes of courses you instruct, and ${foreign.length === 1 ? 'this one is' : 'these are'} not yours: ${foreign
          .slice(0, 5)
          .map((row) => `"${row.title}"`)
          .join(
            ', ',
          )}${foreign.length > 5 ? ', …' : ''}. Leave ${foreign.length === 1 ? 'it' : 'them'} out of the selection.`,
      );
    }
  }
  const quizzes = new Map<string, LoadedQuiz>();
  const broken: string[] = [];
  for (const row of rows) {
    const options = quizOptionsSchema.safeParse(row.options);
    if (!options.success) {
      const issue = options.error.issues[0];
      broken.push(
        `"${row.title}" (${issue?.path.map(String).join('.') || 'options'}: ${issue?.message ?? 'invalid'})`,
      );
      continue;
    }
    quizzes.set(row.id, {
      id: row.id,
      title: row.title,
      version: row.version,
      isPublished: row.is_published,
      options: options.data,
      courseId: row.course_id,
      courseTitle: row.course_title,
    });
  }
  if (broken.length > 0) {
    throw new ServiceError(
      'VALIDATION',
      `These quizzes have options that no longer fit the question schema, so bulk edits leave them alone: ${broken.slice(0, 5).join('; ')}${broken.length > 5 ? `; and ${broken.length - 5} more` : ''}. Repair them in the quiz editor first.`,
      { fields: { selection: 'includes quizzes with invalid options' } },
    );
  }
  return quizzes;
}

/** NOT_FOUND unless every quiz was read (a preview or an edit of a quiz deleted meanwhile). */
function assertAllFound(ids: readonly string[], quizzes: ReadonlyMap<string, unknown>): void {
  const missing = ids.filter((id) => !quizzes.has(id));
  if (missing.length === 1 && missing[0]) throw notFoundError('quiz', missing[0]);
  if (missing.length > 1) {
    throw new ServiceError(
      'NOT_FOUND',
      `${missing.length} of the quizzes no longer exist (${missing.slice(0, 3).join(', ')}, …): they may have been deleted. Search again.`,
    );
  }
}

/** CONFLICT listing each quiz whose version moved on (or that vanished) since the caller read it. */
function conflictError(conflicts: BulkConflict['quizzes'], doing: string): ServiceError {
  const titles = conflicts.map((quiz) => `"${quiz.title ?? quiz.quizId}"`);
  const current: BulkConflict = { quizzes: conflicts };
  return new ServiceError(
    'CONFLICT',
    `Nothing was ${doing}: ${conflicts.length === 1 ? 'a quiz was' : `${conflicts.length} quizzes were`} changed by someone else meanwhile (${titles.slice(0, 5).join(', ')}${titles.length > 5 ? ', …' : ''}). Review them and preview again.`,
    { current },
  );
}

/** The quizzes not at their expected version, as a conflict list (deleted ones: current version null). */
function versionConflicts(
  expected: ReadonlyMap<string, number>,
  now: ReadonlyMap<string, { title: string; version: number }>,
): BulkConflict['quizzes'] {
  return [...expected]
    .filter(([id, version]) => now.get(id)?.version !== version)
    .map(([id, version]) => ({
      quizId: id,
      title: now.get(id)?.title ?? null,
      expectedVersion: version,
      currentVersion: now.get(id)?.version ?? null,
    }));
}

/** One quiz's write: its new options (undefined: keep them) and published flag, if still at `version`. */
interface QuizWrite {
  id: string;
  version: number;
  options: QuizOptions | undefined;
  isPublished: boolean;
}

/**
 * Writes every quiz in one UPDATE, each only if still at its version; all or none (a row that
 * moved on makes it a CONFLICT and the caller's transaction rolls back). Returns the new versions.
 */
async function writeQuizzes(
  db: Database,
  writes: readonly QuizWrite[],
  doing: string,
  transaction: Transaction,
): Promise<Map<string, { version: number; title: string }>> {
  const records = writes.map((write) => ({
    id: write.id,
    version: write.version,
    options: write.options ?? null,
    is_published: write.isPublished,
  }));
  const rows = await db.select<{ id: string; version: number; title: string }>(
    `UPDATE quizzes AS q
        SET options = coalesce(n.options, q.options), is_published = n.is_published
       FROM jsonb_to_recordset($1::jsonb) AS n(id uuid, version integer, options jsonb, is_published boolean)
      WHERE q.id = n.id AND q.version = n.version
     RETURNING q.id, q.version, q.title`,
    [JSON.stringify(records)],
    transaction,
  );
  if (rows.length !== writes.length) {
    // Only a write around the row locks gets here; say which quizzes it was.
    const now = await db.select<{ id: string; title: string; version: number }>(
      `SELECT id, title, version FROM quizzes WHERE id = ANY($1::uuid[])`,
      [writes.map((write) => write.id)],
      transaction,
    );
    const expected = new Map(writes.map((write) => [write.id, write.version]));
    throw conflictError(
      versionConflicts(expected, new Map(now.map((row) => [row.id, row]))),
      doing,
    );
  }
  return new Map(rows.map((row) => [row.id, { version: row.version, title: row.title }]));
}

/** Validates every changed quiz; the options to write, or VALIDATION listing what the schema refuses. */
function validatedStates(
  quizzes: ReadonlyMap<string, QuizSnapshot>,
  result: OperationResult,
): { states: Map<string, QuizOptions>; problems: BulkProblem[] } {
  const states = new Map<string, QuizOptions>();
  const problems: BulkProblem[] = [];
  for (const [quizId, state] of result) {
    const quiz = quizzes.get(quizId);
    if (!quiz) throw new Error(`operation changed quiz ${quizId} it did not read`);
    // A quiz-level change (published) keeps the options object as it was read: nothing to check or write.
    if (state.options === quiz.options) continue;
    const checked = validateState(quiz, state);
    if (checked.options) states.set(quizId, checked.options);
    else problems.push(...checked.problems);
  }
  return { states, problems };
}

function problemsError(problems: readonly BulkProblem[]): ServiceError {
  const first = problems
    .slice(0, 3)
    .map(
      (problem) =>
        `quiz "${problem.quizTitle}"${problem.questionId ? `, question ${problem.questionId}` : ''}: ${problem.path} ${problem.message}`,
    );
  return new ServiceError(
    'VALIDATION',
    `The result would not be valid, so nothing was changed: ${first.join('; ')}${problems.length > 3 ? `; and ${problems.length - 3} more` : ''}. Preview shows every problem.`,
    {
      fields: Object.fromEntries(
        problems
          .slice(0, 20)
          .map((problem) => [
            `${problem.quizId}${problem.questionId ? `/${problem.questionId}` : ''}/${problem.path}`,
            problem.message,
          ]),
      ),
    },
  );
}

/** Questions changed, added or removed between two states (unchanged questions keep their object). */
function countChangedQuestions(before: QuizSnapshot, after: QuizState): number {
  const beforeById = new Map(before.options.questions.map((question) => [question.id, question]));
  const afterIds = new Set<string>();
  let count = 0;
  for (const question of after.options.questions) {
    afterIds.add(question.id);
    if (beforeById.get(question.id) !== question) count += 1;
  }
  for (const id of beforeById.keys()) if (!afterIds.has(id)) count += 1;
  return count;
}

/** Which questions and quizzes an operation would change, with a diff of each, and the versions it read. */
export async function previewBulkOperation(
  db: Database,
  input: BulkPreviewInput,
  scope: QuizScope,
  transaction?: Transaction,
): Promise<BulkPreview> {
  const { selection, operation } = bulkPreviewInputSchema.parse(input);
  const ids = quizzesRead(selection, operation);
  const quizzes = await readQuizzes(db, ids, { lock: false, scope }, transaction);
  assertAllFound(ids, quizzes);
  const result = runOperation(quizzes, selection, operation);
  const { problems } = validatedStates(quizzes, result);
  const changes = [...result].flatMap(([quizId, state]) => {
    const quiz = quizzes.get(quizId);
    return quiz ? changesOf(quiz, state) : [];
  });
  const touched = new Set(
    changes.map((change) => `${change.quizId}\u0000${change.questionId ?? ''}`),
  );
  let unchangedCount = 0;
  for (const [quizId, questionIds] of groupByQuiz(selection)) {
    for (const questionId of questionIds) {
      if (!touched.has(`${quizId}\u0000${questionId}`) && !touched.has(`${quizId}\u0000`)) {
        unchangedCount += 1;
      }
    }
  }
  return {
    changes,
    problems,
    versions: [...quizzes.values()].map((quiz) => ({ quizId: quiz.id, version: quiz.version })),
    quizCount: result.size,
    unchangedCount,
  };
}

/**
 * Applies an operation in the caller's transaction: nothing unless every quiz it reads is still at
 * the version its preview saw (else CONFLICT listing those that moved on) and every result fits
 * the schema (else VALIDATION). Returns the new versions and what undoes it.
 */
export async function applyBulkOperation(
  db: Database,
  input: BulkApplyInput,
  scope: QuizScope,
  transaction: Transaction,
): Promise<BulkWriteResult> {
  const { selection, operation, expectedVersions } = bulkApplyInputSchema.parse(input);
  const ids = quizzesRead(selection, operation);
  const previewed = new Map(expectedVersions.map((entry) => [entry.quizId, entry.version]));
  const expected = new Map<string, number>();
  const unpreviewed: string[] = [];
  for (const id of ids) {
    const version = previewed.get(id);
    if (version === undefined) unpreviewed.push(id);
    else expected.set(id, version);
  }
  if (unpreviewed.length > 0) {
    throw new ServiceError(
      'VALIDATION',
      `The versions from the preview are missing ${unpreviewed.length} of the quizzes this operation touches: preview it again, then apply.`,
      { fields: { expectedVersions: 'must list every quiz the preview returned' } },
    );
  }
  const quizzes = await readQuizzes(db, ids, { lock: true, scope }, transaction);
  const conflicts = versionConflicts(expected, quizzes);
  if (conflicts.length > 0) throw conflictError(conflicts, 'applied');
  const result = runOperation(quizzes, selection, operation);
  const { states, problems } = validatedStates(quizzes, result);
  if (problems.length > 0) throw problemsError(problems);
  let changedQuestionCount = 0;
  const writes: QuizWrite[] = [];
  for (const [quizId, state] of result) {
    const quiz = quizzes.get(quizId);
    if (!quiz) continue;
    changedQuestionCount += countChangedQuestions(quiz, state);
    writes.push({
      id: quizId,
      version: quiz.version,
      options: states.get(quizId),
      isPublished: state.isPublished,
    });
  }
  return finishWrite(db, quizzes, writes, changedQuestionCount, 'applied', transaction);
}

/** Writes, then answers with the new versions and the restore of every quiz as it was read. */
async function finishWrite(
  db: Database,
  before: ReadonlyMap<string, QuizSnapshot>,
  writes: readonly QuizWrite[],
  changedQuestionCount: number,
  doing: string,
  transaction: Transaction,
): Promise<BulkWriteResult> {
  if (writes.length === 0) return { quizzes: [], changedQuestionCount: 0, undo: null };
  const written = await writeQuizzes(db, writes, doing, transaction);
  const quizzes = writes.map((write) => {
    const after = written.get(write.id);
    if (!after) throw new Error(`quiz ${write.id} was not written`);
    return { quizId: write.id, version: after.version, title: after.title };
  });
  const undo: QuizRestore[] = quizzes.map(({ quizId, version }) => {
    const quiz = before.get(quizId);
    if (!quiz) throw new Error(`quiz ${quizId} was written but not read`);
    return { quizId, version, options: quiz.options, isPublished: quiz.isPublished };
  });
  return { quizzes, changedQuestionCount, undo: { quizzes: undo } };
}

/**
 * Puts quizzes back as an apply found them, if each is still at the version that apply left it
 * at; else CONFLICT listing those edited since, and nothing changes. Its own result undoes it.
 */
export async function undoBulkOperation(
  db: Database,
  input: BulkUndoInput,
  scope: QuizScope,
  transaction: Transaction,
): Promise<BulkWriteResult> {
  const { quizzes: restores } = bulkUndoInputSchema.parse(input);
  const expected = new Map(restores.map((restore) => [restore.quizId, restore.version]));
  const quizzes = await readQuizzes(db, [...expected.keys()], { lock: true, scope }, transaction);
  const conflicts = versionConflicts(expected, quizzes);
  if (conflicts.length > 0) throw conflictError(conflicts, 'undone');
  let changedQuestionCount = 0;
  const writes = restores.map((restore) => {
    const quiz = quizzes.get(restore.quizId);
    if (quiz) {
      changedQuestionCount += changesOf(quiz, restore).filter((change) => change.questionId).length;
    }
    return {
      id: restore.quizId,
      version: restore.version,
      options: restore.options,
      isPublished: restore.isPublished,
    };
  });
  return finishWrite(db, quizzes, writes, changedQuestionCount, 'undone', transaction);
}

/**
 * Edits one question's fields in place (the grid's cells), if its quiz is still at `version`;
 * else CONFLICT with the question as it is now. Returns the question's row at the new version.
 */
export async function editQuestion(
  db: Database,
  input: QuestionEditInput,
  transaction: Transaction,
): Promise<QuestionRow> {
  const { quizId, version, questionId, changes } = questionEditInputSchema.parse(input);
  // The router has checked that an instructor owns this quiz's course.
  const quizzes = await readQuizzes(db, [quizId], { lock: true, scope: {} }, transaction);
  assertAllFound([quizId], quizzes);
  const quiz = quizzes.get(quizId);
  if (!quiz) throw notFoundError('quiz', quizId);
  const rowOf = (at: LoadedQuiz, options: QuizOptions): QuestionRow | undefined => {
    const position = options.questions.findIndex((question) => question.id === questionId);
    if (position < 0) return undefined;
    return toQuestionRow(
      {
        quizId: at.id,
        quizTitle: at.title,
        quizVersion: at.version,
        isQuizPublished: at.isPublished,
        courseId: at.courseId,
        courseTitle: at.courseTitle,
      },
      position,
      options.questions[position],
    );
  };
  if (quiz.version !== version) {
    throw staleVersionError('quiz', rowOf(quiz, quiz.options) ?? null);
  }
  const position = quiz.options.questions.findIndex((question) => question.id === questionId);
  const original = quiz.options.questions[position];
  if (!original) {
    throw new ServiceError(
      'NOT_FOUND',
      `Quiz "${quiz.title}" has no question "${questionId}": it may have been removed. Search again.`,
    );
  }
  // A null change removes its field (title, feedback); an absent one leaves it as it is.
  const edited = Object.fromEntries(
    Object.entries({ ...original, ...changes }).filter(
      ([, value]) => value !== null && value !== undefined,
    ),
  );
  const questions = [...quiz.options.questions];
  questions[position] = edited as Question;
  const checked = validateState(quiz, {
    options: { ...quiz.options, questions },
    isPublished: quiz.isPublished,
  });
  if (!checked.options) {
    throw new ServiceError(
      'VALIDATION',
      `That edit would make question ${questionId} invalid: ${checked.problems.map((problem) => `${problem.path} ${problem.message}`).join('; ')}.`,
      {
        fields: Object.fromEntries(
          checked.problems.map((problem) => [`changes.${problem.path}`, problem.message]),
        ),
      },
    );
  }
  const written = await writeQuizzes(
    db,
    [{ id: quizId, version, options: checked.options, isPublished: quiz.isPublished }],
    'saved',
    transaction,
  );
  const after = written.get(quizId);
  if (!after) throw new Error(`quiz ${quizId} was not written`);
  const row = rowOf({ ...quiz, version: after.version }, checked.options);
  if (!row) throw new Error(`question ${questionId} vanished from its edit`);
  return row;
}
