import type pg from 'pg';
import {
  readImages,
  rowStatements,
  STAGED_EXPECTED_VERSION,
  SYNCED_TABLES,
  tableRank,
  type RowImage,
  type RowStatements,
  type SyncedTable,
  type TableColumns,
} from './synced-tables';

/** One change to make to one record: insert or update an image, or delete, at an expected version. */
export type RowOperation =
  | { table: SyncedTable; id: string; kind: 'insert'; row: RowImage }
  | { table: SyncedTable; id: string; kind: 'update'; row: RowImage; expectedVersion: number }
  | { table: SyncedTable; id: string; kind: 'delete'; expectedVersion: number };

/** Why an operation could not be applied; the rest of its batch still was. */
export type RowFailure =
  /** The row is no longer at the expected version (or gone, or already there). */
  | { operation: RowOperation; reason: 'changed'; message: string }
  /** A unique key is taken by another record: `colliding` is that record. */
  | { operation: RowOperation; reason: 'unique'; message: string; colliding: RowImage | null }
  /** A delete would take rows with it that the other side didn't delete. */
  | { operation: RowOperation; reason: 'cascade'; message: string; cascaded: CascadedRow[] }
  /** Any other rule of the database (a foreign key, a check). */
  | { operation: RowOperation; reason: 'rejected'; message: string };

export interface CascadedRow {
  table: string;
  id: string;
}

/** How `applyOperations` treats deletes that cascade. */
export interface ApplyOptions {
  /** Whether a delete may take this record with it (it was not asked to). */
  mayCascadeTo(row: CascadedRow): boolean;
}

/** Prepared statements per table, built once per connection from the shared column lists. */
export class TableStatements {
  private readonly byTable: Record<SyncedTable, RowStatements>;

  constructor(columns: TableColumns) {
    this.byTable = Object.fromEntries(
      SYNCED_TABLES.map((table) => [table, rowStatements(table, columns[table])]),
    ) as Record<SyncedTable, RowStatements>;
  }

  of(table: SyncedTable): RowStatements {
    return this.byTable[table];
  }

  /** The current images of records, table by table. */
  async readImages(
    client: pg.ClientBase,
    keys: readonly { table: SyncedTable; id: string }[],
    isLocking = false,
  ): Promise<Map<string, RowImage>> {
    const idsByTable = new Map<SyncedTable, string[]>();
    for (const { table, id } of keys) {
      const ids = idsByTable.get(table) ?? [];
      ids.push(id);
      idsByTable.set(table, ids);
    }
    const images = new Map<string, RowImage>();
    for (const [table, ids] of idsByTable) {
      for (const [id, image] of await readImages(client, this.of(table), ids, isLocking)) {
        images.set(recordKey(table, id), image);
      }
    }
    return images;
  }
}

/** How a record is named in maps: `table:id`. */
export function recordKey(table: string, id: string): string {
  return `${table}:${id}`;
}

/** Deletes first, children before parents (a re-created record may reuse a freed unique key), then inserts and updates, parents first. */
export function applyOrder(
  a: Pick<RowOperation, 'table' | 'kind'>,
  b: Pick<RowOperation, 'table' | 'kind'>,
): number {
  const isDeleteA = a.kind === 'delete';
  const isDeleteB = b.kind === 'delete';
  if (isDeleteA !== isDeleteB) return isDeleteA ? -1 : 1;
  return isDeleteA
    ? tableRank(b.table) - tableRank(a.table)
    : tableRank(a.table) - tableRank(b.table);
}

interface PgError {
  code?: string;
  constraint?: string;
  message?: string;
  table?: string;
}

function pgErrorOf(error: unknown): PgError | undefined {
  return typeof error === 'object' && error !== null && typeof (error as PgError).code === 'string'
    ? (error as PgError)
    : undefined;
}

const INTEGRITY_CODES = new Set(['23505', '23503', '23001', '23514', '23502', '23P01']);

/** The DELETE entries this transaction wrote to the feed after `sinceSeq`. */
async function deletedSince(client: pg.ClientBase, sinceSeq: number): Promise<CascadedRow[]> {
  const { rows } = await client.query<{ table_name: string; record_id: string }>(
    `SELECT table_name, record_id FROM audit_log
      WHERE txid = txid_current() AND action = 'DELETE' AND seq > $1`,
    [sinceSeq],
  );
  return rows.map((row) => ({ table: row.table_name, id: row.record_id }));
}

