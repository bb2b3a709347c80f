import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  compareModels,
  planMigration,
  type ModelComparison,
} from '../../db/migration-authoring/model-drift';
import { modelSchema } from '../../db/models';
import { createMigratedDatabase, type TestDatabase } from '../support/test-database';

// The Sequelize models and the migrations describe one schema; `lms-admin migrate check` compares
// them as PostgreSQL prints both (db/migration-authoring), and this is that comparison in-process,
// so a failure shows the difference line by line.

describe('the Sequelize models match the migrated database', () => {
  let database: TestDatabase | undefined;
  let comparison: ModelComparison;

  beforeAll(async () => {
    database = await createMigratedDatabase();
    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    try {
      comparison = await compareModels(client, modelSchema);
    } finally {
      await client.end();
    }
  });

  afterAll(() => database?.drop());

  it('agree on every table they describe: columns, types, nullability, defaults, keys with ON DELETE, checks, indexes, triggers, enums', () => {
    expect(planMigration(comparison).changes).toEqual([]);
  });

  // The question bank's record of bulk operations is bookkeeping of the same kind: its service
  // reads and writes it in raw SQL, and it holds no LMS data.
  it('describe every table but the sync and bulk-operation bookkeeping, kept in raw SQL', () => {
    expect(
      comparison.unmodelledTables.filter(
        (table) => !table.startsWith('sync_') && table !== 'quiz_bulk_operations',
      ),
    ).toEqual([]);
  });
});
