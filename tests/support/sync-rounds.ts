import fc from 'fast-check';
import { expect } from 'vitest';
import type { Database } from '../../db/connection';
import { ChangeSource, rawConnectionOf } from '../../db/connection';
import type { SyncConflict } from '../../db/schemas/sync';
import { listConflicts } from '../../db/services/sync/conflicts';
import { pullChanges } from '../../db/services/sync/pull';
import { pushChanges } from '../../db/services/sync/push';
import { resolveConflict } from '../../db/services/sync/resolve';
import { ServiceError } from '../../db/services/service-error';
import { getSyncStatus } from '../../db/services/sync/status';
import { differingKeys, snapshotRows, type SyncNode, type SyncWorld } from './sync-world';

/**
 * The sync half of a property test's steps: a push or pull by one working copy (1-based: node 0
 * is the central server), losing its connection after `dropAfter` batches when given.
 */
export type SyncStep =
  | { kind: 'push'; replica: number; dropAfter: number | null }
  | { kind: 'pull'; replica: number; dropAfter: number | null };

export function syncStepArbitrary(replicaCount: number): fc.Arbitrary<SyncStep> {
  const replica = fc.integer({ min: 1, max: replicaCount });
  const dropAfter = fc.option(fc.integer({ min: 0, max: 2 }), { freq: 3 });
  return fc.oneof(
    fc.record({ kind: fc.constant('push' as const), replica, dropAfter }),
    fc.record({ kind: fc.constant('pull' as const), replica, dropAfter }),
  );
}

export function isSyncStep(step: { kind: string }): step is SyncStep {
  return step.kind === 'push' || step.kind === 'pull';
}

/** The central server first, then the working copies: the numbering steps use. */
export function nodeOf(world: SyncWorld, index: number): SyncNode {
  const node = [world.central, ...world.replicas][index];
  if (!node) throw new Error(`no node ${index}`);
  return node;
}

const targetOf = (world: SyncWorld) => ({ url: world.central.database.url });

/** Ends the central connection of a sync under way, as a dropped network would. */
async function dropCentralConnection(world: SyncWorld): Promise<void> {
  await world.central.db.select(
    `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
      WHERE application_name = 'lms-admin sync' AND datname = current_database()`,
    [],
  );
}

/** Runs a push or pull one record a batch, losing the connection after `dropAfter` batches (when given). */
export async function runSyncStep(world: SyncWorld, step: SyncStep): Promise<void> {
  const db = nodeOf(world, step.replica).db;
  let batches = 0;
  const progress = () => {
    if (step.dropAfter !== null && batches++ === step.dropAfter + 1)
      void dropCentralConnection(world);
  };
  const run =
    step.kind === 'push'
      ? pushChanges(db, targetOf(world), { batchSize: 1, progress })
      : pullChanges(db, targetOf(world), { pageSize: 1, progress });
  await run.catch((error: unknown) => {
    if (step.dropAfter === null) throw error;
  });
}

/** Which side a settling person takes for a conflict (the `index`th open one of its copy, in the `pass`th pass). */
export type SideChoice = (
  conflict: SyncConflict,
  index: number,
  pass: number,
) => 'local' | 'central';

/** Collisions keep the central record; other conflicts alternate between the two sides. */
export const alternateSides: SideChoice = (conflict, index) =>
  conflict.kind === 'unique-collision' || index % 2 === 0 ? 'central' : 'local';

async function resolveAs(db: Database, conflictId: string, take: 'local' | 'central') {
  return db.withTransaction({ actorId: null, actorIp: null, source: ChangeSource.app }, (tx) =>
    resolveConflict(rawConnectionOf(tx), { conflictId, take }, { actorId: null }),
  );
}

/**
 * Resolves every open conflict and syncs every copy until a whole pass moves nothing. Conflicts
 * are resolved in the order `order` puts them (a person settles a lesson before deleting its
 * course). A side the service refuses (keeping an enrollment whose course is deleted here, say)
 * is tried the other way, as a person reading the error would; refused both ways, the conflict
 * waits for the next pass.
 */
export async function settleSync(
  world: SyncWorld,
  choose: SideChoice,
  order: (a: SyncConflict, b: SyncConflict) => number = () => 0,
  passes = 6,
): Promise<void> {
  const refusals: string[] = [];
  for (let pass = 0; pass < passes; pass++) {
    let isSettled = true;
    refusals.length = 0;
    for (const replica of world.replicas) {
      const pushed = await pushChanges(replica.db, targetOf(world));
      const pulled = await pullChanges(replica.db, targetOf(world));
      if (pushed.applied + pushed.conflicts + pulled.applied + pulled.conflicts > 0)
        isSettled = false;
      const conflicts = (await listConflicts(replica.db, { includeResolved: false })).sort(order);
      for (const [index, conflict] of conflicts.entries()) {
        isSettled = false;
        const take = choose(conflict, index, pass);
        for (const side of [take, take === 'local' ? 'central' : 'local'] as const) {
          try {
            await resolveAs(replica.db, conflict.id, side);
            break;
          } catch (error) {
            if (!(error instanceof ServiceError)) throw error;
            refusals.push(
              `${replica.name} ${conflict.tableName} ${conflict.kind} take ${side}: ${error.message}`,
            );
          }
        }
      }
      const status = await getSyncStatus(replica.db, { checkOnline: false });
      if (status.pendingChanges > 0 || status.unfinishedBatches > 0) isSettled = false;
    }
    if (isSettled) return;
  }
  throw new Error(`sync did not settle in ${passes} passes; refused: ${refusals.join('; ')}`);
}

/** Asserts every working copy holds exactly the central server's rows. */
export async function expectCopiesEqualCentral(world: SyncWorld): Promise<void> {
  const central = await snapshotRows(world.central.database.url);
  for (const replica of world.replicas) {
    const copy = await snapshotRows(replica.database.url);
    const differences = differingKeys(copy, central).map((key) => ({
      key,
      copy: copy.get(key),
      central: central.get(key),
    }));
    expect(differences, replica.name).toEqual([]);
  }
}

/** A record image kept somewhere (the central history or a conflict), with its table. */
export interface KeptImage {
  table: string;
  image: Record<string, unknown>;
}

/** Every conflict side (local and central image) ever recorded on a working copy, resolved ones included. */
export async function conflictSides(world: SyncWorld): Promise<KeptImage[]> {
  const sides: KeptImage[] = [];
  for (const replica of world.replicas) {
    for (const conflict of await listConflicts(replica.db, { includeResolved: true })) {
      for (const image of [conflict.local, conflict.central])
        if (image) sides.push({ table: conflict.tableName, image });
    }
  }
  return sides;
}

/** Every image the central server's history holds (each record after each of its changes). */
export async function centralHistory(world: SyncWorld): Promise<KeptImage[]> {
  const rows = await world.central.db.select<{
    table_name: string;
    after: Record<string, unknown>;
  }>(`SELECT table_name, after FROM audit_log WHERE after IS NOT NULL`, []);
  return rows.map((row) => ({ table: row.table_name, image: row.after }));
}
