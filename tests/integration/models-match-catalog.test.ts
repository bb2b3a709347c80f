import { Utils, type IndexesOptions, type Model, type ModelStatic } from 'sequelize';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Database } from '../../db/connection';
import type { Models } from '../../db/models';
import {
  ConstraintType,
  readCatalog,
  requireTable,
  type CatalogColumn,
  type SchemaSnapshot,
} from '../support/catalog';
import { createMigratedDatabase, type TestDatabase } from '../support/test-database';

// The Sequelize models describe the tables the migrations create; nothing generates one from the
// other, so this compares them both ways and fails on drift in either direction.

/** Every model of initModels; a model added there but not here fails the first test. */
const modelNames = [
  'User',
  'Course',
  'Lesson',
  'Quiz',
  'Enrollment',
  'LessonProgress',
  'QuizAttempt',
  'AuditEntry',
] as const satisfies readonly (keyof Models)[];

/** The migrator's ledger, which no model describes. */
const LEDGER_TABLE = 'schema_migrations';

/** The column type each Sequelize type stands for (information_schema's data_type). */
const columnTypeOfSequelizeType: Record<string, string> = {
  UUID: 'uuid',
  TEXT: 'text',
  INTEGER: 'integer',
  BIGINT: 'bigint',
  BOOLEAN: 'boolean',
  DATE: 'timestamp with time zone',
  JSONB: 'jsonb',
  INET: 'inet',
  DECIMAL: 'numeric',
  ARRAY: 'ARRAY',
};

type Attribute = ReturnType<ModelStatic<Model>['getAttributes']>[string];

/** An attribute's column name (the models are `underscored`, so `field` is always set). */
function columnOf(name: string, attribute: Attribute): string {
  return attribute.field ?? name;
}

/** The attributes of `model` as [column, attribute] pairs, in declaration order. */
function columnsOf(model: ModelStatic<Model>): [string, Attribute][] {
  return Object.entries(model.getAttributes()).map(([name, attribute]) => [
    columnOf(name, attribute),
    attribute,
  ]);
}

/** What the model says a column's type is, in the catalog's words; enums by their values. */
function modelTypeOf(attribute: Attribute): string {
  const type: unknown = attribute.type;
  if (typeof type !== 'object' || type === null || !('key' in type)) {
    return `unrecognized Sequelize type ${String(type)}`;
  }
  const key = String(type.key);
  if (key === 'ENUM' && 'values' in type && Array.isArray(type.values)) {
    return `enum (${type.values.join(', ')})`;
  }
  return columnTypeOfSequelizeType[key] ?? `unmapped Sequelize type ${key}`;
}

/** A column's type as the catalog has it; an enum by its values, so the two sides compare. */
function catalogTypeOf(catalog: SchemaSnapshot, column: CatalogColumn): string {
  if (column.dataType !== 'USER-DEFINED') return column.dataType;
  const enumType = catalog.enums.find((candidate) => candidate.name === column.udtName);
  return enumType ? `enum (${enumType.values.join(', ')})` : `user-defined ${column.udtName}`;
}

/** The model's default for a column, when it has one: a literal is SQL, anything else a value. */
function modelDefaultOf(
  attribute: Attribute,
): { kind: 'sql'; sql: string } | { kind: 'value'; value: unknown } | undefined {
  const value: unknown = attribute.defaultValue;
  if (value === undefined) return undefined;
  if (value instanceof Utils.Literal) return { kind: 'sql', sql: String(value.val) };
  return { kind: 'value', value };
}

/** The table a `references` option points at: a table name, or a model whose table it is. */
function referencedTableOf(attribute: Attribute): string | undefined {
  const references = attribute.references;
  if (references === undefined || typeof references === 'string') return references;
  const target: unknown = references.model;
  if (typeof target === 'string') return target;
  // A model class: Sequelize's static `tableName` names its table.
  if (typeof target === 'function' && 'tableName' in target) return String(target.tableName);
  if (typeof target === 'object' && target !== null && 'tableName' in target) {
    return String(target.tableName);
  }
  return undefined;
}

/** The name of the unique constraint an attribute belongs to (Sequelize's own for `unique: true`). */
function uniqueNameOf(table: string, column: string, attribute: Attribute): string | undefined {
  const unique: unknown = attribute.unique;
  if (typeof unique === 'string') return unique;
  if (typeof unique === 'object' && unique !== null && 'name' in unique) {
    return String(unique.name);
  }
  return unique === true ? `${table}_${column}_unique` : undefined;
}

/** The model's named unique keys, each with its columns in declaration order. */
function modelUniqueKeysOf(model: ModelStatic<Model>): Map<string, string[]> {
  const keys = new Map<string, string[]>();
  for (const [column, attribute] of columnsOf(model)) {
    const name = uniqueNameOf(model.tableName, column, attribute);
    if (name !== undefined) keys.set(name, [...(keys.get(name) ?? []), column]);
  }
  return keys;
}

