import type pg from 'pg';
import { lmsTables } from '../../schemas/lms-tables';

/**
 * The tables sync carries, parents before children: rows are inserted and updated in this order
 * and deleted in the reverse one, so a foreign key always finds its parent.
 */
export const SYNCED_TABLES = lmsTables;
export type SyncedTable = (typeof SYNCED_TABLES)[number];

export function isSyncedTable(name: string): name is SyncedTable {
  return (SYNCED_TABLES as readonly string[]).includes(name);
}

/** Where a table comes in the parents-first order. */
export function tableRank(table: SyncedTable): number {
  return SYNCED_TABLES.indexOf(table);
}

/** A record as to_jsonb gives it: every column, password_hash included (read from the table, not the feed). */
export type RowImage = Record<string, unknown> & { id: string; version: number };

/** Each synced table's columns, as the catalog lists them (the same on both sides: migrations match). */
export type TableColumns = Record<SyncedTable, readonly string[]>;

export async function readTableColumns(client: pg.ClientBase): Promise<TableColumns> {
  const { rows } = await client.query<{ table_name: string; columns: string[] }>(
    `SELECT table_name::text, array_agg(column_name::text ORDER BY ordinal_position) AS columns
       FROM information_schema.columns
      WHERE table_schema = current_schema() AND table_name = ANY($1)
      GROUP BY table_name`,
    [SYNCED_TABLES],
  );
  const columns = Object.fromEntries(rows.map((row) => [row.table_name, row.columns]));
  for (const table of SYNCED_TABLES) {
    if (!columns[table]) throw new Error(`table ${table} is missing: is the database migrated?`);
  }
  return columns as unknown as TableColumns;
}

/** `"a", "b"`: a column list (names from the catalog, quoted). */
export function columnList(columns: readonly string[], prefix = ''): string {
  return columns.map((column) => `${prefix}"${column}"`).join(', ');
}

/**
 * The temporary table a run of operations is loaded into (by COPY, then ANALYZE) before one
 * statement applies it: `id`, the expected `version` (null for an insert) and the row `image`
 * (null for a delete). One per session, emptied at each commit.
 */
export const STAGED_ROWS = 'sync_staged_rows';

/**
 * Makes `STAGED_ROWS` exist and empty in the caller's transaction. Without a notice when it is
 * there already, as `IF NOT EXISTS` would send: it may have gone with a rolled-back savepoint.
 */
export const PREPARE_STAGED_ROWS = `DO $$ BEGIN
    IF to_regclass('pg_temp.${STAGED_ROWS}') IS NULL THEN
      CREATE TEMPORARY TABLE ${STAGED_ROWS} (id uuid NOT NULL, version integer, image jsonb)
        ON COMMIT DELETE ROWS;
    END IF;
  END $$;
  TRUNCATE ${STAGED_ROWS}`;

/**
 * Statistics of the staged run, so the planner knows how many rows there are and that their ids
 * are distinct (the join with the table is sized right). Only the join columns: the images are
 * wide and not compared.
 */
export const ANALYZE_STAGED_ROWS = `ANALYZE ${STAGED_ROWS} (id, version)`;

/**
 * The statements that apply the staged rows (`STAGED_ROWS`) to one table, each returning the ids
 * it touched. Updates and deletes apply only to rows still at the expected version, so a row
 * changed meanwhile is left alone and reported by its absence.
 *
 * The rows come from an analyzed table, not from a JSON parameter: the planner can't tell how
 * many rows a JSON function yields (it guesses 100), so a page of 5,000 was estimated at one row
 * after the joins, and a nested loop that rescans one function's 5,000 rows for each of the
 * other's (25M comparisons, seconds per page) looked as cheap as a hash join. Which of the two it
 * took flipped with the table's statistics as it bloated over a run; with real counts it doesn't.
 */
export interface RowStatements {
  /** Inserts the staged images whose id is new. */
  insert: string;
  /** Updates to the staged images the rows still at the staged version. */
  update: string;
  /** Deletes the rows still at the staged version. */
  delete: string;
  /** $1: ids. The rows as images. */
  select: string;
  /** The same, locking the rows until the transaction ends (nothing changes them between check and write). */
  selectForUpdate: string;
}

export function rowStatements(table: SyncedTable, columns: readonly string[]): RowStatements {
  const settable = columns.filter((column) => column !== 'id');
  const staged = `${STAGED_ROWS} s CROSS JOIN LATERAL jsonb_populate_record(NULL::${table}, s.image) r`;
  return {
    insert: `INSERT INTO ${table} (${columnList(columns)})
               SELECT ${columnList(columns, 'r.')} FROM ${staged}
             ON CONFLICT (id) DO NOTHING RETURNING id`,
    update: `UPDATE ${table} t SET (${columnList(settable)}) = (${columnList(settable, 'r.')})
               FROM ${staged}
              WHERE t.id = s.id AND r.id = s.id AND t.version = s.version
             RETURNING t.id`,
    delete: `DELETE FROM ${table} t USING ${STAGED_ROWS} s
              WHERE t.id = s.id AND t.version = s.version RETURNING t.id`,
    select: `SELECT to_jsonb(t) AS image FROM ${table} t WHERE t.id = ANY($1::uuid[])`,
    selectForUpdate: `SELECT to_jsonb(t) AS image FROM ${table} t WHERE t.id = ANY($1::uuid[]) FOR UPDATE`,
  };
}

/** The current images of `ids` in `table`, by id. */
export async function readImages(
  client: pg.ClientBase,
  statements: RowStatements,
  ids: readonly string[],
  isLocking = false,
): Promise<Map<string, RowImage>> {
  if (ids.length === 0) return new Map();
  const { rows } = await client.query<{ image: RowImage }>(
    isLocking ? statements.selectForUpdate : statements.select,
    [ids],
  );
  return new Map(rows.map(({ image }) => [image.id, image]));
}

/** JSON with object keys sorted, so two images compare equal whatever order their keys came in. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, inner: unknown) =>
    inner && typeof inner === 'object' && !Array.isArray(inner)
      ? Object.fromEntries(
          Object.entries(inner as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : 1)),
        )
      : inner,
  );
}

/** Whether two images (or absences) are the same record state. */
export function isSameImage(
  a: RowImage | null | undefined,
  b: RowImage | null | undefined,
): boolean {
  if (!a || !b) return !a && !b;
  return a.version === b.version && canonical(a) === canonical(b);
}
