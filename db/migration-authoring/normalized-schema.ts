import type pg from 'pg';
import {
  ConstraintType,
  readCatalog,
  type CatalogConstraint,
  type CatalogEnum,
  type SchemaSnapshot,
} from './catalog';

/** A column as the comparison sees it: its type as DDL writes it, nullability, default. */
export interface NormalizedColumn {
  name: string;
  type: string;
  isNullable: boolean;
  default: string | null;
  /** `GENERATED ALWAYS|BY DEFAULT AS IDENTITY`, or null for an ordinary column. */
  identity: 'ALWAYS' | 'BY DEFAULT' | null;
}

/** A constraint of a table: primary key, unique, foreign key, check or exclusion. */
export interface NormalizedConstraint {
  name: string;
  type: CatalogConstraint['type'];
  columns: string[];
  /** `pg_get_constraintdef`: what follows `ADD CONSTRAINT name`. */
  definition: string;
}

/** A named object of a table whose whole statement is its identity: an index or a trigger. */
export interface NormalizedStatement {
  name: string;
  /** `CREATE … INDEX` / `CREATE TRIGGER`, the table unqualified. */
  definition: string;
}

/** A table and everything on it. */
export interface NormalizedTable {
  name: string;
  columns: NormalizedColumn[];
  constraints: NormalizedConstraint[];
  /** Indexes of their own (those backing a constraint come with the constraint). */
  indexes: NormalizedStatement[];
  triggers: NormalizedStatement[];
}

/**
 * One schema in the terms `generate` and `check` compare: names unqualified, definitions as
 * PostgreSQL prints them, so a model's DDL and a migrated database's agree when they mean the same.
 */
export interface NormalizedSchema {
  enums: CatalogEnum[];
  tables: NormalizedTable[];
}

/** The kinds of constraints compared (PostgreSQL 18's NOT NULL rows are the columns' nullability). */
const COMPARED_CONSTRAINTS = new Set<CatalogConstraint['type']>([
  ConstraintType.primaryKey,
  ConstraintType.unique,
  ConstraintType.foreignKey,
  ConstraintType.check,
  ConstraintType.exclusion,
]);

/** Drops `schema.` from the table in `CREATE INDEX … ON schema.t` / `CREATE TRIGGER … ON schema.t`. */
function unqualified(definition: string, schema: string): string {
  return definition.replace(` ON ${schema}.`, ' ON ').replace(` ON ONLY ${schema}.`, ' ON ONLY ');
}

/** Reduces a catalog snapshot of `schema` to what the comparison needs. */
export function normalizeSnapshot(snapshot: SchemaSnapshot, schema: string): NormalizedSchema {
  return {
    enums: snapshot.enums,
    tables: snapshot.tables.map((table) => ({
      name: table.name,
      columns: table.columns.map((column) => ({
        name: column.name,
        type: column.type,
        isNullable: column.isNullable,
        default: column.default,
        identity: column.identityGeneration,
      })),
      constraints: snapshot.constraints
        .filter((constraint) => constraint.table === table.name)
        .filter((constraint) => COMPARED_CONSTRAINTS.has(constraint.type))
        .map(({ name, type, columns, definition }) => ({ name, type, columns, definition })),
      indexes: snapshot.indexes
        .filter((index) => index.table === table.name && index.constraintName === null)
        .map((index) => ({ name: index.name, definition: unqualified(index.definition, schema) })),
      triggers: snapshot.triggers
        .filter((trigger) => trigger.table === table.name)
        .map((trigger) => ({
          name: trigger.name,
          definition: unqualified(trigger.definition, schema),
        })),
    })),
  };
}

/**
 * Reads `schema` as seen with `searchPath`, inside the caller's transaction: what is visible on
 * the path prints unqualified, so two schemas read each with itself first compare name for name.
 */
export async function readNormalizedSchema(
  client: pg.ClientBase,
  schema: string,
  searchPath: readonly string[] = [schema],
): Promise<NormalizedSchema> {
  await setLocalSearchPath(client, searchPath);
  return normalizeSnapshot(await readCatalog(client, schema), schema);
}

/** Sets the search_path until the end of the current transaction. */
export async function setLocalSearchPath(
  client: pg.ClientBase,
  searchPath: readonly string[],
): Promise<void> {
  await client.query(`SELECT set_config('search_path', $1, true)`, [
    searchPath.map((name) => `"${name}"`).join(', '),
  ]);
}

/** The table named `name` of `schema`, if there is one. */
export function tableNamed(schema: NormalizedSchema, name: string): NormalizedTable | undefined {
  return schema.tables.find((table) => table.name === name);
}
