import fs from 'node:fs/promises';
import path from 'node:path';
import pg from 'pg';
import type { IndexesOptions, ModelAttributeColumnOptions, Sequelize } from 'sequelize';
import type { TestContext } from 'vitest';
import { APP_SCHEMA, generateMigration } from '../../db/migration-authoring/model-drift';
import type { ModelSchemaSource } from '../../db/migration-authoring/model-schema';
import {
  readNormalizedSchema,
  type NormalizedSchema,
} from '../../db/migration-authoring/normalized-schema';
import { DEFAULT_MIGRATIONS_DIR, MigrationFolder } from '../../db/migration-source';
import { Migrator } from '../../db/migrator';
import { modelSchema } from '../../db/models';
import { commonColumns, commonModelOptions } from '../../db/models/columns';
import type { TableRules } from '../../db/models/table-rules';
import { tempFolderFor } from './temp-folders';
import { createTestDatabase, type TestDatabase } from './test-database';

/** A `badges` table a test adds to the project's models, shaped as the test needs. */
export interface BadgeModel {
  columns?: Record<string, ModelAttributeColumnOptions>;
  indexes?: IndexesOptions[];
  rules?: TableRules;
  enums?: Record<string, readonly string[]>;
}

/** The project's models, plus a `badges` model with `commonColumns` when `badges` is given. */
export function projectModelsWith(badges?: BadgeModel): ModelSchemaSource {
  if (!badges) return modelSchema;
  return {
    defineModels: (sequelize: Sequelize) => {
      modelSchema.defineModels(sequelize);
      sequelize.define(
        'Badge',
        { ...commonColumns, ...badges.columns },
        { ...commonModelOptions, tableName: 'badges', indexes: badges.indexes ?? [] },
      );
    },
    enums: { ...modelSchema.enums, ...badges.enums },
    tableRules: { ...modelSchema.tableRules, ...(badges.rules && { badges: badges.rules }) },
  };
}

/**
 * A database of its own with the project's migrations applied from a migrations folder of the
 * test's own, where generated migrations land: the repo's migrations folder is never written.
 */
export class AuthoringWorld {
  private constructor(
    readonly database: TestDatabase,
    readonly folder: MigrationFolder,
    readonly client: pg.Client,
  ) {}

  static async create(test: Pick<TestContext, 'onTestFinished'>): Promise<AuthoringWorld> {
    const dir = await tempFolderFor(test, 'lms-authoring');
    for (const file of await fs.readdir(DEFAULT_MIGRATIONS_DIR)) {
      if (/^\d{4}_.*\.ts$/.test(file)) {
        await fs.copyFile(path.join(DEFAULT_MIGRATIONS_DIR, file), path.join(dir, file));
      }
    }
    const database = await createTestDatabase();
    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    const world = new AuthoringWorld(database, new MigrationFolder(dir), client);
    test.onTestFinished(async () => {
      await client.end();
      await database.drop();
    });
    await world.up();
    return world;
  }

  /** Applies every pending migration (destructive steps allowed unless told otherwise). */
  async up(
    options: { allowDestructive?: boolean } = { allowDestructive: true },
  ): Promise<string[]> {
    return this.withMigrator((migrator) => migrator.up(options));
  }

  async down(): Promise<string[]> {
    return this.withMigrator((migrator) => migrator.down());
  }

  async withMigrator<T>(work: (migrator: Migrator) => Promise<T>): Promise<T> {
    const migrator = new Migrator({ databaseUrl: this.database.url, folder: this.folder });
    try {
      return await work(migrator);
    } finally {
      await migrator.close();
    }
  }

  /** Generates a migration from `source` into the test's folder. */
  async generate(source: ModelSchemaSource, name: string, dropUnmodelled = false) {
    return generateMigration({
      client: this.client,
      source,
      folder: this.folder,
      name,
      dropUnmodelled,
    });
  }

  /** The app schema as the comparison sees it, columns by name (PostgreSQL can't reorder them). */
  async schema(): Promise<NormalizedSchema> {
    await this.client.query('BEGIN');
    try {
      const schema = await readNormalizedSchema(this.client, APP_SCHEMA, [APP_SCHEMA]);
      return {
        enums: schema.enums,
        tables: schema.tables
          .filter((table) => table.name !== 'schema_migrations')
          .map((table) => ({
            ...table,
            columns: [...table.columns].sort((a, b) => a.name.localeCompare(b.name)),
          })),
      };
    } finally {
      await this.client.query('ROLLBACK');
    }
  }
}
