import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Migrator } from '../../db/migrator';
import {
  ConstraintType,
  readCatalog,
  requireColumn,
  type CatalogConstraint,
  type SchemaSnapshot,
} from '../support/catalog';
import {
  createMigratedDatabase,
  createTestDatabase,
  type TestDatabase,
} from '../support/test-database';

// The schema of shared/SCHEMA.md as migration 0001 creates it, read back from PostgreSQL's own
// catalog: what a migration says is only true if the database agrees.

/** The tables SCHEMA.md gives migration 0001 (audit_log comes with a migration of its own). */
const lmsTables = [
  'users',
  'courses',
  'lessons',
  'quizzes',
  'enrollments',
  'lesson_progress',
  'quiz_attempts',
] as const;

/** The migrator's ledger: its own table, not an LMS one, so the LMS rules don't apply to it. */
const LEDGER_TABLE = 'schema_migrations';

/** Every foreign key SCHEMA.md names, with the ON DELETE it prescribes. */
const expectedForeignKeys = [
  { table: 'courses', column: 'instructor_id', references: 'users', onDelete: 'RESTRICT' },
  { table: 'lessons', column: 'course_id', references: 'courses', onDelete: 'CASCADE' },
  { table: 'quizzes', column: 'course_id', references: 'courses', onDelete: 'CASCADE' },
  { table: 'quizzes', column: 'lesson_id', references: 'lessons', onDelete: 'SET NULL' },
  { table: 'enrollments', column: 'user_id', references: 'users', onDelete: 'CASCADE' },
  { table: 'enrollments', column: 'course_id', references: 'courses', onDelete: 'CASCADE' },
  {
    table: 'lesson_progress',
    column: 'enrollment_id',
    references: 'enrollments',
    onDelete: 'CASCADE',
  },
  { table: 'lesson_progress', column: 'lesson_id', references: 'lessons', onDelete: 'CASCADE' },
  {
    table: 'quiz_attempts',
    column: 'enrollment_id',
    references: 'enrollments',
    onDelete: 'CASCADE',
  },
  { table: 'quiz_attempts', column: 'quiz_id', references: 'quizzes', onDelete: 'CASCADE' },
] as const;

/** The unique keys SCHEMA.md names: `users.email`, `courses.slug` and the natural pairs. */
const expectedUniqueKeys = [
  { table: 'users', columns: ['email'] },
  { table: 'courses', columns: ['slug'] },
  { table: 'lessons', columns: ['course_id', 'position'] },
  { table: 'enrollments', columns: ['user_id', 'course_id'] },
  { table: 'lesson_progress', columns: ['enrollment_id', 'lesson_id'] },
  { table: 'quiz_attempts', columns: ['enrollment_id', 'quiz_id', 'attempt_number'] },
] as const;

/** SCHEMA.md's enums of migration 0001 (audit_action comes with audit_log). */
const expectedEnums = [
  { name: 'user_role', values: ['student', 'instructor', 'admin', 'support'] },
  { name: 'enrollment_status', values: ['pending', 'active', 'completed', 'dropped'] },
  { name: 'progress_status', values: ['not_started', 'in_progress', 'completed'] },
  { name: 'attempt_status', values: ['in_progress', 'submitted', 'graded'] },
] as const;

/** Columns whose PostgreSQL type SCHEMA.md names: enums, jsonb, inet, numeric. */
const expectedColumnTypes = [
  { table: 'users', column: 'role', type: 'user_role' },
  { table: 'users', column: 'metadata', type: 'jsonb' },
  { table: 'users', column: 'last_login_ip', type: 'inet' },
  { table: 'courses', column: 'metadata', type: 'jsonb' },
  { table: 'quizzes', column: 'options', type: 'jsonb' },
  { table: 'quizzes', column: 'pass_score', type: 'numeric' },
  { table: 'enrollments', column: 'status', type: 'enrollment_status' },
  { table: 'lesson_progress', column: 'status', type: 'progress_status' },
  { table: 'quiz_attempts', column: 'status', type: 'attempt_status' },
  { table: 'quiz_attempts', column: 'answers', type: 'jsonb' },
  { table: 'quiz_attempts', column: 'score', type: 'numeric' },
  { table: 'quiz_attempts', column: 'max_score', type: 'numeric' },
  { table: 'quiz_attempts', column: 'ip_address', type: 'inet' },
] as const;

