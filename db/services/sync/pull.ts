import type pg from 'pg';
import type { Database } from '../../connection';
import { SyncConflictKind, type SyncPullResult } from '../../schemas/sync';
import type { LongWork } from '../long-work';
import { ServiceError } from '../service-error';
import {
  applyOperations,
  recordKey,
  type RowFailure,
  type RowOperation,
  type TableStatements,
} from './apply-rows';
import type { CentralTarget } from './central-connection';
import { withCentral } from './central-session';
import {
  feedWindowSql,
  inTransaction,
  markAsSync,
  readFeedPosition,
  readOpenConflictKeys,
  readOutboxRecords,
  readUnpushedRecords,
  recordConflicts,
  requireLink,
  withSyncLock,
  type DetectedConflict,
  type FeedPosition,
} from './replica-state';
import {
  isSameImage,
  SYNCED_TABLES,
  tableRank,
  type RowImage,
  type SyncedTable,
} from './synced-tables';

/**
 * How many records one local transaction of a pull applies. With the apply staged in an analyzed
 * table (synced-tables), pages of 10,000 and 20,000 pulled 100k changed users no faster than 5,000
 * (11.6–13.0 s each, bench m's setup on an idle machine; 10,000 used to collapse the plan), so
 * pages stay small: shorter transactions, and Cancel takes effect sooner.
 */
export const PULL_PAGE_SIZE = 5000;

export interface PullOptions extends LongWork {
  pageSize?: number;
}

interface TouchedRecord {
  table: SyncedTable;
  id: string;
}

/**
 * Pulls the central changes since the last pull, deletes included, and applies them locally as
 * sync's changes (so they never re-enter the push queue). The feed and the rows are read in one
 * central snapshot. A record with local changes not yet pushed, whose central copy moved from
 * the base those changes started at, becomes a conflict: the local row stays as it is. Pages
 * commit one by one and the cursor moves with the last; a pull stopped midway runs again
 * harmlessly (a record already as central has it is left alone).
 */
export async function pullChanges(
  db: Database,
  target: Partial<CentralTarget>,
  options: PullOptions = {},
): Promise<SyncPullResult> {
  return withSyncLock(db, async (local) => {
    const link = await requireLink(local);
    return withCentral(local, link, target, async (central, statements) =>
      inTransaction(central, 'BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY', async () => {
        const position = await readFeedPosition(central);
        const { rows } = await central.query<{ table_name: SyncedTable; ids: string[] }>(
          `SELECT a.table_name, array_agg(DISTINCT a.record_id)::text[] AS ids
             FROM audit_log a
            WHERE ${feedWindowSql(1)} AND a.table_name = ANY($3)
              -- This replica's own pushes are already here; not what the database did besides.
              AND NOT EXISTS (SELECT 1 FROM sync_applied_batches b
                               WHERE b.replica_id = $4 AND b.applied_txid = a.txid
                                 AND NOT COALESCE(b.result -> 'sideEffects', '[]') @>
                                     jsonb_build_array(jsonb_build_object('table', a.table_name, 'id', a.record_id::text)))
            GROUP BY a.table_name`,
          [link.pulled.seq, link.pulled.openXids, SYNCED_TABLES, link.replicaId],
        );
        const touched: TouchedRecord[] = rows
          .sort((a, b) => tableRank(a.table_name) - tableRank(b.table_name))
          .flatMap((row) => row.ids.map((id) => ({ table: row.table_name, id })));
        // Read once: a local edit made while the pull runs moves its row's version, so the
        // version-checked writes below leave it alone and report it.
        const localState = await readLocalPending(local);
        const result: SyncPullResult = { applied: 0, unchanged: 0, conflicts: 0 };
        const pageSize = options.pageSize ?? PULL_PAGE_SIZE;
        options.progress?.(0, touched.length, touched.length === 0 ? 'nothing to pull' : 'pulling');
        // A page at least, even when nothing changed: the cursor moves in it.
        for (let start = 0; start < Math.max(touched.length, 1); start += pageSize) {
          if (options.signal?.aborted) {
            throw new ServiceError(
              'CANCELLED',
              `Pull cancelled after ${start} of ${touched.length} records; what arrived is kept, and the next pull brings the rest.`,
            );
          }
          const page = touched.slice(start, start + pageSize);
          const centralImages = await statements.readImages(central, page);
          const isLast = start + pageSize >= touched.length;
          const outcome = await applyPage(
            local,
            statements,
            page,
            centralImages,
            localState,
            isLast ? position : undefined,
          );
          result.applied += outcome.applied;
          result.unchanged += outcome.unchanged;
          result.conflicts += outcome.conflicts;
          options.progress?.(
            start + page.length,
            touched.length,
            `pulled ${start + page.length} of ${touched.length} records`,
          );
        }
        return result;
      }),
    );
  });
}

/**
 * Applies one page in one local transaction. Records with unpushed local changes are checked against their base first.
 */
