import type pg from 'pg';
import { SyncConflictKind } from '../../schemas/sync';
import {
  applyOperations,
  feedHighWater,
  recordKey,
  type RowFailure,
  type RowOperation,
  type TableStatements,
} from './apply-rows';
import {
  inTransaction,
  markAsSync,
  type DetectedConflict,
  type OutboxChange,
} from './replica-state';
import { isSameImage } from './synced-tables';

/** What the central server answers for one push batch (and answers again, unchanged, to a re-send). */
export interface CentralBatchResult {
  /** Whether the ledger already had this batch: nothing was applied this time. */
  isReplay: boolean;
  applied: number;
  conflicts: DetectedConflict[];
}

/**
 * Applies one push batch on the central server in one transaction, with its id in the ledger
 * (`sync_applied_batches`) in that same transaction: a batch whose outcome the replica never
 * learned (the connection dropped at COMMIT, the process was killed) is sent again under the
 * same id and changes nothing twice. A record the central server changed since the replica's
 * base is a conflict, never overwritten; rows are locked from the check to the write.
 */
export async function applyBatchOnCentral(
  central: pg.ClientBase,
  statements: TableStatements,
  replicaId: string,
  batchId: string,
  changes: readonly OutboxChange[],
): Promise<CentralBatchResult> {
  return inTransaction(central, 'BEGIN', async () => {
    await markAsSync(central);
    const { rowCount } = await central.query(
      `INSERT INTO sync_applied_batches (batch_id, replica_id, applied_txid, change_count, result)
       VALUES ($1, $2, txid_current(), $3, '{"applied": 0, "conflicts": []}')
       ON CONFLICT (batch_id) DO NOTHING`,
      [batchId, replicaId, changes.length],
    );
    if (rowCount === 0) {
      const { rows } = await central.query<{
        result: { applied: number; conflicts: DetectedConflict[] };
      }>(`SELECT result FROM sync_applied_batches WHERE batch_id = $1`, [batchId]);
      const { applied, conflicts } = rows[0]?.result ?? { applied: 0, conflicts: [] };
      return { isReplay: true, applied, conflicts };
    }
    const current = await statements.readImages(central, changes, true);
    const operations: RowOperation[] = [];
    const conflicts: DetectedConflict[] = [];
    let applied = 0;
    for (const change of changes) {
      const centralRow = current.get(recordKey(change.table, change.id)) ?? null;
      const outcome = classifyPush(change, centralRow);
      if (outcome === 'done') applied++;
      else if ('kind' in outcome && 'detail' in outcome) conflicts.push(outcome);
      else operations.push(outcome);
    }
    const mark = await feedHighWater(central);
    const failures = await applyOperations(central, statements, operations, {
      mayCascadeTo: () => false,
    });
    const sideEffects = await changedBesides(central, mark, changes);
    const failed = new Set(
      failures.map((failure) => recordKey(failure.operation.table, failure.operation.id)),
    );
    applied += operations.filter((op) => !failed.has(recordKey(op.table, op.id))).length;
    const byKey = new Map(changes.map((change) => [recordKey(change.table, change.id), change]));
    for (const failure of failures) {
      const change = byKey.get(recordKey(failure.operation.table, failure.operation.id));
      if (change)
        conflicts.push(
          conflictOfFailure(
            change,
            failure,
            current.get(recordKey(change.table, change.id)) ?? null,
          ),
        );
    }
    await central.query(`UPDATE sync_applied_batches SET result = $2 WHERE batch_id = $1`, [
      batchId,
      JSON.stringify({ applied, conflicts, sideEffects }),
    ]);
    return { isReplay: false, applied, conflicts };
  });
}

/**
 * The records this transaction changed after `mark` that the batch didn't carry: what the
 * database did on its own (a deleted lesson's quizzes get `lesson_id` NULL). The replica doesn't
 * have these changes, so its pull must not skip them with the rest of its own batch.
 */
async function changedBesides(
  central: pg.ClientBase,
  mark: number,
  changes: readonly OutboxChange[],
): Promise<{ table: string; id: string }[]> {
  const { rows } = await central.query<{ table: string; id: string }>(
    `SELECT DISTINCT table_name AS table, record_id::text AS id FROM audit_log
      WHERE seq > $1 AND txid = txid_current()`,
    [mark],
  );
  const sent = new Set(changes.map((change) => recordKey(change.table, change.id)));
  return rows.filter((row) => !sent.has(recordKey(row.table, row.id)));
}

/** What to do with one pushed change given the central row: nothing, an operation, or a conflict. */
function classifyPush(
  change: OutboxChange,
  centralRow: OutboxChange['row'],
): 'done' | RowOperation | DetectedConflict {
  const conflict = (kind: SyncConflictKind, detail: string): DetectedConflict => ({
    table: change.table,
    id: change.id,
    kind,
    base: change.base,
    local: change.row,
    central: centralRow,
    detail,
  });
  // Already as pushed: an earlier, interrupted push of the same change got through.
  if (isSameImage(change.row, centralRow)) return 'done';
  if (change.row === null) {
    if (centralRow === null) return 'done';
    if (centralRow.version === change.base) {
      return {
        table: change.table,
        id: change.id,
        kind: 'delete',
        expectedVersion: centralRow.version,
      };
    }
    return conflict(
      SyncConflictKind.deleteUpdate,
      `Deleted here, but changed on the central server since (version ${change.base ?? 'new'} → ${centralRow.version}).`,
    );
  }
  if (centralRow === null) {
    if (change.base === null)
      return { table: change.table, id: change.id, kind: 'insert', row: change.row };
    return conflict(
      SyncConflictKind.deleteUpdate,
      'Changed here, but deleted on the central server.',
    );
  }
  if (centralRow.version === change.base) {
    return {
      table: change.table,
      id: change.id,
      kind: 'update',
      row: change.row,
      expectedVersion: centralRow.version,
    };
  }
  return conflict(
    SyncConflictKind.updateUpdate,
    `Changed here from version ${change.base ?? 'new'} and on the central server to version ${centralRow.version}.`,
  );
}

function conflictOfFailure(
  change: OutboxChange,
  failure: RowFailure,
  centralRow: OutboxChange['row'],
): DetectedConflict {
  const base = { table: change.table, id: change.id, base: change.base, local: change.row };
  switch (failure.reason) {
    case 'unique':
      return {
        ...base,
        kind: SyncConflictKind.uniqueCollision,
        central: failure.colliding,
        detail: `Another record on the central server already has this value (${failure.message}).`,
      };
    case 'cascade':
      return {
        ...base,
        kind: SyncConflictKind.deleteUpdate,
        central: centralRow,
        detail: `Deleted here, but on the central server ${failure.message}.`,
      };
    case 'changed':
      return {
        ...base,
        kind: SyncConflictKind.updateUpdate,
        central: centralRow,
        detail: `The central server changed it meanwhile (${failure.message}).`,
      };
    case 'rejected':
      return {
        ...base,
        kind: SyncConflictKind.rejected,
        central: centralRow,
        detail: `The central server refused it: ${failure.message}.`,
      };
  }
}
