import type pg from 'pg';
import { ServiceError } from '../service-error';
import { TableStatements } from './apply-rows';
import {
  assertSameMigrations,
  connectCentral,
  describeCentral,
  readAppliedMigrations,
  readServerIdentity,
  type CentralTarget,
} from './central-connection';
import type { ReplicaLink } from './replica-state';
import { readTableColumns } from './synced-tables';

/**
 * Runs `work` with a connection to the linked central server, after checking it is the same
 * server the link was made with and that both still have the same migrations. The URL defaults
 * to the link's (which has no password: the caller's, the remembered one when the caller gives
 * the `secrets` that open it, PGPASSWORD or ~/.pgpass supplies it).
 */
export async function withCentral<T>(
  local: pg.ClientBase,
  link: ReplicaLink,
  target: Partial<CentralTarget>,
  work: (central: pg.Client, statements: TableStatements) => Promise<T>,
): Promise<T> {
  const url = target.url ?? link.centralUrl;
  // The remembered password goes only to the linked URL, never to one a caller names instead.
  const sealedPassword = target.url === undefined ? link.sealedPassword : null;
  const central = await connectCentral({ ...target, url, sealedPassword });
  try {
    const identity = await readServerIdentity(central);
    if (identity.systemId !== link.centralSystemId || identity.database !== link.centralDatabase) {
      throw new ServiceError(
        'CONFLICT',
        `${describeCentral(url)} is not the central server this database is linked to (database "${link.centralDatabase}" of system ${link.centralSystemId}). Use the linked server's URL.`,
      );
    }
    assertSameMigrations(
      await readAppliedMigrations(local),
      await readAppliedMigrations(central),
      describeCentral(url),
    );
    return await work(central, new TableStatements(await readTableColumns(central)));
  } finally {
    await central.end().catch(() => undefined);
  }
}
