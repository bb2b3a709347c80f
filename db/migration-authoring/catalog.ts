import type pg from 'pg';
import { z } from 'zod';

/**
 * A snapshot of one schema as PostgreSQL itself describes it (information_schema and pg_catalog):
 * what `migrate check` and `generate` compare the models with, and what the tests check the
 * migrations against. Every list is sorted, and nothing in it depends on OIDs, so two snapshots
 * of the same schema are deep-equal. Names of other schemas' objects print qualified unless the
 * reader's search_path makes them visible.
 */
export interface SchemaSnapshot {
  tables: CatalogTable[];
  constraints: CatalogConstraint[];
  indexes: CatalogIndex[];
  triggers: CatalogTrigger[];
  enums: CatalogEnum[];
  functions: CatalogFunction[];
  extensions: CatalogExtension[];
}

const columnSchema = z.object({
  name: z.string(),
  /** information_schema's data type: `uuid`, `text`, `timestamp with time zone`, `USER-DEFINED`… */
  dataType: z.string(),
  /** The underlying type's name: the enum's own name for a `USER-DEFINED` column. */
  udtName: z.string(),
  /** `format_type`: the type as DDL writes it, with its modifiers (`numeric(10,2)`, `user_role`). */
  type: z.string(),
  isNullable: z.boolean(),
  /** The default expression as PostgreSQL prints it (`now()`, `'{}'::jsonb`), or null for none. */
  default: z.string().nullable(),
  isIdentity: z.boolean(),
  /** For an identity column, `ALWAYS` or `BY DEFAULT`; else null. */
  identityGeneration: z.enum(['ALWAYS', 'BY DEFAULT']).nullable(),
});
/** A column of a table, in table order. */
export type CatalogColumn = z.infer<typeof columnSchema>;

/** A table of the schema and its columns. */
export interface CatalogTable {
  name: string;
  columns: CatalogColumn[];
}

/** What an `ON DELETE` / `ON UPDATE` clause of a foreign key says. */
export const ReferentialAction = {
  noAction: 'NO ACTION',
  restrict: 'RESTRICT',
  cascade: 'CASCADE',
  setNull: 'SET NULL',
  setDefault: 'SET DEFAULT',
} as const;
export type ReferentialAction = (typeof ReferentialAction)[keyof typeof ReferentialAction];

/** The kinds of pg_constraint rows (`NOT NULL` ones exist from PostgreSQL 18 on). */
export const ConstraintType = {
  primaryKey: 'PRIMARY KEY',
  unique: 'UNIQUE',
  foreignKey: 'FOREIGN KEY',
  check: 'CHECK',
  exclusion: 'EXCLUSION',
  notNull: 'NOT NULL',
  trigger: 'TRIGGER',
} as const;
export type ConstraintType = (typeof ConstraintType)[keyof typeof ConstraintType];

const referentialActionSchema = z.enum(ReferentialAction);

const constraintSchema = z.object({
  name: z.string(),
  table: z.string(),
  type: z.enum(ConstraintType),
  /** The constrained columns, in the constraint's order. */
  columns: z.array(z.string()),
  /** For a foreign key: the table and columns it references; else null and []. */
  foreignTable: z.string().nullable(),
  foreignColumns: z.array(z.string()),
  onDelete: referentialActionSchema.nullable(),
  onUpdate: referentialActionSchema.nullable(),
  isDeferrable: z.boolean(),
  isInitiallyDeferred: z.boolean(),
  /** `pg_get_constraintdef`: `UNIQUE (course_id, "position") DEFERRABLE`, `CHECK (…)`… */
  definition: z.string(),
});
/** A constraint (primary key, unique, foreign key, check…) with its full definition. */
export type CatalogConstraint = z.infer<typeof constraintSchema>;