async function applyPage(
  local: pg.ClientBase,
  statements: TableStatements,
  page: readonly TouchedRecord[],
  centralImages: Map<string, RowImage>,
  { pending, openConflicts }: LocalPending,
  /** The position to move the cursor to, in this page's transaction (the last page's). */
  cursor: FeedPosition | undefined,
): Promise<{ applied: number; unchanged: number; conflicts: number }> {
  await local.query('BEGIN');
  try {
    await markAsSync(local);
    const localImages = await statements.readImages(local, page);
    const operations: RowOperation[] = [];
    const conflicts: DetectedConflict[] = [];
    const disputed: { table: string; id: string; central: RowImage | null }[] = [];
    let unchanged = 0;
    for (const { table, id } of page) {
      const key = recordKey(table, id);
      const centralRow = centralImages.get(key) ?? null;
      const localRow = localImages.get(key) ?? null;
      const conflict = (
        kind: SyncConflictKind,
        base: number | null,
        detail: string,
      ): DetectedConflict => ({
        table,
        id,
        kind,
        base,
        local: localRow,
        central: centralRow,
        detail,
      });
      if (openConflicts.has(key)) {
        // The record is in dispute: keep the conflict's central side current, touch nothing.
        disputed.push({ table, id, central: centralRow });
        continue;
      }
      if (isSameImage(centralRow, localRow)) {
        unchanged++;
        continue;
      }
      if (pending.has(key)) {
        const base = pending.get(key) ?? null;
        // The central server is still where local changes started from: the next push sends them.
        if ((centralRow?.version ?? null) === base) {
          unchanged++;
          continue;
        }
        conflicts.push(
          centralRow && localRow
            ? conflict(
                SyncConflictKind.updateUpdate,
                base,
                `Changed here from version ${base ?? 'new'} and on the central server to version ${centralRow.version}.`,
              )
            : conflict(
                SyncConflictKind.deleteUpdate,
                base,
                centralRow
                  ? 'Deleted here, but changed on the central server.'
                  : 'Changed here, but deleted on the central server.',
              ),
        );
        continue;
      }
      if (centralRow === null) {
        if (localRow)
          operations.push({ table, id, kind: 'delete', expectedVersion: localRow.version });
      } else if (localRow === null) {
        operations.push({ table, id, kind: 'insert', row: centralRow });
      } else {
        operations.push({
          table,
          id,
          kind: 'update',
          row: centralRow,
          expectedVersion: localRow.version,
        });
      }
    }
    const failures = await applyOperations(local, statements, operations, {
      // Central deleted the parent, so also its children: unless one here has unpushed changes.
      mayCascadeTo: (row) => !pending.has(recordKey(row.table, row.id)),
    });
    for (const failure of failures) {
      const key = recordKey(failure.operation.table, failure.operation.id);
      conflicts.push(
        conflictOfFailure(failure, localImages.get(key) ?? null, centralImages.get(key) ?? null),
      );
    }
    await recordConflicts(local, 'pull', conflicts);
    // The conflict's central side is this record: its own (by id, or none yet), or for a
    // collision the central record it met, whichever record id the conflict is keyed by. Deleted
    // centrally too when the local side is a delete: both sides agree, nothing is left to choose.
    if (disputed.length > 0)
      await local.query(
        `UPDATE sync_conflicts c
          SET central = CASE WHEN d.central IS NULL AND c.local IS NULL THEN c.central ELSE d.central END,
              resolved_at = CASE WHEN d.central IS NULL AND c.local IS NULL THEN now() END,
              resolution = CASE WHEN d.central IS NULL AND c.local IS NULL
                                THEN '{"take": "central", "deletedOnBothSides": true}'::jsonb END
         FROM jsonb_to_recordset($1::jsonb) AS d(table_name text, record_id uuid, central jsonb)
        WHERE c.resolved_at IS NULL AND c.table_name = d.table_name
          AND (c.central ->> 'id' = d.record_id::text OR (c.central IS NULL AND c.record_id = d.record_id))`,
        [
          JSON.stringify(
            disputed.map(({ table, id, central }) => ({
              table_name: table,
              record_id: id,
              central,
            })),
          ),
        ],
      );
    if (cursor) {
      await local.query(
        `UPDATE sync_link SET pulled_seq = $1, pulled_open_xids = $2, last_pulled_at = now()`,
        [cursor.seq, cursor.openXids],
      );
    }
    await local.query('COMMIT');
    return { applied: operations.length - failures.length, unchanged, conflicts: conflicts.length };
  } catch (error) {
    await local.query('ROLLBACK').catch(() => undefined);
    throw error;
  }
}

/** The local records a pull must not simply overwrite, by `table:id` → base; and those in open conflicts. */
interface LocalPending {
  pending: Map<string, number | null>;
  openConflicts: Map<string, string>;
}

async function readLocalPending(local: pg.ClientBase): Promise<LocalPending> {
  const link = await requireLink(local);
  const pending = new Map<string, number | null>();
  for (const record of [
    ...(await readOutboxRecords(local)),
    ...(await readUnpushedRecords(local, link.pushed, { skipOpenConflicts: false })),
  ]) {
    const key = recordKey(record.table, record.id);
    // The outbox's base came first: it is what the central copy was at before the batch.
    if (!pending.has(key)) pending.set(key, record.base);
  }
  const openConflicts = await readOpenConflictKeys(local);
  for (const key of openConflicts.keys()) if (!pending.has(key)) pending.set(key, null);
  return { pending, openConflicts };
}

function conflictOfFailure(
  failure: RowFailure,
  localRow: RowImage | null,
  centralRow: RowImage | null,
): DetectedConflict {
  const { table, id } = failure.operation;
  const base = { table, id, base: null, central: centralRow };
  switch (failure.reason) {
    case 'unique':
      return {
        ...base,
        kind: SyncConflictKind.uniqueCollision,
        local: failure.colliding,
        detail: `A record here already has this value (${failure.message}).`,
      };
    case 'cascade':
      return {
        ...base,
        kind: SyncConflictKind.deleteUpdate,
        local: localRow,
        detail: `Deleted on the central server, but here ${failure.message}.`,
      };
    case 'changed':
      return {
        ...base,
        kind: SyncConflictKind.updateUpdate,
        local: localRow,
        detail: `Changed here while the pull ran (${failure.message}).`,
      };
    case 'rejected':
      return {
        ...base,
        kind: SyncConflictKind.rejected,
        local: localRow,
        detail: `This database refused the central version: ${failure.message}.`,
      };
  }
}
