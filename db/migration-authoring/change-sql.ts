import type { NormalizedColumn, NormalizedConstraint } from './normalized-schema';
import type { SchemaChange } from './schema-diff';
import { quoteIdentifier as id, quoteLiteral } from './sql-text';

/** A note for the person reviewing a generated migration. */
export interface ReviewNote {
  /** Must be resolved before the migration may run (the file carries REVIEW_REQUIRED_MARKER). */
  isBlocking: boolean;
  message: string;
}

/** The SQL of one change, and what a person should know about it. */
export interface RenderedChange {
  statements: string[];
  notes: ReviewNote[];
}

function columnDefinition(column: NormalizedColumn): string {
  return (
    `${id(column.name)} ${column.type}` +
    (column.isNullable ? '' : ' NOT NULL') +
    (column.default === null ? '' : ` DEFAULT ${column.default}`) +
    (column.identity === null ? '' : ` GENERATED ${column.identity} AS IDENTITY`)
  );
}

function addConstraint(table: string, constraint: NormalizedConstraint): string {
  return `ALTER TABLE ${id(table)} ADD CONSTRAINT ${id(constraint.name)} ${constraint.definition}`;
}

function dropConstraint(table: string, constraint: { name: string }): string {
  return `ALTER TABLE ${id(table)} DROP CONSTRAINT ${id(constraint.name)}`;
}

function alterColumn(table: string, column: string, action: string): string {
  return `ALTER TABLE ${id(table)} ALTER COLUMN ${id(column)} ${action}`;
}

function createEnum(name: string, values: readonly string[]): string {
  return `CREATE TYPE ${id(name)} AS ENUM (${values.map(quoteLiteral).join(', ')})`;
}

/** The statements that carry out `change`, with notes where a person has to decide something. */
export function renderChange(change: SchemaChange): RenderedChange {
  const note = (message: string, isBlocking = false): ReviewNote => ({ isBlocking, message });
  switch (change.kind) {
    case 'create-enum':
      return { statements: [createEnum(change.enum.name, change.enum.values)], notes: [] };
    case 'drop-enum':
      return { statements: [`DROP TYPE ${id(change.enum.name)}`], notes: [] };
    case 'add-enum-value': {
      const position =
        change.after !== null
          ? ` AFTER ${quoteLiteral(change.after)}`
          : change.before !== null
            ? ` BEFORE ${quoteLiteral(change.before)}`
            : '';
      return {
        statements: [
          `ALTER TYPE ${id(change.enum)} ADD VALUE ${quoteLiteral(change.value)}${position}`,
        ],
        notes: [],
      };
    }
    case 'recreate-enum': {
      // PostgreSQL can add enum values but not remove or reorder them: build the type anew,
      // move every column over through text, and rebuild what compares with its values.
      const previous = `${change.from.name}__previous`;
      const statements = [
        `ALTER TYPE ${id(change.from.name)} RENAME TO ${id(previous)}`,
        createEnum(change.to.name, change.to.values),
      ];
      for (const usage of change.usages) {
        for (const constraint of usage.constraints)
          statements.push(dropConstraint(usage.table, constraint));
        for (const index of usage.indexes) statements.push(`DROP INDEX ${id(index.name)}`);
        for (const column of usage.columns) {
          if (column.default !== null)
            statements.push(alterColumn(usage.table, column.name, 'DROP DEFAULT'));
          statements.push(
            alterColumn(
              usage.table,
              column.name,
              `TYPE ${id(change.to.name)} USING ${id(column.name)}::text::${id(change.to.name)}`,
            ),
          );
          if (column.default !== null) {
            statements.push(alterColumn(usage.table, column.name, `SET DEFAULT ${column.default}`));
          }
        }
        for (const constraint of usage.constraints)
          statements.push(addConstraint(usage.table, constraint));
        for (const index of usage.indexes) statements.push(index.definition);
      }
      statements.push(`DROP TYPE ${id(previous)}`);
      const removed = change.from.values.filter((value) => !change.to.values.includes(value));
      return {
        statements,
        notes:
          removed.length === 0
            ? [note(`enum ${change.to.name} is rebuilt to reorder its values.`)]
            : [
                note(
                  `enum ${change.to.name} loses ${removed.map(quoteLiteral).join(', ')}: rows holding ${
                    removed.length === 1 ? 'it' : 'them'
                  } make the type change fail (and the migration roll back). Decide what they become first, e.g. UPDATE … SET column = 'other' WHERE column = ${quoteLiteral(removed[0] ?? '')}.`,
                ),
              ],
      };
    }
    case 'create-table': {
      const lines = [
        ...change.table.columns.map(columnDefinition),
        ...change.table.constraints
          .filter((constraint) => constraint.type !== 'FOREIGN KEY')
          .map((constraint) => `CONSTRAINT ${id(constraint.name)} ${constraint.definition}`),
      ];
      return {
        statements: [`CREATE TABLE ${id(change.table.name)} (\n  ${lines.join(',\n  ')}\n)`],
        notes: [],
      };
    }
    case 'drop-table':
      return { statements: [`DROP TABLE ${id(change.table.name)}`], notes: [] };
    case 'add-column':
      return {
        statements: [
          `ALTER TABLE ${id(change.table)} ADD COLUMN ${columnDefinition(change.column)}`,
        ],
        notes:
          !change.column.isNullable && change.column.default === null
            ? [
                note(
                  `${change.table}.${change.column.name} is NOT NULL without a default: adding it fails while ${change.table} has rows. Give it a default, or add it nullable, fill it, then SET NOT NULL.`,
                ),
              ]
            : [],
      };
    case 'drop-column':
      return {
        statements: [`ALTER TABLE ${id(change.table)} DROP COLUMN ${id(change.column.name)}`],
        notes: [],
      };
    case 'alter-column': {
      const { table, from, to } = change;
      const statements: string[] = [];
      const notes: ReviewNote[] = [];
      const isTypeChange = from.type !== to.type;
      if (isTypeChange) {
        const cast = change.isEnumCast ? `::text::${to.type}` : `::${to.type}`;
        if (from.default !== null) statements.push(alterColumn(table, from.name, 'DROP DEFAULT'));
        statements.push(
          alterColumn(table, from.name, `TYPE ${to.type} USING ${id(from.name)}${cast}`),
        );
        notes.push(
          note(
            `${table}.${from.name} changes type from ${from.type} to ${to.type} through a plain cast: check that every value converts as intended.`,
          ),
        );
      }
      if (to.default !== null && (isTypeChange || to.default !== from.default)) {
        statements.push(alterColumn(table, from.name, `SET DEFAULT ${to.default}`));
      } else if (to.default === null && from.default !== null && !isTypeChange) {
        statements.push(alterColumn(table, from.name, 'DROP DEFAULT'));
      }
      if (from.identity !== to.identity) {
        statements.push(
          alterColumn(
            table,
            from.name,
            to.identity === null
              ? 'DROP IDENTITY'
              : from.identity === null
                ? `ADD GENERATED ${to.identity} AS IDENTITY`
                : `SET GENERATED ${to.identity}`,
          ),
        );
      }
      if (from.isNullable !== to.isNullable) {
        statements.push(
          alterColumn(table, from.name, to.isNullable ? 'DROP NOT NULL' : 'SET NOT NULL'),
        );
      }
      return { statements, notes };
    }
    case 'add-constraint':
      return { statements: [addConstraint(change.table, change.constraint)], notes: [] };
    case 'drop-constraint':
      return {
        statements: [dropConstraint(change.table, change.constraint)],
        // No model option or table rule declares an exclusion constraint: dropping it is a guess.
        notes:
          change.constraint.type === 'EXCLUSION'
            ? [
                note(
                  `${change.table}.${change.constraint.name} is an exclusion constraint, which models can't declare: remove its DROP to keep it.`,
                  true,
                ),
              ]
            : [],
      };
    case 'add-index':
      return { statements: [change.index.definition], notes: [] };
    case 'drop-index':
      return { statements: [`DROP INDEX ${id(change.index.name)}`], notes: [] };
    case 'add-trigger':
      return { statements: [change.trigger.definition], notes: [] };
    case 'drop-trigger':
      return {
        statements: [`DROP TRIGGER ${id(change.trigger.name)} ON ${id(change.table)}`],
        notes: [],
      };
  }
}

