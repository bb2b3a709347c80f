import { parse } from 'libpg-query';
import type pg from 'pg';
import { z } from 'zod';
import { UserFacingError } from '../user-facing-error';
import { quoteIdentifier } from './sql-text';

/** Kinds of steps that lose data or hold a table locked while they work. */
export const RiskKind = {
  dropTable: 'drop-table',
  truncate: 'truncate',
  dropColumn: 'drop-column',
  changeType: 'change-type',
  setNotNull: 'set-not-null',
  addNotNullColumn: 'add-not-null-column',
  dropType: 'drop-type',
  blockingIndex: 'blocking-index',
} as const;
export type RiskKind = (typeof RiskKind)[keyof typeof RiskKind];

/** A step of a migration that deserves a person's yes before it runs. */
export interface RiskyStep {
  kind: RiskKind;
  table: string | null;
  column: string | null;
  /** The statement, as written in the migration. */
  statement: string;
  /** Rows it touches (or, for an index, rows it reads while writes wait); null when unknown. */
  affectedRows: number | null;
  /** What it does, with the row count once known. */
  message: string;
}

/** An index built without CONCURRENTLY on a table this large blocks writes long enough to matter. */
export const LARGE_TABLE_ROWS = 100_000;

// The parts of libpg-query's AST this looks at; everything else passes through unread.
const nameNode = z.object({ String: z.object({ sval: z.string() }) });
const relation = z.object({ relname: z.string() });
const statementNode = z.looseObject({
  DropStmt: z
    .looseObject({
      removeType: z.string(),
      objects: z.array(z.unknown()).default([]),
    })
    .optional(),
  TruncateStmt: z.looseObject({ relations: z.array(z.object({ RangeVar: relation })) }).optional(),
  AlterTableStmt: z
    .looseObject({
      relation,
      cmds: z.array(
        z.object({
          AlterTableCmd: z.looseObject({
            subtype: z.string(),
            name: z.string().optional(),
            def: z.unknown().optional(),
          }),
        }),
      ),
    })
    .optional(),
  IndexStmt: z.looseObject({ relation, concurrent: z.boolean().optional() }).optional(),
});
const parsedSchema = z.object({
  stmts: z.array(
    z.object({
      stmt: statementNode,
      stmt_location: z.number().optional(),
      stmt_len: z.number().optional(),
    }),
  ),
});
const columnDefSchema = z.object({
  ColumnDef: z.looseObject({
    colname: z.string(),
    constraints: z
      .array(z.object({ Constraint: z.looseObject({ contype: z.string() }) }))
      .default([]),
  }),
});

/** The last name of a possibly qualified name list (`public.users` → `users`). */
function lastName(items: unknown): string | null {
  const list = z.array(nameNode).safeParse(items);
  return list.success ? (list.data.at(-1)?.String.sval ?? null) : null;
}

/** The name of each object a DROP names (a table's `List`, a type's `TypeName`). */
function droppedNames(objects: readonly unknown[]): string[] {
  return objects.flatMap((object) => {
    const asList = z.object({ List: z.object({ items: z.unknown() }) }).safeParse(object);
    if (asList.success) return [lastName(asList.data.List.items) ?? '?'];
    const asType = z.object({ TypeName: z.object({ names: z.unknown() }) }).safeParse(object);
    if (asType.success) return [lastName(asType.data.TypeName.names) ?? '?'];
    return [];
  });
}

