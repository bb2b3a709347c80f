import { pipeline } from 'node:stream/promises';
import type pg from 'pg';
import { from as copyFrom, to as copyTo } from 'pg-copy-streams';
import { SyncConflictKind, type SyncLinkResult } from '../../schemas/sync';
import type { LongWork } from '../long-work';
import { ServiceError } from '../service-error';
import { readParentKeys } from './held-back';
import {
  readFeedPosition,
  recordConflicts,
  type DetectedConflict,
  type FeedPosition,
} from './replica-state';
import {
  columnList,
  SYNCED_TABLES,
  type RowImage,
  type SyncedTable,
  type TableColumns,
} from './synced-tables';

/** What a merge did, for the link's result; and where the push cursor starts. */
export interface MergeOutcome extends Omit<SyncLinkResult, 'centralUrl' | 'isMerge'> {
  /** Just before the first local change of a record the central server lacks: the push sends it from there. */
  pushedFrom: FeedPosition;
}

/** Thrown when the link is cancelled; the caller's transaction rolls back. */
export function linkCancelled(): ServiceError {
  return new ServiceError(
    'CANCELLED',
    'Link cancelled: nothing was copied or changed, and the database is not linked.',
  );
}

/**
 * Copies one central table, in the central transaction's snapshot, into a local table (the
 * synced table itself, or a staging copy of it) with COPY, server to server. Returns the rows.
 */
export async function copyCentralTable(
  central: pg.ClientBase,
  local: pg.ClientBase,
  table: SyncedTable,
  columns: readonly string[],
  into: string,
  signal: AbortSignal | undefined,
): Promise<number> {
  const list = columnList(columns);
  const source = central.query(copyTo(`COPY (SELECT ${list} FROM ${table}) TO STDOUT`));
  const sink = local.query(copyFrom(`COPY ${into} (${list}) FROM STDIN`));
  await pipeline(source, sink, ...(signal ? [{ signal }] : []));
  return sink.rowCount;
}

/** A unique key of a table other than its id (users.email, enrollments (user_id, course_id), …). */
interface UniqueKey {
  table: SyncedTable;
  columns: string[];
}

/** The unique keys the database enforces, read from the catalog so a later migration's keys count too. */
async function readUniqueKeys(client: pg.ClientBase): Promise<UniqueKey[]> {
  const { rows } = await client.query<{ table_name: SyncedTable; columns: string[] }>(
    `SELECT t.relname::text AS table_name, array_agg(a.attname::text ORDER BY k.ord) AS columns
       FROM pg_index i
       JOIN pg_class t ON t.oid = i.indrelid
       CROSS JOIN LATERAL unnest(i.indkey::int2[]) WITH ORDINALITY AS k(attnum, ord)
       JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum
      WHERE i.indisunique AND NOT i.indisprimary AND i.indexprs IS NULL AND i.indpred IS NULL
        AND t.relnamespace = current_schema()::regnamespace AND t.relname = ANY($1)
      GROUP BY t.relname, i.indexrelid`,
    [SYNCED_TABLES],
  );
  return rows.map((row) => ({ table: row.table_name, columns: row.columns }));
}

const stagingOf = (table: SyncedTable) => `sync_link_central_${table}`;

/**
 * Merges the central server's data into a database that already holds LMS records, in the
 * caller's local transaction (changes marked as sync's) and central snapshot:
 * - a central record this database lacks comes in, unless it collides on a unique key with a
 *   local record (a unique-collision conflict: the central record waits for the person's
 *   choice), this database deleted it (a delete-update conflict), or it belongs to a record
 *   held back so (then it waits too, as a conflict of its own that says so);
 * - a record with the same id on both sides is left alone when both are the same, else it is an
 *   update-update conflict: the local row stays as it is, nothing is overwritten;
 * - a local record the central server lacks becomes an unpushed local change, a new record
 *   (base: none), unless the central server deleted it (a delete-update conflict).
 * Every central row is first copied (COPY) into a staging table, so the merge is set-based SQL.
 */
