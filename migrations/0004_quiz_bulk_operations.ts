import type { MigrationDb } from '../db/migration';

/**
 * The question bank's applied bulk operations, so that an undo outlives the page that applied
 * it (a reload, a restart, another window). A row holds no question data: the audit log already
 * has every touched quiz as it was before (its transaction is `txid` at `created_at`), and an
 * undo writes those snapshots back. The row says what was done, by whom, and at which version
 * it left each quiz, so an undo can refuse once anyone has edited one since.
 */
export async function up(db: MigrationDb): Promise<void> {
  await db.query(`
    CREATE TABLE quiz_bulk_operations (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      actor_id uuid REFERENCES users (id) ON DELETE SET NULL,
      -- apply: an operation as applied; undo: puts back what it undid; redo: undoes an undo.
      action text NOT NULL,
      -- The bulk operation (find and replace, set points, …) as its apply received it.
      operation jsonb NOT NULL,
      -- What an undo or redo reverted. An operation is undone at most once.
      undoes_id uuid REFERENCES quiz_bulk_operations (id) ON DELETE CASCADE,
      -- The transaction that wrote it: its audit_log entries hold each quiz as it was before.
      txid bigint NOT NULL DEFAULT txid_current(),
      -- Each quiz written, at the version this operation left it: [{"quizId", "version"}].
      quizzes jsonb NOT NULL,
      question_count integer NOT NULL,
      -- The transaction's start, as audit_log.created_at has it for the same entries.
      created_at timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT quiz_bulk_operations_action_check CHECK (action IN ('apply', 'undo', 'redo')),
      CONSTRAINT quiz_bulk_operations_undoes_check CHECK ((action = 'apply') = (undoes_id IS NULL)),
      CONSTRAINT quiz_bulk_operations_undoes_id_key UNIQUE (undoes_id),
      CONSTRAINT quiz_bulk_operations_quizzes_check CHECK (
        jsonb_typeof(quizzes) = 'array' AND jsonb_array_length(quizzes) > 0
      ),
      CONSTRAINT quiz_bulk_operations_question_count_check CHECK (question_count >= 0)
    );
    -- A person's recent operations, newest first (the question bank's undo list).
    CREATE INDEX quiz_bulk_operations_actor_id_created_at_idx
      ON quiz_bulk_operations (actor_id, created_at DESC);
  `);
}

export async function down(db: MigrationDb): Promise<void> {
  await db.query(`DROP TABLE quiz_bulk_operations;`);
}
