import {
  DataTypes,
  Sequelize,
  Utils,
  type IndexesOptions,
  type Model,
  type ModelStatic,
} from 'sequelize';
import type { TableRules } from '../models/table-rules';
import { UserFacingError } from '../user-facing-error';
import { conventionsFor, type AuditFunctions } from './conventions';
import { quoteIdentifier } from './sql-text';

/** What the models say the schema is: the models, the enum types, and what model options can't say. */
export interface ModelSchemaSource {
  /** Defines every model (and association) on `sequelize`; its models are read from `sequelize.models`. */
  defineModels(sequelize: Sequelize): unknown;
  /** Every enum type by name, values in order; a column's enum is the one with its values. */
  enums: Readonly<Record<string, readonly string[]>>;
  /** Per table, its CHECKs and deferrable unique keys. */
  tableRules: Readonly<Record<string, TableRules>>;
}

/** The statements that build the models' schema in an empty schema, and the tables they describe. */
export interface ModelSchemaSql {
  statements: string[];
  tables: string[];
}

type Attribute = ReturnType<ModelStatic<Model>['getAttributes']>[string];

/** The models' definition error, naming the model and attribute and what to do. */
function modelError(table: string, message: string): UserFacingError {
  return new UserFacingError(`Model of table "${table}": ${message}`);
}

/** The Sequelize type key (`UUID`, `ENUM`, `VIRTUAL`…) of an attribute. */
function typeKeyOf(attribute: Attribute): string {
  const type: unknown = attribute.type;
  return typeof type === 'object' && type !== null && 'key' in type ? String(type.key) : '';
}

/** The column type of an attribute as DDL writes it; an enum by the name of the type with its values. */
function columnTypeOf(
  table: string,
  column: string,
  attribute: Attribute,
  enums: ModelSchemaSource['enums'],
): string {
  const type = attribute.type as unknown as { values?: unknown; toSql?: () => string };
  if (typeKeyOf(attribute) === 'ENUM') {
    const values = Array.isArray(type.values) ? type.values.map(String) : [];
    const matches = Object.entries(enums).filter(
      ([, candidate]) =>
        candidate.length === values.length && candidate.every((value, i) => value === values[i]),
    );
    if (matches.length !== 1) {
      throw modelError(
        table,
        `column ${column} is ENUM(${values.join(', ')}), which ${
          matches.length === 0
            ? 'no enum type declares: add it to enumTypeNames (db/models/enums.ts)'
            : `several enum types declare (${matches.map(([name]) => name).join(', ')}): keep one`
        }.`,
      );
    }
    return quoteIdentifier(matches[0]?.[0] ?? '');
  }
  if (typeof type.toSql !== 'function') {
    throw modelError(table, `column ${column} has a type Sequelize can't write as SQL.`);
  }
  return type.toSql();
}

/** The DEFAULT clause of an attribute, or '' for none. */
function defaultClauseOf(
  sequelize: Sequelize,
  table: string,
  column: string,
  attribute: Attribute,
): string {
  const value: unknown = attribute.defaultValue;
  if (value === undefined) return '';
  if (value instanceof Utils.Literal) return ` DEFAULT ${String(value.val)}`;
  if (value instanceof DataTypes.NOW || value === DataTypes.NOW) return ' DEFAULT now()';
  if (typeof value === 'boolean' || typeof value === 'number') return ` DEFAULT ${String(value)}`;
  if (typeof value === 'string') return ` DEFAULT ${sequelize.escape(value)}`;
  if (value === null) return ' DEFAULT NULL';
  if (typeof value === 'object' && ['JSON', 'JSONB'].includes(typeKeyOf(attribute))) {
    return ` DEFAULT ${sequelize.escape(JSON.stringify(value))}`;
  }
  throw modelError(
    table,
    `column ${column} has a default ${JSON.stringify(value)} that can't be written as SQL: use literal('…').`,
  );
}

