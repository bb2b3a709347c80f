import type pg from 'pg';
import type { Database } from '../../connection';
import type { SyncStatus } from '../../schemas/sync';
import { connectCentral, type CentralTarget } from './central-connection';
import { findLink, readUnpushedRecords, type ReplicaLink } from './replica-state';

/** What a working copy still owes its central server: changes to push, interrupted batches, open conflicts. */
export interface SyncBacklog {
  /** Local records changed since the last push (records, not edits), not held by a conflict. */
  pendingChanges: number;
  unfinishedBatches: number;
  openConflicts: number;
}

/** The backlog of a linked database, in the caller's transaction. */
export async function readSyncBacklog(
  local: pg.ClientBase,
  link: ReplicaLink,
): Promise<SyncBacklog> {
  const pending = await readUnpushedRecords(local, link.pushed, { skipOpenConflicts: true });
  const { rows } = await local.query<{ batches: number; conflicts: number }>(
    `SELECT (SELECT count(*) FROM sync_outbox)::int AS batches,
            (SELECT count(*) FROM sync_conflicts WHERE resolved_at IS NULL)::int AS conflicts`,
  );
  return {
    pendingChanges: pending.length,
    unfinishedBatches: rows[0]?.batches ?? 0,
    openConflicts: rows[0]?.conflicts ?? 0,
  };
}

/** How long the status check waits for the central server before calling it offline. */
const ONLINE_CHECK_TIMEOUT_MS = 3_000;

/**
 * Where this working copy stands: linked to what, changes waiting to be pushed, open conflicts,
 * and (when `checkOnline`) whether the central server answers now.
 */
export async function getSyncStatus(
  db: Database,
  options: { checkOnline: boolean; target?: Partial<CentralTarget> },
): Promise<SyncStatus> {
  return db.withRawClient(async (local) => {
    const link = await findLink(local);
    if (!link) {
      return {
        isLinked: false,
        centralUrl: null,
        replicaId: null,
        linkedAt: null,
        lastPushedAt: null,
        lastPulledAt: null,
        pendingChanges: 0,
        unfinishedBatches: 0,
        openConflicts: 0,
        isOnline: null,
        centralMessage: null,
        isPasswordRemembered: false,
      };
    }
    const backlog = await readSyncBacklog(local, link);
    let isOnline: boolean | null = null;
    let centralMessage: string | null = null;
    if (options.checkOnline) {
      try {
        const central = await connectCentral({
          url: options.target?.url ?? link.centralUrl,
          password: options.target?.password,
          secrets: options.target?.secrets,
          // The remembered password goes only to the linked URL, never to one a caller names instead.
          sealedPassword: options.target?.url === undefined ? link.sealedPassword : null,
          connectTimeoutMs: ONLINE_CHECK_TIMEOUT_MS,
        });
        await central.end();
        isOnline = true;
      } catch (error) {
        isOnline = false;
        centralMessage = error instanceof Error ? error.message : String(error);
      }
    }
    return {
      isLinked: true,
      centralUrl: link.centralUrl,
      replicaId: link.replicaId,
      linkedAt: link.linkedAt,
      lastPushedAt: link.lastPushedAt,
      lastPulledAt: link.lastPulledAt,
      ...backlog,
      isOnline,
      centralMessage,
      isPasswordRemembered: link.sealedPassword !== null,
    };
  });
}
