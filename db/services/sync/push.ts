import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import type { Database } from '../../connection';
import type { SyncPushResult } from '../../schemas/sync';
import type { LongWork } from '../long-work';
import { ServiceError } from '../service-error';
import { applyOrder, recordKey, TableStatements } from './apply-rows';
import { applyBatchOnCentral } from './central-apply';
import type { CentralTarget } from './central-connection';
import { withCentral } from './central-session';
import { readTableColumns } from './synced-tables';
import {
  inTransaction,
  readFeedPosition,
  readUnpushedRecords,
  recordConflicts,
  requireLink,
  withSyncLock,
  type OutboxChange,
} from './replica-state';

/** How many records one push batch carries: one central transaction, one ledger entry. */
export const PUSH_BATCH_SIZE = 10_000;

export interface PushOptions extends LongWork {
  batchSize?: number;
}

/**
 * Pushes the local changes since the last push to the central server. First the changes are
 * planned into batches in the local outbox (each record once, as it is now, with the version it
 * started from); then each batch is applied centrally in one transaction and, after its commit,
 * crossed off locally. A push interrupted anywhere (cancel, dropped connection, kill -9) resumes
 * with the same batches, and the central ledger recognises those it already applied.
 */
export async function pushChanges(
  db: Database,
  target: Partial<CentralTarget>,
  options: PushOptions = {},
): Promise<SyncPushResult> {
  return withSyncLock(db, async (local) => {
    const link = await requireLink(local);
    return withCentral(local, link, target, async (central, statements) => {
      const result: SyncPushResult = { applied: 0, batches: 0, replayedBatches: 0, conflicts: 0 };
      // An interrupted plan goes first, as it was; then the changes made since, in a plan of their own.
      for (;;) {
        const plan = await planOutbox(local, options.batchSize ?? PUSH_BATCH_SIZE);
        await sendOutbox(local, central, statements, link.replicaId, result, options);
        if (plan === 'planned') return result;
      }
    });
  });
}

/** Applies the outbox's batches centrally, in order, crossing each off locally once applied. */
async function sendOutbox(
  local: pg.ClientBase,
  central: pg.ClientBase,
  statements: TableStatements,
  replicaId: string,
  result: SyncPushResult,
  options: PushOptions,
): Promise<void> {
  const batches = await local.query<{ batch_id: string; changes: OutboxChange[] }>(
    `SELECT batch_id::text, changes FROM sync_outbox ORDER BY position`,
  );
  const total = batches.rows.reduce((sum, batch) => sum + batch.changes.length, 0);
  let done = 0;
  options.progress?.(0, total, total === 0 ? 'nothing to push' : 'pushing');
  for (const batch of batches.rows) {
    if (options.signal?.aborted) {
      throw new ServiceError(
        'CANCELLED',
        `Push cancelled after ${done} of ${total} records; what was sent is on the central server, and the next push sends the rest.`,
      );
    }
    const outcome = await applyBatchOnCentral(
      central,
      statements,
      replicaId,
      batch.batch_id,
      batch.changes,
    );
    await finishBatch(local, batch.batch_id, batch.changes, outcome.conflicts);
    result.batches++;
    result.applied += outcome.applied;
    result.conflicts += outcome.conflicts.length;
    if (outcome.isReplay) result.replayedBatches++;
    done += batch.changes.length;
    options.progress?.(done, total, `pushed ${done} of ${total} records`);
  }
}

/**
 * Writes the push plan to the outbox, unless an unfinished one is there (then that is resumed
 * first, unchanged: its batch ids are what the central ledger knows). Reads the feed and the rows
 * in one snapshot, so each record goes as it was at the position the cursor moves to.
 */
async function planOutbox(local: pg.ClientBase, batchSize: number): Promise<'resumed' | 'planned'> {
  return inTransaction(local, 'BEGIN ISOLATION LEVEL REPEATABLE READ', async () => {
    const position = await readFeedPosition(local);
    const { rows } = await local.query<{ count: string }>(`SELECT count(*) FROM sync_outbox`);
    if (Number(rows[0]?.count) > 0) return 'resumed';
    const link = await requireLink(local);
    const records = await readUnpushedRecords(local, link.pushed, { skipOpenConflicts: true });
    const statements = new TableStatements(await readTableColumns(local));
    const images = await statements.readImages(local, records);
    const changes: OutboxChange[] = [];
    for (const record of records) {
      const row = images.get(recordKey(record.table, record.id)) ?? null;
      // Made and deleted here since the last push: the central server never needs to hear of it.
      if (row === null && record.base === null) continue;
      changes.push({ ...record, row });
    }
    // Batches in apply order too, so a record's parent is always sent in its batch or an earlier one.
    const orderOf = (change: OutboxChange) =>
      ({ table: change.table, kind: change.row ? 'update' : 'delete' }) as const;
    changes.sort((a, b) => applyOrder(orderOf(a), orderOf(b)));
    if (changes.length === 0) {
      await advancePushCursor(local, position.seq, position.openXids);
      return 'planned';
    }
    for (let start = 0, index = 0; start < changes.length; start += batchSize, index++) {
      await local.query(
        `INSERT INTO sync_outbox (batch_id, position, changes, to_seq, to_open_xids) VALUES ($1, $2, $3, $4, $5)`,
        [
          randomUUID(),
          index,
          JSON.stringify(changes.slice(start, start + batchSize)),
          position.seq,
          position.openXids,
        ],
      );
    }
    return 'planned';
  });
}

async function advancePushCursor(
  local: pg.ClientBase,
  seq: number,
  openXids: readonly string[],
): Promise<void> {
  await local.query(
    `UPDATE sync_link SET pushed_seq = $1, pushed_open_xids = $2, last_pushed_at = now()`,
    [seq, openXids],
  );
}

/**
 * Crosses a batch off locally once the central server has it: its conflicts recorded, resolved
 * bases it used forgotten and, after the plan's last batch, the push cursor moved, all in one
 * local transaction.
 */
async function finishBatch(
  local: pg.ClientBase,
  batchId: string,
  changes: readonly OutboxChange[],
  conflicts: Parameters<typeof recordConflicts>[2],
): Promise<void> {
  await inTransaction(local, 'BEGIN', async () => {
    await recordConflicts(local, 'push', conflicts);
    const conflicted = new Set(conflicts.map((conflict) => recordKey(conflict.table, conflict.id)));
    const settled = changes.filter((change) => !conflicted.has(recordKey(change.table, change.id)));
    await local.query(
      `DELETE FROM sync_push_bases b USING jsonb_to_recordset($1::jsonb) AS s(table_name text, id uuid)
        WHERE b.table_name = s.table_name AND b.record_id = s.id`,
      [JSON.stringify(settled.map(({ table, id }) => ({ table_name: table, id })))],
    );
    const { rows } = await local.query<{ to_seq: string; to_open_xids: string[] }>(
      `DELETE FROM sync_outbox WHERE batch_id = $1 RETURNING to_seq, to_open_xids::text[]`,
      [batchId],
    );
    const { rows: left } = await local.query<{ count: string }>(`SELECT count(*) FROM sync_outbox`);
    const finished = rows[0];
    if (finished && Number(left[0]?.count) === 0) {
      await advancePushCursor(local, Number(finished.to_seq), finished.to_open_xids);
    }
  });
}