/** The table a `references` option points at: a table name, or a model whose table it is. */
function referencedTableOf(attribute: Attribute): string | undefined {
  const references = attribute.references;
  if (references === undefined || typeof references === 'string') return references;
  const target: unknown = references.model;
  if (typeof target === 'string') return target;
  if ((typeof target === 'function' || typeof target === 'object') && target !== null) {
    if ('tableName' in target) return String(target.tableName);
  }
  return undefined;
}

/** The name of the unique key an attribute belongs to; PostgreSQL's own naming for `unique: true`. */
function uniqueNameOf(table: string, column: string, attribute: Attribute): string | undefined {
  const unique: unknown = attribute.unique;
  if (typeof unique === 'string') return unique;
  if (typeof unique === 'object' && unique !== null && 'name' in unique) return String(unique.name);
  return unique === true ? `${table}_${column}_key` : undefined;
}

const REFERENTIAL_ACTIONS = ['CASCADE', 'RESTRICT', 'SET NULL', 'SET DEFAULT', 'NO ACTION'];

function referentialAction(table: string, column: string, rule: string | undefined): string {
  const action = (rule ?? 'NO ACTION').toUpperCase();
  if (!REFERENTIAL_ACTIONS.includes(action)) {
    throw modelError(table, `column ${column} has an unknown referential action "${rule}".`);
  }
  return action;
}

/** The columns of a model that are columns of its table, as [column, attribute]. */
function columnsOf(model: ModelStatic<Model>): [string, Attribute][] {
  return Object.entries(model.getAttributes())
    .filter(([, attribute]) => typeKeyOf(attribute) !== 'VIRTUAL')
    .map(([name, attribute]) => [attribute.field ?? name, attribute]);
}

/** The statements of one model's table: its CREATE TABLE, foreign keys, indexes and triggers. */
function tableSql(
  sequelize: Sequelize,
  model: ModelStatic<Model>,
  source: ModelSchemaSource,
  audit: AuditFunctions,
): { create: string; foreignKeys: string[]; indexes: string[]; triggers: string[] } {
  const table = model.tableName;
  const rules = source.tableRules[table] ?? {};
  const columns = columnsOf(model);
  const definitions = columns.map(
    ([column, attribute]) =>
      `${quoteIdentifier(column)} ${columnTypeOf(table, column, attribute, source.enums)}` +
      (attribute.allowNull === false || attribute.primaryKey === true ? ' NOT NULL' : '') +
      defaultClauseOf(sequelize, table, column, attribute) +
      // The database numbers the rows; nothing the app writes can take a number out of turn.
      (attribute.autoIncrement === true ? ' GENERATED ALWAYS AS IDENTITY' : ''),
  );
  const primaryKey = columns.filter(([, attribute]) => attribute.primaryKey === true);
  if (primaryKey.length > 0) {
    definitions.push(
      `CONSTRAINT ${quoteIdentifier(`${table}_pkey`)} PRIMARY KEY (${primaryKey
        .map(([column]) => quoteIdentifier(column))
        .join(', ')})`,
    );
  }
  const uniques = new Map<string, string[]>();
  for (const [column, attribute] of columns) {
    const name = uniqueNameOf(table, column, attribute);
    if (name !== undefined) uniques.set(name, [...(uniques.get(name) ?? []), column]);
  }
  for (const name of rules.deferrableUniques ?? []) {
    if (!uniques.has(name)) {
      throw modelError(
        table,
        `deferrableUniques names "${name}", which no attribute's unique has.`,
      );
    }
  }
  for (const [name, keyColumns] of uniques) {
    const deferrable = rules.deferrableUniques?.includes(name) ? ' DEFERRABLE' : '';
    definitions.push(
      `CONSTRAINT ${quoteIdentifier(name)} UNIQUE (${keyColumns.map(quoteIdentifier).join(', ')})${deferrable}`,
    );
  }
  const conventions = conventionsFor(
    table,
    columns.map(([column]) => column),
    { audit, auditRedacted: rules.auditRedacted ?? [] },
  );
  for (const [name, condition] of Object.entries({ ...rules.checks, ...conventions.checks })) {
    definitions.push(`CONSTRAINT ${quoteIdentifier(name)} CHECK (${condition})`);
  }
  const foreignKeys = columns
    .filter(([, attribute]) => attribute.references !== undefined)
    .map(([column, attribute]) => {
      const target = referencedTableOf(attribute);
      const key = typeof attribute.references === 'object' ? attribute.references.key : 'id';
      if (target === undefined) {
        throw modelError(table, `column ${column} references something that isn't a table.`);
      }
      return (
        `ALTER TABLE ${quoteIdentifier(table)} ADD CONSTRAINT ${quoteIdentifier(`${table}_${column}_fkey`)} ` +
        `FOREIGN KEY (${quoteIdentifier(column)}) REFERENCES ${quoteIdentifier(target)} (${quoteIdentifier(key ?? 'id')}) ` +
        `ON DELETE ${referentialAction(table, column, attribute.onDelete)} ON UPDATE ${referentialAction(table, column, attribute.onUpdate)}`
      );
    });
  const queryGenerator = (
    sequelize.getQueryInterface() as unknown as {
      queryGenerator: { addIndexQuery(table: string, options: IndexesOptions): string };
    }
  ).queryGenerator;
  const indexes = (model.options.indexes ?? []).map((index) => {
    if (!index.name) throw modelError(table, 'every index needs a name (PostgreSQL keeps it).');
    return queryGenerator.addIndexQuery(table, { ...index });
  });
  return {
    create: `CREATE TABLE ${quoteIdentifier(table)} (\n  ${definitions.join(',\n  ')}\n)`,
    foreignKeys,
    indexes,
    triggers: [
      ...conventions.triggers,
      ...Object.entries(rules.triggers ?? {}).map(
        ([name, definition]) => `CREATE TRIGGER ${quoteIdentifier(name)} ${definition}`,
      ),
    ],
  };
}

