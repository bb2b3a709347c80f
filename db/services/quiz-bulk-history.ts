import type { Transaction } from 'sequelize';
import type { Database } from '../connection';
import {
  bulkOperationSchema,
  recentBulkOperationsInputSchema,
  type BulkOperation,
  type BulkOperationRecord,
  type QuizVersion,
  type RecentBulkOperations,
  type RecentBulkOperationsInput,
} from '../schemas/quiz-bulk';
import { ServiceError } from './service-error';

/**
 * The record of applied bulk operations (table `quiz_bulk_operations`): what was done, by whom,
 * in which transaction, and at which version it left each quiz. It holds no question data: how
 * each quiz was before is in the audit log, under the same transaction, and an undo reads it there.
 */

/** What a write records about itself. */
export interface BulkOperationEntry {
  action: BulkOperationRecord['action'];
  operation: BulkOperation;
  /** The operation an undo or redo reverts. */
  undoesId: string | null;
  /** Each quiz written, at the version the write left it. */
  quizzes: readonly QuizVersion[];
  questionCount: number;
}

/** Records a write in its own transaction (so it exists exactly when the write commits); returns its id. */
export async function recordBulkOperation(
  db: Database,
  entry: BulkOperationEntry,
  transaction: Transaction,
): Promise<string> {
  const [row] = await db.select<{ id: string }>(
    `INSERT INTO quiz_bulk_operations (actor_id, action, operation, undoes_id, quizzes, question_count)
     VALUES (NULLIF(current_setting('lms.actor_id', true), '')::uuid, $1, $2::jsonb, $3, $4::jsonb, $5)
     RETURNING id`,
    [
      entry.action,
      JSON.stringify(entry.operation),
      entry.undoesId,
      JSON.stringify(entry.quizzes),
      entry.questionCount,
    ],
    transaction,
  );
  if (!row) throw new Error('the bulk operation was not recorded');
  return row.id;
}

/** A recorded operation as an undo needs it, locked so two undos of it take turns. */
export interface LockedBulkOperation {
  id: string;
  action: BulkOperationRecord['action'];
  operation: BulkOperation;
  quizzes: QuizVersion[];
  questionCount: number;
  /** The undo that already reverted it, if any. */
  undoneById: string | null;
}

/** The operation `id`, locked for the transaction; NOT_FOUND when there is none. */
export async function lockBulkOperation(
  db: Database,
  id: string,
  transaction: Transaction,
): Promise<LockedBulkOperation> {
  const [row] = await db.select<{
    id: string;
    action: BulkOperationRecord['action'];
    operation: unknown;
    quizzes: QuizVersion[];
    question_count: number;
    undone_by_id: string | null;
  }>(
    `SELECT o.id, o.action, o.operation, o.quizzes, o.question_count,
            (SELECT u.id FROM quiz_bulk_operations u WHERE u.undoes_id = o.id) AS undone_by_id
       FROM quiz_bulk_operations o WHERE o.id = $1 FOR UPDATE OF o`,
    [id],
    transaction,
  );
  if (!row) {
    throw new ServiceError(
      'NOT_FOUND',
      `No bulk operation "${id}" is recorded: it may belong to another database. Reload the question bank to see the operations you can undo.`,
    );
  }
  return {
    id: row.id,
    action: row.action,
    operation: bulkOperationSchema.parse(row.operation),
    quizzes: row.quizzes,
    questionCount: row.question_count,
    undoneById: row.undone_by_id,
  };
}

/**
 * The caller's latest operations, newest first, each with what (if anything) keeps it from being
 * undone: an undo already done, or a quiz it wrote that is no longer at the version it left.
 * The caller is a signed-in person, or null for the CLI's own operations (made by no one in particular).
 */
export async function recentBulkOperations(
  db: Database,
  actorId: string | null,
  input: RecentBulkOperationsInput,
  transaction?: Transaction,
): Promise<RecentBulkOperations> {
  const { limit } = recentBulkOperationsInputSchema.parse(input);
  // Spelled apart so each form can use the (actor_id, created_at) index.
  const byActor = actorId === null ? 'o.actor_id IS NULL' : 'o.actor_id = $2';
  const rows = await db.select<{
    id: string;
    action: BulkOperationRecord['action'];
    operation: unknown;
    quiz_count: number;
    question_count: number;
    created_at: Date;
    is_undone: boolean;
    is_changed: boolean;
  }>(
    `SELECT o.id, o.action, o.operation, jsonb_array_length(o.quizzes) AS quiz_count,
            o.question_count, o.created_at,
            EXISTS (SELECT 1 FROM quiz_bulk_operations u WHERE u.undoes_id = o.id) AS is_undone,
            EXISTS (SELECT 1 FROM jsonb_to_recordset(o.quizzes) AS w("quizId" uuid, version integer)
                      LEFT JOIN quizzes q ON q.id = w."quizId"
                     WHERE q.version IS DISTINCT FROM w.version) AS is_changed
       FROM quiz_bulk_operations o
      WHERE ${byActor}
      ORDER BY o.created_at DESC, o.id DESC
      LIMIT $1`,
    actorId === null ? [limit] : [limit, actorId],
    transaction,
  );
  return {
    items: rows.map((row) => ({
      id: row.id,
      action: row.action,
      operation: bulkOperationSchema.parse(row.operation),
      quizCount: row.quiz_count,
      questionCount: row.question_count,
      createdAt: row.created_at,
      blockedBy: row.is_undone ? 'undone' : row.is_changed ? 'changed' : null,
    })),
  };
}
