import { randomBytes } from 'node:crypto';
import type pg from 'pg';
import type { MigrationFolder } from '../migration-source';
import { Migrator } from '../migrator';
import { UserFacingError } from '../user-facing-error';
import { withPgClient } from './pg-client';

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
  return withPgClient(serverUrl, async (admin) => {
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
      return await withPgClient(url.toString(), work);
    } finally {
      await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    }
  });
}