function constraintsOf(
  catalog: SchemaSnapshot,
  table: string,
  type: ConstraintType,
): CatalogConstraint[] {
  return catalog.constraints.filter(
    (constraint) => constraint.table === table && constraint.type === type,
  );
}

function lmsTableNames(catalog: SchemaSnapshot): string[] {
  return catalog.tables.map((table) => table.name).filter((name) => name !== LEDGER_TABLE);
}

describe('the migrated schema, as the catalog describes it', () => {
  let database: TestDatabase | undefined;
  let catalog: SchemaSnapshot;

  beforeAll(async () => {
    database = await createMigratedDatabase();
    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    try {
      catalog = await readCatalog(client);
    } finally {
      await client.end();
    }
  });

  afterAll(async () => {
    await database?.drop();
  });

  it('has every table SCHEMA.md lists', () => {
    expect(lmsTableNames(catalog)).toEqual(expect.arrayContaining([...lmsTables]));
  });

  describe('rules for every table', () => {
    it.each(lmsTables)('%s has an id uuid primary key defaulting to gen_random_uuid()', (table) => {
      expect(requireColumn(catalog, table, 'id')).toMatchObject({
        dataType: 'uuid',
        isNullable: false,
        default: 'gen_random_uuid()',
      });
      expect(constraintsOf(catalog, table, ConstraintType.primaryKey)).toMatchObject([
        { columns: ['id'] },
      ]);
    });

    it.each(lmsTables)(
      '%s has created_at and updated_at timestamptz NOT NULL DEFAULT now()',
      (table) => {
        for (const column of ['created_at', 'updated_at']) {
          expect(requireColumn(catalog, table, column)).toMatchObject({
            name: column,
            dataType: 'timestamp with time zone',
            isNullable: false,
            default: 'now()',
          });
        }
      },
    );

    it.each(lmsTables)('%s has version integer NOT NULL DEFAULT 1', (table) => {
      expect(requireColumn(catalog, table, 'version')).toMatchObject({
        dataType: 'integer',
        isNullable: false,
        default: '1',
      });
    });

    it.each(lmsTables)('%s has a BEFORE UPDATE row trigger running lms_touch_row', (table) => {
      expect(catalog.triggers.filter((trigger) => trigger.table === table)).toContainEqual(
        expect.objectContaining({
          timing: 'BEFORE',
          events: ['UPDATE'],
          level: 'ROW',
          function: 'lms_touch_row',
        }),
      );
    });
  });

  describe('foreign keys', () => {
    for (const { table, column, references, onDelete } of expectedForeignKeys) {
      it(`${table}.${column} references ${references} (id) ON DELETE ${onDelete}`, () => {
        const keys = constraintsOf(catalog, table, ConstraintType.foreignKey).filter(
          (key) => key.columns.join() === column,
        );
        expect(keys).toMatchObject([
          { foreignTable: references, foreignColumns: ['id'], onDelete },
        ]);
      });
    }

    it('has no foreign key on the LMS tables beyond those SCHEMA.md lists', () => {
      const actual = catalog.constraints
        .filter((key) => key.type === ConstraintType.foreignKey)
        .filter((key) => lmsTables.some((table) => table === key.table))
        .map((key) => `${key.table}.${key.columns.join()}`);
      expect(actual.sort()).toEqual(
        expectedForeignKeys.map((key) => `${key.table}.${key.column}`).sort(),
      );
    });

    it('gives every foreign key an explicit ON DELETE rule (never the default NO ACTION)', () => {
      const implicit = catalog.constraints
        .filter((key) => key.type === ConstraintType.foreignKey && key.onDelete === 'NO ACTION')
        .map((key) => key.name);
      expect(implicit).toEqual([]);
    });

    it('backs every foreign key with a B-tree index whose leading columns are the key', () => {
      const unindexed = catalog.constraints
        .filter((key) => key.type === ConstraintType.foreignKey)
        .filter(
          (key) =>
            !catalog.indexes.some(
              (index) =>
                index.table === key.table &&
                index.method === 'btree' &&
                index.predicate === null &&
                key.columns.every((column, position) => index.columns[position] === column),
            ),
        )
        .map((key) => `${key.table} (${key.columns.join(', ')})`);
      expect(unindexed).toEqual([]);
    });
  });

  describe('unique keys', () => {
    for (const { table, columns } of expectedUniqueKeys) {
      it(`${table} is unique on (${columns.join(', ')})`, () => {
        const keys = constraintsOf(catalog, table, ConstraintType.unique).map((key) => key.columns);
        expect(keys).toContainEqual([...columns]);
      });
    }

    it('checks lessons (course_id, position) at the end of each statement (DEFERRABLE INITIALLY IMMEDIATE)', () => {
      const key = constraintsOf(catalog, 'lessons', ConstraintType.unique).find(
        (candidate) => candidate.columns.join() === 'course_id,position',
      );
      expect(key).toMatchObject({ isDeferrable: true, isInitiallyDeferred: false });
    });
  });

  describe('types', () => {
    for (const { name, values } of expectedEnums) {
      it(`enum ${name} has exactly the values ${values.join(', ')}`, () => {
        expect(catalog.enums.find((type) => type.name === name)?.values).toEqual([...values]);
      });
    }

    for (const { table, column, type } of expectedColumnTypes) {
      it(`${table}.${column} is of type ${type}`, () => {
        expect(requireColumn(catalog, table, column).udtName).toBe(type);
      });
    }
  });

  describe('indexes', () => {
    it('puts a GIN index on every jsonb column of the LMS tables', () => {
      // The LMS tables only: audit_log's before/after are written on every change and searched
      // only within a record's or a time range's entries, and the bookkeeping tables (sync's,
      // the bulk operations' undo records) are read by id: a GIN index there would cost every
      // write and serve no query.
      const jsonbColumns = catalog.tables
        .filter((table) => (lmsTables as readonly string[]).includes(table.name))
        .flatMap((table) =>
          table.columns
            .filter((column) => column.dataType === 'jsonb')
            .map((column) => ({ table: table.name, column: column.name })),
        );
      expect(jsonbColumns.length).toBeGreaterThan(0);
      const withoutGin = jsonbColumns.filter(
        ({ table, column }) =>
          !catalog.indexes.some(
            (index) =>
              index.table === table && index.method === 'gin' && index.columns.join() === column,
          ),
      );
      expect(withoutGin).toEqual([]);
    });

    it('indexes published courses with a partial index WHERE is_published', () => {
      const partial = catalog.indexes.filter(
        (index) => index.table === 'courses' && index.predicate === '(is_published = true)',
      );
      expect(partial).toMatchObject([{ name: 'courses_published_idx', method: 'btree' }]);
    });

    it("indexes quizzes (options->>'type') with a B-tree expression index", () => {
      const index = catalog.indexes.find(
        (candidate) => candidate.name === 'quizzes_options_type_idx',
      );
      expect(index).toMatchObject({ table: 'quizzes', method: 'btree', columns: [null] });
      expect(index?.definition).toContain("(options ->> 'type'::text)");
    });

    it.each(['full_name', 'email'])('indexes users.%s with a trigram GIN index', (column) => {
      const trigram = catalog.indexes.filter(
        (index) =>
          index.table === 'users' &&
          index.method === 'gin' &&
          index.columns.join() === column &&
          index.definition.includes(`(${column} gin_trgm_ops)`),
      );
      expect(trigram).toHaveLength(1);
    });

    it('installs pg_trgm for the trigram indexes', () => {
      expect(catalog.extensions.map((extension) => extension.name)).toContain('pg_trgm');
    });
  });
});