/** The statements of `sql` with their text, parsed by PostgreSQL's own parser. */
async function parseStatements(sql: string) {
  let parsed: unknown;
  try {
    parsed = await parse(sql);
  } catch (error) {
    throw new UserFacingError(
      `PostgreSQL's parser rejects the migration's SQL: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  const bytes = Buffer.from(sql, 'utf8');
  return parsedSchema.parse(parsed).stmts.map((entry) => {
    // Locations count bytes, not characters.
    const start = entry.stmt_location ?? 0;
    const end = entry.stmt_len === undefined ? bytes.length : start + entry.stmt_len;
    return { node: entry.stmt, text: bytes.subarray(start, end).toString('utf8').trim() };
  });
}

/** Finds the steps of `sql` (one or many statements) that drop data or lock a table. */
export async function findRiskySteps(
  sql: string,
): Promise<Omit<RiskyStep, 'affectedRows' | 'message'>[]> {
  const steps: Omit<RiskyStep, 'affectedRows' | 'message'>[] = [];
  if (sql.trim() === '') return steps;
  const createdTables = new Set<string>();
  for (const { node, text } of await parseStatements(sql)) {
    const step = (kind: RiskKind, table: string | null, column: string | null = null) =>
      steps.push({ kind, table, column, statement: text });
    const created = z.object({ CreateStmt: z.object({ relation }) }).safeParse(node);
    if (created.success) createdTables.add(created.data.CreateStmt.relation.relname);
    if (node.DropStmt?.removeType === 'OBJECT_TABLE') {
      for (const table of droppedNames(node.DropStmt.objects)) step(RiskKind.dropTable, table);
    }
    if (node.DropStmt?.removeType === 'OBJECT_TYPE') {
      for (const type of droppedNames(node.DropStmt.objects)) step(RiskKind.dropType, type);
    }
    for (const range of node.TruncateStmt?.relations ?? [])
      step(RiskKind.truncate, range.RangeVar.relname);
    const alter = node.AlterTableStmt;
    // A table this migration creates is empty and unknown to others: nothing on it is at risk.
    if (alter && !createdTables.has(alter.relation.relname)) {
      const table = alter.relation.relname;
      for (const { AlterTableCmd: command } of alter.cmds) {
        const column = command.name ?? null;
        if (command.subtype === 'AT_DropColumn') step(RiskKind.dropColumn, table, column);
        if (command.subtype === 'AT_AlterColumnType') step(RiskKind.changeType, table, column);
        if (command.subtype === 'AT_SetNotNull') step(RiskKind.setNotNull, table, column);
        if (command.subtype === 'AT_AddColumn') {
          const definition = columnDefSchema.safeParse(command.def);
          const kinds = definition.success
            ? definition.data.ColumnDef.constraints.map((c) => c.Constraint.contype)
            : [];
          if (kinds.includes('CONSTR_NOTNULL') && !kinds.includes('CONSTR_DEFAULT')) {
            step(RiskKind.addNotNullColumn, table, definition.data?.ColumnDef.colname ?? null);
          }
        }
      }
    }
    const index = node.IndexStmt;
    if (index && !index.concurrent && !createdTables.has(index.relation.relname)) {
      step(RiskKind.blockingIndex, index.relation.relname);
    }
  }
  return steps;
}

/** Rows of `table` (all, or those matching `where`); null when the table doesn't exist (yet). */
async function countRows(client: pg.ClientBase, table: string, where = ''): Promise<number | null> {
  const { rows: exists } = await client.query<{ present: boolean }>(
    'SELECT to_regclass($1) IS NOT NULL AS present',
    [quoteIdentifier(table)],
  );
  if (!exists[0]?.present) return null;
  const { rows } = await client.query<{ count: string }>(
    `SELECT count(*) AS count FROM ${quoteIdentifier(table)}${where}`,
  );
  return Number(rows[0]?.count ?? 0);
}

function rowsText(count: number | null, table: string | null): string {
  return count === null
    ? `${table} (not there yet)`
    : `${count.toLocaleString('en')} row(s) of ${table}`;
}

/**
 * Counts what each step touches on the database `client` reaches, and keeps the steps worth a
 * confirmation: every drop and type change, a NOT NULL where rows exist, and an index built
 * without CONCURRENTLY on a table of LARGE_TABLE_ROWS or more.
 */
export async function assessRiskySteps(
  client: pg.ClientBase,
  steps: readonly Omit<RiskyStep, 'affectedRows' | 'message'>[],
): Promise<RiskyStep[]> {
  const assessed: RiskyStep[] = [];
  for (const step of steps) {
    const where =
      step.kind === RiskKind.setNotNull && step.column !== null
        ? ` WHERE ${quoteIdentifier(step.column)} IS NULL`
        : '';
    const count =
      step.kind === RiskKind.dropType || step.table === null
        ? null
        : await countRows(client, step.table, where);
    const of = rowsText(count, step.table);
    const column = `${step.table}.${step.column}`;
    const message = {
      [RiskKind.dropTable]: `drops table ${step.table} and its ${of}`,
      [RiskKind.truncate]: `empties table ${step.table}: ${of}`,
      [RiskKind.dropColumn]: `drops column ${column}: its value in ${of} is lost`,
      [RiskKind.changeType]: `changes the type of ${column}, rewriting ${of} under an exclusive lock; values that don't convert fail the migration, narrower types lose precision`,
      [RiskKind.setNotNull]: `makes ${column} NOT NULL: ${count === null ? 'rows unknown' : `${count.toLocaleString('en')} row(s) hold NULL there and make it fail`}`,
      [RiskKind.addNotNullColumn]: `adds ${column} NOT NULL without a default: fails unless ${step.table} is empty (${of})`,
      [RiskKind.dropType]: `drops type ${step.table} (an enum rebuilt to remove values, or dropped)`,
      [RiskKind.blockingIndex]: `builds an index on ${step.table} without CONCURRENTLY: writes to ${of} wait until it is done`,
    }[step.kind];
    const isWorthAsking =
      step.kind === RiskKind.blockingIndex
        ? count !== null && count >= LARGE_TABLE_ROWS
        : step.kind === RiskKind.setNotNull || step.kind === RiskKind.addNotNullColumn
          ? count !== null && count > 0
          : true;
    if (isWorthAsking) assessed.push({ ...step, affectedRows: count, message });
  }
  return assessed;
}