/** The feed's last position (changes of this transaction from here on have a higher `seq`). */
export async function feedHighWater(client: pg.ClientBase): Promise<number> {
  const { rows } = await client.query<{ seq: string }>(
    `SELECT COALESCE(max(seq), 0) AS seq FROM audit_log`,
  );
  return Number(rows[0]?.seq ?? 0);
}

class CascadeRefused extends Error {}

/**
 * Applies `operations` in the caller's transaction: set-based, a few statements per table, and
 * only when one of them fails (a taken unique key, a missing parent, a delete that would
 * cascade) the operations again in halves under savepoints, down to one operation at a time
 * around each failing one, to apply all that can be and report the rest. Returns the operations
 * that failed, with why. (Halving keeps a big batch with a few failures at a few dozen
 * statements, where one statement per operation would be thousands.)
 */
export async function applyOperations(
  client: pg.ClientBase,
  statements: TableStatements,
  operations: readonly RowOperation[],
  options: ApplyOptions,
): Promise<RowFailure[]> {
  if (operations.length === 0) return [];
  const ordered = [...operations].sort(applyOrder);
  const requested = new Set(
    ordered.filter((op) => op.kind === 'delete').map((op) => recordKey(op.table, op.id)),
  );
  const isAllowed = (row: CascadedRow): boolean =>
    requested.has(recordKey(row.table, row.id)) || options.mayCascadeTo(row);
  return applyInHalves(client, statements, ordered, isAllowed);
}

/** `ordered` set-based if it all goes in; else each half the same way, in order; one alone by `applyOne`. */
async function applyInHalves(
  client: pg.ClientBase,
  statements: TableStatements,
  ordered: readonly RowOperation[],
  isAllowed: (row: CascadedRow) => boolean,
): Promise<RowFailure[]> {
  const [only] = ordered;
  if (ordered.length === 1 && only) {
    const failure = await applyOne(client, statements, only, isAllowed);
    return failure ? [failure] : [];
  }
  await client.query('SAVEPOINT sync_batch');
  try {
    const failures = await applySetBased(client, statements, ordered, isAllowed);
    await client.query('RELEASE SAVEPOINT sync_batch');
    return failures;
  } catch (error) {
    if (!(error instanceof CascadeRefused) && !INTEGRITY_CODES.has(pgErrorOf(error)?.code ?? '')) {
      throw error;
    }
    await client.query('ROLLBACK TO SAVEPOINT sync_batch');
    await client.query('RELEASE SAVEPOINT sync_batch');
  }
  // Halves in order: the first (parents, freed keys) is applied before the second needs it.
  const middle = Math.ceil(ordered.length / 2);
  return [
    ...(await applyInHalves(client, statements, ordered.slice(0, middle), isAllowed)),
    ...(await applyInHalves(client, statements, ordered.slice(middle), isAllowed)),
  ];
}

/** Consecutive operations of the same kind on the same table, which one statement applies. */
function* runsOf(operations: readonly RowOperation[]): Generator<RowOperation[]> {
  let run: RowOperation[] = [];
  for (const operation of operations) {
    const first = run[0];
    if (first && (first.kind !== operation.kind || first.table !== operation.table)) {
      yield run;
      run = [];
    }
    run.push(operation);
  }
  if (run.length > 0) yield run;
}

/**
 * What `stage` loads for one operation: the image (none for a delete) and the version expected.
 * An update whose image is another record's is left out, so it is reported as not applied.
 */
function stagedRow(op: RowOperation): Record<string, unknown> | undefined {
  switch (op.kind) {
    case 'insert':
      return { ...op.row, [STAGED_EXPECTED_VERSION]: null };
    case 'update':
      return op.row.id === op.id
        ? { ...op.row, [STAGED_EXPECTED_VERSION]: op.expectedVersion }
        : undefined;
    case 'delete':
      return { id: op.id, [STAGED_EXPECTED_VERSION]: op.expectedVersion };
  }
}

/** Stages `run` (operations of one kind on one table) and applies it in one statement; the ids it touched. */
async function runStatement(
  client: pg.ClientBase,
  statements: TableStatements,
  run: readonly RowOperation[],
): Promise<Set<string>> {
  const first = run[0];
  if (!first) return new Set();
  const sql = statements.of(first.table);
  await client.query(sql.prepareStage);
  await client.query(sql.stage, [JSON.stringify(run.flatMap((op) => stagedRow(op) ?? []))]);
  await client.query(sql.analyzeStage);
  const result = await client.query<{ id: string }>(
    first.kind === 'insert' ? sql.insert : first.kind === 'update' ? sql.update : sql.delete,
  );
  return new Set(result.rows.map((row) => row.id));
}