const indexSchema = z.object({
  name: z.string(),
  table: z.string(),
  /** The access method: `btree`, `gin`, `brin`… */
  method: z.string(),
  isUnique: z.boolean(),
  isPrimary: z.boolean(),
  /** The key columns in order; null where the key is an expression. */
  columns: z.array(z.string().nullable()),
  /** Each key column's operator class (`gin_trgm_ops`), or null for its type's default one. */
  operatorClasses: z.array(z.string().nullable()),
  /** Each key column's sort order (`ASC` too for methods that don't sort, like GIN). */
  orders: z.array(z.enum(['ASC', 'DESC'])),
  /** The `WHERE` of a partial index, or null. */
  predicate: z.string().nullable(),
  /** The primary key, unique or exclusion constraint the index backs, or null for a plain index. */
  constraintName: z.string().nullable(),
  /** `pg_get_indexdef`: the whole `CREATE INDEX` statement. */
  definition: z.string(),
});
/** An index, whether created on its own or for a constraint. */
export type CatalogIndex = z.infer<typeof indexSchema>;

const triggerSchema = z.object({
  name: z.string(),
  table: z.string(),
  timing: z.enum(['BEFORE', 'AFTER', 'INSTEAD OF']),
  events: z.array(z.enum(['INSERT', 'UPDATE', 'DELETE', 'TRUNCATE'])),
  level: z.enum(['ROW', 'STATEMENT']),
  function: z.string(),
  /** `pg_get_triggerdef`: the whole `CREATE TRIGGER` statement. */
  definition: z.string(),
});
/** A user-defined trigger (the internal ones behind foreign keys are left out). */
export type CatalogTrigger = z.infer<typeof triggerSchema>;

const enumSchema = z.object({ name: z.string(), values: z.array(z.string()) });
/** An enum type and its values in their declared order. */
export type CatalogEnum = z.infer<typeof enumSchema>;

const functionSchema = z.object({
  name: z.string(),
  arguments: z.string(),
  result: z.string(),
  language: z.string(),
  /** `pg_get_functiondef`: the whole `CREATE FUNCTION` statement, body included. */
  definition: z.string(),
});
/** A function of the schema itself (an extension's own functions are left out). */
export type CatalogFunction = z.infer<typeof functionSchema>;

const extensionSchema = z.object({ name: z.string(), version: z.string(), schema: z.string() });
/** An installed extension (database-wide, whatever `schema` is read). */
export type CatalogExtension = z.infer<typeof extensionSchema>;

const tableColumnRowSchema = columnSchema.extend({ table: z.string() });

const COLUMNS_SQL = `
  SELECT t.relname AS "table", c.column_name AS name, c.data_type AS "dataType",
    c.udt_name AS "udtName", format_type(a.atttypid, a.atttypmod) AS type, c.is_nullable = 'YES' AS "isNullable", c.column_default AS "default",
    c.is_identity = 'YES' AS "isIdentity", c.identity_generation AS "identityGeneration"
  FROM pg_class t
  JOIN pg_namespace n ON n.oid = t.relnamespace
  JOIN information_schema.columns c
    ON c.table_schema = n.nspname AND c.table_name = t.relname
  JOIN pg_attribute a ON a.attrelid = t.oid AND a.attname = c.column_name
  WHERE n.nspname = $1 AND t.relkind IN ('r', 'p')
  ORDER BY t.relname, c.ordinal_position`;

// The action codes of pg_constraint.confdeltype / confupdtype, in words.
const referentialActionSql = (column: string): string => `
  CASE ${column} WHEN 'a' THEN 'NO ACTION' WHEN 'r' THEN 'RESTRICT' WHEN 'c' THEN 'CASCADE'
    WHEN 'n' THEN 'SET NULL' WHEN 'd' THEN 'SET DEFAULT' END`;

// Column names of `attnums` (an int2[] of `relation`), in the array's order.
const attributeNamesSql = (attnums: string, relation: string): string => `
  COALESCE(ARRAY(
    SELECT a.attname::text FROM unnest(${attnums}) WITH ORDINALITY AS k(attnum, ord)
    JOIN pg_attribute a ON a.attrelid = ${relation} AND a.attnum = k.attnum
    ORDER BY k.ord), '{}')`;

