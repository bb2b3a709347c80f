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
import {
  lockBulkOperation,
  recordBulkOperation,
  type BulkOperationEntry,
} from './quiz-bulk-history';
import { toQuestionRow, type QuizScope } from './quiz-bulk-search';
import type { LongWork } from './long-work';
import { ServiceError, staleVersionError } from './service-error';
import { notFoundError } from './versioned-rows';

/**
 * Preview, apply and undo of bulk operations, and the grid's in-place edit of one question.
 *
 * Apply reads every quiz it touches once (locked, in id order so two editors can't deadlock),
 * checks each against the version its preview saw, computes the new options in JS with the same
 * pure functions the preview used, validates them against the shared schema, and writes them
 * with `UPDATE … FROM jsonb_to_recordset($1)`, each row still guarded by its version: one
 * statement per chunk of quizzes, so a long apply reports progress and can be cancelled between
 * chunks (a cancel rolls the one transaction back: nothing is written). It records itself in
 * `quiz_bulk_operations`; an undo puts back the quizzes as the audit log saw them before.
 */

/**
 * Quizzes per UPDATE of an apply or undo: chunks small enough for progress worth showing and a
 * prompt cancel, few enough that the extra statements don't cost the speed of a single one.
 */
const WRITE_CHUNK_QUIZZES = 250;

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

