import type pg from 'pg';
import { z } from 'zod';
import { ChangeSource, type Database } from './connection';
import { chunkLines, copyInto } from './copy-rows';
import { QUESTION_BANK } from './seed/content';
import { planSeed, roleSplit } from './seed/plan';
import { tableWriters } from './seed/rows';
import { lmsTables } from './schemas/lms-tables';
import { UserFacingError } from './user-facing-error';

/** The tables `db seed` fills, parents before children: the order their rows are copied in. */
export const seedTables = lmsTables;
export type SeedTable = (typeof seedTables)[number];

/** The most of each that one run creates: enough for load tests, small enough to plan in memory. */
export const seedLimits = {
  users: 2_000_000,
  courses: 10_000,
  lessonsPerCourse: 50,
  quizzesPerCourse: 10,
  questionsPerQuiz: QUESTION_BANK.length,
  enrollmentsPerCourse: 100_000,
  /** courses × enrollmentsPerCourse: each enrollment's journey is planned in memory. */
  enrollments: 500_000,
} as const;

const amount = (max: number, fallback: number, min = 0) =>
  z.number().int().min(min).max(max).default(fallback);

/** What a run creates; every field has a default, so `{}` seeds a small demo school. */
export const seedOptionsSchema = z
  .object({
    users: amount(seedLimits.users, 1_000),
    courses: amount(seedLimits.courses, 40),
    lessonsPerCourse: amount(seedLimits.lessonsPerCourse, 8),
    quizzesPerCourse: amount(seedLimits.quizzesPerCourse, 2),
    questionsPerQuiz: amount(seedLimits.questionsPerQuiz, 5, 1),
    enrollmentsPerCourse: amount(seedLimits.enrollmentsPerCourse, 60),
    /** Adds to tables that already hold rows, instead of refusing. */
    append: z.boolean().default(false),
  })
  .superRefine((options, context) => {
    if (options.courses === 0) return;
    if (options.users === 0) {
      context.addIssue({
        code: 'custom',
        path: ['users'],
        message: 'courses need at least 1 user to be their instructor',
      });
      return;
    }
    const { students } = roleSplit(options.users, options.courses);
    if (options.enrollmentsPerCourse > students) {
      context.addIssue({
        code: 'custom',
        path: ['enrollmentsPerCourse'],
        message: `${options.enrollmentsPerCourse} is more than the ${students} students among ${options.users} users: seed more users or enroll fewer per course`,
      });
    }
    const enrollments = options.courses * options.enrollmentsPerCourse;
    if (enrollments > seedLimits.enrollments) {
      context.addIssue({
        code: 'custom',
        path: ['enrollmentsPerCourse'],
        message: `${options.enrollmentsPerCourse} in each of ${options.courses} courses makes ${enrollments} enrollments, more than the ${seedLimits.enrollments} one run can plan: seed in several runs with append`,
      });
    }
  });
export type SeedOptions = z.input<typeof seedOptionsSchema>;
export type ParsedSeedOptions = z.output<typeof seedOptionsSchema>;

/** How far a run has got in one table. */
export interface SeedProgress {
  table: SeedTable;
  rows: number;
  total: number;
}

/** What a run created, per table, and how long it took. */
export interface SeedSummary {
  rows: Record<SeedTable, number>;
  elapsedMs: number;
}

const PROGRESS_EVERY_ROWS = 100_000;
/** A seed waits this long for other sessions' locks before giving up with a clear message. */
const LOCK_TIMEOUT = '15s';

function parseSeedOptions(options: SeedOptions): ParsedSeedOptions {
  const parsed = seedOptionsSchema.safeParse(options);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  // enrollmentsPerCourse → "enrollments per course": the option in words, whoever called.
  const option = String(issue?.path[0] ?? 'options').replace(
    /[A-Z]/g,
    (c) => ` ${c.toLowerCase()}`,
  );
  throw new UserFacingError(
    `Can't seed with these options: ${option}: ${issue?.message ?? 'invalid'}.`,
  );
}

async function assertSchemaPresent(client: pg.ClientBase, db: Database): Promise<void> {
  const { rows } = await client.query<{ name: string }>(
    'SELECT name FROM unnest($1::text[]) AS name WHERE to_regclass(name) IS NULL',
    [seedTables],
  );
  if (rows.length > 0) {
    throw new UserFacingError(
      `${db.describe()} is missing the tables ${rows.map((row) => row.name).join(', ')}: run \`lms-admin migrate up\` first.`,
    );
  }
}

async function assertEmpty(client: pg.ClientBase): Promise<void> {
  const { rows } = await client.query<Record<string, boolean>>(
    `SELECT ${seedTables.map((table) => `EXISTS (SELECT FROM ${table}) AS ${table}`).join(', ')}`,
  );
  const filled = seedTables.filter((table) => rows[0]?.[table] === true);
  if (filled.length > 0) {
    throw new UserFacingError(
      `The database already holds data (${filled.join(', ')}), and seeding fills an empty one. ` +
        'Add demo rows beside it with --append, or seed a fresh database.',
    );
  }
}