const CONSTRAINTS_SQL = `
  SELECT c.conname AS name, t.relname AS "table",
    CASE c.contype WHEN 'p' THEN 'PRIMARY KEY' WHEN 'u' THEN 'UNIQUE' WHEN 'f' THEN 'FOREIGN KEY'
      WHEN 'c' THEN 'CHECK' WHEN 'x' THEN 'EXCLUSION' WHEN 'n' THEN 'NOT NULL'
      WHEN 't' THEN 'TRIGGER' END AS type,
    ${attributeNamesSql('c.conkey', 'c.conrelid')} AS columns,
    ft.relname AS "foreignTable",
    ${attributeNamesSql('c.confkey', 'c.confrelid')} AS "foreignColumns",
    CASE WHEN c.contype = 'f' THEN ${referentialActionSql('c.confdeltype')} END AS "onDelete",
    CASE WHEN c.contype = 'f' THEN ${referentialActionSql('c.confupdtype')} END AS "onUpdate",
    c.condeferrable AS "isDeferrable", c.condeferred AS "isInitiallyDeferred",
    pg_get_constraintdef(c.oid) AS definition
  FROM pg_constraint c
  JOIN pg_class t ON t.oid = c.conrelid
  JOIN pg_namespace n ON n.oid = t.relnamespace
  LEFT JOIN pg_class ft ON ft.oid = c.confrelid
  WHERE n.nspname = $1
  ORDER BY t.relname, c.conname`;

const INDEXES_SQL = `
  SELECT i.relname AS name, t.relname AS "table", am.amname AS method,
    x.indisunique AS "isUnique", x.indisprimary AS "isPrimary",
    ARRAY(
      SELECT CASE WHEN k.attnum = 0 THEN NULL ELSE a.attname::text END
      FROM unnest(x.indkey::int2[]) WITH ORDINALITY AS k(attnum, ord)
      LEFT JOIN pg_attribute a ON a.attrelid = x.indrelid AND a.attnum = k.attnum
      WHERE k.ord <= x.indnkeyatts
      ORDER BY k.ord) AS columns,
    ARRAY(
      SELECT CASE WHEN oc.opcdefault THEN NULL ELSE oc.opcname::text END
      FROM unnest(x.indclass::oid[]) WITH ORDINALITY AS c(opclass, ord)
      JOIN pg_opclass oc ON oc.oid = c.opclass
      ORDER BY c.ord) AS "operatorClasses",
    ARRAY(
      SELECT CASE WHEN o.option & 1 <> 0 THEN 'DESC' ELSE 'ASC' END
      FROM unnest(x.indoption::int2[]) WITH ORDINALITY AS o(option, ord)
      WHERE o.ord <= x.indnkeyatts
      ORDER BY o.ord) AS orders,
    pg_get_expr(x.indpred, x.indrelid) AS predicate,
    con.conname AS "constraintName",
    pg_get_indexdef(x.indexrelid) AS definition
  FROM pg_index x
  JOIN pg_class i ON i.oid = x.indexrelid
  JOIN pg_class t ON t.oid = x.indrelid
  JOIN pg_namespace n ON n.oid = t.relnamespace
  JOIN pg_am am ON am.oid = i.relam
  LEFT JOIN pg_constraint con
    ON con.conindid = x.indexrelid AND con.conrelid = x.indrelid AND con.contype IN ('p', 'u', 'x')
  WHERE n.nspname = $1
  ORDER BY t.relname, i.relname`;

// tgtype is a bit set: 1 row-level, 2 before, 4 insert, 8 delete, 16 update, 32 truncate, 64 instead.
const TRIGGERS_SQL = `
  SELECT tg.tgname AS name, t.relname AS "table", p.proname AS function,
    CASE WHEN tg.tgtype & 2 <> 0 THEN 'BEFORE' WHEN tg.tgtype & 64 <> 0 THEN 'INSTEAD OF'
      ELSE 'AFTER' END AS timing,
    array_remove(ARRAY[
      CASE WHEN tg.tgtype & 4 <> 0 THEN 'INSERT' END,
      CASE WHEN tg.tgtype & 16 <> 0 THEN 'UPDATE' END,
      CASE WHEN tg.tgtype & 8 <> 0 THEN 'DELETE' END,
      CASE WHEN tg.tgtype & 32 <> 0 THEN 'TRUNCATE' END]::text[], NULL) AS events,
    CASE WHEN tg.tgtype & 1 <> 0 THEN 'ROW' ELSE 'STATEMENT' END AS level,
    pg_get_triggerdef(tg.oid) AS definition
  FROM pg_trigger tg
  JOIN pg_class t ON t.oid = tg.tgrelid
  JOIN pg_namespace n ON n.oid = t.relnamespace
  JOIN pg_proc p ON p.oid = tg.tgfoid
  WHERE n.nspname = $1 AND NOT tg.tgisinternal
  ORDER BY t.relname, tg.tgname`;