function notApplied(operation: RowOperation): RowFailure {
  return {
    operation,
    reason: 'changed',
    message:
      operation.kind === 'insert'
        ? 'a record with this id already exists'
        : `the record is no longer at version ${operation.expectedVersion}`,
  };
}

async function applySetBased(
  client: pg.ClientBase,
  statements: TableStatements,
  ordered: readonly RowOperation[],
  isAllowed: (row: CascadedRow) => boolean,
): Promise<RowFailure[]> {
  const failures: RowFailure[] = [];
  const hasDeletes = ordered.some((op) => op.kind === 'delete');
  const mark = hasDeletes ? await feedHighWater(client) : 0;
  for (const run of runsOf(ordered)) {
    const applied = await runStatement(client, statements, run);
    for (const operation of run) {
      if (!applied.has(operation.id)) failures.push(notApplied(operation));
    }
  }
  if (hasDeletes && (await deletedSince(client, mark)).some((row) => !isAllowed(row))) {
    throw new CascadeRefused();
  }
  return failures;
}

async function applyOne(
  client: pg.ClientBase,
  statements: TableStatements,
  operation: RowOperation,
  isAllowed: (row: CascadedRow) => boolean,
): Promise<RowFailure | undefined> {
  await client.query('SAVEPOINT sync_row');
  try {
    const mark = operation.kind === 'delete' ? await feedHighWater(client) : 0;
    const applied = await runStatement(client, statements, [operation]);
    if (operation.kind === 'delete') {
      const cascaded = (await deletedSince(client, mark)).filter(
        (row) => !(row.table === operation.table && row.id === operation.id) && !isAllowed(row),
      );
      if (cascaded.length > 0) {
        await client.query('ROLLBACK TO SAVEPOINT sync_row');
        await client.query('RELEASE SAVEPOINT sync_row');
        return {
          operation,
          reason: 'cascade',
          message: `deleting it would also delete ${describeCascade(cascaded)} that the other side still has or changed`,
          cascaded,
        };
      }
    }
    await client.query('RELEASE SAVEPOINT sync_row');
    return applied.has(operation.id) ? undefined : notApplied(operation);
  } catch (error) {
    const pgError = pgErrorOf(error);
    if (!pgError?.code || !INTEGRITY_CODES.has(pgError.code)) throw error;
    await client.query('ROLLBACK TO SAVEPOINT sync_row');
    await client.query('RELEASE SAVEPOINT sync_row');
    if (pgError.code === '23505' && operation.kind !== 'delete') {
      return {
        operation,
        reason: 'unique',
        message: pgError.message ?? 'a unique key is taken',
        colliding: await collidingRecord(
          client,
          operation.table,
          operation.row,
          pgError.constraint,
        ),
      };
    }
    return { operation, reason: 'rejected', message: pgError.message ?? 'refused by the database' };
  }
}

/** `2 lessons, 1 quizzes`-style words for what a delete would take with it. */
function describeCascade(rows: readonly CascadedRow[]): string {
  const counts = new Map<string, number>();
  for (const row of rows) counts.set(row.table, (counts.get(row.table) ?? 0) + 1);
  return [...counts].map(([table, count]) => `${count} ${table} row(s)`).join(', ');
}

/** The other record holding the unique key `constraint` that `row` wanted. */
async function collidingRecord(
  client: pg.ClientBase,
  table: SyncedTable,
  row: RowImage,
  constraint: string | undefined,
): Promise<RowImage | null> {
  if (!constraint) return null;
  const { rows: keyRows } = await client.query<{ columns: string[] }>(
    `SELECT array_agg(a.attname::text ORDER BY k.ordinality) AS columns
       FROM pg_constraint c
       CROSS JOIN LATERAL unnest(c.conkey) WITH ORDINALITY AS k(attnum, ordinality)
       JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.attnum
      WHERE c.conname = $1 AND c.conrelid = $2::regclass`,
    [constraint, table],
  );
  const columns = keyRows[0]?.columns;
  if (!columns || columns.length === 0) return null;
  const matches = columns.map((column) => `t."${column}" = s."${column}"`).join(' AND ');
  const { rows } = await client.query<{ image: RowImage }>(
    `SELECT to_jsonb(t) AS image FROM ${table} t, jsonb_populate_record(NULL::${table}, $1::jsonb) s
      WHERE ${matches} AND t.id <> s.id LIMIT 1`,
    [JSON.stringify(row)],
  );
  return rows[0]?.image ?? null;
}
