import type pg from 'pg';
import { recordKey } from './apply-rows';
import { SYNCED_TABLES, type SyncedTable } from './synced-tables';

/** A single-column foreign key from one synced table to another (courses.instructor_id → users). */
export interface ParentKey {
  table: SyncedTable;
  column: string;
  parent: SyncedTable;
}

/** The foreign keys between synced tables, read from the catalog so a later migration's count too. */
export async function readParentKeys(client: pg.ClientBase): Promise<ParentKey[]> {
  const { rows } = await client.query<{
    table_name: SyncedTable;
    column_name: string;
    parent: SyncedTable;
  }>(
    `SELECT t.relname::text AS table_name, a.attname::text AS column_name, p.relname::text AS parent
       FROM pg_constraint c
       JOIN pg_class t ON t.oid = c.conrelid
       JOIN pg_class p ON p.oid = c.confrelid
       JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1]
      WHERE c.contype = 'f' AND cardinality(c.conkey) = 1
        AND t.relnamespace = current_schema()::regnamespace
        AND t.relname = ANY($1) AND p.relname = ANY($1)`,
    [SYNCED_TABLES],
  );
  return rows.map((row) => ({
    table: row.table_name,
    column: row.column_name,
    parent: row.parent,
  }));
}

/**
 * The records to push, less the new ones that belong (directly or through their parents) to a
 * local record the central server lacks and won't get before a person resolves its conflict: a
 * record made here whose email collided with a central one, say. Sent now, each would be refused
 * for its missing parent; held back, they go with the first push after the conflict is resolved,
 * parents first. Only records whose push base is kept (`sync_push_bases`: a link made them new
 * records to push) are held back, since that keeps them unpushed while the push cursor moves on.
 */
export async function holdBackDependants<T extends { table: SyncedTable; id: string }>(
  client: pg.ClientBase,
  records: readonly T[],
): Promise<T[]> {
  if (records.length === 0) return [];
  const { rows: disputed } = await client.query<{ table_name: SyncedTable; id: string }>(
    `SELECT table_name, local ->> 'id' AS id FROM sync_conflicts
      WHERE resolved_at IS NULL AND local IS NOT NULL
        AND (central IS NULL OR central ->> 'id' <> local ->> 'id')`,
  );
  if (disputed.length === 0) return [...records];
  const blocked = new Map<SyncedTable, Set<string>>(
    SYNCED_TABLES.map((table) => [table, new Set<string>()]),
  );
  for (const row of disputed) blocked.get(row.table_name)?.add(row.id);
  const parentKeys = await readParentKeys(client);
  const { rows: kept } = await client.query<{ table_name: string; record_id: string }>(
    `SELECT table_name, record_id::text FROM sync_push_bases WHERE base_version IS NULL`,
  );
  const isKept = new Set(kept.map((row) => recordKey(row.table_name, row.record_id)));
  const held = new Set<string>();
  for (const table of SYNCED_TABLES) {
    const keys = parentKeys.filter((key) => key.table === table);
    const candidates = records.filter(
      (record) => record.table === table && isKept.has(recordKey(table, record.id)),
    );
    if (keys.length === 0 || candidates.length === 0) continue;
    const { rows } = await client.query<Record<string, string | null> & { id: string }>(
      `SELECT id::text, ${keys.map((key) => `"${key.column}"::text`).join(', ')}
         FROM ${table} WHERE id = ANY($1::uuid[])`,
      [candidates.map((record) => record.id)],
    );
    for (const row of rows) {
      const isBlocked = keys.some((key) => {
        const parentId = row[key.column];
        return parentId != null && (blocked.get(key.parent)?.has(parentId) ?? false);
      });
      if (!isBlocked) continue;
      held.add(recordKey(table, row.id));
      blocked.get(table)?.add(row.id);
    }
  }
  return records.filter((record) => !held.has(recordKey(record.table, record.id)));
}
