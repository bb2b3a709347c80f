import fc from 'fast-check';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Database } from '../../db/connection';
import { ChangeSource, rawConnectionOf } from '../../db/connection';
import { listConflicts } from '../../db/services/sync/conflicts';
import { linkToCentral } from '../../db/services/sync/link';
import { pullChanges } from '../../db/services/sync/pull';
import { pushChanges } from '../../db/services/sync/push';
import { resolveConflict } from '../../db/services/sync/resolve';
import { getSyncStatus } from '../../db/services/sync/status';
import {
  changeAsApp,
  createSyncWorld,
  differingKeys,
  snapshotRows,
  type SyncNode,
  type SyncWorld,
} from '../support/sync-world';

let world: SyncWorld;

beforeAll(async () => {
  world = await createSyncWorld(2);
  for (const replica of world.replicas)
    await linkToCentral(replica.db, { url: world.central.database.url });
});

afterAll(async () => {
  await world?.close();
});

/** A handful of records (by email) that every node edits, deletes and re-creates. */
const SLOTS = 4;
/** Node 0 is the central server; 1 and 2 are the working copies. */
const nodeIndex = fc.integer({ min: 0, max: 2 });
const replicaIndex = fc.integer({ min: 1, max: 2 });
const slot = fc.integer({ min: 0, max: SLOTS - 1 });

type Step =
  | { kind: 'edit'; node: number; slot: number }
  | { kind: 'delete'; node: number; slot: number }
  | { kind: 'create'; node: number; slot: number }
  | { kind: 'push'; replica: number; dropAfter: number | null }
  | { kind: 'pull'; replica: number; dropAfter: number | null };

const dropAfter = fc.option(fc.integer({ min: 0, max: 2 }), { freq: 3 });
const step: fc.Arbitrary<Step> = fc.oneof(
  {
    arbitrary: fc.record({ kind: fc.constant('edit' as const), node: nodeIndex, slot }),
    weight: 4,
  },
  {
    arbitrary: fc.record({ kind: fc.constant('delete' as const), node: nodeIndex, slot }),
    weight: 1,
  },
  {
    arbitrary: fc.record({ kind: fc.constant('create' as const), node: nodeIndex, slot }),
    weight: 2,
  },
  {
    arbitrary: fc.record({ kind: fc.constant('push' as const), replica: replicaIndex, dropAfter }),
    weight: 2,
  },
  {
    arbitrary: fc.record({ kind: fc.constant('pull' as const), replica: replicaIndex, dropAfter }),
    weight: 2,
  },
);

const nodes = (): SyncNode[] => [world.central, ...world.replicas];
const nodeAt = (index: number): SyncNode => {
  const node = nodes()[index];
  if (!node) throw new Error(`no node ${index}`);
  return node;
};
const target = () => ({ url: world.central.database.url });

let round = 0;
/** A name no edit ever wrote before, so where it ends up says which edit it was. */
let written = 0;
const emailOf = (slotIndex: number) => `slot${slotIndex}-r${round}@example.com`;

/** Ends the central connection of a sync under way, as a dropped network would. */
async function dropCentralConnection(): Promise<void> {
  await world.central.db.select(
    `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
      WHERE application_name = 'lms-admin sync' AND datname = current_database()`,
    [],
  );
}

/** Runs a push or pull that loses its connection after `dropAfter` batches (when given). */
async function syncStep(
  db: Database,
  kind: 'push' | 'pull',
  dropAfter: number | null,
): Promise<void> {
  let batches = 0;
  const progress = () => {
    if (dropAfter !== null && batches++ === dropAfter + 1) void dropCentralConnection();
  };
  const run =
    kind === 'push'
      ? pushChanges(db, target(), { batchSize: 1, progress })
      : pullChanges(db, target(), { pageSize: 1, progress });
  await run.catch((error: unknown) => {
    if (dropAfter === null) throw error;
  });
}

/** Where each node's last edit of a slot should end: on the central server, or in a conflict. */
const lastEdits = new Map<string, string>();

async function apply(step: Step): Promise<void> {
  if (step.kind === 'push' || step.kind === 'pull') {
    await syncStep(nodeAt(step.replica).db, step.kind, step.dropAfter);
    return;
  }
  const db = nodeAt(step.node).db;
  const key = `${step.node}:${step.slot}`;
  if (step.kind === 'delete') {
    await changeAsApp(db, `DELETE FROM users WHERE email = $1 RETURNING id`, [emailOf(step.slot)]);
    lastEdits.delete(key);
    return;
  }
  const name = `name ${++written}`;
  const rows =
    step.kind === 'edit'
      ? await changeAsApp(db, `UPDATE users SET full_name = $2 WHERE email = $1 RETURNING id`, [
          emailOf(step.slot),
          name,
        ])
      : await changeAsApp(
          db,
          `INSERT INTO users (email, full_name, role) VALUES ($1, $2, 'student') ON CONFLICT (email) DO NOTHING RETURNING id`,
          [emailOf(step.slot), name],
        );
  if (rows.length > 0) lastEdits.set(key, name);
}

