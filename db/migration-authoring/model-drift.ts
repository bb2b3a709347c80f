import { randomBytes } from 'node:crypto';
import type pg from 'pg';
import { UserFacingError } from '../user-facing-error';
import { AUDIT_FUNCTION, AUDIT_TRUNCATE_FUNCTION } from './conventions';
import { describeChange, renderChange, type ReviewNote } from './change-sql';
import { modelSchemaSql, type ModelSchemaSource } from './model-schema';
import {
  readNormalizedSchema,
  setLocalSearchPath,
  type NormalizedSchema,
} from './normalized-schema';
import { diffSchemas, type SchemaChange } from './schema-diff';
import type { MigrationFolder } from '../migration-source';
import { generatedMigrationSource, type GeneratedDirection } from './migration-file';

/** The schema the app's tables live in. */
export const APP_SCHEMA = 'public';
/** Tables no model describes by design: the migrator's ledger. */
const LEDGER_TABLE = 'schema_migrations';

/** How the models and a database compare. */
export interface ModelComparison {
  /** The database's schema: the tables the comparison covers, and the enums. */
  database: NormalizedSchema;
  /** The models' schema, in PostgreSQL's own words. */
  models: NormalizedSchema;
  /** Tables of the database that no model describes (the ledger aside), left out of the comparison. */
  unmodelledTables: string[];
}

export interface CompareOptions {
  /** Counts tables without a model as meant to go (a model was removed), instead of leaving them out. */
  dropUnmodelled?: boolean;
}

/**
 * Compares the models with the database `client` reaches, changing nothing: the models' schema is
 * built in a schema of its own inside a transaction that is rolled back, read back from the
 * catalog, and set beside the database's own.
 */
export async function compareModels(
  client: pg.ClientBase,
  source: ModelSchemaSource,
  options: CompareOptions = {},
): Promise<ModelComparison> {
  const scratch = `lms_models_${randomBytes(6).toString('hex')}`;
  await client.query('BEGIN');
  try {
    const { rows } = await client.query<{ changes: boolean; truncate: boolean }>(
      'SELECT to_regproc($1) IS NOT NULL AS changes, to_regproc($2) IS NOT NULL AS truncate',
      [`${APP_SCHEMA}.${AUDIT_FUNCTION}`, `${APP_SCHEMA}.${AUDIT_TRUNCATE_FUNCTION}`],
    );
    const { statements, tables: modelled } = modelSchemaSql(source, {
      audit: { hasChanges: rows[0]?.changes === true, hasTruncate: rows[0]?.truncate === true },
    });
    const database = await readNormalizedSchema(client, APP_SCHEMA, [APP_SCHEMA]);
    try {
      await client.query(`CREATE SCHEMA ${scratch}`);
    } catch (error) {
      throw new UserFacingError(
        `Comparing builds the models' schema in a scratch schema (rolled back after), and this role can't create one: ${error instanceof Error ? error.message : String(error)}. Use a role with CREATE on the database.`,
        { cause: error },
      );
    }
    await setLocalSearchPath(client, [scratch, APP_SCHEMA]);
    for (const statement of statements) {
      try {
        await client.query(statement);
      } catch (error) {
        throw new UserFacingError(
          `The models don't make a valid schema: ${error instanceof Error ? error.message : String(error)}, in: ${statement.replace(/\s+/g, ' ')}`,
          { cause: error },
        );
      }
    }
    const models = await readNormalizedSchema(client, scratch, [scratch, APP_SCHEMA]);
    const unmodelled = database.tables
      .map((table) => table.name)
      .filter((name) => name !== LEDGER_TABLE && !modelled.includes(name));
    const inScope = new Set([...modelled, ...(options.dropUnmodelled ? unmodelled : [])]);
    const outOfScopeTypes = new Set(
      database.tables
        .filter((table) => !inScope.has(table.name))
        .flatMap((table) => table.columns.map((column) => column.type.replace(/^"|"$/g, ''))),
    );
    const modelEnums = new Set(models.enums.map((item) => item.name));
    return {
      database: {
        // An enum only unmodelled tables use is theirs: neither kept nor dropped from here.
        enums: database.enums.filter(
          (item) => modelEnums.has(item.name) || !outOfScopeTypes.has(item.name),
        ),
        tables: database.tables.filter((table) => inScope.has(table.name)),
      },
      models,
      unmodelledTables: options.dropUnmodelled ? [] : unmodelled,
    };
  } finally {
    await client.query('ROLLBACK');
  }
}

