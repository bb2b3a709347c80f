import type { CatalogEnum } from './catalog';
import type {
  NormalizedColumn,
  NormalizedConstraint,
  NormalizedSchema,
  NormalizedStatement,
  NormalizedTable,
} from './normalized-schema';

/** Where an enum type is used, and what on that table must be rebuilt when the type is. */
export interface EnumUsage {
  table: string;
  columns: NormalizedColumn[];
  /** Constraints and indexes whose definition names the type (a cast of a value to it). */
  constraints: NormalizedConstraint[];
  indexes: NormalizedStatement[];
}

/** One difference between two schemas, as a step from the first towards the second. */
export type SchemaChange =
  | { kind: 'create-enum'; enum: CatalogEnum }
  | { kind: 'drop-enum'; enum: CatalogEnum }
  | {
      kind: 'add-enum-value';
      enum: string;
      value: string;
      after: string | null;
      before: string | null;
    }
  | { kind: 'recreate-enum'; from: CatalogEnum; to: CatalogEnum; usages: EnumUsage[] }
  | { kind: 'create-table'; table: NormalizedTable }
  | { kind: 'drop-table'; table: NormalizedTable }
  | { kind: 'add-column'; table: string; column: NormalizedColumn }
  | { kind: 'drop-column'; table: string; column: NormalizedColumn }
  | {
      kind: 'alter-column';
      table: string;
      from: NormalizedColumn;
      to: NormalizedColumn;
      isEnumCast: boolean;
    }
  | { kind: 'add-constraint'; table: string; constraint: NormalizedConstraint }
  | { kind: 'drop-constraint'; table: string; constraint: NormalizedConstraint }
  | { kind: 'add-index'; table: string; index: NormalizedStatement }
  | { kind: 'drop-index'; table: string; index: NormalizedStatement }
  | { kind: 'add-trigger'; table: string; trigger: NormalizedStatement }
  | { kind: 'drop-trigger'; table: string; trigger: NormalizedStatement };

function byName<T extends { name: string }>(items: readonly T[]): Map<string, T> {
  return new Map(items.map((item) => [item.name, item]));
}

/** Whether `values` keeps every one of `previous`, in the same order (so values need only be added). */
function isOrderedSuperset(previous: readonly string[], values: readonly string[]): boolean {
  let next = 0;
  for (const value of values) if (value === previous[next]) next += 1;
  return next === previous.length;
}

/** Added, removed and changed members of two named lists (changed: same name, other definition). */
function compareNamed<T extends { name: string }>(
  from: readonly T[],
  to: readonly T[],
  isSame: (a: T, b: T) => boolean,
): { added: T[]; removed: T[]; changed: { from: T; to: T }[] } {
  const fromByName = byName(from);
  const toByName = byName(to);
  const changed: { from: T; to: T }[] = [];
  for (const item of to) {
    const previous = fromByName.get(item.name);
    if (previous && !isSame(previous, item)) changed.push({ from: previous, to: item });
  }
  return {
    added: to.filter((item) => !fromByName.has(item.name)),
    removed: from.filter((item) => !toByName.has(item.name)),
    changed,
  };
}

const sameDefinition = (a: { definition: string }, b: { definition: string }): boolean =>
  a.definition === b.definition;

const sameColumn = (a: NormalizedColumn, b: NormalizedColumn): boolean =>
  a.type === b.type &&
  a.isNullable === b.isNullable &&
  a.default === b.default &&
  a.identity === b.identity;

const isForeignKey = (constraint: NormalizedConstraint): boolean =>
  constraint.type === 'FOREIGN KEY';

/** Whether `definition` names the type `name` (as a cast, `'x'::name`, or as a column type). */
function mentionsType(definition: string, name: string): boolean {
  return new RegExp(`::"?${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}"?\\b`).test(definition);
}

/**
 * The steps that turn schema `from` into schema `to`, in an order PostgreSQL accepts: what goes
 * first (triggers, indexes, keys, tables, columns), then types, tables, columns and what comes
 * with them, dropped types last. Both schemas hold only the tables and enums being compared.
 */