/** FORBIDDEN, naming them, when an instructor's operation reaches quizzes of courses they don't instruct. */
function assertOwned(
  rows: readonly { title: string; instructor_id: string | null }[],
  scope: QuizScope,
): void {
  if (scope.instructorId === undefined) return;
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
  assertOwned(rows, scope);
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
  const listed = `${titles.slice(0, 5).join(', ')}${titles.length > 5 ? ', …' : ''}`;
  const current: BulkConflict = { quizzes: conflicts };
  return new ServiceError(
    'CONFLICT',
    doing === 'undone'
      ? `Nothing was undone: ${conflicts.length === 1 ? 'a quiz was' : `${conflicts.length} quizzes were`} edited or deleted after the operation (${listed}), and undoing it would overwrite those edits. Undo the later changes first, or correct the questions by hand.`
      : `Nothing was ${doing}: ${conflicts.length === 1 ? 'a quiz was' : `${conflicts.length} quizzes were`} changed by someone else meanwhile (${listed}). Review them and preview again.`,
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
 * the schema (else VALIDATION). Reports progress in quizzes written, and stops between chunks
 * when `work.signal` aborts (the caller's transaction then rolls back: nothing is written).
 * Returns the new versions and the recorded operation's id, which `undoBulkOperation` takes.
 */
export async function applyBulkOperation(
  db: Database,
  input: BulkApplyInput,
  scope: QuizScope,
  transaction: Transaction,
  work: LongWork = {},
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
  work.progress?.(0, ids.length, 'Reading quizzes');
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
  if (writes.length === 0) return { quizzes: [], changedQuestionCount: 0, operationId: null };
  const written = await inChunks(writes, 'Writing quizzes', work, async (chunk) => [
    ...(await writeQuizzes(db, chunk, 'applied', transaction)),
  ]);
  return finishWrite(
    db,
    writes.map((write) => write.id),
    new Map(written),
    { action: 'apply', operation, undoesId: null, questionCount: changedQuestionCount },
    work,
    transaction,
  );
}

/**
 * Runs `step` on `items` a chunk at a time, reporting `message` with how many are done of all,
 * and stopping before each chunk, and after the last, once `work.signal` aborts.
 */
async function inChunks<T, R>(
  items: readonly T[],
  message: string,
  work: LongWork,
  step: (chunk: T[]) => Promise<R[]>,
): Promise<R[]> {
  const results: R[] = [];
  work.progress?.(0, items.length, message);
  for (let start = 0; start < items.length; start += WRITE_CHUNK_QUIZZES) {
    work.signal?.throwIfAborted();
    const chunk = items.slice(start, start + WRITE_CHUNK_QUIZZES);
    results.push(...(await step(chunk)));
    work.progress?.(start + chunk.length, items.length, message);
  }
  work.signal?.throwIfAborted();
  return results;
}

/** Records a finished write and answers with each quiz at its new version, in `order`. */
async function finishWrite(
  db: Database,
  order: readonly string[],
  written: ReadonlyMap<string, { version: number; title: string }>,
  entry: Omit<BulkOperationEntry, 'quizzes'>,
  work: LongWork,
  transaction: Transaction,
): Promise<BulkWriteResult> {
  const quizzes = order.map((quizId) => {
    const after = written.get(quizId);
    if (!after) throw new Error(`quiz ${quizId} was not written`);
    return { quizId, version: after.version, title: after.title };
  });
  const operationId = await recordBulkOperation(
    db,
    { ...entry, quizzes: quizzes.map(({ quizId, version }) => ({ quizId, version })) },
    transaction,
  );
  work.signal?.throwIfAborted();
  return { quizzes, changedQuestionCount: entry.questionCount, operationId };
}

/** Quizzes locked in id order, with just what an undo checks: their title, version and course's instructor. */
async function lockQuizVersions(
  db: Database,
  ids: readonly string[],
  scope: QuizScope,
  transaction: Transaction,
): Promise<Map<string, { title: string; version: number }>> {
  const rows = await db.select<{
    id: string;
    title: string;
    version: number;
    instructor_id: string | null;
  }>(
    `SELECT q.id, q.title, q.version, c.instructor_id
       FROM quizzes q JOIN courses c ON c.id = q.course_id
      WHERE q.id = ANY($1::uuid[])
      ORDER BY q.id FOR UPDATE OF q`,
    [ids],
    transaction,
  );
  assertOwned(rows, scope);
  return new Map(rows.map((row) => [row.id, row]));
}

/**
 * Puts quizzes back as the audit log recorded them just before the operation's transaction:
 * options and published flag, exactly as stored then.
 */
async function restoreFromHistory(
  db: Database,
  operationId: string,
  quizIds: readonly string[],
  transaction: Transaction,
): Promise<[string, { version: number; title: string }][]> {
  const rows = await db.select<{ id: string; version: number; title: string }>(
    `UPDATE quizzes AS q
        SET options = before.snapshot -> 'options',
            is_published = (before.snapshot ->> 'is_published')::boolean
       FROM (SELECT DISTINCT ON (a.record_id) a.record_id, a.before AS snapshot
               FROM quiz_bulk_operations o
               JOIN audit_log a ON a.txid = o.txid AND a.created_at = o.created_at
              WHERE o.id = $1 AND a.table_name = 'quizzes' AND a.action = 'UPDATE'
                AND a.record_id = ANY($2::uuid[])
              ORDER BY a.record_id, a.seq) AS before
      WHERE q.id = before.record_id
     RETURNING q.id, q.version, q.title`,
    [operationId, quizIds],
    transaction,
  );
  if (rows.length !== quizIds.length) {
    throw new ServiceError(
      'CONFLICT',
      `The audit history has no record of how ${quizIds.length - rows.length} of these quizzes were before the operation, so it can't be undone: nothing was changed.`,
    );
  }
  return rows.map((row) => [row.id, { version: row.version, title: row.title }]);
}

/**
 * Undoes a recorded operation (an undo too: that redoes it) in the caller's transaction: every
 * quiz it wrote goes back to how the audit log saw it before, if each is still at the version the
 * operation left it; else CONFLICT listing those edited or deleted since, and nothing changes.
 * Long work like an apply: progress in quizzes restored, cancel between chunks.
 */
export async function undoBulkOperation(
  db: Database,
  input: BulkUndoInput,
  scope: QuizScope,
  transaction: Transaction,
  work: LongWork = {},
): Promise<BulkWriteResult> {
  const { operationId } = bulkUndoInputSchema.parse(input);
  const undone = await lockBulkOperation(db, operationId, transaction);
  const ids = undone.quizzes.map((quiz) => quiz.quizId);
  work.progress?.(0, ids.length, 'Checking quizzes');
  const now = await lockQuizVersions(db, ids, scope, transaction);
  if (undone.undoneById !== null) {
    throw new ServiceError(
      'CONFLICT',
      'Nothing was undone: this operation was undone already. Undo that undo to redo it.',
    );
  }
  const expected = new Map(undone.quizzes.map((quiz) => [quiz.quizId, quiz.version]));
  const conflicts = versionConflicts(expected, now);
  if (conflicts.length > 0) throw conflictError(conflicts, 'undone');
  const restored = await inChunks(ids, 'Restoring quizzes', work, (chunk) =>
    restoreFromHistory(db, undone.id, chunk, transaction),
  );
  return finishWrite(
    db,
    ids,
    new Map(restored),
    {
      action: undone.action === 'undo' ? 'redo' : 'undo',
      operation: undone.operation,
      undoesId: undone.id,
      questionCount: undone.questionCount,
    },
    work,
    transaction,
  );
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
