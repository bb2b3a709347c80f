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

/** The column of a staged row that holds the version an update or delete expects (null: insert). */
export const STAGED_EXPECTED_VERSION = 'sync_expected_version';

/**
 * The statements that apply a run of row images to one table. The run is first staged: loaded
 * into a temporary table shaped like the table (plus the expected version), then analyzed, then
 * applied by one statement joining it, which returns the ids it touched. Updates and deletes
 * apply only to rows still at the expected version, so a row changed meanwhile is left alone and
 * reported by its absence.
 *
 * Why a table and not the JSON functions straight in the statement: the planner can't tell how
 * many rows a JSON function yields (it guesses 100), so a page of 5,000 records was estimated at
 * one row after the joins, and a nested loop that rescans one function's 5,000 rows for each of
 * the other's (25M comparisons, about 9 s a page) could look as cheap as a hash join; which one
 * it took moved with the table's statistics over a run. An analyzed table has true counts.
 */
export interface RowStatements {
  /** The staging table, empty, in the caller's transaction (dropped at its end). */
  prepareStage: string;
  /** $1: [{...image, sync_expected_version}]. Fills the stage. */
  stage: string;
  /** Gives the planner the stage's row count and distinct ids. */
  analyzeStage: string;
  /** Inserts the staged images whose id is new. */
  insert: string;
  /** Updates the rows still at their staged expected version to the staged images. */
  update: string;
  /** Deletes the rows still at their staged expected version. */
  delete: string;
  /** $1: ids. The rows as images. */
  select: string;
  /** The same, locking the rows until the transaction ends (nothing changes them between check and write). */
  selectForUpdate: string;
}

export function rowStatements(table: SyncedTable, columns: readonly string[]): RowStatements {
  const settable = columns.filter((column) => column !== 'id');
  const staged = `sync_staged_${table}`;
  return {
    // Made per transaction from the table as it is now (a migration may have changed it since
    // the last sync on this connection); checked first, as a savepoint rolled back may have taken
    // it, and without the notice that IF NOT EXISTS would send. No NOT NULLs: deletes stage ids only.
    prepareStage: `DO $$ BEGIN
        IF to_regclass('pg_temp.${staged}') IS NULL THEN
          CREATE TEMPORARY TABLE ${staged} ON COMMIT DROP AS
            SELECT ${columnList(columns)}, NULL::integer AS ${STAGED_EXPECTED_VERSION} FROM ${table} WITH NO DATA;
        END IF;
      END $$;
      TRUNCATE ${staged}`,
    stage: `INSERT INTO ${staged} SELECT * FROM jsonb_populate_recordset(NULL::${staged}, $1::jsonb)`,
    // Only the join columns: the rest are wide and never compared.
    analyzeStage: `ANALYZE ${staged} (id, ${STAGED_EXPECTED_VERSION})`,
    insert: `INSERT INTO ${table} (${columnList(columns)})
               SELECT ${columnList(columns, 's.')} FROM ${staged} s
             ON CONFLICT (id) DO NOTHING RETURNING id`,
    update: `UPDATE ${table} t SET (${columnList(settable)}) = (${columnList(settable, 's.')})
               FROM ${staged} s
              WHERE t.id = s.id AND t.version = s.${STAGED_EXPECTED_VERSION}
             RETURNING t.id`,
    delete: `DELETE FROM ${table} t USING ${staged} s
              WHERE t.id = s.id AND t.version = s.${STAGED_EXPECTED_VERSION} RETURNING t.id`,
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
