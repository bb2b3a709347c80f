import { pipeline } from 'node:stream/promises';
import type pg from 'pg';
import { from as copyFrom, to as copyTo } from 'pg-copy-streams';
import type { Database } from '../../connection';
import type { SyncLinkResult } from '../../schemas/sync';
import type { LongWork } from '../long-work';
import { ServiceError } from '../service-error';
import {
  assertSameMigrations,
  centralIdentityUrl,
  connectCentral,
  describeCentral,
  readAppliedMigrations,
  readServerIdentity,
  type CentralTarget,
} from './central-connection';
import {
  findLink,
  inTransaction,
  markAsSync,
  readFeedPosition,
  withSyncLock,
} from './replica-state';
import { readTableColumns, SYNCED_TABLES } from './synced-tables';

/**
 * Makes this database a working copy of a central server: checks that both applied the same
 * migrations, copies every central row in (COPY, straight from one server to the other, in one
 * central snapshot and one local transaction), and records the link (without the password) with
 * the feed positions that snapshot stood at.
 *
 * The local database must hold no LMS rows yet: a first copy merged into existing data would
 * need every local record pushed and checked against the central ones, which is what push does
 * for changes made after linking. So a laptop links first, then works (sign in with a central
 * account: users come with their password hashes).
 */
export async function linkToCentral(
  db: Database,
  target: CentralTarget,
  work: LongWork = {},
): Promise<SyncLinkResult> {
  const centralUrl = centralIdentityUrl(target.url);
  const centralName = describeCentral(target.url);
  return withSyncLock(db, async (local) => {
    const existing = await findLink(local);
    if (existing) {
      throw new ServiceError(
        'CONFLICT',
        `This database is already linked to ${describeCentral(existing.centralUrl)}; a working copy has one central server.`,
      );
    }
    const central = await connectCentral(target);
    try {
      assertSameMigrations(
        await readAppliedMigrations(local),
        await readAppliedMigrations(central),
        centralName,
      );
      await assertNoLocalData(local);
      const columns = await readTableColumns(central);
      return await inTransaction(
        central,
        'BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY',
        async () => {
          const identity = await readServerIdentity(central);
          const centralPosition = await readFeedPosition(central);
          const totals = await estimatedRows(central);
          const total = Object.values(totals).reduce((sum, rows) => sum + rows, 0);
          const rowsCopied: Record<string, number> = {};
          await inTransaction(local, 'BEGIN', async () => {
            await markAsSync(local);
            let done = 0;
            for (const table of SYNCED_TABLES) {
              if (work.signal?.aborted) {
                throw new ServiceError(
                  'CANCELLED',
                  'Link cancelled: nothing was copied and the database is not linked.',
                );
              }
              work.progress?.(done, total, `copying ${table}`);
              const list = columns[table].map((column) => `"${column}"`).join(', ');
              const source = central.query(copyTo(`COPY (SELECT ${list} FROM ${table}) TO STDOUT`));
              const sink = local.query(copyFrom(`COPY ${table} (${list}) FROM STDIN`));
              await pipeline(source, sink, ...(work.signal ? [{ signal: work.signal }] : []));
              rowsCopied[table] = sink.rowCount;
              done += sink.rowCount;
            }
            // The planner's row counts, now rather than whenever autovacuum gets to it: without them
            // it takes the full tables for tiny ones and the first sync's set-based joins crawl.
            await local.query(`ANALYZE ${SYNCED_TABLES.join(', ')}`);
            // Local changes from here on are the push queue; the copy itself is sync's.
            const localPosition = await readFeedPosition(local);
            await local.query(
              `INSERT INTO sync_link (central_url, central_system_id, central_database, pulled_seq, pulled_open_xids, pushed_seq, pushed_open_xids)
             VALUES ($1, $2, $3, $4, $5, $6, $7)`,
              [
                centralUrl,
                identity.systemId,
                identity.database,
                centralPosition.seq,
                centralPosition.openXids,
                localPosition.seq,
                localPosition.openXids,
              ],
            );
            work.progress?.(done, done, 'linked');
          });
          return { centralUrl, rowsCopied };
        },
      );
    } catch (error) {
      if ((error as { name?: string }).name === 'AbortError') {
        throw new ServiceError(
          'CANCELLED',
          'Link cancelled: nothing was copied and the database is not linked.',
        );
      }
      throw error;
    } finally {
      await central.end().catch(() => undefined);
    }
  });
}

async function assertNoLocalData(local: pg.ClientBase): Promise<void> {
  const counts: string[] = [];
  for (const table of SYNCED_TABLES) {
    const { rows } = await local.query<{ count: string }>(
      `SELECT count(*) FROM (SELECT 1 FROM ${table} LIMIT 1000) t`,
    );
    const count = Number(rows[0]?.count ?? 0);
    if (count > 0) counts.push(`${table}: ${count === 1000 ? '1000+' : count}`);
  }
  if (counts.length > 0) {
    throw new ServiceError(
      'CONFLICT',
      `This database already holds LMS data (${counts.join(', ')}), and linking copies the central server into an empty one. Link a new local database (a fresh LMS_DATA_DIR, migrated), or export what you need from this one first.`,
    );
  }
}

/** About how many rows each table has (the planner's estimate: counting would read them all twice). */
async function estimatedRows(central: pg.ClientBase): Promise<Record<string, number>> {
  const { rows } = await central.query<{ relname: string; rows: number }>(
    `SELECT relname, GREATEST(reltuples, 0)::float8 AS rows FROM pg_class WHERE relname = ANY($1) AND relkind = 'r'`,
    [SYNCED_TABLES],
  );
  return Object.fromEntries(rows.map((row) => [row.relname, Math.round(row.rows)]));
}
