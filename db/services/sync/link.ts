import type pg from 'pg';
import type { Database } from '../../connection';
import { parseDatabaseUrl, passwordOf } from '../../database-url';
import type { SecretBox } from '../../profiles/secret-box';
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
import { copyCentralTable, linkCancelled, mergeCentralInto, type MergeOutcome } from './link-merge';
import { noPasswordToRemember, sealCentralPassword } from './remembered-password';
import {
  findLink,
  inTransaction,
  markAsSync,
  readFeedPosition,
  withSyncLock,
} from './replica-state';
import { readTableColumns, SYNCED_TABLES, type TableColumns } from './synced-tables';

/** Ends a preview's transaction after the work, carrying what it found: nothing stays. */
class PreviewDone extends Error {
  constructor(readonly outcome: MergeOutcome) {
    super('link preview done');
  }
}

/** How a link keeps the central password: not at all (the default), or sealed by this box. */
export interface LinkOptions {
  /** Remember the password (the one given, else the URL's), sealed by this box. */
  rememberPasswordWith?: SecretBox | undefined;
}

/**
 * Makes this database a working copy of a central server: checks that both applied the same
 * migrations, brings every central row in (in one central snapshot and one local transaction),
 * and records the link with the feed positions that snapshot stood at: without the password,
 * unless asked to remember it, and then only sealed.
 *
 * An empty database is filled by COPY, straight from one server to the other. A database that
 * already holds records (made offline before linking: the first-run admin, users, courses) is
 * merged: see `mergeCentralInto`. Its records the central server lacks become the push queue,
 * and where the two disagree a conflict waits for a person; nothing is overwritten or lost.
 * Cancelled or failed, the database is as it was and unlinked.
 */
export async function linkToCentral(
  db: Database,
  target: CentralTarget,
  work: LongWork = {},
  options: LinkOptions = {},
): Promise<SyncLinkResult> {
  const password = target.password ?? passwordOf(parseDatabaseUrl(target.url));
  const { rememberPasswordWith } = options;
  if (rememberPasswordWith && password === undefined) throw noPasswordToRemember();
  // Sealed before any work, so a box that can't seal stops the link before it copies anything.
  const sealedPassword =
    rememberPasswordWith && password !== undefined
      ? await sealCentralPassword(rememberPasswordWith, password)
      : null;
  return runLink(db, target, work, { isPreview: false, sealedPassword });
}

/**
 * What linking would do, now: the same work as `linkToCentral` in a transaction that is rolled
 * back, so the counts are exact (records to copy, to push, conflicts) and nothing changes.
 */
export async function previewLink(
  db: Database,
  target: CentralTarget,
  work: LongWork = {},
): Promise<SyncLinkResult> {
  return runLink(db, target, work, { isPreview: true, sealedPassword: null });
}

async function runLink(
  db: Database,
  target: CentralTarget,
  work: LongWork,
  { isPreview, sealedPassword }: { isPreview: boolean; sealedPassword: string | null },
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
      const columns = await readTableColumns(central);
      return await inTransaction(
        central,
        'BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY',
        async () => {
          const identity = await readServerIdentity(central);
          const centralPosition = await readFeedPosition(central);
          const isMerge = await hasLocalData(local);
          if (isPreview && !isMerge) {
            const rowsCopied = await countRows(central);
            return { centralUrl, isMerge, rowsCopied, ...NOTHING_TO_MERGE };
          }
          const total = sumOf(await estimatedRows(central));
          try {
            return await inTransaction(local, 'BEGIN', async () => {
              await markAsSync(local);
              const outcome = isMerge
                ? await mergeCentralInto(local, central, columns, total, work)
                : await copyInto(local, central, columns, total, work);
              if (isPreview) throw new PreviewDone(outcome);
              await local.query(
                `INSERT INTO sync_link (central_url, central_system_id, central_database, pulled_seq, pulled_open_xids, pushed_seq, pushed_open_xids, central_password_sealed)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
                [
                  centralUrl,
                  identity.systemId,
                  identity.database,
                  centralPosition.seq,
                  centralPosition.openXids,
                  outcome.pushedFrom.seq,
                  outcome.pushedFrom.openXids,
                  sealedPassword,
                ],
              );
              const copied = sumOf(outcome.rowsCopied);
              work.progress?.(copied, copied, 'linked');
              return resultOf(centralUrl, isMerge, outcome);
            });
          } catch (error) {
            if (error instanceof PreviewDone) return resultOf(centralUrl, isMerge, error.outcome);
            throw error;
          }
        },
      );
    } catch (error) {
      if ((error as { name?: string }).name === 'AbortError') throw linkCancelled();
      throw error;
    } finally {
      await central.end().catch(() => undefined);
    }
  });
}

const NOTHING_TO_MERGE = {
  unchanged: 0,
  localToPush: 0,
  conflicts: { collisions: 0, changedOnBoth: 0, deletedOnOneSide: 0, waiting: 0 },
};

function resultOf(centralUrl: string, isMerge: boolean, outcome: MergeOutcome): SyncLinkResult {
  const { rowsCopied, unchanged, localToPush, conflicts } = outcome;
  return { centralUrl, isMerge, rowsCopied, unchanged, localToPush, conflicts };
}

/** The fast path for an empty database: every central row straight into its table. */
async function copyInto(
  local: pg.ClientBase,
  central: pg.ClientBase,
  columns: TableColumns,
  total: number,
  work: LongWork,
): Promise<MergeOutcome> {
  const rowsCopied: Record<string, number> = {};
  let done = 0;
  for (const table of SYNCED_TABLES) {
    work.progress?.(done, total, `copying ${table}`);
    if (work.signal?.aborted) throw linkCancelled();
    rowsCopied[table] = await copyCentralTable(
      central,
      local,
      table,
      columns[table],
      table,
      work.signal,
    );
    done += rowsCopied[table];
  }
  // The planner's row counts, now rather than whenever autovacuum gets to it: without them
  // it takes the full tables for tiny ones and the first sync's set-based joins crawl.
  await local.query(`ANALYZE ${SYNCED_TABLES.join(', ')}`);
  // Local changes from here on are the push queue; the copy itself is sync's.
  return { rowsCopied, ...NOTHING_TO_MERGE, pushedFrom: await readFeedPosition(local) };
}

async function hasLocalData(local: pg.ClientBase): Promise<boolean> {
  const { rows } = await local.query<{ has_data: boolean }>(
    `SELECT ${SYNCED_TABLES.map((table) => `EXISTS (SELECT 1 FROM ${table})`).join(' OR ')} AS has_data`,
  );
  return rows[0]?.has_data ?? false;
}

function sumOf(counts: Record<string, number>): number {
  return Object.values(counts).reduce((sum, rows) => sum + rows, 0);
}

/** Each central table's rows, counted (a preview shows exact numbers). */
async function countRows(central: pg.ClientBase): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const table of SYNCED_TABLES) {
    const { rows } = await central.query<{ count: number }>(
      `SELECT count(*)::int AS count FROM ${table}`,
    );
    counts[table] = rows[0]?.count ?? 0;
  }
  return counts;
}

/** About how many rows each table has (the planner's estimate: counting would read them all twice). */
async function estimatedRows(central: pg.ClientBase): Promise<Record<string, number>> {
  const { rows } = await central.query<{ relname: string; rows: number }>(
    `SELECT relname, GREATEST(reltuples, 0)::float8 AS rows FROM pg_class WHERE relname = ANY($1) AND relkind = 'r'`,
    [SYNCED_TABLES],
  );
  return Object.fromEntries(rows.map((row) => [row.relname, Math.round(row.rows)]));
}
