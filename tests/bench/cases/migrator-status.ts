import fs from 'node:fs/promises';
import path from 'node:path';
import pg from 'pg';
import { MigrationFolder } from '../../../db/migration-source';
import { Migrator } from '../../../db/migrator';
import { compareMedians, goals, justRun, type BenchResult, type Sampling } from '../harness';
import { makeTempDir, withFreshDatabase } from '../servers';

const MIGRATION_COUNT = 200;

/** A small real migration: its own table, created and dropped. */
function migrationSource(table: string): string {
  return `/** Generated for the benchmark of Migrator.status(). */
export async function up(db: { query(sql: string): Promise<unknown> }): Promise<void> {
  await db.query('CREATE TABLE ${table} (id integer PRIMARY KEY, note text)');
}

export async function down(db: { query(sql: string): Promise<unknown> }): Promise<void> {
  await db.query('DROP TABLE ${table}');
}
`;
}

/**
 * c. `Migrator.status()` over 200 applied migrations (files read and hashed, ledger compared), on
 * a connected migrator. Baseline: the ledger query through raw `pg` plus a readdir of the folder.
 */
export async function migratorStatus(sampling: Sampling): Promise<BenchResult> {
  const dir = await makeTempDir('lms-bench-migrations-');
  try {
    for (let index = 1; index <= MIGRATION_COUNT; index++) {
      const number = String(index).padStart(4, '0');
      await fs.writeFile(
        path.join(dir, `${number}_bench_step_${number}.ts`),
        migrationSource(`bench_step_${number}`),
      );
    }
    return await withFreshDatabase(async (url) => {
      const migrator = new Migrator({ databaseUrl: url, folder: new MigrationFolder(dir) });
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      try {
        await migrator.up();
        const timings = await compareMedians(
          sampling,
          justRun(async () => {
            const status = await migrator.status();
            if (status.applied.length !== MIGRATION_COUNT || status.pending.length > 0) {
              throw new Error(
                `expected ${MIGRATION_COUNT} applied and none pending, got ${status.applied.length} and ${status.pending.length}`,
              );
            }
          }),
          justRun(async () => {
            await Promise.all([
              client.query(
                'SELECT name, checksum, applied_at FROM schema_migrations ORDER BY name',
              ),
              fs.readdir(dir),
            ]);
          }),
        );
        return {
          name: `c. Migrator.status() × ${MIGRATION_COUNT} migrations`,
          unit: 'ms',
          ...timings,
          goal: goals.below(100, 'ms'),
        };
      } finally {
        await client.end();
        await migrator.close();
      }
    });
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
}