/** Resolves every open conflict (alternately keeping the local and the central side) and syncs until a pass moves nothing. */
async function settle(): Promise<void> {
  for (let pass = 0; pass < 6; pass++) {
    let isSettled = true;
    for (const replica of world.replicas) {
      const pushed = await pushChanges(replica.db, target());
      const pulled = await pullChanges(replica.db, target());
      // Settled once a whole pass moves nothing anywhere.
      if (pushed.applied + pushed.conflicts + pulled.applied + pulled.conflicts > 0)
        isSettled = false;
      const conflicts = await listConflicts(replica.db, { includeResolved: false });
      for (const [index, conflict] of conflicts.entries()) {
        isSettled = false;
        const take = conflict.kind === 'unique-collision' || index % 2 === 0 ? 'central' : 'local';
        await replica.db.withTransaction(
          { actorId: null, actorIp: null, source: ChangeSource.app },
          (transaction) =>
            resolveConflict(
              rawConnectionOf(transaction),
              { conflictId: conflict.id, take },
              { actorId: null },
            ),
        );
      }
      const status = await getSyncStatus(replica.db, { checkOnline: false });
      if (status.pendingChanges > 0 || status.unfinishedBatches > 0) isSettled = false;
    }
    if (isSettled) return;
  }
  throw new Error('sync did not settle in 6 passes');
}

/** Every name that reached the central server at some point, or was kept in a conflict. */
async function keptNames(): Promise<Set<string>> {
  const names = new Set<string>();
  const history = await world.central.db.select<{ name: string }>(
    `SELECT after ->> 'full_name' AS name FROM audit_log WHERE table_name = 'users' AND after IS NOT NULL`,
    [],
  );
  for (const { name } of history) names.add(name);
  for (const replica of world.replicas) {
    for (const conflict of await listConflicts(replica.db, { includeResolved: true })) {
      for (const side of [conflict.local, conflict.central]) {
        if (typeof side?.full_name === 'string') names.add(side.full_name);
      }
    }
  }
  return names;
}

/** Runs one sequence of steps, settles, and checks every copy converged with no edit lost. */
async function checkRound(steps: readonly Step[]): Promise<void> {
  round++;
  lastEdits.clear();
  for (const each of steps) await apply(each);
  // The last edit each node made to a record before it synced for good.
  const expected = new Map(lastEdits);
  await settle();
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
  const kept = await keptNames();
  const lost = [...expected].filter(([, name]) => !kept.has(name));
  expect(lost, 'edits neither on the central server nor in a conflict').toEqual([]);
}

it('brings every copy to the central state after random edits, syncs and dropped connections, losing no edit', async () => {
  await fc.assert(fc.asyncProperty(fc.array(step, { minLength: 5, maxLength: 25 }), checkRound), {
    numRuns: 15,
    endOnFailure: true,
  });
}, 600_000);

it('keeps one conflict per unique collision, its central side current, so taking central ends at the latest version', async () => {
  // A counterexample the property found (seed -248158514): the push and then the pull each opened
  // a collision conflict for the same email, the central record was edited, and resolving the
  // push's (stale) conflict after the pull's put the copy back to central's version 1.
  await checkRound([
    { kind: 'edit', node: 2, slot: 2 },
    { kind: 'edit', node: 1, slot: 2 },
    { kind: 'pull', replica: 2, dropAfter: 1 },
    { kind: 'pull', replica: 2, dropAfter: null },
    { kind: 'edit', node: 1, slot: 1 },
    { kind: 'delete', node: 0, slot: 0 },
    { kind: 'delete', node: 0, slot: 2 },
    { kind: 'create', node: 0, slot: 3 },
    { kind: 'delete', node: 0, slot: 0 },
    { kind: 'create', node: 1, slot: 3 },
    { kind: 'create', node: 0, slot: 1 },
    { kind: 'push', replica: 1, dropAfter: 1 },
    { kind: 'pull', replica: 1, dropAfter: 1 },
    { kind: 'create', node: 1, slot: 0 },
    { kind: 'push', replica: 1, dropAfter: null },
    { kind: 'delete', node: 1, slot: 3 },
    { kind: 'edit', node: 0, slot: 3 },
  ]);
}, 120_000);

it('shows and keeps a local edit made while its conflict waited, so resolving never discards it unseen', async () => {
  // A counterexample the property found in CI (seed -199256884): replica 2 created a record that
  // collided with a central one, edited it while the conflict was open, and taking central then
  // dropped the edit, which the conflict (holding the local side as first found) had never shown.
  await checkRound([
    { kind: 'create', node: 0, slot: 0 },
    { kind: 'create', node: 2, slot: 0 },
    { kind: 'pull', replica: 2, dropAfter: null },
    { kind: 'push', replica: 2, dropAfter: 1 },
    { kind: 'edit', node: 2, slot: 0 },
  ]);
}, 120_000);