describe('the indexes serve the queries they exist for', () => {
  let database: TestDatabase | undefined;
  let client: pg.Client | undefined;

  beforeAll(async () => {
    database = await createMigratedDatabase();
    client = new pg.Client({ connectionString: database.url });
    await client.connect();
  });

  afterAll(async () => {
    await client?.end();
    await database?.drop();
  });

  /**
   * The plan of `query` with sequential scans priced out, so that even on an empty table the
   * plan shows whether an index can serve the query at all.
   */
  async function planOf(query: string): Promise<string> {
    if (!client) throw new Error('The test client is not connected.');
    await client.query('BEGIN');
    try {
      await client.query('SET LOCAL enable_seqscan = off');
      const { rows } = await client.query<Record<string, unknown>>(`EXPLAIN ${query}`);
      return rows.map((row) => String(row['QUERY PLAN'])).join('\n');
    } finally {
      await client.query('ROLLBACK');
    }
  }

  it("answers WHERE options->>'type' = 'multiple_choice' from quizzes_options_type_idx", async () => {
    const plan = await planOf(`SELECT * FROM quizzes WHERE options->>'type' = 'multiple_choice'`);
    expect(plan).toContain('quizzes_options_type_idx');
  });

  for (const { column, index } of [
    { column: 'email', index: 'users_email_trgm_idx' },
    { column: 'full_name', index: 'users_full_name_trgm_idx' },
  ]) {
    it(`answers a substring search (ILIKE '%abc%') on users.${column} from ${index}`, async () => {
      const plan = await planOf(`SELECT * FROM users WHERE ${column} ILIKE '%abc%'`);
      expect(plan).toContain(index);
    });
  }
});

