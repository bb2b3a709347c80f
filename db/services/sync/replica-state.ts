import type pg from 'pg';
import type { Database } from '../../connection';
import type { SyncConflictKind } from '../../schemas/sync';
import { ServiceError } from '../service-error';
import { recordKey } from './apply-rows';
import { holdBackDependants } from './held-back';
import { SYNCED_TABLES, type RowImage, type SyncedTable } from './synced-tables';

/** The link of a local working copy, as `sync_link` keeps it. */
export interface ReplicaLink {
  centralUrl: string;
  centralSystemId: string;
  centralDatabase: string;
  replicaId: string;
  pulled: FeedPosition;
  pushed: FeedPosition;
  linkedAt: Date;
  lastPushedAt: Date | null;
  lastPulledAt: Date | null;
  /** The central password, sealed by a secret box, when the person asked to remember it. */
  sealedPassword: string | null;
}

/**
 * A position in a change feed. `audit_log.seq` is taken when a change is made, not when its
 * transaction commits, so a transaction still running when the feed was read may later commit
 * changes below `seq`: its id is in `openXids`, and the next read picks those changes up too.
 */
export interface FeedPosition {
  seq: number;
  openXids: string[];
}

/** `(a.seq > $n OR (a.seq <= $n AND a.txid = ANY($n+1)))`: the changes after a position. */
export function feedWindowSql(seqParam: number): string {
  return `(a.seq > $${seqParam} OR (a.seq <= $${seqParam} AND a.txid = ANY($${seqParam + 1}::bigint[])))`;
}

/** Where the feed stands in the caller's snapshot (read it first thing in a REPEATABLE READ transaction). */
export async function readFeedPosition(client: pg.ClientBase): Promise<FeedPosition> {
  const { rows } = await client.query<{ seq: string; xips: string[] }>(
    `SELECT (SELECT COALESCE(max(seq), 0) FROM audit_log) AS seq,
            ARRAY(SELECT x::text FROM pg_snapshot_xip(pg_current_snapshot()) x) AS xips`,
  );
  const row = rows[0];
  return { seq: Number(row?.seq ?? 0), openXids: row?.xips ?? [] };
}

interface LinkRow {
  central_url: string;
  central_system_id: string;
  central_database: string;
  replica_id: string;
  pulled_seq: string;
  pulled_open_xids: string[];
  pushed_seq: string;
  pushed_open_xids: string[];
  linked_at: Date;
  last_pushed_at: Date | null;
  last_pulled_at: Date | null;
  central_password_sealed: string | null;
}

/** The link, or undefined when this database is no working copy. */
export async function findLink(client: pg.ClientBase): Promise<ReplicaLink | undefined> {
  const { rows } = await client.query<LinkRow>(
    `SELECT central_url, central_system_id, central_database, replica_id::text,
            pulled_seq, pulled_open_xids::text[], pushed_seq, pushed_open_xids::text[],
            linked_at, last_pushed_at, last_pulled_at, central_password_sealed
       FROM sync_link`,
  );
  const row = rows[0];
  if (!row) return undefined;
  return {
    centralUrl: row.central_url,
    centralSystemId: row.central_system_id,
    centralDatabase: row.central_database,
    replicaId: row.replica_id,
    pulled: { seq: Number(row.pulled_seq), openXids: row.pulled_open_xids },
    pushed: { seq: Number(row.pushed_seq), openXids: row.pushed_open_xids },
    linkedAt: row.linked_at,
    lastPushedAt: row.last_pushed_at,
    lastPulledAt: row.last_pulled_at,
    sealedPassword: row.central_password_sealed,
  };
}

export async function requireLink(client: pg.ClientBase): Promise<ReplicaLink> {
  const link = await findLink(client);
  if (!link) {
    throw new ServiceError(
      'NOT_FOUND',
      'This database is not linked to a central server: link it first (lms-admin sync link URL).',
    );
  }
  return link;
}

/** Any number that is the same for every process syncing this database: the advisory lock's key. */
const SYNC_LOCK_KEY = 7_305_112_001;

