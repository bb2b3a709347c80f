import fs from 'node:fs/promises';
import path from 'node:path';
import { MigrationFolder } from '../../db/migration-source';

/** SQL for the two directions of a test migration. */
export interface MigrationSql {
  up: string;
  down: string;
}

/** The text of a migration file: ESM, no types, so it loads in any runtime without a TS loader. */
export function migrationSource({ up, down }: MigrationSql): string {
  return [
    `export async function up(db) {\n  await db.query(${JSON.stringify(up)});\n}`,
    `export async function down(db) {\n  await db.query(${JSON.stringify(down)});\n}`,
    '',
  ].join('\n');
}

/** The log table test migrations append to, so a test can read which ran, in which order. */
export const RUN_LOG_DDL = 'CREATE TABLE run_log (id serial PRIMARY KEY, entry text NOT NULL)';

/** A migration that creates `table` and notes each direction in the run log. */
export function tableMigration(name: string, table: string): MigrationSql {
  return {
    up: `CREATE TABLE ${table} (id int); INSERT INTO run_log (entry) VALUES ('up ${name}')`,
    down: `DROP TABLE ${table}; INSERT INTO run_log (entry) VALUES ('down ${name}')`,
  };
}

/** A migrations folder of a test's own, holding `.mjs` migration files. */
export class MigrationFixture {
  readonly folder: MigrationFolder;

  constructor(readonly dir: string) {
    this.folder = new MigrationFolder(dir);
  }

  /** Writes `<name>.mjs` and returns its path. */
  async write(name: string, sql: MigrationSql): Promise<string> {
    return this.writeFile(`${name}.mjs`, migrationSource(sql));
  }

  /** Writes the migrations `NNNN_table_<table>` creating each table, in order; returns their names. */
  async writeTables(...tables: string[]): Promise<string[]> {
    const names: string[] = [];
    for (const [index, table] of tables.entries()) {
      const name = `${String(index + 1).padStart(4, '0')}_create_${table}`;
      await this.write(name, tableMigration(name, table));
      names.push(name);
    }
    return names;
  }

  /** Writes any file into the folder, such as one that is misnamed; returns its path. */
  async writeFile(fileName: string, content: string): Promise<string> {
    const file = path.join(this.dir, fileName);
    await fs.writeFile(file, content);
    return file;
  }

  pathOf(name: string): string {
    return path.join(this.dir, `${name}.mjs`);
  }
}
