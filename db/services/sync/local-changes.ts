import type pg from 'pg';
import { SECRET_COLUMNS, type ConflictRow } from './conflicts';
import { feedWindowSql, requireLink } from './replica-state';
import type { RowImage, SyncedTable } from './synced-tables';

/**
 * Whether this copy holds a change of a record that the central server hasn't taken: an edit
 * since the last push, or one waiting in an open conflict (other than `exceptConflictId`).
 * Writing the central version over such a record would lose that change unseen.
 */
export async function hasLocalChange(
  client: pg.ClientBase,
  table: SyncedTable,
  id: string,
  exceptConflictId: string,
): Promise<boolean> {
  const { pushed } = await requireLink(client);
  const { rows } = await client.query<{ found: boolean }>(
    `SELECT EXISTS (SELECT 1 FROM audit_log a
                     WHERE ${feedWindowSql(1)} AND a.source <> 'sync'
                       AND a.table_name = $3 AND a.record_id = $4::uuid)
         OR EXISTS (SELECT 1 FROM sync_conflicts c
                     WHERE c.resolved_at IS NULL AND c.id <> $5::uuid AND c.table_name = $3
                       AND (c.record_id = $4::uuid OR c.local ->> 'id' = $4::text)) AS found`,
    [pushed.seq, pushed.openXids, table, id, exceptConflictId],
  );
  return rows[0]?.found ?? false;
}

/**
 * The record as the central server had it when a push's change of it met a conflict (its base,
 * as this copy's history recorded it); null when the push sent it as new, or when a pull found
 * the conflict (a pull doesn't know which local records the central server has). Secrets, which
 * the history masks, are the record's own (`current`).
 */
export function pushBaseImage(conflict: ConflictRow, current: RowImage): RowImage | null {
  if (conflict.found_by !== 'push' || conflict.base === null) return null;
  const secrets = Object.fromEntries(
    Object.keys(current)
      .filter((column) => SECRET_COLUMNS.has(column))
      .map((column) => [column, current[column]]),
  );
  return { ...conflict.base, ...secrets } as RowImage;
}
