import { QueryTypes } from 'sequelize';
import type { Database } from '../../db/connection';

/**
 * Fingerprints of everything stored in the public schema, for tests that must prove a call
 * changed nothing (or only the rows it should): a digest per table, or per row to say which
 * rows changed. Rows are digested from their text form, so every column counts.
 */

/** Table name → md5 over the md5 of each of its rows, in digest order (independent of physical order). */
export type TableChecksums = Record<string, string>;

/** Table name → row key (its `id`, or its own digest when it has no `id`) → md5 of the row. */
export type RowDigests = Record<string, Record<string, string>>;

/** One difference between two snapshots. */
export interface RowChange {
  table: string;
  /** The row's key; `*` when the whole table appeared or disappeared. */
  key: string;
  change: 'added' | 'removed' | 'changed' | 'table added' | 'table dropped';
}

function quoteIdentifier(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

interface TableInfo {
  name: string;
  hasId: boolean;
}

/** The ordinary and partitioned tables of the public schema, read afresh so a dropped one shows. */
async function publicTables(db: Database): Promise<TableInfo[]> {
  return db.sequelize.query<TableInfo>(
    `SELECT c.relname AS name,
            EXISTS (SELECT 1 FROM pg_attribute a
                     WHERE a.attrelid = c.oid AND a.attname = 'id' AND NOT a.attisdropped) AS "hasId"
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p')
      ORDER BY c.relname`,
    { type: QueryTypes.SELECT },
  );
}

/** A digest per table of the public schema, in one round trip after the catalog read. */
export async function tableChecksums(db: Database): Promise<TableChecksums> {
  const tables = await publicTables(db);
  if (tables.length === 0) return {};
  const selects = tables.map(
    ({ name }, index) =>
      `SELECT $${index + 1}::text AS name,
              md5(coalesce(string_agg(md5(r::text), ',' ORDER BY md5(r::text)), '')) AS digest
         FROM ${quoteIdentifier(name)} r`,
  );
  const rows = await db.sequelize.query<{ name: string; digest: string }>(
    selects.join(' UNION ALL '),
    { bind: tables.map(({ name }) => name), type: QueryTypes.SELECT },
  );
  return Object.fromEntries(rows.map(({ name, digest }) => [name, digest]));
}

/** Every row of every table of the public schema, by key, with its digest. */
export async function rowDigests(db: Database): Promise<RowDigests> {
  const tables = await publicTables(db);
  const snapshot: RowDigests = {};
  for (const { name, hasId } of tables) {
    const rows = await db.sequelize.query<{ key: string; digest: string }>(
      `SELECT ${hasId ? 'r.id::text' : 'md5(r::text)'} AS key, md5(r::text) AS digest
         FROM ${quoteIdentifier(name)} r`,
      { type: QueryTypes.SELECT },
    );
    snapshot[name] = Object.fromEntries(rows.map(({ key, digest }) => [key, digest]));
  }
  return snapshot;
}

/** What differs from `before` to `after`, sorted by table and key so a test can compare it whole. */
export function changedRows(before: RowDigests, after: RowDigests): RowChange[] {
  const changes: RowChange[] = [];
  for (const table of new Set([...Object.keys(before), ...Object.keys(after)])) {
    const old = before[table];
    const now = after[table];
    if (!old || !now) {
      changes.push({ table, key: '*', change: old ? 'table dropped' : 'table added' });
      continue;
    }
    for (const [key, digest] of Object.entries(old)) {
      const current = now[key];
      if (current === undefined) changes.push({ table, key, change: 'removed' });
      else if (current !== digest) changes.push({ table, key, change: 'changed' });
    }
    for (const key of Object.keys(now)) {
      if (old[key] === undefined) changes.push({ table, key, change: 'added' });
    }
  }
  return changes.sort((a, b) =>
    a.table === b.table ? a.key.localeCompare(b.key) : a.table.localeCompare(b.table),
  );
}