/** The models of `source`, defined on a Sequelize instance of their own that never connects. */
export function modelsOf(source: ModelSchemaSource): {
  sequelize: Sequelize;
  models: ModelStatic<Model>[];
} {
  const sequelize = new Sequelize({ dialect: 'postgres', logging: false });
  source.defineModels(sequelize);
  const models = Object.values(sequelize.models).sort((a, b) =>
    a.tableName.localeCompare(b.tableName),
  );
  return { sequelize, models };
}

/**
 * The statements that create the models' schema (types, tables, keys, checks, indexes,
 * triggers; the audit triggers whose functions `audit` says exist) in an empty schema first on
 * the search_path. Run there, PostgreSQL puts the result in its own words, which is what makes
 * it comparable with a migrated database.
 */
export function modelSchemaSql(
  source: ModelSchemaSource,
  options: { audit: AuditFunctions },
): ModelSchemaSql {
  const { sequelize, models } = modelsOf(source);
  const tables = models.map((model) => model.tableName);
  for (const table of Object.keys(source.tableRules)) {
    if (!tables.includes(table)) {
      throw new UserFacingError(`tableRules names table "${table}", which no model has.`);
    }
  }
  const parts = models.map((model) => tableSql(sequelize, model, source, options.audit));
  const enums = Object.entries(source.enums).map(
    ([name, values]) =>
      `CREATE TYPE ${quoteIdentifier(name)} AS ENUM (${values.map((value) => sequelize.escape(value)).join(', ')})`,
  );
  return {
    statements: [
      ...enums,
      ...parts.map((part) => part.create),
      ...parts.flatMap((part) => part.foreignKeys),
      ...parts.flatMap((part) => part.indexes),
      ...parts.flatMap((part) => part.triggers),
    ],
    tables,
  };
}
