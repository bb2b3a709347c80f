import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { explainConnectionError, parseDatabaseUrl } from '../database-url';
import type { MigrationFolder } from '../migration-source';
import { Migrator } from '../migrator';
import { UserFacingError } from '../user-facing-error';

/**
 * Runs `work` on a database of its own on the server of `serverUrl`, with every migration of
 * `folder` applied, and drops it after: what the migrations make, untouched by local drift.
 */
export async function withScratchDatabase<T>(
  serverUrl: string,
  folder: MigrationFolder | undefined,
  work: (client: pg.Client) => Promise<T>,
): Promise<T> {
  const name = `lms_scratch_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({
    connectionString: serverUrl,
    application_name: 'lms-admin generate',
  });
  try {
    await admin.connect();
  } catch (error) {
    throw explainConnectionError(error, parseDatabaseUrl(serverUrl));
  }
  try {
    try {
      await admin.query(`CREATE DATABASE ${name}`);
    } catch (error) {
      throw new UserFacingError(
        `Couldn't create a scratch database to migrate from scratch (${error instanceof Error ? error.message : String(error)}): the role needs CREATEDB.`,
        { cause: error },
      );
    }
    const url = new URL(serverUrl);
    url.pathname = `/${name}`;
    try {
      const migrator = new Migrator({ databaseUrl: url.toString(), ...(folder && { folder }) });
      try {
        await migrator.up({ allowDestructive: true });
      } finally {
        await migrator.close();
      }
      const client = new pg.Client({ connectionString: url.toString() });
      await client.connect();
      try {
        return await work(client);
      } finally {
        await client.end();
      }
    } finally {
      await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    }
  } finally {
    await admin.end();
  }
}
