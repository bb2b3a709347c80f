import { QueryTypes, type Transaction } from 'sequelize';
import type { Database } from '../connection';
import { ServiceError, staleVersionError } from './service-error';

/** How a service reads one kind of versioned row and shows it to callers. */
export interface VersionedTable<Row extends { version: number }, Shown> {
  /** The table, a constant of the service (never input). */
  table: string;
  /** The SELECT/RETURNING list that gives a `Row`. */
  columns: string;
  /** What a person calls it, for messages ("course"). */
  what: string;
  present(row: Row): Shown;
}

/** The error for a row that isn't there. */
export function notFoundError(what: string, id: string): ServiceError {
  return new ServiceError('NOT_FOUND', `No ${what} with id ${id}: it may have been deleted.`);
}

/** The row as it is now, or NOT_FOUND. */
export async function getRow<Row extends { version: number }>(
  db: Database,
  table: VersionedTable<Row, unknown>,
  id: string,
  transaction?: Transaction,
): Promise<Row> {
  const rows = await db.sequelize.query<Row>(
    `SELECT ${table.columns} FROM ${table.table} WHERE id = $1`,
    { bind: [id], type: QueryTypes.SELECT, transaction },
  );
  const row = rows[0];
  if (!row) throw notFoundError(table.what, id);
  return row;
}

/**
 * The row as it is now if it is still at `version`; else CONFLICT with the current row, or
 * NOT_FOUND. For a write that found no row at `version` and must say why.
 */
export async function rowAtVersion<Row extends { version: number }>(
  db: Database,
  table: VersionedTable<Row, unknown>,
  target: { id: string; version: number },
  transaction: Transaction,
): Promise<Row> {
  const row = await getRow(db, table, target.id, transaction);
  if (row.version !== target.version) throw staleVersionError(table.what, table.present(row));
  return row;
}

/** One UPDATE of a versioned row: its SET list and an optional extra condition, with their parameters from `$3` on. */
export interface VersionedUpdate {
  set: string;
  /** What else must hold for the update to apply (the caller explains a refusal). */
  guard?: string;
  params: unknown[];
}

/**
 * Runs the update, in one statement, if the row is still at `version` (and the guard holds); the
 * row as it is after, or undefined when nothing matched (then `rowAtVersion` says why).
 */
export async function updateRowAtVersion<Row extends { version: number }>(
  db: Database,
  table: VersionedTable<Row, unknown>,
  target: { id: string; version: number },
  update: VersionedUpdate,
  transaction: Transaction,
): Promise<Row | undefined> {
  const rows = await db.sequelize.query<Row>(
    `UPDATE ${table.table} SET ${update.set} WHERE id = $1 AND version = $2${update.guard ? ` AND (${update.guard})` : ''}
     RETURNING ${table.columns}`,
    {
      bind: [target.id, target.version, ...update.params],
      type: QueryTypes.SELECT,
      transaction,
    },
  );
  return rows[0];
}

/**
 * Sets `changes` (column → value; columns are the service's constants; an undefined value leaves
 * its column alone) on the row if it is still at `version`, and returns it as it is after. A stale version is CONFLICT with the current row
 * and changes nothing; no change at all just checks the version.
 */
export async function updateAtVersion<Row extends { version: number }, Shown>(
  db: Database,
  table: VersionedTable<Row, Shown>,
  target: { id: string; version: number },
  changes: Record<string, unknown>,
  transaction: Transaction,
): Promise<Shown> {
  const changed = Object.entries(changes).filter(([, value]) => value !== undefined);
  const row =
    changed.length === 0
      ? undefined
      : await updateRowAtVersion(
          db,
          table,
          target,
          {
            set: changed.map(([column], index) => `${column} = $${index + 3}`).join(', '),
            params: changed.map(([, value]) => value),
          },
          transaction,
        );
  return table.present(row ?? (await rowAtVersion(db, table, target, transaction)));
}

/** Deletes the row if it is still at `version` and returns it as it was; else CONFLICT or NOT_FOUND. */
export async function deleteAtVersion<Row extends { version: number }, Shown>(
  db: Database,
  table: VersionedTable<Row, Shown>,
  target: { id: string; version: number },
  transaction: Transaction,
): Promise<Shown> {
  const rows = await db.sequelize.query<Row>(
    `DELETE FROM ${table.table} WHERE id = $1 AND version = $2 RETURNING ${table.columns}`,
    { bind: [target.id, target.version], type: QueryTypes.SELECT, transaction },
  );
  return table.present(rows[0] ?? (await rowAtVersion(db, table, target, transaction)));
}

/** Runs one `INSERT … RETURNING` and gives back the row it made. */
export async function insertRow<Row extends object>(
  db: Database,
  sql: string,
  bind: readonly unknown[],
  transaction: Transaction,
): Promise<Row> {
  const rows = await db.sequelize.query<Row>(sql, {
    bind: [...bind],
    type: QueryTypes.SELECT,
    transaction,
  });
  const row = rows[0];
  if (!row) throw new Error('INSERT … RETURNING gave no row');
  return row;
}