export function diffSchemas(from: NormalizedSchema, to: NormalizedSchema): SchemaChange[] {
  const tables = compareNamed(from.tables, to.tables, () => true);
  const toTables = byName(to.tables);
  const kept = from.tables.flatMap((table) => {
    const target = toTables.get(table.name);
    return target ? [{ from: table, to: target }] : [];
  });

  const drops: SchemaChange[] = [];
  const dropColumns: SchemaChange[] = [];
  const addColumns: SchemaChange[] = [];
  const alterColumns: SchemaChange[] = [];
  const addConstraints: SchemaChange[] = [];
  const addForeignKeys: SchemaChange[] = [];
  const addIndexes: SchemaChange[] = [];
  const addTriggers: SchemaChange[] = [];
  const droppedObjects = new Set<string>();
  const enumNames = new Set([...from.enums, ...to.enums].map((item) => item.name));

  const dropTriggers: SchemaChange[] = [];
  const dropIndexes: SchemaChange[] = [];
  const dropForeignKeys: SchemaChange[] = [];
  const dropConstraints: SchemaChange[] = [];
  for (const pair of kept) {
    const table = pair.to.name;
    const triggers = compareNamed(pair.from.triggers, pair.to.triggers, sameDefinition);
    for (const trigger of [...triggers.removed, ...triggers.changed.map((c) => c.from)]) {
      dropTriggers.push({ kind: 'drop-trigger', table, trigger });
    }
    for (const trigger of [...triggers.added, ...triggers.changed.map((c) => c.to)]) {
      addTriggers.push({ kind: 'add-trigger', table, trigger });
    }
    const indexes = compareNamed(pair.from.indexes, pair.to.indexes, sameDefinition);
    for (const index of [...indexes.removed, ...indexes.changed.map((c) => c.from)]) {
      dropIndexes.push({ kind: 'drop-index', table, index });
      droppedObjects.add(`${table}.${index.name}`);
    }
    for (const index of [...indexes.added, ...indexes.changed.map((c) => c.to)]) {
      addIndexes.push({ kind: 'add-index', table, index });
    }
    const constraints = compareNamed(pair.from.constraints, pair.to.constraints, sameDefinition);
    for (const constraint of [...constraints.removed, ...constraints.changed.map((c) => c.from)]) {
      (isForeignKey(constraint) ? dropForeignKeys : dropConstraints).push({
        kind: 'drop-constraint',
        table,
        constraint,
      });
      droppedObjects.add(`${table}.${constraint.name}`);
    }
    for (const constraint of [...constraints.added, ...constraints.changed.map((c) => c.to)]) {
      (isForeignKey(constraint) ? addForeignKeys : addConstraints).push({
        kind: 'add-constraint',
        table,
        constraint,
      });
    }
    const columns = compareNamed(pair.from.columns, pair.to.columns, sameColumn);
    for (const column of columns.removed) {
      dropColumns.push({ kind: 'drop-column', table, column });
      droppedObjects.add(`${table}.${column.name}`);
    }
    for (const column of columns.added) addColumns.push({ kind: 'add-column', table, column });
    for (const change of columns.changed) {
      alterColumns.push({
        kind: 'alter-column',
        table,
        from: change.from,
        to: change.to,
        isEnumCast: [change.from.type, change.to.type].some((type) =>
          enumNames.has(type.replace(/^"|"$/g, '')),
        ),
      });
    }
  }
  drops.push(...dropTriggers, ...dropIndexes, ...dropForeignKeys, ...dropConstraints);
  drops.push(...tables.removed.map((table): SchemaChange => ({ kind: 'drop-table', table })));

  const creates: SchemaChange[] = tables.added.map((table) => ({ kind: 'create-table', table }));
  for (const table of tables.added) {
    for (const constraint of table.constraints.filter(isForeignKey)) {
      addForeignKeys.push({ kind: 'add-constraint', table: table.name, constraint });
    }
    for (const index of table.indexes)
      addIndexes.push({ kind: 'add-index', table: table.name, index });
    for (const trigger of table.triggers) {
      addTriggers.push({ kind: 'add-trigger', table: table.name, trigger });
    }
  }

  const enums = compareNamed(
    from.enums,
    to.enums,
    (a, b) => a.values.join('\0') === b.values.join('\0'),
  );
  const enumChanges: SchemaChange[] = enums.added.map((item) => ({
    kind: 'create-enum',
    enum: item,
  }));
  for (const change of enums.changed) {
    if (isOrderedSuperset(change.from.values, change.to.values)) {
      change.to.values.forEach((value, index) => {
        if (change.from.values.includes(value)) return;
        // The nearest value before it that exists by now (kept, or added just before).
        const after = change.to.values[index - 1] ?? null;
        const before = after === null ? (change.to.values[index + 1] ?? null) : null;
        enumChanges.push({ kind: 'add-enum-value', enum: change.to.name, value, after, before });
      });
      continue;
    }
    const usages = kept.flatMap(({ from: table }): EnumUsage[] => {
      const columns = table.columns.filter(
        (column) =>
          column.type.replace(/^"|"$/g, '') === change.from.name &&
          !droppedObjects.has(`${table.name}.${column.name}`),
      );
      if (columns.length === 0) return [];
      const isKept = (name: string) => !droppedObjects.has(`${table.name}.${name}`);
      return [
        {
          table: table.name,
          columns,
          constraints: table.constraints.filter(
            (constraint) =>
              isKept(constraint.name) && mentionsType(constraint.definition, change.from.name),
          ),
          indexes: table.indexes.filter(
            (index) => isKept(index.name) && mentionsType(index.definition, change.from.name),
          ),
        },
      ];
    });
    enumChanges.push({ kind: 'recreate-enum', from: change.from, to: change.to, usages });
  }
  const dropEnums = enums.removed.map((item): SchemaChange => ({ kind: 'drop-enum', enum: item }));

  return [
    ...drops,
    ...dropColumns,
    ...enumChanges,
    ...creates,
    ...addColumns,
    ...alterColumns,
    ...addConstraints,
    ...addForeignKeys,
    ...addIndexes,
    ...addTriggers,
    ...dropEnums,
  ];
}