/** An index as a model declares it, in the catalog's terms. */
function describeModelIndex(index: IndexesOptions) {
  const keys = (index.fields ?? []).map((field) => {
    if (typeof field === 'string') return { column: field, operatorClass: null, order: 'ASC' };
    // An expression (`literal("(options ->> 'type')")`): the catalog has no column name for it.
    if (field instanceof Utils.Literal || field instanceof Utils.Fn) {
      return { column: null, operatorClass: null, order: 'ASC' };
    }
    return {
      column: field.name,
      operatorClass: field.operator ?? null,
      order: field.order ?? 'ASC',
    };
  });
  return {
    name: index.name,
    columns: keys.map((key) => key.column),
    operatorClasses: keys.map((key) => key.operatorClass),
    orders: keys.map((key) => key.order),
    isUnique: index.unique === true,
    method: (index.using ?? 'btree').toLowerCase(),
    isPartial: index.where !== undefined,
  };
}

describe('the Sequelize models match the live catalog', () => {
  let database: TestDatabase | undefined;
  let db: Database | undefined;
  let catalog: SchemaSnapshot;

  beforeAll(async () => {
    database = await createMigratedDatabase();
    const opened = await Database.open(database.url);
    db = opened;
    catalog = await opened.withRawClient((client) => readCatalog(client));
  });

  afterAll(async () => {
    await db?.close();
    await database?.drop();
  });

  function modelNamed(name: keyof Models): ModelStatic<Model> {
    if (!db) throw new Error('The database is not open (see beforeAll).');
    return db.models[name];
  }

  it('covers every model initModels defines', () => {
    expect(Object.keys(db?.models ?? {}).sort()).toEqual([...modelNames].sort());
  });

  it('has a model for every table but the migration ledger', () => {
    const modelled = modelNames.map((name) => modelNamed(name).tableName);
    const tables = catalog.tables
      .map((table) => table.name)
      .filter((name) => name !== LEDGER_TABLE);
    expect(modelled.sort()).toEqual(tables.sort());
  });

  describe.each(modelNames)('%s', (name) => {
    const model = (): ModelStatic<Model> => modelNamed(name);
    const table = () => requireTable(catalog, model().tableName);
    const catalogColumn = (column: string): CatalogColumn | undefined =>
      table().columns.find((candidate) => candidate.name === column);

    it('has exactly the columns of its table', () => {
      const modelColumns = columnsOf(model()).map(([column]) => column);
      expect(modelColumns.sort()).toEqual(
        table()
          .columns.map((column) => column.name)
          .sort(),
      );
    });

    it("gives each attribute its column's type", () => {
      const modelTypes = columnsOf(model()).map(
        ([column, attribute]) => `${column}: ${modelTypeOf(attribute)}`,
      );
      const catalogTypes = columnsOf(model()).map(([column]) => {
        const found = catalogColumn(column);
        return `${column}: ${found ? catalogTypeOf(catalog, found) : 'no such column'}`;
      });
      expect(modelTypes).toEqual(catalogTypes);
    });

    it("gives each attribute its column's nullability", () => {
      const modelNullable = columnsOf(model()).map(
        ([column, attribute]) =>
          `${column}: ${attribute.allowNull === false ? 'NOT NULL' : 'NULL'}`,
      );
      const catalogNullable = columnsOf(model()).map(
        ([column]) =>
          `${column}: ${catalogColumn(column)?.isNullable === false ? 'NOT NULL' : 'NULL'}`,
      );
      expect(modelNullable).toEqual(catalogNullable);
    });

    it('declares a default exactly where the database has one', () => {
      const withDefault = (hasDefault: boolean) => (hasDefault ? 'default' : 'no default');
      const modelDefaults = columnsOf(model()).map(
        ([column, attribute]) =>
          `${column}: ${withDefault(modelDefaultOf(attribute) !== undefined)}`,
      );
      const catalogDefaults = columnsOf(model()).map(
        ([column]) => `${column}: ${withDefault(Boolean(catalogColumn(column)?.default))}`,
      );
      expect(modelDefaults).toEqual(catalogDefaults);
    });

    it("declares defaults equal to the database's", async () => {
      if (!db) throw new Error('The database is not open (see beforeAll).');
      const mismatches: string[] = [];
      for (const [column, attribute] of columnsOf(model())) {
        const modelDefault = modelDefaultOf(attribute);
        const found = catalogColumn(column);
        if (!modelDefault || !found?.default) continue;
        if (modelDefault.kind === 'sql') {
          if (modelDefault.sql !== found.default) {
            mismatches.push(`${column}: model ${modelDefault.sql}, database ${found.default}`);
          }
          continue;
        }
        // Let PostgreSQL evaluate its own default and compare it with the model's value, cast to
        // the column's type: '{}'::jsonb against {}, 'active'::enrollment_status against 'active'.
        const castTo = found.dataType === 'USER-DEFINED' ? found.udtName : found.dataType;
        const value =
          typeof modelDefault.value === 'object'
            ? JSON.stringify(modelDefault.value)
            : String(modelDefault.value);
        const isSame = await db.withRawClient(async (client) => {
          const { rows } = await client.query<{ same: boolean }>(
            `SELECT (${found.default}) IS NOT DISTINCT FROM $1::${castTo} AS same`,
            [value],
          );
          return rows[0]?.same === true;
        });
        if (!isSame) mismatches.push(`${column}: model ${value}, database ${found.default}`);
      }
      expect(mismatches).toEqual([]);
    });

    it("has its table's primary key", () => {
      const modelKey = columnsOf(model())
        .filter(([, attribute]) => attribute.primaryKey === true)
        .map(([column]) => column);
      const catalogKey = catalog.constraints.find(
        (constraint) =>
          constraint.table === model().tableName && constraint.type === ConstraintType.primaryKey,
      )?.columns;
      expect(modelKey).toEqual(catalogKey);
    });

    it("declares its table's foreign keys, each with the same target, key and ON DELETE", () => {
      const modelKeys = columnsOf(model())
        .filter(([, attribute]) => attribute.references !== undefined)
        .map(([column, attribute]) => ({
          column,
          references: referencedTableOf(attribute),
          key: typeof attribute.references === 'object' ? attribute.references.key : undefined,
          onDelete: attribute.onDelete?.toUpperCase(),
        }));
      const catalogKeys = catalog.constraints
        .filter(
          (constraint) =>
            constraint.table === model().tableName && constraint.type === ConstraintType.foreignKey,
        )
        .map((constraint) => ({
          column: constraint.columns.join(),
          references: constraint.foreignTable ?? undefined,
          key: constraint.foreignColumns.join(),
          onDelete: constraint.onDelete ?? undefined,
        }));
      const byColumn = (a: { column: string }, b: { column: string }) =>
        a.column.localeCompare(b.column);
      expect(modelKeys.sort(byColumn)).toEqual(catalogKeys.sort(byColumn));
    });

    it("declares each foreign key's ON UPDATE as the database has it", () => {
      const modelRules = columnsOf(model())
        .filter(([, attribute]) => attribute.references !== undefined)
        .map(
          ([column, attribute]) => `${column}: ${attribute.onUpdate?.toUpperCase() ?? 'NO ACTION'}`,
        )
        .sort();
      const catalogRules = catalog.constraints
        .filter(
          (constraint) =>
            constraint.table === model().tableName && constraint.type === ConstraintType.foreignKey,
        )
        .map((constraint) => `${constraint.columns.join()}: ${constraint.onUpdate}`)
        .sort();
      expect(modelRules).toEqual(catalogRules);
    });

    it('declares only indexes that exist: same columns, operator classes, order, uniqueness, method, predicate', () => {
      const modelIndexes = (model().options.indexes ?? []).map(describeModelIndex);
      const catalogIndexes = modelIndexes.map(({ name }) => {
        const index = catalog.indexes.find(
          (candidate) => candidate.table === model().tableName && candidate.name === name,
        );
        return index
          ? {
              name,
              columns: index.columns,
              operatorClasses: index.operatorClasses,
              orders: index.orders,
              isUnique: index.isUnique,
              method: index.method,
              isPartial: index.predicate !== null,
            }
          : { name, missing: true };
      });
      expect(modelIndexes).toEqual(catalogIndexes);
    });

    it('declares only unique keys that exist as unique constraints on the same columns', () => {
      const modelKeys = [...modelUniqueKeysOf(model())].map(([name, columns]) => ({
        name,
        columns,
      }));
      const catalogKeys = modelKeys.map(({ name }) => {
        const constraint = catalog.constraints.find(
          (candidate) =>
            candidate.table === model().tableName &&
            candidate.name === name &&
            candidate.type === ConstraintType.unique,
        );
        return { name, columns: constraint?.columns ?? 'no such unique constraint' };
      });
      expect(modelKeys).toEqual(catalogKeys);
    });

    it('declares every index and unique constraint of its table (the primary key aside)', () => {
      const declared = new Set([
        ...(model().options.indexes ?? []).map((index) => index.name),
        ...modelUniqueKeysOf(model()).keys(),
      ]);
      const undeclared = [
        ...catalog.indexes
          .filter((index) => index.table === model().tableName && !index.isPrimary)
          .map((index) => index.constraintName ?? index.name),
        ...catalog.constraints
          .filter(
            (constraint) =>
              constraint.table === model().tableName &&
              (constraint.type === ConstraintType.unique ||
                constraint.type === ConstraintType.exclusion),
          )
          .map((constraint) => constraint.name),
      ].filter((name) => !declared.has(name));
      expect([...new Set(undeclared)]).toEqual([]);
    });
  });
});