const ENUMS_SQL = `
  SELECT t.typname AS name, array_agg(e.enumlabel::text ORDER BY e.enumsortorder) AS values
  FROM pg_type t
  JOIN pg_namespace n ON n.oid = t.typnamespace
  JOIN pg_enum e ON e.enumtypid = t.oid
  WHERE n.nspname = $1
  GROUP BY t.typname
  ORDER BY t.typname`;

// pg_trgm puts its functions in the schema it is created in: those belong to the extension.
const FUNCTIONS_SQL = `
  SELECT p.proname AS name, pg_get_function_identity_arguments(p.oid) AS arguments,
    pg_get_function_result(p.oid) AS result, l.lanname AS language,
    pg_get_functiondef(p.oid) AS definition
  FROM pg_proc p
  JOIN pg_namespace n ON n.oid = p.pronamespace
  JOIN pg_language l ON l.oid = p.prolang
  WHERE n.nspname = $1 AND p.prokind IN ('f', 'p')
    AND NOT EXISTS (
      SELECT 1 FROM pg_depend d
      WHERE d.classid = 'pg_proc'::regclass AND d.objid = p.oid AND d.deptype = 'e')
  ORDER BY p.proname, arguments`;

const EXTENSIONS_SQL = `
  SELECT e.extname AS name, e.extversion AS version, n.nspname AS schema
  FROM pg_extension e
  JOIN pg_namespace n ON n.oid = e.extnamespace
  ORDER BY e.extname`;

async function readRows<T>(
  client: pg.ClientBase,
  sql: string,
  schema: z.ZodType<T>,
  params: unknown[],
): Promise<T[]> {
  const { rows } = await client.query<Record<string, unknown>>(sql, params);
  return z.array(schema).parse(rows);
}

/** Reads everything the tests compare about `schemaName` (default `public`). */
export async function readCatalog(
  client: pg.ClientBase,
  schemaName = 'public',
): Promise<SchemaSnapshot> {
  const params = [schemaName];
  // One client runs one query at a time: reading in sequence keeps that explicit.
  const columnRows = await readRows(client, COLUMNS_SQL, tableColumnRowSchema, params);
  const constraints = await readRows(client, CONSTRAINTS_SQL, constraintSchema, params);
  const indexes = await readRows(client, INDEXES_SQL, indexSchema, params);
  const triggers = await readRows(client, TRIGGERS_SQL, triggerSchema, params);
  const enums = await readRows(client, ENUMS_SQL, enumSchema, params);
  const functions = await readRows(client, FUNCTIONS_SQL, functionSchema, params);
  const extensions = await readRows(client, EXTENSIONS_SQL, extensionSchema, []);
  const tables: CatalogTable[] = [];
  for (const { table, ...column } of columnRows) {
    const last = tables.at(-1);
    if (last?.name === table) last.columns.push(column);
    else tables.push({ name: table, columns: [column] });
  }
  return { tables, constraints, indexes, triggers, enums, functions, extensions };
}

/** The table named `name`; throws, naming what there is, when it is missing. */
export function requireTable(snapshot: SchemaSnapshot, name: string): CatalogTable {
  const table = snapshot.tables.find((candidate) => candidate.name === name);
  if (!table) {
    throw new Error(
      `No table "${name}" in the catalog; it has: ${snapshot.tables.map((t) => t.name).join(', ')}.`,
    );
  }
  return table;
}

/** The column `column` of `table`; throws, naming the table's columns, when it is missing. */
export function requireColumn(
  snapshot: SchemaSnapshot,
  table: string,
  column: string,
): CatalogColumn {
  const { columns } = requireTable(snapshot, table);
  const found = columns.find((candidate) => candidate.name === column);
  if (!found) {
    throw new Error(
      `No column "${column}" in table "${table}"; it has: ${columns.map((c) => c.name).join(', ')}.`,
    );
  }
  return found;
}