/** One change in words, for `migrate check` and the app's drift view: `+` is what the models add. */
export function describeChange(change: SchemaChange): string {
  const column = (c: NormalizedColumn) =>
    `${c.type}${c.isNullable ? ' NULL' : ' NOT NULL'}${c.default === null ? '' : ` DEFAULT ${c.default}`}` +
    (c.identity === null ? '' : ` GENERATED ${c.identity} AS IDENTITY`);
  switch (change.kind) {
    case 'create-enum':
      return `+ enum ${change.enum.name} (${change.enum.values.join(', ')})`;
    case 'drop-enum':
      return `- enum ${change.enum.name} (${change.enum.values.join(', ')})`;
    case 'add-enum-value':
      return `+ enum value ${change.enum}.${change.value}`;
    case 'recreate-enum':
      return `~ enum ${change.to.name}: (${change.from.values.join(', ')}) → (${change.to.values.join(', ')})`;
    case 'create-table':
      return `+ table ${change.table.name} (${change.table.columns.map((c) => c.name).join(', ')})`;
    case 'drop-table':
      return `- table ${change.table.name}`;
    case 'add-column':
      return `+ column ${change.table}.${change.column.name} ${column(change.column)}`;
    case 'drop-column':
      return `- column ${change.table}.${change.column.name} ${column(change.column)}`;
    case 'alter-column':
      return `~ column ${change.table}.${change.from.name}: ${column(change.from)} → ${column(change.to)}`;
    case 'add-constraint':
      return `+ constraint ${change.table}.${change.constraint.name}: ${change.constraint.definition}`;
    case 'drop-constraint':
      return `- constraint ${change.table}.${change.constraint.name}: ${change.constraint.definition}`;
    case 'add-index':
      return `+ index ${change.index.definition}`;
    case 'drop-index':
      return `- index ${change.index.definition}`;
    case 'add-trigger':
      return `+ trigger ${change.trigger.definition}`;
    case 'drop-trigger':
      return `- trigger ${change.trigger.definition}`;
  }
}
