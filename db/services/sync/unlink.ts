import type { Database } from '../../connection';
import type { SyncUnlinkResult } from '../../schemas/sync';
import { ServiceError } from '../service-error';
import { describeCentral } from './central-connection';
import { inTransaction, requireLink, withSyncLock } from './replica-state';
import { readSyncBacklog } from './status';

/**
 * Ends the link: this database stops being a working copy of its central server and keeps every
 * record it has; the link's remembered password goes with it. Refused, changing nothing, while
 * unlinking would drop something the central server hasn't got (changes not yet pushed, an
 * interrupted push) or a decision nobody made (open conflicts). Linking again later merges.
 */
export async function unlinkFromCentral(db: Database): Promise<SyncUnlinkResult> {
  return withSyncLock(db, (local) =>
    inTransaction(local, 'BEGIN', async () => {
      const link = await requireLink(local);
      const { pendingChanges, unfinishedBatches, openConflicts } = await readSyncBacklog(
        local,
        link,
      );
      const owed = [
        pendingChanges > 0 && `${pendingChanges} changed record(s) to push`,
        unfinishedBatches > 0 && `${unfinishedBatches} interrupted push batch(es) to finish`,
        openConflicts > 0 && `${openConflicts} open conflict(s) to resolve`,
      ].filter(Boolean);
      if (owed.length > 0) {
        throw new ServiceError(
          'CONFLICT',
          `This database still has ${owed.join(', ')}. Push and resolve them first (unlinking would leave them behind), then unlink. Nothing was changed.`,
        );
      }
      await local.query(`DELETE FROM sync_push_bases`);
      await local.query(`DELETE FROM sync_link`);
      return {
        centralUrl: link.centralUrl,
        wasPasswordRemembered: link.sealedPassword !== null,
        centralName: describeCentral(link.centralUrl),
      };
    }),
  );
}