/**
 * Runs `work` on one local connection holding the sync lock, so two syncs (the app and the CLI,
 * say) never run on one database at once. Refuses at once rather than wait.
 */
export async function withSyncLock<T>(
  db: Database,
  work: (client: pg.ClientBase) => Promise<T>,
): Promise<T> {
  return db.withRawClient(async (client) => {
    const { rows } = await client.query<{ locked: boolean }>(
      `SELECT pg_try_advisory_lock($1) AS locked`,
      [SYNC_LOCK_KEY],
    );
    if (!rows[0]?.locked) {
      throw new ServiceError(
        'CONFLICT',
        'Another sync (push, pull or link) is running on this database; wait for it to finish.',
      );
    }
    try {
      await client.query(`SET TimeZone = 'UTC'`);
      return await work(client);
    } finally {
      // A connection broken mid-work has lost the lock already; the pool discards it.
      await client.query(`SELECT pg_advisory_unlock($1)`, [SYNC_LOCK_KEY]).catch(() => undefined);
      await client.query(`RESET TimeZone`).catch(() => undefined);
    }
  });
}

/** Runs `work` in one transaction on `client`, rolling back on any error. */
export async function inTransaction<T>(
  client: pg.ClientBase,
  begin: string,
  work: () => Promise<T>,
): Promise<T> {
  await client.query(begin);
  try {
    const result = await work();
    await client.query('COMMIT');
    return result;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  }
}

/** Marks the current transaction's changes as sync's, so the push queue never takes them again. */
export async function markAsSync(client: pg.ClientBase): Promise<void> {
  await client.query(
    `SELECT set_config('lms.source', 'sync', true), set_config('lms.actor_id', '', true), set_config('lms.actor_ip', '', true)`,
  );
}

/** A local record not yet on the central server as it is here: the version the central copy should still be at. */
export interface PendingRecord {
  table: SyncedTable;
  id: string;
  /** null: the central server should not have it (created here). */
  base: number | null;
}

/**
 * The local records changed since the last push, each with its base: the version it had before
 * its first unpushed change, unless a resolved conflict set another (`sync_push_bases`). Run in
 * the caller's transaction.
 */
export async function readUnpushedRecords(
  client: pg.ClientBase,
  pushed: FeedPosition,
  options: { skipOpenConflicts: boolean },
): Promise<PendingRecord[]> {
  const { rows } = await client.query<{
    table_name: SyncedTable;
    record_id: string;
    base: number | null;
  }>(
    `WITH firsts AS (
       SELECT DISTINCT ON (a.table_name, a.record_id) a.table_name, a.record_id,
              (a.before ->> 'version')::integer AS base_version
         FROM audit_log a
        WHERE ${feedWindowSql(1)} AND a.source <> 'sync' AND a.table_name = ANY($3)
        ORDER BY a.table_name, a.record_id, a.seq),
     pending AS (
       SELECT f.table_name, f.record_id,
              CASE WHEN b.record_id IS NULL THEN f.base_version ELSE b.base_version END AS base
         FROM firsts f
         LEFT JOIN sync_push_bases b ON b.table_name = f.table_name AND b.record_id = f.record_id
       UNION ALL
       -- A record to send as new (its kept push base: none) stays unpushed until a push settles
       -- it, even once the cursor passed its changes (made before linking, held back for its parent).
       SELECT b.table_name, b.record_id, b.base_version
         FROM sync_push_bases b
        WHERE b.base_version IS NULL
          AND NOT EXISTS (SELECT 1 FROM firsts f WHERE f.table_name = b.table_name AND f.record_id = b.record_id)
          AND CASE b.table_name
                ${SYNCED_TABLES.map((table) => `WHEN '${table}' THEN EXISTS (SELECT 1 FROM ${table} t WHERE t.id = b.record_id)`).join(' ')}
              END)
     SELECT f.table_name, f.record_id::text, f.base
       FROM pending f
      WHERE NOT $4 OR NOT EXISTS (
        SELECT 1 FROM sync_conflicts c
         WHERE c.resolved_at IS NULL AND c.table_name = f.table_name
           AND (c.record_id = f.record_id OR c.local ->> 'id' = f.record_id::text))`,
    [pushed.seq, pushed.openXids, SYNCED_TABLES, options.skipOpenConflicts],
  );
  const records = rows.map((row) => ({ table: row.table_name, id: row.record_id, base: row.base }));
  // What the central server would refuse for a missing parent waits for that parent's conflict.
  return options.skipOpenConflicts ? holdBackDependants(client, records) : records;
}