export async function mergeCentralInto(
  local: pg.ClientBase,
  central: pg.ClientBase,
  columns: TableColumns,
  totalRows: number,
  work: LongWork,
): Promise<MergeOutcome> {
  const checkCancel = () => {
    if (work.signal?.aborted) throw linkCancelled();
  };
  // No local write may slip between what the merge reads and what it writes; readers go on.
  await local.query(`LOCK TABLE ${SYNCED_TABLES.join(', ')} IN EXCLUSIVE MODE`);
  let copied = 0;
  for (const table of SYNCED_TABLES) {
    work.progress?.(copied, totalRows, `copying ${table}`);
    // After the report too: a COPY once started must run to its end before the rollback.
    checkCancel();
    const staging = stagingOf(table);
    await local.query(`CREATE TEMP TABLE ${staging} (LIKE ${table}) ON COMMIT DROP`);
    copied += await copyCentralTable(central, local, table, columns[table], staging, work.signal);
    await local.query(`ALTER TABLE ${staging} ADD PRIMARY KEY (id)`);
    await local.query(`ANALYZE ${staging}`);
  }
  work.progress?.(copied, totalRows, 'merging with the local records');
  // Central records held back (by a conflict, or by a parent that is): `table:id`.
  await local.query(
    `CREATE TEMP TABLE sync_link_held (table_name text, id uuid, PRIMARY KEY (table_name, id)) ON COMMIT DROP`,
  );
  const uniqueKeys = await readUniqueKeys(local);
  const parentKeys = await readParentKeys(local);
  const conflicts: DetectedConflict[] = [];
  const counts = { collisions: 0, changedOnBoth: 0, deletedOnOneSide: 0, waiting: 0 };
  const rowsCopied: Record<string, number> = {};
  let unchanged = 0;
  let localToPush = 0;
  let firstLocalSeq: number | null = null;

  for (const table of SYNCED_TABLES) {
    checkCancel();
    const staging = stagingOf(table);
    const isCentralOnly = `NOT EXISTS (SELECT 1 FROM ${table} l WHERE l.id = c.id)`;
    const isHeld = `EXISTS (SELECT 1 FROM sync_link_held h WHERE h.table_name = '${table}' AND h.id = c.id)`;
    const hold = (ids: readonly string[]) =>
      local.query(
        `INSERT INTO sync_link_held SELECT $1, unnest($2::uuid[]) ON CONFLICT DO NOTHING`,
        [table, ids],
      );

    // Deleted here before linking: it stays deleted until a person says otherwise.
    const deletedHere = await local.query<{ central: RowImage }>(
      `SELECT to_jsonb(c) AS central FROM ${staging} c
        WHERE ${isCentralOnly}
          AND EXISTS (SELECT 1 FROM audit_log a
                       WHERE a.table_name = $1 AND a.record_id = c.id AND a.action = 'DELETE')`,
      [table],
    );
    await hold(deletedHere.rows.map((row) => row.central.id));
    for (const { central: centralRow } of deletedHere.rows) {
      conflicts.push({
        table,
        id: centralRow.id,
        kind: SyncConflictKind.deleteUpdate,
        base: null,
        local: null,
        central: centralRow,
        detail:
          'Deleted here before linking, but the central server still has it. Keep local to delete it there too, or take central to bring it back here.',
      });
    }
    counts.deletedOnOneSide += deletedHere.rows.length;

    // The same unique value on a local and a central record: both stay, the central one waits.
    for (const key of uniqueKeys.filter((unique) => unique.table === table)) {
      const matches = key.columns.map((column) => `l."${column}" = c."${column}"`).join(' AND ');
      const collided = await local.query<{ central: RowImage; local: RowImage }>(
        `SELECT DISTINCT ON (c.id) to_jsonb(c) AS central, to_jsonb(l) AS local
           FROM ${staging} c JOIN ${table} l ON ${matches} AND l.id <> c.id
          WHERE ${isCentralOnly} AND NOT ${isHeld}`,
      );
      await hold(collided.rows.map((row) => row.central.id));
      for (const pair of collided.rows) {
        const values = key.columns.map(
          (column) => `${column} = ${JSON.stringify(pair.central[column])}`,
        );
        conflicts.push({
          table,
          id: pair.central.id,
          kind: SyncConflictKind.uniqueCollision,
          base: null,
          local: pair.local,
          central: pair.central,
          detail:
            `The local ${table} record ${pair.local.id} and this central one both have ${values.join(', ')}. ` +
            'Keep local with a new value to keep both; take central to drop the local one (refused while records here belong to it: keep both first, move those to the central record, then delete the local one).',
        });
      }
      counts.collisions += collided.rows.length;
    }

    // Central records whose parent is held back can't come in before it.
    for (const key of parentKeys.filter((parentKey) => parentKey.table === table)) {
      const waiting = await local.query<{ central: RowImage; parent_id: string }>(
        `SELECT to_jsonb(c) AS central, c."${key.column}"::text AS parent_id FROM ${staging} c
          WHERE ${isCentralOnly} AND NOT ${isHeld}
            AND EXISTS (SELECT 1 FROM sync_link_held h
                         WHERE h.table_name = $1 AND h.id = c."${key.column}")`,
        [key.parent],
      );
      await hold(waiting.rows.map((row) => row.central.id));
      for (const { central: centralRow, parent_id: parentId } of waiting.rows) {
        conflicts.push({
          table,
          id: centralRow.id,
          kind: SyncConflictKind.rejected,
          base: null,
          local: null,
          central: centralRow,
          detail: `Not brought in yet: it belongs to ${key.parent} ${parentId}, which waits for a conflict of its own. Resolve that one first, then take central here.`,
        });
      }
      counts.waiting += waiting.rows.length;
    }

    // The same record on both sides: alike, or a conflict (the local row stays as it is).
    const { rows: sameIds } = await local.query<{ alike: number; differing: string[] }>(
      `SELECT count(*) FILTER (WHERE to_jsonb(c) = to_jsonb(l))::int AS alike,
              COALESCE(array_agg(c.id::text) FILTER (WHERE to_jsonb(c) <> to_jsonb(l)), '{}') AS differing
         FROM ${staging} c JOIN ${table} l ON l.id = c.id`,
    );
    unchanged += sameIds[0]?.alike ?? 0;
    const differing = sameIds[0]?.differing ?? [];
    if (differing.length > 0) {
      const { rows } = await local.query<{ central: RowImage; local: RowImage }>(
        `SELECT to_jsonb(c) AS central, to_jsonb(l) AS local
           FROM ${staging} c JOIN ${table} l ON l.id = c.id WHERE c.id = ANY($1::uuid[])`,
        [differing],
      );
      for (const pair of rows) {
        conflicts.push({
          table,
          id: pair.central.id,
          kind: SyncConflictKind.updateUpdate,
          base: null,
          local: pair.local,
          central: pair.central,
          detail: `This record is on both sides with different content (here version ${pair.local.version}, on the central server version ${pair.central.version}), and there is no shared history to say which came first.`,
        });
      }
      counts.changedOnBoth += rows.length;
    }

    // Everything else the central server has comes in, as sync's change.
    const inserted = await local.query(
      `INSERT INTO ${table} (${columnList(columns[table])})
         SELECT ${columnList(columns[table], 'c.')} FROM ${staging} c
          WHERE ${isCentralOnly} AND NOT ${isHeld}`,
    );
    rowsCopied[table] = inserted.rowCount ?? 0;

    // The local records the central server lacks.
    const { rows: localOnly } = await local.query<{ id: string }>(
      `SELECT l.id::text FROM ${table} l WHERE NOT EXISTS (SELECT 1 FROM ${staging} c WHERE c.id = l.id)`,
    );
    const localIds = localOnly.map((row) => row.id);
    if (localIds.length === 0) continue;
    // A record the central server deleted is a dispute, not a new record to send back.
    const { rows: deletedCentrally } = await central.query<{ id: string }>(
      `SELECT DISTINCT record_id::text AS id FROM audit_log
        WHERE table_name = $1 AND action = 'DELETE' AND record_id = ANY($2::uuid[])`,
      [table, localIds],
    );
    if (deletedCentrally.length > 0) {
      const { rows } = await local.query<{ image: RowImage }>(
        `SELECT to_jsonb(l) AS image FROM ${table} l WHERE l.id = ANY($1::uuid[])`,
        [deletedCentrally.map((row) => row.id)],
      );
      for (const { image } of rows) {
        conflicts.push({
          table,
          id: image.id,
          kind: SyncConflictKind.deleteUpdate,
          base: null,
          local: image,
          central: null,
          detail:
            'The central server deleted this record; here it still exists. Keep local to send it back, or take central to delete it here too.',
        });
      }
      counts.deletedOnOneSide += rows.length;
    }
    // What the next push sends: the rest (a record in a conflict waits for the person's choice).
    const waitingForChoice = new Set([
      ...deletedCentrally.map((row) => row.id),
      ...conflicts
        .filter(
          (conflict) =>
            conflict.table === table && conflict.kind === SyncConflictKind.uniqueCollision,
        )
        .map((conflict) => conflict.local?.id),
    ]);
    localToPush += localIds.filter((id) => !waitingForChoice.has(id)).length;
    // Each goes as a new record (base: none), whatever its local history began with.
    await local.query(
      `INSERT INTO sync_push_bases (table_name, record_id, base_version)
       SELECT $1, unnest($2::uuid[]), NULL
       ON CONFLICT (table_name, record_id) DO UPDATE SET base_version = NULL`,
      [table, localIds],
    );
    const { rows: first } = await local.query<{ seq: string | null }>(
      `SELECT min(seq)::text AS seq FROM audit_log
        WHERE table_name = $1 AND source <> 'sync' AND record_id = ANY($2::uuid[])`,
      [table, localIds],
    );
    const seq = first[0]?.seq == null ? null : Number(first[0].seq);
    if (seq !== null && (firstLocalSeq === null || seq < firstLocalSeq)) firstLocalSeq = seq;
  }
  await recordConflicts(local, 'pull', conflicts);
  await local.query(`ANALYZE ${SYNCED_TABLES.join(', ')}`);
  // The push queue is the feed from there on: every local record the central server lacks has
  // its whole history in it. (The tables are locked: no transaction is writing them.)
  const pushedFrom =
    firstLocalSeq === null
      ? await readFeedPosition(local)
      : { seq: firstLocalSeq - 1, openXids: [] };
  return { rowsCopied, unchanged, localToPush, conflicts: counts, pushedFrom };
}