/** A migration from the database to the models, both ways, with what to review. */
export interface MigrationPlan {
  /** What the models change, in words (`+` the models add, `-` they remove, `~` they alter). */
  changes: string[];
  up: GeneratedDirection;
  down: GeneratedDirection;
}

/** Notes that need a person's decision no SQL can make: a drop and an add that may be a rename. */
function renameNotes(changes: readonly SchemaChange[]): ReviewNote[] {
  const notes: ReviewNote[] = [];
  const droppedTables = changes.flatMap((c) => (c.kind === 'drop-table' ? [c.table.name] : []));
  const createdTables = changes.flatMap((c) => (c.kind === 'create-table' ? [c.table.name] : []));
  if (droppedTables.length > 0 && createdTables.length > 0) {
    notes.push({
      isBlocking: true,
      message: `tables ${droppedTables.join(', ')} are dropped and ${createdTables.join(', ')} created: if one is a rename, replace its DROP and CREATE with ALTER TABLE … RENAME TO …, or its rows are lost.`,
    });
  }
  for (const change of changes) {
    if (change.kind !== 'drop-column') continue;
    const added = changes.find(
      (other) =>
        other.kind === 'add-column' &&
        other.table === change.table &&
        other.column.type === change.column.type,
    );
    if (added?.kind === 'add-column') {
      notes.push({
        isBlocking: true,
        message: `${change.table}.${change.column.name} is dropped and ${change.table}.${added.column.name} (also ${added.column.type}) added: if it is a rename, replace both with ALTER TABLE ${change.table} RENAME COLUMN ${change.column.name} TO ${added.column.name}, or its values are lost.`,
      });
    }
  }
  return notes;
}

function directionOf(changes: readonly SchemaChange[]): GeneratedDirection {
  const rendered = changes.map(renderChange);
  return {
    statements: rendered.flatMap((part) => part.statements),
    notes: [...renameNotes(changes), ...rendered.flatMap((part) => part.notes)],
  };
}

/** The migration that takes the database of `comparison` to its models, and back. */
export function planMigration(comparison: ModelComparison): MigrationPlan {
  const forward = diffSchemas(comparison.database, comparison.models);
  return {
    changes: forward.map(describeChange),
    up: directionOf(forward),
    down: directionOf(diffSchemas(comparison.models, comparison.database)),
  };
}

/** What `generate` did: the file it wrote (none when nothing changed) and the plan behind it. */
export interface GeneratedMigration {
  file: string | null;
  plan: MigrationPlan;
  unmodelledTables: string[];
}

/**
 * Compares the models with the database `client` reaches (migrated to head, and nothing else)
 * and writes the migration between them into `folder` as NNNN_name.ts; writes nothing when
 * they agree.
 */
export async function generateMigration(options: {
  client: pg.ClientBase;
  source: ModelSchemaSource;
  folder: MigrationFolder;
  name: string;
  dropUnmodelled?: boolean;
}): Promise<GeneratedMigration> {
  const comparison = await compareModels(options.client, options.source, {
    dropUnmodelled: options.dropUnmodelled ?? false,
  });
  const plan = planMigration(comparison);
  const file =
    plan.changes.length === 0
      ? null
      : await options.folder.create(
          options.name,
          generatedMigrationSource(
            `Generated from the models: ${plan.changes.length} change(s), listed in the order they run.`,
            plan.up,
            plan.down,
          ),
        );
  return { file, plan, unmodelledTables: comparison.unmodelledTables };
}