/** One change of a push batch, as the outbox keeps it and the central server receives it. */
export interface OutboxChange {
  table: SyncedTable;
  id: string;
  base: number | null;
  row: RowImage | null;
}

/** The records of unfinished push batches, with their bases. */
export async function readOutboxRecords(client: pg.ClientBase): Promise<PendingRecord[]> {
  const { rows } = await client.query<{ table: SyncedTable; id: string; base: number | null }>(
    `SELECT c ->> 'table' AS table, c ->> 'id' AS id, (c ->> 'base')::integer AS base
       FROM sync_outbox, jsonb_array_elements(changes) c`,
  );
  return rows;
}

/**
 * An open conflict's records, by `table:id`: the record, and for a collision both records it
 * joins (a push keys it by the local record, a pull by the central one; either way it is one
 * dispute, and a pull must not open a second one for the other record).
 */
export async function readOpenConflictKeys(client: pg.ClientBase): Promise<Map<string, string>> {
  const { rows } = await client.query<{
    id: string;
    table_name: string;
    record_id: string;
    local_id: string | null;
    central_id: string | null;
  }>(
    `SELECT id::text, table_name, record_id::text, local ->> 'id' AS local_id, central ->> 'id' AS central_id
       FROM sync_conflicts WHERE resolved_at IS NULL`,
  );
  const keys = new Map<string, string>();
  for (const row of rows) {
    keys.set(recordKey(row.table_name, row.record_id), row.id);
    if (row.local_id) keys.set(recordKey(row.table_name, row.local_id), row.id);
    if (row.central_id) keys.set(recordKey(row.table_name, row.central_id), row.id);
  }
  return keys;
}

/** A conflict to record (or, for a record that has one open already, to bring up to date). */
export interface DetectedConflict {
  table: SyncedTable;
  id: string;
  kind: SyncConflictKind;
  base: number | null;
  local: RowImage | null;
  central: RowImage | null;
  detail: string;
}

/**
 * Records conflicts in the caller's transaction, with the base as this database last had it
 * (from its own feed, which masks secrets).
 */
export async function recordConflicts(
  client: pg.ClientBase,
  foundBy: 'push' | 'pull',
  conflicts: readonly DetectedConflict[],
): Promise<void> {
  if (conflicts.length === 0) return;
  // One row per record: the last word on a record wins (ON CONFLICT can't touch a row twice).
  const latest = [...new Map(conflicts.map((c) => [recordKey(c.table, c.id), c])).values()];
  await client.query(
    `INSERT INTO sync_conflicts AS c (table_name, record_id, kind, found_by, base, local, central, detail)
     SELECT x.table_name, x.record_id, x.kind, $2,
            (SELECT a.after FROM audit_log a
              WHERE a.table_name = x.table_name AND a.record_id = COALESCE((x.local ->> 'id')::uuid, x.record_id)
                AND (a.after ->> 'version')::integer = x.base
              ORDER BY a.seq DESC LIMIT 1),
            x.local, x.central, x.detail
       FROM jsonb_to_recordset($1::jsonb)
            AS x(table_name text, record_id uuid, kind sync_conflict_kind, base integer, local jsonb, central jsonb, detail text)
     ON CONFLICT (table_name, record_id) WHERE resolved_at IS NULL
     DO UPDATE SET kind = EXCLUDED.kind, local = EXCLUDED.local, central = EXCLUDED.central,
                   detail = EXCLUDED.detail, detected_at = now()`,
    [
      JSON.stringify(
        latest.map((conflict) => ({
          table_name: conflict.table,
          record_id: conflict.id,
          kind: conflict.kind,
          base: conflict.base,
          local: conflict.local,
          central: conflict.central,
          detail: conflict.detail,
        })),
      ),
      foundBy,
    ],
  );
}