/**
 * Drops the foreign keys of an empty `table` and the indexes no constraint owns, returning the
 * SQL that restores them after loading, as pg_restore does. Checking a foreign key row by row
 * locks a parent row per child row, and a GIN index grows slowly row by row; adding the key back
 * checks every row in one join and building the index once is several times faster. Primary
 * keys and unique constraints stay, so duplicates still fail at once; anything with a comment
 * stays too, as its definition alone would not restore it.
 */
async function setAsideForLoad(client: pg.ClientBase, table: SeedTable): Promise<string[]> {
  const { rows } = await client.query<{ dropSql: string; restoreSql: string }>(
    `SELECT format('DROP INDEX %s', i.indexrelid::regclass) AS "dropSql",
            pg_get_indexdef(i.indexrelid) AS "restoreSql"
       FROM pg_index i
       JOIN pg_class ic ON ic.oid = i.indexrelid
      WHERE i.indrelid = $1::regclass
        AND NOT EXISTS (SELECT FROM pg_constraint c WHERE c.conindid = i.indexrelid)
        AND ic.reltablespace = 0
        AND obj_description(i.indexrelid, 'pg_class') IS NULL
     UNION ALL
     SELECT format('ALTER TABLE %s DROP CONSTRAINT %I', c.conrelid::regclass, c.conname),
            format('ALTER TABLE %s ADD CONSTRAINT %I %s', c.conrelid::regclass, c.conname,
                   pg_get_constraintdef(c.oid))
       FROM pg_constraint c
      WHERE c.conrelid = $1::regclass AND c.contype = 'f'
        AND obj_description(c.oid, 'pg_constraint') IS NULL`,
    [table],
  );
  for (const { dropSql } of rows) await client.query(dropSql);
  return rows.map(({ restoreSql }) => restoreSql);
}

/**
 * Fills the LMS tables with realistic demo data: users, courses with lessons and quizzes, and
 * enrollments with their lesson progress and quiz attempts. Rows stream in through COPY, all in
 * one transaction: it all lands, or nothing does. Refuses a database that already holds data
 * unless `append` is set. Empty tables are loaded as pg_restore loads them (indexes and foreign
 * keys set aside, then rebuilt and checked), with the tables locked to other sessions meanwhile.
 */
export async function seedDemoData(
  db: Database,
  options: SeedOptions,
  onProgress?: (progress: SeedProgress) => void,
): Promise<SeedSummary> {
  const startedAtMs = performance.now();
  const parsed = parseSeedOptions(options);
  const plan = planSeed(parsed);
  return db.withRawClient(async (client) => {
    await assertSchemaPresent(client, db);
    await client.query('BEGIN');
    try {
      await client.query(
        `SELECT set_config('lms.actor_id', '', true), set_config('lms.actor_ip', '', true),
                set_config('lms.source', $1, true), set_config('lock_timeout', $2, true)`,
        [ChangeSource.cli, LOCK_TIMEOUT],
      );
      // Nobody writes while the seed runs, so the emptiness check stays true. Filling empty tables
      // also sets indexes and foreign keys aside, which needs them to itself; appending lets
      // readers in.
      const lockMode = parsed.append ? 'SHARE ROW EXCLUSIVE' : 'ACCESS EXCLUSIVE';
      await client.query(`LOCK TABLE ${seedTables.join(', ')} IN ${lockMode} MODE`);
      if (!parsed.append) await assertEmpty(client);
      for (const table of seedTables) {
        const { columns, lines } = tableWriters[table];
        const total = plan.totals[table];
        const report = (copied: number): void => onProgress?.({ table, rows: copied, total });
        const restoreSql = parsed.append ? [] : await setAsideForLoad(client, table);
        const copied = await copyInto(
          client,
          `COPY ${table} (${columns.join(', ')}) FROM STDIN`,
          chunkLines(lines(plan), PROGRESS_EVERY_ROWS, report),
        );
        if (copied !== total) {
          throw new Error(`Seeding wrote ${copied} rows to ${table} but planned ${total}.`);
        }
        for (const sql of restoreSql) await client.query(sql);
        report(copied);
      }
      await client.query('COMMIT');
      return { rows: plan.totals, elapsedMs: performance.now() - startedAtMs };
    } catch (error) {
      // The original error says what went wrong; a failing ROLLBACK (a broken connection) would
      // only hide it, and the server discards the transaction either way.
      await client.query('ROLLBACK').catch(() => undefined);
      if ((error as { code?: unknown }).code === '55P03') {
        throw new UserFacingError(
          `Another session kept the LMS tables locked for ${LOCK_TIMEOUT}; nothing was seeded. Try again when it is done.`,
          { cause: error },
        );
      }
      throw error;
    }
  });
}
