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
 * The statements that apply row images to one table, each set-based over a JSON array
 * parameter, each returning the ids it touched. Updates and deletes apply only to rows still at
 * the expected version, so a row changed meanwhile is left alone and reported by its absence.
 * The ids go in again as an array: the planner can't tell how many rows a JSON function yields
 * (it guesses 100) and may then scan the whole table once per row; `id = ANY(array)` it sizes
 * right and looks up by the primary key.
 */
export interface RowStatements {
  /** $1: row images. Inserts the ones whose id is new. */
  insert: string;
  /** $1: row images, $2: [{id, version}] expected, $3: their ids. */
  update: string;
  /** $1: [{id, version}] expected, $2: their ids. */
  delete: string;
  /** $1: ids. The rows as images. */
  select: string;
  /** The same, locking the rows until the transaction ends (nothing changes them between check and write). */
  selectForUpdate: string;
}

export function rowStatements(table: SyncedTable, columns: readonly string[]): RowStatements {
  const settable = columns.filter((column) => column !== 'id');
  return {
    insert: `INSERT INTO ${table} (${columnList(columns)})
               SELECT ${columnList(columns)} FROM jsonb_populate_recordset(NULL::${table}, $1::jsonb)
             ON CONFLICT (id) DO NOTHING RETURNING id`,
    update: `UPDATE ${table} t SET (${columnList(settable)}) = (${columnList(settable, 's.')})
               FROM jsonb_populate_recordset(NULL::${table}, $1::jsonb) s
               JOIN jsonb_to_recordset($2::jsonb) AS e(id uuid, version integer) ON e.id = s.id
              WHERE t.id = ANY($3::uuid[]) AND t.id = s.id AND t.version = e.version
             RETURNING t.id`,
    delete: `DELETE FROM ${table} t USING jsonb_to_recordset($1::jsonb) AS e(id uuid, version integer)
              WHERE t.id = ANY($2::uuid[]) AND t.id = e.id AND t.version = e.version RETURNING t.id`,
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