describe('migrating up, down to 0 and up again', () => {
  let database: TestDatabase | undefined;
  let client: pg.Client | undefined;
  /** The catalog at each stage; a stage whose migration failed holds the error instead. */
  const stages = new Map<string, SchemaSnapshot | Error>();

  beforeAll(async () => {
    database = await createTestDatabase();
    const connected = new pg.Client({ connectionString: database.url });
    client = connected;
    await connected.connect();
    const migrator = new Migrator({ databaseUrl: database.url });
    // A stage that fails is recorded, not thrown, so each test below reports on its own stage.
    const record = async (stage: string, migrate: () => Promise<unknown>): Promise<void> => {
      try {
        await migrate();
        stages.set(stage, await readCatalog(connected));
      } catch (error) {
        stages.set(stage, error instanceof Error ? error : new Error(String(error)));
      }
    };
    try {
      await record('empty', async () => undefined);
      await record('up', () => migrator.up());
      await record('down', () => migrator.down({ to: 0 }));
      await record('upAgain', () => migrator.up());
    } finally {
      await migrator.close();
    }
  });

  afterAll(async () => {
    await client?.end();
    await database?.drop();
  });

  function snapshot(stage: 'empty' | 'up' | 'down' | 'upAgain'): SchemaSnapshot {
    const found = stages.get(stage);
    if (found instanceof Error) throw found;
    if (!found) throw new Error(`No catalog snapshot was taken at stage "${stage}".`);
    return found;
  }

  /** The snapshot without the migration ledger, which `down` keeps on purpose. */
  function withoutLedger(catalog: SchemaSnapshot): SchemaSnapshot {
    const isOurs = (item: { table: string }): boolean => item.table !== LEDGER_TABLE;
    return {
      ...catalog,
      tables: catalog.tables.filter((table) => table.name !== LEDGER_TABLE),
      constraints: catalog.constraints.filter(isOurs),
      indexes: catalog.indexes.filter(isOurs),
      triggers: catalog.triggers.filter(isOurs),
    };
  }

  it('leaves no table but schema_migrations after down --to 0', () => {
    expect(snapshot('up').tables.map((table) => table.name)).toContain('users');
    expect(snapshot('down').tables.map((table) => table.name)).toEqual([LEDGER_TABLE]);
  });

  it('leaves no enum type after down --to 0', () => {
    expect(snapshot('up').enums).not.toEqual([]);
    expect(snapshot('down').enums).toEqual([]);
  });

  it('leaves no lms_touch_row function after down --to 0', () => {
    const names = (stage: 'up' | 'down'): string[] =>
      snapshot(stage).functions.map((fn) => fn.name);
    expect(names('up')).toContain('lms_touch_row');
    expect(names('down')).toEqual([]);
  });

  it('returns, the ledger aside, to the catalog of the empty database after down --to 0', () => {
    expect(withoutLedger(snapshot('down'))).toEqual(snapshot('empty'));
  });

  it('recreates an identical schema on the second up', () => {
    expect(snapshot('upAgain')).toEqual(snapshot('up'));
  });
});
